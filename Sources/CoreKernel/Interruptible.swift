import Foundation
import Language

/// Native loops of the library answer Ctrl-C (and `TimeConstrained`) as the evaluator does
/// between its steps: a `Pulse` counts a loop's iterations and asks the evaluator every 4096 of
/// them, so a loop over millions of elements stops within a few milliseconds of an interrupt.
///
///     var pulse = Pulse(c)
///     for x in items { try pulse.beat(); ... }
public struct Pulse {
    private let evaluator: Evaluator
    private var count = 0

    public init(_ c: Call) { evaluator = c.evaluator }

    /// Counts one iteration; throws the abort (or time-out) when one is pending.
    public mutating func beat() throws {
        count &+= 1
        if count & 4095 == 0 { try evaluator.checkInterrupt() }
    }
}

/// Lets go of `value` on a thread of its own. A native loop interrupted part way through a
/// million-element result would otherwise free it before the abort reaches the user: freeing a
/// million small expressions takes most of a second in a debug build.
func discardElsewhere<T>(_ value: consuming T) {
    let box = DiscardBox(value)
    Thread { box.drop() }.start()
}

/// `@unchecked Sendable`: the value is handed over whole; only the discarding thread touches it.
private final class DiscardBox<T>: @unchecked Sendable {
    private var value: T?
    init(_ value: consuming T) { self.value = value }
    func drop() { value = nil }
}

/// `items` sorted by `less`, answering an interrupt every few thousand comparisons: sorting a
/// list of millions takes seconds, and Swift's sort takes a throwing comparison. The positions
/// are sorted rather than the items: `sorted` first copies its array, and a copy of ten million
/// expressions takes seconds that no interrupt can cut short, where one of integers takes
/// milliseconds; the sorted items are then gathered a pulse at a time.
func interruptiblySorted<T>(_ items: [T], _ c: Call, by less: (T, T) throws -> Bool) throws -> [T] {
    var pulse = Pulse(c)
    let n = items.count
    var order = [Int](unsafeUninitializedCapacity: n) { positions, made in
        for i in 0..<n { positions[i] = i }
        made = n
    }
    try order.sort { a, b in
        try pulse.beat()
        return try less(items[a], items[b])
    }
    var out: [T] = []
    out.reserveCapacity(items.count)
    for i in order {
        try pulse.beat()
        out.append(items[i])
    }
    return out
}

/// Runs `work` on a thread of its own and waits for it, answering Ctrl-C (and `TimeConstrained`)
/// meanwhile: a library call that cannot be interrupted part way (a LAPACK factorisation of a
/// big matrix takes many seconds) is left to finish on its own at an interrupt, and its result
/// is discarded. `work` must touch no evaluator state; it gets and gives plain values.
///
///     let inverse = try awaitingInterrupt(c) { try LinearAlgebra.inverse(m) }
public func awaitingInterrupt<T: Sendable>(_ c: Call, _ work: @escaping @Sendable () throws -> T) throws -> T {
    let outcome = Outcome<T>()
    let thread = Thread {
        outcome.finish(Result { try work() })
    }
    thread.stackSize = 16 << 20
    thread.start()
    while true {
        if let result = outcome.wait(seconds: 0.01) { return try result.get() }
        try c.evaluator.checkInterrupt()
    }
}

/// The result of work on another thread, handed over under a condition lock.
private final class Outcome<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<T, Error>?

    func finish(_ r: Result<T, Error>) {
        condition.lock()
        result = r
        condition.signal()
        condition.unlock()
    }

    /// The result, or nil when it has not come within `seconds`.
    func wait(seconds: Double) -> Result<T, Error>? {
        condition.lock()
        defer { condition.unlock() }
        if result == nil { _ = condition.wait(until: Date().addingTimeInterval(seconds)) }
        return result
    }
}
