import Foundation
import Randomness
import Tensor

/// Why an optimisation stopped without an answer.
public enum OptimizationError: Error, Equatable {
    /// The function was not a real number at this point.
    case notNumeric([Double])
    /// The Jacobian (or second derivative) vanished: no Newton step can be taken.
    case singularJacobian([Double])
}

/// Local and global minimisation and root finding on functions of real vectors, with numeric
/// derivatives. The functions may throw (the kernel's evaluator can be interrupted) and return
/// NaN where they have no real value.
public enum Optimization {
    public typealias Function = ([Double]) throws -> Double

    /// The central-difference gradient of f at x.
    public static func gradient(_ f: Function, _ x: [Double], at fx: Double) throws -> [Double] {
        var g = [Double](repeating: 0, count: x.count)
        for i in x.indices {
            let h = 1e-6 * max(1, abs(x[i]))
            var up = x, down = x
            up[i] += h; down[i] -= h
            let a = try f(up), b = try f(down)
            g[i] = a.isFinite && b.isFinite ? (a - b) / (2 * h) : (try f(up) - fx) / h
        }
        return g
    }

    /// A local minimum by BFGS (an inverse-Hessian approximation updated from gradient changes)
    /// with a backtracking line search; stops when the gradient or the step is negligible.
    /// `derivative` gives f's gradient at a point where f is finite; without it the gradient is
    /// found by central differences.
    ///
    /// `tolerance` loosens the stop as scikit-learn's L-BFGS-B does (`pgtol`, `factr`): also stop
    /// when the largest gradient component is below `gradient`, or when a step lowers f by less
    /// than `decrease` times max(|f|, 1).
    public static func bfgs(_ f: Function, derivative: (([Double]) throws -> [Double])? = nil, from start: [Double],
                            maxIterations: Int = 500, tolerance: (gradient: Double, decrease: Double) = (0, 0)) throws -> (point: [Double], value: Double) {
        let n = start.count
        func gradientAt(_ x: [Double], _ fx: Double) throws -> [Double] {
            if let derivative { return try derivative(x) }
            return try gradient(f, x, at: fx)
        }
        var x = start, fx = try f(x)
        guard fx.isFinite else { throw OptimizationError.notNumeric(x) }
        var g = try gradientAt(x, fx)
        var h = Matrix.identity(n)
        for _ in 0..<maxIterations {
            let steepest = g.reduce(0, { max($0, abs($1)) })
            if steepest < 1e-10 * max(1, abs(fx)) || steepest < tolerance.gradient { break }
            var p = (0..<n).map { i in -(0..<n).reduce(0) { $0 + h[i, $1] * g[$1] } }
            var slope = zip(p, g).reduce(0) { $0 + $1.0 * $1.1 }
            if slope >= 0 {
                // Not a descent direction: restart from steepest descent.
                h = .identity(n)
                p = g.map { -$0 }
                slope = -g.reduce(0) { $0 + $1 * $1 }
            }
            var t = 1.0, next = x, fnext = fx
            var accepted = false
            for _ in 0..<60 {
                next = zip(x, p).map { $0 + t * $1 }
                fnext = try f(next)
                if fnext.isFinite && fnext <= fx + 1e-4 * t * slope { accepted = true; break }
                t *= 0.5
            }
            guard accepted else { break }
            let gnext = try gradientAt(next, fnext)
            let s = zip(next, x).map { $0 - $1 }, y = zip(gnext, g).map { $0 - $1 }
            let sy = zip(s, y).reduce(0) { $0 + $1.0 * $1.1 }
            let done = s.enumerated().allSatisfy { abs($0.element) <= 1e-12 * max(1, abs(next[$0.offset])) } && abs(fnext - fx) <= 1e-15 * max(1, abs(fx))
                || fx - fnext < tolerance.decrease * max(1, abs(fx), abs(fnext))
            x = next; fx = fnext; g = gnext
            if done { break }
            if sy > 1e-12 {
                // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
                let rho = 1 / sy
                let hy = (0..<n).map { i in (0..<n).reduce(0) { $0 + h[i, $1] * y[$1] } }
                let yhy = zip(y, hy).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<n {
                    for j in 0..<n {
                        h[i, j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j]
                    }
                }
            }
        }
        return (x, fx)
    }

