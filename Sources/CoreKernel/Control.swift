import Dispatch
import Foundation
import Language
import Resources

/// One iterator of Table, Do, Sum...: a variable (or none) and the values it takes, computed
/// one at a time (`Do[s += i, {i, 10^8}]` never holds a list of 10^8 values, so an interrupt
/// stops it at once and `s` keeps the partial sum).
struct Iterator {
    var variable: Symbol?
    /// How many values the variable takes.
    let count: Int
    /// The value of round `k` (from 0).
    let value: (Int) -> Expr

    /// Reads `n`, `{n}`, `{i, n}`, `{i, a, b}`, `{i, a, b, step}` or `{i, {values...}}`.
    static func parse(_ spec: Expr, _ c: Call) throws -> Iterator? {
        guard let items = spec.listItems else {
            let n = try c.evaluate(spec)
            guard let k = n.intValue else { c.message("itform", spec, .integer(2)); return nil }
            return Iterator(variable: nil, count: max(0, k), value: { _ in .null })
        }
        if items.count == 1 {
            let n = try c.evaluate(items[0])
            guard let k = n.intValue else { c.message("iterb", spec); return nil }
            return Iterator(variable: nil, count: max(0, k), value: { _ in .null })
        }
        guard let first = items.first, case .symbol(let v) = first, items.count <= 4 else {
            c.message("itform", spec, .integer(2))
            return nil
        }
        let bounds = try items.dropFirst().map { try c.evaluate($0) }
        if bounds.count == 1, let list = bounds[0].listItems {
            return Iterator(variable: v, count: list.count, value: { list[$0] })
        }
        var start: Expr = .integer(1), end: Expr, step: Expr = .integer(1)
        if bounds.count == 1 { end = bounds[0] } else { start = bounds[0]; end = bounds[1] }
        if bounds.count == 3 { step = bounds[2] }
        guard let a = start.doubleValue, let b = end.doubleValue, let s = step.doubleValue, s != 0 else {
            c.message("iterb", spec)
            return nil
        }
        let steps = ((b - a) / s + 1e-10).rounded(.down)
        guard steps.isFinite, steps < 0x1p62 else { c.message("iterb", spec); return nil }
        let count = steps < 0 ? 0 : Int(steps) + 1
        if case .integer(let i0) = start, case .integer(let di) = step {
            return Iterator(variable: v, count: count) { k in
                let (off, o1) = di.multipliedReportingOverflow(by: k)
                let (x, o2) = i0.addingReportingOverflow(off)
                return o1 || o2 ? Numbers.add(start, Numbers.multiply(step, .integer(k)) ?? .integer(0)) ?? start : .integer(x)
            }
        }
        return Iterator(variable: v, count: count) { k in
            Numbers.add(start, Numbers.multiply(step, .integer(k)) ?? .integer(0)) ?? start
        }
    }
}

/// Runs body for each combination of iterator values, the variables set Block-style, while body
/// returns true. Returns false when an iterator is malformed (after a message) or body stopped.
func iterate(_ specs: ArraySlice<Expr>, _ c: Call, _ body: () throws -> Bool) throws -> Bool {
    guard let first = specs.first else { return try body() }
    guard let it = try Iterator.parse(first, c) else { return false }
    let saved = it.variable?.ownValue
    defer { it.variable?.ownValue = saved }
    for k in 0..<it.count {
        try c.evaluator.checkInterrupt()
        it.variable?.ownValue = it.value(k)
        guard try iterate(specs.dropFirst(), c, body) else { return false }
    }
    return true
}

