import Language
import OrderedCollections

/// Builds an association from rules, lists of rules and associations, later keys winning.
func makeAssociation(_ items: [Expr]) -> AssociationBox? {
    var entries: OrderedDictionary<Expr, Expr> = [:]
    var delayed = Set<Expr>()
    func add(_ e: Expr) -> Bool {
        if isOptionRule(e) {
            let k = e.args[0]
            entries[k] = e.args[1]
            if e.hasHead(Sym.RuleDelayed) { delayed.insert(k) } else { delayed.remove(k) }
            return true
        }
        if case .association(let a) = e {
            for (k, v) in a.entries { entries[k] = v }
            delayed.formUnion(a.delayed)
            return true
        }
        if let l = e.listItems { return l.allSatisfy(add) }
        return false
    }
    for i in items where !add(i) { return nil }
    return AssociationBox(entries, delayed: delayed)
}

/// An association, or a list of rules read as one.
func asAssociation(_ e: Expr) -> AssociationBox? {
    if case .association(let a) = e { return a }
    if let items = e.listItems, items.allSatisfy(isOptionRule) { return makeAssociation(items) }
    if isOptionRule(e) { return makeAssociation([e]) }
    return nil
}

private func keyOf(_ e: Expr) -> Expr {
    e.hasHead(Symbol.intern("Key")) ? (e.args.first ?? .null) : e
}

