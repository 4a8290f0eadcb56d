import Tensor

/// `DropoutLayer[p]`: while training, each value is zeroed with probability p and the rest
/// scaled by 1 / (1 - p); at inference the input passes through unchanged (no plan step).
///
/// - Input: any shape. Output: the input's shape.
/// - No arrays.
struct DropoutLayer: LayerOperator, Codable {
    var probability: Float

    static let specKey = "dropout"

    private enum CodingKeys: String, CodingKey { case probability = "_0" }
    var kind: LayerKind { .dropout(probability) }
    var name: String { "DropoutLayer" }
    var isStochastic: Bool { true }

    func fixSizes(arrays: [String: Tensor]) throws {
        guard probability >= 0, probability < 1 else { throw NetError("invspec", "the dropout probability must be in [0, 1), not \(probability)") }
    }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws { try shapes.keepShape() }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor { try input(xs) }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let (y, mask) = try Dropout.training(input(xs), probability: probability, generator: &step.pass.generator)
        return (y, { dy in step.needInput ? [try Dropout.backward(mask: mask, gradient: dy)] : [nil] })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? { nil }
}
