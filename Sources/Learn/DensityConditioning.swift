import Foundation
import Tensor

/// What a learned density says about examples beyond its density: how rare they are, which of
/// its own training examples it should not have learned from, and values for the missing parts
/// of an example given the known ones.
extension LearnedDensity {
    /// The log-densities of `count` samples drawn with a fixed seed, sorted: the reference a
    /// rarer probability is read from.
    public func sampledLogDensities(count: Int, seed: UInt64 = 1234) -> [Double] {
        var g = SeededGenerator(seed: seed)
        return (0..<Swift.max(count, 1)).map { _ in logDensity(sample(&g)) }.sorted()
    }

    /// The share of the sorted sample log-densities below the log-density of v.
    public func rarerProbability(_ v: [Double], against sorted: [Double]) -> Double {
        let l = logDensity(v)
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < l { lo = mid + 1 } else { hi = mid }
        }
        return Double(lo) / Double(Swift.max(sorted.count, 1))
    }

    /// Each example's rarer probability under the density fitted without it: the examples split
    /// into min(n, 10) folds (every tenth example; leave-one-out below ten), each fold judged by
    /// the density of `method` fitted to the others, against 2000 of that density's samples.
    /// An example no fit could judge counts as typical (1).
    public static func heldOutRarerProbabilities(_ x: [[Double]], method: DensityMethod, seed: UInt64,
                                                 checkpoint: () throws -> Void = {}) throws -> [Double] {
        let n = x.count, folds = Swift.min(n, 10)
        var result = [Double](repeating: 1, count: n)
        guard n >= 3 else { return result }
        for f in 0..<folds {
            try checkpoint()
            let rest = x.indices.filter { $0 % folds != f }.map { x[$0] }
            guard let density = try? fit(rest, method: method, seed: seed, checkpoint: checkpoint) else { try checkpoint(); continue }
            let reference = density.sampledLogDensities(count: 2000, seed: seed)
            for i in stride(from: f, to: n, by: folds) { result[i] = density.rarerProbability(x[i], against: reference) }
        }
        return result
    }

    /// The examples a density of anomaly detection should learn from: those whose held-out rarer
    /// probability is at least `threshold`. All of them when there are too few to judge (fewer
    /// than 2(d + 1), where a fit without one example is degenerate) or when more than half
    /// would go (then there is no typical majority to model).
    public static func typicalExamples(_ x: [[Double]], method: DensityMethod, threshold: Double, seed: UInt64,
                                       checkpoint: () throws -> Void = {}) throws -> [[Double]] {
        let d = x.first?.count ?? 0
        guard x.count >= 2 * (d + 1) else { return x }
        let p = try heldOutRarerProbabilities(x, method: method, seed: seed, checkpoint: checkpoint)
        let kept = x.indices.filter { p[$0] >= threshold }.map { x[$0] }
        return kept.count * 2 >= x.count ? kept : x
    }

    /// `example` with its unknown (nil) variables drawn from the density conditioned on the known
    /// ones: for a Gaussian mixture, a component chosen by its weight times the known values'
    /// marginal density, then the conditional Gaussian of that component; for a kernel estimate,
    /// a kernel chosen by its density at the known values, then its unknown coordinates.
    public func conditionalSample(_ example: [Double?], _ g: inout SeededGenerator) -> [Double] {
        guard example.count == dimension else { return sample(&g) }
        let known = example.indices.filter { example[$0] != nil }, unknown = example.indices.filter { example[$0] == nil }
        if unknown.isEmpty { return example.map { $0 ?? 0 } }
        if known.isEmpty { return sample(&g) }
        let values = known.map { example[$0] ?? 0 }
        var out = example.map { $0 ?? 0 }
        if let mixture {
            let parts = mixture.means.indices.map { conditional(mixture, component: $0, known: known, values: values, unknown: unknown) }
            let logs = parts.enumerated().map { c, p in log(Swift.max(mixture.weights[c], 1e-300)) + p.logMarginal }
            let chosen = parts[pick(logs, &g)]
            let z = unknown.map { _ in g.normal() }
            for (a, u) in unknown.enumerated() {
                out[u] = chosen.mean[a] + (0...a).reduce(0) { $0 + chosen.factor[a][$1] * z[$1] }
            }
            return out
        }
        let logs = points.map { p in
            known.enumerated().reduce(0.0) { s, e in let t = (values[e.offset] - p[e.element]) / bandwidths[e.element]; return s - 0.5 * t * t }
        }
        let p = points[pick(logs, &g)]
        for u in unknown { out[u] = p[u] + bandwidths[u] * g.normal() }
        return out
    }

    /// One component conditioned on the known variables: the log of its marginal density at the
    /// known values (up to a constant shared by the components), the unknown variables' mean and
    /// the Cholesky factor of their covariance.
    private func conditional(_ m: GaussianMixture, component c: Int, known: [Int], values: [Double], unknown: [Int])
        -> (logMarginal: Double, mean: [Double], factor: [[Double]]) {
        let s = m.covariances[c], mu = m.means[c]
        let kk = known.map { i in known.map { s[i][$0] } }
        let fallback = (logMarginal: -Double.infinity, mean: unknown.map { mu[$0] }, factor: unknown.map { u in unknown.map { $0 == u ? s[u][u].squareRoot() : 0 } })
        guard let l = cholesky(kk) else { return fallback }
        let r = forwardSolve(l, zip(values, known).map { $0 - mu[$1] })
        let logMarginal = -0.5 * r.reduce(0) { $0 + $1 * $1 } - (0..<known.count).reduce(0) { $0 + log(l[$1][$1]) }
        // w_u = L⁻¹ Σ_K,u; mean_u = μ_u + w_u · r; cov_uv = Σ_uv − w_u · w_v.
        let w = unknown.map { u in forwardSolve(l, known.map { s[$0][u] }) }
        let mean = unknown.indices.map { a in mu[unknown[a]] + zip(w[a], r).reduce(0) { $0 + $1.0 * $1.1 } }
        var cov = unknown.indices.map { a in unknown.indices.map { b in s[unknown[a]][unknown[b]] - zip(w[a], w[b]).reduce(0) { $0 + $1.0 * $1.1 } } }
        for a in cov.indices { cov[a][a] = Swift.max(cov[a][a], 0) + 1e-12 }
        guard let factor = cholesky(cov) else { return (logMarginal, mean, fallback.factor) }
        return (logMarginal, mean, factor)
    }

    /// An index drawn with probabilities proportional to exp(logs).
    private func pick(_ logs: [Double], _ g: inout SeededGenerator) -> Int {
        let top = logs.max() ?? 0
        guard top.isFinite else { return Int(g.next() % UInt64(Swift.max(logs.count, 1))) }
        let weights = logs.map { exp($0 - top) }
        var r = g.unit() * weights.reduce(0, +)
        for (i, w) in weights.enumerated() {
            r -= w
            if r < 0 { return i }
        }
        return weights.count - 1
    }
}
