import BigInt
import Foundation

/// Elementary functions of arbitrary-precision reals: series in fixed point (an integer scaled by
/// 2^w) after argument reduction. Each result's precision follows the function's sensitivity:
/// its accuracy is the argument's accuracy less `log10 |f'(x)|` (Exp, Log, Sin...), so
/// `Sqrt[2.`30]` has precision 30.301 and `Exp[100.`20]` 18.
public enum BigRealMath {
    // MARK: Fixed point

    /// x · 2^w as an integer (rounded).
    static func fixed(_ x: BigReal, _ w: Int) -> BigInt {
        BigReal.roundedShift(x.mantissa, -(x.exponent + w))
    }

    static func mul(_ a: BigInt, _ b: BigInt, _ w: Int) -> BigInt { shr(a * b, w) }

    /// x / 2^s truncated toward zero (BigInt's own `>>` takes a small negative number to -1).
    static func shr(_ x: BigInt, _ s: Int) -> BigInt {
        let m = BigInt(x.magnitude >> s)
        return x.sign == .minus ? -m : m
    }

    /// Σ (-1)^n x^(2n+1)/(2n+1) (`alternating`) or Σ x^(2n+1)/(2n+1), for x = 1/k, in fixed point.
    static func arcTanInverse(_ k: Int, _ w: Int, alternating: Bool) -> BigInt {
        let k2 = BigInt(k) * BigInt(k)
        var term = (BigInt(1) << w) / BigInt(k)
        var sum = term, n = 1, sign = 1
        while !term.isZero {
            term /= k2
            n += 2
            sign = alternating ? -sign : 1
            sum += sign > 0 ? term / BigInt(n) : -(term / BigInt(n))
        }
        return sum
    }

    /// π in fixed point (Machin: 16 arctan(1/5) - 4 arctan(1/239)).
    static func pi(_ w: Int) -> BigInt {
        let g = w + 16
        return (16 * arcTanInverse(5, g, alternating: true) - 4 * arcTanInverse(239, g, alternating: true)) >> 16
    }

    /// log 2 = 2 artanh(1/3), in fixed point.
    static func log2(_ w: Int) -> BigInt {
        (2 * arcTanInverse(3, w + 16, alternating: false)) >> 16
    }

    /// √a for fixed-point a ≥ 0.
    static func sqrt(_ a: BigInt, _ w: Int) -> BigInt {
        BigInt((a.magnitude << w).squareRoot())
    }

    /// e^r for a small fixed-point r (|r| < 1): Taylor series on r/2^s, squared s times.
    static func expSmall(_ r: BigInt, _ w: Int) -> BigInt {
        let s = max(8, Int(Double(w).squareRoot() / 2))
        let g = w + s + 16
        let x = shr(r << (g - w), s)
        var sum = BigInt(1) << g, term = BigInt(1) << g, n = 1
        while !term.isZero {
            term = mul(term, x, g) / BigInt(n)
            sum += term
            n += 1
        }
        for _ in 0..<s { sum = mul(sum, sum, g) }
        return sum >> (g - w)
    }

    /// Sine and cosine of a fixed-point r with |r| ≤ π/4.
    static func sinCosSmall(_ r: BigInt, _ w: Int) -> (BigInt, BigInt) {
        let r2 = mul(r, r, w)
        var s = r, term = r, n = 1
        while !term.isZero {
            term = -(mul(term, r2, w) / BigInt((n + 1) * (n + 2)))
            s += term
            n += 2
        }
        var c = BigInt(1) << w
        term = c
        n = 0
        while !term.isZero {
            term = -(mul(term, r2, w) / BigInt((n + 1) * (n + 2)))
            c += term
            n += 2
        }
        return (s, c)
    }

    /// A result of f at `x` given f's value `value` (computed with bits to spare) and
    /// `log10 |f'(x)|`: accuracy is x's accuracy less the latter.
    static func result(_ m: BigInt, _ e: Int, from x: BigReal, log10Slope: Double) -> BigReal {
        let acc = x.accuracy - (log10Slope.isFinite ? log10Slope : 0)
        let raw = BigReal(mantissa: m, exponent: e, precision: BigReal.maxPrecision)
        if raw.isZero { return BigReal(zeroWithAccuracy: acc) }
        let p = acc + raw.log10Magnitude
        if p <= 0 { return BigReal(zeroWithAccuracy: acc) }
        return raw.withPrecision(min(p, BigReal.maxPrecision))
    }

