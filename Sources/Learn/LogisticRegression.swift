import Foundation

/// Multinomial logistic regression: minimizes the mean cross-entropy plus (l2 / 2)·‖W‖²
/// (intercepts unpenalized) with L-BFGS, stopping when the gradient's largest component is
/// below 1e-8 or after 1000 iterations. With l2 = 1/(C n) this is scikit-learn's objective.
public struct LogisticRegression: ProbabilityModel {
    public let weights: [[Double]]
    public let intercepts: [Double]

    public func probabilities(_ x: [Double]) -> [Double] {
        softmax(zip(weights, intercepts).map { w, b in zip(w, x).reduce(b) { $0 + $1.0 * $1.1 } })
    }

    public static func fit(_ x: [[Double]], _ y: [Int], classes k: Int, l2: Double) throws -> LogisticRegression {
        let n = x.count, d = x.first?.count ?? 0
        let size = k * (d + 1)
        func unpack(_ p: [Double]) -> ([[Double]], [Double]) {
            ((0..<k).map { c in Array(p[(c * d)..<((c + 1) * d)]) }, Array(p[(k * d)...]))
        }
        func objective(_ p: [Double]) -> (Double, [Double]) {
            let (w, b) = unpack(p)
            var loss = 0.0
            var grad = [Double](repeating: 0, count: size)
            for i in 0..<n {
                var s = b
                for c in 0..<k { for j in 0..<d { s[c] += w[c][j] * x[i][j] } }
                let top = s.max() ?? 0
                let e = s.map { Foundation.exp($0 - top) }
                let total = e.reduce(0, +)
                loss += Foundation.log(total) + top - s[y[i]]
                for c in 0..<k {
                    let g = (e[c] / total - (c == y[i] ? 1 : 0)) / Double(n)
                    for j in 0..<d { grad[c * d + j] += g * x[i][j] }
                    grad[k * d + c] += g
                }
            }
            loss /= Double(n)
            for c in 0..<k {
                for j in 0..<d {
                    loss += 0.5 * l2 * w[c][j] * w[c][j]
                    grad[c * d + j] += l2 * w[c][j]
                }
            }
            return (loss, grad)
        }
        let p = LBFGS.minimize(objective, start: [Double](repeating: 0, count: size), tolerance: 1e-8, iterations: 1000)
        let (w, b) = unpack(p)
        return LogisticRegression(weights: w, intercepts: b)
    }
}

/// Limited-memory BFGS with a backtracking (Armijo) line search.
enum LBFGS {
    static func minimize(_ f: ([Double]) -> (Double, [Double]), start: [Double], tolerance: Double, iterations: Int, memory: Int = 10) -> [Double] {
        var x = start
        var (fx, g) = f(x)
        var s: [[Double]] = [], yv: [[Double]] = [], rho: [Double] = []
        func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        for _ in 0..<iterations {
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
