import Foundation

/// Automatic ticks: round positions (1, 2 or 5 times a power of ten apart) covering a range, with
/// labels that print no more digits than the step needs.
public enum Ticks {
    /// The step of about `target` intervals over `span`: 1, 2 or 5 times a power of ten.
    public static func niceStep(span: Double, target: Int = 5) -> Double {
        guard span.isFinite, span > 0, target > 0 else { return 1 }
        let raw = span / Double(target)
        let power = pow(10, (log10(raw)).rounded(.down))
        let f = raw / power
        let nice: Double = f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10
        return nice * power
    }

    /// Major tick positions within `range`, multiples of a nice step.
    public static func major(_ range: ClosedRange<Double>, target: Int = 5) -> [Double] {
        major(range, step: niceStep(span: range.upperBound - range.lowerBound, target: target))
    }

    public static func major(_ range: ClosedRange<Double>, step: Double) -> [Double] {
        guard step > 0, range.lowerBound.isFinite, range.upperBound.isFinite else { return [] }
        let first = (range.lowerBound / step - 1e-9).rounded(.up)
        let last = (range.upperBound / step + 1e-9).rounded(.down)
        guard last >= first, last - first <= 1000 else { return [] }
        return stride(from: first, through: last, by: 1).map { k in
            let v = k * step
            return abs(v) < step * 1e-9 ? 0 : v
        }
    }

    /// Minor ticks between the majors: 4 or 5 subdivisions of a step, within the range.
    public static func minor(_ range: ClosedRange<Double>, step: Double) -> [Double] {
        let mantissa = step / pow(10, log10(step).rounded(.down))
        let parts = abs(mantissa - 2) < 1e-6 ? 4 : 5
        let sub = step / Double(parts)
        let majors = Set(major(range, step: step).map { ($0 / sub).rounded() })
        return major(range, step: sub).filter { !majors.contains(($0 / sub).rounded()) }
    }

    /// Labels for ticks `step` apart: as many decimals as the step has, exponents for the very
    /// large and very small (`2×10^6`).
    public static func labels(_ values: [Double], step: Double) -> [String] {
        let biggest = values.map(abs).max() ?? 0
        if biggest >= 1e6 || (biggest > 0 && biggest < 1e-4) {
            return values.map(scientific)
        }
        let decimals = Swift.max(0, Int((-log10(step) + 0.999_999).rounded(.down)) + (hasHalf(step) ? 1 : 0))
        return values.map { $0 == 0 ? "0" : format($0, decimals: Swift.min(decimals, 10)) }
    }

    /// Whether the step's leading digit leaves a 5 one place further (2.5 needs one more decimal).
    private static func hasHalf(_ step: Double) -> Bool {
        let m = step / pow(10, log10(step).rounded(.down))
        return abs(m - 2.5) < 1e-6
    }

    static func format(_ v: Double, decimals: Int) -> String {
        let s = String(format: "%.\(decimals)f", v)
        return s == "-0" || s.hasPrefix("-0.") && Double(s) == 0 ? String(s.dropFirst()) : s
    }

    static func scientific(_ v: Double) -> String {
        guard v != 0 else { return "0" }
        let e = Int(log10(abs(v)).rounded(.down))
        let m = v / pow(10, Double(e))
        let ms = abs(m - m.rounded()) < 1e-9 ? String(Int(m.rounded())) : String(format: "%.1f", m)
        return ms == "1" ? "10" + superscript(e) : "\(ms)×10" + superscript(e)
    }

    /// An integer in superscript digits (`⁻³`), as exponents are printed.
    public static func superscript(_ k: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        return (k < 0 ? "⁻" : "") + String(abs(k)).compactMap { $0.wholeNumberValue.map { digits[$0] } }
    }

    /// Labels for a logarithmic axis (values are exponents of ten): 1, 10, 100, then powers.
    public static func powerLabels(_ exponents: [Double]) -> [String] {
        exponents.map { e in
            let k = Int(e.rounded())
            if abs(e - Double(k)) > 1e-9 { return format(pow(10, e), decimals: 2) }
            switch k {
            case 0...3: return String(Int(pow(10, Double(k))))
            case -3 ... -1: return format(pow(10, Double(k)), decimals: -k)
            default: return "10" + superscript(k)
            }
        }
    }
}
