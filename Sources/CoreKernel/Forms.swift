import BigInt
import Foundation
import Language

/// The number and text forms: wrappers that say how an expression is shown (`NumberForm[x, 3]`
/// prints `3.14`) and stay as they are when evaluated, as in Wolfram; and the constants
/// `GoldenRatio`, `Catalan`, `EulerGamma`. The printer asks `Printer.formRenderers` for their
/// text (OutputForm, what the REPL and `nets -c` show); InputForm keeps the wrapper.
extension Kernel {
    static var formBuiltins: [Builtin] {
        [
            Builtin("NumberForm", [], usage: "NumberForm[expr, n] prints expr with approximate reals to n significant digits; NumberForm[expr, {n, f}] with f digits after the point.", arity: .between(1, 3), options: Forms.options,
                    examples: [("NumberForm[N[Pi], 10]", "3.141592654"), ("NumberForm[N[Pi], {5, 2}]", "3.14"), ("NumberForm[2.5, {4, 3}]", "2.500"), ("NumberForm[1234567, DigitBlock -> 3]", "1,234,567"), ("NumberForm[{1.23456, 2}, 3]", "{1.23, 2}")]),
            Builtin("PaddedForm", [], usage: "PaddedForm[expr, n] prints the numbers of expr padded on the left to leave room for n digits; PaddedForm[expr, {n, f}] with f digits after the point, padded with zeros.", arity: .between(1, 3), options: Forms.options,
                    examples: [("PaddedForm[123, 5]", "  123"), ("PaddedForm[N[Pi], {5, 2}]", "  3.14"), ("PaddedForm[{1, 10}, 3]", "{  1,  10}")]),
            Builtin("AccountingForm", [], usage: "AccountingForm[expr] prints numbers without exponents and negative numbers in parentheses; AccountingForm[expr, n] to n digits.", arity: .between(1, 3), options: Forms.options,
                    examples: [("AccountingForm[{-1234.5, 2}]", "{(1234.5), 2}"), ("AccountingForm[1.*^7]", "10000000.")]),
            Builtin("ScientificForm", [], usage: "ScientificForm[expr] prints approximate reals in scientific notation; ScientificForm[expr, n] to n digits.", arity: .between(1, 3), options: Forms.options,
                    examples: [("ScientificForm[1234.5]", "1.2345*10^3"), ("ScientificForm[0.000123, 2]", "1.2*10^-4")]),
            Builtin("EngineeringForm", [], usage: "EngineeringForm[expr] prints approximate reals in scientific notation with exponents that are multiples of 3; EngineeringForm[expr, n] to n digits.", arity: .between(1, 3), options: Forms.options,
                    examples: [("EngineeringForm[12345.6]", "12.3456*10^3"), ("EngineeringForm[0.00012]", "120.*10^-6")]),
            Builtin("DecimalForm", [], usage: "DecimalForm[expr] prints approximate reals in decimal notation, never scientific; DecimalForm[expr, n] to n digits, DecimalForm[expr, {n, f}] with f digits after the point.", arity: .between(1, 3), options: Forms.options,
                    examples: [("DecimalForm[1.*^10]", "10000000000."), ("DecimalForm[N[Pi], {4, 2}]", "3.14")]),
            Builtin("BaseForm", [], usage: "BaseForm[expr, b] prints the integers of expr in base b (2 to 36), as b^^digits.", arity: .exactly(2),
                    examples: [("BaseForm[10, 2]", "2^^1010"), ("BaseForm[{255, -16}, 16]", "{16^^ff, -16^^10}")]),
            Builtin("TeXForm", [], usage: "TeXForm[expr] prints expr as TeX math.", arity: .exactly(1),
                    examples: [("TeXForm[x^2 + Sqrt[y]]", "x^2+\\sqrt{y}"), ("TeXForm[a/b]", "\\frac{a}{b}"), ("TeXForm[{Alpha, Pi}]", "\\{\\text{Alpha},\\pi \\}")]),
            Builtin("GoldenRatio", [.constant, .protected], usage: "GoldenRatio is the golden ratio (1 + Sqrt[5])/2, about 1.61803.", examples: [("N[GoldenRatio]", "1.61803"), ("NumericQ[GoldenRatio]", "True")]),
            Builtin("Catalan", [.constant, .protected], usage: "Catalan is Catalan's constant, about 0.915966.", examples: [("N[Catalan]", "0.915966")]),
            Builtin("EulerGamma", [.constant, .protected], usage: "EulerGamma is Euler's constant gamma, about 0.577216.", examples: [("N[EulerGamma]", "0.577216")]),
        ]
    }
}

