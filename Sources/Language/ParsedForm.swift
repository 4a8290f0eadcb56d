import BigInt

/// A program already parsed, written as text: the standard library is parsed when the binary is
/// built (by the EmbedStdlib plugin's tool) and only read back at start-up, which costs a small
/// part of lexing and parsing the source.
///
/// The form is ASCII apart from the bytes of names and strings, so it travels as a Swift string
/// literal: `P1;`, the symbol names (their count, then each name ended by `;`), the expressions
/// (their count, then each in prefix form), then the syntax error that ended the source, if any.
/// An expression is one of
///
///     s<index>;            the symbol at that index of the name table
///     i<decimal>;          a machine integer            I<decimal>;      a big integer
///     q<num>/<den>;        a rational                   r<16 hex>        a machine real's bits
///     g<mantissa>;<exponent>;<16 hex><16 hex>           a big real: precision, zero accuracy
///     t<bytes>:<text>      a string                     n<count>;        head and count arguments
///
/// The error is `e<bytes>:<text>` (the message the loader reports) or `.` for none.
public enum ParsedForm {
    static let magic = "P1;"

    /// The form of a program: every top-level expression of `source` up to its first syntax
    /// error, and that error. Nil if the parser made an atom the form cannot hold (never for
    /// source text: the parser makes no associations or native values).
    public static func encode(source: String) -> String? {
        var parser = Parser(source)
        var exprs: [Expr] = []
        var failure: String?
        do {
            while let e = try parser.next() { exprs.append(e) }
        } catch {
            failure = "\(error)"
        }
        return encode(exprs, error: failure)
    }

    /// The form of these expressions, followed by an error text.
    public static func encode(_ exprs: [Expr], error: String?) -> String? {
        var names: [String] = []
        var index: [String: Int] = [:]
        var body = ""
        func put(_ e: Expr) -> Bool {
            switch e {
            case .symbol(let s):
                let k: Int
                if let i = index[s.name] { k = i } else {
                    k = names.count
                    index[s.name] = k
                    names.append(s.name)
                }
                body += "s\(k);"
            case .integer(let i): body += "i\(i);"
            case .bigInteger(let b): body += "I\(b.value);"
            case .rational(let r): body += "q\(r.numerator)/\(r.denominator);"
            case .real(let x): body += "r" + hex(x.bitPattern)
            case .bigReal(let x):
                body += "g\(x.mantissa);\(x.exponent);" + hex(x.precision.bitPattern) + hex(x.zeroAccuracy.bitPattern)
            case .string(let s): body += "t\(s.utf8.count):" + s
            case .normal(let n):
                body += "n\(n.args.count);"
                guard put(n.head) else { return false }
                for a in n.args { guard put(a) else { return false } }
            case .association, .native:
                return false
            }
            return true
        }
        for e in exprs { guard put(e) else { return nil } }
        for name in names where name.utf8.contains(UInt8(ascii: ";")) { return nil }
        var out = magic + "\(names.count);"
        for name in names { out += name + ";" }
        out += "\(exprs.count);" + body
        if let error { out += "e\(error.utf8.count):" + error } else { out += "." }
        return out
    }

    private static func hex(_ v: UInt64) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The expressions and the error of a form, with its symbols interned; nil if the text is not
    /// a well-made form (the caller then parses the source instead).
    public static func decode(_ form: String) -> (exprs: [Expr], error: String?)? {
        var form = form
        return form.withUTF8 { bytes in
            var reader = Reader(bytes: bytes)
            return reader.program()
        }
    }

    /// Reads a form from its bytes; every read checks its bounds, and a malformed form ends
    /// the reading with nil.
    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var pos = 0
        var symbols: [Expr] = []

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func program() -> (exprs: [Expr], error: String?)? {
            for m in ParsedForm.magic.utf8 {
                guard take() == m else { return nil }
            }
            guard let count = number(), count >= 0 else { return nil }
            symbols.reserveCapacity(count)
            for _ in 0..<count {
                let start = pos
                while pos < bytes.count && bytes[pos] != UInt8(ascii: ";") { pos += 1 }
                guard pos < bytes.count else { return nil }
                let name = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
                pos += 1
                symbols.append(.symbol(Symbol.parsed(name)))
            }
            guard let n = number(), n >= 0 else { return nil }
            var exprs: [Expr] = []
            exprs.reserveCapacity(n)
            for _ in 0..<n {
                guard let e = expr() else { return nil }
                exprs.append(e)
            }
            switch take() {
            case UInt8(ascii: "."): return pos == bytes.count ? (exprs, nil) : nil
            case UInt8(ascii: "e"):
                guard let text = text(), pos == bytes.count else { return nil }
                return (exprs, text)
            default: return nil
            }
        }

