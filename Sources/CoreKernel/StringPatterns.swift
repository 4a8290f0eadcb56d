import Foundation
import Language

// String patterns: `"ab" ~~ x__ ~~ DigitCharacter`, alternatives, `Repeated`, `Shortest`,
// `Except`, `CharacterRange`, named parts, `PatternTest` and `Condition`, as the Wolfram Language
// reads them. A pattern compiles to an ICU regular expression (Foundation's NSRegularExpression);
// named parts become named groups (a name used twice must match the same text twice); what a
// regular expression cannot say (an arbitrary test, a condition) is checked on each candidate
// match with the names bound. String patterns match the longest text unless `Shortest` says
// otherwise, as in Wolfram.

/// A compiled string pattern.
struct StringPattern {
    let regex: NSRegularExpression
    /// Each named part: its symbol and the name of its group.
    let names: [(symbol: Symbol, group: String)]
    /// Tests on parts that the expression could not encode: the group and the predicate.
    let tests: [(group: String, test: Expr)]
    /// Conditions on the match, evaluated with the names bound.
    let conditions: [Expr]

    /// Where a whole-string or prefix/suffix pattern is anchored.
    enum Anchor { case none, whole, start, end }

    /// Compiles p, or nil when p is not a string pattern.
    static func compile(_ p: Expr, ignoreCase: Bool = false, anchor: Anchor = .none) -> StringPattern? {
        var compiler = Compiler()
        guard let src = compiler.source(p) else { return nil }
        let anchored: String
        switch anchor {
        case .none: anchored = src
        case .whole: anchored = "\\A(?:" + src + ")\\z"
        case .start: anchored = "\\A(?:" + src + ")"
        case .end: anchored = "(?:" + src + ")\\z"
        }
        var options: NSRegularExpression.Options = [.dotMatchesLineSeparators]
        if ignoreCase { options.insert(.caseInsensitive) }
        guard let re = try? NSRegularExpression(pattern: anchored, options: options) else { return nil }
        return StringPattern(regex: re, names: compiler.names, tests: compiler.tests, conditions: compiler.conditions)
    }

    /// The regular expression text of p, for callers that need no names or tests.
    static func source(_ p: Expr) -> String? {
        var compiler = Compiler()
        return compiler.source(p)
    }

    /// Turns a pattern into regular-expression text, collecting names, tests and conditions.
    struct Compiler {
        var names: [(symbol: Symbol, group: String)] = []
        var tests: [(group: String, test: Expr)] = []
        var conditions: [Expr] = []
        var groups = 0
        /// Whether sequences are greedy here (string patterns are Longest by default).
        var longest = true

        mutating func group() -> String {
            groups += 1
            return "g\(groups)"
        }

        /// `+`, `*` or `{m,n}`, made lazy inside Shortest.
        func quantified(_ body: String, _ q: String) -> String {
            "(?:" + body + ")" + q + (longest ? "" : "?")
        }

        mutating func source(_ p: Expr) -> String? {
            switch p {
            case .string(let s):
                return NSRegularExpression.escapedPattern(for: s)
            case .symbol(let s):
                return StringPattern.characterClass(s.name)
            case .normal(let n):
                guard case .symbol(let h) = n.head else { return nil }
                return normalSource(h.name, n.args)
            default:
                return nil
            }
        }

