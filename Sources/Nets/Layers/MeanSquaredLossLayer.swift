import Tensor

/// `MeanSquaredLossLayer[]`: the mean of (prediction - target)^2.
///
/// - Inputs: prediction and target of one shape. Output: a scalar. No arrays.
struct MeanSquaredLossLayer: LossOperator {
    var kind: LayerKind { .loss(.meanSquared) }
    var name: String { "MeanSquaredLossLayer" }

    func loss(_ x: Tensor, _ target: Tensor) throws -> (loss: Double, gradient: Tensor) { try Loss.meanSquared(x, target) }
}
