import BigInt
import Foundation
import Language

/// Special functions the distributions are written in: Erfc and its inverses, LogGamma, Beta,
/// and the regularized incomplete gamma and beta functions with their inverses. Machine numbers
/// are computed (series and continued fractions as in Numerical Recipes, Newton steps for the
/// inverses); exact arguments stay symbolic except at the special values listed.
package enum Special {
    /// Q(a, x) = Γ(a, x)/Γ(a), the upper regularized incomplete gamma function.
    static func gammaQ(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x >= 0 else { return .nan }
        if x == 0 { return 1 }
        if x < a + 1 { return 1 - gammaSeries(a, x) }
        return gammaFraction(a, x)
    }

    /// P(a, x) by its series (converges quickly for x < a + 1).
    private static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        var sum = 1 / a, term = sum, ap = a
        for _ in 0..<10_000 {
            ap += 1
            term *= x / ap
            sum += term
            if abs(term) < abs(sum) * 1e-16 { break }
        }
        return sum * exp(-x + a * log(x) - lgamma(a))
    }

    /// Q(a, x) by Lentz's continued fraction (for x ≥ a + 1).
    private static func gammaFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b; if abs(d) < tiny { d = tiny }
            c = b + an / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(-x + a * log(x) - lgamma(a)) * h
    }

    /// The n-th derivative of the digamma function at x > 0 (n from 0 to 20): the recurrence
    /// ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x + 1) - (-1)ⁿ n!/xⁿ⁺¹ up to x ≥ 20, then the asymptotic series in the
    /// Bernoulli numbers.
    static func polyGamma(_ n: Int, _ x0: Double) -> Double? {
        guard (0...20).contains(n), x0 > 0, x0.isFinite else { return nil }
        let bernoulli: [Double] = [1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6]
        let sign: Double = n % 2 == 0 ? 1 : -1          // (-1)^n
        let nFactorial = tgamma(Double(n + 1))
        var x = x0, shift = 0.0
        while x < 20 {
            shift -= sign * nFactorial / pow(x, Double(n + 1))
            x += 1
        }
        if n == 0 {
            var sum = log(x) - 1 / (2 * x)
            for (k, b) in bernoulli.enumerated() { sum -= b / (Double(2 * (k + 1)) * pow(x, Double(2 * (k + 1)))) }
            return sum + shift
        }
        var sum = tgamma(Double(n)) / pow(x, Double(n)) + nFactorial / (2 * pow(x, Double(n + 1)))
        for (k, b) in bernoulli.enumerated() {
            let twoK = 2 * (k + 1)
            sum += b * exp(lgamma(Double(twoK + n)) - lgamma(Double(twoK + 1))) / pow(x, Double(twoK + n))
        }
        return -sign * sum + shift
    }

    /// I_x(a, b), the regularized incomplete beta function.
    package static func betaI(_ x: Double, _ a: Double, _ b: Double) -> Double {
        guard a > 0, b > 0, x >= 0, x <= 1 else { return .nan }
        if x == 0 || x == 1 { return x }
        let logs: Double = a * log(x) + b * log(1 - x)
        let norm: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let front = exp(norm + logs)
        if x < (a + 1) / (a + b + 2) { return front * betaFraction(x, a, b) / a }
        return 1 - front * betaFraction(1 - x, b, a) / b
    }

    private static func betaFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0, d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1..<10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    /// The standard normal quantile: Acklam's rational approximation, then Newton steps on erfc.
    static func normalQuantile(_ p: Double) -> Double {
        guard p > 0, p < 1 else { return p == 0 ? -.infinity : (p == 1 ? .infinity : .nan) }
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = horner(c, q) / (horner(d, q) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5, r = q * q
            x = horner(a, r) * q / (horner(b, r) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -horner(c, q) / (horner(d, q) * q + 1)
        }
        // Newton on Φ(x) = erfc(-x/√2)/2, from the side with the smaller tail for accuracy.
        for _ in 0..<2 {
            let density: Double = exp(-x * x / 2) / (2 * Double.pi).squareRoot()
            guard density > 0 else { break }
            let root2: Double = 2.0.squareRoot()
            let error: Double = p < 0.5 ? erfc(-x / root2) / 2 - p : (1 - p) - erfc(x / root2) / 2
            x -= error / density
        }
        return x
    }

    /// The polynomial with these coefficients (highest power first) at x.
    private static func horner(_ coefficients: [Double], _ x: Double) -> Double {
        coefficients.reduce(0) { $0 * x + $1 }
    }

    /// x with erfc(x) = y, for 0 < y < 2.
    static func inverseErfc(_ y: Double) -> Double { -normalQuantile(y / 2) / 2.0.squareRoot() }

    /// Inverts a continuous increasing function on [lo, hi] by bisection (to full precision).
    static func invert(_ f: (Double) -> Double, _ target: Double, _ lo: Double, _ hi: Double) -> Double {
        var lo = lo, hi = hi
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if mid == lo || mid == hi { break }
            if f(mid) < target { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// z with P(a, z) = s.
    static func inverseGammaP(_ a: Double, _ s: Double) -> Double {
        guard a > 0, s >= 0, s <= 1 else { return .nan }
        if s == 0 { return 0 }
        if s == 1 { return .infinity }
        var hi = max(1.0, a)
        while 1 - gammaQ(a, hi) < s && hi < 1e300 { hi *= 2 }
        return invert({ 1 - gammaQ(a, $0) }, s, 0, hi)
    }

    /// x with I_x(a, b) = s.
    static func inverseBetaI(_ s: Double, _ a: Double, _ b: Double) -> Double {
        guard a > 0, b > 0, s >= 0, s <= 1 else { return .nan }
        if s == 0 || s == 1 { return s }
        return invert({ betaI($0, a, b) }, s, 0, 1)
    }
}

/// Machine arguments, when every argument is a number and at least one is a machine real.
private func machine(_ c: Call) -> [Double]? {
    let values = c.args.compactMap(\.doubleValue)
    guard values.count == c.count, c.args.contains(where: { !$0.isExactNumber }) else { return nil }
    return values
}

/// A numeric function of several arguments: computed on machine numbers, exact at the values
/// `exact` knows, otherwise left unevaluated.
private func special(_ name: String, arity: Arity, _ usage: String, examples: [(String, String)],
                     exact: @escaping ([Expr]) -> Expr? = { _ in nil }, _ f: @escaping ([Double]) -> Double?) -> Builtin {
    Builtin(name, .numeric, usage: usage, arity: arity, examples: examples) { c in
        if let r = exact(c.args) { return r }
        guard let x = machine(c), let y = f(x), !y.isNaN else { return nil }
        return .real(y)
    }
}

extension Kernel {
    static var specialFunctionBuiltins: [Builtin] {
        [
            special("Erfc", arity: .exactly(1), "Erfc[z] gives the complementary error function 1 - Erf[z].",
                    examples: [("Erfc[0]", "1"), ("Erfc[1.]", "0.157299")],
                    exact: { $0[0] == .integer(0) ? .integer(1) : nil }) { erfc($0[0]) },
            special("InverseErf", arity: .exactly(1), "InverseErf[s] gives the x with Erf[x] == s, for -1 < s < 1.",
                    examples: [("InverseErf[0]", "0"), ("InverseErf[0.5]", "0.476936")],
                    exact: { $0[0] == .integer(0) ? .integer(0) : nil }) { abs($0[0]) <= 1 ? Special.inverseErfc(1 - $0[0]) : nil },
            special("InverseErfc", arity: .exactly(1), "InverseErfc[s] gives the x with Erfc[x] == s, for 0 < s < 2.",
                    examples: [("InverseErfc[1]", "0"), ("InverseErfc[0.1]", "1.16309")],
                    exact: { $0[0] == .integer(1) ? .integer(0) : nil }) { $0[0] >= 0 && $0[0] <= 2 ? Special.inverseErfc($0[0]) : nil },
            special("LogGamma", arity: .exactly(1), "LogGamma[z] gives the logarithm of the gamma function, without overflow for large z.",
                    examples: [("LogGamma[1]", "0"), ("LogGamma[100.]", "359.134")],
                    exact: { $0[0] == .integer(1) || $0[0] == .integer(2) ? .integer(0) : nil }) { $0[0] > 0 ? lgamma($0[0]) : nil },
            Builtin("PolyGamma", .numeric, usage: "PolyGamma[z] gives the digamma function, the derivative of LogGamma[z]; PolyGamma[n, z] its n-th derivative.", arity: .between(1, 2),
                    examples: [("PolyGamma[1]", "-EulerGamma"), ("PolyGamma[0, 3]", "3/2 - EulerGamma"), ("PolyGamma[2.5]", "0.703157"), ("PolyGamma[1, 0.5]", "4.9348")]) { c in
                let (order, z) = c.count == 1 ? (Expr.integer(0), c[0]) : (c[0], c[1])
                if order == .integer(0), case .integer(let n) = z, n >= 1, n <= 1000 {
                    // PolyGamma[0, n] is the harmonic number H(n - 1) less EulerGamma.
                    let h = (1..<n).reduce(Expr.integer(0)) { Numbers.add($0, Numbers.rational(1, BigInt($1)) ?? .integer(0)) ?? $0 }
                    return .call(Sym.Plus, [h, .call(Sym.Times, [.integer(-1), .sym("EulerGamma")])])
                }
                guard case .integer(let n) = order, case .real(let x) = z, let y = Special.polyGamma(n, x) else { return nil }
                return .real(y)
            },
            special("Beta", arity: .exactly(2), "Beta[a, b] gives the Euler beta function Gamma[a] Gamma[b]/Gamma[a + b].",
                    examples: [("Beta[2, 3]", "1/12"), ("Beta[0.5, 0.5]", "3.14159")],
                    exact: exactBeta) { exp(lgamma($0[0]) + lgamma($0[1]) - lgamma($0[0] + $0[1])) },
            special("GammaRegularized", arity: .between(2, 3), "GammaRegularized[a, z] gives the regularized incomplete gamma function Q(a, z) = Gamma[a, z]/Gamma[a]; GammaRegularized[a, z0, z1] gives Q(a, z0) - Q(a, z1).",
                    examples: [("GammaRegularized[2., 1.]", "0.735759"), ("GammaRegularized[2., 0, 1.]", "0.264241")]) { x in
                x.count == 2 ? Special.gammaQ(x[0], x[1]) : Special.gammaQ(x[0], x[1]) - Special.gammaQ(x[0], x[2])
            },
            special("BetaRegularized", arity: .exactly(3), "BetaRegularized[z, a, b] gives the regularized incomplete beta function I_z(a, b).",
                    examples: [("BetaRegularized[0.5, 2., 3.]", "0.6875")]) { Special.betaI($0[0], $0[1], $0[2]) },
            special("InverseGammaRegularized", arity: .between(2, 3), "InverseGammaRegularized[a, s] gives the z with GammaRegularized[a, z] == s; InverseGammaRegularized[a, 0, s] the z with GammaRegularized[a, 0, z] == s.",
                    examples: [("InverseGammaRegularized[2., 0, 0.264241]", "1.")]) { x in
                x.count == 2 ? Special.inverseGammaP(x[0], 1 - x[1]) : (x[1] == 0 ? Special.inverseGammaP(x[0], x[2]) : nil)
            },
            special("InverseBetaRegularized", arity: .exactly(3), "InverseBetaRegularized[s, a, b] gives the z with BetaRegularized[z, a, b] == s.",
                    examples: [("InverseBetaRegularized[0.6875, 2., 3.]", "0.5")]) { Special.inverseBetaI($0[0], $0[1], $0[2]) },
        ]
    }
}

/// Beta of positive integers, exactly: (a - 1)! (b - 1)!/(a + b - 1)!.
private func exactBeta(_ args: [Expr]) -> Expr? {
    guard case .integer(let a) = args[0], case .integer(let b) = args[1], a > 0, b > 0, a + b < 170 else { return nil }
    func factorial(_ n: Int) -> Expr { (1..<max(n, 1)).reduce(Expr.integer(1)) { Numbers.multiply($0, .integer($1 + 1)) ?? $0 } }
    guard let d = Numbers.reciprocal(factorial(a + b - 1)) else { return nil }
    return Numbers.multiply(Numbers.multiply(factorial(a - 1), factorial(b - 1)) ?? .integer(1), d)
}
