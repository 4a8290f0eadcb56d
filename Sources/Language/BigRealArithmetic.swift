import BigInt
import Foundation

/// Sums, products, powers and comparisons of arbitrary-precision reals, with Wolfram's
/// significance arithmetic: a sum's absolute error is the sum of its terms' errors, a product's
/// relative error the sum of its factors', and an exact operand has no error at all
/// (`1.5`20 * 2` keeps 20 digits).
extension BigReal {
    /// `-log10(10^-a + 10^-b)`: the digits left when two errors of 10^-a and 10^-b add.
    static func combined(_ a: Double, _ b: Double) -> Double {
        if a == .infinity { return b }
        if b == .infinity { return a }
        return min(a, b) - Foundation.log10(1 + Foundation.pow(10, -abs(a - b)))
    }

    /// About `log10 |n/d|` for nonzero n, from the bit lengths.
    public static func log10Size(_ n: BigInt, _ d: BigInt) -> Double {
        Double(n.magnitude.bitWidth - d.magnitude.bitWidth) * log10Of2
    }

    /// The exact number n/d as a BigReal carrying enough digits to stand beside `other` in a sum
    /// or product (its own error is taken as zero by the callers).
    static func exactPartner(_ n: BigInt, _ d: BigInt, beside other: BigReal) -> BigReal? {
        let digits = max(other.precision, other.accuracy + log10Size(n, d)) + 10
        return fromFraction(n, d, precision: min(max(digits, 20), maxPrecision + 20))
    }

    /// `a + b`, keeping the digits below the larger term's lowest useful bit only as far as the
    /// result's accuracy needs.
    static func sum(_ a: BigReal, accuracyA: Double, _ b: BigReal, accuracyB: Double) -> BigReal {
        let acc = combined(accuracyA, accuracyB)
        if a.isZero && b.isZero { return BigReal(zeroWithAccuracy: acc) }
        let top = max(a.isZero ? -Int.max / 4 : a.exponent + a.mantissa.magnitude.bitWidth,
                      b.isZero ? -Int.max / 4 : b.exponent + b.mantissa.magnitude.bitWidth)
        let size = max(a.log10Magnitude, b.log10Magnitude)
        let bits = BigReal.bits(for: min(acc + size + 1, maxPrecision)) + 8
        let floor = top - bits
        func lifted(_ x: BigReal) -> (BigInt, Int) {
            if x.isZero { return (0, floor) }
            if x.exponent >= floor { return (x.mantissa, x.exponent) }
            return (roundedShift(x.mantissa, floor - x.exponent), floor)
        }
        let (ma, ea) = lifted(a), (mb, eb) = lifted(b)
        let e = min(ea, eb)
        let m = (ma << (ea - e)) + (mb << (eb - e))
        let raw = BigReal(mantissa: m, exponent: e, precision: maxPrecision)
        if raw.isZero { return BigReal(zeroWithAccuracy: acc) }
        let p = acc + raw.log10Magnitude
        if p <= 0 { return BigReal(zeroWithAccuracy: acc) }
        return BigReal(mantissa: m, exponent: e, precision: p)
    }

    public static func + (a: BigReal, b: BigReal) -> BigReal {
        sum(a, accuracyA: a.accuracy, b, accuracyB: b.accuracy)
    }

    /// `x + n/d` for an exact n/d.
    public func adding(_ n: BigInt, _ d: BigInt) -> BigReal {
        guard !n.isZero, let y = BigReal.exactPartner(n, d, beside: self) else { return self }
        return BigReal.sum(self, accuracyA: accuracy, y, accuracyB: .infinity)
    }

    public static prefix func - (a: BigReal) -> BigReal {
        a.isZero ? a : BigReal(mantissa: -a.mantissa, exponent: a.exponent, precision: a.precision)
    }

    /// The product of the parts at precision p.
    static func product(_ a: BigReal, _ b: BigReal, precision p: Double) -> BigReal {
        BigReal(mantissa: a.mantissa * b.mantissa, exponent: a.exponent + b.exponent, precision: p)
    }

    public static func * (a: BigReal, b: BigReal) -> BigReal {
        switch (a.isZero, b.isZero) {
        case (true, true): return BigReal(zeroWithAccuracy: a.zeroAccuracy + b.zeroAccuracy)
        case (true, false): return BigReal(zeroWithAccuracy: a.zeroAccuracy - b.log10Magnitude)
        case (false, true): return BigReal(zeroWithAccuracy: b.zeroAccuracy - a.log10Magnitude)
        default: return product(a, b, precision: combined(a.precision, b.precision))
        }
    }

