/// A described failure of a tensor operation (a shape mismatch, a bad axis); never a trap.
public struct TensorError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    /// True when the failure is a size beyond the memory limit (`ResourcePolicy`).
    public var isMemory = false
    public init(_ description: String) { self.description = description }

    static func memory(_ shape: [Int]) -> TensorError {
        var e = TensorError("\(describeDimensions(shape)) does not fit in the memory limit")
        e.isMemory = true
        return e
    }

    static func shape(_ what: String, _ a: [Int], _ b: [Int]) -> TensorError {
        TensorError("\(what): \(describeDimensions(a)) and \(describeDimensions(b)) are incompatible")
    }
}

/// Dimensions as the Wolfram Language's messages describe them: "a scalar", "a vector of size 3",
/// "a 3x1 matrix", "an array of dimensions 3x4x5".
public func describeDimensions(_ shape: [Int]) -> String {
    switch shape.count {
    case 0: return "a scalar"
    case 1: return "a vector of size \(shape[0])"
    case 2: return "a \(shape[0])x\(shape[1]) matrix"
    default: return "an array of dimensions " + shape.map(String.init).joined(separator: "x")
    }
}
