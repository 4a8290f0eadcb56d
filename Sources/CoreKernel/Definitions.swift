import Language

/// Whether pattern `g` matches everything pattern `s` matches, judged by structure alone:
/// `f[x_]` subsumes `f[x_Integer]` and `f[x_ /; x > 0]`; tests and conditions in `g` are
/// unknowable, so such a `g` subsumes only itself.
func subsumes(_ g: Expr, _ s: Expr) -> Bool {
    if g == s { return true }
    if let gs = g.headSymbol, gs === Sym.HoldPattern, let inner = g.args.first { return subsumes(inner, s) }
    if let ss = s.headSymbol {
        switch ss {
        case Sym.HoldPattern: if let inner = s.args.first { return subsumes(g, inner) }
        case Sym.Pattern: if s.args.count == 2 { return subsumes(g, s.args[1]) }
        case Sym.Condition, Sym.PatternTest: if let inner = s.args.first { return subsumes(g, inner) }
        default: break
        }
    }
    if let gs = g.headSymbol {
        switch gs {
        case Sym.Pattern: return g.args.count == 2 && subsumes(g.args[1], s)
        case Sym.Blank:
            guard let h = g.args.first else { return !isSequenceBlank(s) }
            if s.hasHead(Sym.Blank), let sh = s.args.first { return sh == h }
            return !(s.headSymbol?.isPatternHead ?? false) && s.head == h
        case Sym.BlankSequence, Sym.BlankNullSequence:
            guard let h = g.args.first else { return true }
            if let sh = s.args.first, s.headSymbol?.isPatternHead == true { return sh == h }
            return s.head == h
        case Sym.Alternatives: return g.args.contains { subsumes($0, s) }
        case Sym.Condition, Sym.PatternTest, Sym.Optional, Sym.Repeated, Sym.RepeatedNull, Sym.Except:
            return false
        default: break
        }
    }
    guard case .normal(let gn) = g, case .normal(let sn) = s, subsumes(gn.head, sn.head) else { return false }
    if gn.args.count != sn.args.count {
        // A trailing sequence blank absorbs the rest: f[x_, rest___] subsumes f[a_, b_, c_].
        guard let last = gn.args.last, isSequenceBlank(last), sn.args.count >= gn.args.count - 1 else { return false }
        return zip(gn.args.dropLast(), sn.args).allSatisfy { subsumes($0, $1) }
    }
    return zip(gn.args, sn.args).allSatisfy { subsumes($0, $1) }
}

private func isSequenceBlank(_ e: Expr) -> Bool {
    if e.hasHead(Sym.Pattern), e.args.count == 2 { return isSequenceBlank(e.args[1]) }
    return e.hasHead(Sym.BlankSequence) || e.hasHead(Sym.BlankNullSequence)
}

/// Adds a definition to a list, replacing one with the same left side, else placing it before
/// the first one that is strictly more general; definitions that cannot be compared keep the
/// order in which they were made.
func insertDefinition(_ d: Definition, into defs: inout [Definition]) {
    if let i = defs.firstIndex(where: { $0.lhs == d.lhs }) {
        defs[i] = d
        return
    }
    if let i = defs.firstIndex(where: { subsumes($0.lhs, d.lhs) && !subsumes(d.lhs, $0.lhs) }) {
        defs.insert(d, at: i)
    } else {
        defs.append(d)
    }
}

/// Evaluates the arguments of a definition's left side (not its head), as Set does.
func evaluateLHS(_ lhs: Expr, _ c: Call) throws -> Expr {
    guard case .normal(let n) = lhs else { return lhs }
    if n.head.isSymbol(Sym.Condition), n.args.count == 2 {
        return .call(Sym.Condition, [try evaluateLHS(n.args[0], c), n.args[1]])
    }
    if n.head.isSymbol(Sym.HoldPattern) { return lhs }
    let attrs = n.head.asSymbol?.attributes ?? []
    if attrs.contains(.holdAllComplete) { return lhs }
    var args = n.args
    for i in args.indices {
        let held = i == 0 ? attrs.contains(.holdFirst) : attrs.contains(.holdRest)
        if !held { args[i] = try c.evaluate(args[i]) }
    }
    var head = n.head
    if case .normal = head { head = try evaluateLHS(head, c) }
    return .normal(Normal(head, args))
}

