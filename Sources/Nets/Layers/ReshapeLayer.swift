import Tensor

/// `ReshapeLayer[dims]`: each example's values in a new shape.
///
/// - Input: any shape of as many values as `dimensions` holds. Output: `dimensions`.
/// - No arrays; in an inference plan the output shares the input's memory.
struct ReshapeLayer: LayerOperator, Codable {
    var dimensions: Shape

    static let specKey = "reshape"

    private enum CodingKeys: String, CodingKey { case dimensions = "_0" }
    var kind: LayerKind { .reshape(dimensions) }
    var name: String { "ReshapeLayer" }

    func fixSizes(arrays: [String: Tensor]) throws {
        guard dimensions.allSatisfy({ $0 > 0 }) else { throw NetError("invspec", "reshape dimensions must be positive") }
        try Sizes.count(dimensions, "the reshape dimensions")
    }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        try shapes.setOutput(dimensions)
        if let x = shapes.input, try Sizes.count(x, "the input") != Sizes.count(dimensions, "the reshape dimensions") {
            throw NetError.incompatible("\(describe(x)) cannot be reshaped to \(describe(dimensions))")
        }
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        let x = try input(xs)
        return try x.reshaped([x.batchCount] + dimensions)
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs)
        return (try forward(xs, layer), { dy in [try dy.reshaped(x.shape)] })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? { ReshapedView(dimensions: dimensions) }
}

/// The plan step of FlattenLayer and ReshapeLayer: the input's memory under a new shape
/// (per-example `dimensions`, or one vector when nil); nothing runs.
struct ReshapedView: PlannedOperation {
    let dimensions: Shape?

    var isView: Bool { true }

    func outputShape(_ xs: [[Int]]) throws -> [Int] {
        let x = xs[0]
        return [x.first ?? 1] + (dimensions ?? [x.dropFirst().reduce(1, *)])
    }

    func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                 _ scratch: Scratch) throws {}
}
