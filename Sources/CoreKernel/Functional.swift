import Language
import Resources

/// Fills the slots `#`, `#n`, `#name`, `##` of a pure function's body, leaving nested slot
/// functions alone (their slots are their own).
func fillSlots(_ body: Expr, _ args: [Expr], function: Expr? = nil) -> Expr? {
    var failed = false
    func go(_ e: Expr) -> [Expr] {
        guard case .normal(let n) = e else { return [e] }
        if case .symbol(let h) = n.head {
            if h === Sym.Slot, n.args.count == 1 {
                if let k = n.args[0].asInt {
                    // #0 is the function itself (a pure function can call itself through it).
                    if k == 0 { return [function ?? .call(Sym.Function, [body])] }
                    guard k >= 1, k <= args.count else { failed = true; return [e] }
                    return [args[k - 1]]
                }
                if let key = n.args[0].asString {
                    if let a = args.first?.asAssociation { return [a.entries[.string(key)] ?? .missing("KeyAbsent", .string(key))] }
                    failed = true
                    return [e]
                }
            }
            if h === Sym.SlotSequence, n.args.count == 1, let k = n.args[0].asInt, k >= 1 {
                return Array(args.dropFirst(k - 1))
            }
            if h === Sym.Function && n.args.count == 1 { return [e] }
        }
        let head = go(n.head).first ?? n.head
        var out: [Expr] = []
        out.reserveCapacity(n.args.count)
        for a in n.args {
            let r = go(a)
            if r.count == 1 { out.append(r[0]) } else { out.append(.call(Sym.Sequence, r)) }
        }
        return [.normal(Normal(head, out))]
    }
    let r = go(body)
    if failed { return nil }
    return r.count == 1 ? r[0] : .call(Sym.Sequence, r)
}

/// `Function[...][args...]`.
private func applyFunction(_ c: Call) throws -> Expr? {
    guard case .normal(let f) = c.head, f.args.count >= 1 else { return nil }
    let args = c.args
    // Function[Null, body] is a pure function with slots, like body &.
    if f.args.count == 1 || f.args[0].isNull {
        guard let r = fillSlots(f.args[f.args.count == 1 ? 0 : 1], args, function: c.head) else {
            c.evaluator.messages.issue(Symbol.intern("Function"), "slotn", [c.whole])
            return nil
        }
        return r
    }
    let params: [Expr] = f.args[0].listItems ?? [f.args[0]]
    var map: [Symbol: Expr] = [:]
    for (i, p) in params.enumerated() {
        guard case .symbol(let s) = p else { return nil }
        guard i < args.count else {
            c.evaluator.messages.issue(Symbol.intern("Function"), "fpct", [c.head])
            return nil
        }
        map[s] = args[i]
    }
    return replaceSymbols(f.args[1], map)
}

private func levelArg(_ c: Call, _ i: Int, default d: LevelSpec) -> LevelSpec? {
    guard i < c.count else { return d }
    guard let spec = LevelSpec.parse(c[i]) else { c.message("level", c[i]); return nil }
    return spec
}

/// Repeated application (Nest, Fold and their kin) that nests its result, `f[f[f[...]]]`, is
/// stopped as evaluating so deep an expression would be: past `$RecursionLimit` levels, with
/// `$RecursionLimit::reclim`. Each step also answers an abort or a time limit.
struct NestingGuard {
    private var depth = 0

    mutating func check(_ previous: Expr, _ next: Expr, _ c: Call) throws {
        try c.evaluator.checkInterrupt()
        if case .normal(let n) = next, n.head.isIdentical(to: previous) || n.args.contains(where: { $0.isIdentical(to: previous) }) {
            depth += 1
        } else {
            depth = 0
        }
        if depth > c.evaluator.recursionLimit {
            c.evaluator.messages.issue(Symbol.intern("$RecursionLimit"), "reclim", [.integer(c.evaluator.recursionLimit)])
            throw ControlFlow.abort
        }
    }
}

