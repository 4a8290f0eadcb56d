import Foundation
import Tensor

/// A mixture of Gaussians with full covariances, fitted by expectation–maximisation from a
/// k-means partition (scikit-learn's `GaussianMixture` defaults: `reg_covar` 1e-6 added to the
/// diagonals, stopping when the mean log-likelihood gains less than 1e-3, at most 100 rounds).
public struct GaussianMixture: Sendable {
    public var weights: [Double]
    public var means: [[Double]]
    public var covariances: [[[Double]]]
    /// Lower Cholesky factors of the covariances, and their log-determinants.
    var factors: [[[Double]]] = []
    var logDeterminants: [Double] = []

    public init(weights: [Double], means: [[Double]], covariances: [[[Double]]]) throws {
        self.weights = weights
        self.means = means
        self.covariances = covariances
        try factorize()
    }

    mutating func factorize() throws {
        factors = []
        logDeterminants = []
        for s in covariances {
            guard let l = cholesky(s) else { throw LearnError("covariance", "a covariance matrix is not positive definite") }
            factors.append(l)
            logDeterminants.append(2 * l.indices.reduce(0) { $0 + log(l[$1][$1]) })
        }
    }

    /// log(weight_c · N(x | mean_c, cov_c)) for every component.
    public func logDensities(_ x: [Double]) -> [Double] {
        let d = Double(x.count)
        return means.indices.map { c in
            let z = forwardSolve(factors[c], zip(x, means[c]).map { $0 - $1 })
            let q = z.reduce(0) { $0 + $1 * $1 }
            return log(Swift.max(weights[c], 1e-300)) - 0.5 * (d * log(2 * Double.pi) + logDeterminants[c] + q)
        }
    }

    /// The components' posterior probabilities given x.
    public func responsibilities(_ x: [Double]) -> [Double] {
        let l = logDensities(x)
        let top = l.max() ?? 0
        let e = l.map { exp($0 - top) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    /// log p(x) under the mixture.
    public func logDensity(_ x: [Double]) -> Double {
        let l = logDensities(x)
        let top = l.max() ?? 0
        return top + log(l.reduce(0) { $0 + exp($1 - top) })
    }

    /// The mixture with its components in a new order.
    func reordered(_ order: [Int]) -> GaussianMixture {
        var m = self
        m.weights = order.map { weights[$0] }
        m.means = order.map { means[$0] }
        m.covariances = order.map { covariances[$0] }
        m.factors = order.map { factors[$0] }
        m.logDeterminants = order.map { logDeterminants[$0] }
        return m
    }

    /// Fits k components to the rows of x; `checkpoint` is called at every EM step and throws to
    /// stop the fit.
    public static func fit(_ x: [[Double]], components k: Int, seed: UInt64, regularization: Double = 1e-6,
                           checkpoint: () throws -> Void = {}) throws -> GaussianMixture {
        let n = x.count, d = x.first?.count ?? 0
        guard n >= 1, d >= 1, k >= 1 else { throw LearnError("data", "a Gaussian mixture needs examples") }
        let start = Clustering.kMeans(x, clusters: k, restarts: 1, seed: seed)
        var resp = x.indices.map { i in (0..<k).map { start.labels[i] == $0 ? 1.0 : 0.0 } }
        var model = try maximize(x, resp, regularization)
        var previous = -Double.infinity
        for _ in 0..<100 {
            try checkpoint()
            var total = 0.0
            for i in 0..<n {
                resp[i] = model.responsibilities(x[i])
                total += model.logDensity(x[i])
            }
            let mean = total / Double(n)
            model = try maximize(x, resp, regularization)
            if abs(mean - previous) < 1e-3 { break }
            previous = mean
        }
        return model
    }

    /// The M step: weights, means and covariances from responsibilities.
    static func maximize(_ x: [[Double]], _ resp: [[Double]], _ regularization: Double) throws -> GaussianMixture {
        let n = x.count, d = x.first?.count ?? 0, k = resp.first?.count ?? 0
        var weights = [Double](repeating: 0, count: k)
        var means = [[Double]](repeating: [Double](repeating: 0, count: d), count: k)
        var covariances = [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: d), count: d), count: k)
        for c in 0..<k {
            let nk = x.indices.reduce(0) { $0 + resp[$1][c] } + 10 * Double.ulpOfOne
            weights[c] = nk / Double(n)
            for i in 0..<n where resp[i][c] > 0 { for j in 0..<d { means[c][j] += resp[i][c] * x[i][j] / nk } }
            for i in 0..<n where resp[i][c] > 0 {
                let r = resp[i][c] / nk
                for a in 0..<d {
                    let da = x[i][a] - means[c][a]
                    for b in 0...a { covariances[c][a][b] += r * da * (x[i][b] - means[c][b]) }
                }
            }
            for a in 0..<d {
                covariances[c][a][a] += regularization
                for b in 0..<a { covariances[c][b][a] = covariances[c][a][b] }
            }
        }
        return try GaussianMixture(weights: weights, means: means, covariances: covariances)
    }
}

/// The lower Cholesky factor of a symmetric positive definite matrix, or nil.
func cholesky(_ a: [[Double]]) -> [[Double]]? {
    let n = a.count
    var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n {
        for j in 0...i {
            var s = a[i][j]
            for k in 0..<j { s -= l[i][k] * l[j][k] }
            if i == j {
                guard s > 0, s.isFinite else { return nil }
                l[i][i] = s.squareRoot()
            } else {
                l[i][j] = s / l[j][j]
            }
        }
    }
    return l
}

/// Solves L z = b for lower triangular L.
func forwardSolve(_ l: [[Double]], _ b: [Double]) -> [Double] {
    var z = b
    for i in z.indices {
        for k in 0..<i { z[i] -= l[i][k] * z[k] }
        z[i] /= l[i][i]
    }
    return z
}
