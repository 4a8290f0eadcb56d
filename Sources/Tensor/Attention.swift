@preconcurrency import COpenBLAS
import Foundation

/// Softmax attention of query vectors over key/value vectors, for a batch of examples with
/// one or more heads, through OpenBLAS.
///
/// Layouts (row-major, batch first, the head dimension next to last as Wolfram's
/// `"MultiHead" -> True` has it): keys `[b, n, h, k]`, values `[b, n, h, v]`, queries
/// `[b, m, h, k]`, output `[b, m, h, v]`; the attention weights are kept as `[b, h, m, n]`.
/// For each example and head: `S = scale · Q Kᵀ` (masked positions get no weight),
/// `A = softmax(S)` over the keys, `O = A V`.
public enum Attention {
    /// Which keys a query may attend to.
    public enum Mask: Sendable, Equatable, Codable {
        /// Every key.
        case none
        /// Query i attends to keys 1...i (and, with a window w, only to the last w of them).
        case causal(window: Int?)

        /// Whether query `i` may attend to key `j` (0-based).
        @inlinable public func allows(query i: Int, key j: Int) -> Bool {
            switch self {
            case .none: return true
            case .causal(let w): return j <= i && (w.map { i - j < $0 } ?? true)
            }
        }
    }

    /// The sizes of one attention: batch, keys, queries, heads, key width, value width.
    public struct Sizes: Sendable, Equatable {
        public var batch: Int, keys: Int, queries: Int, heads: Int, keyWidth: Int, valueWidth: Int
        public init(batch: Int, keys: Int, queries: Int, heads: Int, keyWidth: Int, valueWidth: Int) {
            (self.batch, self.keys, self.queries, self.heads, self.keyWidth, self.valueWidth) = (batch, keys, queries, heads, keyWidth, valueWidth)
        }
    }

    /// The output `[b, m, h, v]` and the attention weights `[b, h, m, n]`. With `keyCounts`,
    /// example e attends to its first `keyCounts[e]` keys only (the rest are padding).
    public static func forward(keys: Tensor, values: Tensor, queries: Tensor, sizes s: Sizes, scale: Float, mask: Mask,
                               keyCounts: [Int]? = nil) throws -> (output: Tensor, weights: Tensor) {
        try check(keys: keys, values: values, queries: queries, s)
        var weights = try Tensor(shape: [s.batch, s.heads, s.queries, s.keys])
        var out = try Tensor(shape: [s.batch, s.queries, s.heads, s.valueWidth])
        let kp = keys.storage.pointer, vp = values.storage.pointer, qp = queries.storage.pointer
        let hk = s.heads * s.keyWidth, hv = s.heads * s.valueWidth
        weights.withUnsafeMutableBufferPointer { wb in
            out.withUnsafeMutableBufferPointer { ob in
                guard let w0 = wb.baseAddress, let o0 = ob.baseAddress else { return }
                for e in 0..<s.batch {
                    for h in 0..<s.heads {
                        let a = w0 + (e * s.heads + h) * s.queries * s.keys
                        let q = qp + e * s.queries * hk + h * s.keyWidth, k = kp + e * s.keys * hk + h * s.keyWidth
                        let v = vp + e * s.keys * hv + h * s.valueWidth, o = o0 + e * s.queries * hv + h * s.valueWidth
                        gemm(false, true, s.queries, s.keys, s.keyWidth, scale, q, hk, k, hk, 0, a, s.keys)
                        softmaxRows(a, s.queries, s.keys, mask, keys: Swift.min(s.keys, keyCounts?[e] ?? s.keys))
                        gemm(false, false, s.queries, s.valueWidth, s.keys, 1, a, s.keys, v, hv, 0, o, hv)
                    }
                }
            }
        }
        return (out, weights)
    }

