import BigInt
import Foundation

/// A lexical token with its position (a byte offset into the source's scalars).
struct Token {
    enum Kind: Equatable {
        /// A complete atom: a number, string, symbol, blank pattern, slot or `%` form.
        case atom(Expr)
        /// A symbol name (kept apart from other atoms for `::`, `~f~` and `x:patt`).
        case symbol(String)
        case op(String)
        case newline
        case eof

        static func == (a: Kind, b: Kind) -> Bool {
            switch (a, b) {
            case let (.atom(x), .atom(y)): return x == y
            case let (.symbol(x), .symbol(y)): return x == y
            case let (.op(x), .op(y)): return x == y
            case (.newline, .newline), (.eof, .eof): return true
            default: return false
            }
        }
    }

    var kind: Kind
    var offset: Int
    /// True when white space (not a newline) or a comment came directly before this token.
    var spaceBefore: Bool
}

/// A place in the source: line and column (from 1) and the text of the line.
public struct SourcePosition: Sendable, Equatable {
    public var line: Int
    public var column: Int
    public var sourceLine: String
}

/// A syntax error with the position where it was found and, for a bracket, brace, parenthesis,
/// association, string or comment left open, where it was opened.
public struct ParseError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var line: Int
    public var column: Int
    /// The text of the offending line.
    public var sourceLine: String
    /// True when the input ended before the expression was complete (the REPL reads more).
    public var incomplete: Bool
    /// Where the unclosed bracket, string or comment was opened (shown with a caret instead of
    /// the end of the input).
    public var opened: SourcePosition?

    public var description: String {
        if let o = opened {
            let caret = String(repeating: " ", count: max(0, o.column - 1)) + "^"
            return "Syntax::sntx: \(message) (opened at line \(o.line), column \(o.column); the input ended at line \(line), column \(column)).\n  \(o.sourceLine)\n  \(caret)"
        }
        let caret = String(repeating: " ", count: max(0, column - 1)) + "^"
        return "Syntax::sntx: \(message) (line \(line), column \(column)).\n  \(sourceLine)\n  \(caret)"
    }
}

/// Whether s is a valid symbol name (letters, digits and `$`, not starting with a digit).
public func isSymbolName(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, Lexer.isLetter(first) else { return false }
    return s.unicodeScalars.allSatisfy { Lexer.isLetter($0) || Lexer.isDigit($0) }
}

/// Splits source text into tokens. Comments `(* ... *)` nest and are skipped.
struct Lexer {
    let scalars: [Unicode.Scalar]
    var pos = 0

    init(_ source: String) {
        scalars = Array(source.unicodeScalars)
    }

    /// Operators, longest first so that the first match is the longest.
    static let operators: [String] = [
        "^:=", "//@", "//.", "//=", "@@@", "===", "=!=", "...",
        "->", ":>", ":=", "^=", "=.", "**", "/:", "/;", "/.", "//", "/@", "@@", "@*", "/*", "<>", "~~",
        "==", "!=", "<=", ">=", "&&", "||", "++", "--", "+=", "-=", "*=", "/=", "::", "<|", "|>",
        "..", ";;", "[[",
        "+", "-", "*", "/", "^", "=", "!", "<", ">", "&", "|", "@", "~", ":", ";", ",", ".", "?",
        "(", ")", "[", "]", "{", "}", "'",
    ].sorted { $0.count > $1.count }

    /// Unicode operator characters accepted as their ASCII spelling.
    static let unicodeOperators: [Unicode.Scalar: String] = [
        "\u{2192}": "->", "\u{F522}": "->", "\u{29F4}": ":>", "\u{F51F}": ":>",
        "\u{2264}": "<=", "\u{2265}": ">=", "\u{2260}": "!=", "\u{F431}": "==", "\u{00D7}": "*",
        "\u{2227}": "&&", "\u{2228}": "||", "\u{00AC}": "!", "\u{2A75}": "==",
    ]

