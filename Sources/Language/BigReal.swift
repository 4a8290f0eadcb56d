import BigInt
import Foundation

/// An arbitrary-precision real, as Wolfram's `1.5`20`: the value `mantissa · 2^exponent`, known
/// to `precision` significant decimal digits.
///
/// The precision is the number's relative uncertainty in decimal digits (`-log10(dx/|x|)`), kept
/// as a real and carried through arithmetic the way Wolfram's significance arithmetic carries it:
/// absolute errors add in a sum, relative errors add in a product, a function's error follows its
/// condition number. The mantissa holds `BigReal.guardBits` more bits than the precision needs.
/// A zero has no relative precision; it carries an accuracy instead (`0``20`: zero to 20
/// digits after the point).
public final class BigReal: @unchecked Sendable {
    public let mantissa: BigInt
    public let exponent: Int
    /// Significant decimal digits; 0 for a zero.
    public let precision: Double
    /// Digits after the decimal point, for a zero (which has no precision of its own).
    public let zeroAccuracy: Double

    /// Bits the mantissa carries beyond those its precision needs.
    public static let guardBits = 32
    /// The largest precision (in decimal digits) computed; larger requests are refused.
    public static let maxPrecision = 100_000.0
    /// `$MachinePrecision`: the digits a 53-bit double holds, `53 log10 2`.
    public static let machinePrecision = 53 * log10Of2
    static let log10Of2 = 0.301_029_995_663_981_2
    static let log2Of10 = 3.321_928_094_887_362

    /// A number with the given value and precision; the mantissa is rounded to the bits the
    /// precision needs and trailing zero bits are dropped, so equal numbers have equal parts.
    public init(mantissa: BigInt, exponent: Int, precision: Double) {
        let p = min(max(precision, 0), BigReal.maxPrecision)
        var m = mantissa, e = exponent
        let excess = m.magnitude.bitWidth - BigReal.bits(for: p)
        if excess > 0 {
            m = BigReal.roundedShift(m, excess)
            e += excess
        }
        if m.isZero {
            self.mantissa = 0
            self.exponent = 0
            self.precision = 0
            self.zeroAccuracy = p
            return
        }
        let zeros = m.magnitude.trailingZeroBitCount
        if zeros > 0 { m >>= zeros; e += zeros }
        self.mantissa = m
        self.exponent = e
        self.precision = p
        self.zeroAccuracy = 0
    }

    /// A zero known to `accuracy` digits after the point.
    public init(zeroWithAccuracy accuracy: Double) {
        mantissa = 0
        exponent = 0
        precision = 0
        zeroAccuracy = min(accuracy, BigReal.maxPrecision)
    }

    public var isZero: Bool { mantissa.isZero }
    public var isNegative: Bool { mantissa.sign == .minus && !mantissa.isZero }

    /// Mantissa bits kept for a precision of p digits.
    public static func bits(for p: Double) -> Int {
        Int((min(max(p, 0), maxPrecision) * log2Of10).rounded(.up)) + guardBits
    }

    /// `m / 2^s` rounded to nearest (ties away from zero), for s > 0.
    static func roundedShift(_ m: BigInt, _ s: Int) -> BigInt {
        guard s > 0 else { return m << -s }
        let half = BigUInt(1) << (s - 1)
        let r = (m.magnitude + half) >> s
        return m.sign == .minus ? -BigInt(r) : BigInt(r)
    }

    /// `log10 |x|`, accurate to about 15 digits; -infinity for zero.
    public var log10Magnitude: Double {
        if isZero { return -.infinity }
        let bw = mantissa.magnitude.bitWidth
        let drop = max(0, bw - 60)
        let top = Double(mantissa.magnitude >> drop)
        return Foundation.log10(top) + Double(drop + exponent) * BigReal.log10Of2
    }

    /// Digits known after the decimal point: `precision - log10 |x|`.
    public var accuracy: Double { isZero ? zeroAccuracy : precision - log10Magnitude }

    /// The nearest machine real (infinite beyond the double range).
    public var doubleValue: Double {
        if isZero { return 0 }
        let bw = mantissa.magnitude.bitWidth
        let drop = max(0, bw - 64)
        let top = Double(mantissa.magnitude >> drop)
        let scale = drop + exponent
        let v = scale > 4096 ? Double.infinity : (scale < -4096 ? 0 : Foundation.scalbn(top, scale))
        return isNegative ? -v : v
    }

    /// The same value with another precision (digits beyond the old precision are binary zeros).
    public func withPrecision(_ p: Double) -> BigReal {
        if isZero { return BigReal(zeroWithAccuracy: p) }
        return BigReal(mantissa: mantissa, exponent: exponent, precision: p)
    }

    /// The exact rational value `(numerator, denominator)`.
    public var exactFraction: (BigInt, BigInt) {
        exponent >= 0 ? (mantissa << exponent, 1) : (mantissa, BigInt(1) << -exponent)
    }
}

// MARK: - Conversions

extension BigReal {
    /// The exact number n/d rounded to precision p.
    public static func fromFraction(_ n: BigInt, _ d: BigInt, precision p: Double) -> BigReal? {
        guard !d.isZero else { return nil }
        if n.isZero { return BigReal(zeroWithAccuracy: p) }
        let bits = bits(for: p) + 2
        let shift = bits - (n.magnitude.bitWidth - d.magnitude.bitWidth)
        let q = shift >= 0 ? (n << shift) / d : n / (d << -shift)
        return BigReal(mantissa: q, exponent: -shift, precision: p)
    }

    /// The exact value of a machine real, given precision p.
    public static func fromDouble(_ x: Double, precision p: Double) -> BigReal? {
        guard x.isFinite else { return nil }
        if x == 0 { return BigReal(zeroWithAccuracy: p) }
        let m = BigInt(Int64(x.significand * 0x1p52))
        return BigReal(mantissa: x < 0 ? -m : m, exponent: Int(x.exponent) - 52, precision: p)
    }

    /// The n leading decimal digits of |x| (rounded) and the decimal exponent of the first.
    public func decimalDigits(_ n: Int) -> (digits: String, exponent: Int) {
        if isZero { return (String(repeating: "0", count: max(n, 1)), 0) }
        let n = max(n, 1)
        var lead = Int(log10Magnitude.rounded(.down))
        let m = mantissa.magnitude
        for _ in 0..<4 {
            let k = n - 1 - lead
            // |x| · 10^k = m · 2^exponent · 10^k, rounded to an integer
            var num = BigUInt(m), den = BigUInt(1)
            if k >= 0 { num *= BigUInt(10).power(k) } else { den *= BigUInt(10).power(-k) }
            if exponent >= 0 { num <<= exponent } else { den <<= -exponent }
            let q = (num * 2 + den) / (den * 2)
            let text = String(q)
            if text.count == n { return (text, lead) }
            lead += text.count > n ? 1 : -1
        }
        let k = n - 1 - lead
        var num = BigUInt(m), den = BigUInt(1)
        if k >= 0 { num *= BigUInt(10).power(k) } else { den *= BigUInt(10).power(-k) }
        if exponent >= 0 { num <<= exponent } else { den <<= -exponent }
        return (String(String((num * 2 + den) / (den * 2)).prefix(n)), lead)
    }
}

// MARK: - Equality

extension BigReal: Hashable {
    public static func == (a: BigReal, b: BigReal) -> Bool {
        a === b || (a.mantissa == b.mantissa && a.exponent == b.exponent
                    && a.precision == b.precision && a.zeroAccuracy == b.zeroAccuracy)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(mantissa)
        hasher.combine(exponent)
        hasher.combine(precision)
    }
}
