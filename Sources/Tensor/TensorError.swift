/// A described failure of a tensor operation (a shape mismatch, a bad axis); never a trap.
public struct TensorError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    /// True when the failure is a size beyond the memory limit (`ResourcePolicy`).
    public var isMemory = false
    public init(_ description: String) { self.description = description }

    static func memory(_ shape: [Int]) -> TensorError {
        var e = TensorError("an array of dimensions \(shape) does not fit in the memory limit")
        e.isMemory = true
        return e
    }

    static func shape(_ what: String, _ a: [Int], _ b: [Int]) -> TensorError {
        TensorError("\(what): shapes \(a) and \(b) are incompatible")
    }
}
