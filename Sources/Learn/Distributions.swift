import Foundation
import Randomness
import Tensor

/// A univariate distribution with numeric parameters, as the samplers know it.
public enum Distribution: Sendable, Equatable {
    case normal(mean: Double, sd: Double)
    case uniform(Double, Double)
    case bernoulli(Double)
    case binomial(Int, Double)
    case poisson(Double)
    case exponential(Double)
    case beta(Double, Double)
    /// Shape α and scale β, as Wolfram's `GammaDistribution[α, β]`.
    case gamma(shape: Double, scale: Double)

    /// Whether the parameters are in the distribution's domain (positive scales, probabilities
    /// in [0, 1], finite values).
    public var isValid: Bool {
        switch self {
        case .normal(let m, let s): return m.isFinite && s > 0 && s.isFinite
        case .uniform(let a, let b): return a.isFinite && b.isFinite && a < b
        case .bernoulli(let p): return p >= 0 && p <= 1
        case .binomial(let n, let p): return n >= 0 && p >= 0 && p <= 1
        case .poisson(let m): return m > 0 && m < 1e12
        case .exponential(let l): return l > 0 && l.isFinite
        case .beta(let a, let b): return a > 0 && b > 0 && a.isFinite && b.isFinite
        case .gamma(let a, let b): return a > 0 && b > 0 && a.isFinite && b.isFinite
        }
    }

    /// Whether its values are integers.
    public var isDiscrete: Bool {
        switch self {
        case .bernoulli, .binomial, .poisson: return true
        default: return false
        }
    }

    /// The logarithm of the density (of the probability, for discrete families) at x; -∞ outside
    /// the support.
    public func logDensity(_ x: Double) -> Double {
        switch self {
        case .normal(let m, let s):
            let z = (x - m) / s
            return -0.5 * z * z - log(s) - 0.5 * log(2 * Double.pi)
        case .uniform(let a, let b): return x >= a && x <= b ? -log(b - a) : -.infinity
        case .bernoulli(let p): return x == 1 ? log(p) : (x == 0 ? log1p(-p) : -.infinity)
        case .binomial(let n, let p):
            guard x >= 0, x <= Double(n), x == x.rounded() else { return -.infinity }
            let nn = Double(n)
            return lgamma(nn + 1) - lgamma(x + 1) - lgamma(nn - x + 1) + x * log(p) + (nn - x) * log1p(-p)
        case .poisson(let m):
            guard x >= 0, x == x.rounded() else { return -.infinity }
            return x * log(m) - m - lgamma(x + 1)
        case .exponential(let l): return x >= 0 ? log(l) - l * x : -.infinity
        case .beta(let a, let b):
            guard x > 0, x < 1 else { return -.infinity }
            return (a - 1) * log(x) + (b - 1) * log1p(-x) - (lgamma(a) + lgamma(b) - lgamma(a + b))
        case .gamma(let a, let b):
            guard x > 0 else { return -.infinity }
            return (a - 1) * log(x) - x / b - a * log(b) - lgamma(a)
        }
    }

    /// One draw.
    public func sample(using g: inout SeededGenerator) -> Double {
        switch self {
        case .normal(let m, let s): return m + s * g.normal()
        case .uniform(let a, let b): return a + (b - a) * g.unit()
        case .bernoulli(let p): return g.unit() < p ? 1 : 0
        case .binomial(let n, let p): return Double(Sampling.binomial(n, p, using: &g))
        case .poisson(let m): return Double(Sampling.poisson(m, using: &g))
        case .exponential(let l): return -log1p(-g.unit()) / l
        case .beta(let a, let b):
            let x = Sampling.gamma(a, using: &g), y = Sampling.gamma(b, using: &g)
            return x / (x + y)
        case .gamma(let a, let b): return b * Sampling.gamma(a, using: &g)
        }
    }

    /// `count` draws; normals by the ziggurat (`Ziggurat.normal`), one generator step for most.
    public func samples(_ count: Int, using g: inout SeededGenerator) -> [Double] {
        guard case .normal(let m, let s) = self else { return (0..<count).map { _ in sample(using: &g) } }
        var xs = Ziggurat.normals(count, using: &g)
        if m != 0 || s != 1 { for i in xs.indices { xs[i] = m + s * xs[i] } }
        return xs
    }
}