/// The symbol a definition of `lhs` is attached to, and whether it is a sub-value (`f[a][b]`).
func definitionTarget(_ lhs: Expr) -> (Symbol, Bool)? {
    if (lhs.hasHead(Sym.Condition) || lhs.hasHead(Sym.HoldPattern)), let inner = lhs.args.first {
        return definitionTarget(inner)
    }
    guard case .normal(let n) = lhs else { return nil }
    var h = n.head
    var sub = false
    if h.hasHead(Sym.HoldPattern), let inner = h.args.first { h = inner }
    while case .normal(let m) = h { h = m.head; sub = true }
    guard case .symbol(let s) = h else { return nil }
    return (s, sub)
}

/// Performs `lhs = rhs` (delayed: `lhs := rhs`); returns the value of the assignment or nil on
/// failure (after a message).
func assign(_ lhs: Expr, _ rhs: Expr, delayed: Bool, _ c: Call) throws -> Expr? {
    let setSym = Symbol.intern(delayed ? "SetDelayed" : "Set")
    switch lhs {
    case .symbol(let s):
        if s.attributes.contains(.protected) {
            c.evaluator.messages.issue(setSym, "wrsym", [lhs])
            return nil
        }
        // For `x := rhs` the value is kept unevaluated, so every use evaluates it afresh.
        s.ownValue = rhs
        return rhs
    case .normal(let n):
        if n.head.isSymbol(Sym.List), let values = rhs.listItems {
            guard values.count == n.args.count else {
                c.evaluator.messages.issue(setSym, "shape", [lhs, rhs])
                return nil
            }
            for (l, r) in zip(n.args, values) { _ = try assign(l, r, delayed: delayed, c) }
            return rhs
        }
        if n.head.isSymbol(Sym.Part) { return try assignPart(n, rhs, c) }
        if n.head.isSymbol(Sym.MessageName), n.args.count >= 2, case .symbol(let s) = n.args[0],
           let tag = n.args[1].asString {
            if let text = rhs.asString {
                if tag == "usage" { s.usage = text } else { s.messages[tag] = text }
            }
            return rhs
        }
        if let h = n.head.asSymbol, n.args.count == 1, case .symbol(let f) = n.args[0],
           ["Attributes", "Options", "Default"].contains(h.name) {
            if f.attributes.contains(.protected) {
                c.evaluator.messages.issue(setSym, "write", [.symbol(f), Expr(Sym.HoldForm, lhs)])
                return nil
            }
            switch h.name {
            case "Attributes":
                var a: Attributes = []
                for item in rhs.listItems ?? [rhs] {
                    if let name = item.asSymbol?.name, let x = Attributes.named(name) { a.insert(x) }
                }
                f.attributes = a
                return rhs
            case "Options":
                f.options = rhs.listItems ?? [rhs]
                return rhs
            case "Default":
                f.defaultValue = rhs
                return rhs
            default: break
            }
        }
        // a = <|...|>; a[key] = value updates the association held by a.
        if case .symbol(let f) = n.head, n.args.count == 1, let v = f.ownValue, case .association(let box) = v {
            let key = try c.evaluate(n.args[0])
            var entries = box.entries
            entries[key] = rhs
            f.ownValue = .association(AssociationBox(entries))
            return rhs
        }
        let target = try evaluateLHS(lhs, c)
        guard let (f, sub) = definitionTarget(target) else {
            c.evaluator.messages.issue(setSym, "setraw", [lhs])
            return nil
        }
        if f.attributes.contains(.protected) {
            c.evaluator.messages.issue(setSym, "write", [.symbol(f), Expr(Sym.HoldForm, lhs)])
            return nil
        }
        let (lhs, rhs) = delayed ? bindOptionValues(target, rhs, f) : (target, rhs)
        let d = Definition(lhs: lhs, rhs: rhs, delayed: delayed)
        if lhs.isFreeOfPatterns {
            if sub { f.exactSubValues[lhs] = d } else { f.exactDownValues[lhs] = d }
        } else if sub {
            insertDefinition(d, into: &f.subValues)
        } else {
            insertDefinition(d, into: &f.downValues)
        }
        return rhs
    default:
        c.evaluator.messages.issue(setSym, "setraw", [lhs])
        return nil
    }
}

