import Resources
import Tensor

/// `LinearLayer[size]`: each example flattened to a vector of size k and mapped to `W x + b`.
///
/// - Input: any shape of k values. Output: `output` (the weights' row count when not given).
/// - Arrays: `Weights` {o, k} with o the output's size, `Biases` {o} (unless `biases` is false).
/// - The weights fix the output size (their rows) and the input size (their columns); the
///   output size can also be inferred from what follows.
/// - Arrays start as Kaiming-normal weights and zero biases (`LayerOperator`'s default).
struct LinearLayer: LayerOperator, Codable {
    var output: Shape?
    var biases: Bool

    static let specKey = "linear"

    var kind: LayerKind { .linear(output: output, biases: biases) }
    var name: String { "LinearLayer" }
    var arrayNames: [String] { biases ? ["Weights", "Biases"] : ["Weights"] }

    mutating func fixSizes(arrays: [String: Tensor]) throws {
        if let w = arrays["Weights"] {
            guard w.rank == 2 else { throw NetError("invarr", "LinearLayer weights must be a matrix, not \(describe(w.shape))") }
            let size = output ?? [w.shape[0]]
            guard try Sizes.count(size, "the output") == w.shape[0] else {
                throw NetError("invarr", "weights with \(counted(w.shape[0], "row")) cannot give \(describe(size))")
            }
            output = size
        }
        if let b = arrays["Biases"] {
            guard b.rank == 1 else { throw NetError("invarr", "LinearLayer biases must be a vector, not \(describe(b.shape))") }
            if let output, try Sizes.count(output, "the output") != b.count {
                throw NetError("invarr", "\(counted(b.count, "bias", "biases")) cannot fit \(describe(output))")
            }
            if output == nil { output = [b.count] }
        }
    }

    mutating func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        if output == nil, let out = shapes.output { output = out }
        guard let size = output else { return }
        try shapes.setOutput(size)
        guard let w = arrays["Weights"] else { return }
        if let x = shapes.input {
            guard try Sizes.count(x, "the input") == w.shape[1] else {
                throw NetError.incompatible("the weights take a vector of size \(w.shape[1]), but the input is \(describe(x))")
            }
        } else {
            try shapes.setInput([w.shape[1]])
        }
    }

    func arrayShapes(inputs: [Shape?]) -> [String: Shape]? {
        guard let size = output, let x = inputs.first ?? nil, let o = Sizes.product(size), let k = Sizes.product(x) else { return nil }
        var out = ["Weights": [o, k]]
        if biases { out["Biases"] = [o] }
        return out
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        let x = try input(xs), w = try layer.array("Weights")
        let y = try Linear.forward(x.flattenedPerExample(), weights: w, biases: layer.arrays["Biases"])
        return try y.reshaped([x.batchCount] + (output ?? [w.shape[0]]))
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs), n = x.batchCount, w = try layer.array("Weights")
        let flat = try x.flattenedPerExample()
        let y = try Linear.forward(flat, weights: w, biases: layer.arrays["Biases"])
        let frozen = step.isFrozen(layer), hasBiases = layer.arrays["Biases"] != nil
        return (try y.reshaped([n] + (output ?? [w.shape[0]])), { dy in
            let g = try dy.flattenedPerExample()
            if !frozen {
                try step.accumulate("Weights", Tensor.matmul(g, flat, transposeA: true))
                if hasBiases { try step.accumulate("Biases", g.sum(axis: 0)) }
            }
            return step.needInput ? [try Tensor.matmul(g, w).reshaped(x.shape)] : [nil]
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? {
        let w = try layer.array("Weights")
        return Planned(weights: w, biases: layer.arrays["Biases"], output: output ?? [w.shape[0]])
    }

    /// One GEMM over the batch, then the biases.
    private struct Planned: PlannedOperation {
        let weights: Tensor
        let biases: Tensor?
        let output: Shape
        /// The weights packed for the channel-blocked kernel (a few rows at a time).
        var packed: PackedWeights? = nil

        func prepared() -> any PlannedOperation {
            var p = self
            p.packed = PackedWeights(weights, biases: biases)
            return p
        }

        func outputShape(_ xs: [[Int]]) throws -> [Int] { [xs[0].first ?? 1] + output }

        func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                     _ scratch: Scratch) throws {
            let n = shapes[0][0], k = shapes[0].reduce(1, *) / Swift.max(n, 1), o = weights.shape[0]
            guard k == weights.shape[1] else { throw NetError("eval", "the linear layer takes \(weights.shape[1]) values, not \(k)") }
            if n <= 4, let packed, packed.linear(xs[0], rows: n, y) { return }
            Linear.inference(xs[0], rows: n, weights: weights, biases: biases, output: y)
        }

        /// A batch's examples reach the classifier together (one product for the batch).
        var batchesTail: Bool { true }
    }
}