    /// Named characters `\[Name]` that stand for operators or symbols.
    static let namedCharacters: [String: String] = [
        "Rule": "\u{2192}", "RuleDelayed": "\u{29F4}", "LessEqual": "\u{2264}",
        "GreaterEqual": "\u{2265}", "NotEqual": "\u{2260}", "Equal": "\u{F431}",
        "Times": "\u{00D7}", "And": "\u{2227}", "Or": "\u{2228}", "Not": "\u{00AC}",
        "Pi": "\u{03C0}", "Infinity": "\u{221E}", "Degree": "\u{00B0}", "Alpha": "\u{03B1}",
        "Beta": "\u{03B2}", "Gamma": "\u{03B3}", "Delta": "\u{03B4}", "Epsilon": "\u{03B5}",
        "Lambda": "\u{03BB}", "Mu": "\u{03BC}", "Sigma": "\u{03C3}", "Theta": "\u{03B8}",
        "PlusMinus": "\u{00B1}", "Element": "\u{2208}", "Function": "\u{F4A1}",
        // Statistics: `x \[Distributed] dist`, `a \[Conditioned] b`, and the Greek letters of
        // parameters (Wolfram's code points).
        "Distributed": "\u{F3D2}", "Conditioned": "\u{F3D3}",
        "Zeta": "\u{03B6}", "Eta": "\u{03B7}", "Kappa": "\u{03BA}", "Nu": "\u{03BD}", "Xi": "\u{03BE}",
        "Rho": "\u{03C1}", "Tau": "\u{03C4}", "Phi": "\u{03D5}", "Chi": "\u{03C7}", "Psi": "\u{03C8}",
        "Omega": "\u{03C9}", "Iota": "\u{03B9}", "CapitalGamma": "\u{0393}", "CapitalDelta": "\u{0394}",
        "CapitalTheta": "\u{0398}", "CapitalLambda": "\u{039B}", "CapitalSigma": "\u{03A3}",
        "CapitalPhi": "\u{03A6}", "CapitalOmega": "\u{03A9}",
    ]

    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        if c == "$" { return true }
        if c.isASCII { return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
        if unicodeOperators[c] != nil || c == "\u{201C}" || c == "\u{201D}" || c == "\u{00B1}" {
            return false
        }
        return c.properties.isAlphabetic
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    func peek(_ k: Int = 0) -> Unicode.Scalar? {
        pos + k < scalars.count ? scalars[pos + k] : nil
    }

    func error(_ message: String, at offset: Int, incomplete: Bool = false) -> ParseError {
        Lexer.error(message, at: offset, in: scalars, incomplete: incomplete)
    }

    static func error(_ message: String, at offset: Int, in scalars: [Unicode.Scalar],
                      incomplete: Bool = false) -> ParseError {
        let p = position(offset, in: scalars)
        return ParseError(message: message, line: p.line, column: p.column, sourceLine: p.sourceLine,
                          incomplete: incomplete)
    }

    /// An error for something opened at `start` and not closed by the end of the input.
    static func unclosed(_ message: String, openedAt start: Int, in scalars: [Unicode.Scalar]) -> ParseError {
        var e = error(message, at: scalars.count, in: scalars, incomplete: true)
        e.opened = position(start, in: scalars)
        return e
    }

    /// The line, column and line text of a scalar offset.
    static func position(_ offset: Int, in scalars: [Unicode.Scalar]) -> SourcePosition {
        var line = 1, lineStart = 0
        var i = 0
        while i < min(offset, scalars.count) {
            if scalars[i] == "\n" { line += 1; lineStart = i + 1 }
            i += 1
        }
        var end = lineStart
        while end < scalars.count && scalars[end] != "\n" { end += 1 }
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars[lineStart..<end])
        return SourcePosition(line: line, column: offset - lineStart + 1, sourceLine: text)
    }