    /// A minimum by the Nelder–Mead simplex from `start` (initial simplex of side `scale`).
    public static func nelderMead(_ f: Function, from start: [Double], scale: Double = 1, maxIterations: Int = 5000) throws -> (point: [Double], value: Double) {
        let n = start.count
        func value(_ x: [Double]) throws -> Double { let v = try f(x); return v.isFinite ? v : .infinity }
        var simplex = [start] + (0..<n).map { i -> [Double] in var x = start; x[i] += scale * max(1, abs(x[i])) * 0.5; return x }
        var values = try simplex.map(value)
        for _ in 0..<maxIterations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            let spread = abs(values[n] - values[0]), size = (1...n).reduce(0.0) { m, i in max(m, zip(simplex[i], simplex[0]).reduce(0) { max($0, abs($1.0 - $1.1)) }) }
            if spread <= 1e-14 * max(1, abs(values[0])) && size <= 1e-10 * max(1, simplex[0].reduce(0) { max($0, abs($1)) }) { break }
            let centroid = (0..<n).map { j in simplex[0..<n].reduce(0) { $0 + $1[j] } / Double(n) }
            func along(_ t: Double) -> [Double] { zip(centroid, simplex[n]).map { $0 + t * ($0 - $1) } }
            let r = along(1), fr = try value(r)
            if fr < values[0] {
                let e = along(2), fe = try value(e)
                if fe < fr { simplex[n] = e; values[n] = fe } else { simplex[n] = r; values[n] = fr }
            } else if fr < values[n - 1] {
                simplex[n] = r; values[n] = fr
            } else {
                let c = fr < values[n] ? along(0.5) : along(-0.5), fc = try value(c)
                if fc < min(fr, values[n]) {
                    simplex[n] = c; values[n] = fc
                } else {
                    for i in 1...n {
                        simplex[i] = zip(simplex[0], simplex[i]).map { $0 + 0.5 * ($1 - $0) }
                        values[i] = try value(simplex[i])
                    }
                }
            }
        }
        let best = values.indices.min { values[$0] < values[$1] } ?? 0
        return (simplex[best], values[best])
    }

    /// A global minimum by Nelder–Mead from several random starts in `box` (polished by a
    /// final Nelder–Mead restart from the best point).
    public static func globalMinimum(_ f: Function, box: [(Double, Double)], starts: Int = 10, using g: inout SeededGenerator) throws -> (point: [Double], value: Double) {
        var best: (point: [Double], value: Double)?
        for _ in 0..<starts {
            let x0 = box.map { $0.0 + ($0.1 - $0.0) * g.unit() }
            let width = box.map { $0.1 - $0.0 }.max() ?? 1
            let r = try nelderMead(f, from: x0, scale: max(width / 2, 1e-3))
            if let b = best, b.value <= r.value { continue }
            best = r
        }
        guard let b = best else { throw OptimizationError.notNumeric([]) }
        let polished = try nelderMead(f, from: b.point, scale: 1e-2)
        return polished.value <= b.value ? polished : b
    }

    /// A root of a system of equations by Newton's method with a numeric Jacobian and a damped
    /// step; for one equation from two starting points, the secant method.
    public static func root(_ f: ([Double]) throws -> [Double], from start: [Double], secondStart: Double? = nil, maxIterations: Int = 100) throws -> [Double] {
        var x = start
        var fx = try f(x)
        guard fx.allSatisfy(\.isFinite) else { throw OptimizationError.notNumeric(x) }
        if let x1 = secondStart, x.count == 1 {
            var a = x[0], fa = fx[0], b = x1, fb = try f([x1])[0]
            for _ in 0..<maxIterations {
                guard fb.isFinite else { throw OptimizationError.notNumeric([b]) }
                if fb == 0 || abs(b - a) <= 1e-15 * max(1, abs(b)) { break }
                guard fb != fa else { throw OptimizationError.singularJacobian([b]) }
                let c = b - fb * (b - a) / (fb - fa)
                a = b; fa = fb; b = c; fb = try f([c])[0]
            }
            return [b]
        }
        let n = x.count
        for _ in 0..<maxIterations {
            let norm = fx.reduce(0) { $0 + $1 * $1 }
            if norm == 0 { break }
            var jacobian = Matrix(zeros: fx.count, n)
            for j in 0..<n {
                let h = 1e-7 * max(1, abs(x[j]))
                var up = x
                up[j] += h
                let fu = try f(up)
                for i in 0..<fx.count { jacobian[i, j] = (fu[i] - fx[i]) / h }
            }
            guard let step = try? LinearAlgebra.leastSquares(jacobian, Matrix(rows: fx.count, cols: 1, data: fx.map { -$0 })).x.data,
                  step.contains(where: { $0 != 0 }) else { throw OptimizationError.singularJacobian(x) }
            var t = 1.0, next = x, fnext = fx
            for _ in 0..<30 {
                next = zip(x, step).map { $0 + t * $1 }
                fnext = try f(next)
                if fnext.allSatisfy(\.isFinite) && fnext.reduce(0, { $0 + $1 * $1 }) < norm { break }
                t *= 0.5
            }
            let small = zip(next, x).allSatisfy { abs($0 - $1) <= 1e-15 * max(1, abs($0)) }
            x = next; fx = fnext
            if small { break }
        }
        return x
    }

    /// Least squares of residuals r(p) by Levenberg–Marquardt with a numeric Jacobian: the
    /// parameters, and the Jacobian at them (for standard errors).
    public static func levenbergMarquardt(_ r: ([Double]) throws -> [Double], from start: [Double], maxIterations: Int = 500) throws -> (parameters: [Double], jacobian: Matrix) {
        var p = start, res = try r(p)
        guard res.allSatisfy(\.isFinite) else { throw OptimizationError.notNumeric(p) }
        var cost = res.reduce(0) { $0 + $1 * $1 }
        var lambda = 1e-3
        func jacobianAt(_ p: [Double], _ res: [Double]) throws -> Matrix {
            var j = Matrix(zeros: res.count, p.count)
            for k in p.indices {
                let h = 1e-7 * max(1, abs(p[k]))
                var up = p
                up[k] += h
                let ru = try r(up)
                for i in res.indices { j[i, k] = (ru[i] - res[i]) / h }
            }
            return j
        }
        var jac = try jacobianAt(p, res)
        for _ in 0..<maxIterations {
            let jt = jac.transposed
            let jtj = try LinearAlgebra.multiply(jt, jac)
            let jtr = try LinearAlgebra.multiply(jt, Matrix(rows: res.count, cols: 1, data: res))
            var improved = false
            for _ in 0..<20 {
                var a = jtj
                for i in 0..<p.count { a[i, i] += lambda * max(jtj[i, i], 1e-12) }
                guard let step = try? LinearAlgebra.solve(a, Matrix(rows: p.count, cols: 1, data: jtr.data.map { -$0 })) else { lambda *= 10; continue }
                let next = zip(p, step.data).map { $0 + $1 }
                let rn = try r(next)
                let cn = rn.reduce(0) { $0 + $1 * $1 }
                if cn.isFinite && cn < cost {
                    let converged = (cost - cn) <= 1e-15 * max(cost, 1e-300) || zip(next, p).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($0)) }
                    p = next; res = rn; cost = cn
                    lambda = max(lambda / 10, 1e-15)
                    improved = true
                    jac = try jacobianAt(p, res)
                    if converged { return (p, jac) }
                    break
                }
                lambda *= 10
            }
            if !improved { break }
        }
        return (p, jac)
    }
}