/// `x[[i, j]] = v`: replaces a part of the value held by symbol x.
/// `OptionValue[name]` in the body of `f[..., OptionsPattern[defaults]] := body` stands for the
/// option's value in the call: the options pattern gets a name (`$$options`, a private name, unless
/// it has one) and each one-argument `OptionValue[name]` in the body becomes
/// `OptionValue[f, {options, defaults}, name]`, which falls back on `Options[f]`.
private func bindOptionValues(_ lhs: Expr, _ rhs: Expr, _ f: Symbol) -> (Expr, Expr) {
    guard case .normal(let n) = lhs else { return (lhs, rhs) }
    let optionsPattern = Symbol.intern("OptionsPattern"), optionValue = Symbol.intern("OptionValue")
    func defaults(_ p: Expr) -> [Expr] { p.args.first.map { $0.listItems ?? [$0] } ?? [] }
    var args = n.args
    var bound: (name: Expr, defaults: [Expr])?
    for (i, a) in args.enumerated() {
        if a.hasHead(optionsPattern) {
            let name = Expr.symbol(Symbol.intern("$$options"))
            args[i] = Expr(Sym.Pattern, name, a)
            bound = (name, defaults(a))
            break
        }
        if a.hasHead(Sym.Pattern), a.args.count == 2, a.args[1].hasHead(optionsPattern) {
            bound = (a.args[0], defaults(a.args[1]))
            break
        }
    }
    guard let (name, defaultRules) = bound else { return (lhs, rhs) }
    func rewrite(_ e: Expr) -> Expr {
        guard case .normal(let m) = e else { return e }
        if m.head.isSymbol(optionValue), m.args.count == 1 {
            return .call(optionValue, [.symbol(f), .list([name] + defaultRules), m.args[0]])
        }
        return .normal(Normal(rewrite(m.head), m.args.map(rewrite)))
    }
    return (.normal(Normal(n.head, args)), rewrite(rhs))
}

func assignPart(_ n: Normal, _ rhs: Expr, _ c: Call) throws -> Expr? {
    guard case .symbol(let s) = n.args.first else {
        c.evaluator.messages.issue(Symbol.intern("Set"), "setps", [n.args.first ?? .null])
        return nil
    }
    guard let value = s.ownValue else {
        c.evaluator.messages.issue(Symbol.intern("Set"), "noval", [.symbol(s)])
        return nil
    }
    let specs = try n.args.dropFirst().map { try c.evaluate($0) }
    guard let updated = setPart(value, specs[...], rhs, c) else { return nil }
    s.ownValue = updated
    return rhs
}

/// Binds a symbol-valued side effect: evaluates `x`, applies `f` to its value and stores it.
func update(_ target: Expr, _ c: Call, _ f: (Expr) throws -> Expr) throws -> (old: Expr, new: Expr)? {
    let old = try c.evaluate(target)
    if old.isIdentical(to: target), case .symbol(let s) = target {
        c.message("rvalue", .symbol(s))
        return nil
    }
    let new = try c.evaluate(try f(old))
    guard try assign(target, new, delayed: false, c) != nil else { return nil }
    return (old, new)
}

private func symbolsIn(_ spec: Expr, _ c: Call) -> [Symbol] {
    var out: [Symbol] = []
    for item in spec.listItems ?? [spec] {
        if case .symbol(let s) = item { out.append(s) } else if let name = item.asString {
            if name.contains("*") {
                out.append(contentsOf: Symbol.all.filter { wildcardMatch(name, $0.name) && !$0.attributes.contains(.protected) })
            } else {
                out.append(Symbol.intern(name))
            }
        } else {
            c.message("ssym", item)
        }
    }
    return out
}