    /// The gradients of keys, values and queries from the output's gradient `[b, m, h, v]`,
    /// given the forward pass's inputs and weights.
    public static func backward(keys: Tensor, values: Tensor, queries: Tensor, weights: Tensor, gradient: Tensor, sizes s: Sizes,
                                scale: Float) throws -> (keys: Tensor, values: Tensor, queries: Tensor) {
        try check(keys: keys, values: values, queries: queries, s)
        guard weights.shape == [s.batch, s.heads, s.queries, s.keys], gradient.shape == [s.batch, s.queries, s.heads, s.valueWidth] else {
            throw TensorError.shape("attention backward", weights.shape, gradient.shape)
        }
        var dk = try Tensor(shape: keys.shape), dv = try Tensor(shape: values.shape), dq = try Tensor(shape: queries.shape)
        var da = try Tensor(shape: [s.queries, s.keys])
        let kp = keys.storage.pointer, vp = values.storage.pointer, qp = queries.storage.pointer
        let wp = weights.storage.pointer, gp = gradient.storage.pointer
        let hk = s.heads * s.keyWidth, hv = s.heads * s.valueWidth
        dk.withUnsafeMutableBufferPointer { dkb in
            dv.withUnsafeMutableBufferPointer { dvb in
                dq.withUnsafeMutableBufferPointer { dqb in
                    da.withUnsafeMutableBufferPointer { dab in
                        guard let dk0 = dkb.baseAddress, let dv0 = dvb.baseAddress, let dq0 = dqb.baseAddress, let d = dab.baseAddress else { return }
                        for e in 0..<s.batch {
                            for h in 0..<s.heads {
                                let a = wp + (e * s.heads + h) * s.queries * s.keys
                                let qo = e * s.queries * hk + h * s.keyWidth, ko = e * s.keys * hk + h * s.keyWidth
                                let vo = e * s.keys * hv + h * s.valueWidth, oo = e * s.queries * hv + h * s.valueWidth
                                // dA = dO Vᵀ, dV = Aᵀ dO.
                                gemm(false, true, s.queries, s.keys, s.valueWidth, 1, gp + oo, hv, vp + vo, hv, 0, d, s.keys)
                                gemm(true, false, s.keys, s.valueWidth, s.queries, 1, a, s.keys, gp + oo, hv, 0, dv0 + vo, hv)
                                // dS = A ⊙ (dA − Σ_j dA ⊙ A), per query.
                                for i in 0..<s.queries {
                                    var dot: Float = 0
                                    for j in 0..<s.keys { dot += d[i * s.keys + j] * a[i * s.keys + j] }
                                    for j in 0..<s.keys { d[i * s.keys + j] = a[i * s.keys + j] * (d[i * s.keys + j] - dot) }
                                }
                                // dQ = scale dS K, dK = scale dSᵀ Q.
                                gemm(false, false, s.queries, s.keyWidth, s.keys, scale, d, s.keys, kp + ko, hk, 0, dq0 + qo, hk)
                                gemm(true, false, s.keys, s.keyWidth, s.queries, scale, d, s.keys, qp + qo, hk, 0, dk0 + ko, hk)
                            }
                        }
                    }
                }
            }
        }
        return (dk, dv, dq)
    }

    private static func check(keys: Tensor, values: Tensor, queries: Tensor, _ s: Sizes) throws {
        guard keys.shape == [s.batch, s.keys, s.heads, s.keyWidth] else { throw TensorError.shape("attention keys", keys.shape, [s.batch, s.keys, s.heads, s.keyWidth]) }
        guard values.shape == [s.batch, s.keys, s.heads, s.valueWidth] else { throw TensorError.shape("attention values", values.shape, [s.batch, s.keys, s.heads, s.valueWidth]) }
        guard queries.shape == [s.batch, s.queries, s.heads, s.keyWidth] else { throw TensorError.shape("attention queries", queries.shape, [s.batch, s.queries, s.heads, s.keyWidth]) }
        guard s.keys > 0, s.queries > 0, s.heads > 0, s.keyWidth > 0, s.valueWidth > 0 else { throw TensorError("attention needs non-empty keys, values and queries") }
    }

    /// Softmax of each row of a `rows x width` matrix over the positions the mask allows; the
    /// others get weight 0 (a row with no allowed position stays all 0).
    private static func softmaxRows(_ a: UnsafeMutablePointer<Float>, _ rows: Int, _ width: Int, _ mask: Mask, keys: Int) {
        for i in 0..<rows {
            let row = a + i * width
            var top = -Float.infinity
            for j in 0..<keys where mask.allows(query: i, key: j) { top = Swift.max(top, row[j]) }
            var sum: Float = 0
            for j in 0..<width {
                if j < keys, mask.allows(query: i, key: j), top.isFinite {
                    row[j] = Foundation.exp(row[j] - top)
                    sum += row[j]
                } else {
                    row[j] = 0
                }
            }
            if sum > 0 { for j in 0..<width { row[j] /= sum } }
        }
    }

    /// `C = alpha op(A) op(B) + beta C` with explicit leading dimensions (strided head slices).
    private static func gemm(_ ta: Bool, _ tb: Bool, _ m: Int, _ n: Int, _ k: Int, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int,
                             _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
