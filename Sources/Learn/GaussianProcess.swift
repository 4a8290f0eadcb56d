import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Gaussian process regression on standardized features, as scikit-learn's
/// `GaussianProcessRegressor(ConstantKernel() * RBF() + WhiteKernel(), normalize_y=True)`:
/// the values are centred and scaled; the covariance is `a exp(-|x - x'|² / (2 l²))` plus `s`
/// on the diagonal, with the amplitude a, length scale l and noise s those of highest marginal
/// likelihood (BFGS on their logarithms with the analytic gradient, each kept within [1e-5, 1e5], from scikit-learn's
/// start a = l = s = 1 and two others, stopping as L-BFGS-B's defaults do). A prediction is the posterior mean; its deviation
/// includes the noise, as scikit-learn's `return_std` does with a WhiteKernel.
///
/// Limits: at most `maximumExamples` examples (the covariance is n x n and each likelihood a
/// Cholesky factorization through LAPACK's dpotrf).
public struct GaussianProcessModel: ValueModel, DeviationModel {
    public static let maximumExamples = 3_000

    public let points: [[Double]]
    public let amplitude: Double
    public let lengthScale: Double
    public let noise: Double
    let alpha: [Double]
    /// The lower Cholesky factor of the training covariance, row-major.
    let factor: [Double]
    let mean: Double
    let scale: Double

    public func predict(_ x: [Double]) -> Double { mean + scale * gpDot(covariances(x), alpha) }

    public func deviation(_ x: [Double]) -> Double {
        let v = GaussianProcessModel.forwardSolve(factor, covariances(x), points.count)
        return scale * Swift.max(amplitude + noise - gpDot(v, v), 0).squareRoot()
    }

    func covariances(_ x: [Double]) -> [Double] {
        points.map { GaussianProcessModel.rbf($0, x, amplitude, lengthScale) }
    }

    static func rbf(_ a: [Double], _ b: [Double], _ amplitude: Double, _ lengthScale: Double) -> Double {
        var d2 = 0.0
        for (p, q) in zip(a, b) { d2 += (p - q) * (p - q) }
        return amplitude * exp(-d2 / (2 * lengthScale * lengthScale))
    }

