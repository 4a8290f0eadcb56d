import Tensor

/// `ConstantArrayLayer["Array" -> a]`: no input; outputs its learned array. In a batch it is
/// one example (a leading dimension of 1), which a ThreadingLayer replicates over the batch, as
/// it replicates any dimension of 1.
///
/// - Input: none. Output: the array's dimensions (given, taken from the array, or inferred from
///   what reads the output).
/// - Array "Array"; its gradient is the output's gradient (summed over the batch by the reader).
struct ConstantArrayLayer: LayerOperator, Codable {
    var dimensions: Shape?

    static let specKey = "constantArray"
    private enum CodingKeys: String, CodingKey { case dimensions = "_0" }
    var kind: LayerKind { .constantArray(dimensions) }
    var name: String { "ConstantArrayLayer" }
    var arrayNames: [String] { ["Array"] }
    var inputCount: Int? { 0 }

    mutating func fixSizes(arrays: [String: Tensor]) throws {
        if let d = dimensions { try Sizes.count(d, "the array's dimensions") }
        guard let a = arrays["Array"] else { return }
        if let d = dimensions, d != a.shape { throw NetError("invarr", "the array is \(describe(a.shape)), not \(describe(d))") }
        dimensions = a.shape
    }

    mutating func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        if dimensions == nil, let y = shapes.output { dimensions = y }
        try shapes.setOutput(dimensions)
    }

    func arrayShapes(inputs: [Shape?]) -> [String: Shape]? { dimensions.map { ["Array": $0] } }

    /// The array as a batch of one.
    private func output(_ layer: Layer) throws -> Tensor {
        let a = try layer.array("Array")
        return try a.reshaped([1] + a.shape)
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor { try output(layer) }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let y = try output(layer), frozen = step.isFrozen(layer)
        return (y, { dy in
            if !frozen {
                // A reader that did not replicate it over the batch passes a gradient per example.
                let per = y.count, g = dy.values
                var sum = [Float](repeating: 0, count: per)
                for i in g.indices { sum[i % per] += g[i] }
                try step.accumulate("Array", Tensor(shape: Array(y.shape.dropFirst()), values: sum))
            }
            return []
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? {
        let y = try output(layer)
        return ReferenceStep(layer: layer) { _ in y.shape }
    }
}
