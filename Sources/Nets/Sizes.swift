import Resources

/// Overflow-checked size arithmetic for everything a layer spec, an input shape or a net file
/// makes the net compute: a size that overflows, is not positive, or describes more memory than
/// `ResourcePolicy` admits becomes a `NetError` instead of a trap or an allocation.
enum Sizes {
    /// Bytes per stored value (Float32).
    static let bytesEach = MemoryLayout<Float>.stride

    /// The number of values of `shape`, which must have positive dimensions whose product fits
    /// the memory limit; `what` names the shape in the message.
    @discardableResult
    static func count(_ shape: Shape, _ what: @autoclosure () -> String = "a shape") throws -> Int {
        guard shape.allSatisfy({ $0 > 0 }) else {
            throw NetError("invspec", "\(what()) must have positive dimensions, not \(describe(shape))")
        }
        guard let n = ResourcePolicy.count(shape) else {
            throw NetError("nomem", "\(what()) (\(describe(shape))) is too large to represent")
        }
        guard ResourcePolicy.admits(n, bytesEach: bytesEach) else {
            throw NetError("nomem", "\(what()) (\(describe(shape))) needs more memory than the limit of \(ResourcePolicy.memoryLimit) bytes")
        }
        return n
    }

    /// `a + b`, or an error when it overflows.
    static func add(_ a: Int, _ b: Int) throws -> Int {
        let (r, o) = a.addingReportingOverflow(b)
        if o { throw overflow() }
        return r
    }

    /// `a - b`, or an error when it overflows.
    static func subtract(_ a: Int, _ b: Int) throws -> Int {
        let (r, o) = a.subtractingReportingOverflow(b)
        if o { throw overflow() }
        return r
    }

    /// `a * b`, or an error when it overflows.
    static func multiply(_ a: Int, _ b: Int) throws -> Int {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        if o { throw overflow() }
        return r
    }

    /// The product of `dims` (no other checks), or nil when one is negative or it overflows.
    static func product(_ dims: Shape) -> Int? { ResourcePolicy.count(dims) }

    static func overflow() -> NetError { NetError("invspec", "the sizes given are too large to compute with") }
}
