import BigInt
import Foundation

/// Exact and machine arithmetic on numeric `Expr` atoms: integers (promoted to big integers on
/// overflow), rationals in lowest terms, and machine reals. Any real operand makes the result real.
public enum Numbers {
    /// `n/d` in lowest terms: an integer when the denominator divides, `nil` for a zero denominator.
    public static func rational(_ n: BigInt, _ d: BigInt) -> Expr? {
        if d.isZero { return nil }
        var n = n, d = d
        if d.sign == .minus { n = -n; d = -d }
        let g = BigInt(n.magnitude.greatestCommonDivisor(with: d.magnitude))
        if g > 1 { n /= g; d /= g }
        if d == 1 { return .integer(n) }
        return .rational(RationalBox(numerator: n, denominator: d))
    }

    /// Numerator and denominator of an exact number.
    public static func fraction(_ e: Expr) -> (BigInt, BigInt)? {
        switch e {
        case .integer(let i): return (BigInt(i), 1)
        case .bigInteger(let b): return (b.value, 1)
        case .rational(let r): return (r.numerator, r.denominator)
        default: return nil
        }
    }

    public static func add(_ a: Expr, _ b: Expr) -> Expr? {
        switch (a, b) {
        case let (.integer(x), .integer(y)):
            let (r, o) = x.addingReportingOverflow(y)
            return o ? .integer(BigInt(x) + BigInt(y)) : .integer(r)
        case let (.real(x), _):
            guard let y = b.doubleValue else { return nil }
            return .real(x + y)
        case let (_, .real(y)):
            guard let x = a.doubleValue else { return nil }
            return .real(x + y)
        case let (.bigReal(x), _):
            if case .bigReal(let y) = b { return .bigReal(x + y) }
            return fraction(b).map { .bigReal(x.adding($0.0, $0.1)) }
        case let (_, .bigReal(y)):
            return fraction(a).map { .bigReal(y.adding($0.0, $0.1)) }
        default:
            guard let (n1, d1) = fraction(a), let (n2, d2) = fraction(b) else { return nil }
            if d1 == 1 && d2 == 1 { return .integer(n1 + n2) }
            return rational(n1 * d2 + n2 * d1, d1 * d2)
        }
    }

    public static func multiply(_ a: Expr, _ b: Expr) -> Expr? {
        switch (a, b) {
        case let (.integer(x), .integer(y)):
            let (r, o) = x.multipliedReportingOverflow(by: y)
            return o ? .integer(BigInt(x) * BigInt(y)) : .integer(r)
        case let (.real(x), _):
            guard let y = b.doubleValue else { return nil }
            return .real(x * y)
        case let (_, .real(y)):
            guard let x = a.doubleValue else { return nil }
            return .real(x * y)
        case let (.bigReal(x), _):
            if case .bigReal(let y) = b { return .bigReal(x * y) }
            return fraction(b).flatMap { exactTimes(x, $0.0, $0.1) }
        case let (_, .bigReal(y)):
            return fraction(a).flatMap { exactTimes(y, $0.0, $0.1) }
        default:
            guard let (n1, d1) = fraction(a), let (n2, d2) = fraction(b) else { return nil }
            if d1 == 1 && d2 == 1 { return .integer(n1 * n2) }
            return rational(n1 * n2, d1 * d2)
        }
    }

    /// `x · n/d`: an exact zero factor makes the product an exact 0, as in Wolfram.
    static func exactTimes(_ x: BigReal, _ n: BigInt, _ d: BigInt) -> Expr? {
        if n.isZero { return .integer(0) }
        return x.multiplied(by: n, d).map { .bigReal($0) }
    }

    public static func negate(_ a: Expr) -> Expr? { multiply(.integer(-1), a) }

    /// `1/a` for a nonzero number.
    public static func reciprocal(_ a: Expr) -> Expr? {
        switch a {
        case .real(let d): return .real(1 / d)
        case .bigReal(let x): return x.reciprocal.map { .bigReal($0) }
        default:
            guard let (n, d) = fraction(a), !n.isZero else { return nil }
            return rational(d, n)
        }
    }

    public static func isZero(_ a: Expr) -> Bool {
        switch a {
        case .integer(let i): return i == 0
        case .real(let d): return d == 0
        case .bigReal(let x): return x.isZero
        default: return false
        }
    }

    public static func isOne(_ a: Expr) -> Bool {
        switch a {
        case .integer(let i): return i == 1
        case .real(let d): return d == 1
        default: return false
        }
    }

    /// Sign of a number: -1, 0 or 1.
    public static func sign(_ a: Expr) -> Int? {
        switch a {
        case .integer(let i): return i.signum()
        case .bigInteger(let b): return b.value.sign == .minus ? -1 : 1
        case .rational(let r): return r.numerator.sign == .minus ? -1 : (r.numerator.isZero ? 0 : 1)
        case .real(let d): return d > 0 ? 1 : (d < 0 ? -1 : 0)
        case .bigReal(let x): return x.isZero ? 0 : (x.isNegative ? -1 : 1)
        default: return nil
        }
    }