    /// Tokenizes the whole source. On a lexical error the tokens before it are kept in `tokens`
    /// (ending with `.eof`) and the error is thrown.
    mutating func tokenize(into tokens: inout [Token]) throws {
        do {
            try tokenizeAll(&tokens)
        } catch {
            tokens.append(Token(kind: .eof, offset: pos, spaceBefore: false))
            throw error
        }
    }

    mutating func tokenizeAll(_ tokens: inout [Token]) throws {
        while true {
            let space = try skipSpaceAndComments()
            let start = pos
            guard let c = peek() else {
                tokens.append(Token(kind: .eof, offset: pos, spaceBefore: space))
                return
            }
            if c == "\n" {
                pos += 1
                tokens.append(Token(kind: .newline, offset: start, spaceBefore: space))
                continue
            }
            let kind = try lexToken()
            tokens.append(Token(kind: kind, offset: start, spaceBefore: space))
        }
    }

    /// Skips blanks and comments; says whether anything was skipped.
    mutating func skipSpaceAndComments() throws -> Bool {
        var skipped = false
        while let c = peek() {
            if c == " " || c == "\t" || c == "\r" || c == "\u{00A0}" || c == "\u{FEFF}" {
                pos += 1
                skipped = true
            } else if c == "\\" && peek(1) == "\n" {
                pos += 2
                skipped = true
            } else if c == "(" && peek(1) == "*" {
                let start = pos
                pos += 2
                var depth = 1
                while depth > 0 {
                    guard let d = peek() else {
                        throw Lexer.unclosed("comment \"(*\" is not closed: \"*)\" expected", openedAt: start, in: scalars)
                    }
                    if d == "(" && peek(1) == "*" { depth += 1; pos += 2 }
                    else if d == "*" && peek(1) == ")" { depth -= 1; pos += 2 }
                    else { pos += 1 }
                }
                skipped = true
            } else {
                break
            }
        }
        return skipped
    }

    mutating func lexToken() throws -> Token.Kind {
        guard let c = peek() else { return .eof }
        if Lexer.isDigit(c) || (c == "." && peek(1).map(Lexer.isDigit) == true) {
            return .atom(try lexNumber())
        }
        if c == "\"" || c == "\u{201C}" || c == "\u{201D}" {
            return .atom(.string(try lexString()))
        }
        if Lexer.isLetter(c) || c == "`" {
            let name = lexName()
            if peek() == "_" { return .atom(try lexBlank(name: name)) }
            return .symbol(name)
        }
        if c == "_" { return .atom(try lexBlank(name: nil)) }
        if c == "#" { return .atom(lexSlot()) }
        if c == "%" { return .atom(lexOut()) }
        if c == "\\" && peek(1) == "[" {
            let start = pos
            let name = try lexNamedCharacter()
            guard let ch = Lexer.namedCharacters[name]?.unicodeScalars.first else {
                throw error("unknown named character \\[\(name)]", at: start)
            }
            return try tokenForScalar(ch, at: start)
        }
        if !c.isASCII {
            pos += 1
            return try tokenForScalar(c, at: pos - 1)
        }
        for op in Lexer.operators where matches(op) {
            pos += op.unicodeScalars.count
            return .op(op)
        }
        throw error("unexpected character \"\(Character(c))\"", at: pos)
    }

    func matches(_ op: String) -> Bool {
        var k = 0
        for u in op.unicodeScalars {
            if peek(k) != u { return false }
            k += 1
        }
        return true
    }

    /// A token for a single non-ASCII character (already consumed, or named with `\[...]`).
    func tokenForScalar(_ c: Unicode.Scalar, at offset: Int) throws -> Token.Kind {
        if let op = Lexer.unicodeOperators[c] { return .op(op) }
        switch c {
        case "\u{03C0}": return .symbol("Pi")
        case "\u{221E}": return .symbol("Infinity")
        case "\u{00B0}": return .symbol("Degree")
        case "\u{00B1}": return .op("\u{00B1}")
        case "\u{F4A1}": return .op("\u{F4A1}")
        case "\u{F3D2}", "\u{F3D3}", "\u{2208}": return .op(String(Character(c)))
        default:
            if Lexer.isLetter(c) { return .symbol(String(Character(c))) }
            throw error("unexpected character \"\(Character(c))\"", at: offset)
        }
    }

