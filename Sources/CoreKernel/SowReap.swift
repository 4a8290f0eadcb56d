import Language

/// The values `Sow` sends to the `Reap`s being evaluated, innermost last.
private final class Harvest {
    /// Each Reap's tag pattern and what was sown to it, as (tag, value) pairs in order.
    var reaps: [(pattern: Expr, sown: [(tag: Expr, value: Expr)])] = []
}

nonisolated(unsafe) private let harvest = Harvest()

/// Groups sown values by tag, tags in order of first appearance: `{{v1, v2}, {w1}}`, or
/// `{f[tag1, {v1, v2}], ...}` with a function.
private func gather(_ sown: [(tag: Expr, value: Expr)], matching pattern: Expr, _ f: Expr?, _ c: Call) throws -> Expr {
    var order: [Expr] = []
    var groups: [Expr: [Expr]] = [:]
    for (tag, value) in sown where try c.evaluator.matches(tag, pattern) {
        if groups[tag] == nil { order.append(tag) }
        groups[tag, default: []].append(value)
    }
    return .list(try order.map { tag in
        let values = Expr.list(groups[tag] ?? [])
        return try f.map { try c.apply($0, tag, values) } ?? values
    })
}

extension Kernel {
    static var sowReapBuiltins: [Builtin] {
        [
            Builtin("Reap", [.holdFirst], usage: "Reap[expr] gives {result, {{v1, v2, ...}, ...}}: the value of expr and the values Sow sent during its evaluation, a list for each tag; Reap[expr, patt] only those whose tags match patt (a list of patterns gives a list for each); Reap[expr, patt, f] gives f[tag, values] for each tag.", arity: .between(1, 3), examples: [("Reap[Sow[1]; Sow[2]; x]", "{x, {{1, 2}}}"), ("Reap[Sow[a, x]; Sow[b, y]; Sow[c, x]]", "{c, {{a, c}, {b}}}"), ("Reap[Sow[1, a]; Sow[2, b], {a, b}, f]", "{2, {{f[a, {1}]}, {f[b, {2}]}}}"), ("Reap[x]", "{x, {}}")]) { c in
                let pattern = c.count > 1 ? c[1] : .call(Sym.Blank, [])
                // A list of patterns collects what matches any of them.
                let any = pattern.listItems.map { Expr.call(Sym.Alternatives, $0) } ?? pattern
                harvest.reaps.append((any, []))
                let result: Expr
                do {
                    result = try c.evaluate(c[0])
                } catch {
                    harvest.reaps.removeLast()
                    throw error
                }
                let sown = harvest.reaps.removeLast().sown
                let f = c.count > 2 ? c[2] : nil
                if let patterns = pattern.listItems {
                    return .list([result, .list(try patterns.map { try gather(sown, matching: $0, f, c) })])
                }
                return .list([result, try gather(sown, matching: pattern, f, c)])
            },
            Builtin("Sow", [], usage: "Sow[e] gives e and sends it to the innermost Reap; Sow[e, tag] sends it with a tag, to the innermost Reap whose pattern matches the tag; Sow[e, {tag1, tag2, ...}] with each tag.", arity: .between(1, 2), examples: [("Reap[Sow[3] + 1]", "{4, {{3}}}")]) { c in
                let tags = c.count > 1 ? (c[1].listItems ?? [c[1]]) : [.symbol(Sym.None)]
                for tag in tags {
                    for i in harvest.reaps.indices.reversed() where try c.evaluator.matches(tag, harvest.reaps[i].pattern) {
                        harvest.reaps[i].sown.append((tag, c[0]))
                        break
                    }
                }
                return c[0]
            },
        ]
    }
}
