import Foundation
import Tensor

/// What `AttentionLayer[...]` computes besides its inputs: the scoring net, the rescaling of
/// the scores, the mask and whether the input has heads.
public struct AttentionSpec: Sendable, Equatable, Codable {
    /// `"Dot"`: s = k . q; `"Bilinear"` (Wolfram's default): s = k . W . q with a learned W.
    public enum Scoring: String, Sendable, Equatable, Codable { case dot = "Dot", bilinear = "Bilinear" }

    public var scoring: Scoring
    /// `"ScoreRescaling" -> "DimensionSqrt"`: the scores are divided by the square root of the key size.
    public var rescaled: Bool
    public var mask: Attention.Mask
    /// `"MultiHead" -> True`: the dimension before the last counts the heads.
    public var multiHead: Bool

    public init(scoring: Scoring = .bilinear, rescaled: Bool = false, mask: Attention.Mask = .none, multiHead: Bool = false) {
        (self.scoring, self.rescaled, self.mask, self.multiHead) = (scoring, rescaled, mask, multiHead)
    }
}

/// `AttentionLayer[scoring, opts]`: for each query vector, the sum of the value vectors weighted
/// by the softmax of the scores of their keys against the query.
///
/// - Inputs, in port order: `"Key"` {n, k}, `"Value"` {n, v}, `"Query"` {m, q} or one query
///   {q}; with `"MultiHead" -> True`, {n, h, k}, {n, h, v} and {m, h, q} (or {h, q}).
///   Output `"Output"`: {m, v} ({v} for one query; {m, h, v} or {h, v} with heads).
/// - `"Dot"` needs q = k. `"Bilinear"` has the array `Weights` {k, q}; s = k . Weights . q.
/// - `"Mask" -> "Causal"`: query i sees keys 1...i (m = n); `{"Causal", w}`: only the last w.
/// - Under a `SequenceMask`, padding keys get no weight.
struct AttentionLayer: LayerOperator, Codable {
    var spec: AttentionSpec

    static let specKey = "attention"
    private enum CodingKeys: String, CodingKey { case spec = "_0" }

    var kind: LayerKind { .attention(spec) }
    var name: String { "AttentionLayer" }
    var arrayNames: [String] { spec.scoring == .bilinear ? ["Weights"] : [] }
    var inputCount: Int? { 3 }
    var portNames: [String]? { ["Key", "Value", "Query"] }

    /// Per-example dims: the vector rank of each port (1, or 2 with heads).
    private var vectorRank: Int { spec.multiHead ? 2 : 1 }