        private mutating func normalSource(_ head: String, _ args: [Expr]) -> String? {
            switch head {
            case "RegularExpression":
                return args.first?.asString.map { "(?:" + $0 + ")" }
            case "StringExpression":
                var out = ""
                for a in args {
                    guard let r = source(a) else { return nil }
                    out += r
                }
                return out
            case "Alternatives", "List":
                var parts: [String] = []
                for a in args {
                    guard let r = source(a) else { return nil }
                    parts.append(r)
                }
                return "(?:" + parts.joined(separator: "|") + ")"
            case "Blank":
                return args.isEmpty ? "." : nil
            case "BlankSequence":
                return args.isEmpty ? quantified(".", "+") : nil
            case "BlankNullSequence":
                return args.isEmpty ? quantified(".", "*") : nil
            case "Repeated", "RepeatedNull":
                guard let first = args.first, let body = source(first) else { return nil }
                let least = head == "Repeated" ? 1 : 0
                guard args.count == 2 else { return quantified(body, least == 1 ? "+" : "*") }
                if let k = args[1].intValue, k >= 0 { return quantified(body, "{\(least),\(k)}") }
                if let ks = args[1].listItems?.compactMap(\.intValue), ks.allSatisfy({ $0 >= 0 }) {
                    if ks.count == 1 { return quantified(body, "{\(ks[0])}") }
                    if ks.count == 2, ks[0] <= ks[1] { return quantified(body, "{\(ks[0]),\(ks[1])}") }
                }
                return nil
            case "Shortest", "Longest":
                guard let first = args.first else { return nil }
                let saved = longest
                longest = head == "Longest"
                defer { longest = saved }
                return source(first)
            case "Pattern":
                guard args.count == 2, let name = args[0].asSymbol else { return nil }
                if let seen = names.first(where: { $0.symbol === name }) { return "\\k<" + seen.group + ">" }
                guard let inner = source(args[1]) else { return nil }
                let g = group()
                names.append((name, g))
                return "(?<" + g + ">" + inner + ")"
            case "PatternTest":
                guard args.count == 2 else { return nil }
                if let cls = args[1].asSymbol.flatMap({ StringPattern.predicateClass($0.name) }), let q = blankQuantifier(args[0]) {
                    return q.isEmpty ? cls : quantified(cls, q)
                }
                guard let inner = source(args[0]) else { return nil }
                let g = group()
                tests.append((g, args[1]))
                return "(?<" + g + ">" + inner + ")"
            case "Condition":
                guard args.count == 2, let inner = source(args[0]) else { return nil }
                conditions.append(args[1])
                return inner
            case "Except":
                guard let first = args.first, let excluded = source(first) else { return nil }
                if args.count == 2 {
                    guard let allowed = source(args[1]) else { return nil }
                    return "(?:(?!" + excluded + ")" + allowed + ")"
                }
                return "(?:(?!" + excluded + ").)"
            case "CharacterRange":
                guard args.count == 2, let a = args[0].asString, let b = args[1].asString,
                      a.unicodeScalars.count == 1, b.unicodeScalars.count == 1, a <= b else { return nil }
                return "[" + NSRegularExpression.escapedPattern(for: a) + "-" + NSRegularExpression.escapedPattern(for: b) + "]"
            default:
                return nil
            }
        }

        /// "" for `_`, the quantifier for `__`/`___`, nil for anything else.
        private func blankQuantifier(_ p: Expr) -> String? {
            guard case .normal(let n) = p, n.args.isEmpty, let h = n.head.asSymbol else { return nil }
            switch h.name {
            case "Blank": return ""
            case "BlankSequence": return "+"
            case "BlankNullSequence": return "*"
            default: return nil
            }
        }
    }

    /// The named character classes and positions of string patterns.
    static func characterClass(_ name: String) -> String? {
        switch name {
        case "Whitespace": return "\\s+"
        case "WhitespaceCharacter": return "\\s"
        case "DigitCharacter": return "[0-9]"
        case "LetterCharacter": return "\\p{L}"
        case "WordCharacter": return "[\\p{L}\\p{N}]"
        case "HexadecimalCharacter": return "[0-9a-fA-F]"
        case "PunctuationCharacter": return "\\p{P}"
        case "NumberString": return "(?:[-+]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+))"
        case "StartOfString": return "\\A"
        case "EndOfString": return "\\z"
        case "StartOfLine": return "(?m:^)"
        case "EndOfLine": return "(?m:$)"
        case "WordBoundary": return "\\b"
        default: return nil
        }
    }

    /// Character predicates a class can stand for in `_?LetterQ` and the like.
    static func predicateClass(_ name: String) -> String? {
        switch name {
        case "LetterQ": return "\\p{L}"
        case "DigitQ": return "[0-9]"
        case "UpperCaseQ": return "\\p{Lu}"
        case "LowerCaseQ": return "\\p{Ll}"
        default: return nil
        }
    }
}

/// One match: where it is and what its named parts matched.
struct StringMatch {
    let range: Range<String.Index>
    let nsRange: NSRange
    let bindings: Bindings
    /// The UTF-16 ranges of the pattern's own numbered groups (`$1`, `$2`, ... of a
    /// RegularExpression replacement); NSNotFound where a group took no part.
    let groups: [NSRange]
}