/// How a number form writes numbers, and the renderers that apply it.
enum Forms {
    static let options: [(String, Expr)] = [
        ("DigitBlock", .symbol(Sym.Infinity)), ("NumberSeparator", .string(",")), ("ExponentFunction", .symbol(Sym.Automatic)),
        ("NumberPadding", .symbol(Sym.Automatic)), ("NumberSigns", .symbol(Sym.Automatic)), ("SignPadding", .symbol(Sym.False)),
        ("ScientificNotationThreshold", .list([.integer(-5), .integer(6)])),
    ]

    /// The notations a form writes reals in.
    enum Notation { case automatic, scientific, engineering, positional }

    /// A number form's settings, read from the form's arguments.
    struct Style {
        var notation = Notation.automatic
        /// Significant digits of approximate reals (6 when not given, as in OutputForm).
        var digits: Int?
        /// Digits after the point, exactly.
        var fraction: Int?
        /// Negative numbers in parentheses (AccountingForm).
        var accounting = false
        /// Pad on the left to `digits` digits, and reals with zeros on the right (PaddedForm).
        var padded = false
        /// Digits between separators in the integer part.
        var block: Int?
        var separator = ","
    }

    static func install() {
        let styles: [(String, Notation, Bool, Bool)] = [
            ("NumberForm", .automatic, false, false), ("PaddedForm", .automatic, false, true),
            ("AccountingForm", .positional, true, false), ("ScientificForm", .scientific, false, false),
            ("EngineeringForm", .engineering, false, false), ("DecimalForm", .positional, false, false),
        ]
        for (name, notation, accounting, padded) in styles {
            Printer.formRenderers[name] = { n in
                guard let style = style(n, notation, accounting: accounting, padded: padded) else { return nil }
                var p = Printer(.output)
                p.numbers = { number($0, style) }
                return p.string(n.args[0])
            }
        }
        Printer.formRenderers["BaseForm"] = { n in
            guard n.args.count == 2, let b = n.args[1].asInt, (2...36).contains(b) else { return nil }
            var p = Printer(.output)
            p.numbers = { e in
                guard let i = e.bigIntValue else { return nil }
                return (i < 0 ? "-" : "") + "\(b)^^" + String(i.magnitude, radix: b)
            }
            return p.string(n.args[0])
        }
        Printer.formRenderers["TeXForm"] = { n in n.args.count == 1 ? TeX.string(n.args[0]) : nil }
        DatasetForm.install()
    }

    /// The style of `Form[expr, n]`, `Form[expr, {n, f}]` with options; nil when malformed.
    static func style(_ n: Normal, _ notation: Notation, accounting: Bool, padded: Bool) -> Style? {
        guard !n.args.isEmpty else { return nil }
        var s = Style(notation: notation, accounting: accounting, padded: padded)
        for a in n.args.dropFirst() {
            if a.hasHead(Sym.Rule), a.args.count == 2, let name = a.args[0].asSymbol?.name {
                if name == "DigitBlock" { s.block = a.args[1].asInt.flatMap { $0 > 0 ? $0 : nil } }
                if name == "NumberSeparator", let t = a.args[1].asString ?? a.args[1].listItems?.first?.asString { s.separator = t }
            } else if let k = a.asInt, k > 0, k <= 100 {
                s.digits = k
            } else if let spec = a.listItems, spec.count == 2, let k = spec[0].asInt, let f = spec[1].asInt, k > 0, k <= 100, f >= 0, f <= 100 {
                s.digits = k
                s.fraction = f
            } else {
                return nil
            }
        }
        return s
    }

    /// The text of a number in a style; nil leaves it to the printer (exact rationals).
    static func number(_ e: Expr, _ s: Style) -> String? {
        switch e {
        case .integer, .bigInteger:
            guard let i = e.bigIntValue else { return nil }
            return signed(i < 0, grouped(String(i.magnitude), s), s, digitCount: String(i.magnitude).count)
        case .real(let d):
            guard d.isFinite else { return nil }
            let (text, count) = real(abs(d), s)
            return signed(d < 0, text, s, digitCount: count)
        default:
            return nil
        }
    }