    /// Compares two real numbers: negative, zero or positive, or nil for non-numbers.
    public static func compare(_ a: Expr, _ b: Expr) -> Int? {
        switch (a, b) {
        case let (.integer(x), .integer(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.real, _), (_, .real):
            guard let x = a.doubleValue, let y = b.doubleValue else { return nil }
            return x < y ? -1 : (x > y ? 1 : 0)
        case let (.bigReal(x), .bigReal(y)): return BigReal.compare(x, y)
        case let (.bigReal(x), _): return fraction(b).map { x.compare($0.0, $0.1) }
        case let (_, .bigReal(y)): return fraction(a).map { -y.compare($0.0, $0.1) }
        default:
            guard let (n1, d1) = fraction(a), let (n2, d2) = fraction(b) else { return nil }
            let l = n1 * d2, r = n2 * d1
            return l < r ? -1 : (l > r ? 1 : 0)
        }
    }

    /// `a^b` when it is a number: exact for integer exponents, real for real operands.
    /// Returns nil when the result is not a plain number (e.g. `2^(1/2)` stays symbolic).
    public static func power(_ a: Expr, _ b: Expr) -> Expr? {
        if case .bigReal = a { return bigPower(a, b) }
        if case .bigReal = b { return bigPower(a, b) }
        switch b {
        case .integer(let k):
            if case .real(let x) = a { return .real(Foundation.pow(x, Double(k))) }
            if case .integer(let x) = a, k >= 0, k < 64, let r = smallPower(x, k) { return .integer(r) }
            guard let (n, d) = fraction(a) else { return nil }
            // Results beyond about 1.2 million digits (4 million bits) are left unevaluated rather
            // than computed: the big-integer arithmetic would take seconds to minutes.
            let bits = max(n.magnitude.bitWidth, d.magnitude.bitWidth)
            // (k is a machine integer: its magnitude, Int.min's included, fits a UInt.)
            let (size, overflow) = UInt(bits).multipliedReportingOverflow(by: k.magnitude)
            if bits > 1, k.magnitude > 0, overflow || size > 4_000_000 { return nil }
            if k == Int.min { return nil }
            if k >= 0 { return rational(n.power(k), d.power(k)) }
            if n.isZero { return nil }
            return rational(d.power(-k), n.power(-k))
        case .real(let y):
            guard let x = a.doubleValue else { return nil }
            if x < 0 && y.rounded() != y { return nil }
            return .real(Foundation.pow(x, y))
        case .rational(let r):
            if case .real(let x) = a {
                if x < 0 { return nil }
                return .real(Foundation.pow(x, Double(r.numerator) / Double(r.denominator)))
            }
            // Exact roots of perfect powers: 4^(1/2) = 2, 8^(2/3) = 4.
            guard let (n, d) = fraction(a), n.sign == .plus, r.denominator <= 64,
                  let q = Int(exactly: r.denominator)
            else { return nil }
            guard let rn = exactRoot(n, q), let rd = exactRoot(d, q) else { return nil }
            return power(rational(rn, rd) ?? .integer(0), .integer(r.numerator))
        default:
            return nil
        }
    }

    /// A power with an arbitrary-precision base or exponent: machine when the other is a machine
    /// real, repeated squaring for an integer exponent, a square root for 1/2, else e^(y log x).
    static func bigPower(_ a: Expr, _ b: Expr) -> Expr? {
        if case .real = a { return b.doubleValue.flatMap { power(a, .real($0)) } }
        if case .real = b { return a.doubleValue.flatMap { power(.real($0), b) } }
        switch (a, b) {
        case let (.bigReal(x), .integer(k)): return x.power(k).map { .bigReal($0) }
        case let (.bigReal(x), .rational(r)) where r.numerator == 1 && r.denominator == 2:
            return BigRealMath.sqrt(x).map { .bigReal($0) }
        case let (.bigReal(x), _):
            if case .bigReal(let y) = b {
                return BigRealMath.power(x, y, xPrecision: x.precision, yPrecision: y.precision).map { .bigReal($0) }
            }
            guard let (n, d) = fraction(b), let y = BigReal.fromFraction(n, d, precision: x.precision + 20) else { return nil }
            return BigRealMath.power(x, y, xPrecision: x.precision, yPrecision: .infinity).map { .bigReal($0) }
        case let (_, .bigReal(y)):
            guard let (n, d) = fraction(a) else { return nil }
            if n == d { return .integer(1) }
            let size = max(abs(BigReal.log10Size(n, d)), 1)
            guard let x = BigReal.fromFraction(n, d, precision: y.precision + size + 20) else { return nil }
            return BigRealMath.power(x, y, xPrecision: .infinity, yPrecision: y.precision).map { .bigReal($0) }
        default: return nil
        }
    }

    /// x^k in machine integers, or nil on overflow.
    static func smallPower(_ x: Int, _ k: Int) -> Int? {
        var result = 1, base = x, e = k
        while e > 0 {
            if e & 1 == 1 {
                let (r, o) = result.multipliedReportingOverflow(by: base)
                if o { return nil }
                result = r
            }
            e >>= 1
            if e > 0 {
                let (b, o) = base.multipliedReportingOverflow(by: base)
                if o { return nil }
                base = b
            }
        }
        return result
    }

    /// Splits n = k^2 * m with m free of square factors found below 10^4: returns (k, m).
    public static func squareFactor(_ n: BigInt) -> (BigInt, BigInt) {
        var k = BigInt(1), m = n
        var p = BigInt(2)
        while p < 10_000 && p * p <= m {
            let pp = p * p
            while m % pp == 0 { m /= pp; k *= p }
            p += p == 2 ? 1 : 2
        }
        return (k, m)
    }

    /// The integer q-th root of n when n is a perfect q-th power.
    static func exactRoot(_ n: BigInt, _ q: Int) -> BigInt? {
        if n.isZero || n == 1 { return n }
        let guess = BigInt(Foundation.pow(Double(n), 1.0 / Double(q)).rounded())
        for c in [guess - 1, guess, guess + 1] where c > 0 {
            if c.power(q) == n { return c }
        }
        return nil
    }

    /// The numeric value of an exact or real number, converted to a machine real.
    public static func toReal(_ a: Expr) -> Expr? {
        guard let d = a.doubleValue else { return nil }
        return .real(d)
    }
}