    mutating func lexNamedCharacter() throws -> String {
        let start = pos
        pos += 2
        var name = ""
        while let c = peek(), c != "]" {
            guard Lexer.isLetter(c) || Lexer.isDigit(c) else { break }
            name.unicodeScalars.append(c)
            pos += 1
        }
        guard peek() == "]" else { throw error("malformed named character", at: start) }
        pos += 1
        return name
    }

    mutating func lexName() -> String {
        var s = ""
        while let c = peek(), Lexer.isLetter(c) || Lexer.isDigit(c) || c == "`" {
            if c != "`" { s.unicodeScalars.append(c) } else { s = "" }  // contexts are ignored
            pos += 1
        }
        return s
    }

    /// `_`, `__`, `___`, each optionally named before and headed after; `x_.` is Optional.
    mutating func lexBlank(name: String?) throws -> Expr {
        var count = 0
        while peek() == "_" && count < 3 { count += 1; pos += 1 }
        let blankHead = [Sym.Blank, Sym.BlankSequence, Sym.BlankNullSequence][count - 1]
        var blank: Expr
        if let c = peek(), Lexer.isLetter(c) {
            let h = lexName()
            blank = Expr(blankHead, .symbol(Symbol.parsed(h)))
        } else {
            blank = Expr(blankHead)
        }
        var result = blank
        if let name { result = Expr(Sym.Pattern, .symbol(Symbol.parsed(name)), blank) }
        if peek() == "." && !(peek(1).map(Lexer.isDigit) ?? false) && peek(1) != "." {
            pos += 1
            result = Expr(Sym.Optional, result)
        }
        return result
    }

    mutating func lexSlot() -> Expr {
        pos += 1
        var head = Sym.Slot
        if peek() == "#" { pos += 1; head = Sym.SlotSequence }
        if let c = peek(), Lexer.isDigit(c) {
            var n = 0
            while let d = peek(), Lexer.isDigit(d) { n = n &* 10 &+ Int(d.value - 48); pos += 1 }
            return Expr(head, .integer(n))
        }
        if head === Sym.Slot, let c = peek(), Lexer.isLetter(c) {
            return Expr(head, .string(lexName()))
        }
        return Expr(head, .integer(1))
    }

    mutating func lexOut() -> Expr {
        pos += 1
        if let c = peek(), Lexer.isDigit(c) {
            var n = 0
            while let d = peek(), Lexer.isDigit(d) { n = n &* 10 &+ Int(d.value - 48); pos += 1 }
            return Expr(Sym.Out, .integer(n))
        }
        var k = 1
        while peek() == "%" { k += 1; pos += 1 }
        return k == 1 ? Expr(Sym.Out) : Expr(Sym.Out, .integer(-k))
    }

    func unclosedString(_ start: Int) -> ParseError {
        Lexer.unclosed("string is not closed: a closing quotation mark is expected", openedAt: start, in: scalars)
    }

    mutating func lexString() throws -> String {
        let start = pos
        let open = scalars[pos]
        pos += 1
        var s = ""
        while true {
            guard let c = peek() else { throw unclosedString(start) }
            pos += 1
            if c == "\"" || (open != "\"" && c == "\u{201D}") || (open == "\u{201D}" && c == "\u{201C}") {
                return s
            }
            if c == "\\" {
                guard let e = peek() else { throw unclosedString(start) }
                pos += 1
                switch e {
                case "n": s += "\n"
                case "t": s += "\t"
                case "r": s += "\r"
                case "\"": s += "\""
                case "\\": s += "\\"
                case "\n": break
                case "[":
                    pos -= 2
                    let name = try lexNamedCharacter()
                    s += Lexer.namedCharacters[name] ?? "\\[\(name)]"
                default: s.unicodeScalars.append("\\"); s.unicodeScalars.append(e)
                }
            } else {
                s.unicodeScalars.append(c)
            }
        }
    }