    /// Sign, parentheses and left padding around the digits of a number.
    static func signed(_ negative: Bool, _ body: String, _ s: Style, digitCount: Int) -> String {
        var text = body
        if negative { text = s.accounting ? "(\(text))" : "-" + text }
        if s.padded, let n = s.digits {
            let width = max(n, digitCount) - digitCount
            text = String(repeating: " ", count: max(0, width)) + text
        }
        return text
    }

    /// A non-negative real's text in the style, and how many digits it shows.
    static func real(_ a: Double, _ s: Style) -> (String, Int) {
        if let f = s.fraction, s.notation == .automatic || s.notation == .positional {
            let t = String(format: "%.\(f)f", a)
            let parts = t.split(separator: ".", omittingEmptySubsequences: false)
            let whole = grouped(String(parts[0]), s)
            let frac = parts.count > 1 ? String(parts[1]) : ""
            return (whole + "." + frac, parts[0].count + frac.count)
        }
        let digits = s.digits ?? 6
        if a == 0 { return ("0.", 1) }
        let sci = String(format: "%.\(digits - 1)e", a)
        guard let ei = sci.firstIndex(of: "e"), var exp = Int(sci[sci.index(after: ei)...]) else { return (sci, digits) }
        var mantissa = sci[..<ei].replacingOccurrences(of: ".", with: "")
        if !s.padded { while mantissa.count > 1 && mantissa.hasSuffix("0") { mantissa.removeLast() } }
        let count = mantissa.count
        var shown = 1
        switch s.notation {
        case .scientific: break
        case .engineering:
            let e3 = Int((Double(exp) / 3).rounded(.down)) * 3
            shown = exp - e3 + 1
            exp = e3
        case .automatic:
            if exp >= -5 && exp < 6 { return (positional(mantissa, exp, s), count) }
        case .positional:
            return (positional(mantissa, exp, s), count)
        }
        while mantissa.count < shown { mantissa += "0" }
        let head = String(mantissa.prefix(shown)), tail = String(mantissa.dropFirst(shown))
        let m = head + "." + tail
        return (exp == 0 ? m : m + "*10^\(exp)", count)
    }

    /// `digits` (d.ddd × 10^exp) written out with the point in place.
    static func positional(_ digits: String, _ exp: Int, _ s: Style) -> String {
        if exp < 0 { return "0." + String(repeating: "0", count: -exp - 1) + digits }
        if digits.count <= exp + 1 {
            return grouped(digits + String(repeating: "0", count: exp + 1 - digits.count), s) + "."
        }
        let i = digits.index(digits.startIndex, offsetBy: exp + 1)
        return grouped(String(digits[..<i]), s) + "." + digits[i...]
    }

    /// An integer's digits with the separator every `block` digits (DigitBlock).
    static func grouped(_ digits: String, _ s: Style) -> String {
        guard let b = s.block, digits.count > b else { return digits }
        var out: [String] = []
        var rest = Substring(digits)
        while rest.count > b {
            out.insert(String(rest.suffix(b)), at: 0)
            rest = rest.dropLast(b)
        }
        out.insert(String(rest), at: 0)
        return out.joined(separator: s.separator)
    }
}

/// TeX math for an expression, as `TeXForm` writes it: `x^2+\sqrt{y}`, `\frac{a}{b}`.
enum TeX {
    static let symbols: [String: String] = [
        "Pi": "\\pi ", "E": "e", "I": "i", "Infinity": "\\infty ", "Degree": "{}^{\\circ }", "GoldenRatio": "\\phi ",
        "EulerGamma": "\\gamma ",
    ]
    static let functions: [String: String] = [
        "Sin": "\\sin", "Cos": "\\cos", "Tan": "\\tan", "Log": "\\log", "Exp": "\\exp", "Sinh": "\\sinh",
        "Cosh": "\\cosh", "Tanh": "\\tanh", "ArcSin": "\\sin ^{-1}", "ArcCos": "\\cos ^{-1}", "ArcTan": "\\tan ^{-1}",
        "Max": "\\max", "Min": "\\min", "Det": "\\det",
    ]
    static let relations: [String: String] = [
        "Equal": "=", "Unequal": "\\neq ", "Less": "<", "Greater": ">", "LessEqual": "\\leq ", "GreaterEqual": "\\geq ",
        "Rule": "\\to ", "And": "\\land ", "Or": "\\lor ",
    ]