extension Kernel {
    static var functionalBuiltins: [Builtin] {
        [
            Builtin("Function", [.holdAll], usage: "body & or Function[body] is a pure function of the slots #, #2...; Function[x, body] and Function[{x, y}, body] name the parameters.", examples: [("Function[x, x^2][3]", "9")], subValue: applyFunction),
            Builtin("Slot", [.nHoldAll], usage: "# or #n is the nth argument of a pure function; #name is a key of its first argument.", examples: [("(#^2 &)[4]", "16")]),
            Builtin("SlotSequence", [.nHoldAll], usage: "## is the sequence of all arguments of a pure function.", examples: [("f[##] &[1, 2]", "f[1, 2]")]),
            Builtin("Identity", [], usage: "Identity[expr] gives expr.", examples: [("Identity[5]", "5")]) { c in
                c.count == 1 ? c[0] : c.argCount(1)
            },
            Builtin("Composition", [.flat, .oneIdentity], usage: "Composition[f, g, ...] or f@*g is the function f[g[...]].", examples: [("Composition[f, g][x]", "f[g[x]]")], subValue: { c in
                guard case .normal(let f) = c.head else { return nil }
                var r: Expr = .call(f.args.last ?? .sym("Identity"), c.args)
                for g in f.args.dropLast().reversed() { r = .call(g, [r]) }
                return r
            }),
            Builtin("RightComposition", [.flat, .oneIdentity], usage: "RightComposition[f, g, ...] or f/*g is the function g[f[...]].", examples: [("RightComposition[f, g][x]", "g[f[x]]")], subValue: { c in
                guard case .normal(let f) = c.head else { return nil }
                var r: Expr = .call(f.args.first ?? .sym("Identity"), c.args)
                for g in f.args.dropFirst() { r = .call(g, [r]) }
                return r
            }),
            Builtin("Map", [], usage: "Map[f, expr] or f /@ expr applies f to each element of expr; Map[f, expr, levelspec] at other levels; Heads -> True maps over heads too.", arity: .between(2, 4), options: [("Heads", .falseExpr)], examples: [("Map[f, {a, b}]", "{f[a], f[b]}"), ("Map[g, f[a, b], Heads -> True]", "g[f][g[a], g[b]]")]) { c in
                guard let (spec, positional) = levelArguments(c, at: 2, default: LevelSpec(min: 1, max: 1)), positional <= 3 else { return nil }
                let f = c[0]
                if spec.min == 1 && spec.max == 1 && !spec.includeHeads {
                    switch c[1] {
                    case .normal(let n):
                        var out: [Expr] = []
                        out.reserveCapacity(n.args.count)
                        for a in n.args { out.append(.call(f, [a])) }
                        return .normal(Normal(n.head, out))
                    case .association(let a):
                        var entries = a.entries
                        for (k, v) in a.entries { entries[k] = try c.evaluate(.call(f, [v])) }
                        return .association(AssociationBox(entries))
                    default:
                        return c[1]
                    }
                }
                return mapLevels(c[1], spec) { .call(f, [$0]) }
            },
            Builtin("MapAll", [], usage: "MapAll[f, expr] or f //@ expr applies f at every level of expr.", arity: .exactly(2), examples: [("MapAll[f, {a}]", "f[{f[a]}]")]) { c in
                return mapLevels(c[1], LevelSpec(min: 0, max: Int.max)) { .call(c[0], [$0]) }
            },
            Builtin("MapIndexed", [], usage: "MapIndexed[f, expr] applies f to each element with its index: f[e, {i}]; MapIndexed[f, expr, levelspec] to the parts at those levels with their positions.", arity: .between(2, 3), examples: [("MapIndexed[f, {a, b}]", "{f[a, {1}], f[b, {2}]}"), ("MapIndexed[f, {{a, b}, {c}}, {2}]", "{{f[a, {1, 1}], f[b, {1, 2}]}, {f[c, {2, 1}]}}")]) { c in
                guard let spec = levelArg(c, 2, default: LevelSpec(min: 1, max: 1)) else { return nil }
                var pulse = Pulse(c)
                return try mapLevelsIndexed(c[1], spec) { e, path in
                    try pulse.beat()
                    return .call(c[0], [e, .list(path)])
                }
            },
            Builtin("MapThread", [], usage: "MapThread[f, {{a1, a2...}, {b1, b2...}}] gives {f[a1, b1], f[a2, b2], ...}; MapThread[f, lists, n] threads at level n.", arity: .between(2, 3), messages: ["intnm": "Non-negative machine-sized integer expected at position `2` in `1`."], examples: [("MapThread[f, {{a, b}, {c, d}}]", "{f[a, c], f[b, d]}"), ("MapThread[f, {{{a, b}}, {{1, 2}}}, 2]", "{{f[a, 1], f[b, 2]}}")]) { c in
                var levels = 1
                if c.count == 3 {
                    guard let n = c[2].intValue, n >= 0 else { c.message("intnm", c.whole, .integer(3)); return nil }
                    levels = n
                }
                guard let lists = c[1].listItems else {
                    c.message("list", c.whole, .integer(2))
                    return nil
                }
                var pulse = Pulse(c)
                // Threads level by level; the parts must have equal lengths down to the level.
                func thread(_ parts: [Expr], _ level: Int) throws -> Expr? {
                    try pulse.beat()
                    if level == levels { return .call(c[0], parts) }
                    var columns: [[Expr]] = []
                    for p in parts {
                        guard let items = p.listItems, items.count == (columns.first?.count ?? items.count) else {
                            c.message("mptc", .integer(1), .integer(2), c.whole)
                            return nil
                        }
                        columns.append(items)
                    }
                    if parts.isEmpty { return .list([]) }
                    var out: [Expr] = []
                    for i in 0..<(columns.first?.count ?? 0) {
                        guard let r = try thread(columns.map { $0[i] }, level + 1) else { return nil }
                        out.append(r)
                    }
                    return .list(out)
                }
                return try thread(lists, 0)
            },
            Builtin("Apply", [], usage: "Apply[f, expr] or f @@ expr replaces the head of expr by f; f @@@ expr does so at level 1.", arity: .between(2, 3), examples: [("Apply[Plus, {1, 2, 3}]", "6")]) { c in
                guard let spec = levelArg(c, 2, default: LevelSpec(min: 0, max: 0)) else { return nil }
                if spec.min == 0 && spec.max == 0 {
                    switch c[1] {
                    case .normal(let n): return .call(c[0], n.args)
                    case .association(let a): return .call(c[0], Array(a.entries.values))
                    default: return c[1]
                    }
                }
                return mapLevels(c[1], spec) { e in
                    if case .normal(let n) = e { return .call(c[0], n.args) }
                    return e
                }
            },
            Builtin("Scan", [], usage: "Scan[f, expr] evaluates f on each element of expr, giving Null.", arity: .exactly(2), examples: [("s = 0; Scan[(s += #) &, {1, 2, 3}]; s", "6")]) { c in
                let items: [Expr] = c[1].asAssociation.map { Array($0.entries.values) } ?? c[1].args
                do {
                    for i in items { _ = try c.apply(c[0], i) }
                } catch ControlFlow.returnValue(let v) {
                    return v
                }
                return .null
            },
            Builtin("Select", [], usage: "Select[list, crit] picks the elements for which crit gives True; Select[list, crit, n] the first n.", arity: .between(2, 3), examples: [("Select[Range[10], EvenQ]", "{2, 4, 6, 8, 10}")]) { c in
                let limit = c.count == 3 ? (c[2].intValue ?? Int.max) : Int.max
                let crit = c[1]
                if case .association(let a) = c[0] {
                    var out = a.entries
                    var kept = 0
                    for (k, v) in a.entries {
                        if kept < limit, try c.apply(crit, v).isTrue { kept += 1 } else { out[k] = nil }
                    }
                    return .association(AssociationBox(out))
                }
                guard case .normal(let n) = c[0] else { c.message("normal", .integer(1), c.whole); return nil }
                var out: [Expr] = []
                for a in n.args {
                    if out.count >= limit { break }
                    if try c.apply(crit, a).isTrue { out.append(a) }
                }
                return .normal(Normal(n.head, out))
            },
            Builtin("Fold", [], usage: "Fold[f, x, {a, b, ...}] gives f[f[x, a], b]...; Fold[f, {x, a, ...}] starts from the first element.", arity: .between(2, 3), examples: [("Fold[f, x, {a, b}]", "f[f[x, a], b]")]) { c in
                var items = (c.count == 3 ? c[2] : c[1]).args
                var acc: Expr
                if c.count == 3 { acc = c[1] } else {
                    guard !items.isEmpty else { return nil }
                    acc = items.removeFirst()
                }
                var guardDepth = NestingGuard()
                for i in items {
                    let next = try c.apply(c[0], acc, i)
                    try guardDepth.check(acc, next, c)
                    acc = next
                }
                return acc
            },
            Builtin("FoldList", [], usage: "FoldList[f, x, {a, b, ...}] gives {x, f[x, a], f[f[x, a], b], ...}.", arity: .between(2, 3), examples: [("FoldList[Plus, 0, {1, 2, 3}]", "{0, 1, 3, 6}")]) { c in
                var items = (c.count == 3 ? c[2] : c[1]).args
                var acc: Expr
                if c.count == 3 { acc = c[1] } else {
                    guard !items.isEmpty else { return .list([]) }
                    acc = items.removeFirst()
                }
                var out = [acc]
                var guardDepth = NestingGuard()
                for i in items {
                    let next = try c.apply(c[0], acc, i)
                    try guardDepth.check(acc, next, c)
                    acc = next
                    out.append(acc)
                }
                return .list(out)
            },
            Builtin("Nest", [], usage: "Nest[f, x, n] applies f to x n times.", arity: .exactly(3), examples: [("Nest[f, x, 3]", "f[f[f[x]]]")]) { c in
                guard let n = c[2].intValue, n >= 0 else { c.message("intnn", c.whole, .integer(3)); return nil }
                var x = c[1]
                var guardDepth = NestingGuard()
                for _ in 0..<n {
                    let next = try c.apply(c[0], x)
                    try guardDepth.check(x, next, c)
                    x = next
                }
                return x
            },
            Builtin("NestList", [], usage: "NestList[f, x, n] gives {x, f[x], f[f[x]], ...} with n applications.", arity: .exactly(3), examples: [("NestList[2 # &, 1, 3]", "{1, 2, 4, 8}")]) { c in
                guard let n = c[2].intValue, n >= 0 else { c.message("intnn", c.whole, .integer(3)); return nil }
                var x = c[1]
                var out = [x]
                var guardDepth = NestingGuard()
                for _ in 0..<n {
                    let next = try c.apply(c[0], x)
                    try guardDepth.check(x, next, c)
                    x = next
                    out.append(x)
                }
                return .list(out)
            },
            Builtin("NestWhile", [], usage: "NestWhile[f, x, test] applies f while test of the latest result is True.", arity: .atLeast(3), examples: [("NestWhile[#/2 &, 64, EvenQ]", "1")]) { c in
                let limit = c.count >= 5 ? (c[4].intValue ?? Int.max) : Int.max
                var x = c[1]
                var n = 0
                var guardDepth = NestingGuard()
                while n < limit, try c.apply(c[2], x).isTrue {
                    let next = try c.apply(c[0], x)
                    try guardDepth.check(x, next, c)
                    x = next
                    n += 1
                }
                return x
            },
            Builtin("NestWhileList", [], usage: "NestWhileList[f, x, test] lists the results of NestWhile.", arity: .atLeast(3), examples: [("NestWhileList[#/2 &, 8, EvenQ]", "{8, 4, 2, 1}")]) { c in
                var x = c[1]
                var out = [x]
                var guardDepth = NestingGuard()
                while try c.apply(c[2], x).isTrue {
                    let next = try c.apply(c[0], x)
                    try guardDepth.check(x, next, c)
                    x = next
                    out.append(x)
                }
                return .list(out)
            },
            Builtin("FixedPoint", [], usage: "FixedPoint[f, x] applies f repeatedly until the result no longer changes.", arity: .between(2, 3), examples: [("FixedPoint[Floor[#/2] &, 100]", "0")]) { c in
                let limit = c.count == 3 ? (c[2].intValue ?? 65536) : 65536
                var x = c[1]
                for _ in 0..<limit {
                    try c.evaluator.checkInterrupt()
                    let y = try c.apply(c[0], x)
                    if y == x { return y }
                    x = y
                }
                return x
            },
            Builtin("FixedPointList", [], usage: "FixedPointList[f, x] lists the results of FixedPoint.", arity: .between(2, 3), examples: [("FixedPointList[Floor[#/2] &, 5]", "{5, 2, 1, 0, 0}")]) { c in
                let limit = c.count == 3 ? (c[2].intValue ?? 65536) : 65536
                var x = c[1]
                var out = [x]
                for _ in 0..<limit {
                    try c.evaluator.checkInterrupt()
                    let y = try c.apply(c[0], x)
                    out.append(y)
                    if y == x { break }
                    x = y
                }
                return .list(out)
            },
            Builtin("Thread", [], usage: "Thread[f[{a1, a2}, {b1, b2}]] gives {f[a1, b1], f[a2, b2]}; Thread[f[args], h] threads over the arguments with head h; Thread[f[args], h, n] over the first n of them (-n: the last n, {m, n}: m through n).", messages: ["tdlen": "Objects of unequal length in `1` cannot be combined."], examples: [("Thread[f[{a, b}, {c, d}]]", "{f[a, c], f[b, d]}"), ("Thread[g[a + b, c], Plus]", "g[a, c] + g[b, c]"), ("Thread[f[{a, b}, {c, d}], List, 1]", "{f[a, {c, d}], f[b, {c, d}]}")]) { c in
                guard (1...3).contains(c.count), case .normal(let n) = c[0] else { return c.count == 1 ? c[0] : nil }
                let h = c.count >= 2 ? c[1] : .symbol(Sym.List)
                // Which arguments may be threaded over (1-based, inclusive).
                var range = 1...Swift.max(n.args.count, 1)
                if c.count == 3 {
                    let count = n.args.count
                    if let k = c[2].intValue {
                        range = k >= 0 ? 1...Swift.max(Swift.min(k, count), 1) : Swift.max(count + k + 1, 1)...Swift.max(count, 1)
                        if k == 0 { return c[0] }
                    } else if let items = c[2].listItems, items.count == 2, let a = items[0].intValue, let b = items[1].intValue, a >= 1, b >= a {
                        range = a...b
                    } else if !c[2].isSymbol(Sym.All) {
                        return nil
                    }
                }
                func threaded(_ i: Int, _ e: Expr) -> [Expr]? {
                    guard range.contains(i + 1), case .normal(let x) = e, x.head == h else { return nil }
                    return x.args
                }
                let parts = n.args.enumerated().map { threaded($0.offset, $0.element) }
                guard let len = parts.compactMap({ $0 }).first?.count else { return c[0] }
                guard parts.allSatisfy({ $0 == nil || $0?.count == len }) else { c.message("tdlen", c[0]); return nil }
                return .normal(Normal(h, (0..<len).map { i in
                    .normal(Normal(n.head, n.args.indices.map { j in parts[j]?[i] ?? n.args[j] }))
                }))
            },
            Builtin("Through", [], usage: "Through[{f, g}[x]] gives {f[x], g[x]}; Through[expr, h] only where the head's head is h.", arity: .between(1, 2), examples: [("Through[{f, g}[x]]", "{f[x], g[x]}"), ("Through[(f + g)[x], Plus]", "f[x] + g[x]")]) { c in
                guard case .normal(let n) = c[0], case .normal(let h) = n.head else { return c[0] }
                if c.count == 2, h.head != c[1] { return c[0] }
                return .normal(Normal(h.head, h.args.map { .call($0, n.args) }))
            },
            Builtin("Outer", [], usage: "Outer[f, list1, list2, ...] gives the generalized outer product.", arity: .atLeast(3), examples: [("Outer[Times, {1, 2}, {3, 4}]", "{{3, 4}, {6, 8}}")]) { c in
                let lists = Array(c.args.dropFirst())
                // Plus or Times of two vectors of machine reals: a matrix made from packed contents.
                if lists.count == 2, case .symbol(let f) = c[0], f.downValues.isEmpty, let m = PackedArray.outer(f, lists[0], lists[1]) { return m }
                guard let total = ResourcePolicy.count(lists.map { $0.listItems?.count ?? 1 }), admits(total, bytesEach: 16 * lists.count, c) else { return nil }
                func build(_ i: Int, _ prefix: [Expr]) -> Expr {
                    guard i < lists.count else { return .call(c[0], prefix) }
                    guard let items = lists[i].listItems else { return build(i + 1, prefix + [lists[i]]) }
                    return .list(items.map { build(i + 1, prefix + [$0]) })
                }
                return build(0, [])
            },
            Builtin("Inner", [], usage: "Inner[f, list1, list2, g] gives the generalized inner product g @@ MapThread[f, {list1, list2}].", arity: .between(3, 4), examples: [("Inner[f, {a, b}, {c, d}, g]", "g[f[a, c], f[b, d]]")]) { c in
                guard let a = c[1].listItems, let b = c[2].listItems, a.count == b.count else { return nil }
                let g = c.count == 4 ? c[3] : .symbol(Sym.Plus)
                return .call(g, zip(a, b).map { .call(c[0], [$0, $1]) })
            },
            Builtin("Array", [], usage: "Array[f, n] gives {f[1], ..., f[n]}; Array[f, {n, m}] a nested array; Array[f, n, start] from start; Array[f, {n, m}, {r, s}] from r and s; Array[f, n, {a, b}] n values spread from a to b; Array[f, {n, m}, {{a, b}, {c, d}}] ranges for each level; Array[f, n, r, h] with head h in place of List.", arity: .between(2, 4), examples: [("Array[f, 3]", "{f[1], f[2], f[3]}"), ("Array[f, {2, 2}, {0, 1}]", "{{f[0, 1], f[0, 2]}, {f[1, 1], f[1, 2]}}"), ("Array[f, 4, {0, 1}]", "{f[0], f[1/3], f[2/3], f[1]}"), ("Array[f, {2, 3}, {{0, 1}, {-1, 1}}]", "{{f[0, -1], f[0, 0], f[0, 1]}, {f[1, -1], f[1, 0], f[1, 1]}}"), ("Array[f, 3, 1, g]", "g[f[1], f[2], f[3]]")]) { c in
                let dims = c[1].listItems?.compactMap { $0.intValue } ?? [c[1].intValue ?? -1]
                guard dims.allSatisfy({ $0 >= 0 }), let total = ResourcePolicy.count(dims.map { max($0, 1) }) else {
                    c.message("ilsnn", .integer(2), c.whole)
                    return nil
                }
                guard admits(total, bytesEach: 64, c) else { return nil }
                // The origin: one for every dimension, or a list of one per dimension.
                let origin = c.count >= 3 ? c[2] : .integer(1)
                let head = c.count == 4 ? c[3] : .symbol(Sym.List)
                // Each level's indices: from an origin r (r, r + 1, ...), or n values spread from a
                // to b for a range {a, b} (Array[f, n, {a, b}], Array[f, {n1, n2}, {{a1, b1}, {a2, b2}}]).
                var ranges: [(Expr, Expr)]?
                if let items = origin.listItems {
                    let pairs = items.compactMap { i in i.listItems.flatMap { $0.count == 2 ? ($0[0], $0[1]) : nil } }
                    if pairs.count == items.count, pairs.count == dims.count { ranges = pairs }
                    else if dims.count == 1, items.count == 2, !items.contains(where: \.isList) { ranges = [(items[0], items[1])] }
                }
                let starts = ranges != nil ? [] : origin.listItems.map { $0.count == dims.count ? $0 : [] } ?? Array(repeating: origin, count: dims.count)
                guard ranges != nil || starts.count == dims.count else { c.message("ilsnn", .integer(3), c.whole); return nil }
                func index(_ level: Int, _ k: Int) throws -> Expr {
                    guard let ranges else { return try Numbers.add(starts[level], .integer(k)) ?? c.evaluate(.call(Sym.Plus, [starts[level], .integer(k)])) }
                    let (a, b) = ranges[level], n = dims[level]
                    if n <= 1 { return a }
                    // a + (b - a) k/(n - 1)
                    let t = Expr.call(Sym.Times, [.integer(k), .call(Sym.Power, [.integer(n - 1), .integer(-1)])])
                    return try c.evaluate(.call(Sym.Plus, [a, .call(Sym.Times, [t, .call(Sym.Plus, [b, .call(Sym.Times, [.integer(-1), a])])])]))
                }
                let indices = try dims.indices.map { level in try (0..<dims[level]).map { try index(level, $0) } }
                var pulse = Pulse(c)
                func build(_ i: Int, _ idx: [Expr]) throws -> Expr {
                    try pulse.beat()
                    guard i < dims.count else { return .call(c[0], idx) }
                    return .call(head, try indices[i].map { try build(i + 1, idx + [$0]) })
                }
                return try build(0, [])
            },
        ]
    }
}
