import Tensor

/// Everything one kind of layer means, in one type per kind (one file each in `Layers/`): its
/// learned arrays and the sizes they fix, its shape rule in both directions, the reference
/// forward pass, the training forward pass with its backward, its step in an inference plan
/// (and how that step takes part in fusion), and how its arrays start out. Generic code
/// (`Layer`, `Net.forward`, `trainForward`, `InferencePlan`, `initialized`, `NetFile`) asks the
/// operator and never switches over kinds.
///
/// Shapes in the doc comments of conforming types are per example unless they name the batch
/// `n`; tensors passed to `forward`, `trainForward` and plan steps carry the batch first.
///
/// An operator is a value made from its `LayerKind` (`LayerKind.operation`) and turns back
/// into one (`kind`) after it has refined itself (a LinearLayer learns its output size from its
/// weights). In the net file a spec is `{specKey: fields}`; the fields are the type's `Codable`
/// form, named as `LayerKind`'s case labels them (`_0` for an unlabelled value), so that files
/// keep the form the enum's derived coding gave them.
protocol LayerOperator: Sendable {
    /// The key the net file's structure stores the spec under: `{"linear": {...}}`.
    static var specKey: String { get }
    /// Writes the spec under `specKey` (the type's own `Codable` form, by default).
    func encodeSpec(to container: inout KeyedEncodingContainer<SpecKey>) throws
    /// The spec stored in `container`, or nil when it is not this type's (another key, or another
    /// of the loss layers, which share one key).
    static func decodeSpec(from container: KeyedDecodingContainer<SpecKey>) throws -> LayerKind?

    /// The spec this operator stands for, including what `fixSizes` and `inferShapes` learned.
    var kind: LayerKind { get }
    /// The layer's head in the language: `LinearLayer`, `ConvolutionLayer`...
    var name: String { get }
    /// Names of the learned arrays, in the order `Information` lists them.
    var arrayNames: [String] { get }
    /// Number of input ports; nil for layers that take as many as are connected (Catenate, Total).
    var inputCount: Int? { get }
    /// Whether the output is random while training (dropout).
    var isStochastic: Bool { get }
    /// Names of the input ports in port order, for layers whose ports have names of their own
    /// (AttentionLayer's "Key", "Value", "Query"); nil otherwise.
    var portNames: [String]? { get }
    /// The loss NetTrain attaches when this is a net's last layer, if it implies one.
    var impliedLoss: LossKind? { get }

    /// Checks the spec and the given arrays, and takes the sizes the arrays fix.
    mutating func fixSizes(arrays: [String: Tensor]) throws
    /// The shape rule, in both directions where it runs backwards; may refine the spec.
    mutating func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws
    /// The shapes the learned arrays must have, once the input shapes are known (nil: not yet).
    func arrayShapes(inputs: [Shape?]) -> [String: Shape]?
    /// Starting values of one learned array of the given shape.
    func initialValues(of array: String, shape: Shape, generator: inout SeededGenerator) -> [Float]

    /// The reference forward pass on a batch (inference: dropout off, moving statistics).
    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor
    /// The reference forward pass of this layer together with the layers after it in a chain,
    /// when they run as one (a convolution with the batch normalization folded in): the output
    /// and the number of layers covered, or nil.
    func forwardFused(_ x: Tensor, _ layer: Layer, followedBy next: ArraySlice<Net>) throws -> (Tensor, Int)?
    /// The training forward pass: the output, and the backward that maps the output's gradient
    /// to the inputs' gradients (nil where `step.needInput` is false) and records the arrays'
    /// gradients and new statistics in `step.pass`.
    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward)
    /// The layer's step in an inference plan; nil when the layer passes its input through.
    func planned(_ layer: Layer) throws -> (any PlannedOperation)?
}

extension LayerOperator {
    var arrayNames: [String] { [] }
    var inputCount: Int? { 1 }
    var isStochastic: Bool { false }
    var portNames: [String]? { nil }
    var impliedLoss: LossKind? { nil }

    func fixSizes(arrays: [String: Tensor]) throws {}

    func arrayShapes(inputs: [Shape?]) -> [String: Shape]? { arrayNames.isEmpty ? [:] : nil }

    /// Weights from a normal distribution with variance 2 / fan-in (Kaiming), everything else 0.
    func initialValues(of array: String, shape: Shape, generator: inout SeededGenerator) -> [Float] {
        let count = shape.reduce(1, *)
        guard array == "Weights" else { return Array(repeating: 0, count: count) }
        let fanIn = Swift.max(1, count / Swift.max(shape.first ?? 1, 1))
        let std = (2.0 / Double(fanIn)).squareRoot()
        return (0..<count).map { _ in Float(generator.normal() * std) }
    }

    func forwardFused(_ x: Tensor, _ layer: Layer, followedBy next: ArraySlice<Net>) throws -> (Tensor, Int)? { nil }

    /// The single input of a one-input layer.
    func input(_ xs: [Tensor]) throws -> Tensor {
        guard let x = xs.first else { throw NetError("eval", "\(name) got no input") }
        return x
    }
}

extension LayerOperator where Self: Codable {
    func encodeSpec(to container: inout KeyedEncodingContainer<SpecKey>) throws {
        try container.encode(self, forKey: SpecKey(Self.specKey))
    }

    static func decodeSpec(from container: KeyedDecodingContainer<SpecKey>) throws -> LayerKind? {
        guard container.contains(SpecKey(specKey)) else { return nil }
        return try container.decode(Self.self, forKey: SpecKey(specKey)).kind
    }
}

/// A key of the net file's spec objects.
struct SpecKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Tensor {
    /// Number of examples: the leading dimension.
    var batchCount: Int { shape.first ?? 1 }

    /// Each example flattened to a vector: [n, size].
    func flattenedPerExample() throws -> Tensor {
        let n = batchCount
        return try reshaped([n, count / Swift.max(n, 1)])
    }
}
