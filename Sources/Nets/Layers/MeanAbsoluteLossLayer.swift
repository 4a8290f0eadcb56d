import Tensor

/// `MeanAbsoluteLossLayer[]`: the mean of |prediction - target|.
///
/// - Inputs: prediction and target of one shape. Output: a scalar. No arrays.
struct MeanAbsoluteLossLayer: LossOperator {
    var kind: LayerKind { .loss(.meanAbsolute) }
    var name: String { "MeanAbsoluteLossLayer" }

    func loss(_ x: Tensor, _ target: Tensor) throws -> (loss: Double, gradient: Tensor) { try Loss.meanAbsolute(x, target) }
}