        mutating func take() -> UInt8? {
            guard pos < bytes.count else { return nil }
            pos += 1
            return bytes[pos - 1]
        }

        /// The bytes up to the next `terminator` (consumed), as text.
        mutating func field(_ terminator: UInt8 = UInt8(ascii: ";")) -> String? {
            let start = pos
            while pos < bytes.count && bytes[pos] != terminator { pos += 1 }
            guard pos < bytes.count else { return nil }
            defer { pos += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        }

        /// A decimal machine integer ended by `;`.
        mutating func number() -> Int? {
            var negative = false
            if pos < bytes.count && bytes[pos] == UInt8(ascii: "-") { negative = true; pos += 1 }
            var v = 0, digits = 0
            while pos < bytes.count, bytes[pos] >= 48, bytes[pos] <= 57 {
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int(bytes[pos] - 48))
                guard !o1, !o2 else { return nil }
                v = a
                pos += 1
                digits += 1
            }
            guard digits > 0, take() == UInt8(ascii: ";") else { return nil }
            return negative ? -v : v
        }

        /// Sixteen hex digits: a Double's bits.
        mutating func bits() -> Double? {
            guard pos + 16 <= bytes.count else { return nil }
            var v: UInt64 = 0
            for _ in 0..<16 {
                let c = bytes[pos]
                let d: UInt8
                switch c {
                case 48...57: d = c - 48
                case 97...102: d = c - 97 + 10
                default: return nil
                }
                v = v << 4 | UInt64(d)
                pos += 1
            }
            return Double(bitPattern: v)
        }

        /// `<bytes>:<text>`.
        mutating func text() -> String? {
            let start = pos
            while pos < bytes.count, bytes[pos] >= 48, bytes[pos] <= 57 { pos += 1 }
            guard pos > start, pos - start < 10, pos < bytes.count, bytes[pos] == UInt8(ascii: ":"),
                  let n = Int(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)),
                  n <= bytes.count - pos - 1 else { return nil }
            pos += 1
            defer { pos += n }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[pos..<(pos + n)]), as: UTF8.self)
        }

        /// One expression, read without recursion (a form may nest as deeply as the source).
        mutating func expr() -> Expr? {
            // The normal expressions being read, innermost last: head (once read), arguments so
            // far, and how many arguments they take.
            var open: [(head: Expr?, args: [Expr], count: Int)] = []
            while true {
                guard let next = atomOrOpen(&open) else { return nil }
                guard var done = next else { continue }
                // Hand the finished expression to the innermost open one, closing those it completes.
                while true {
                    guard let last = open.indices.last else { return done }
                    if open[last].head == nil { open[last].head = done } else { open[last].args.append(done) }
                    guard let head = open[last].head, open[last].args.count == open[last].count else { break }
                    done = .normal(Normal(head, open[last].args))
                    open.removeLast()
                }
            }
        }

        /// An atom (`.some(atom)`), or `.some(nil)` after opening a normal expression; nil if
        /// the form is malformed.
        mutating func atomOrOpen(_ open: inout [(head: Expr?, args: [Expr], count: Int)]) -> Expr?? {
            guard let tag = take() else { return nil }
            switch tag {
            case UInt8(ascii: "s"):
                guard let k = number(), k >= 0, k < symbols.count else { return nil }
                return symbols[k]
            case UInt8(ascii: "i"):
                guard let i = number() else { return nil }
                return .integer(i)
            case UInt8(ascii: "I"):
                guard let f = field(), let b = BigInt(f) else { return nil }
                return .integer(b)
            case UInt8(ascii: "q"):
                guard let n = field(UInt8(ascii: "/")).flatMap({ BigInt($0) }),
                      let d = field().flatMap({ BigInt($0) }), let r = Numbers.rational(n, d) else { return nil }
                return r
            case UInt8(ascii: "r"):
                guard let x = bits() else { return nil }
                return .real(x)
            case UInt8(ascii: "g"):
                guard let m = field().flatMap({ BigInt($0) }), let e = number(),
                      let p = bits(), let z = bits() else { return nil }
                return .bigReal(m.isZero ? BigReal(zeroWithAccuracy: z) : BigReal(mantissa: m, exponent: e, precision: p))
            case UInt8(ascii: "t"):
                guard let t = text() else { return nil }
                return .string(t)
            case UInt8(ascii: "n"):
                // Each argument takes at least two bytes: a count beyond that is damage.
                guard let count = number(), count >= 0, count <= bytes.count - pos else { return nil }
                var args: [Expr] = []
                args.reserveCapacity(count)
                open.append((nil, args, count))
                return .some(nil)
            default:
                return nil
            }
        }
    }
}