    mutating func fixSizes(arrays: [String: Tensor]) throws {
        if case .causal(let w?) = spec.mask, w < 1 { throw NetError("invspec", "the causal window must be a positive integer, not \(w)") }
        if let w = arrays["Weights"], w.rank != 2 { throw NetError("invarr", "the attention weights must be a matrix, not \(describe(w.shape))") }
    }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        let r = vectorRank
        let (k, v, q) = (shapes.inputs[0], shapes.inputs[1], shapes.inputs[2])
        for (port, s, sequence) in [("keys", k, true), ("values", v, true), ("queries", q, false)] {
            guard let s else { continue }
            guard s.count == r + 1 || (!sequence && s.count == r) else {
                let what = spec.multiHead ? "a sequence of {heads, size} matrices" : "a sequence of vectors"
                throw NetError.incompatible("AttentionLayer takes \(port) as \(what), not \(describe(s))")
            }
        }
        if let k, let v, k.dropLast() != v.dropLast() {
            throw NetError.incompatible("AttentionLayer needs as many keys as values (and as many heads), not \(describe(k)) and \(describe(v))")
        }
        if spec.multiHead, let k, let q, k[1] != q[q.count - 2] {
            throw NetError.incompatible("the keys have \(k[1]) heads, but the queries \(q[q.count - 2])")
        }
        if let k, let q {
            let kw = k[k.count - 1], qw = q[q.count - 1]
            if spec.scoring == .dot, kw != qw { throw NetError.incompatible("\"Dot\" scoring needs keys and queries of one size, not \(kw) and \(qw)") }
            if let w = arrays["Weights"], w.shape != [kw, qw] {
                throw NetError("invarr", "the attention weights must be {\(kw), \(qw)}, not \(describe(w.shape))")
            }
        }
        if case .causal = spec.mask, let k, let q {
            guard q.count == r + 1, q[0] == k[0] else {
                throw NetError.incompatible("a causal mask needs a sequence of queries as long as the keys, not \(describe(q)) for \(describe(k))")
            }
        }
        if let q, let v { try shapes.setOutput(Array(q.dropLast()) + [v[v.count - 1]]) }
    }

    func arrayShapes(inputs: [Shape?]) -> [String: Shape]? {
        guard spec.scoring == .bilinear else { return [:] }
        guard let k = inputs[0], let q = inputs[2], let kw = k.last, let qw = q.last else { return nil }
        return ["Weights": [kw, qw]]
    }

    /// Weights normal with variance 1 / q (the scores then start of the size of a dot product).
    func initialValues(of array: String, shape: Shape, generator: inout SeededGenerator) -> [Float] {
        let std = (1.0 / Double(Swift.max(shape.last ?? 1, 1))).squareRoot()
        return (0..<shape.reduce(1, *)).map { _ in Float(generator.normal() * std) }
    }

    /// The batch's inputs as the kernel's layout: keys, values and queries [b, n, h, k], with
    /// the queries transformed by the bilinear weights, and the sizes.
    private func prepared(_ xs: [Tensor], _ layer: Layer) throws -> (k: Tensor, v: Tensor, q: Tensor, sizes: Attention.Sizes) {
        guard xs.count == 3 else { throw NetError("eval", "AttentionLayer takes keys, values and queries") }
        let r = vectorRank
        let (k, v, q) = (xs[0], xs[1], xs[2])
        guard k.rank == r + 2, v.rank == r + 2, q.rank == r + 1 || q.rank == r + 2 else {
            throw NetError("eval", "AttentionLayer got keys \(describe(Array(k.shape.dropFirst()))), values \(describe(Array(v.shape.dropFirst()))) and queries \(describe(Array(q.shape.dropFirst())))")
        }
        let b = k.shape[0], n = k.shape[1], heads = spec.multiHead ? k.shape[2] : 1
        let m = q.rank == r + 2 ? q.shape[1] : 1
        guard v.shape[0] == b, q.shape[0] == b, v.shape[1] == n, !spec.multiHead || (v.shape[2] == heads && q.shape[q.rank - 2] == heads) else {
            throw NetError("eval", "AttentionLayer's keys, values and queries do not fit together")
        }
        if case .causal = spec.mask, m != n { throw NetError("eval", "a causal mask needs as many queries as keys") }
        var queries = try q.reshaped([b, m, heads, q.shape[q.rank - 1]])
        if spec.scoring == .bilinear {
            let w = try layer.array("Weights")
            queries = try Tensor.matmul(queries.reshaped([b * m * heads, w.shape[1]]), w, transposeB: true).reshaped([b, m, heads, w.shape[0]])
        }
        let kw = k.shape[k.rank - 1]
        guard queries.shape[3] == kw else { throw NetError("eval", "AttentionLayer's queries do not fit its keys") }
        let sizes = Attention.Sizes(batch: b, keys: n, queries: m, heads: heads, keyWidth: kw, valueWidth: v.shape[v.rank - 1])
        return (try k.reshaped([b, n, heads, kw]), try v.reshaped([b, n, heads, sizes.valueWidth]), queries, sizes)
    }

    private func scale(_ s: Attention.Sizes) -> Float { spec.rescaled ? 1 / Float(s.keyWidth).squareRoot() : 1 }

    /// The output's shape for queries of the given (batched) shape and values of the given width.
    private func outputShape(_ q: [Int], valueWidth: Int) -> [Int] { Array(q.dropLast()) + [valueWidth] }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        let p = try prepared(xs, layer)
        let (y, _) = try Attention.forward(keys: p.k, values: p.v, queries: p.q, sizes: p.sizes, scale: scale(p.sizes), mask: spec.mask,
                                           keyCounts: SequenceMask.lengths(batch: p.sizes.batch, steps: p.sizes.keys))
        return try y.reshaped(outputShape(xs[2].shape, valueWidth: p.sizes.valueWidth))
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let p = try prepared(xs, layer), s = p.sizes, c = scale(s)
        let (y, weights) = try Attention.forward(keys: p.k, values: p.v, queries: p.q, sizes: s, scale: c, mask: spec.mask,
                                                 keyCounts: SequenceMask.lengths(batch: s.batch, steps: s.keys))
        let frozen = step.isFrozen(layer)
        let w = spec.scoring == .bilinear ? try layer.array("Weights") : nil
        let shapes = xs.map(\.shape)
        return (try y.reshaped(outputShape(shapes[2], valueWidth: s.valueWidth)), { dy in
            let g = try dy.reshaped([s.batch, s.queries, s.heads, s.valueWidth])
            let d = try Attention.backward(keys: p.k, values: p.v, queries: p.q, weights: weights, gradient: g, sizes: s, scale: c)
            var dq = d.queries
            if let w {
                // q' = W q for every query vector: dW = Σ dq' ⊗ q, dq = Wᵀ dq'.
                let rows = s.batch * s.queries * s.heads
                let dPrime = try dq.reshaped([rows, w.shape[0]]), q = try xs[2].reshaped([rows, w.shape[1]])
                if !frozen { try step.accumulate("Weights", Tensor.matmul(dPrime, q, transposeA: true)) }
                dq = try Tensor.matmul(dPrime, w)
            }
            return [try d.keys.reshaped(shapes[0]), try d.values.reshaped(shapes[1]), try dq.reshaped(shapes[2])]
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? {
        let r = vectorRank
        return ReferenceStep(layer: layer) { xs in
            guard xs.count == 3, xs[1].count == r + 2, let width = xs[1].last else { throw NetError("eval", "AttentionLayer takes keys, values and queries") }
            return Array(xs[2].dropLast()) + [width]
        }
    }
}