extension StringPattern {
    /// The bindings of a regular-expression match, or nil when a test or condition fails.
    func accept(_ m: NSTextCheckingResult, in ns: NSString, _ ev: Evaluator) throws -> Bindings? {
        func text(_ group: String) -> Expr {
            let r = m.range(withName: group)
            return .string(r.location == NSNotFound ? "" : ns.substring(with: r))
        }
        var b = Bindings()
        for (symbol, group) in names { b = b.adding(symbol, text(group)) }
        for (group, test) in tests where !(try ev.evaluate(.normal(Normal(test, [text(group)]))).isTrue) { return nil }
        for cond in conditions where !(try ev.evaluate(substitute(cond, b)).isTrue) { return nil }
        return b
    }

    /// The first acceptable match starting at or after UTF-16 offset `from`.
    func firstMatch(in s: String, from: Int, _ ev: Evaluator) throws -> StringMatch? {
        let ns = s as NSString
        let length = ns.length
        var loc = from
        while loc <= length {
            guard let m = regex.firstMatch(in: s, options: [.withTransparentBounds, .withoutAnchoringBounds],
                                           range: NSRange(location: loc, length: length - loc)) else { return nil }
            if let r = Range(m.range, in: s), let b = try accept(m, in: ns, ev) {
                return StringMatch(range: r, nsRange: m.range, bindings: b, groups: (1..<max(m.numberOfRanges, 1)).map { m.range(at: $0) })
            }
            try ev.checkInterrupt()
            loc = m.range.location + 1
        }
        return nil
    }

    /// Whether the pattern matches somewhere in s (or, anchored, as the anchor says).
    func found(in s: String, _ ev: Evaluator) throws -> Bool {
        try firstMatch(in: s, from: 0, ev) != nil
    }
}

/// Matches of several patterns scanned left to right: at each point the earliest match of any
/// pattern (the first pattern on a tie); with `overlaps` the next search starts one character
/// after the last match's start, else at its end. At most `limit` matches.
func scanMatches(_ patterns: [StringPattern], in s: String, overlaps: Bool, limit: Int = .max,
                 _ ev: Evaluator) throws -> [(index: Int, match: StringMatch)] {
    if let one = OnePassScan(patterns, overlaps: overlaps) { return try one.matches(in: s, limit: limit, ev) }
    var out: [(Int, StringMatch)] = []
    let length = (s as NSString).length
    var loc = 0
    while loc <= length, out.count < limit {
        try ev.checkInterrupt()
        var best: (Int, StringMatch)?
        for (i, p) in patterns.enumerated() {
            guard let m = try p.firstMatch(in: s, from: loc, ev) else { continue }
            if let b = best, b.1.nsRange.location <= m.nsRange.location { continue }
            best = (i, m)
        }
        guard let (i, m) = best else { break }
        out.append((i, m))
        let next = overlaps ? m.nsRange.location + 1 : m.nsRange.location + m.nsRange.length
        loc = Swift.max(next, m.nsRange.length == 0 ? m.nsRange.location + 1 : next)
        // Never split a character: continue from the next character boundary.
        if loc < length, let idx = Range(NSRange(location: loc, length: 0), in: s)?.lowerBound {
            loc = NSRange(s.rangeOfComposedCharacterSequence(at: idx), in: s).location
            if loc < next { loc = NSRange(s.rangeOfComposedCharacterSequence(at: idx), in: s).upperBound }
        }
    }
    return out
}

/// Patterns scanned in one pass of one regular expression, so a long string is searched once
/// (searching it again from each match's end costs the length of the string each time, which
/// made StringReplace, StringSplit and StringPosition quadratic). Several patterns become
/// alternatives tried in order at each point, which is the earliest match of any pattern, the
/// first on a tie, as `scanMatches` defines it. Overlapping matches are found as a lookahead
/// `(?=(p))`, which matches (empty) at every point where p matches and captures p's match there.
/// Only for patterns without tests or conditions (a rejected match would have to be searched
/// again) and without numbered groups but their names' when overlapping or when there are
/// several (their numbers would shift).
struct OnePassScan {
    let regex: NSRegularExpression
    let patterns: [StringPattern]
    /// The group holding each pattern's match (0: the whole match).
    let alternatives: [Int]
    /// The first group of a single pattern's own numbered groups (none for several).
    let ownGroups: Int?
    let overlaps: Bool

