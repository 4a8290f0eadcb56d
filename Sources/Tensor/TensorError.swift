/// A described failure of a tensor operation (a shape mismatch, a bad axis); never a trap.
public struct TensorError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }

    static func shape(_ what: String, _ a: [Int], _ b: [Int]) -> TensorError {
        TensorError("\(what): shapes \(a) and \(b) are incompatible")
    }
}
