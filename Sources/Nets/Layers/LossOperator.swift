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