    init?(_ patterns: [StringPattern], overlaps: Bool) {
        guard let first = patterns.first, patterns.allSatisfy({ $0.tests.isEmpty && $0.conditions.isEmpty }) else { return nil }
        self.patterns = patterns
        self.overlaps = overlaps
        if patterns.count == 1, !overlaps {
            (regex, alternatives, ownGroups) = (first.regex, [0], 1)
            return
        }
        let single = patterns.count == 1
        guard patterns.allSatisfy({ $0.regex.numberOfCaptureGroups == (single ? $0.names.count : 0) }) else { return nil }
        let alternation = patterns.map { "(" + $0.regex.pattern + ")" }.joined(separator: "|")
        guard let re = try? NSRegularExpression(pattern: overlaps ? "(?=" + alternation + ")" : alternation, options: first.regex.options) else { return nil }
        (regex, alternatives, ownGroups) = (re, Array(1...patterns.count), single ? 2 : nil)
    }

    /// The matches left to right, at most `limit`; answers an interrupt between matches and
    /// during a long search. Overlapping matches start only at character boundaries.
    func matches(in s: String, limit: Int, _ ev: Evaluator) throws -> [(index: Int, match: StringMatch)] {
        guard limit > 0 else { return [] }
        let ns = s as NSString
        var out: [(Int, StringMatch)] = []
        var failure: Error?
        var count = 0
        regex.enumerateMatches(in: s, options: [.reportProgress], range: NSRange(location: 0, length: ns.length)) { m, _, stop in
            count &+= 1
            if count & 1023 == 0 || m == nil {
                do { try ev.checkInterrupt() } catch { failure = error; stop.pointee = true; return }
            }
            guard let m, let i = alternatives.firstIndex(where: { $0 == 0 || m.range(at: $0).location != NSNotFound }) else { return }
            let found = m.range(at: alternatives[i])
            guard let r = Range(found, in: s), !overlaps || r.lowerBound.samePosition(in: s) != nil else { return }
            var b = Bindings()
            for (symbol, group) in patterns[i].names {
                let g = m.range(withName: group)
                b = b.adding(symbol, .string(g.location == NSNotFound ? "" : ns.substring(with: g)))
            }
            let own = ownGroups.map { k in (k..<max(m.numberOfRanges, k)).map { m.range(at: $0) } } ?? []
            out.append((i, StringMatch(range: r, nsRange: found, bindings: b, groups: own)))
            if out.count >= limit { stop.pointee = true }
        }
        if let failure { throw failure }
        return out
    }
}

/// The left sides (compiled) and right sides of a pattern or rules argument; rules' right sides
/// are nil for plain patterns.
private func compileRules(_ e: Expr, ignoreCase: Bool) -> [(StringPattern, Expr?)]? {
    let items: [Expr] = isOptionRule(e) ? [e] : (e.listItems.flatMap { $0.allSatisfy(isOptionRule) && !$0.isEmpty ? $0 : nil } ?? [e])
    var out: [(StringPattern, Expr?)] = []
    for item in items {
        let (lhs, rhs): (Expr, Expr?) = isOptionRule(item) ? (item.args[0], item.args[1]) : (item, nil)
        guard let p = StringPattern.compile(lhs, ignoreCase: ignoreCase) else { return nil }
        out.append((p, rhs))
    }
    return out
}

/// The value a rule's right side gives for a match: a string refers to the pattern's numbered
/// groups (a RegularExpression's) as $1, $2, ...
private func ruleValue(_ rhs: Expr, _ m: StringMatch, in s: String, _ c: Call) throws -> Expr {
    let value = try c.evaluate(substitute(rhs, m.bindings))
    guard case .string(var r) = value, m.nsRange.length > 0, r.contains("$"), !m.groups.isEmpty else { return value }
    let ns = s as NSString
    for (k, gr) in m.groups.enumerated().reversed() {
        r = r.replacingOccurrences(of: "$\(k + 1)", with: gr.location == NSNotFound ? "" : ns.substring(with: gr))
    }
    return .string(r)
}

/// The positional arguments of a string builtin: those before its trailing `Overlaps`/`IgnoreCase`
/// options (a rule such as `"a" -> "b"` stays an argument).
private func positionalCount(_ c: Call) -> Int {
    var n = c.count
    while n > 0, isOptionRule(c[n - 1]), let name = optionName(c[n - 1].args[0]),
          ["Overlaps", "IgnoreCase"].contains(name) {
        n -= 1
    }
    return n
}

