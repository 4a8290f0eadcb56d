import Language
import OrderedCollections

/// Why a part could not be taken; the caller reports it as `Part::partw` or `Part::partd`.
enum PartFailure: Error {
    case missing(Expr)
    case tooDeep
    case badSpec(Expr)
}

/// The parts of `e` selected by `specs` (integers, negative integers, All, spans, lists of
/// positions, and keys of associations), as `Part` gives them.
func part(_ e: Expr, _ specs: ArraySlice<Expr>) throws -> Expr {
    guard let spec = specs.first else { return e }
    let rest = specs.dropFirst()
    if case .association(let a) = e {
        return try associationPart(a, spec, rest)
    }
    guard case .normal(let n) = e else {
        throw PartFailure.tooDeep
    }
    let count = n.args.count
    func index(_ i: Int) throws -> Expr {
        if i == 0 { return n.head }
        let k = i > 0 ? i - 1 : count + i
        guard k >= 0, k < count else { throw PartFailure.missing(.integer(i)) }
        return n.args[k]
    }
    switch spec {
    case .integer(let i):
        return try part(try index(i), rest)
    case .symbol(let s) where s === Sym.All:
        return .normal(Normal(n.head, try n.args.map { try part($0, rest) }))
    default:
        if spec.hasHead(Sym.Span) {
            let positions = try spanPositions(spec, count)
            return .normal(Normal(n.head, try positions.map { try part(n.args[$0], rest) }))
        }
        if let items = spec.listItems {
            var out: [Expr] = []
            for i in items {
                guard let k = i.intValue else { throw PartFailure.badSpec(spec) }
                out.append(try part(try index(k), rest))
            }
            return .normal(Normal(n.head, out))
        }
        throw PartFailure.badSpec(spec)
    }
}

private func associationPart(_ a: AssociationBox, _ spec: Expr, _ rest: ArraySlice<Expr>) throws -> Expr {
    let values = Array(a.entries.values)
    switch spec {
    case .integer(let i):
        let k = i > 0 ? i - 1 : values.count + i
        guard k >= 0, k < values.count else { throw PartFailure.missing(spec) }
        return try part(values[k], rest)
    case .symbol(let s) where s === Sym.All:
        var entries = a.entries
        for (k, v) in a.entries { entries[k] = try part(v, rest) }
        return .association(AssociationBox(entries))
    default:
        if spec.hasHead(Sym.Span) {
            let keys = Array(a.entries.keys)
            var out: OrderedDictionary<Expr, Expr> = [:]
            for p in try spanPositions(spec, keys.count) { out[keys[p]] = try part(values[p], rest) }
            return .association(AssociationBox(out))
        }
        let key = spec.hasHead(Symbol.intern("Key")) ? (spec.args.first ?? .null) : spec
        if let items = spec.listItems {
            var out: OrderedDictionary<Expr, Expr> = [:]
            for i in items {
                let k = i.hasHead(Symbol.intern("Key")) ? (i.args.first ?? .null) : i
                if let ik = k.intValue, k.isInteger {
                    let idx = ik > 0 ? ik - 1 : values.count + ik
                    guard idx >= 0, idx < values.count else { throw PartFailure.missing(i) }
                    out[Array(a.entries.keys)[idx]] = try part(values[idx], rest)
                } else {
                    guard let v = a.entries[k] else { throw PartFailure.missing(i) }
                    out[k] = try part(v, rest)
                }
            }
            return .association(AssociationBox(out))
        }
        guard let v = a.entries[key] else { return .missing("KeyAbsent", key) }
        return try part(v, rest)
    }
}

/// Zero-based positions selected by `Span[a, b]` or `Span[a, b, step]` over `count` elements.
func spanPositions(_ spec: Expr, _ count: Int) throws -> [Int] {
    let a = spec.args
    func resolve(_ e: Expr, _ isEnd: Bool) throws -> Int {
        if e.isSymbol(Sym.All) { return isEnd ? count : 1 }
        guard let i = e.intValue else { throw PartFailure.badSpec(spec) }
        return i < 0 ? count + i + 1 : i
    }
    guard a.count >= 2 else { throw PartFailure.badSpec(spec) }
    let start = try resolve(a[0], false), end = try resolve(a[1], true)
    let step = a.count > 2 ? (a[2].intValue ?? 1) : 1
    guard step != 0 else { throw PartFailure.badSpec(spec) }
    var out: [Int] = []
    // Positions advance without overflow: a step past the end stops the walk.
    if step > 0 {
        guard start >= 1, end <= count else { throw PartFailure.missing(spec) }
        var i = start
        while i <= end {
            out.append(i - 1)
            let (next, o) = i.addingReportingOverflow(step)
            if o { break }
            i = next
        }
    } else {
        guard start <= count, end >= 1 else { throw PartFailure.missing(spec) }
        var i = start
        while i >= end {
            out.append(i - 1)
            let (next, o) = i.addingReportingOverflow(step)
            if o { break }
            i = next
        }
    }
    return out
}

/// `e` with the parts at `specs` replaced by `value` (for `x[[i]] = v`).
func setPart(_ e: Expr, _ specs: ArraySlice<Expr>, _ value: Expr, _ c: Call) -> Expr? {
    guard let spec = specs.first else { return value }
    let rest = specs.dropFirst()
    if case .association(let a) = e {
        var entries = a.entries
        let key = spec.hasHead(Symbol.intern("Key")) ? (spec.args.first ?? .null) : spec
        if let i = spec.intValue, spec.isInteger {
            let k = i > 0 ? i - 1 : entries.count + i
            guard k >= 0, k < entries.count else { c.evaluator.messages.issue(Sym.Part, "partw", [spec, e]); return nil }
            let keyAt = entries.keys[k]
            guard let v = setPart(entries[keyAt] ?? .null, rest, value, c) else { return nil }
            entries[keyAt] = v
        } else {
            if rest.isEmpty { entries[key] = value } else {
                guard let old = entries[key], let v = setPart(old, rest, value, c) else {
                    c.evaluator.messages.issue(Sym.Part, "partw", [spec, e])
                    return nil
                }
                entries[key] = v
            }
        }
        return .association(AssociationBox(entries))
    }
    guard case .normal(let n) = e else {
        c.evaluator.messages.issue(Sym.Part, "partd", [spec])
        return nil
    }
    var args = n.args
    var positions: [Int]
    if let i = spec.intValue, spec.isInteger {
        let k = i > 0 ? i - 1 : args.count + i
        guard k >= 0, k < args.count else { c.evaluator.messages.issue(Sym.Part, "partw", [spec, e]); return nil }
        positions = [k]
    } else if spec.isSymbol(Sym.All) {
        positions = Array(args.indices)
    } else if spec.hasHead(Sym.Span), let p = try? spanPositions(spec, args.count) {
        positions = p
    } else if let items = spec.listItems {
        positions = []
        for item in items {
            guard let i = item.intValue else { return nil }
            let k = i > 0 ? i - 1 : args.count + i
            guard k >= 0, k < args.count else { c.evaluator.messages.issue(Sym.Part, "partw", [item, e]); return nil }
            positions.append(k)
        }
    } else {
        c.evaluator.messages.issue(Sym.Part, "pkspec1", [spec])
        return nil
    }
    // A list of values matching the selected positions is spread over them.
    let spread = positions.count > 1 && rest.isEmpty && (value.listItems?.count == positions.count)
    for (j, k) in positions.enumerated() {
        let v = spread ? value.args[j] : value
        guard let r = setPart(args[k], rest, v, c) else { return nil }
        args[k] = r
    }
    return .normal(Normal(n.head, args))
}