/// Table: a nested list, one level per iterator; its size is checked against the memory limit
/// before it is built.
func table(_ body: Expr, _ specs: ArraySlice<Expr>, _ c: Call) throws -> Expr? {
    guard let first = specs.first else {
        // Table is not a function Return leaves: the element is `Return[x]` itself, as in Wolfram.
        do { return try c.evaluate(body) } catch ControlFlow.returnValue(let v) {
            c.evaluator.keptReturns += 1
            return Expr(Symbol.intern("Return"), v)
        }
    }
    guard let it = try Iterator.parse(first, c) else { return nil }
    guard it.count <= 100_000_000 else { c.message("iterb", first); return nil }
    guard admits(it.count, c) else { return nil }
    let saved = it.variable?.ownValue
    defer { it.variable?.ownValue = saved }
    var out: [Expr] = []
    out.reserveCapacity(it.count)
    for k in 0..<it.count {
        try c.evaluator.checkInterrupt()
        it.variable?.ownValue = it.value(k)
        guard let r = try table(body, specs.dropFirst(), c) else { return nil }
        out.append(r)
    }
    return .list(out)
}

/// Sum or Product over iterators: numbers are combined as they come (a sum over 10^8 rounds
/// holds one number, not 10^8 terms); other terms are kept and combined with `head` at the end.
func accumulate(_ head: Symbol, _ c: Call) throws -> Expr? {
    let combine = head === Sym.Plus ? Numbers.add : Numbers.multiply
    // An infinite range stays unevaluated: the symbolic sums (stdlib algebra.nets) had their turn.
    let infinite = { (e: Expr) in e.isSymbol(Symbol.intern("Infinity")) || e.hasHead(Sym.DirectedInfinity) }
    if c.args.dropFirst().contains(where: { $0.listItems?.dropFirst().contains(where: infinite) == true }) { return nil }
    var total: Expr?
    var terms: [Expr] = []
    let finished = try iterate(c.args.dropFirst()[...], c) {
        let t = try c.evaluate(c[0])
        if t.isNumber, let so = total, let next = combine(so, t) {
            total = next
        } else if t.isNumber, total == nil {
            total = t
        } else {
            terms.append(t)
        }
        return true
    }
    guard finished else { return nil }
    return try c.evaluate(.call(head, (total.map { [$0] } ?? []) + terms))
}

/// Runs a loop body, turning Break into the end of the loop and Continue into the next round.
/// Returns false when the loop should stop.
func loopBody(_ c: Call, _ body: Expr) throws -> Bool {
    do {
        _ = try c.evaluate(body)
    } catch ControlFlow.breakLoop {
        return false
    } catch ControlFlow.continueLoop {
        return true
    }
    return true
}

/// Replaces each symbol in `map` by its value throughout e (for Module and With).
func replaceSymbols(_ e: Expr, _ map: [Symbol: Expr]) -> Expr {
    switch e {
    case .symbol(let s): return map[s] ?? e
    case .normal(let n):
        return .normal(Normal(replaceSymbols(n.head, map), n.args.map { replaceSymbols($0, map) }))
    default: return e
    }
}

/// With's substitution: replaces the symbols of `map` in e, except where an inner Function,
/// Module or With binds the same name, and renames an inner variable to `y$` where a value put
/// in would otherwise be captured by it (`With[{x = y}, Function[y, x + y]]` is
/// `Function[y$, y + y$]`).
func scopedReplace(_ e: Expr, _ map: [Symbol: Expr]) -> Expr {
    if map.isEmpty { return e }
    switch e {
    case .symbol(let s): return map[s] ?? e
    case .normal(let n):
        if case .symbol(let h) = n.head, n.args.count >= 2,
           h === Sym.Function || h.name == "Module" || h.name == "With" {
            let isFunction = h === Sym.Function
            let spec = n.args[0]
            let bound: [Symbol] = isFunction
                ? (spec.asSymbol.map { [$0] } ?? (spec.listItems ?? []).compactMap(\.asSymbol))
                : (spec.listItems ?? []).compactMap { $0.asSymbol ?? ($0.args.first?.asSymbol) }
            var inner = map
            for s in bound { inner[s] = nil }
            let captured = Set(inner.values.flatMap(symbolsIn).map { ObjectIdentifier($0) })
            for s in bound where captured.contains(ObjectIdentifier(s)) {
                inner[s] = .symbol(Symbol.intern(s.name + "$"))
            }
            // The variable list: renamed names, and (Module, With) the initial values outside the scope.
            let newSpec: Expr
            if isFunction {
                newSpec = replaceSymbols(spec, inner.filter { k, _ in bound.contains { $0 === k } })
            } else {
                newSpec = .list((spec.listItems ?? []).map { v in
                    guard case .normal(let a) = v, a.args.count == 2 else { return scopedReplace(v, inner.filter { k, _ in bound.contains { $0 === k } }) }
                    return .normal(Normal(a.head, [scopedReplace(a.args[0], inner.filter { k, _ in bound.contains { $0 === k } }), scopedReplace(a.args[1], map)]))
                })
            }
            return .normal(Normal(n.head, [newSpec] + n.args.dropFirst().map { scopedReplace($0, inner) }))
        }
        return .normal(Normal(scopedReplace(n.head, map), n.args.map { scopedReplace($0, map) }))
    default: return e
    }
}

