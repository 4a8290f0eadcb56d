import Tensor

/// A described failure of a net operation: a shape that does not fit, a malformed spec, data the
/// net cannot take. `tag` is the message tag the kernel issues it under (`NetChain::incompat`).
public struct NetError: Error, CustomStringConvertible, Sendable {
    public var tag: String
    public var description: String

    public init(_ tag: String, _ description: String) {
        self.tag = tag
        self.description = description
    }

    /// Incompatible shapes between two parts of a net.
    static func incompatible(_ what: String) -> NetError { NetError("incompat", what) }

    /// Prefixes the message with the name of the layer it happened in.
    func inLayer(_ name: String) -> NetError {
        NetError(tag, "in layer \(quoted(name)): \(description)")
    }
}

/// Per-example shapes: `[3, 224, 224]` for an image, `[1000]` for a vector, `[]` for a scalar.
public typealias Shape = [Int]

/// A shape as Wolfram's messages describe it ("a vector of size 3", "a 3x1 matrix", "an array of
/// dimensions 3x224x224"), or "an unknown shape".
public func describe(_ shape: Shape?) -> String {
    guard let shape else { return "an unknown shape" }
    return describeDimensions(shape)
}

public func quoted(_ s: String) -> String { "\"" + s + "\"" }

/// Merges two descriptions of the same shape: unknown takes the known one; two known ones must agree.
func unify(_ a: Shape?, _ b: Shape?) -> Shape?? {
    guard let a else { return .some(b) }
    guard let b else { return .some(a) }
    return a == b ? .some(a) : nil
}
