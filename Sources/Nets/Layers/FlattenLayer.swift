import Tensor

/// `FlattenLayer[]`: each example as one vector.
///
/// - Input: any shape of k values. Output: {k}.
/// - No arrays; in an inference plan the output shares the input's memory.
struct FlattenLayer: LayerOperator, Codable {
    static let specKey = "flatten"

    var kind: LayerKind { .flatten }
    var name: String { "FlattenLayer" }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        if let x = shapes.input { try shapes.setOutput([Sizes.count(x, "the input")]) }
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor { try input(xs).flattenedPerExample() }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs)
        return (try x.flattenedPerExample(), { dy in [try dy.reshaped(x.shape)] })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? { ReshapedView(dimensions: nil) }
}