    /// Working bits for an argument of precision p whose result may carry up to `extra` more
    /// digits.
    static func workBits(_ x: BigReal, extra: Double = 0) -> Int {
        BigReal.bits(for: x.precision + max(extra, 0)) + 64
    }

    // MARK: Constants

    /// π to p digits.
    public static func pi(precision p: Double) -> BigReal {
        let w = BigReal.bits(for: p) + 8
        return BigReal(mantissa: pi(w), exponent: -w, precision: p)
    }

    /// e to p digits.
    public static func e(precision p: Double) -> BigReal {
        let w = BigReal.bits(for: p) + 8
        return BigReal(mantissa: expSmall(BigInt(1) << w, w), exponent: -w, precision: p)
    }

    // MARK: Functions

    /// √x for x ≥ 0; nil for a negative x.
    public static func sqrt(_ x: BigReal) -> BigReal? {
        if x.isZero { return BigReal(zeroWithAccuracy: x.zeroAccuracy / 2) }
        guard !x.isNegative else { return nil }
        let bits = BigReal.bits(for: x.precision + 1) * 2
        var shift = max(bits - x.mantissa.magnitude.bitWidth, 0)
        if (x.exponent - shift) & 1 != 0 { shift += 1 }
        let root = BigInt((x.mantissa.magnitude << shift).squareRoot())
        return BigReal(mantissa: root, exponent: (x.exponent - shift) / 2,
                       precision: x.precision + BigReal.log10Of2)
    }

    /// e^x; nil when the result's exponent would not fit a machine integer.
    public static func exp(_ x: BigReal) -> BigReal? {
        let xd = x.doubleValue
        guard abs(xd) < 1e15 else { return nil }
        let slope = xd * M_LOG10E
        let size = max(0, Int(Foundation.log2(max(abs(xd), 1))) + 1)
        if x.isZero { return BigReal(mantissa: 1, exponent: 0, precision: x.zeroAccuracy) }
        let w = workBits(x) + size
        let k = Int((xd / M_LN2).rounded())
        let r = fixed(x, w) - BigInt(k) * log2(w)
        let v = expSmall(r, w)
        return result(v, k - w, from: x, log10Slope: slope)
    }

    /// log x for x > 0; nil otherwise.
    public static func log(_ x: BigReal) -> BigReal? {
        guard !x.isZero, !x.isNegative else { return nil }
        let lx = x.log10Magnitude
        let w = workBits(x, extra: Foundation.log10(max(abs(lx * M_LN10), 1))) + 16
        // x = y · 2^t with y in [1/2, 1): log x = log y + t log 2
        let t = x.exponent + x.mantissa.magnitude.bitWidth
        var y = BigReal.roundedShift(x.mantissa, x.mantissa.magnitude.bitWidth - w)
        // square roots bring y close to 1, so artanh((y-1)/(y+1)) converges fast
        let roots = 8
        for _ in 0..<roots { y = sqrt(y, w) }
        let one = BigInt(1) << w
        let z = ((y - one) << w) / (y + one)
        let z2 = mul(z, z, w)
        var sum = z, power = z, n = 1
        while !power.isZero {
            power = mul(power, z2, w)
            n += 2
            sum += power / BigInt(n)
        }
        let logY = sum << (roots + 1)
        let v = logY + BigInt(t) * log2(w)
        return result(v, -w, from: x, log10Slope: -lx)
    }

    /// Reduces x by multiples of π/2: the remainder (|r| ≤ π/4, fixed point at w) and the
    /// quadrant; nil for arguments so large that no digit of the result is known.
    static func reduced(_ x: BigReal, _ w: Int) -> (BigInt, Int)? {
        let size = x.exponent + x.mantissa.magnitude.bitWidth
        guard size < 1 << 20 else { return nil }
        let g = w + max(size, 0) + 8
        let xf = fixed(x, g)
        let halfPi = pi(g) >> 1
        var k = (2 * xf + halfPi) / (2 * halfPi)
        if xf.sign == .minus { k = -((-2 * xf + halfPi) / (2 * halfPi)) }
        let r = shr(xf - k * halfPi, g - w)
        let q = Int(((k % 4) + 4) % 4)
        return (r, q)
    }