/// Matches `*` (any run of characters) and `@` (lower-case letters) wildcards.
func wildcardMatch(_ pattern: String, _ s: String) -> Bool {
    let p = Array(pattern), t = Array(s)
    var memo: [Int: Bool] = [:]
    func go(_ i: Int, _ j: Int) -> Bool {
        let key = i * (t.count + 1) + j
        if let m = memo[key] { return m }
        var r: Bool
        if i == p.count { r = j == t.count } else if p[i] == "*" {
            r = go(i + 1, j) || (j < t.count && go(i, j + 1))
        } else if p[i] == "@" {
            r = go(i + 1, j) || (j < t.count && t[j].isLowercase && go(i, j + 1))
        } else {
            r = j < t.count && p[i] == t[j] && go(i + 1, j + 1)
        }
        memo[key] = r
        return r
    }
    return go(0, 0)
}

private func attributeList(_ e: Expr) -> Attributes? {
    var a: Attributes = []
    for item in e.listItems ?? [e] {
        guard let name = item.asSymbol?.name, let x = Attributes.named(name) else { return nil }
        a.insert(x)
    }
    return a
}

/// Definitions as `HoldPattern[lhs] :> rhs`, as the Wolfram Language lists them whether they
/// were made with = or :=.
private func definitionList(_ defs: [Definition], _ exact: [Expr: Definition]) -> Expr {
    // Exact definitions in canonical order (as Definition and Wolfram list them), not the
    // dictionary's order, which differs from run to run.
    let all = exact.values.sorted(by: { Order.less($0.lhs, $1.lhs) }) + defs
    return .list(all.map { .call(Sym.RuleDelayed, [Expr(Sym.HoldPattern, $0.lhs), $0.rhs]) })
}

