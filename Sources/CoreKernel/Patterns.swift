import Language

/// The rules of a replacement: one rule, a list of rules, or an association's rules.
func ruleList(_ e: Expr) -> [Expr]? {
    if isOptionRule(e) { return [e] }
    if let items = e.listItems, items.allSatisfy(isOptionRule) { return items }
    if case .association(let a) = e { return a.entries.map { .rule($0.key, $0.value) } }
    return nil
}

/// Applies the first matching rule to e or, failing that, to its parts (top-down, once).
func replaceAll(_ e: Expr, _ rules: [Expr], _ ev: Evaluator) throws -> Expr {
    for r in rules {
        if let out = try ev.applyRule(r, to: e) { return out }
    }
    switch e {
    case .normal(let n):
        let head = try replaceAll(n.head, rules, ev)
        var changed = !head.isIdentical(to: n.head)
        var args = n.args
        for i in args.indices {
            let r = try replaceAll(args[i], rules, ev)
            if !r.isIdentical(to: args[i]) { changed = true; args[i] = r }
        }
        return changed ? .normal(Normal(head, args)) : e
    case .association(let a):
        var entries = a.entries
        var changed = false
        for (k, v) in a.entries {
            let r = try replaceAll(v, rules, ev)
            if !r.isIdentical(to: v) { changed = true; entries[k] = r }
        }
        return changed ? .association(AssociationBox(entries)) : e
    default:
        return e
    }
}

/// The elements of e at level 1, or an association's values.
func elements(_ e: Expr) -> [Expr] {
    if case .association(let a) = e { return Array(a.entries.values) }
    return e.args
}

/// A pattern, or `patt -> rhs` with the rule's left side as the pattern.
private func casePattern(_ e: Expr) -> (Expr, Expr?) {
    if isOptionRule(e) { return (e.args[0], e) }
    return (e, nil)
}