    static func sinCos(_ x: BigReal) -> (BigInt, BigInt, Int)? {
        let w = workBits(x, extra: max(-x.log10Magnitude, 0))
        guard let (r, q) = reduced(x, w) else { return nil }
        let (s, c) = sinCosSmall(r, w)
        switch q {
        case 0: return (s, c, w)
        case 1: return (c, -s, w)
        case 2: return (-s, -c, w)
        default: return (-c, s, w)
        }
    }

    public static func sin(_ x: BigReal) -> BigReal? {
        if x.isZero { return x }
        guard let (s, _, w) = sinCos(x) else { return BigReal(zeroWithAccuracy: x.accuracy) }
        return result(s, -w, from: x, log10Slope: Foundation.log10(abs(Foundation.cos(x.doubleValue))))
    }

    public static func cos(_ x: BigReal) -> BigReal? {
        if x.isZero { return BigReal(mantissa: 1, exponent: 0, precision: x.zeroAccuracy) }
        guard let (_, c, w) = sinCos(x) else { return BigReal(zeroWithAccuracy: x.accuracy) }
        return result(c, -w, from: x, log10Slope: Foundation.log10(abs(Foundation.sin(x.doubleValue))))
    }

    public static func tan(_ x: BigReal) -> BigReal? {
        if x.isZero { return x }
        guard let (s, c, w) = sinCos(x), !c.isZero else { return nil }
        let t = (s << w) / c
        let td = Foundation.tan(x.doubleValue)
        return result(t, -w, from: x, log10Slope: Foundation.log10(1 + td * td))
    }

    /// arctan x: for |x| > 1 from π/2 - arctan(1/x), then halved by
    /// arctan x = 2 arctan(x/(1 + √(1 + x²))) before the series.
    public static func arcTan(_ x: BigReal) -> BigReal? {
        if x.isZero { return x }
        let xd = x.doubleValue
        let w = workBits(x, extra: max(-x.log10Magnitude, 0)) + 16
        let one = BigInt(1) << w
        var v: BigInt
        let big = abs(xd) > 1
        var a: BigInt
        if big {
            guard let inv = x.reciprocal else { return nil }
            a = fixed(inv, w)
        } else {
            a = fixed(x, w)
        }
        let halvings = 6
        for _ in 0..<halvings {
            a = (a << w) / (one + sqrt(one + mul(a, a, w), w))
        }
        let a2 = mul(a, a, w)
        var sum = a, power = a, n = 1, sign = 1
        while !power.isZero {
            power = mul(power, a2, w)
            n += 2
            sign = -sign
            sum += sign > 0 ? power / BigInt(n) : -(power / BigInt(n))
        }
        v = sum << halvings
        if big { v = (xd > 0 ? pi(w) >> 1 : -(pi(w) >> 1)) - v }
        return result(v, -w, from: x, log10Slope: -Foundation.log10(1 + xd * xd))
    }

    /// x^y for x > 0 as e^(y log x), with the error of both: the result's relative error is
    /// |y| times x's plus |y log x| times y's. A precision is infinite for an exact operand
    /// (whose value must then carry enough digits).
    public static func power(_ x: BigReal, _ y: BigReal, xPrecision: Double, yPrecision: Double) -> BigReal? {
        guard !x.isNegative else { return nil }
        if x.isZero { return y.isNegative || y.isZero ? nil : BigReal(zeroWithAccuracy: x.zeroAccuracy * y.doubleValue) }
        let yd = y.doubleValue, lx = x.log10Magnitude * M_LN10
        let fromX = xPrecision - Foundation.log10(max(abs(yd), 1e-300))
        let fromY = yPrecision - Foundation.log10(max(abs(yd * lx), 1e-300))
        let p = min(BigReal.combined(fromX, fromY), BigReal.maxPrecision)
        let work = max(p, 1) + Foundation.log10(max(abs(yd * lx), 1)) + 10
        guard let l = log(x.withPrecision(work)),
              let v = exp((l * y.withPrecision(work)).withPrecision(work)) else { return nil }
        return p <= 0 ? BigReal(zeroWithAccuracy: p - v.log10Magnitude) : v.withPrecision(p)
    }
}