extension Kernel {
    static var definitionBuiltins: [Builtin] {
        [
            Builtin("Set", [.holdFirst, .sequenceHold], usage: "lhs = rhs evaluates rhs and assigns it to lhs from then on.", arity: .exactly(2), messages: ["setraw": "Cannot assign to raw object `1`.", "write": "Tag `1` in `2` is Protected."], examples: [("x = 5; x^2", "25")]) { c in
                // As in the Wolfram Language, a failed assignment still gives the right side.
                return try assign(c[0], c[1], delayed: false, c) ?? c[1]
            },
            Builtin("SetDelayed", [.holdAll, .sequenceHold], usage: "lhs := rhs assigns rhs, unevaluated, to be evaluated each time lhs is used.", arity: .exactly(2), examples: [("f[x_] := x^2; f[3]", "9")]) { c in
                return try assign(c[0], c[1], delayed: true, c) == nil ? .failed : .null
            },
            Builtin("UpSet", [.holdFirst, .sequenceHold], usage: "lhs ^= rhs assigns rhs to lhs, attached to the symbols in lhs's arguments.", arity: .exactly(2), examples: [("area[sq] ^= 4; area[sq]", "4")]) { c in
                return try upAssign(c[0], c[1], delayed: false, c)
            },
            Builtin("UpSetDelayed", [.holdAll, .sequenceHold], usage: "lhs ^:= rhs is the delayed form of ^=.", arity: .exactly(2), examples: [("len[p[x_, y_]] ^:= x + y; len[p[1, 2]]", "3")]) { c in
                _ = try upAssign(c[0], c[1], delayed: true, c)
                return .null
            },
            Builtin("TagSet", [.holdAll, .sequenceHold], usage: "f /: lhs = rhs attaches the definition to f.", examples: [("t /: g[t] = 1; g[t]", "1")]) { c in
                guard c.count == 3, case .symbol(let f) = c[0] else { return c.argCount(3) }
                let rhs = try c.evaluate(c[2])
                return try tagAssign(f, c[1], rhs, delayed: false, c)
            },
            Builtin("TagSetDelayed", [.holdAll, .sequenceHold], usage: "f /: lhs := rhs attaches the delayed definition to f.", examples: [("t /: h[t, x_] := x^2; h[t, 3]", "9")]) { c in
                guard c.count == 3, case .symbol(let f) = c[0] else { return c.argCount(3) }
                _ = try tagAssign(f, c[1], c[2], delayed: true, c)
                return .null
            },
            Builtin("Unset", [.holdFirst], usage: "lhs =. removes the value or definition of lhs.", arity: .exactly(1), examples: [("x = 1; x =.; x", "x")]) { c in
                if case .symbol(let s) = c[0] { s.ownValue = nil; return .null }
                let target = try evaluateLHS(c[0], c)
                if let (f, _) = definitionTarget(target) {
                    f.exactDownValues[target] = nil
                    f.downValues.removeAll { $0.lhs == target }
                    f.exactSubValues[target] = nil
                    f.subValues.removeAll { $0.lhs == target }
                }
                return .null
            },
            Builtin("Clear", [.holdAll], usage: "Clear[x, y, ...] removes the values and definitions of the symbols; strings may use * wildcards.", messages: ["ssym": "`1` is not a symbol or a string."], examples: [("x = 1; Clear[x]; x", "x")]) { c in
                for a in c.args {
                    for s in symbolsIn(a, c) where !s.attributes.contains(.protected) { s.clearValues() }
                }
                return .null
            },
            Builtin("ClearAll", [.holdAll], usage: "ClearAll[x, ...] removes values, attributes, messages and options of the symbols.", examples: [("f[x_] := x; ClearAll[f]; f[1]", "f[1]")]) { c in
                for a in c.args {
                    for s in symbolsIn(a, c) where !s.attributes.contains(.protected) {
                        s.clearValues()
                        s.attributes = []
                        s.messages = [:]
                        s.options = []
                        s.usage = nil
                    }
                }
                return .null
            },
            Builtin("Increment", [.holdFirst], usage: "x++ increases x by 1, returning the old value.", arity: .exactly(1), examples: [("i = 1; i++", "1")]) { c in
                return try update(c[0], c) { .call(Sym.Plus, [$0, .integer(1)]) }?.old ?? .failed
            },
            Builtin("Decrement", [.holdFirst], usage: "x-- decreases x by 1, returning the old value.", arity: .exactly(1), examples: [("i = 5; i--; i", "4")]) { c in
                return try update(c[0], c) { .call(Sym.Plus, [$0, .integer(-1)]) }?.old ?? .failed
            },
            Builtin("PreIncrement", [.holdFirst], usage: "++x increases x by 1, returning the new value.", arity: .exactly(1), examples: [("i = 1; ++i", "2")]) { c in
                return try update(c[0], c) { .call(Sym.Plus, [$0, .integer(1)]) }?.new ?? .failed
            },
            Builtin("PreDecrement", [.holdFirst], usage: "--x decreases x by 1, returning the new value.", arity: .exactly(1), examples: [("i = 1; --i", "0")]) { c in
                return try update(c[0], c) { .call(Sym.Plus, [$0, .integer(-1)]) }?.new ?? .failed
            },
            Builtin("AddTo", [.holdFirst], usage: "x += dx adds dx to x and returns the new value.", arity: .exactly(2), examples: [("x = 1; x += 2", "3")]) { c in
                return try update(c[0], c) { .call(Sym.Plus, [$0, c[1]]) }?.new ?? .failed
            },
            Builtin("SubtractFrom", [.holdFirst], usage: "x -= dx subtracts dx from x and returns the new value.", arity: .exactly(2), examples: [("x = 5; x -= 2", "3")]) { c in
                return try update(c[0], c) { .call(Sym.Plus, [$0, .call(Sym.Times, [.integer(-1), c[1]])]) }?.new ?? .failed
            },
            Builtin("TimesBy", [.holdFirst], usage: "x *= c multiplies x by c and returns the new value.", arity: .exactly(2), examples: [("x = 3; x *= 4", "12")]) { c in
                return try update(c[0], c) { .call(Sym.Times, [$0, c[1]]) }?.new ?? .failed
            },
            Builtin("DivideBy", [.holdFirst], usage: "x /= c divides x by c and returns the new value.", arity: .exactly(2), examples: [("x = 6; x /= 4", "3/2")]) { c in
                return try update(c[0], c) { .call(Sym.Times, [$0, .call(Sym.Power, [c[1], .integer(-1)])]) }?.new ?? .failed
            },
            Builtin("AppendTo", [.holdFirst], usage: "AppendTo[x, elem] appends elem to the list held by x.", arity: .exactly(2), examples: [("l = {1}; AppendTo[l, 2]; l", "{1, 2}")]) { c in
                return try update(c[0], c) { .call(Symbol.intern("Append"), [$0, c[1]]) }?.new ?? .failed
            },
            Builtin("PrependTo", [.holdFirst], usage: "PrependTo[x, elem] prepends elem to the list held by x.", arity: .exactly(2), examples: [("l = {1}; PrependTo[l, 0]; l", "{0, 1}")]) { c in
                return try update(c[0], c) { .call(Symbol.intern("Prepend"), [$0, c[1]]) }?.new ?? .failed
            },
            Builtin("Attributes", [.holdAll], usage: "Attributes[f] lists the attributes of f.", arity: .exactly(1), examples: [("SetAttributes[f, Listable]; Attributes[f]", "{Listable}")]) { c in
                guard let s = c[0].asSymbol ?? c[0].asString.map(Symbol.intern) else { return nil }
                return .list(s.attributes.nameList.map { .sym($0) })
            },
            Builtin("SetAttributes", [.holdFirst], usage: "SetAttributes[f, attr] or SetAttributes[f, {attrs}] adds attributes to f.", arity: .exactly(2), messages: ["sym": "Argument `1` at position `2` is expected to be a symbol."], examples: [("SetAttributes[f, Listable]; f[{1, 2}]", "{f[1], f[2]}")]) { c in
                guard let a = attributeList(c[1]) else { return nil }
                for s in symbolsIn(c[0], c) { s.attributes.formUnion(a) }
                return .null
            },
            Builtin("ClearAttributes", [.holdFirst], usage: "ClearAttributes[f, attr] removes attributes from f.", arity: .exactly(2), examples: [("SetAttributes[f, Listable]; ClearAttributes[f, Listable]; f[{1, 2}]", "f[{1, 2}]")]) { c in
                guard let a = attributeList(c[1]) else { return nil }
                for s in symbolsIn(c[0], c) { s.attributes.subtract(a) }
                return .null
            },
            Builtin("Protect", [.holdAll], usage: "Protect[f, ...] sets the Protected attribute.", examples: [("Protect[y]; a = Attributes[y]; Unprotect[y]; a", "{Protected}")]) { c in
                var names: [Expr] = []
                for a in c.args { for s in symbolsIn(a, c) where !s.attributes.contains(.protected) { s.attributes.insert(.protected); names.append(.string(s.name)) } }
                return .list(names)
            },
            Builtin("Unprotect", [.holdAll], usage: "Unprotect[f, ...] removes the Protected attribute.", examples: [("Protect[y]; Unprotect[y]", "{y}")]) { c in
                var names: [Expr] = []
                for a in c.args { for s in symbolsIn(a, c) where s.attributes.contains(.protected) { s.attributes.remove(.protected); names.append(.string(s.name)) } }
                return .list(names)
            },
            Builtin("Options", [], usage: "Options[f] gives the default options of f; Options[f, name] one of them.", arity: .between(1, 2), examples: [("Options[f] = {n -> 1}; Options[f]", "{n -> 1}")]) { c in
                guard case .symbol(let s) = c[0] else {
                    if case .native(let v) = c[0], let summarized = v as? SummarizedValue {
                        let n = c.count == 2 ? optionName(c[1]) : nil
                        return .list(summarized.optionRules.filter { n == nil || optionName($0.args.first ?? .null) == n })
                    }
                    if c[0].isList || c[0].isAtom { return nil }
                    return .list(c[0].args.filter(isOptionRule))
                }
                if c.count == 2 {
                    let n = optionName(c[1])
                    return .list(s.options.filter { optionName($0.args.first ?? .null) == n })
                }
                return .list(s.options)
            },
            Builtin("OptionValue", [], usage: "OptionValue[name] inside a definition with OptionsPattern[] gives the option's value; OptionValue[f, opts, name] looks it up explicitly.", messages: ["optnf": "Option name `1` not found in defaults for `2`."],
                    examples: [("Options[f] = {n -> 1}; f[OptionsPattern[]] := OptionValue[n]; {f[], f[n -> 2]}", "{1, 2}"),
                               ("Options[f] = {n -> 1}; OptionValue[f, {n -> 3}, n]", "3")]) { c in
                guard c.count == 3, case .symbol(let f) = c[0] else { return nil }
                var given: [String: Expr] = [:]
                collectOptions(c[1], into: &given)
                func value(_ nameExpr: Expr) -> Expr {
                    guard let name = optionName(nameExpr) else { return .null }
                    if let v = given[name] { return v }
                    for o in f.options where optionName(o.args.first ?? .null) == name { return o.args.count > 1 ? o.args[1] : .null }
                    c.message("optnf", nameExpr, .symbol(f))
                    return nameExpr
                }
                if let names = c[2].listItems { return .list(names.map(value)) }
                return value(c[2])
            },
            Builtin("Default", [], usage: "Default[f] gives the default value for optional arguments x_. of f.", examples: [("Default[f] = 5; Default[f]", "5")]) { c in
                guard c.count >= 1, case .symbol(let f) = c[0] else { return nil }
                return f.defaultValue
            },
            Builtin("OwnValues", [.holdAll], usage: "OwnValues[x] gives the rule for the value of x.", examples: [("x = 1; OwnValues[x]", "{HoldPattern[x] :> 1}")]) { c in
                guard c.count == 1, case .symbol(let s) = c[0] else { return nil }
                guard let v = s.ownValue else { return .list([]) }
                return .list([.call(Sym.RuleDelayed, [Expr(Sym.HoldPattern, c[0]), v])])
            },
            Builtin("DownValues", [.holdAll], usage: "DownValues[f] gives the definitions f[...] = ... of f.", examples: [("f[1] = a; DownValues[f]", "{HoldPattern[f[1]] :> a}")]) { c in
                guard c.count == 1, case .symbol(let s) = c[0] else { return nil }
                return definitionList(s.downValues.filter { !$0.lhs.isSymbol(s) }, s.exactDownValues)
            },
            Builtin("UpValues", [.holdAll], usage: "UpValues[f] gives the definitions attached to f by ^= and /:.", examples: [("g /: h[g] = 1; UpValues[g]", "{HoldPattern[h[g]] :> 1}")]) { c in
                guard c.count == 1, case .symbol(let s) = c[0] else { return nil }
                return definitionList(s.upValues, [:])
            },
            Builtin("SubValues", [.holdAll], usage: "SubValues[f] gives the definitions f[...][...] = ... of f.", examples: [("f[1][x_] := x; SubValues[f]", "{HoldPattern[f[1][x_]] :> x}")]) { c in
                guard c.count == 1, case .symbol(let s) = c[0] else { return nil }
                return definitionList(s.subValues, s.exactSubValues)
            },
            Builtin("ValueQ", [.holdAll], usage: "ValueQ[expr] gives True if expr has a value.", arity: .exactly(1), examples: [("x = 1; ValueQ[x]", "True")]) { c in
                if case .symbol(let s) = c[0] { return .bool(s.ownValue != nil) }
                return .bool(try !c.evaluate(c[0]).isIdentical(to: c[0]) && c.evaluate(c[0]) != c[0])
            },
        ]
    }
}

private func upAssign(_ lhs: Expr, _ rhs: Expr, delayed: Bool, _ c: Call) throws -> Expr {
    let target = try evaluateLHS(lhs, c)
    guard case .normal(let n) = target else { return .failed }
    for a in n.args {
        let s: Symbol?
        if case .symbol(let x) = a { s = x } else { s = a.headSymbol }
        guard let s, !s.attributes.contains(.protected) else { continue }
        insertDefinition(Definition(lhs: target, rhs: rhs, delayed: delayed), into: &s.upValues)
    }
    return delayed ? .null : rhs
}

private func tagAssign(_ f: Symbol, _ lhs: Expr, _ rhs: Expr, delayed: Bool, _ c: Call) throws -> Expr {
    let target = try evaluateLHS(lhs, c)
    if let (g, _) = definitionTarget(target), g === f {
        return try assign(lhs, rhs, delayed: delayed, c) ?? .failed
    }
    insertDefinition(Definition(lhs: target, rhs: rhs, delayed: delayed), into: &f.upValues)
    return delayed ? .null : rhs
}
