import Foundation
import Language

/// The text `?name` prints: usage (with its example), related names ("See also"), options, and
/// with `long` the examples, attributes and definitions.
func information(_ s: Symbol, long: Bool) -> String {
    var lines: [String] = []
    lines.append(s.usage ?? (s.hasDefinitions ? "Global`\(s.name)" : "\(s.name) has no usage message."))
    if let related = Guide.seeAlso(s.name) { lines.append(related) }
    if !long, !s.options.isEmpty {
        lines.append("Options: " + s.options.map { OutputForm.string($0) }.joined(separator: ", "))
    }
    if long, let examples = Builtin.installed[s.name]?.examples, !examples.isEmpty {
        lines.append("Examples:")
        for e in examples { lines.append("  \(e.input)  ->  \(e.output)") }
    }
    if long {
        let attrs = s.attributes.nameList
        if !attrs.isEmpty { lines.append("Attributes[\(s.name)] = {\(attrs.joined(separator: ", "))}") }
        if let v = s.ownValue { lines.append("\(s.name) = \(InputForm.string(v))") }
        for d in s.exactDownValues.values.sorted(by: { Order.less($0.lhs, $1.lhs) }) + s.downValues {
            lines.append("\(InputForm.string(d.lhs)) \(d.delayed ? ":=" : "=") \(InputForm.string(d.rhs))")
        }
        for d in s.upValues {
            lines.append("\(s.name) /: \(InputForm.string(d.lhs)) \(d.delayed ? ":=" : "=") \(InputForm.string(d.rhs))")
        }
        for d in s.exactSubValues.values.sorted(by: { Order.less($0.lhs, $1.lhs) }) + s.subValues {
            lines.append("\(InputForm.string(d.lhs)) \(d.delayed ? ":=" : "=") \(InputForm.string(d.rhs))")
        }
        if !s.options.isEmpty { lines.append("Options[\(s.name)] = \(InputForm.string(.list(s.options)))") }
    }
    return lines.joined(separator: "\n")
}

/// Whether anything is known about a symbol: a usage, a value, definitions, attributes or options.
func isKnown(_ s: Symbol) -> Bool {
    s.usage != nil || s.hasDefinitions || s.ownValue != nil || s.builtin != nil || !s.attributes.nameList.isEmpty
        || !s.options.isEmpty
}

/// Whether a symbol is only a Wolfram Language name nets lacks (which says so when called).
func isUnimplemented(_ s: Symbol) -> Bool {
    s.usage == nil && !s.hasDefinitions && s.ownValue == nil && s.attributes.nameList.isEmpty
        && Spelling.wolframNames.contains(s.name)
}

/// `Information::notfound` for a name nothing is known about, with the names close to it; a
/// Wolfram Language function nets lacks is said to be one.
private func notFound(_ name: String, _ c: Call) {
    if Spelling.wolframNames.contains(name) {
        c.message("notimpl", .sym(name))
        return
    }
    let hint = isSymbolName(name) ? Suggestion.didYouMean(name, among: symbolNames(matching: "*"), quote: false) : ""
    let shown: Expr = isSymbolName(name) ? .sym(name) : .string(name)
    c.message("notfound", text: c.evaluator.messages.text(c.symbol, "notfound", [shown]) + hint)
}

/// The line `Out[]`, `Out[n]` or `Out[-k]` (and `In`) refers to.
private func historyLine(_ c: Call) -> Int? {
    let line = c.evaluator.line
    if c.count == 0 { return line > 1 ? line - 1 : nil }
    guard c.count == 1, case .integer(let k) = c[0] else { return nil }
    return k < 0 ? line + k : k
}

/// Lays out names in aligned columns no wider than `width` characters.
func columns(_ names: [String], width: Int) -> String {
    let cell = (names.map(\.count).max() ?? 0) + 2
    let perRow = max(1, width / max(cell, 1))
    var rows: [String] = []
    var i = 0
    while i < names.count {
        let row = names[i..<min(i + perRow, names.count)]
        rows.append(row.map { $0.padding(toLength: cell, withPad: " ", startingAt: 0) }.joined()
            .trimmingCharacters(in: .whitespaces))
        i += perRow
    }
    return rows.joined(separator: "\n")
}

/// Whether a name is one of the standard library's private helpers: names that start with `$$`
/// (`$$riffle`), which `Names`, `?*` and completion leave out (see `stdlib/CoreKernel/core.nets`).
public func isPrivateName(_ name: String) -> Bool { name.hasPrefix("$$") }

/// Names of symbols matching a wildcard pattern, sorted, with no temporaries and no private helpers.
func symbolNames(matching pattern: String) -> [String] {
    Symbol.all.filter { !$0.isTemporary && !isPrivateName($0.name) && ($0.builtin != nil || $0.usage != nil || $0.hasDefinitions || $0.attributes.contains(.protected)) && wildcardMatch(pattern, $0.name) }
        .map(\.name).sorted()
}


