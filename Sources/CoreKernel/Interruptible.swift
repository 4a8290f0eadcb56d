import Language

/// Native loops of the library answer Ctrl-C (and `TimeConstrained`) as the evaluator does
/// between its steps: a `Pulse` counts a loop's iterations and asks the evaluator every 4096 of
/// them, so a loop over millions of elements stops within a few milliseconds of an interrupt.
///
///     var pulse = Pulse(c)
///     for x in items { try pulse.beat(); ... }
struct Pulse {
    private let evaluator: Evaluator
    private var count = 0

    init(_ c: Call) { evaluator = c.evaluator }

    /// Counts one iteration; throws the abort (or time-out) when one is pending.
    mutating func beat() throws {
        count &+= 1
        if count & 4095 == 0 { try evaluator.checkInterrupt() }
    }
}

/// `items` sorted by `less`, answering an interrupt every few thousand comparisons: sorting a
/// list of millions takes seconds, and Swift's sort takes a throwing comparison.
func interruptiblySorted<T>(_ items: [T], _ c: Call, by less: (T, T) throws -> Bool) throws -> [T] {
    var pulse = Pulse(c)
    return try items.sorted { a, b in
        try pulse.beat()
        return try less(a, b)
    }
}