/// The symbols that occur in e.
private func symbolsIn(_ e: Expr) -> [Symbol] {
    switch e {
    case .symbol(let s): return [s]
    case .normal(let n): return symbolsIn(n.head) + n.args.flatMap(symbolsIn)
    default: return []
    }
}

/// Local variable specifications `{x, y = v, ...}` of Module, Block and With.
func localVariables(_ spec: Expr, _ c: Call) -> [(Symbol, Expr?)]? {
    guard let items = spec.listItems else { c.message("lvlist", spec); return nil }
    var out: [(Symbol, Expr?)] = []
    for i in items {
        if case .symbol(let s) = i { out.append((s, nil)); continue }
        if (i.hasHead(Sym.Set) || i.hasHead(Sym.SetDelayed)) && i.args.count == 2, case .symbol(let s) = i.args[0] {
            out.append((s, i.args[1]))
            continue
        }
        c.message("lvset", spec, i, i.args.first ?? i)
        return nil
    }
    return out
}

/// Monitor: evaluates the first argument under a progress line showing the second, evaluated
/// again every few thousand evaluation steps (at most ten times a second).
private func monitor(_ c: Call) throws -> Expr {
    let ev = c.evaluator
    let shown = SharedText(OutputForm.string((try? c.evaluate(c[1])) ?? c[1]))
    let outer = ev.onTick
    defer { ev.onTick = outer }
    var last = Date()
    func tick() {
        outer?()
        guard Date().timeIntervalSince(last) >= 0.1 else { return }
        last = Date()
        // The monitored expression is evaluated without ticking itself; an abort it meets is
        // answered by the evaluation it interrupted.
        ev.onTick = nil
        defer { ev.onTick = tick }
        if let v = try? c.evaluate(c[1]) { shown.value = OutputForm.string(v) }
    }
    ev.onTick = tick
    return try ProgressLine.step(shown) { try c.evaluate(c[0]) }
}

func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