/// Standard normal variates by Marsaglia and Tsang's ziggurat, in Doornik's form (ZIGNOR: 128
/// layers of equal area under exp(-x²/2), tail beyond R by Marsaglia's exponential method). One
/// 64-bit draw gives the layer (its low 7 bits) and a uniform in [-1, 1) (its top 53 bits); the
/// draw is final without further work when it falls inside the layer's rectangle, which happens
/// about 99% of the time.
public enum Ziggurat {
    static let layers = 128
    /// Where the tail starts, and the area of each layer (Doornik 2005, table for 128 layers).
    static let r = 3.442619855899
    static let area = 9.91256303526217e-3

    /// The layers' right edges x[0] > x[1] = R > ... > x[128] = 0 (x[0] = area / f(R), the base
    /// layer's width as a rectangle with the tail folded in).
    static let edges: [Double] = {
        var x = [Double](repeating: 0, count: layers + 1)
        var f = exp(-0.5 * r * r)
        x[0] = area / f
        x[1] = r
        for i in 2..<layers {
            x[i] = (-2 * log(area / x[i - 1] + f)).squareRoot()
            f = exp(-0.5 * x[i] * x[i])
        }
        return x
    }()
    /// x[i + 1] / x[i]: a uniform u in [-1, 1) with |u| below it lands inside layer i's rectangle.
    static let ratios: [Double] = (0..<layers).map { edges[$0 + 1] / edges[$0] }

    /// One standard normal variate.
    public static func normal(using g: inout SeededGenerator) -> Double {
        edges.withUnsafeBufferPointer { x in ratios.withUnsafeBufferPointer { normal(x, $0, using: &g) } }
    }

    /// `count` standard normal variates.
    public static func normals(_ count: Int, using g: inout SeededGenerator) -> [Double] {
        edges.withUnsafeBufferPointer { x in
            ratios.withUnsafeBufferPointer { q in
                [Double](unsafeUninitializedCapacity: count) { out, initialized in
                    for i in 0..<count { out[i] = normal(x, q, using: &g) }
                    initialized = count
                }
            }
        }
    }

    @inline(__always)
    private static func normal(_ x: UnsafeBufferPointer<Double>, _ q: UnsafeBufferPointer<Double>, using g: inout SeededGenerator) -> Double {
        while true {
            let bits = g.next()
            let u = Double(bits >> 11) * 0x1.0p-52 - 1
            let i = Int(bits & 0x7F)
            if abs(u) < q[i] { return u * x[i] }
            if let v = slowPath(u, i, using: &g) { return v }
        }
    }

    /// The base layer's tail and the wedges beside the rectangles: the variate, or nil to draw
    /// again.
    private static func slowPath(_ u: Double, _ i: Int, using g: inout SeededGenerator) -> Double? {
        if i == 0 {
            // Beyond R (Marsaglia 1964): R + E / R for E exponential, kept with probability exp(-(E / R)² / 2).
            var x = 0.0, y = 0.0
            repeat {
                x = log(max(g.unit(), .leastNonzeroMagnitude)) / r
                y = log(max(g.unit(), .leastNonzeroMagnitude))
            } while -2 * y < x * x
            return u < 0 ? x - r : r - x
        }
        let x = u * edges[i]
        let f0 = exp(-0.5 * (edges[i] * edges[i] - x * x)), f1 = exp(-0.5 * (edges[i + 1] * edges[i + 1] - x * x))
        return f1 + g.unit() * (f0 - f1) < 1 ? x : nil
    }
}

