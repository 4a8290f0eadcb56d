import Tensor

/// `AggregationLayer[f]`: the max, mean or total over all spatial positions of each channel.
///
/// - Input: {c, ...} with at least one spatial dimension. Output: {c}.
/// - No arrays.
struct AggregationLayer: LayerOperator, Codable {
    var function: Pooling.Function

    static let specKey = "aggregation"

    private enum CodingKeys: String, CodingKey { case function = "_0" }
    var kind: LayerKind { .aggregation(function) }
    var name: String { "AggregationLayer" }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        guard let x = shapes.input else { return }
        guard x.count >= 2 else { throw NetError.incompatible("AggregationLayer needs channels and at least one spatial dimension, not \(describe(x))") }
        try shapes.setOutput([x[0]])
    }

    /// The batch as {n, c, positions, 1} planes.
    private func planes(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 3 else { throw NetError("eval", "AggregationLayer needs spatial inputs") }
        let n = x.batchCount
        return try x.reshaped([n, x.shape[1], x.count / Swift.max(n * x.shape[1], 1), 1])
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        try Pooling.global(planes(input(xs)), function)
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs), f = function
        let planes = try planes(x)
        let y = try Pooling.global(planes, f)
        return (y, { dy in step.needInput ? [try Pooling.globalBackward(planes, f, gradient: dy).reshaped(x.shape)] : [nil] })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? { Planned(function: function) }

    private struct Planned: PlannedOperation {
        let function: Pooling.Function

        func outputShape(_ xs: [[Int]]) throws -> [Int] { [xs[0].first ?? 1, xs[0].count > 1 ? xs[0][1] : 1] }

        func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                     _ scratch: Scratch) throws {
            let planes = shapes[0][0] * shapes[0][1]
            Pooling.globalInference(xs[0], planes: planes, size: shapes[0].reduce(1, *) / Swift.max(planes, 1), function, output: y)
        }
    }
}