extension Kernel {
    static var controlBuiltins: [Builtin] {
        [
            Builtin("CompoundExpression", [.holdAll], usage: "expr1; expr2; ... evaluates the expressions in turn, giving the last result.", examples: [("x = 1; x + 1", "2")]) { c in
                var last: Expr = .null
                for a in c.args { last = try c.evaluate(a) }
                return last
            },
            Builtin("If", [.holdRest], usage: "If[cond, t, f] gives t if cond is True and f if it is False; If[cond, t, f, u] gives u if cond is neither.", arity: .between(2, 4), examples: [("If[1 < 2, yes, no]", "yes")]) { c in
                if c[0].isTrue { return try c.evaluate(c[1]) }
                if c[0].isFalse { return c.count >= 3 ? try c.evaluate(c[2]) : .null }
                if c.count == 4 { return try c.evaluate(c[3]) }
                return nil
            },
            Builtin("Which", [.holdAll], usage: "Which[test1, value1, test2, value2, ...] gives the value of the first test that is True.", examples: [("Which[False, 1, True, 2]", "2")]) { c in
                var i = 0
                while i + 1 < c.count {
                    let t = try c.evaluate(c[i])
                    if t.isTrue { return try c.evaluate(c[i + 1]) }
                    if !t.isFalse { return .call(c.symbol, [t] + c.args.dropFirst(i + 1)) }
                    i += 2
                }
                return .null
            },
            Builtin("Switch", [.holdRest], usage: "Switch[expr, form1, value1, form2, value2, ...] gives the value for the first form that expr matches.", examples: [("Switch[2, 1, a, 2, b]", "b"), ("Switch[2, 1, a, 1 + 1, b, _, c]", "b")]) { c in
                guard c.count >= 3, c.count % 2 == 1 else { return nil }
                var i = 1
                while i + 1 < c.count {
                    // Each form is evaluated when its turn comes, as in Wolfram (`1 + 1` is 2).
                    if try c.evaluator.matches(c[0], try c.evaluate(c[i])) { return try c.evaluate(c[i + 1]) }
                    i += 2
                }
                return .null
            },
            Builtin("Do", [.holdAll], usage: "Do[expr, {i, imax}] evaluates expr for i from 1 to imax; other iterators as in Table.", arity: .atLeast(2), examples: [("s = 0; Do[s += i, {i, 4}]; s", "10")]) { c in
                do {
                    _ = try iterate(c.args.dropFirst()[...], c) { try loopBody(c, c[0]) }
                } catch ControlFlow.returnValue(let v) {
                    return v
                }
                return .null
            },
            Builtin("While", [.holdAll], usage: "While[test, body] evaluates body while test is True.", arity: .between(1, 2), examples: [("n = 1; While[n < 100, n *= 2]; n", "128")]) { c in
                do {
                    while try c.evaluate(c[0]).isTrue {
                        try c.evaluator.checkInterrupt()
                        if c.count == 2, try !loopBody(c, c[1]) { break }
                    }
                } catch ControlFlow.returnValue(let v) {
                    return v
                }
                return .null
            },
            Builtin("For", [.holdAll], usage: "For[start, test, incr, body] runs start, then body and incr while test is True.", arity: .between(3, 4), examples: [("s = 0; For[i = 1, i <= 3, i++, s += i]; s", "6")]) { c in
                do {
                    _ = try c.evaluate(c[0])
                    while try c.evaluate(c[1]).isTrue {
                        try c.evaluator.checkInterrupt()
                        if c.count == 4, try !loopBody(c, c[3]) { break }
                        _ = try c.evaluate(c[2])
                    }
                } catch ControlFlow.returnValue(let v) {
                    return v
                }
                return .null
            },
            Builtin("Table", [.holdAll], usage: "Table[expr, {i, imax}] lists expr for i from 1 to imax; {i, imin, imax}, {i, imin, imax, di}, {i, {values}} and several iterators make nested lists.", messages: ["iterb": "Iterator `1` does not have appropriate bounds."], examples: [("Table[i^2, {i, 4}]", "{1, 4, 9, 16}"), ("Table[If[i == 2, Return[1], i], {i, 3}]", "{1, Return[1], 3}")]) { c in
                guard c.count >= 1 else { return c.argCount(2) }
                if c.count == 1 { return try c.evaluate(c[0]) }
                let kept = c.evaluator.keptReturns
                let r = try table(c[0], c.args.dropFirst()[...], c)
                // A table holding a kept `Return[x]` is final: evaluating it again would return.
                if let r, c.evaluator.keptReturns != kept { c.evaluator.markEvaluated(r) }
                return r
            },
            Builtin("Sum", [.holdAll], usage: "Sum[f, {i, imax}] sums f over the iterator.", arity: .atLeast(2), examples: [("Sum[i, {i, 100}]", "5050")]) { c in
                try accumulate(Sym.Plus, c)
            },
            Builtin("Product", [.holdAll], usage: "Product[f, {i, imax}] multiplies f over the iterator.", arity: .atLeast(2), examples: [("Product[i, {i, 5}]", "120")]) { c in
                try accumulate(Sym.Times, c)
            },
            Builtin("Module", [.holdAll], usage: "Module[{x, y = v, ...}, body] evaluates body with fresh local symbols.", arity: .exactly(2), examples: [("Module[{x = 2}, x^3]", "8")]) { c in
                guard let vars = localVariables(c[0], c) else { return nil }
                var map: [Symbol: Expr] = [:]
                var inits: [(Symbol, Expr)] = []
                let number = Symbol.nextModuleNumber()
                for (s, v) in vars {
                    let t = Symbol.temporary(s.name, number: number)
                    map[s] = .symbol(t)
                    if let v { inits.append((t, try c.evaluate(v))) }
                }
                for (t, v) in inits { t.ownValue = v }
                return try c.evaluate(replaceSymbols(c[1], map))
            },
            Builtin("$ModuleNumber", [], usage: "$ModuleNumber is the serial number the next local symbol made by Module or Unique gets.", examples: [("IntegerQ[$ModuleNumber]", "True")]),
            Builtin("Unique", [], usage: "Unique[] gives a new symbol $n; Unique[x] a new symbol x$n; Unique[\"x\"] a new symbol xn; Unique[{x, y, ...}] a list of them.", arity: .between(0, 1), messages: ["usym": "`1` is not a symbol or a valid symbol name."], examples: [("Head[Unique[x]]", "Symbol"), ("StringStartsQ[SymbolName[Unique[\"t\"]], \"t\"]", "True")]) { c in
                func fresh(_ base: Expr) -> Expr? {
                    let n = Symbol.nextModuleNumber()
                    if case .symbol(let s) = base { return .symbol(Symbol.intern("\(s.name)$\(n)")) }
                    if let name = base.asString, let first = name.unicodeScalars.first, first.properties.isAlphabetic || first == "$",
                       name.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "$" }) {
                        return .symbol(Symbol.intern("\(name)\(n)"))
                    }
                    c.message("usym", base)
                    return nil
                }
                guard c.count == 1 else { return .symbol(Symbol.intern("$\(Symbol.nextModuleNumber())")) }
                if let items = c[0].listItems {
                    var out: [Expr] = []
                    for item in items {
                        guard let s = fresh(item) else { return nil }
                        out.append(s)
                    }
                    return .list(out)
                }
                return fresh(c[0])
            },
            Builtin("Block", [.holdAll], usage: "Block[{x, y = v, ...}, body] evaluates body with the values of x, y... localized; its result is evaluated again outside, as every result is (x = 7; Block[{x}, x] gives 7).", arity: .exactly(2), examples: [("x = 1; Block[{x = 5}, x + 1]", "6"), ("x = 7; Block[{x}, Hold[x]]", "Hold[x]")]) { c in
                guard let vars = localVariables(c[0], c) else { return nil }
                var values: [(Symbol, Expr?)] = []
                for (s, v) in vars { values.append((s, try v.map { try c.evaluate($0) })) }
                let saved = vars.map { ($0.0, $0.0.ownValue, $0.0.downValues, $0.0.exactDownValues) }
                // Definitions are written only when there are some: a library's local (a process
                // symbol, see `Symbol.ownValue`) has none, and other sessions may be reading it.
                defer {
                    for (s, o, d, e) in saved {
                        s.ownValue = o
                        if !d.isEmpty || !s.downValues.isEmpty { s.downValues = d }
                        if !e.isEmpty || !s.exactDownValues.isEmpty { s.exactDownValues = e }
                    }
                }
                for (s, v) in values {
                    s.ownValue = v
                    if !s.downValues.isEmpty { s.downValues = [] }
                    if !s.exactDownValues.isEmpty { s.exactDownValues = [:] }
                }
                return try c.evaluate(c[1])
            },
            Builtin("With", [.holdAll], usage: "With[{x = v, ...}, body] substitutes the values for x... in body, then evaluates it; x := v substitutes v unevaluated; With[{x = v}, {y = ...}, body] nests, each list seeing the ones before it.", arity: .atLeast(2), examples: [("With[{x = 3}, x^2]", "9"), ("With[{x := 1 + 1}, Hold[x]]", "Hold[1 + 1]"), ("With[{x = 1}, {y = x + 1}, x + y]", "3")]) { c in
                if c.count > 2 { return .call(c.symbol, [c[0], .call(c.symbol, Array(c.args.dropFirst()))]) }
                guard let vars = localVariables(c[0], c) else { return nil }
                let delayed = Set((c[0].listItems ?? []).compactMap { $0.hasHead(Sym.SetDelayed) ? $0.args.first?.asSymbol : nil })
                var map: [Symbol: Expr] = [:]
                for (s, v) in vars {
                    guard let v else { c.message("lvset", c[0], .symbol(s), .symbol(s)); return nil }
                    map[s] = delayed.contains(s) ? v : try c.evaluate(v)
                }
                return try c.evaluate(scopedReplace(c[1], map))
            },
            Builtin("Return", [], usage: "Return[expr] returns expr from a function or loop.", examples: [("f[x_] := (If[x > 0, Return[pos]]; neg); f[1]", "pos")]) { c in
                throw ControlFlow.returnValue(c.args.first ?? .null)
            },
            Builtin("Break", [], usage: "Break[] exits the nearest enclosing loop.", arity: .exactly(0), examples: [("Do[If[i > 2, Break[]]; s = i, {i, 5}]; s", "2")]) { c in
                throw ControlFlow.breakLoop
            },
            Builtin("Continue", [], usage: "Continue[] goes on to the next round of the nearest enclosing loop.", arity: .exactly(0), examples: [("s = 0; Do[If[OddQ[i], Continue[]]; s += i, {i, 6}]; s", "12")]) { c in
                throw ControlFlow.continueLoop
            },
            Builtin("Throw", [], usage: "Throw[value] or Throw[value, tag] returns value to the nearest enclosing Catch.", arity: .between(1, 2), messages: ["nocatch": "Uncaught `1` returned to top level."], examples: [("Catch[Throw[1]; 2]", "1")]) { c in
                throw ControlFlow.throwValue(c[0], tag: c.count == 2 ? c[1] : nil)
            },
            Builtin("Catch", [.holdFirst], usage: "Catch[expr] returns the value of the first Throw in expr; Catch[expr, form] catches tags matching form.", arity: .between(1, 3), examples: [("Catch[Do[If[i > 3, Throw[i]], {i, 10}]]", "4")]) { c in
                do {
                    return try c.evaluate(c[0])
                } catch ControlFlow.throwValue(let v, let tag) {
                    if c.count == 1 {
                        if tag == nil { return v }
                        throw ControlFlow.throwValue(v, tag: tag)
                    }
                    guard let tag, try c.evaluator.matches(tag, c[1]) else { throw ControlFlow.throwValue(v, tag: tag) }
                    if c.count == 3 { return try c.apply(c[2], v, tag) }
                    return v
                }
            },
            Builtin("Abort", [], usage: "Abort[] aborts the evaluation; it returns $Aborted.", arity: .exactly(0), examples: [("CheckAbort[Abort[], aborted]", "aborted")]) { c in
                throw ControlFlow.abort
            },
            Builtin("CheckAbort", [.holdAll], usage: "CheckAbort[expr, failexpr] evaluates expr, giving failexpr if an abort happens.", arity: .exactly(2), examples: [("CheckAbort[Abort[]; 1, 2]", "2")]) { c in
                do { return try c.evaluate(c[0]) } catch ControlFlow.abort {
                    c.evaluator.interrupt.clear()
                    return try c.evaluate(c[1])
                }
            },
            Builtin("TimeConstrained", [.holdAll], usage: "TimeConstrained[expr, t] evaluates expr, stopping after t seconds with $Aborted; TimeConstrained[expr, t, failexpr] gives failexpr instead.", arity: .between(2, 3), messages: ["timc": "Time spent exceeded the limit of `1` seconds."], examples: [("TimeConstrained[1 + 1, 5]", "2")]) { c in
                guard let t = try c.evaluate(c[1]).doubleValue, t > 0 else { return nil }
                let ev = c.evaluator
                let level = ev.deadlines.count
                ev.deadlines.append(DispatchTime.now().uptimeNanoseconds + UInt64(min(t, 1e9) * 1e9))
                defer { ev.deadlines.removeLast(ev.deadlines.count - level) }
                do {
                    return try c.evaluate(c[0])
                } catch ControlFlow.timeout(let l) where l == level {
                    ev.deadlines.removeLast(ev.deadlines.count - level)
                    return c.count == 3 ? try c.evaluate(c[2]) : .symbol(Sym.Aborted)
                }
            },
            Builtin("AbsoluteTiming", [.holdAll], usage: "AbsoluteTiming[expr] gives {seconds, result}, the wall-clock time taken.", arity: .exactly(1), examples: [("Last[AbsoluteTiming[1 + 1]]", "2")]) { c in
                let t0 = seconds()
                let r = try c.evaluate(c[0])
                return .list([.real(seconds() - t0), r])
            },
            Builtin("Timing", [.holdAll], usage: "Timing[expr] gives {seconds, result}, the CPU time taken.", arity: .exactly(1), examples: [("Last[Timing[2^10]]", "1024")]) { c in
                let t0 = Double(clock()) / Double(CLOCKS_PER_SEC)
                let r = try c.evaluate(c[0])
                return .list([.real(Double(clock()) / Double(CLOCKS_PER_SEC) - t0), r])
            },
            Builtin("MemoryInUse", [], usage: "MemoryInUse[] gives the number of bytes the session's process holds in memory now (its resident memory).", arity: .exactly(0), examples: [("IntegerQ[MemoryInUse[]] && MemoryInUse[] > 10^6", "True")]) { _ in
                // statm is Linux's; elsewhere the peak is the closest reading there is.
                let now = ResourcePolicy.residentBytes()
                return .integer(now > 0 ? now : ResourcePolicy.peakResidentBytes())
            },
            Builtin("MaxMemoryUsed", [], usage: "MaxMemoryUsed[] gives the largest number of bytes the session's process has held in memory at once (its peak resident memory).", arity: .exactly(0), examples: [("IntegerQ[MaxMemoryUsed[]] && MaxMemoryUsed[] > 10^6", "True")]) { _ in
                .integer(ResourcePolicy.peakResidentBytes())
            },
            Builtin("Monitor", [.holdAll], usage: "Monitor[expr, mon] evaluates expr, showing the current value of mon (and the time taken) on a progress line while it runs: live on a terminal, a plain line every few seconds when output is not a terminal.", arity: .exactly(2), examples: [("Monitor[Total[Range[10]], i]", "55")]) { c in
                try monitor(c)
            },
            Builtin("Pause", [], usage: "Pause[n] waits n seconds.", examples: [("Pause[0.01]", "Null")]) { c in
                guard c.count == 1, let t = c[0].doubleValue, t >= 0 else { return c.argCount(1) }
                let end = seconds() + t
                while seconds() < end {
                    try c.evaluator.checkInterrupt()
                    usleep(UInt32(min(0.05, max(0, end - seconds())) * 1e6))
                }
                return .null
            },
            Builtin("Quit", [], usage: "Quit[] ends the session; Quit[n] exits with status n.", examples: [("Hold[Quit[]]", "Hold[Quit[]]")]) { c in
                fflush(nil)
                exit(Int32(truncatingIfNeeded: c.args.first?.intValue ?? 0))
            },
            Builtin("Exit", [], usage: "Exit[] ends the session, like Quit[].", examples: [("Hold[Exit[]]", "Hold[Exit[]]")]) { c in
                fflush(nil)
                exit(Int32(truncatingIfNeeded: c.args.first?.intValue ?? 0))
            },
        ]
    }
}
