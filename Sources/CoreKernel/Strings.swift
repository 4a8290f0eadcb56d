import Foundation
import Language

private func stringArg(_ c: Call, _ i: Int) -> String? {
    guard i < c.count, let s = c[i].asString else {
        c.message("string", .integer(i + 1), c.whole)
        return nil
    }
    return s
}

/// Positions for StringTake/StringDrop: `n`, `-n`, `{m}`, `{m, n}`.
private func stringRange(_ spec: Expr, _ count: Int) -> Range<Int>? {
    // UpTo[n]: as many as there are, at most n.
    if spec.hasHead(Symbol.intern("UpTo")), spec.args.count == 1, let n = spec.args[0].intValue, n >= 0 {
        return 0..<Swift.min(n, count)
    }
    if let n = spec.intValue {
        if n >= 0 { return n <= count ? 0..<n : nil }
        return n >= -count ? (count + n)..<count : nil
    }
    guard let items = spec.listItems, let a = items.first?.intValue else { return nil }
    let b = items.count > 1 ? (items[1].intValue ?? a) : a
    let lo = a > 0 ? a - 1 : count + a
    let hi = b > 0 ? b : count + b + 1
    guard lo >= 0, hi <= count, lo <= hi else { return nil }
    return lo..<hi
}

/// Applies a string function to a string or to each string of a list (the first argument); a
/// first argument that is neither gets `f::tag` (`string`, or `strse` for the pattern functions).
func mapStrings(_ c: Call, tag: String = "string", _ f: (String) throws -> Expr?) rethrows -> Expr? {
    if let items = c[0].listItems {
        var out: [Expr] = []
        for i in items {
            guard let s = i.asString, let r = try f(s) else { return nil }
            out.append(r)
        }
        return .list(out)
    }
    guard let s = c[0].asString else {
        c.message(tag, .integer(1), c.whole)
        return nil
    }
    return try f(s)
}

/// `StringTemplate` text with `` `name` `` and `` `` `` slots filled from args, and
/// `<* expr *>` parts evaluated as `Function[expr]` applied to args (`#a`, `#1` and `#` name them).
func applyTemplate(_ template: String, _ args: [Expr], _ c: Call) throws -> Expr {
    var out = ""
    var auto = 0
    var rest = template[...]
    while let i = rest.firstIndex(where: { $0 == "`" || $0 == "<" }) {
        out += rest[..<i]
        let after = rest[rest.index(after: i)...]
        if rest[i] == "<" {
            guard after.first == "*", let close = after.range(of: "*>") else {
                out.append("<")
                rest = after
                continue
            }
            let code = String(after[after.index(after: after.startIndex)..<close.lowerBound])
            guard let body = try? Parser.parseExpression(code) else {
                c.message("sntx", text: "Invalid syntax in or before \"\(code)\".")
                return .failed
            }
            let value = try c.evaluate(.call(Expr(Sym.Function, body), args))
            out += value.asString ?? OutputForm.string(value)
            rest = after[close.upperBound...]
            continue
        }
        guard let j = after.firstIndex(of: "`") else { out += rest[i...]; rest = ""; break }
        let name = String(after[..<j])
        var value: Expr?
        if name.isEmpty {
            auto += 1
            value = auto <= args.count ? args[auto - 1] : nil
        } else if let k = Int(name) {
            value = k >= 1 && k <= args.count ? args[k - 1] : nil
        } else if let a = args.first?.asAssociation {
            value = a.entries[.string(name)]
        }
        out += value.map(OutputForm.string) ?? ""
        rest = after[after.index(after: j)...]
    }
    out += rest
    return .string(out)
}