    mutating func lexDigits(base: Int = 10) -> String {
        var s = ""
        while let c = peek() {
            let v: Int
            if Lexer.isDigit(c) { v = Int(c.value - 48) }
            else if c >= "a" && c <= "z" { v = Int(c.value - 97) + 10 }
            else if c >= "A" && c <= "Z" { v = Int(c.value - 65) + 10 }
            else { break }
            if v >= base { break }
            s.unicodeScalars.append(c)
            pos += 1
        }
        return s
    }

    /// Significant digits above which a real literal is arbitrary-precision (`3.14159265358979323846`).
    /// Wolfram's bound is $MachinePrecision (about 16); 17 keeps the shortest round-trip text of
    /// every double (Python's and nets' own InputForm print up to 17 digits) a machine real.
    static let machineDigits = 17

    mutating func lexNumber() throws -> Expr {
        let start = pos
        var intPart = lexDigits()
        // base^^digits: the digits (and a fraction after a point) in a base from 2 to 36; a
        // number mark and a `*^` exponent after them are still written in base 10.
        var base = 10
        if peek() == "^" && peek(1) == "^" {
            guard let b = Int(intPart), b >= 2, b <= 36 else {
                throw error("invalid base \(intPart)", at: start)
            }
            pos += 2
            base = b
            intPart = lexDigits(base: b)
        }
        var isReal = false
        var frac = ""
        if peek() == "." && peek(1) != "." {
            // `1.` is a real, but not when the dot starts `..` or `.5` follows a list-like context.
            isReal = true
            pos += 1
            frac = lexDigits(base: base)
        }
        if base != 10 && intPart.isEmpty && frac.isEmpty {
            throw error("digits expected after \(base)^^", at: pos)
        }
        if intPart.isEmpty { intPart = "0" }
        // Number marks: `1.5`20` (precision 20), `1.5``20` (accuracy 20), `1.5`` (machine).
        var mark: (accuracy: Bool, digits: Double?)?
        if peek() == "`" {
            pos += 1
            let accuracy = peek() == "`"
            if accuracy { pos += 1 }
            var text = ""
            if accuracy && peek() == "-" && peek(1).map(Lexer.isDigit) == true { pos += 1; text = "-" }
            text += lexDigits()
            if peek() == ".", !text.isEmpty { pos += 1; text += "." + lexDigits() }
            mark = (accuracy, Double(text))
            isReal = true
        }
        var exponent = 0
        if peek() == "*" && peek(1) == "^" {
            pos += 2
            var negative = false
            if peek() == "-" { negative = true; pos += 1 } else if peek() == "+" { pos += 1 }
            let e = lexDigits()
            guard let ev = Int(e), ev <= 1_000_000 else { throw error("exponent expected after *^", at: pos) }
            exponent = negative ? -ev : ev
        }
        let significant = (intPart + frac).drop { $0 == "0" }.count
        if base == 10 && !isReal && exponent == 0 && intPart.count < 19, let i = Int(intPart) { return .integer(i) }
        guard let m = Lexer.parseDigits(intPart + frac, radix: base) else { throw error("malformed number", at: start) }
        // The exact value: m * base^(exponent - fraction digits) = n/d.
        let e = exponent - frac.count
        let scale = BigInt(base).power(abs(e))
        let (n, d) = e >= 0 ? (m * scale, BigInt(1)) : (m, scale)
        guard isReal else {
            // 2*^3 is the exact integer 2000, 2*^-3 the fraction 1/500.
            return Numbers.rational(n, d) ?? .integer(0)
        }
        // Significant digits counted in decimal digits: a base-b digit carries log10(b) of them.
        let decimalDigits = base == 10 ? Double(significant) : Double(significant) * log10(Double(base))
        if mark?.digits != nil || (mark == nil && decimalDigits > Double(Lexer.machineDigits)) {
            let digits = mark?.digits ?? decimalDigits
            if n.isZero { return .bigReal(BigReal(zeroWithAccuracy: digits)) }
            var p = digits
            if mark?.accuracy == true, let probe = BigReal.fromFraction(n, d, precision: 20) { p += probe.log10Magnitude }
            if p > BigReal.maxPrecision { throw error("precision above \(Int(BigReal.maxPrecision)) digits", at: start) }
            if p <= 0 { return .bigReal(BigReal(zeroWithAccuracy: digits)) }
            guard let x = BigReal.fromFraction(n, d, precision: p) else { throw error("malformed number", at: start) }
            return .bigReal(x)
        }
        if base == 10 {
            guard let x = Double("\(intPart).\(frac.isEmpty ? "0" : frac)e\(exponent)") else {
                throw error("malformed number", at: start)
            }
            return .real(x)
        }
        return .real(Lexer.nearestDouble(n, d))
    }