    public static func fit(_ x: [[Double]], _ y: [Double]) throws -> GaussianProcessModel {
        let n = x.count
        guard n >= 2, n == y.count else { throw LearnError("data", "a Gaussian process needs at least two examples") }
        guard n <= maximumExamples else { throw LearnError("nomem", "a Gaussian process takes at most \(maximumExamples) examples, not \(n)") }
        let m = y.reduce(0, +) / Double(n)
        let sd = (y.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n)).squareRoot()
        let scale = sd > 0 ? sd : 1
        let z = y.map { ($0 - m) / scale }
        var squared = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<i {
                let d = squaredDistance(x[i], x[j])
                squared[i * n + j] = d
                squared[j * n + i] = d
            }
        }
        // The starts on every core, each with its own likelihood (and its cached factorization).
        let starts = [[0.0, 0.0, 0.0], [0.0, log(0.3), log(0.01)], [0.0, log(3.0), log(0.1)]]
        let distances = squared
        let runs = try parallelMap(starts.count) { s -> (point: [Double], value: Double)? in
            let likelihood = Likelihood(squared: distances, n: n, z: z)
            return try? Optimization.bfgs(likelihood.value, derivative: likelihood.gradient, from: starts[s], maxIterations: 200,
                                          tolerance: (gradient: 1e-5, decrease: 2.2e-9))
        }
        var best: (point: [Double], value: Double)?
        for case let r? in runs where r.value.isFinite {
            if let b = best, b.value <= r.value { continue }
            best = r
        }
        guard let t = best?.point else { throw LearnError("fit", "the Gaussian process's covariance could not be factored") }
        let solved = try solve(squared, n, z, exp(t[0]), exp(t[1]), exp(t[2]))
        return GaussianProcessModel(points: x, amplitude: exp(t[0]), lengthScale: exp(t[1]), noise: exp(t[2]),
                                    alpha: solved.alpha, factor: solved.factor, mean: m, scale: scale)
    }

    /// The negative log marginal likelihood of standardized values z, as a function of the log
    /// amplitude, log length scale and log noise, with its gradient.
    struct Likelihood {
        let squared: [Double]
        let n: Int
        let z: [Double]
        let bound = log(1e5)
        /// The last factorization, for the gradient at the point whose value was just found.
        let last = LastSolve()

        final class LastSolve {
            var t: [Double] = []
            var solved: Solved?
        }

        func solved(_ t: [Double]) throws -> Solved {
            if t == last.t, let s = last.solved { return s }
            let s = try solve(squared, n, z, exp(t[0]), exp(t[1]), exp(t[2]))
            last.t = t
            last.solved = s
            return s
        }

        func value(_ t: [Double]) throws -> Double {
            guard t.allSatisfy({ abs($0) <= bound }) else { return .infinity }
            guard let solved = try? solved(t) else { return .infinity }
            var logDet = 0.0
            for i in 0..<n { logDet += log(solved.factor[i * n + i]) }
            return 0.5 * gpDot(z, solved.alpha) + logDet + 0.5 * Double(n) * log(2 * Double.pi)
        }

        /// 0.5 tr((K⁻¹ − α αᵀ) ∂K/∂t) for each parameter t: ∂K/∂log a is the RBF part k of the
        /// covariance, ∂K/∂log l is k |x − x'|² / l², ∂K/∂log s is s I. Both matrices are
        /// symmetric: the sums run over the lower triangle, the off-diagonal terms twice.
        func gradient(_ t: [Double]) throws -> [Double] {
            let l = exp(t[1]), s = exp(t[2])
            let solved = try solved(t)
            let inverse = try inverseFromFactor(solved.factor, n)
            let alpha = solved.alpha, kernel = solved.kernel
            var da = 0.0, dl = 0.0, ds = 0.0
            for i in 0..<n {
                let row = i * n, ai = alpha[i]
                var rowA = 0.0, rowL = 0.0
                for j in 0..<i {
                    let wk = (inverse[row + j] - ai * alpha[j]) * kernel[row + j]
                    rowA += wk
                    rowL += wk * squared[row + j]
                }
                let w = inverse[row + i] - ai * ai
                da += 2 * rowA + w * kernel[row + i]
                dl += 2 * rowL
                ds += w * s
            }
            return [0.5 * da, 0.5 * dl / (l * l), 0.5 * ds]
        }
    }

    /// A factorization for given parameters: the lower Cholesky factor of K + noise I, alpha =
    /// (K + noise I)⁻¹ z, and the RBF part k of K (its lower triangle, row-major).
    struct Solved {
        var factor: [Double], alpha: [Double], kernel: [Double]
    }

    /// The factorization for given parameters, from the n x n squared distances between the
    /// examples; only lower triangles are computed (the factorization reads no more).
    static func solve(_ squared: [Double], _ n: Int, _ z: [Double], _ amplitude: Double, _ lengthScale: Double, _ noise: Double) throws -> Solved {
        let scale = -1 / (2 * lengthScale * lengthScale)
        var k = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0...i { k[i * n + j] = amplitude * exp(squared[i * n + j] * scale) } }
        var covariance = k
        for i in 0..<n { covariance[i * n + i] += noise }
        let l = try cholesky(covariance, n)
        let w = forwardSolve(l, z, n)
        return Solved(factor: l, alpha: backSolve(l, w, n), kernel: k)
    }

    // MARK: Triangular algebra (row-major lower factor)

    private typealias Potrf = @convention(c) (UnsafePointer<CChar>, UnsafePointer<Int32>, UnsafeMutablePointer<Double>,
                                              UnsafePointer<Int32>, UnsafeMutablePointer<Int32>, Int) -> Void
    private static let potrf: Potrf? = {
        guard let p = dlsym(nil, "dpotrf_") else { return nil }
        return unsafeBitCast(p, to: Potrf.self)
    }()

    /// The lower Cholesky factor of the symmetric positive definite n x n matrix a (row-major).
    static func cholesky(_ a: [Double], _ n: Int) throws -> [Double] {
        var m = a
        if let potrf {
            // Row-major lower is column-major upper: ask LAPACK for "U".
            var size = Int32(n), info: Int32 = 0
            "U".withCString { uplo in potrf(uplo, &size, &m, &size, &info, 1) }
            guard info == 0 else { throw LearnError("fit", "the covariance is not positive definite") }
            for i in 0..<n { for j in (i + 1)..<Swift.max(n, i + 1) { m[i * n + j] = 0 } }
            return m
        }
        for i in 0..<n {
            for j in 0...i {
                var s = m[i * n + j]
                for k in 0..<j { s -= m[i * n + k] * m[j * n + k] }
                if i == j {
                    guard s > 0, s.isFinite else { throw LearnError("fit", "the covariance is not positive definite") }
                    m[i * n + i] = s.squareRoot()
                } else {
                    m[i * n + j] = s / m[j * n + j]
                }
            }
            for j in (i + 1)..<Swift.max(n, i + 1) { m[i * n + j] = 0 }
        }
        return m
    }

    private typealias Potri = Potrf
    private static let potri: Potri? = {
        guard let p = dlsym(nil, "dpotri_") else { return nil }
        return unsafeBitCast(p, to: Potri.self)
    }()

    /// The inverse of L Lᵀ (full, row-major) from its lower Cholesky factor L.
    static func inverseFromFactor(_ l: [Double], _ n: Int) throws -> [Double] {
        if let potri {
            // Row-major lower is column-major upper; LAPACK fills that triangle of the inverse.
            var m = l, size = Int32(n), info: Int32 = 0
            "U".withCString { uplo in potri(uplo, &size, &m, &size, &info, 1) }
            guard info == 0 else { throw LearnError("fit", "the covariance is singular") }
            for i in 0..<n { for j in (i + 1)..<Swift.max(n, i + 1) { m[i * n + j] = m[j * n + i] } }
            return m
        }
        var inverse = [Double](repeating: 0, count: n * n)
        for c in 0..<n {
            var e = [Double](repeating: 0, count: n)
            e[c] = 1
            let column = backSolve(l, forwardSolve(l, e, n), n)
            for r in 0..<n { inverse[r * n + c] = column[r] }
        }
        return inverse
    }

    /// Solves L v = b.
    static func forwardSolve(_ l: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var v = b
        for i in 0..<n {
            var s = v[i]
            for k in 0..<i { s -= l[i * n + k] * v[k] }
            v[i] = s / l[i * n + i]
        }
        return v
    }

    /// Solves Lᵀ v = b.
    static func backSolve(_ l: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var v = b
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = v[i]
            for k in (i + 1)..<Swift.max(n, i + 1) { s -= l[k * n + i] * v[k] }
            v[i] = s / l[i * n + i]
        }
        return v
    }
}

/// A regression model that knows how far off each prediction may be.
public protocol DeviationModel: Sendable {
    /// The standard deviation of the value at x (standardized features).
    func deviation(_ x: [Double]) -> Double
}

private func gpDot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for (p, q) in zip(a, b) { s += p * q }
    return s
}
