import Resources
import Tensor

/// `EmbeddingLayer[size, n]`: each integer index 1...n becomes row i of the weights.
///
/// - Input: indices of any shape (a sequence {T}, or a single index). Output: the input's
///   shape followed by `size`.
/// - Arrays: `Weights` {n, size}; the weights fix both sizes, and n is usually given by the
///   encoder before it (a "Characters", "Tokens" or "Class" encoder).
/// - Arrays start normal with variance 1.
/// - Indices are not differentiable: their gradient is 0.
struct EmbeddingLayer: LayerOperator, Codable {
    var size: Int?
    var vocabulary: Int?

    static let specKey = "embedding"

    var kind: LayerKind { .embedding(size: size, vocabulary: vocabulary) }
    var name: String { "EmbeddingLayer" }
    var arrayNames: [String] { ["Weights"] }

    mutating func fixSizes(arrays: [String: Tensor]) throws {
        for v in [size, vocabulary] { if let v, v <= 0 { throw NetError("invspec", "EmbeddingLayer sizes must be positive, not \(v)") } }
        guard let w = arrays["Weights"] else { return }
        guard w.rank == 2 else { throw NetError("invarr", "EmbeddingLayer weights must be a matrix, not \(describe(w.shape))") }
        if let size, size != w.shape[1] { throw NetError("invarr", "weights with \(counted(w.shape[1], "column")) cannot give vectors of size \(size)") }
        if let vocabulary, vocabulary != w.shape[0] { throw NetError("invarr", "weights with \(counted(w.shape[0], "row")) cannot embed \(counted(vocabulary, "index", "indices"))") }
        size = w.shape[1]
        vocabulary = w.shape[0]
    }

    mutating func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        if size == nil, let y = shapes.output, let last = y.last { size = last }
        if let x = shapes.input, let size { try shapes.setOutput(x + [size]) }
        if let y = shapes.output, !y.isEmpty { try shapes.setInput(Array(y.dropLast())) }
    }

    func arrayShapes(inputs: [Shape?]) -> [String: Shape]? {
        guard let size, let vocabulary else { return nil }
        return ["Weights": [vocabulary, size]]
    }

    func initialValues(of array: String, shape: Shape, generator: inout SeededGenerator) -> [Float] {
        (0..<shape.reduce(1, *)).map { _ in Float(generator.normal()) }
    }

    /// Zero-based rows of the indices, or an error naming the first one out of range.
    static func rows(_ x: UnsafeBufferPointer<Float>, vocabulary: Int) throws -> [Int] {
        try x.map { v in
            let k = Int(exactly: v.rounded()) ?? 0
            guard k >= 1, k <= vocabulary else { throw NetError("eval", "EmbeddingLayer takes integers from 1 to \(vocabulary), not \(v)") }
            return k - 1
        }
    }

    static func embed(_ rows: [Int], _ w: Tensor, into y: UnsafeMutablePointer<Float>) {
        let size = w.shape[1]
        w.withUnsafeBufferPointer { wp in
            guard let base = wp.baseAddress else { return }
            for (i, r) in rows.enumerated() { (y + i * size).update(from: base + r * size, count: size) }
        }
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        let x = try input(xs), w = try layer.array("Weights")
        let rows = try x.withUnsafeBufferPointer { try Self.rows($0, vocabulary: w.shape[0]) }
        var y = try Tensor(shape: x.shape + [w.shape[1]])
        y.withUnsafeMutableBufferPointer { p in if let b = p.baseAddress { Self.embed(rows, w, into: b) } }
        return y
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs), w = try layer.array("Weights")
        let rows = try x.withUnsafeBufferPointer { try Self.rows($0, vocabulary: w.shape[0]) }
        var y = try Tensor(shape: x.shape + [w.shape[1]])
        y.withUnsafeMutableBufferPointer { p in if let b = p.baseAddress { Self.embed(rows, w, into: b) } }
        let frozen = step.isFrozen(layer)
        return (y, { dy in
            if !frozen {
                let size = w.shape[1], g = dy.values
                var dw = [Float](repeating: 0, count: w.count)
                for (i, r) in rows.enumerated() { for j in 0..<size { dw[r * size + j] += g[i * size + j] } }
                try step.accumulate("Weights", Tensor(shape: w.shape, values: dw))
            }
            return step.needInput ? [try Tensor(shape: x.shape)] : [nil]
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? { Planned(weights: try layer.array("Weights")) }

    private struct Planned: PlannedOperation {
        let weights: Tensor

        func outputShape(_ xs: [[Int]]) throws -> [Int] { xs[0] + [weights.shape[1]] }

        func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                     _ scratch: Scratch) throws {
            let rows = try EmbeddingLayer.rows(UnsafeBufferPointer(start: xs[0], count: shapes[0].reduce(1, *)), vocabulary: weights.shape[0])
            EmbeddingLayer.embed(rows, weights, into: y)
        }
    }
}