    static func string(_ e: Expr, depth: Int = 0) -> String {
        guard depth < 200 else { return "\\ldots " }
        let d = depth + 1
        switch e {
        case .integer, .bigInteger: return e.bigIntValue.map { String($0) } ?? ""
        case .rational(let r): return "\\frac{\(r.numerator.decimalText())}{\(r.denominator.decimalText())}"
        case .real(let x): return Printer.shortReal(x)
        case .bigReal(let x): return Printer.shortBigReal(x)
        case .string(let s): return "\\text{\(s)}"
        case .symbol(let s): return symbols[s.name] ?? (s.name.count == 1 ? s.name : "\\text{\(s.name)}")
        case .association, .native: return "\\text{\(OutputForm.string(e))}"
        case .normal(let n):
            let a = n.args
            guard let h = n.head.asSymbol?.name else { return string(n.head, depth: d) + "(" + a.map { string($0, depth: d) }.joined(separator: ",") + ")" }
            switch (h, a.count) {
            case ("List", _): return "\\{" + a.map { string($0, depth: d) }.joined(separator: ",") + "\\}"
            case ("Plus", 2...):
                var t = string(a[0], depth: d)
                for x in a.dropFirst() {
                    let s = string(x, depth: d)
                    t += s.hasPrefix("-") ? s : "+" + s
                }
                return t
            case ("Times", 2...): return times(a, d)
            case ("Power", 2):
                if case .rational(let r) = a[1], r.numerator == 1, r.denominator == 2 { return "\\sqrt{\(string(a[0], depth: d))}" }
                if let s = Numbers.sign(a[1]), s < 0, let ne = Numbers.negate(a[1]) {
                    let den = Numbers.isOne(ne) && ne.isExactNumber ? a[0] : Expr.call(Sym.Power, [a[0], ne])
                    return "\\frac{1}{\(string(den, depth: d))}"
                }
                return base(a[0], d) + "^" + braced(string(a[1], depth: d))
            default:
                if let r = relations[h], a.count >= 2 { return a.map { string($0, depth: d) }.joined(separator: r) }
                let args = a.map { string($0, depth: d) }.joined(separator: ",")
                if let f = functions[h] { return "\(f) (\(args))" }
                return (h.count == 1 ? h : "\\text{\(h)}") + "(" + args + ")"
            }
        }
    }

    static func braced(_ t: String) -> String { t.count == 1 ? t : "{\(t)}" }

    static func base(_ e: Expr, _ d: Int) -> String {
        let t = string(e, depth: d)
        if e.hasHead(Sym.Plus) || e.hasHead(Sym.Times) || e.hasHead(Sym.Power) || e.isNumber && (Numbers.sign(e) ?? 0) < 0 {
            return "\\left(\(t)\\right)"
        }
        return t
    }

    static func times(_ factors: [Expr], _ d: Int) -> String {
        var num: [Expr] = [], den: [Expr] = []
        var sign = ""
        for (i, f) in factors.enumerated() {
            if i == 0, f == .integer(-1) { sign = "-"; continue }
            if i == 0, case .rational(let r) = f {
                if r.numerator < 0 { sign = "-" }
                if r.numerator.magnitude != 1 { num.append(Expr.integer(BigInt(r.numerator.magnitude))) }
                den.append(Expr.integer(r.denominator))
                continue
            }
            if f.hasHead(Sym.Power), f.args.count == 2, let s = Numbers.sign(f.args[1]), s < 0, let ne = Numbers.negate(f.args[1]) {
                den.append(Numbers.isOne(ne) && ne.isExactNumber ? f.args[0] : .call(Sym.Power, [f.args[0], ne]))
                continue
            }
            num.append(f)
        }
        func product(_ xs: [Expr]) -> String {
            if xs.isEmpty { return "1" }
            if xs.count == 1 { return string(xs[0], depth: d) }
            return xs.map { x in x.hasHead(Sym.Plus) ? "(\(string(x, depth: d)))" : string(x, depth: d) }.joined(separator: " ")
        }
        if den.isEmpty { return sign + product(num) }
        return sign + "\\frac{\(product(num))}{\(product(den))}"
    }
}
