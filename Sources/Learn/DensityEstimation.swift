import Foundation
import Tensor

/// Density estimators of numeric vectors, as LearnDistribution learns them.
public enum DensityMethod: String, CaseIterable, Sendable {
    case multinormal = "Multinormal"
    case kernelDensity = "KernelDensityEstimation"
    case gaussianMixture = "GaussianMixture"
}

/// A learned density over d-dimensional vectors: its log-density and a sampler.
public struct LearnedDensity: Sendable {
    public let method: DensityMethod
    public let dimension: Int
    /// The Gaussian (one component) or the mixture.
    let mixture: GaussianMixture?
    /// The kernel estimate: the training points and the per-dimension bandwidths.
    let points: [[Double]]
    let bandwidths: [Double]

    /// Fits a density by the given method. Multinormal: the sample mean and covariance (divided by
    /// n, plus 1e-6 on the diagonal); kernel density: Gaussian kernels with Scott's per-dimension
    /// bandwidths σ_j n^(−1/(d+4)) (σ_j the sample standard deviation, so in one dimension this is
    /// SciPy's `gaussian_kde`); Gaussian mixture: the number of components (1 to 5) of lowest BIC.
    /// `checkpoint` is called between pieces of the work and throws to stop it.
    public static func fit(_ x: [[Double]], method: DensityMethod, seed: UInt64, checkpoint: () throws -> Void = {}) throws -> LearnedDensity {
        let n = x.count, d = x.first?.count ?? 0
        guard n >= 1, d >= 1, x.allSatisfy({ $0.count == d && $0.allSatisfy(\.isFinite) }) else {
            throw LearnError("data", "the examples must be numbers or numeric vectors of one length")
        }
        switch method {
        case .multinormal:
            let resp = x.map { _ in [1.0] }
            return LearnedDensity(method: method, dimension: d, mixture: try GaussianMixture.maximize(x, resp, 1e-6), points: [], bandwidths: [])
        case .kernelDensity:
            let mean = Standardizer(x).mean
            let sd = (0..<d).map { j -> Double in
                let ss = x.reduce(0) { $0 + ($1[j] - mean[j]) * ($1[j] - mean[j]) }
                let s = (ss / Double(Swift.max(n - 1, 1))).squareRoot()
                return s > 0 ? s : 1
            }
            let factor = pow(Double(n), -1 / Double(d + 4))
            return LearnedDensity(method: method, dimension: d, mixture: nil, points: x, bandwidths: sd.map { Swift.max($0 * factor, 1e-9) })
        case .gaussianMixture:
            var best: (LearnedDensity, Double)?
            for k in 1...Swift.max(1, Swift.min(5, n / 5)) {
                // A fit that failed is skipped; an interrupted one stops the search.
                guard let g = try? GaussianMixture.fit(x, components: k, seed: seed, checkpoint: checkpoint) else { try checkpoint(); continue }
                let candidate = LearnedDensity(method: method, dimension: d, mixture: g, points: [], bandwidths: [])
                let parameters = Double(k - 1 + k * d + k * d * (d + 1) / 2)
                let bic = -2 * x.reduce(0) { $0 + candidate.logDensity($1) } + parameters * log(Double(n))
                if best == nil || bic < best?.1 ?? .infinity { best = (candidate, bic) }
            }
            guard let model = best?.0 else { throw LearnError("fit", "no Gaussian mixture could be fitted") }
            return model
        }
    }

    /// The method of highest mean log-density on every fourth example when fitted to the rest
    /// (the multinormal for fewer than 12 examples), refitted to all the data.
    public static func automatic(_ x: [[Double]], seed: UInt64, checkpoint: () throws -> Void = {}) throws -> LearnedDensity {
        guard x.count >= 12 else { return try fit(x, method: .multinormal, seed: seed, checkpoint: checkpoint) }
        let held = x.indices.filter { $0 % 4 == 3 }.map { x[$0] }, kept = x.indices.filter { $0 % 4 != 3 }.map { x[$0] }
        var best: (DensityMethod, Double)?
        for m in DensityMethod.allCases {
            guard let f = try? fit(kept, method: m, seed: seed, checkpoint: checkpoint) else { try checkpoint(); continue }
            var score = 0.0
            for (i, v) in held.enumerated() {
                if i % 64 == 0 { try checkpoint() }
                score += f.logDensity(v)
            }
            score /= Double(held.count)
            if best == nil || score > best?.1 ?? -.infinity { best = (m, score) }
        }
        return try fit(x, method: best?.0 ?? .multinormal, seed: seed, checkpoint: checkpoint)
    }

    public func logDensity(_ v: [Double]) -> Double {
        if let mixture { return mixture.logDensity(v) }
        let logNorm = bandwidths.reduce(0) { $0 + log($1) } + 0.5 * Double(dimension) * log(2 * Double.pi) + log(Double(points.count))
        var terms = [Double](repeating: 0, count: points.count)
        for (i, p) in points.enumerated() {
            var q = 0.0
            for j in 0..<dimension { let z = (v[j] - p[j]) / bandwidths[j]; q += z * z }
            terms[i] = -0.5 * q
        }
        let top = terms.max() ?? 0
        return top + log(terms.reduce(0) { $0 + exp($1 - top) }) - logNorm
    }

    /// One sample.
    public func sample(_ g: inout SeededGenerator) -> [Double] {
        if let mixture {
            var r = g.unit(), c = 0
            for (i, w) in mixture.weights.enumerated() { r -= w; c = i; if r < 0 { break } }
            let z = (0..<dimension).map { _ in g.normal() }
            let l = mixture.factors[c]
            return (0..<dimension).map { i in mixture.means[c][i] + (0...i).reduce(0) { $0 + l[i][$1] * z[$1] } }
        }
        let p = points[Int(g.next() % UInt64(points.count))]
        return (0..<dimension).map { p[$0] + bandwidths[$0] * g.normal() }
    }

    /// The mean and covariance parameters, for the multinormal and the mixture.
    public var components: [(weight: Double, mean: [Double], covariance: [[Double]])] {
        guard let mixture else { return [] }
        return mixture.means.indices.map { (mixture.weights[$0], mixture.means[$0], mixture.covariances[$0]) }
    }
}
