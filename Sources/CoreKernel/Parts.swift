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
    if n.isPackedOnly, let p = n.packedIfMade, let r = try packedPart(p, specs) { return r }
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

/// `Part` of a list made from packed contents at leading positions that are integers, read
/// from the contents without making the list's elements (a row of a matrix comes as a list made
/// from its part of them); nil for other specifications (and position 0, the head), which the
/// general route takes.
private func packedPart(_ p: PackedArray, _ specs: ArraySlice<Expr>) throws -> Expr? {
    var offset = 0, level = 0, size = p.data.count
    var rest = specs
    while level < p.dims.count, let spec = rest.first, case .integer(let i) = spec, i != 0 {
        let d = p.dims[level]
        let k = i > 0 ? i - 1 : d + i
        guard k >= 0, k < d else { throw PartFailure.missing(spec) }
        size /= d
        offset += k * size
        level += 1
        rest = rest.dropFirst()
    }
    guard level > 0 else { return nil }
    let value: Expr
    if level == p.dims.count {
        value = p.kind == .integers ? .integer(Int(p.data[offset])) : .real(p.data[offset])
    } else {
        let sub = PackedArray(dims: Array(p.dims[level...]), data: Array(p.data[offset..<(offset + size)]), kind: p.kind)
        guard let e = Expr.packed(sub) else { return nil }
        value = e
    }
    return try part(value, rest)
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
    // Part 0 is the head: `ReplacePart[f[a], 0 -> g]` is `g[a]`.
    if spec.intValue == 0, spec.isInteger {
        guard let h = setPart(n.head, rest, value, c) else { return nil }
        return .normal(Normal(h, args))
    }
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

/// `ReplacePart[e, rules]`: each rule's left side is a position (`i`, `{i, j}`), several positions
/// (`{{i}, {j}}`) or a pattern of positions (`i_`, `{_, 2}`); where the pattern's names appear in
/// a `:>` rule's right side they take the position's indices. Literal positions are set directly;
/// when any position is a pattern, every position down to the deepest pattern is tried against
/// the rules in order (the first that matches replaces the part, which is then not entered).
func replaceParts(_ e: Expr, _ rules: [Expr], _ c: Call) throws -> Expr? {
    var specs: [(position: [Expr], rule: Expr)] = []
    for r in rules {
        let lhs = r.args[0]
        let positions: [[Expr]]
        if let items = lhs.listItems, !items.isEmpty, items.allSatisfy(\.isList) { positions = items.map(\.args) }
        else { positions = [lhs.listItems ?? [lhs]] }
        for p in positions { specs.append((p, r)) }
    }
    guard specs.contains(where: { !$0.position.allSatisfy(\.isFreeOfPatterns) }) else {
        // A position the expression does not have is not among its parts: nothing is replaced.
        var out = e
        for s in specs where hasPart(out, s.position[...]) {
            guard let next = setPart(out, s.position[...], s.rule.args[1], c) else { return nil }
            out = next
        }
        return out
    }
    // `__` or `___` in a position pattern stands for positions of any length.
    let anyLength = specs.contains { s in s.position.contains { mentions($0, Sym.BlankSequence) || mentions($0, Sym.BlankNullSequence) } }
    let depth = anyLength ? Int.max : specs.map(\.position.count).max() ?? 0
    var visited = 0
    func walk(_ e: Expr, _ path: [Int], _ lengths: [Int]) throws -> Expr {
        visited += 1
        if visited & 1023 == 0 { try c.evaluator.checkInterrupt() }
        if !path.isEmpty, let v = try replacement(path, lengths) { return v }
        guard path.count < depth, case .normal(let n) = e else { return e }
        var args = n.args
        for k in args.indices { args[k] = try walk(args[k], path + [k + 1], lengths + [args.count]) }
        // The head is position 0, replaced only by a rule that names it.
        let head = specs.contains { $0.position.count > path.count && $0.position[path.count].intValue == 0 }
            ? try walk(n.head, path + [0], lengths + [args.count]) : n.head
        return .normal(Normal(head, args))
    }
    /// The first rule whose position matches `path` (negative indices count from the end).
    func replacement(_ path: [Int], _ lengths: [Int]) throws -> Expr? {
        for s in specs where s.position.count == path.count || anyLength {
            let resolved = zip(s.position, lengths + Array(repeating: 0, count: max(0, s.position.count - lengths.count))).map { p, n -> Expr in
                if p.isInteger, let i = p.intValue, i < 0 { return .integer(n + 1 + i) }
                return p
            }
            let rule = Expr.call(s.rule.head, [.list(resolved), s.rule.args[1]])
            if let v = try c.evaluator.applyRule(rule, to: .list(path.map { .integer($0) })) { return v }
        }
        return nil
    }
    return try walk(e, [], [])
}

/// Whether `e` has a part at the integer position `pos` (0 is the head; negative counts from the end).
private func hasPart(_ e: Expr, _ pos: ArraySlice<Expr>) -> Bool {
    guard let spec = pos.first else { return true }
    if case .association(let a) = e, !spec.isInteger {
        let key = spec.hasHead(Symbol.intern("Key")) ? (spec.args.first ?? .null) : spec
        return a.entries[key].map { hasPart($0, pos.dropFirst()) } ?? false
    }
    guard spec.isInteger, let i = spec.intValue else { return false }
    switch e {
    case .normal(let n):
        if i == 0 { return hasPart(n.head, pos.dropFirst()) }
        let k = i > 0 ? i - 1 : n.args.count + i
        return k >= 0 && k < n.args.count && hasPart(n.args[k], pos.dropFirst())
    case .association(let a):
        let k = i > 0 ? i - 1 : a.entries.count + i
        return k >= 0 && k < a.entries.count && hasPart(a.entries.values[k], pos.dropFirst())
    default:
        return false
    }
}

/// Whether the symbol `s` occurs anywhere in `e`, heads included.
private func mentions(_ e: Expr, _ s: Symbol) -> Bool {
    switch e {
    case .symbol(let t): return t === s
    case .normal(let n): return mentions(n.head, s) || n.args.contains { mentions($0, s) }
    default: return false
    }
}