/// A limit argument (`n` or Infinity) at position i, if given.
private func limitArgument(_ c: Call, _ i: Int, count: Int) -> Int? {
    guard i < count else { return .max }
    if c[i].isSymbol(Sym.Infinity) { return .max }
    guard let n = c[i].intValue, n >= 0 else {
        c.message("innf", c.whole, .integer(i + 1))
        return nil
    }
    return n
}

/// `* ` and `@` wildcards of StringMatchQ's plain string patterns.
private func wildcardPattern(_ p: String) -> Expr {
    var parts: [Expr] = []
    var literal = ""
    var escaped = false
    for ch in p {
        if escaped { literal.append(ch); escaped = false; continue }
        switch ch {
        case "\\": escaped = true
        case "*", "@":
            if !literal.isEmpty { parts.append(.string(literal)); literal = "" }
            parts.append(ch == "*" ? Expr(Sym.BlankNullSequence) : Expr(Symbol.intern("RegularExpression"), .string("[^\\p{Lu}]+")))
        default: literal.append(ch)
        }
    }
    if !literal.isEmpty { parts.append(.string(literal)) }
    return .normal(Normal(.symbol(Symbol.intern("StringExpression")), parts))
}

extension Kernel {
    static var stringPatternBuiltins: [Builtin] {
        let messages = ["strse": "String or list of strings expected at position `1` in `2`.",
                        "innf": "Non-negative integer or Infinity expected at position `2` in `1`."]
        let overlapsOff: [(String, Expr)] = [("IgnoreCase", .falseExpr), ("Overlaps", .falseExpr)]
        return [
            Builtin("StringCases", [], usage: "StringCases[s, patt] gives the substrings of s that match the string pattern patt; StringCases[s, lhs -> rhs] gives rhs for each match, with the pattern's names bound; StringCases[s, patt, n] the first n. Options Overlaps and IgnoreCase.", arity: .between(2, 3), options: overlapsOff, messages: messages, examples: [("StringCases[\"abcab\", \"ab\"]", "{ab, ab}"), ("StringCases[\"a1b22c333\", x : DigitCharacter .. :> ToExpression[x]]", "{1, 22, 333}"), ("StringCases[\"aaaa\", \"aa\", Overlaps -> True]", "{aa, aa, aa}"), ("StringCases[\"abc\", RegularExpression[\"(a)(b)\"] -> \"$2$1\"]", "{ba}")]) { c in
                let n = positionalCount(c)
                guard n >= 2, let limit = limitArgument(c, 2, count: n),
                      let rules = compileRules(c[1], ignoreCase: c.option("IgnoreCase", .falseExpr).isTrue) else { return nil }
                let overlaps = !c.option("Overlaps", .falseExpr).isSymbol(Sym.False)
                return try mapStrings(c, tag: "strse") { s in
                    .list(try scanMatches(rules.map(\.0), in: s, overlaps: overlaps, limit: limit, c.evaluator).map { i, m in
                        if let rhs = rules[i].1 { return try ruleValue(rhs, m, in: s, c) }
                        return .string(String(s[m.range]))
                    })
                }
            },
            Builtin("StringReplace", [], usage: "StringReplace[s, lhs -> rhs] replaces each match of the string pattern lhs by rhs (with the pattern's names bound); a list of rules is tried at each point; StringReplace[s, rules, n] makes at most n replacements. A right side that is not a string gives a StringExpression.", arity: .between(2, 3), options: [("IgnoreCase", .falseExpr)], messages: messages.merging(["srep": "`1` is not a valid string replacement rule."]) { a, _ in a }, examples: [("StringReplace[\"abc\", \"b\" -> \"x\"]", "axc"), ("StringReplace[\"a1b22\", x : DigitCharacter .. :> ToString[2 ToExpression[x]]]", "a2b44"), ("StringReplace[\"aXbXc\", \"a\" ~~ __ ~~ \"X\" -> \"-\"]", "-c")]) { c in
                let n = positionalCount(c)
                guard n >= 2, let limit = limitArgument(c, 2, count: n) else { return nil }
                guard let rules = compileRules(c[1], ignoreCase: c.option("IgnoreCase", .falseExpr).isTrue),
                      rules.allSatisfy({ $0.1 != nil }) else {
                    c.message("srep", c[1])
                    return nil
                }
                return try mapStrings(c, tag: "strse") { s in
                    var pieces: [Expr] = []
                    var text = ""
                    var pos = s.startIndex
                    for (i, m) in try scanMatches(rules.map(\.0), in: s, overlaps: false, limit: limit, c.evaluator) {
                        text += s[pos..<m.range.lowerBound]
                        let value = try ruleValue(rules[i].1 ?? .null, m, in: s, c)
                        if let v = value.asString { text += v } else {
                            if !text.isEmpty { pieces.append(.string(text)); text = "" }
                            pieces.append(value)
                        }
                        pos = m.range.upperBound
                    }
                    text += s[pos...]
                    if pieces.isEmpty { return .string(text) }
                    if !text.isEmpty { pieces.append(.string(text)) }
                    return .normal(Normal(.symbol(Symbol.intern("StringExpression")), pieces))
                }
            },
            Builtin("StringPosition", [], usage: "StringPosition[s, patt] gives {start, end} of each match of patt in s (overlapping matches included, as Overlaps -> True); StringPosition[s, patt, n] the first n.", arity: .between(2, 3), options: [("IgnoreCase", .falseExpr), ("Overlaps", .trueExpr)], messages: messages, examples: [("StringPosition[\"abcab\", \"ab\"]", "{{1, 2}, {4, 5}}"), ("StringPosition[\"aaa\", \"aa\"]", "{{1, 2}, {2, 3}}")]) { c in
                let n = positionalCount(c)
                guard n >= 2, let limit = limitArgument(c, 2, count: n),
                      let rules = compileRules(c[1], ignoreCase: c.option("IgnoreCase", .falseExpr).isTrue) else { return nil }
                let overlaps = !c.option("Overlaps", .trueExpr).isSymbol(Sym.False)
                return try mapStrings(c, tag: "strse") { s in
                    // Characters counted from the previous match's start, not from the beginning each time.
                    var (index, a) = (s.startIndex, 0)
                    return .list(try scanMatches(rules.map(\.0), in: s, overlaps: overlaps, limit: limit, c.evaluator).map { _, m in
                        if m.range.lowerBound >= index { a += s.distance(from: index, to: m.range.lowerBound) } else { a = s.distance(from: s.startIndex, to: m.range.lowerBound) }
                        index = m.range.lowerBound
                        return .ints([a + 1, a + s[m.range].count])
                    })
                }
            },
            Builtin("StringCount", [], usage: "StringCount[s, patt] counts the matches of the string pattern patt in s (Overlaps -> True counts overlapping ones).", arity: .exactly(2), options: overlapsOff, messages: messages, examples: [("StringCount[\"banana\", \"a\"]", "3"), ("StringCount[\"aaaa\", \"aa\", Overlaps -> True]", "3")]) { c in
                guard let rules = compileRules(c[1], ignoreCase: c.option("IgnoreCase", .falseExpr).isTrue) else { return nil }
                let overlaps = !c.option("Overlaps", .falseExpr).isSymbol(Sym.False)
                return try mapStrings(c, tag: "strse") { s in .integer(try scanMatches(rules.map(\.0), in: s, overlaps: overlaps, c.evaluator).count) }
            },
            Builtin("StringSplit", [], usage: "StringSplit[s] splits s at white space; StringSplit[s, patt] at matches of a string pattern (a list of patterns or rules: at any; a rule lhs -> rhs keeps rhs in the result); StringSplit[s, patt, n] into at most n pieces; StringSplit[s, patt, All] keeps empty pieces at the ends.", messages: messages, examples: [("StringSplit[\"a b  c\"]", "{a, b, c}"), ("StringSplit[\"a1b22c\", DigitCharacter ..]", "{a, b, c}"), ("StringSplit[\"a,b\", \",\" -> x]", "{a, x, b}")]) { c in
                // Options are read here, not declared: `StringSplit[s, "," -> x]` is a delimiter rule
                // whose left side is a string, which the central check would take for an option.
                let n = positionalCount(c)
                guard n >= 1, n <= 3 else { return c.argCount(1, 3) }
                let keepAll = n == 3 && c[2].isSymbol(Sym.All)
                let limit = n == 3 && !keepAll ? (c[2].intValue ?? 0) : .max
                guard limit > 0 else { c.message("innf", c.whole, .integer(3)); return nil }
                let delimiters: Expr = n >= 2 ? c[1] : .symbol(Symbol.intern("Whitespace"))
                guard let rules = compileRules(delimiters, ignoreCase: c.option("IgnoreCase", .falseExpr).isTrue) else { return nil }
                return try mapStrings(c, tag: "strse") { s in
                    var parts: [Expr] = []
                    var last = s.startIndex
                    for (i, m) in try scanMatches(rules.map(\.0), in: s, overlaps: false, limit: limit == .max ? .max : limit - 1, c.evaluator) where m.nsRange.length > 0 {
                        parts.append(.string(String(s[last..<m.range.lowerBound])))
                        if let rhs = rules[i].1 { parts.append(try ruleValue(rhs, m, in: s, c)) }
                        last = m.range.upperBound
                    }
                    parts.append(.string(String(s[last...])))
                    if !keepAll {
                        if parts.first?.asString == "" { parts.removeFirst() }
                        if parts.last?.asString == "" { parts.removeLast() }
                    }
                    return .list(parts)
                }
            },
            Builtin("StringMatchQ", [], usage: "StringMatchQ[s, patt] gives True if the whole of s matches the string pattern patt; in a plain string pattern * stands for any characters and @ for any characters but upper-case letters.", arity: .exactly(2), options: [("IgnoreCase", .falseExpr)], messages: messages, examples: [("StringMatchQ[\"hello\", \"h*o\"]", "True"), ("StringMatchQ[\"abc123\", LetterCharacter .. ~~ DigitCharacter ..]", "True")]) { c in
                let p = c[1].asString.map(wildcardPattern) ?? c[1]
                guard let pattern = StringPattern.compile(p, ignoreCase: c.option("IgnoreCase", .falseExpr).isTrue, anchor: .whole) else { return nil }
                return try mapStrings(c, tag: "strse") { s in .bool(try pattern.found(in: s, c.evaluator)) }
            },
            Builtin("Shortest", [.protected], usage: "Shortest[p] is a pattern that matches the shortest sequence consistent with p (string patterns are Longest by default).", examples: [("StringCases[\"aXbXc\", Shortest[\"a\" ~~ ___ ~~ \"X\"]]", "{aX}")]),
            Builtin("Longest", [.protected], usage: "Longest[p] is a pattern that matches the longest sequence consistent with p, as string patterns do by default.", examples: [("StringCases[\"aXbXc\", Longest[\"a\" ~~ __ ~~ \"X\"]]", "{aXbX}")]),
            Builtin("Overlaps", [.protected], usage: "Overlaps is an option of StringCases, StringPosition and StringCount: True includes matches that overlap.", examples: [("StringPosition[\"aaa\", \"aa\", Overlaps -> False]", "{{1, 2}}")]),
            Builtin("IgnoreCase", [.protected], usage: "IgnoreCase is an option of the string-pattern functions: True treats upper- and lower-case letters as the same.", examples: [("StringMatchQ[\"ABC\", \"abc\", IgnoreCase -> True]", "True")]),
            stringTest("StringContainsQ", "StringContainsQ[s, patt] gives True if s contains a match of the string pattern patt.", .none, expected: true, ("StringContainsQ[\"hello\", \"ll\"]", "True")),
            stringTest("StringFreeQ", "StringFreeQ[s, patt] gives True if s contains no match of the string pattern patt.", .none, expected: false, ("StringFreeQ[\"hello\", \"z\"]", "True")),
            stringTest("StringStartsQ", "StringStartsQ[s, patt] gives True if s starts with a match of the string pattern patt.", .start, expected: true, ("StringStartsQ[\"hello\", \"he\"]", "True")),
            stringTest("StringEndsQ", "StringEndsQ[s, patt] gives True if s ends with a match of the string pattern patt.", .end, expected: true, ("StringEndsQ[\"hello\", \"lo\"]", "True")),
        ]
    }

    /// A predicate on strings: whether the (anchored) pattern is found, or not found.
    private static func stringTest(_ name: String, _ usage: String, _ anchor: StringPattern.Anchor, expected: Bool,
                                   _ example: (String, String)) -> Builtin {
        Builtin(name, [], usage: usage, arity: .exactly(2), options: [("IgnoreCase", .falseExpr)],
                messages: ["strse": "String or list of strings expected at position `1` in `2`."], examples: [example]) { c in
            guard let pattern = StringPattern.compile(c[1], ignoreCase: c.option("IgnoreCase", .falseExpr).isTrue, anchor: anchor) else { return nil }
            return try mapStrings(c, tag: "strse") { s in .bool(try pattern.found(in: s, c.evaluator) == expected) }
        }
    }
}