extension Kernel {
    static var symbolicBuiltins: [Builtin] {
        [
            Builtin("Head", [], usage: "Head[expr] gives the head of expr; Head[expr, h] wraps it in h.", arity: .between(1, 2), examples: [("Head[{1, 2}]", "List"), ("Head[f[x], g]", "g[f]")]) { c in
                return c.count == 2 ? .call(c[1], [c[0].head]) : c[0].head
            },
            Builtin("NonCommutativeMultiply", [.flat, .oneIdentity], usage: "a ** b ** c is a general associative, but non-commutative, form of multiplication; it has no rules of its own.", examples: [("a ** (b ** c)", "a ** b ** c"), ("FullForm[a ** b]", "NonCommutativeMultiply[a, b]")]),
            Builtin("Hold", [.holdAll], usage: "Hold[expr] keeps expr unevaluated.", examples: [("Hold[1 + 1]", "Hold[1 + 1]")]),
            Builtin("HoldForm", [.holdAll], usage: "HoldForm[expr] keeps expr unevaluated and prints as expr.", examples: [("HoldForm[1 + 1]", "1 + 1")]),
            Builtin("HoldComplete", [.holdAllComplete], usage: "HoldComplete[expr] keeps expr unevaluated, even Evaluate and Sequence inside.", examples: [("HoldComplete[1 + 1]", "HoldComplete[1 + 1]")]),
            Builtin("ReleaseHold", [], usage: "ReleaseHold[expr] removes one layer of Hold, HoldForm, HoldPattern and HoldComplete wherever they occur in expr.", arity: .exactly(1), examples: [("ReleaseHold[Hold[1 + 1]]", "2"), ("ReleaseHold[f[Hold[1 + 2], HoldForm[3 + 4]]]", "f[3, 7]")]) { c in
                let holds: Set<Symbol> = [Sym.Hold, Sym.HoldForm, Symbol.intern("HoldComplete"), Symbol.intern("HoldPattern")]
                var pulse = Pulse(c)
                // The outermost holds go; what they held is left as it was.
                func release(_ e: Expr) throws -> Expr {
                    try pulse.beat()
                    guard case .normal(let n) = e else { return e }
                    if let h = n.head.asSymbol, holds.contains(h) {
                        return n.args.count == 1 ? n.args[0] : .call(Sym.Sequence, n.args)
                    }
                    var changed = false
                    let head = try release(n.head)
                    if !head.isIdentical(to: n.head) { changed = true }
                    var args = n.args
                    for i in args.indices {
                        let r = try release(args[i])
                        if !r.isIdentical(to: args[i]) { changed = true; args[i] = r }
                    }
                    return changed ? .normal(Normal(head, args)) : e
                }
                return try release(c[0])
            },
            Builtin("Evaluate", [], usage: "Evaluate[expr] evaluates expr even where arguments are held.", examples: [("Hold[Evaluate[1 + 1]]", "Hold[2]")]) { c in
                c.count == 1 ? c[0] : .call(Sym.Sequence, c.args)
            },
            Builtin("Unevaluated", [.holdAllComplete], usage: "Unevaluated[expr] passes expr unevaluated to a function.", examples: [("Length[Unevaluated[1 + 2 + 3]]", "3")]),
            Builtin("Sequence", [], usage: "Sequence[e1, e2, ...] is spliced into the arguments of any function.", examples: [("f[Sequence[a, b], c]", "f[a, b, c]")]),
            Builtin("FullForm", [], usage: "FullForm[expr] prints expr in functional notation, e.g. Plus[a, Times[-1, b]].", examples: [("FullForm[a - b]", "Plus[a, Times[-1, b]]")]),
            Builtin("InputForm", [], usage: "InputForm[expr] prints expr as text that can be read back.", examples: [("InputForm[\"a\"]", "\"a\"")]),
            Builtin("OutputForm", [], usage: "OutputForm[expr] prints expr in the standard output form.", examples: [("OutputForm[\"a\"]", "a")]),
            Builtin("TableForm", [], usage: "TableForm[list] prints a list of rows as a table.", examples: [("First[TableForm[{{1, 2}}]]", "{{1, 2}}")]),
            Builtin("MatrixForm", [], usage: "MatrixForm[m] prints a matrix as a table.", examples: [("First[MatrixForm[{{1, 2}}]]", "{{1, 2}}")]),
            Builtin("Short", [], usage: "Short[expr] prints expr abbreviated to about one line, runs of elements left out shown as <<k>>; Short[expr, n] to about n lines.", examples: [("Short[{1, 2, 3}]", "{1, 2, 3}"), ("Short[Range[100]]", "{1, 2, 3, 4, 5, 6, 7, 8, 9, <<82>>, 92, 93, 94, 95, 96, 97, 98, 99, 100}")]),
            Builtin("Symbol", [], usage: "Symbol[\"name\"] gives the symbol with that name.", examples: [("Symbol[\"x\"]", "x")]) { c in
                guard c.count == 1, let s = c[0].asString, !s.isEmpty, isSymbolName(s) else { return nil }
                return .sym(s)
            },
            Builtin("SymbolName", [], usage: "SymbolName[symbol] gives the name of a symbol as a string.", examples: [("SymbolName[x]", "x")]) { c in
                guard c.count == 1, case .symbol(let s) = c[0] else { return nil }
                return .string(s.name)
            },
            Builtin("Names", [], usage: "Names[\"pattern\"] lists the names of symbols matching a pattern with * and @ wildcards.", examples: [("Names[\"StringJoi*\"]", "{StringJoin}")]) { c in
                guard c.count == 1, let p = c[0].asString else { return c.count == 0 ? .strings(symbolNames(matching: "*")) : nil }
                return .strings(symbolNames(matching: p))
            },
            Builtin("Information", [.holdAll], usage: "Information[symbol] or ?symbol prints the usage of a symbol; ??symbol adds its attributes and definitions; ?Net* lists matching names.", arity: .atLeast(1), messages: ["notfound": "Nothing is known about `1`.",
                               "notimpl": "`1` is a Wolfram Language function that nets does not implement."], examples: [("Information[Length]", "Null")]) { c in
                // A native value's own summary and properties (a net, a classifier): the
                // argument is held, so a symbol stands for its value.
                var target = c[0]
                if case .symbol(let s) = target { target = s.ownValue ?? target } else if target.asString == nil { target = try c.evaluate(target) }
                if case .normal(let n) = target, n.head.isSymbol(Symbol.intern("Dataset")), n.args.count == 1,
                   c.count == 1, let box = DatasetForm.summary(n.args[0]) {
                    return .native(InformationValue(box))
                }
                if case .native = target {
                    let property = c.count >= 2 && !isOptionRule(c[1]) ? try c.evaluate(c[1]) : nil
                    if let r = try nativeInformation(target, property, c) { return r }
                }
                let long = c.options(from: 1)["LongForm"]?.isTrue ?? false
                if let pattern = c[0].asString {
                    if pattern.contains("*") || pattern.contains("@") {
                        let names = symbolNames(matching: pattern)
                        if names.isEmpty { notFound(pattern, c); return .null }
                        if names.count == 1 { c.evaluator.printer(information(Symbol.intern(names[0]), long: long)); return .null }
                        c.evaluator.printer(columns(names, width: 100))
                        return .null
                    }
                    guard let s = Symbol.lookup(pattern), isKnown(s), !isUnimplemented(s) else { notFound(pattern, c); return .null }
                    c.evaluator.printer(information(s, long: long))
                    return .null
                }
                guard case .symbol(let s) = c[0] else { return nil }
                guard isKnown(s), !isUnimplemented(s) else {
                    notFound(s.name, c)
                    return .null
                }
                c.evaluator.printer(information(s, long: long))
                return .null
            },
            Builtin("Out", [.listable, .nHoldAll], usage: "%n or Out[n] is the result of line n; % is the last result, %% the one before, Out[-k] the kth previous.", examples: [("2 + 3\n% * 2", "10")]) { c in
                guard let line = historyLine(c) else { return nil }
                return Session.current?.outputs[line]
            },
            Builtin("In", [.nHoldAll], usage: "In[n] is the input of line n, evaluated again; In[-k] the kth previous.", examples: [("1 + 1\nIn[$Line - 1]", "2")]) { c in
                guard let line = historyLine(c) else { return nil }
                return Session.current?.inputs[line]
            },
            Builtin("Level", [], usage: "Level[expr, levelspec] lists the parts of expr at the given levels; Heads -> True includes heads.", options: [("Heads", .falseExpr)], examples: [("Level[{a, {b, c}}, {2}]", "{b, c}"), ("Level[a + b, {1}, Heads -> True]", "{Plus, a, b}")]) { c in
                guard c.count >= 2, let (spec, positional) = levelArguments(c, at: 1, default: LevelSpec(min: 1, max: 1)), positional == 2 else { return nil }
                var out: [Expr] = []
                _ = visitLevels(c[0], spec) { e, _ in out.append(e); return true }
                return .list(out)
            },
            Builtin("LeafCount", [], usage: "LeafCount[expr] gives the number of atoms in expr.", arity: .exactly(1), examples: [("LeafCount[1 + a + b^2]", "6")]) { c in
                // Counted as FullForm shows it: a rational is Rational[p, q], three atoms.
                var leaves = 0
                var stack = [c[0]]
                while let e = stack.popLast() {
                    switch e {
                    case .normal(let n): stack.append(n.head); stack.append(contentsOf: n.args)
                    case .rational: leaves += 3
                    default: leaves += 1
                    }
                }
                return .integer(leaves)
            },
            Builtin("ByteCount", [], usage: "ByteCount[expr] gives an estimate of the memory expr uses.", arity: .exactly(1), examples: [("ByteCount[1]", "16")]) { c in
                func count(_ e: Expr) -> Int {
                    switch e {
                    case .normal(let n): return 40 + n.args.reduce(count(n.head)) { $0 + count($1) }
                    case .string(let s): return 24 + s.utf8.count
                    default: return 16
                    }
                }
                return .integer(count(c[0]))
            },
        ]
    }
}
