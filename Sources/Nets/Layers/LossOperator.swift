import Tensor

/// What the loss layers share: an input and a target in, the batch's mean loss out. They are
/// attached by NetTrain, which calls `loss` for the value and its gradient; they have no
/// training pass of their own and no inference form.
///
/// - Inputs: the prediction and the target (by default of the prediction's shape).
///   Output: a scalar.
protocol LossOperator: LayerOperator {
    /// The mean loss of a batch and its gradient with respect to the prediction.
    func loss(_ x: Tensor, _ target: Tensor) throws -> (loss: Double, gradient: Tensor)
}

extension LossOperator {
    static var specKey: String { "loss" }

    /// `{"loss": {"_0": form}}`, one key for every loss layer.
    func encodeSpec(to container: inout KeyedEncodingContainer<SpecKey>) throws {
        guard case .loss(let form) = kind else { return }
        try container.encode(LossSpec(form: form), forKey: SpecKey(Self.specKey))
    }

    static func decodeSpec(from container: KeyedDecodingContainer<SpecKey>) throws -> LayerKind? {
        guard let spec = try container.decodeIfPresent(LossSpec.self, forKey: SpecKey(specKey)), spec.form.operation is Self else { return nil }
        return .loss(spec.form)
    }
    var inputCount: Int? { 2 }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws { try Self.targetLikePrediction(&shapes) }

    /// A scalar out; prediction and target of one shape.
    static func targetLikePrediction(_ shapes: inout LayerShapes) throws {
        try shapes.setOutput([])
        try shapes.setInput(shapes.input, 1)
        try shapes.setInput(shapes.inputs[1], 0)
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        guard xs.count == 2 else { throw NetError("eval", "\(name) needs an input and a target") }
        return try Tensor(scalar: Float(loss(xs[0], xs[1]).loss))
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        throw NetError("eval", "loss layers are attached by NetTrain, not trained through")
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? {
        throw NetError("eval", "loss layers have no inference form")
    }
}

/// The stored fields of a loss layer's spec.
private struct LossSpec: Codable {
    var form: LossKind
    enum CodingKeys: String, CodingKey { case form = "_0" }
}