extension Kernel {
    static var stringBuiltins: [Builtin] {
        [
            Builtin("StringJoin", [.flat, .oneIdentity], usage: "s1 <> s2 <> ... or StringJoin[...] joins strings (lists of strings are joined too).", examples: [("\"ab\" <> \"cd\"", "abcd")]) { c in
                var out = ""
                var pulse = Pulse(c)
                func add(_ e: Expr) throws -> Bool {
                    try pulse.beat()
                    if let s = e.asString { out += s; return true }
                    if let l = e.listItems { return try l.allSatisfy(add) }
                    return false
                }
                for (i, a) in c.args.enumerated() where try !add(a) {
                    c.message("string", .integer(i + 1), c.whole)
                    return nil
                }
                return .string(out)
            },
            Builtin("StringLength", [.listable], usage: "StringLength[s] gives the number of characters in s.", examples: [("StringLength[\"hello\"]", "5")]) { c in
                guard c.count == 1, let s = stringArg(c, 0) else { return nil }
                return .integer(s.count)
            },
            Builtin("StringTake", [], usage: "StringTake[s, n] gives the first n characters; -n the last n; {m, n} characters m through n.", arity: .exactly(2), examples: [("StringTake[\"abcde\", 2]", "ab")]) { c in
                return mapStrings(c) { s in
                    let chars = Array(s)
                    guard let r = stringRange(c[1], chars.count) else { c.message("take", c[1], c[1], c[0]); return nil }
                    return .string(String(chars[r]))
                }
            },
            Builtin("StringDrop", [], usage: "StringDrop[s, n] drops the first n characters; -n the last n; {m, n} characters m through n.", arity: .exactly(2), examples: [("StringDrop[\"abcde\", 2]", "cde")]) { c in
                return mapStrings(c) { s in
                    var chars = Array(s)
                    guard let r = stringRange(c[1], chars.count) else { c.message("drop", c[1], c[1], c[0]); return nil }
                    chars.removeSubrange(r)
                    return .string(String(chars))
                }
            },
            Builtin("ToUpperCase", [.listable], usage: "ToUpperCase[s] converts to upper case.", examples: [("ToUpperCase[\"abc\"]", "ABC")]) { c in
                guard c.count == 1, let s = stringArg(c, 0) else { return nil }
                return .string(s.uppercased())
            },
            Builtin("ToLowerCase", [.listable], usage: "ToLowerCase[s] converts to lower case.", examples: [("ToLowerCase[\"ABC\"]", "abc")]) { c in
                guard c.count == 1, let s = stringArg(c, 0) else { return nil }
                return .string(s.lowercased())
            },
            Builtin("Capitalize", [.listable], usage: "Capitalize[s] makes the first letter upper case.", examples: [("Capitalize[\"hello\"]", "Hello")]) { c in
                guard c.count == 1, let s = stringArg(c, 0) else { return nil }
                return .string(s.prefix(1).uppercased() + s.dropFirst())
            },
            Builtin("Characters", [.listable], usage: "Characters[s] gives the list of characters of s.", examples: [("Characters[\"abc\"]", "{a, b, c}")]) { c in
                guard c.count == 1, let s = stringArg(c, 0) else { return nil }
                return .strings(s.map { String($0) })
            },
            Builtin("StringReverse", [.listable], usage: "StringReverse[s] reverses the characters.", examples: [("StringReverse[\"abc\"]", "cba")]) { c in
                guard c.count == 1, let s = stringArg(c, 0) else { return nil }
                return .string(String(s.reversed()))
            },
            Builtin("StringTrim", [], usage: "StringTrim[s] removes white space from both ends; StringTrim[s, patt] removes the substrings matching patt at either end.", arity: .between(1, 2), examples: [("StringTrim[\"  a b  \"]", "a b"), ("StringTrim[\"xxaxx\", \"x\" ..]", "a")]) { c in
                if c.count == 2 {
                    let start = Expr.sym("StartOfString"), end = Expr.sym("EndOfString"), p = c[1]
                    let rules: [Expr] = [.call(Sym.Rule, [.call(Symbol.intern("StringExpression"), [start, p]), .string("")]),
                                         .call(Sym.Rule, [.call(Symbol.intern("StringExpression"), [p, end]), .string("")])]
                    return .call(Symbol.intern("StringReplace"), [c[0], .list(rules)])
                }
                return mapStrings(c) { .string($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            },
            Builtin("StringRiffle", [], usage: "StringRiffle[{s1, s2, ...}] joins with spaces; StringRiffle[list, sep] with sep; StringRiffle[list, {left, sep, right}].", examples: [("StringRiffle[{\"a\", \"b\", \"c\"}, \", \"]", "a, b, c"), ("StringRiffle[{{\"a\", \"b\"}, {\"c\", \"d\"}}] == \"a b\\nc d\"", "True")]) { c in
                guard c.count >= 1, let items = c[0].listItems else { return nil }
                var sep = " ", left = "", right = ""
                if c.count >= 2 {
                    if let s = c[1].asString { sep = s } else if let l = c[1].listItems, l.count == 3 {
                        left = l[0].asString ?? ""; sep = l[1].asString ?? ""; right = l[2].asString ?? ""
                    }
                }
                // A matrix of strings: rows on lines, elements apart by spaces, unless separators are given.
                if items.allSatisfy({ $0.isList }), c.count == 1 {
                    return .string(items.map { $0.args.map(OutputForm.string).joined(separator: " ") }.joined(separator: "\n"))
                }
                if items.allSatisfy({ $0.isList }), c.count >= 3, let inner = c[2].asString {
                    return .string(items.map { $0.args.map(OutputForm.string).joined(separator: inner) }.joined(separator: sep))
                }
                return .string(left + items.map(OutputForm.string).joined(separator: sep) + right)
            },
            Builtin("StringPadLeft", [], usage: "StringPadLeft[s, n] pads s on the left with spaces to length n; StringPadLeft[{s1, s2, ...}] pads each to the longest.", examples: [("StringPadLeft[\"7\", 3, \"0\"]", "007"), ("StringPadLeft[{\"a\", \"bbb\"}]", "{  a, bbb}")]) { c in
                guard let n = padLength(c), n >= 0, admits(n, bytesEach: 4, c) else { return nil }
                let pad = c.count == 3 ? (c[2].asString ?? " ") : " "
                return mapStrings(c) { s in
                    if s.count >= n { return .string(String(s.suffix(n))) }
                    return .string(String(repeating: pad, count: n - s.count).prefix(n - s.count) + s)
                }
            },
            Builtin("StringPadRight", [], usage: "StringPadRight[s, n] pads s on the right with spaces to length n; StringPadRight[{s1, s2, ...}] pads each to the longest.", examples: [("StringPadRight[\"ab\", 4, \".\"]", "ab.."), ("StringPadRight[{\"a\", \"bbb\"}]", "{a  , bbb}")]) { c in
                guard let n = padLength(c), n >= 0, admits(n, bytesEach: 4, c) else { return nil }
                let pad = c.count == 3 ? (c[2].asString ?? " ") : " "
                return mapStrings(c) { s in
                    if s.count >= n { return .string(String(s.prefix(n))) }
                    return .string(s + String(repeating: pad, count: n - s.count).prefix(n - s.count))
                }
            },
            Builtin("ToString", [], usage: "ToString[expr] gives the OutputForm text of expr; ToString[expr, InputForm] the InputForm text.", arity: .atLeast(1), examples: [("ToString[1 + x]", "1 + x")]) { c in
                if c.count >= 2, c[1].isSymbol(Symbol.intern("InputForm")) { return .string(InputForm.string(c[0])) }
                if c.count >= 2, c[1].isSymbol(Symbol.intern("FullForm")) { return .string(FullForm.string(c[0])) }
                return .string(OutputForm.string(c[0]))
            },
            Builtin("TextString", [], usage: "TextString[expr] gives a text form of expr.", examples: [("TextString[{1, 2}]", "{1, 2}")]) { c in
                guard c.count >= 1 else { return nil }
                return .string(OutputForm.string(c[0]))
            },
            Builtin("ToExpression", [], usage: "ToExpression[s] parses the string s and evaluates it; ToExpression[{s1, s2, ...}] each of them.", arity: .atLeast(1), messages: ["sntx": "Invalid syntax in or before `1`."], examples: [("ToExpression[\"1 + 2\"]", "3"), ("ToExpression[{\"1\", \"2 + 3\"}]", "{1, 5}")]) { c in
                if let items = c[0].listItems, items.allSatisfy({ $0.asString != nil }) {
                    return .list(items.map { .call(c.symbol, [$0] + Array(c.args.dropFirst())) })
                }
                guard let s = c[0].asString else { return c[0] }
                do {
                    // Parsing a long string takes seconds: on a thread of its own, so Ctrl-C returns at once.
                    let exprs = s.utf8.count < 100_000 ? try Parser.parseProgram(s) : try awaitingInterrupt(c) { try Parser.parseProgram(s) }
                    var last: Expr = .null
                    if c.count == 3 {
                        guard let e = exprs.last else { return .null }
                        return .call(c[2], [e])
                    }
                    for e in exprs { last = try c.evaluate(e) }
                    return last
                } catch let e as ParseError {
                    c.message("sntx", .string(e.sourceLine))
                    return .failed
                }
            },
            Builtin("IntegerString", [.listable], usage: "IntegerString[n] gives the digits of n; IntegerString[n, b] in base b; IntegerString[n, b, len] padded with zeros or cut to its last len digits.", examples: [("IntegerString[255, 16]", "ff"), ("IntegerString[123456, 10, 3]", "456")]) { c in
                guard c.count >= 1, let n = c[0].bigIntValue else { return nil }
                let base = c.count >= 2 ? (c[1].intValue ?? 10) : 10
                guard base >= 2, base <= 36 else { return nil }
                var s = String(n.magnitude, radix: base)
                // Padded with zeros on the left, or cut to its last len digits.
                if c.count == 3 {
                    guard let len = c[2].intValue, len >= 0, len <= 1 << 20 else { return nil }
                    s = s.count < len ? String(repeating: "0", count: len - s.count) + s : String(s.suffix(len))
                }
                return .string(s)
            },
            Builtin("ToCharacterCode", [.listable], usage: "ToCharacterCode[s] gives the Unicode code points of s.", examples: [("ToCharacterCode[\"AB\"]", "{65, 66}")]) { c in
                guard c.count == 1, let s = stringArg(c, 0) else { return nil }
                return .ints(s.unicodeScalars.map { Int($0.value) })
            },
            Builtin("FromCharacterCode", [], usage: "FromCharacterCode[n] or FromCharacterCode[{n1, n2, ...}] gives the string of those code points.", examples: [("FromCharacterCode[{72, 105}]", "Hi"), ("FromCharacterCode[{{97, 98}, {99}}]", "{ab, c}")]) { c in
                guard c.count == 1 else { return nil }
                if let rows = c[0].listItems, !rows.isEmpty, rows.allSatisfy(\.isList) {
                    return .call(Sym.List, rows.map { .call(Symbol.intern("FromCharacterCode"), [$0]) })
                }
                var s = ""
                for v in c[0].listItems ?? [c[0]] {
                    guard let i = v.intValue, let u = Unicode.Scalar(UInt32(clamping: max(0, i))) else { return nil }
                    s.unicodeScalars.append(u)
                }
                return .string(s)
            },
            Builtin("LetterQ", [.listable], usage: "LetterQ[s] gives True if every character of s is a letter.", examples: [("LetterQ[\"abc\"]", "True")]) { c in
                guard c.count == 1, let s = stringArg(c, 0) else { return nil }
                return .bool(!s.isEmpty && s.allSatisfy { $0.isLetter })
            },
            Builtin("DigitQ", [.listable], usage: "DigitQ[s] gives True if every character of s is a digit.", examples: [("DigitQ[\"123\"]", "True")]) { c in
                guard c.count == 1, let s = stringArg(c, 0) else { return nil }
                return .bool(!s.isEmpty && s.allSatisfy { $0.isNumber })
            },
            Builtin("UpperCaseQ", [.listable], usage: "UpperCaseQ[s] gives True if every letter of s is upper case.", examples: [("UpperCaseQ[\"ABC\"]", "True")]) { c in
                guard c.count == 1, let s = stringArg(c, 0) else { return nil }
                return .bool(s.allSatisfy { $0.isUppercase })
            },
            Builtin("LowerCaseQ", [.listable], usage: "LowerCaseQ[s] gives True if every letter of s is lower case.", examples: [("LowerCaseQ[\"abC\"]", "False")]) { c in
                guard c.count == 1, let s = stringArg(c, 0) else { return nil }
                return .bool(s.allSatisfy { $0.isLowercase })
            },
            Builtin("StringTemplate", [], usage: "StringTemplate[\"... `a` ... `` ... <* expr *> ...\"] is a template; StringTemplate[t][args] or TemplateApply[t, args] fills its slots and evaluates its expressions, in which #a or #1 are the arguments.", messages: ["noarg": "Template slot `1` has no value.", "sntx": "Invalid syntax in template expression."], examples: [("StringTemplate[\"Hello, `1`!\"][\"world\"]", "Hello, world!"), ("StringTemplate[\"`a` squared is <* #a^2 *>\"][<|\"a\" -> 3|>]", "3 squared is 9")], subValue: { c in
                guard case .normal(let f) = c.head, let t = f.args.first?.asString else { return nil }
                return try applyTemplate(t, c.args, c)
            }),
            Builtin("TemplateApply", [], usage: "TemplateApply[template, args] fills a StringTemplate's slots.", examples: [("TemplateApply[StringTemplate[\"`a` + `b`\"], <|\"a\" -> 1, \"b\" -> 2|>]", "1 + 2")]) { c in
                guard c.count >= 1 else { return nil }
                let t = c[0].hasHead(Symbol.intern("StringTemplate")) ? c[0].args.first?.asString : c[0].asString
                guard let text = t else { return nil }
                let args = c.count > 1 ? (c[1].listItems ?? [c[1]]) : []
                return try applyTemplate(text, args, c)
            },
            Builtin("RegularExpression", [], usage: "RegularExpression[\"regex\"] is a string pattern given as a regular expression.", examples: [("StringCases[\"a1b22\", RegularExpression[\"[0-9]+\"]]", "{1, 22}")]),
            Builtin("StringExpression", [.flat, .oneIdentity], usage: "p1 ~~ p2 ~~ ... is a string pattern of parts in sequence.", examples: [("StringMatchQ[\"abc\", \"a\" ~~ __]", "True")]) { c in
                guard c.count >= 1, c.args.allSatisfy({ $0.asString != nil }) else { return nil }
                return .string(c.args.compactMap { $0.asString }.joined())
            },
        ]
    }
}

/// The length StringPadLeft and StringPadRight pad to: the given n, or the longest string of a
/// list given alone.
private func padLength(_ c: Call) -> Int? {
    if c.count >= 2 { return c[1].intValue }
    guard c.count == 1, let items = c[0].listItems, items.allSatisfy({ $0.asString != nil }) else { return nil }
    return items.map { $0.asString?.count ?? 0 }.max() ?? 0
}
