import BigInt
import Foundation

/// Big integers to and from decimal text by halving: the number is split at a power of ten into
/// two halves converted separately, so the work is a few multiplications (or divisions) of each
/// size instead of one pass per digit. Parsing a million-digit literal takes a fraction of a
/// second; printing is exact up to `exactDigitLimit` digits and elided beyond.
extension BigInt {
    /// Digits printed exactly; a larger integer prints as its leading and trailing digits around
    /// the count of the rest (`12345<<3010290>>09376`), which costs no full conversion.
    public static let exactDigitLimit = 200_000

    /// The value of a string of decimal digits (no sign).
    public static func parseDecimal<S: StringProtocol>(_ digits: S) -> BigInt? {
        let bytes = Array(digits.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        var powers: [Int: BigInt] = [:]
        func power(_ k: Int) -> BigInt {
            if let p = powers[k] { return p }
            let p = BigInt(10).power(k)
            powers[k] = p
            return p
        }
        func parse(_ lo: Int, _ hi: Int) -> BigInt {
            if hi - lo <= 18 {
                var v = 0
                for b in bytes[lo..<hi] { v = v * 10 + Int(b - 48) }
                return BigInt(v)
            }
            let mid = hi - (hi - lo) / 2
            return parse(lo, mid) * power(hi - mid) + parse(mid, hi)
        }
        return parse(0, bytes.count)
    }

    /// About how many decimal digits the magnitude has (exact to within one).
    public var approximateDigitCount: Int {
        let bits = magnitude.bitWidth
        return bits == 0 ? 1 : Int(Double(bits - 1) * 0.30102999566398120) + 1
    }

    /// The decimal text: exact when the number has at most `limit` digits, else its leading and
    /// trailing digits with the count of those left out between.
    public func decimalText(limit: Int = BigInt.exactDigitLimit) -> String {
        let sign = self.sign == .minus && !isZero ? "-" : ""
        let m = magnitude
        if approximateDigitCount <= limit { return sign + BigUInt.decimal(m) }
        let trailing = String(BigUInt.decimal(m % BigUInt(10).power(10))).leftPadded(to: 10)
        // Leading digits from the top 64 bits and the bit length: log10 m = log10(top) + shift·log10 2.
        let shift = m.bitWidth - 64
        let top = Double(m >> shift)
        let log = Foundation.log10(top) + Double(shift) * 0.30102999566398120
        let fraction = log - Foundation.floor(log)
        let leading = String(Int(Foundation.pow(10, fraction) * 1e7)).prefix(8)
        let total = Int(log) + 1
        return sign + leading + "<<\(total - leading.count - trailing.count)>>" + trailing
    }
}

extension BigUInt {
    /// Exact decimal digits by halving at powers of ten.
    static func decimal(_ n: BigUInt) -> String {
        if n.bitWidth <= 63 { return String(UInt64(n)) }
        // powers[k] = 10^(18·2^k)
        var powers = [BigUInt(10).power(18)]
        while let last = powers.last, last.bitWidth * 2 <= n.bitWidth + 64 { powers.append(last * last) }
        var out = ""
        out.reserveCapacity(Int(Double(n.bitWidth) * 0.302) + 2)
        func emit(_ x: BigUInt, _ level: Int, pad: Bool) {
            if level < 0 {
                let s = String(UInt64(x))
                out += pad ? s.leftPadded(to: 18) : s
                return
            }
            let p = powers[level]
            if !pad && x < p {
                emit(x, level - 1, pad: false)
                return
            }
            let (q, r) = x.quotientAndRemainder(dividingBy: p)
            emit(q, level - 1, pad: pad)
            emit(r, level - 1, pad: true)
        }
        emit(n, powers.count - 1, pad: false)
        return out
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
