@preconcurrency import COpenBLAS
import Foundation

/// Multinomial logistic regression: minimizes the mean cross-entropy plus (l2 / 2)·‖W‖²
/// (intercepts unpenalized) with L-BFGS, stopping when the gradient's largest component is
/// below 1e-6 or after 1000 iterations. With l2 = 1/(C n) this is scikit-learn's objective.
public struct LogisticRegression: ProbabilityModel, Codable {
    public let weights: [[Double]]
    public let intercepts: [Double]

    public func probabilities(_ x: [Double]) -> [Double] {
        var scores = intercepts
        for c in scores.indices { scores[c] += dot(weights[c], x) }
        return softmax(scores)
    }

    /// `checkpoint` is called between optimizer steps; it throws to stop the fit.
    public static func fit(_ x: [[Double]], _ y: [Int], classes k: Int, l2: Double, checkpoint: () throws -> Void = {}) throws -> LogisticRegression {
        let n = x.count, d = x.first?.count ?? 0
        let size = k * (d + 1)
        func unpack(_ p: [Double]) -> ([[Double]], [Double]) {
            ((0..<k).map { c in Array(p[(c * d)..<((c + 1) * d)]) }, Array(p[(k * d)...]))
        }
        // Features as one row-major matrix, so scores and gradients are two GEMMs per evaluation.
        let z = x.flatMap { $0 }
        func objective(_ p: [Double]) -> (Double, [Double]) {
            var scores = [Double](repeating: 0, count: n * k)
            var grad = [Double](repeating: 0, count: size)
            // scores = Z Wᵀ (n x k); W is the first k*d parameters, row-major k x d.
            p.withUnsafeBufferPointer { w in
                z.withUnsafeBufferPointer { zp in
                    scores.withUnsafeMutableBufferPointer { sp in
                        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(k), Int32(d), 1,
                                    zp.baseAddress, Int32(d), w.baseAddress, Int32(d), 0, sp.baseAddress, Int32(k))
                    }
                }
            }
            var loss = 0.0
            for i in 0..<n {
                var top = -Double.infinity
                for c in 0..<k { scores[i * k + c] += p[k * d + c]; top = Swift.max(top, scores[i * k + c]) }
                var total = 0.0
                for c in 0..<k { total += Foundation.exp(scores[i * k + c] - top) }
                loss += Foundation.log(total) + top - scores[i * k + y[i]]
                // scores becomes the gradient of the mean loss with respect to the scores.
                for c in 0..<k {
                    let g = (Foundation.exp(scores[i * k + c] - top) / total - (c == y[i] ? 1 : 0)) / Double(n)
                    scores[i * k + c] = g
                    grad[k * d + c] += g
                }
            }
            // grad_W = Gᵀ Z (k x d).
            scores.withUnsafeBufferPointer { gp in
                z.withUnsafeBufferPointer { zp in
                    grad.withUnsafeMutableBufferPointer { out in
                        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(d), Int32(n), 1,
                                    gp.baseAddress, Int32(k), zp.baseAddress, Int32(d), 0, out.baseAddress, Int32(d))
                    }
                }
            }
            loss /= Double(n)
            for i in 0..<(k * d) {
                loss += 0.5 * l2 * p[i] * p[i]
                grad[i] += l2 * p[i]
            }
            return (loss, grad)
        }
        let p = try LBFGS.minimize(objective, start: [Double](repeating: 0, count: size), tolerance: 1e-6, iterations: 1000, checkpoint: checkpoint)
        let (w, b) = unpack(p)
        return LogisticRegression(weights: w, intercepts: b)
    }
}

/// Limited-memory BFGS with a backtracking (Armijo) line search.
enum LBFGS {
    static func minimize(_ f: ([Double]) -> (Double, [Double]), start: [Double], tolerance: Double, iterations: Int, memory: Int = 10,
                         checkpoint: () throws -> Void = {}) throws -> [Double] {
        var x = start
        var (fx, g) = f(x)
        var s: [[Double]] = [], yv: [[Double]] = [], rho: [Double] = []
        for _ in 0..<iterations {
            try checkpoint()
            if (g.map(abs).max() ?? 0) < tolerance { break }
            // Two-loop recursion for the search direction.
            var q = g
            var alpha = [Double](repeating: 0, count: s.count)
            for i in stride(from: s.count - 1, through: 0, by: -1) {
                alpha[i] = rho[i] * dot(s[i], q)
                for j in q.indices { q[j] -= alpha[i] * yv[i][j] }
            }
            if let last = s.indices.last {
                let gamma = dot(s[last], yv[last]) / Swift.max(dot(yv[last], yv[last]), 1e-300)
                for j in q.indices { q[j] *= gamma }
            }
            for i in s.indices {
                let beta = rho[i] * dot(yv[i], q)
                for j in q.indices { q[j] += s[i][j] * (alpha[i] - beta) }
            }
            var direction = q.map { -$0 }
            if dot(direction, g) >= 0 { direction = g.map { -$0 }; s = []; yv = []; rho = [] }
            var step = 1.0
            var next = x, fn = fx, gn = g
            let slope = dot(direction, g)
            while true {
                next = zip(x, direction).map { $0 + step * $1 }
                (fn, gn) = f(next)
                if fn <= fx + 1e-4 * step * slope || step < 1e-12 { break }
                step *= 0.5
            }
            let sk = zip(next, x).map { $0 - $1 }, yk = zip(gn, g).map { $0 - $1 }
            let sy = dot(sk, yk)
            if sy > 1e-12 {
                s.append(sk); yv.append(yk); rho.append(1 / sy)
                if s.count > memory { s.removeFirst(); yv.removeFirst(); rho.removeFirst() }
            }
            let improvement = fx - fn
            x = next; fx = fn; g = gn
            if improvement >= 0 && improvement < 1e-15 * Swift.max(1, abs(fx)) { break }
        }
        return x
    }
}