    /// `x · n/d` for an exact nonzero n/d (an exact zero factor gives an exact 0: the caller's).
    public func multiplied(by n: BigInt, _ d: BigInt) -> BigReal? {
        if isZero {
            return BigReal(zeroWithAccuracy: zeroAccuracy - BigReal.log10Size(n, d))
        }
        guard let y = BigReal.fromFraction(n, d, precision: precision + 10) else { return nil }
        return BigReal.product(self, y, precision: precision)
    }

    /// `1/x`, nil for a zero.
    public var reciprocal: BigReal? {
        guard !isZero else { return nil }
        let shift = BigReal.bits(for: precision) + 2 + mantissa.magnitude.bitWidth
        return BigReal(mantissa: (BigInt(1) << shift) / mantissa, exponent: -shift - exponent, precision: precision)
    }

    /// `x^k` by repeated squaring; nil when the exponent of the result would not fit a machine
    /// integer. Relative error grows by |k|: the precision drops by `log10 |k|`.
    public func power(_ k: Int) -> BigReal? {
        if k == 0 { return BigReal(mantissa: 1, exponent: 0, precision: isZero ? zeroAccuracy : precision) }
        if k < 0 { return (k == Int.min ? nil : power(-k))?.reciprocal }
        if isZero { return k == 1 ? self : BigReal(zeroWithAccuracy: zeroAccuracy * Double(k)) }
        let top = Double(exponent + mantissa.magnitude.bitWidth)
        guard abs(top * Double(k)) < 0x1p52 else { return nil }
        let p = max(precision - Foundation.log10(Double(k)), 0)
        let work = BigReal.bits(for: precision) + 2 * 64
        var result = BigReal(mantissa: 1, exponent: 0, precision: BigReal.maxPrecision)
        var base = self, e = k
        func rounded(_ x: BigReal, _ y: BigReal) -> BigReal {
            var m = x.mantissa * y.mantissa, ex = x.exponent + y.exponent
            let excess = m.magnitude.bitWidth - work
            if excess > 0 { m = BigReal.roundedShift(m, excess); ex += excess }
            return BigReal(mantissa: m, exponent: ex, precision: BigReal.maxPrecision)
        }
        while e > 0 {
            if e & 1 == 1 { result = rounded(result, base) }
            e >>= 1
            if e > 0 { base = rounded(base, base) }
        }
        return result.withPrecision(p)
    }

    /// The sign of `a - b` from the exact values: -1, 0 or 1.
    public static func compare(_ a: BigReal, _ b: BigReal) -> Int {
        let sa = a.isZero ? 0 : (a.isNegative ? -1 : 1), sb = b.isZero ? 0 : (b.isNegative ? -1 : 1)
        if sa != sb || sa == 0 { return sa < sb ? -1 : (sa > sb ? 1 : 0) }
        let ta = a.exponent + a.mantissa.magnitude.bitWidth, tb = b.exponent + b.mantissa.magnitude.bitWidth
        if ta != tb { return ta > tb ? sa : -sa }
        let e = min(a.exponent, b.exponent)
        let x = a.mantissa << (a.exponent - e), y = b.mantissa << (b.exponent - e)
        return x < y ? -1 : (x > y ? 1 : 0)
    }

    /// The sign of `x - n/d`.
    public func compare(_ n: BigInt, _ d: BigInt) -> Int {
        let sx = isZero ? 0 : (isNegative ? -1 : 1), sy = n.isZero ? 0 : (n.sign == .minus ? -1 : 1)
        if sx != sy || sx == 0 { return sx < sy ? -1 : (sx > sy ? 1 : 0) }
        // Tops of the binary expansions: far apart, the larger magnitude is plain.
        let tx = exponent + mantissa.magnitude.bitWidth
        let ty = n.magnitude.bitWidth - d.magnitude.bitWidth
        if tx > ty + 2 { return sx }
        if tx < ty - 2 { return -sx }
        let (xn, xd) = exactFraction
        let l = xn * d, r = n * xd
        return l < r ? -1 : (l > r ? 1 : 0)
    }
}