/// Draws from the standard families by the usual exact methods.
public enum Sampling {
    /// Marsaglia and Tsang's method for Gamma(α, 1); α < 1 by boosting with U^(1/α).
    public static func gamma(_ a: Double, using g: inout SeededGenerator) -> Double {
        if a < 1 { return gamma(a + 1, using: &g) * pow(max(g.unit(), Double.leastNonzeroMagnitude), 1 / a) }
        let d = a - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                x = g.normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = g.unit()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if log(max(u, Double.leastNonzeroMagnitude)) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// Poisson(μ): multiplication of uniforms for small μ, Hörmann's PTRS (transformed
    /// rejection) for large.
    public static func poisson(_ mu: Double, using g: inout SeededGenerator) -> Int {
        if mu < 30 {
            let limit = exp(-mu)
            var k = 0, p = g.unit()
            while p > limit { k += 1; p *= g.unit() }
            return k
        }
        let slam = mu.squareRoot(), loglam = log(mu)
        let b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b
        let invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = g.unit() - 0.5, v = g.unit()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + mu + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invalpha) - log(a / (us * us) + b) <= -mu + k * loglam - lgamma(k + 1) { return Int(k) }
        }
    }

    /// Binomial(n, p): counting successes for small n, otherwise inversion from the mode's
    /// neighbourhood through the normal approximation and an exact correction by the PMF ratio.
    public static func binomial(_ n: Int, _ p: Double, using g: inout SeededGenerator) -> Int {
        if p <= 0 { return 0 }
        if p >= 1 { return n }
        if n <= 64 { return (0..<n).reduce(0) { k, _ in g.unit() < p ? k + 1 : k } }
        // Inversion by the CDF, summed from 0 (q the smaller of p, 1 - p keeps it short).
        let q = min(p, 1 - p)
        if Double(n) * q < 30 {
            let u = g.unit()
            var k = 0, pmf = pow(1 - q, Double(n)), cdf = pmf
            while cdf < u && k < n {
                pmf *= Double(n - k) / Double(k + 1) * q / (1 - q)
                k += 1
                cdf += pmf
            }
            return p <= 0.5 ? k : n - k
        }
        // Rejection from a normal envelope (large n q): exact by the ratio of PMFs.
        let mean = Double(n) * q, sd = (mean * (1 - q)).squareRoot()
        let logf: (Double) -> Double = { k in
            lgamma(Double(n) + 1) - lgamma(k + 1) - lgamma(Double(n) - k + 1) + k * log(q) + (Double(n) - k) * log(1 - q)
        }
        let s = sd * 1.5 + 1
        let peak = logf(mean.rounded(.down))
        while true {
            let k = (mean + s * g.normal()).rounded()
            guard k >= 0, k <= Double(n) else { continue }
            let envelope = -((k - mean) * (k - mean)) / (2 * s * s)
            // The envelope, scaled to cover the PMF (its log is below peak + envelope + 0.2).
            if log(max(g.unit(), Double.leastNonzeroMagnitude)) <= logf(k) - peak - envelope - 0.2 {
                let r = Int(k)
                return p <= 0.5 ? r : n - r
            }
        }
    }

    /// Draws from N(mean, covariance) via the Cholesky factor; nil if the covariance is not
    /// symmetric positive definite.
    public static func multinormal(mean: [Double], covariance: Matrix, count: Int, using g: inout SeededGenerator) -> [[Double]]? {
        let k = mean.count
        guard covariance.rows == k, covariance.cols == k, let l = cholesky(covariance) else { return nil }
        return (0..<count).map { _ in
            let z = (0..<k).map { _ in g.normal() }
            return (0..<k).map { i in mean[i] + (0...i).reduce(0) { $0 + l[i, $1] * z[$1] } }
        }
    }

    /// The lower-triangular L with L Lᵀ = a, or nil if a is not symmetric positive definite.
    public static func cholesky(_ a: Matrix) -> Matrix? {
        let n = a.rows
        var l = Matrix(zeros: n, n)
        for i in 0..<n {
            for j in 0...i {
                guard abs(a[i, j] - a[j, i]) <= 1e-12 * max(1, abs(a[i, j])) else { return nil }
                var s = a[i, j]
                for k in 0..<j { s -= l[i, k] * l[j, k] }
                if i == j {
                    guard s > 0 else { return nil }
                    l[i, i] = s.squareRoot()
                } else {
                    l[i, j] = s / l[j, j]
                }
            }
        }
        return l
    }
}