extension Kernel {
    static var patternBuiltins: [Builtin] {
        [
            Builtin("MatchQ", [], usage: "MatchQ[expr, form] gives True if expr matches the pattern form.", arity: .exactly(2), examples: [("MatchQ[{1, 2}, {__Integer}]", "True")]) { c in
                return .bool(try c.evaluator.matches(c[0], c[1]))
            },
            Builtin("Cases", [], usage: "Cases[list, pattern] gives the elements that match; Cases[list, patt -> rhs] transforms them; Cases[expr, patt, levelspec, n]; Heads -> True looks at heads too.", arity: .between(2, 5), options: [("Heads", .falseExpr)], examples: [("Cases[{1, a, 2.5, 3}, _Integer]", "{1, 3}"), ("Cases[f[a, b], _, Heads -> True]", "{f, a, b}")]) { c in
                guard let (spec, positional) = levelArguments(c, at: 2, default: LevelSpec(min: 1, max: 1)) else { return nil }
                let (p, rule) = casePattern(c[1])
                let limit = positional == 4 ? (c[3].intValue ?? Int.max) : Int.max
                var out: [Expr] = []
                if spec.min == 1 && spec.max == 1 && !spec.includeHeads {
                    for e in elements(c[0]) where out.count < limit {
                        if let r = rule { if let v = try c.evaluator.applyRule(r, to: e) { out.append(v) } } else if try c.evaluator.matches(e, p) { out.append(e) }
                    }
                    return .list(out)
                }
                _ = try visitLevels(c[0], spec) { e, _ in
                    if out.count >= limit { return false }
                    if let r = rule { if let v = try c.evaluator.applyRule(r, to: e) { out.append(v) } } else if try c.evaluator.matches(e, p) { out.append(e) }
                    return true
                }
                return .list(out)
            },
            Builtin("DeleteCases", [], usage: "DeleteCases[list, pattern] removes the elements that match the pattern; DeleteCases[expr, patt, levelspec, n] removes at most n parts at those levels.", arity: .between(2, 5), options: [("Heads", .falseExpr)], examples: [("DeleteCases[{1, a, 2}, _Symbol]", "{1, 2}"), ("DeleteCases[{{1, a}, {2}}, _Integer, 2]", "{{a}, {}}")]) { c in
                guard let (spec, positional) = levelArguments(c, at: 2, default: LevelSpec(min: 1, max: 1)) else { return nil }
                var left = positional == 4 ? (c[3].intValue ?? Int.max) : Int.max
                if case .association(let a) = c[0], spec.min == 1, spec.max == 1 {
                    var out = a.entries
                    for (k, v) in a.entries where left > 0 {
                        if try c.evaluator.matches(v, c[1]) { out[k] = nil; left -= 1 }
                    }
                    return .association(AssociationBox(out))
                }
                var pulse = Pulse(c)
                // The parts at the levels in spec that match go; what is below a deleted part is not visited.
                func delete(_ e: Expr, _ level: Int) throws -> Expr {
                    try pulse.beat()
                    guard case .normal(let n) = e, spec.descends(below: level) else { return e }
                    var args: [Expr] = []
                    args.reserveCapacity(n.args.count)
                    for a in n.args {
                        if left > 0, spec.contains(level + 1, depth: spec.min < 0 || spec.max < 0 ? exprDepth(a) : 1),
                           try c.evaluator.matches(a, c[1]) {
                            left -= 1
                            continue
                        }
                        args.append(try delete(a, level + 1))
                    }
                    return .normal(Normal(n.head, args))
                }
                return try delete(c[0], 0)
            },
            Builtin("Count", [], usage: "Count[list, pattern] counts the elements that match; Count[expr, patt, levelspec] at other levels.", arity: .between(2, 4), options: [("Heads", .falseExpr)], examples: [("Count[{1, 2, 1}, 1]", "2")]) { c in
                guard let (spec, _) = levelArguments(c, at: 2, default: LevelSpec(min: 1, max: 1)) else { return nil }
                var n = 0
                _ = try visitLevels(c[0], spec) { e, _ in
                    if try c.evaluator.matches(e, c[1]) { n += 1 }
                    return true
                }
                return .integer(n)
            },
            Builtin("Position", [], usage: "Position[expr, pattern] gives the positions where parts of expr match the pattern (heads included, at position 0); Position[expr, patt, levelspec, n].", arity: .between(2, 5), options: [("Heads", .trueExpr)], examples: [("Position[{a, b, a}, a]", "{{1}, {3}}"), ("Position[f[a], f]", "{{0}}")]) { c in
                guard let (spec, positional) = levelArguments(c, at: 2, default: LevelSpec(min: 0, max: Int.max), heads: true) else { return nil }
                let limit = positional == 4 ? (c[3].intValue ?? Int.max) : Int.max
                var out: [Expr] = []
                _ = try visitLevels(c[0], spec) { e, path in
                    if out.count >= limit { return false }
                    if try c.evaluator.matches(e, c[1]) { out.append(.list(path)) }
                    return true
                }
                return .list(out)
            },
            Builtin("MemberQ", [], usage: "MemberQ[list, form] gives True if an element of list matches form; MemberQ[expr, form, levelspec] looks at those levels.", arity: .between(2, 4), options: [("Heads", .falseExpr)], examples: [("MemberQ[{1, 2}, 2]", "True"), ("MemberQ[{1, {2}}, 2, 2]", "True")]) { c in
                guard let (spec, _) = levelArguments(c, at: 2, default: LevelSpec(min: 1, max: 1)) else { return nil }
                if spec.min == 1 && spec.max == 1 && !spec.includeHeads {
                    for e in elements(c[0]) where try c.evaluator.matches(e, c[1]) { return .trueExpr }
                    return .falseExpr
                }
                var found = false
                _ = try visitLevels(c[0], spec) { e, _ in
                    if try c.evaluator.matches(e, c[1]) { found = true; return false }
                    return true
                }
                return .bool(found)
            },
            Builtin("FreeQ", [], usage: "FreeQ[expr, form] gives True if no subexpression of expr (heads included) matches form; FreeQ[expr, form, levelspec] looks at those levels.", arity: .between(2, 4), options: [("Heads", .trueExpr)], examples: [("FreeQ[{1, f[x]}, x]", "False"), ("FreeQ[{a, {b}}, b, 1]", "True")]) { c in
                guard let (spec, _) = levelArguments(c, at: 2, default: LevelSpec(min: 0, max: Int.max), heads: true) else { return nil }
                var found = false
                _ = try visitLevels(c[0], spec) { e, _ in
                    if try c.evaluator.matches(e, c[1]) { found = true; return false }
                    return true
                }
                return .bool(!found)
            },
            Builtin("ReplaceAll", [], usage: "expr /. rules applies the rules to each part of expr, trying the whole first.", arity: .exactly(2), examples: [("{a, b} /. a -> 1", "{1, b}")]) { c in
                if let lists = c[1].listItems, !lists.isEmpty, lists.allSatisfy({ $0.isList }) {
                    return .list(try lists.map { l in
                        guard let rules = ruleList(l) else { return c[0] }
                        return try replaceAll(c[0], rules, c.evaluator)
                    })
                }
                guard let rules = ruleList(c[1]) else { c.message("reps", c[1]); return nil }
                return try replaceAll(c[0], rules, c.evaluator)
            },
            Builtin("ReplaceRepeated", [], usage: "expr //. rules applies the rules repeatedly until the result stops changing.", arity: .exactly(2), examples: [("x //. {x -> y, y -> z}", "z")]) { c in
                guard let rules = ruleList(c[1]) else { c.message("reps", c[1]); return nil }
                var e = c[0]
                for _ in 0..<65536 {
                    try c.evaluator.checkInterrupt()
                    let r = try c.evaluate(try replaceAll(e, rules, c.evaluator))
                    if r == e { return r }
                    e = r
                }
                return e
            },
            Builtin("Replace", [], usage: "Replace[expr, rules] applies the rules to expr as a whole; Replace[expr, rules, levelspec] at those levels; with Heads -> True the heads are parts too.", arity: .between(2, 3), options: [("Heads", .falseExpr)], examples: [("Replace[x, x -> 1]", "1"), ("Replace[f[a], f -> g, {1}, Heads -> True]", "g[a]")]) { c in
                // A list of lists of rules: the results of each list.
                if let lists = c[1].listItems, !lists.isEmpty, lists.allSatisfy({ $0.isList }) {
                    return .list(lists.map { .call(c.symbol, [c[0], $0] + Array(c.args.dropFirst(2))) })
                }
                guard let rules = ruleList(c[1]) else { c.message("reps", c[1]); return nil }
                let headsGiven = c.count >= 3 && isOptionRule(c[c.count - 1]) && optionName(c[c.count - 1].args[0]) == "Heads"
                let n = headsGiven ? c.count - 1 : c.count
                let spec = n == 3 ? (LevelSpec.parse(c[2]) ?? LevelSpec(min: 0, max: 0)) : LevelSpec(min: 0, max: 0)
                func replace(_ e: Expr) throws -> Expr {
                    for r in rules { if let v = try c.evaluator.applyRule(r, to: e) { return v } }
                    return e
                }
                // Heads -> True: a head is one level below its expression, like the arguments.
                if headsGiven, c[c.count - 1].args[1].isTrue, spec.min >= 0, spec.max >= 0 {
                    var pulse = Pulse(c)
                    func walk(_ e: Expr, _ level: Int) throws -> Expr {
                        try pulse.beat()
                        var current = e
                        if case .normal(let x) = e, level < spec.max {
                            current = .normal(Normal(try walk(x.head, level + 1), try x.args.map { try walk($0, level + 1) }))
                        }
                        return level >= spec.min ? try replace(current) : current
                    }
                    return try walk(c[0], 0)
                }
                return try mapLevels(c[0], spec, replace)
            },
            Builtin("ReplaceList", [], usage: "ReplaceList[expr, rules] gives the list of the results of every way the rules can transform expr as a whole; ReplaceList[expr, rules, n] at most n of them.", arity: .between(2, 3), messages: ["innf": "Non-negative integer or Infinity expected at position `2` in `1`."], examples: [("ReplaceList[{a, b, c}, {x___, y_, z___} :> {y}]", "{{a}, {b}, {c}}"), ("ReplaceList[{a, b, c}, {x__, y__} :> {{x}, {y}}, 1]", "{{{a}, {b, c}}}")]) { c in
                guard let rules = ruleList(c[1]) else { c.message("reps", c[1]); return nil }
                var limit = Int.max
                if c.count == 3 {
                    if let n = c[2].intValue, n >= 0 { limit = n }
                    else if !c[2].isSymbol(Sym.Infinity) { c.message("innf", c.whole, .integer(3)); return nil }
                }
                var out: [Expr] = []
                for r in rules where out.count < limit {
                    out += try c.evaluator.applyRuleAll(r, to: c[0], limit: limit - out.count)
                }
                return .list(out)
            },
            Builtin("Rule", [.sequenceHold], usage: "lhs -> rhs is a rule that replaces lhs by rhs (rhs evaluated once).", examples: [("{x, y} /. Rule[x, 1]", "{1, y}")]),
            Builtin("RuleDelayed", [.holdRest, .sequenceHold], usage: "lhs :> rhs is a rule whose rhs is evaluated after each replacement.", examples: [("{1, 2} /. n_Integer :> n^2", "{1, 4}")]),
            Builtin("Blank", [], usage: "_ or Blank[] is a pattern for any single expression; _h for one with head h.", examples: [("MatchQ[f[1], _f]", "True")]),
            Builtin("BlankSequence", [], usage: "__ is a pattern for one or more expressions.", examples: [("MatchQ[{1, 2}, {__}]", "True")]),
            Builtin("BlankNullSequence", [], usage: "___ is a pattern for zero or more expressions.", examples: [("MatchQ[{}, {___}]", "True")]),
            Builtin("Pattern", [.holdFirst], usage: "x_ or x:patt names the expression matched by a pattern.", examples: [("f[1] /. f[x_] :> x + 1", "2")]),
            Builtin("PatternTest", [.holdRest], usage: "patt?test matches when test of the expression gives True.", examples: [("Cases[{1, 2, 3, 4}, _?EvenQ]", "{2, 4}")]),
            Builtin("Condition", [.holdAll], usage: "patt /; test matches only when test gives True.", examples: [("Cases[{1, 2, 3}, x_ /; x > 1]", "{2, 3}")]),
            Builtin("Alternatives", [], usage: "p1 | p2 | ... matches any of the patterns.", examples: [("Cases[{1, a, 2.5}, _Integer | _Real]", "{1, 2.5}")]),
            Builtin("Optional", [], usage: "x_:v or Optional[x_, v] may be omitted, with default v; x_. uses the function's Default.", examples: [("f[x_, y_: 10] := x + y; f[1]", "11")]),
            Builtin("Repeated", [], usage: "p.. matches one or more repetitions of p.", examples: [("MatchQ[{1, 1, 1}, {1 ..}]", "True")]),
            Builtin("RepeatedNull", [], usage: "p... matches zero or more repetitions of p.", examples: [("MatchQ[{}, {1 ...}]", "True")]),
            Builtin("PatternSequence", [], usage: "PatternSequence[p1, p2, ...] is a pattern for the sequence of expressions matching p1, p2, ... in turn.", examples: [("MatchQ[{a, b, a, b}, {PatternSequence[a, b] ..}]", "True"), ("{a, b, c} /. {x : PatternSequence[a, b], y_} :> {y, x}", "{c, a, b}")]),
            Builtin("Except", [], usage: "Except[c] matches anything but c; Except[c, p] matches p but not c.", examples: [("Cases[{1, a, 2}, Except[_Integer]]", "{a}")]),
            Builtin("HoldPattern", [.holdAll], usage: "HoldPattern[p] is the pattern p, left unevaluated.", examples: [("Hold[1 + 1] /. HoldPattern[1 + 1] -> 2", "Hold[2]")]),
            Builtin("Verbatim", [.holdAll], usage: "Verbatim[expr] matches exactly expr, even if it contains pattern objects.", examples: [("MatchQ[x_, Verbatim[x_]]", "True")]),
            Builtin("OptionsPattern", [], usage: "OptionsPattern[] matches any sequence of option rules; OptionsPattern[{n -> v, ...}] gives OptionValue[n] in the definition's body the default v.",
                    examples: [("f[x_, OptionsPattern[{n -> 1}]] := x + OptionValue[n]; {f[1], f[1, n -> 5]}", "{2, 6}"),
                               ("MatchQ[f[1, n -> 2], f[_, OptionsPattern[]]]", "True")]),
        ]
    }
}