    /// The value of digits in a base from 2 to 36 (`0-9`, then `a-z` or `A-Z`); nil if one is not
    /// a digit of the base. Splits long runs in halves, so a long literal costs n log n, not n^2.
    static func parseDigits(_ digits: String, radix: Int) -> BigInt? {
        if radix == 10 { return BigInt.parseDecimal(digits) }
        var values: [UInt8] = []
        values.reserveCapacity(digits.utf8.count)
        for c in digits.utf8 {
            let v: UInt8
            switch c {
            case 48...57: v = c - 48
            case 97...122: v = c - 97 + 10
            case 65...90: v = c - 65 + 10
            default: return nil
            }
            guard Int(v) < radix else { return nil }
            values.append(v)
        }
        guard !values.isEmpty else { return nil }
        // A chunk of up to `chunk` digits fits in an Int (36^12 < 2^63).
        let chunk = 12
        var powers: [Int: BigInt] = [:]
        func power(_ k: Int) -> BigInt {
            if let p = powers[k] { return p }
            let p = BigInt(radix).power(k)
            powers[k] = p
            return p
        }
        func parse(_ lo: Int, _ hi: Int) -> BigInt {
            if hi - lo <= chunk {
                var v = 0
                for d in values[lo..<hi] { v = v * radix + Int(d) }
                return BigInt(v)
            }
            let mid = hi - (hi - lo) / 2
            return parse(lo, mid) * power(hi - mid) + parse(mid, hi)
        }
        return parse(0, values.count)
    }

    /// The machine real nearest to n/d (d > 0), rounded once: the quotient is taken to 63 bits
    /// with a sticky bit for any remainder, and only the conversion to 53 bits rounds.
    static func nearestDouble(_ n: BigInt, _ d: BigInt) -> Double {
        let num = n.magnitude, den = d.magnitude
        if num.isZero || den.isZero { return 0 }
        // num * 2^shift / den lies in [2^62, 2^64): at least 62 bits, and it fits in a UInt64.
        let shift = 63 - (num.bitWidth - den.bitWidth)
        var dropped = false
        let scaled: BigUInt
        if shift >= 0 {
            scaled = num << shift
        } else {
            scaled = num >> -shift
            dropped = scaled << -shift != num
        }
        let (q, r) = scaled.quotientAndRemainder(dividingBy: den)
        var top = UInt64(truncatingIfNeeded: q)
        if dropped || !r.isZero { top |= 1 }
        let x = Foundation.scalbn(Double(top), -shift)
        return n.sign == .minus ? -x : x
    }
}


/// The Wolfram names of the characters that `\[Name]` spells (`"α"` is `"Alpha"`), for `CharacterName`.
public enum NamedCharacters {
    public static let byCharacter: [String: String] = Dictionary(Lexer.namedCharacters.map { ($0.value, $0.key) },
                                                                 uniquingKeysWith: { a, b in a.count <= b.count ? a : b })
}