extension Kernel {
    static var associationBuiltins: [Builtin] {
        [
            Builtin("Association", [], usage: "<|key1 -> val1, key2 -> val2, ...|> or Association[...] is an association of keys to values.", examples: [("Association[a -> 1, b -> 2]", "<|a -> 1, b -> 2|>")]) { c in
                guard let a = makeAssociation(c.args) else {
                    c.message("invrl", c.whole)
                    return nil
                }
                return .association(a)
            },
            Builtin("Keys", [], usage: "Keys[assoc] gives the keys of an association or list of rules.", arity: .exactly(1), examples: [("Keys[<|a -> 1, b -> 2|>]", "{a, b}")]) { c in
                if let items = c[0].listItems, !items.allSatisfy(isOptionRule) {
                    return .list(items.map { .call(c.symbol, [$0]) })
                }
                guard let a = asAssociation(c[0]) else { return nil }
                return .list(Array(a.entries.keys))
            },
            Builtin("Values", [], usage: "Values[assoc] gives the values of an association or list of rules.", arity: .exactly(1), examples: [("Values[<|a -> 1, b -> 2|>]", "{1, 2}")]) { c in
                if let items = c[0].listItems, !items.allSatisfy(isOptionRule) {
                    return .list(items.map { .call(c.symbol, [$0]) })
                }
                guard let a = asAssociation(c[0]) else { return nil }
                return .list(Array(a.entries.values))
            },
            Builtin("Lookup", [.holdRest], usage: "Lookup[assoc, key] gives the value for key, or Missing[\"KeyAbsent\", key]; Lookup[assoc, key, default] gives default (evaluated only then) when key is absent; Lookup[assoc, keys, default, h] wraps each value in h; keys may be a list.", arity: .between(2, 4), messages: ["invrl": "The argument `1` is not a valid Association or a list of rules."], examples: [("Lookup[<|a -> 1|>, b, 0]", "0"), ("Lookup[<|a -> 1 + 1|>, a, Print[x]]", "2")]) { c in
                let key = try c.evaluate(c[1])
                let rest = Array(c.args.dropFirst(2))
                if let items = c[0].listItems, !items.isEmpty, items.allSatisfy({ $0.asAssociation != nil }) {
                    return .list(items.map { .call(c.symbol, [$0, key] + rest) })
                }
                guard let a = asAssociation(c[0]) else { c.message("invrl", c[0]); return nil }
                let wrap = c.count == 4 ? try c.evaluate(c[3]) : nil
                var fallback: Expr?  // the default, evaluated once and only when a key is absent
                func one(_ k: Expr) throws -> Expr {
                    if let v = a.entries[keyOf(k)] { return wrap.map { .call($0, [v]) } ?? v }
                    guard c.count >= 3 else { return .missing("KeyAbsent", keyOf(k)) }
                    if let d = fallback { return d }
                    let d = try c.evaluate(c[2])
                    fallback = d
                    return d
                }
                if let ks = key.listItems { return .list(try ks.map(one)) }
                return try one(key)
            },
            Builtin("KeyExistsQ", [], usage: "KeyExistsQ[assoc, key] gives True if key is in assoc.", examples: [("KeyExistsQ[<|a -> 1|>, a]", "True")]) { c in
                guard c.count == 2, let a = asAssociation(c[0]) else { return nil }
                return .bool(a.entries[keyOf(c[1])] != nil)
            },
            Builtin("KeyMap", [], usage: "KeyMap[f, assoc] applies f to the keys.", examples: [("KeyMap[f, <|a -> 1|>]", "<|f[a] -> 1|>")]) { c in
                guard c.count == 2, let a = asAssociation(c[1]) else { return nil }
                var out: OrderedDictionary<Expr, Expr> = [:]
                for (k, v) in a.entries { out[try c.apply(c[0], k)] = v }
                return .association(out)
            },
            Builtin("AssociationThread", [], usage: "AssociationThread[{k1, k2...}, {v1, v2...}] or AssociationThread[keys -> values] pairs keys with values.", examples: [("AssociationThread[{a, b}, {1, 2}]", "<|a -> 1, b -> 2|>")]) { c in
                var ks: Expr, vs: Expr
                if c.count == 1, isOptionRule(c[0]) { ks = c[0].args[0]; vs = c[0].args[1] }
                else if c.count == 2 { ks = c[0]; vs = c[1] } else { return c.argCount(1, 2) }
                guard let keys = ks.listItems, let values = vs.listItems, keys.count == values.count else {
                    c.message("idim", ks, vs)
                    return nil
                }
                var out: OrderedDictionary<Expr, Expr> = [:]
                for (k, v) in zip(keys, values) { out[k] = v }
                return .association(out)
            },
            Builtin("KeyTake", [], usage: "KeyTake[assoc, {keys}] keeps only the given keys, in that order.", examples: [("KeyTake[<|a -> 1, b -> 2, c -> 3|>, {c, a}]", "<|c -> 3, a -> 1|>")]) { c in
                guard c.count == 2 else { return nil }
                // A list of associations is taken from one by one.
                if let items = c[0].listItems, !items.isEmpty, items.allSatisfy({ asAssociation($0) != nil }) {
                    return .list(items.map { .call(Symbol.intern("KeyTake"), [$0, c[1]]) })
                }
                guard let a = asAssociation(c[0]) else { return nil }
                var out: OrderedDictionary<Expr, Expr> = [:]
                for k in c[1].listItems ?? [c[1]] { if let v = a.entries[keyOf(k)] { out[keyOf(k)] = v } }
                return .association(out)
            },
            Builtin("KeyDrop", [], usage: "KeyDrop[assoc, {keys}] removes the given keys; KeyDrop[{assoc1, assoc2, ...}, keys] from each.", examples: [("KeyDrop[<|a -> 1, b -> 2|>, a]", "<|b -> 2|>"), ("KeyDrop[{<|a -> 1, b -> 2|>, <|a -> 3|>}, a]", "{<|b -> 2|>, <||>}")]) { c in
                guard c.count == 2 else { return nil }
                if let items = c[0].listItems, !items.isEmpty, items.allSatisfy({ if case .association = $0 { return true }; return false }) {
                    return .list(items.map { .call(Symbol.intern("KeyDrop"), [$0, c[1]]) })
                }
                guard let a = asAssociation(c[0]) else { return nil }
                var out = a.entries
                for k in c[1].listItems ?? [c[1]] { out[keyOf(k)] = nil }
                return .association(out)
            },
            Builtin("KeySelect", [], usage: "KeySelect[assoc, crit] keeps the entries whose keys satisfy crit.", examples: [("KeySelect[<|1 -> a, 2 -> b|>, EvenQ]", "<|2 -> b|>")]) { c in
                guard c.count == 2, let a = asAssociation(c[0]) else { return nil }
                var out: OrderedDictionary<Expr, Expr> = [:]
                for (k, v) in a.entries where try c.apply(c[1], k).isTrue { out[k] = v }
                return .association(out)
            },
            Builtin("KeySort", [], usage: "KeySort[assoc] orders the entries by their keys.", examples: [("KeySort[<|b -> 1, a -> 2|>]", "<|a -> 2, b -> 1|>")]) { c in
                guard c.count >= 1, let a = asAssociation(c[0]) else { return nil }
                let pairs = a.entries.map { ($0.key, $0.value) }.sorted { Order.less($0.0, $1.0) }
                return .association(OrderedDictionary(uniqueKeysWithValues: pairs))
            },
            Builtin("Normal", [], usage: "Normal[assoc] gives the list of rules of an association; other special forms give their ordinary expressions.", arity: .between(1, 2), examples: [("Normal[<|a -> 1, b -> 2|>]", "{a -> 1, b -> 2}")]) { c in
                if c.count == 1, let n = c[0].structured?.normal() { return n }
                switch c[0] {
                case .association(let a):
                    return .list(a.entries.map { .call(a.delayed.contains($0.key) ? Sym.RuleDelayed : Sym.Rule, [$0.key, $0.value]) })
                default:
                    return c[0]
                }
            },
            Builtin("Merge", [], usage: "Merge[{assoc1, assoc2, ...}, f] merges associations, combining the values of a key with f.", examples: [("Merge[{<|a -> 1|>, <|a -> 2, b -> 3|>}, Total]", "<|a -> 3, b -> 3|>")]) { c in
                guard c.count == 2, let list = c[0].listItems else { return c.argCount(2) }
                var groups: OrderedDictionary<Expr, [Expr]> = [:]
                for e in list {
                    guard let a = asAssociation(e) else { return nil }
                    for (k, v) in a.entries { groups[k, default: []].append(v) }
                }
                var out: OrderedDictionary<Expr, Expr> = [:]
                for (k, vs) in groups { out[k] = try c.apply(c[1], .list(vs)) }
                return .association(out)
            },
            Builtin("Key", [], usage: "Key[k] stands for the key k; Key[k][assoc] looks it up.", examples: [("Key[a][<|a -> 1|>]", "1")], subValue: { c in
                guard case .normal(let f) = c.head, let k = f.args.first, c.count == 1, let a = asAssociation(c[0]) else { return nil }
                return a.entries[k] ?? .missing("KeyAbsent", k)
            }),
            Builtin("Missing", [], usage: "Missing[reason] or Missing[reason, detail] represents missing data.", examples: [("<|a -> 1|>[b]", "Missing[KeyAbsent, b]")]),
            Builtin("AssociateTo", [.holdFirst], usage: "AssociateTo[a, key -> value] adds the rule to the association held by a.", arity: .exactly(2), examples: [("r = <|x -> 1|>; AssociateTo[r, y -> 2]; r", "<|x -> 1, y -> 2|>")]) { c in
                return try update(c[0], c) { old in .call(Sym.Association, [old, c[1]]) }?.new ?? .failed
            },
            Builtin("KeyDropFrom", [.holdFirst], usage: "KeyDropFrom[a, key] removes key from the association held by a.", arity: .exactly(2), examples: [("r = <|x -> 1, y -> 2|>; KeyDropFrom[r, x]; r", "<|y -> 2|>")]) { c in
                return try update(c[0], c) { old in .call(Symbol.intern("KeyDrop"), [old, c[1]]) }?.new ?? .failed
            },
        ]
    }
}
