import Foundation
import BigInt
import Language
import Resources
import OrderedCollections

/// Positions for Take and Drop: `n`, `-n`, `{m}`, `{m, n}`, `{m, n, s}`, `All`, `None`.
private func takeRange(_ spec: Expr, _ count: Int) -> [Int]? {
    if spec.isSymbol(Sym.All) { return Array(0..<count) }
    if spec.isSymbol(Sym.None) { return [] }
    if let n = spec.intValue {
        if n >= 0 { return n <= count ? Array(0..<n) : nil }
        return -n <= count ? Array((count + n)..<count) : nil
    }
    guard let items = spec.listItems else { return nil }
    if items.count == 1, let m = items[0].intValue {
        let k = m > 0 ? m - 1 : count + m
        return k >= 0 && k < count ? [k] : nil
    }
    return try? spanPositions(.call(Sym.Span, items), count)
}

private func takeOrDrop(_ c: Call, take: Bool) throws -> Expr? {
    guard c.count >= 2 else { return c.argCount(2) }
    if c.count == 2, let v = c[0].structured, let r = try v.take(c[1], drop: !take, c) { return r }
    if case .association(let a) = c[0] {
        guard let pos = takeRange(c[1], a.entries.count) else {
            c.message(take ? "take" : "drop", c[1], c[1], c[0])
            return nil
        }
        let keep = take ? Set(pos) : Set(0..<a.entries.count).subtracting(pos)
        var out: OrderedDictionary<Expr, Expr> = [:]
        for (i, (k, v)) in a.entries.enumerated() where keep.contains(i) { out[k] = v }
        return .association(AssociationBox(out))
    }
    guard case .normal(let n) = c[0] else { c.message("normal", .integer(1), c.whole); return nil }
    guard let pos = takeRange(c[1], n.args.count) else {
        let (lo, hi): (Expr, Expr)
        if let items = c[1].listItems, items.count >= 2 { (lo, hi) = (items[0], items[1]) }
        else if let k = c[1].intValue, k < 0 { (lo, hi) = (c[1], .integer(-1)) }
        else { (lo, hi) = (.integer(1), c[1]) }
        c.message(take ? "take" : "drop", lo, hi, c[0])
        return nil
    }
    var args: [Expr]
    if take {
        args = pos.map { n.args[$0] }
    } else {
        let drop = Set(pos)
        args = n.args.indices.filter { !drop.contains($0) }.map { n.args[$0] }
    }
    if c.count > 2 {
        // Take[m, rows, cols] works down the levels.
        var out: [Expr] = []
        for a in args {
            let sub = Call(evaluator: c.evaluator, expr: Normal(c.head, [a] + c.args.dropFirst(2)))
            guard let r = try takeOrDrop(sub, take: take) else { return nil }
            out.append(r)
        }
        args = out
    }
    return .normal(Normal(n.head, args))
}

/// The 0-based indices down to the place an element is inserted at `spec` (a list of integers,
/// negative ones counting from the end; the last index may be one past the end): nil when the
/// position is not in `e`.
private func insertionPath(_ e: Expr, _ spec: [Expr]) -> [Int]? {
    guard !spec.isEmpty else { return nil }
    var out: [Int] = []
    var cur = e
    for (k, s) in spec.enumerated() {
        guard let i = s.intValue, i != 0, case .normal(let n) = cur else { return nil }
        let count = n.args.count
        if k == spec.count - 1 {
            let j = i > 0 ? i - 1 : count + i + 1
            guard j >= 0, j <= count else { return nil }
            out.append(j)
        } else {
            let j = i > 0 ? i - 1 : count + i
            guard j >= 0, j < count else { return nil }
            out.append(j)
            cur = n.args[j]
        }
    }
    return out
}

/// `e` with the subexpression at the 0-based `path` replaced by what `change` makes of it; nil
/// when the path leads nowhere or `change` gives nil. Walks down and builds back up without
/// recursion, so a deep path costs no stack.
func modifying(_ e: Expr, at path: ArraySlice<Int>, _ change: (Normal) throws -> Normal?) rethrows -> Expr? {
    var nodes: [Normal] = []
    var cur = e
    for i in path {
        guard case .normal(let n) = cur, i >= 0, i < n.args.count else { return nil }
        nodes.append(n)
        cur = n.args[i]
    }
    guard case .normal(let target) = cur, let changed = try change(target) else { return nil }
    var result = Expr.normal(changed)
    for (n, i) in zip(nodes, path).reversed() {
        var args = n.args
        args[i] = result
        result = .normal(Normal(n.head, args))
    }
    return result
}

/// `Join[parts..., level]`: the parts concatenated at `level`, each index's parts at the level
/// above joined in turn (a ragged part joins what it has). Nil, with a message, when the heads
/// differ or a part is shallower than the level.
private func joinAt(_ parts: [Expr], _ level: Int, _ c: Call) -> Expr? {
    guard case .normal(let first) = parts.first else { c.message("dpth", c[c.count - 1], c.whole); return nil }
    var lists: [Normal] = []
    for p in parts {
        guard case .normal(let n) = p else { c.message("dpth", c[c.count - 1], c.whole); return nil }
        guard n.head == first.head else { c.message("heads", first.head, n.head); return nil }
        lists.append(n)
    }
    if level == 1 { return .normal(Normal(first.head, lists.flatMap(\.args))) }
    let longest = lists.map(\.args.count).max() ?? 0
    var out: [Expr] = []
    out.reserveCapacity(longest)
    for i in 0..<longest {
        guard let joined = joinAt(lists.compactMap { $0.args.count > i ? $0.args[i] : nil }, level - 1, c) else { return nil }
        out.append(joined)
    }
    return .normal(Normal(first.head, out))
}

/// `Flatten[list, {{s11, s12, ...}, {s21, ...}, ...}]`: level i of the result indexes the parts of
/// `list` by their indices at levels si1, si2, ... together, in lexicographic order of those
/// indices (so a ragged list transposes to ragged rows). Levels below the deepest one named but
/// not named themselves come after, one result level each; what lies deeper stays as it is.
private func flattenLevels(_ n: Normal, _ head: Expr, _ named: [[Int]], _ c: Call) throws -> Expr? {
    let spec = Expr.list(named.map { .ints($0) })
    var groups = named.filter { !$0.isEmpty }
    var seen = Set<Int>()
    for level in groups.joined() where !seen.insert(level).inserted { c.message("flrep", .integer(level), spec); return nil }
    let deepest = seen.max() ?? 0
    guard deepest > 0 else { return .normal(n) }
    // The parts at the deepest level, with their indices, in order.
    var leaves: [(index: [Int], value: Expr)] = []
    var stack: [(Expr, [Int])] = [(.normal(n), [])]
    var pulse = Pulse(c)
    while let (e, index) = stack.popLast() {
        try pulse.beat()
        if index.count == deepest { leaves.append((index, e)); continue }
        guard case .normal(let m) = e, m.head == head else {
            c.message("fldep", .integer(deepest), spec, .integer(index.count), .normal(n))
            return nil
        }
        for (i, a) in m.args.enumerated().reversed() { stack.append((a, index + [i + 1])) }
    }
    // The levels not named, down to the deepest (which the parts reach), one result level each.
    for level in 1...deepest where !seen.contains(level) { groups.append([level]) }
    // Each part's place in the result: the indices of its group's levels, group by group.
    let keyed = leaves.map { leaf in (key: groups.map { g in g.map { leaf.index[$0 - 1] } }, value: leaf.value) }
    let ordered = try interruptiblySorted(keyed, c) { a, b in
        for (x, y) in zip(a.key, b.key) where x != y { return x.lexicographicallyPrecedes(y) }
        return false
    }
    func build(_ part: ArraySlice<(key: [[Int]], value: Expr)>, _ level: Int) -> Expr {
        guard level < groups.count else { return part.first?.value ?? .null }
        var out: [Expr] = []
        var start = part.startIndex
        while start < part.endIndex {
            var end = start + 1
            while end < part.endIndex, part[end].key[level] == part[start].key[level] { end += 1 }
            out.append(build(part[start..<end], level + 1))
            start = end
        }
        return .normal(Normal(n.head, out))
    }
    return build(ordered[...], 0)
}

/// The full array `a` with level k put at level `perm[k]` of the result (whose dimensions are
/// `dims`); levels sent to the same place are read along their diagonal. Made element by element
/// in the result's order, without recursion.
private func transposed(_ a: Expr, _ perm: [Int], _ dims: [Int], _ c: Call) throws -> Expr {
    guard let total = ResourcePolicy.count(dims), admits(total, c) else { return a }
    if let empty = dims.firstIndex(of: 0) {
        // No elements: the levels down to the first empty one.
        var e = Expr.list([])
        for d in dims[..<empty].reversed() { e = .list(Array(repeating: e, count: d)) }
        return e
    }
    var flat: [Expr] = []
    flat.reserveCapacity(total)
    var index = [Int](repeating: 0, count: dims.count)
    var pulse = Pulse(c)
    for _ in 0..<total {
        try pulse.beat()
        var e = a
        for p in perm { e = e.args[index[p - 1]] }
        flat.append(e)
        var k = dims.count - 1
        while k >= 0 {
            index[k] += 1
            if index[k] < dims[k] { break }
            index[k] = 0
            k -= 1
        }
    }
    // Group the elements into rows, innermost level first.
    for d in dims.dropFirst().reversed() {
        flat = stride(from: 0, to: flat.count, by: d).map { .list(Array(flat[$0..<($0 + d)])) }
    }
    return .list(flat)
}

/// Flattens sublists with the given head down to `depth` levels.
private func flatten(_ items: [Expr], _ head: Expr, _ depth: Int) -> [Expr] {
    var out: [Expr] = []
    for i in items {
        if depth > 0, case .normal(let n) = i, n.head == head {
            out.append(contentsOf: flatten(n.args, head, depth - 1))
        } else {
            out.append(i)
        }
    }
    return out
}

/// Dimensions of a full array: each level's length while all its parts agree.
func dimensions(_ e: Expr) -> [Int] {
    guard case .normal(let n) = e else { return [] }
    if let p = n.packedIfMade { return p.dims }
    var dims = [n.args.count]
    guard let first = n.args.first, case .normal(let f) = first else { return dims }
    let sub = dimensions(first)
    if sub.isEmpty { return dims }
    var common = sub
    for a in n.args.dropFirst() {
        guard case .normal(let m) = a, m.head == f.head else { return dims }
        let d = dimensions(a)
        var k = 0
        while k < min(d.count, common.count) && d[k] == common[k] { k += 1 }
        common = Array(common.prefix(k))
        if common.isEmpty { return dims }
    }
    dims.append(contentsOf: common)
    return dims
}

/// The dimensions of `e` as an array of lists: `dimensions` down to the first level whose head
/// is not List (`{f[1, 2], f[3, 4]}` is a vector of two f's here).
func listDimensions(_ e: Expr) -> [Int] {
    let dims = dimensions(e)
    var out: [Int] = []
    var cur = e
    for d in dims {
        guard cur.isList else { break }
        out.append(d)
        guard let first = cur.args.first else { break }
        cur = first
    }
    return out
}

/// `Total[list]` (or `Total[list, 1]`) of a list of machine reals made from packed contents,
/// summed from the contents without making the elements, in the order the general route adds
/// them: a vector left to right (as `total` does), a matrix column by column, each column's
/// entries in increasing order (`Plus` is Orderless: it sorts its terms, then adds them). Nil
/// for anything else, and where a NaN makes the order of the terms unclear.
private func packedTotal(_ c: Call) throws -> Expr? {
    guard c.count == 1 || c[1] == .integer(1), case .normal(let n) = c[0], n.isPackedOnly,
          let p = n.packedIfMade, p.kind == .reals, p.dims.count <= 2 else { return nil }
    if p.dims.count == 1 {
        var sum = 0.0
        for x in p.data { sum += x }
        return .real(sum)
    }
    guard !p.data.contains(where: \.isNaN) else { return nil }
    let rows = p.rows, cols = p.cols
    if rows == 1 { return .packed(p.data, dims: [cols]) }
    var column = [Double](repeating: 0, count: rows), sums = [Double](repeating: 0, count: cols)
    try p.data.withUnsafeBufferPointer { xs in
        for j in 0..<cols {
            try c.evaluator.checkInterrupt()
            for i in 0..<rows { column[i] = xs[i * cols + j] }
            column.sort()
            var sum = 0.0
            for x in column { sum += x }
            sums[j] = sum
        }
    }
    return .packed(sums, dims: [cols])
}

/// The levels `lo...hi` (from 1) a Total level specification sums: n (1 through n), {n}, {m, n},
/// Infinity; negative levels count up from the deepest level of lists in `e` (-1 is the last).
private func totalLevels(_ spec: Expr, _ e: Expr) -> (Int, Int)? {
    func depth() -> Int {
        if case .normal(let n) = e, let p = n.packedIfMade { return p.dims.count }
        var deepest = 0
        var stack: [(Expr, Int)] = [(e, 0)]
        while let (x, d) = stack.popLast() {
            guard let items = x.listItems else { continue }
            deepest = max(deepest, d + 1)
            for i in items where i.isList { stack.append((i, d + 1)) }
        }
        return deepest
    }
    func level(_ x: Expr) -> Int? {
        if x.isSymbol(Sym.Infinity) || x == .call(Sym.DirectedInfinity, [.integer(1)]) { return .max }
        guard let k = x.intValue else { return nil }
        return k >= 0 ? k : depth() + 1 + k
    }
    if let items = spec.listItems {
        guard (1...2).contains(items.count), let lo = level(items[0]), let hi = level(items.last ?? items[0]) else { return nil }
        return (lo, hi)
    }
    guard let hi = level(spec) else { return nil }
    return (1, hi)
}

/// `e` summed at levels `lo` through `hi`: below `lo` the parts are kept apart, from it down to
/// `hi` they are added (elementwise where they are lists).
private func totalAt(_ e: Expr, _ lo: Int, _ hi: Int, _ c: Call) throws -> Expr {
    guard lo <= hi, case .normal(let n) = e, n.head.isSymbol(Sym.List) else { return e }
    if lo > 1 {
        return .normal(Normal(n.head, try n.args.map { try totalAt($0, lo - 1, hi == .max ? hi : hi - 1, c) }))
    }
    let parts = hi > 1 ? try n.args.map { try totalAt($0, 1, hi == .max ? hi : hi - 1, c) } : n.args
    return try total(parts, c)
}

/// The test of a trailing `SameTest -> test` option, if given.
private func sameTest(_ c: Call) -> Expr? {
    guard let last = c.args.last, isOptionRule(last), optionName(last.args[0]) == "SameTest",
          !last.args[1].isSymbol(Sym.Automatic) else { return nil }
    return last.args[1]
}

/// The elements kept by a test of sameness: each one for which `test[kept, e]` is True for none
/// of those kept before it.
private func distinct(_ items: [Expr], _ test: Expr, _ c: Call) throws -> [Expr] {
    var out: [Expr] = []
    for a in items where try !out.contains(where: { try c.apply(test, $0, a).isTrue }) { out.append(a) }
    return out
}

/// The elements in groups by a test of sameness, in order of first appearance: each element
/// joins the first group whose first element `test[first, e]` finds the same.
private func gathered(_ items: [Expr], _ test: Expr, _ c: Call) throws -> [[Expr]] {
    var groups: [[Expr]] = []
    for a in items {
        if let k = try groups.firstIndex(where: { try c.apply(test, $0[0], a).isTrue }) { groups[k].append(a) } else { groups.append([a]) }
    }
    return groups
}

/// Sums a list, fast for plain numbers.
func total(_ items: [Expr], _ c: Call) throws -> Expr {
    if items.isEmpty { return .integer(0) }
    var allReal = true
    var sum = 0.0
    for i in items {
        if case .real(let d) = i { sum += d } else { allReal = false; break }
    }
    if allReal { return .real(sum) }
    if items.allSatisfy({ $0.isNumber }) {
        var acc: Expr = .integer(0)
        for i in items { acc = Numbers.add(acc, i) ?? acc }
        return acc
    }
    return try c.evaluate(.call(Sym.Plus, items))
}

private func compareForSort(_ a: Expr, _ b: Expr) -> Bool { Order.less(a, b) }

private func sorted(_ items: [Expr], _ p: Expr?, _ c: Call) throws -> [Expr] {
    guard let p else { return try interruptiblySorted(items, c, by: compareForSort) }
    return try items.sorted { a, b in
        let r = try c.apply(p, a, b)
        if r.isTrue { return true }
        if let n = r.intValue { return n > 0 }
        return false
    }
}

/// Matrix product and friends on nested lists; falls back to symbolic Plus/Times.
private func dot(_ a: Expr, _ b: Expr, _ c: Call) throws -> Expr? {
    let da = dimensions(a), db = dimensions(b)
    guard !da.isEmpty, !db.isEmpty else { return nil }
    guard da.last == db.first else {
        c.message("dotsh", a, b)
        return nil
    }
    if da.count == 1 && db.count == 1 {
        if let x = a.realValues, let y = b.realValues, a.args.contains(where: { if case .real = $0 { return true }; return false }) || b.args.contains(where: { if case .real = $0 { return true }; return false }) {
            return .real(zip(x, y).reduce(0) { $0 + $1.0 * $1.1 })
        }
        return try c.evaluate(.call(Sym.Plus, zip(a.args, b.args).map { .call(Sym.Times, [$0, $1]) }))
    }
    if da.count == 2 && db.count == 1 {
        return .list(try a.args.map { row in try dot(row, b, c) ?? .null })
    }
    if da.count == 1 && db.count == 2 {
        let cols = transposeRows(b.args)
        return .list(try cols.map { col in try dot(a, .list(col), c) ?? .null })
    }
    if da.count == 2 && db.count == 2 {
        if let m = realMatrix(a), let n = realMatrix(b), (m.hasReal || n.hasReal) {
            let rows = m.values.count, inner = n.values.count, cols = n.values.first?.count ?? 0
            var out: [Expr] = []
            out.reserveCapacity(rows)
            for i in 0..<rows {
                var r = [Double](repeating: 0, count: cols)
                for k in 0..<inner {
                    let aik = m.values[i][k]
                    if aik == 0 { continue }
                    let row = n.values[k]
                    for j in 0..<cols { r[j] += aik * row[j] }
                }
                out.append(.reals(r))
            }
            return .list(out)
        }
        let cols = transposeRows(b.args)
        return .list(try a.args.map { row in .list(try cols.map { try dot(row, .list($0), c) ?? .null }) })
    }
    return nil
}

private func realMatrix(_ m: Expr) -> (values: [[Double]], hasReal: Bool)? {
    var hasReal = false
    var rows: [[Double]] = []
    for r in m.args {
        var row: [Double] = []
        for x in r.args {
            switch x {
            case .real(let d): row.append(d); hasReal = true
            case .integer(let i): row.append(Double(i))
            default:
                guard let d = x.doubleValue else { return nil }
                row.append(d)
            }
        }
        rows.append(row)
    }
    return (rows, hasReal)
}

func transposeRows(_ rows: [Expr]) -> [[Expr]] {
    guard let n = rows.first?.args.count else { return [] }
    return (0..<n).map { j in rows.map { $0.args.count > j ? $0.args[j] : .null } }
}

/// What fills the places of a Partition sublist that lie before or after the list.
private enum Padding {
    /// Nothing: the sublist is shorter.
    case none
    /// The elements used cyclically, aligned with the list's own positions.
    case cyclic([Expr])
}

/// Sublists of length n at offset d, the first element at position `ends.0` of the first sublist
/// and the last at or after position `ends.1` of the last (negative positions count from the end);
/// nil when the positions make no sense.
private func partition(_ items: [Expr], _ n: Int, _ d: Int, _ ends: (Int, Int), _ padding: Padding) -> [[Expr]]? {
    let count = items.count
    func position(_ k: Int) -> Int? {
        let p = k > 0 ? k : n + k + 1
        return p >= 1 && p <= n ? p : nil
    }
    guard let first = position(ends.0), let last = position(ends.1), count > 0 || first == 1 else { return count == 0 ? [] : nil }
    var out: [[Expr]] = []
    var start = -(first - 1)
    while start <= count - last {
        var part: [Expr] = []
        part.reserveCapacity(n)
        for i in start..<(start + n) {
            if i >= 0 && i < count { part.append(items[i]); continue }
            if case .cyclic(let pad) = padding, !pad.isEmpty { part.append(pad[((i % pad.count) + pad.count) % pad.count]) }
        }
        out.append(part)
        start += d
    }
    return out
}

/// Partition[matrix, {n1, n2}, {d1, d2}]: the n1 x n2 blocks at offsets d1, d2, row of blocks by
/// row of blocks.
private func partitionBlocks(_ m: Normal, _ ns: [Int], _ ds: [Int]) -> Expr? {
    guard let rowGroups = partition(m.args, ns[0], ds[0], (1, ns[0]), .none) else { return nil }
    var out: [Expr] = []
    for group in rowGroups {
        let split = group.compactMap { row in row.listItems.flatMap { partition($0, ns[1], ds[1], (1, ns[1]), .none) } }
        guard split.count == group.count, let k = split.map(\.count).min() else { return nil }
        out.append(.list((0..<k).map { j in .list(split.map { .list($0[j]) }) }))
    }
    return .list(out)
}

extension Kernel {
    static var listBuiltins: [Builtin] {
        [
            Builtin("List", [.locked], usage: "{e1, e2, ...} is a list of elements.", examples: [("{1, 2, 3}", "{1, 2, 3}")]) { c in
                // A list of millions is looked through a pulse at a time (Ctrl-C).
                var pulse = Pulse(c)
                guard try c.args.contains(where: { try pulse.beat(); return $0.isSymbol(Sym.Nothing) }) else { return nil }
                return .list(c.args.filter { !$0.isSymbol(Sym.Nothing) })
            },
            Builtin("Nothing", [], usage: "Nothing is removed from any list in which it appears.", examples: [("{1, Nothing, 2}", "{1, 2}")]),
            Builtin("Length", [], usage: "Length[expr] gives the number of elements in expr.", arity: .exactly(1), examples: [("Length[{a, b, c}]", "3")]) { c in
                if let n = c[0].structured?.length { return .integer(n) }
                if c[0].compound != nil { return .integer(1) }
                switch c[0] {
                case .normal(let n): return .integer(n.count)
                case .association(let a): return .integer(a.entries.count)
                default: return .integer(0)
                }
            },
            Builtin("Part", [.nHoldAll], usage: "expr[[i]] or Part[expr, i] gives the ith part of expr; negative i counts from the end; i may be All, a Span m;;n, a list of positions or an association key.", messages: ["partw": "Part `1` of `2` does not exist.", "pkspec1": "The expression `1` cannot be used as a part specification."], examples: [("{a, b, c}[[2]]", "b")]) { c in
                guard c.count >= 1 else { return nil }
                do {
                    // Native values with parts answer the specifications they know, one level at
                    // a time (a NumericArray's row, then its element); a ClassifierFunction and
                    // its kin take parts as the expression Wolfram shows for them.
                    var value = c[0], specs = c.args.dropFirst()
                    while let spec = specs.first, let v = value.structured, let r = try v.part(spec, c) {
                        value = r
                        specs = specs.dropFirst()
                    }
                    if let v = value.compound, !specs.isEmpty { value = try v.expression(c) }
                    if !specs.isEmpty, let v = value.structured, let r = try v.parts(specs, of: { try part($0, specs) }) { return r }
                    return try part(value, specs)
                } catch let missing as MissingPart {
                    c.message("partw", missing.spec, c[0])
                    return nil
                } catch let failure as PartFailure {
                    switch failure {
                    case .missing(let spec): c.message("partw", spec, c[0])
                    case .tooDeep: c.message("partd", Expr(Sym.HoldForm, c.whole))
                    case .badSpec(let spec): c.message("pkspec1", spec)
                    }
                    return nil
                }
            },
            Builtin("Take", [], usage: "Take[list, n] gives the first n elements; Take[list, -n] the last n; Take[list, {m, n}] elements m through n.", examples: [("Take[{a, b, c, d}, 2]", "{a, b}")]) { c in
                try takeOrDrop(c, take: true)
            },
            Builtin("Drop", [], usage: "Drop[list, n] drops the first n elements; Drop[list, -n] the last n; Drop[list, {m, n}] elements m through n.", examples: [("Drop[{a, b, c, d}, 2]", "{c, d}")]) { c in
                try takeOrDrop(c, take: false)
            },
            Builtin("First", [], usage: "First[expr] gives the first element; First[expr, default] gives default when there is none.", arity: .between(1, 2), examples: [("First[{a, b, c}]", "a")]) { c in
                let items = try c[0].compound.map { try $0.expression(c).args } ?? elements(c[0])
                if let f = items.first { return f }
                if c.count == 2 { return c[1] }
                c.message("nofirst", c[0])
                return nil
            },
            Builtin("Last", [], usage: "Last[expr] gives the last element; Last[expr, default] gives default when there is none.", arity: .between(1, 2), examples: [("Last[{a, b, c}]", "c")]) { c in
                let items = try c[0].compound.map { try $0.expression(c).args } ?? elements(c[0])
                if let f = items.last { return f }
                if c.count == 2 { return c[1] }
                c.message("nolast", c[0])
                return nil
            },
            Builtin("Rest", [], usage: "Rest[expr] gives expr without its first element.", arity: .exactly(1), examples: [("Rest[{a, b, c}]", "{b, c}")]) { c in
                guard case .normal(let n) = c[0], !n.args.isEmpty else { c.message("rest", c[0]); return nil }
                return .normal(Normal(n.head, Array(n.args.dropFirst())))
            },
            Builtin("Most", [], usage: "Most[expr] gives expr without its last element.", arity: .exactly(1), examples: [("Most[{a, b, c}]", "{a, b}")]) { c in
                guard case .normal(let n) = c[0], !n.args.isEmpty else { c.message("most", c[0]); return nil }
                return .normal(Normal(n.head, Array(n.args.dropLast())))
            },
            Builtin("Append", [], usage: "Append[expr, elem] gives expr with elem added at the end.", arity: .exactly(2), examples: [("Append[{a, b}, c]", "{a, b, c}")]) { c in
                if case .association(let a) = c[0] {
                    var e = a.entries
                    for r in ruleList(c[1]) ?? [] { e[r.args[0]] = r.args[1] }
                    return .association(AssociationBox(e))
                }
                guard case .normal(let n) = c[0] else { c.message("normal", .integer(1), c.whole); return nil }
                return .normal(Normal(n.head, n.args + [c[1]]))
            },
            Builtin("Prepend", [], usage: "Prepend[expr, elem] gives expr with elem added at the start; a rule prepended to an association is its first entry, unless the key is there already.", arity: .exactly(2), examples: [("Prepend[{a, b}, c]", "{c, a, b}"), ("Prepend[<|a -> 1|>, b -> 2]", "<|b -> 2, a -> 1|>")]) { c in
                if case .association(let a) = c[0] {
                    guard let rules = ruleList(c[1]) else { return nil }
                    var e = OrderedDictionary<Expr, Expr>()
                    var given: [Expr: Expr] = [:]
                    for r in rules { given[r.args[0]] = r.args[1] }
                    for r in rules where a.entries[r.args[0]] == nil { e[r.args[0]] = r.args[1] }
                    for (k, v) in a.entries { e[k] = given[k] ?? v }
                    return .association(AssociationBox(e))
                }
                guard case .normal(let n) = c[0] else { c.message("normal", .integer(1), c.whole); return nil }
                return .normal(Normal(n.head, [c[1]] + n.args))
            },
            Builtin("Insert", [], usage: "Insert[list, elem, n] inserts elem at position n (negative n counts from the end); Insert[expr, elem, {i, j, ...}] at that position inside expr; Insert[expr, elem, {{i1, ...}, {i2, ...}, ...}] at several positions of the original expr.", arity: .exactly(3), messages: ["psl": "Position specification `1` in `2` is not a machine-sized integer or a list of machine-sized integers."], examples: [("Insert[{a, b, c}, x, 2]", "{a, x, b, c}"), ("Insert[{a, b, c}, x, -1]", "{a, b, c, x}"), ("Insert[{a, b, c}, x, {2}]", "{a, x, b, c}"), ("Insert[{{a, b}, {c, d}}, x, {2, 1}]", "{{a, b}, {x, c, d}}"), ("Insert[{a, b, c}, x, {{1}, {3}}]", "{x, a, b, x, c}")]) { c in
                var specs: [[Expr]]
                if c[2].intValue != nil { specs = [[c[2]]] } else if let items = c[2].listItems, !items.isEmpty {
                    specs = items.allSatisfy({ $0.isList }) ? items.map { $0.listItems ?? [] } : [items]
                } else {
                    c.message("psl", c[2], c.whole)
                    return nil
                }
                // Each position resolved against the original expression first, so that inserting
                // at one does not move the others; then the latest positions are done first.
                var paths: [[Int]] = []
                for spec in specs {
                    guard let path = insertionPath(c[0], spec) else { c.message("ins", c[2].intValue != nil ? c[2] : .list(spec), c[0]); return nil }
                    paths.append(path)
                }
                var e = c[0]
                for path in paths.sorted(by: { $1.lexicographicallyPrecedes($0) }) {
                    guard let next = modifying(e, at: path.dropLast(), { n in
                        guard let k = path.last, k <= n.args.count else { return nil }
                        var args = n.args
                        args.insert(c[1], at: k)
                        return Normal(n.head, args)
                    }) else { c.message("ins", .list(specs[0]), c[0]); return nil }
                    e = next
                }
                return e
            },
            Builtin("Delete", [], usage: "Delete[expr, n] deletes the element at position n; Delete[expr, {i, j, ...}] the part at that position; Delete[expr, {{i}, {j}, ...}] several parts; Delete[assoc, Key[k]] the entry of key k.", arity: .exactly(2), examples: [("Delete[{a, b, c}, 2]", "{a, c}"), ("Delete[<|a -> 1, b -> 2|>, Key[a]]", "<|b -> 2|>")]) { c in
                // An association's entries by key (Key[k] or {Key[k]}) or by position.
                if case .association(let a) = c[0] {
                    var specs = [c[1]]
                    if let items = c[1].listItems {
                        if items.count == 1, !items[0].isList { specs = items }
                        else if items.allSatisfy({ $0.listItems?.count == 1 }) { specs = items.compactMap { $0.listItems?.first } }
                        else { return nil }
                    }
                    var e = a.entries
                    var drop: [Expr] = []
                    for spec in specs {
                        if spec.hasHead(Symbol.intern("Key")), spec.args.count == 1, e[spec.args[0]] != nil { drop.append(spec.args[0]) }
                        else if let i = spec.intValue, i != 0, abs(i) <= e.count { drop.append(e.keys[i > 0 ? i - 1 : e.count + i]) }
                        else { c.message("partw", spec, c[0]); return nil }
                    }
                    for k in drop { e.removeValue(forKey: k) }
                    return .association(AssociationBox(e))
                }
                var paths: [[Int]]
                if let i = c[1].intValue { paths = [[i]] } else if let items = c[1].listItems {
                    if items.allSatisfy({ $0.intValue != nil }) { paths = [items.compactMap(\.intValue)] } else {
                        paths = items.map { ($0.listItems ?? [$0]).compactMap(\.intValue) }
                        guard paths.allSatisfy({ !$0.isEmpty }) else { c.message("pkspec1", c[1]); return nil }
                    }
                } else {
                    c.message("pkspec1", c[1])
                    return nil
                }
                // Deleting later positions first keeps earlier ones valid.
                func delete(_ e: Expr, _ path: ArraySlice<Int>) -> Expr? {
                    guard case .normal(let n) = e, let first = path.first else { return nil }
                    let i = first > 0 ? first - 1 : n.args.count + first
                    guard i >= 0, i < n.args.count else { return nil }
                    var args = n.args
                    if path.count == 1 { args.remove(at: i) } else {
                        guard let inner = delete(args[i], path.dropFirst()) else { return nil }
                        args[i] = inner
                    }
                    return .normal(Normal(n.head, args))
                }
                var e = c[0]
                for p in paths.sorted(by: { $0.lexicographicallyPrecedes($1) }).reversed() {
                    guard let next = delete(e, p[...]) else { c.message("partw", .ints(p), c[0]); return nil }
                    e = next
                }
                return e
            },
            Builtin("ReplacePart", [], usage: "ReplacePart[expr, i -> new] replaces the part at position i; {i, j} -> new the part at {i, j}; {{i1, j1}, {i2, j2}} -> new several parts; a pattern of positions (i_ :> f[i], {_, 2} -> x) every position that matches; 0 -> h the head.", arity: .exactly(2), examples: [("ReplacePart[{a, b, c}, 2 -> x]", "{a, x, c}"), ("ReplacePart[f[a], 0 -> g]", "g[a]"), ("ReplacePart[{a, b, c}, i_ :> i^2]", "{1, 4, 9}"), ("ReplacePart[{{a, b}, {c, d}}, {_, 2} -> x]", "{{a, x}, {c, x}}"), ("ReplacePart[{a, b, c, d}, {{1}, {3}} -> x]", "{x, b, x, d}")]) { c in
                guard let rules = ruleList(c[1]) else { return nil }
                return try replaceParts(c[0], rules, c)
            },
            Builtin("Join", [.flat, .oneIdentity], usage: "Join[list1, list2, ...] concatenates lists (or associations); Join[list1, list2, ..., n] joins at level n: the lists' successive parts at level n - 1 are joined.", messages: ["dpth": "The lists in `2` are not deep enough to be joined at level `1`."], examples: [("Join[{a, b}, {c}]", "{a, b, c}"), ("Join[{{1}, {2}}, {{3}, {4}}, 2]", "{{1, 3}, {2, 4}}"), ("Join[{{1, 2}}, {{a, b}, {3, 4}}, 2]", "{{1, 2, a, b}, {3, 4}}")]) { c in
                if c.args.isEmpty { return .list([]) }
                if c.count >= 2, case .integer(let level) = c[c.count - 1], c.args.dropLast().allSatisfy({ !$0.isAtom }) {
                    guard level >= 1 else { c.message("intp", c.whole, .integer(c.count)); return nil }
                    return joinAt(Array(c.args.dropLast()), level, c)
                }
                if c.args.allSatisfy({ $0.asAssociation != nil }) {
                    var e: OrderedDictionary<Expr, Expr> = [:]
                    for a in c.args { for (k, v) in a.asAssociation?.entries ?? [:] { e[k] = v } }
                    return .association(AssociationBox(e))
                }
                guard case .normal(let first) = c[0] else { return nil }
                var out: [Expr] = []
                for a in c.args {
                    guard case .normal(let n) = a, n.head == first.head else {
                        c.message("heads", first.head, a.head)
                        return nil
                    }
                    out.append(contentsOf: n.args)
                }
                return .normal(Normal(first.head, out))
            },
            Builtin("Catenate", [], usage: "Catenate[{list1, list2, ...}] joins the lists.", examples: [("Catenate[{{a, b}, {c}}]", "{a, b, c}")]) { c in
                guard c.count == 1, let ls = c[0].listItems else { return nil }
                return .list(ls.flatMap { elements($0) })
            },
            Builtin("Flatten", [], usage: "Flatten[list] flattens nested lists; Flatten[list, n] only n levels; Flatten[list, n, h] flattens subexpressions with head h; Flatten[list, {{s11, s12, ...}, {s21, ...}, ...}] makes level i of the result from levels si1, si2, ... of list together (Flatten[m, {{2}, {1}}] transposes, ragged lists too).", arity: .between(1, 3), messages: ["flpi": "Levels to be flattened together in `1` should be lists of positive integers.", "flrep": "Level `1` specified in `2` should not be repeated.", "fldep": "Level `1` specified in `2` exceeds the levels, `3`, which can be flattened together in `4`."], examples: [("Flatten[{a, {b, {c}}}]", "{a, b, c}"), ("Flatten[{a, {b, {c}}}, 1]", "{a, b, {c}}"), ("Flatten[f[a, f[b, g[c]]], Infinity, f]", "f[a, b, g[c]]"), ("Flatten[{{1, 2}, {3, 4}}, {{2}, {1}}]", "{{1, 3}, {2, 4}}"), ("Flatten[{{1, 2, 3}, {4}, {5, 6}}, {{2}, {1}}]", "{{1, 4, 5}, {2, 6}, {3}}"), ("Flatten[{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}, {{1, 3}, {2}}]", "{{1, 3}, {2, 4}, {5, 7}, {6, 8}}")]) { c in
                guard case .normal(let n) = c[0] else { return c[0] }
                let head = c.count == 3 ? c[2] : n.head
                if c.count == 1 || c[1].isSymbol(Sym.Infinity) || c[1] == .call(Sym.DirectedInfinity, [.integer(1)]) {
                    return .normal(Normal(n.head, flatten(n.args, head, .max)))
                }
                if let depth = c[1].intValue {
                    guard depth >= 0 else { c.message("flpi", c[1]); return nil }
                    return .normal(Normal(n.head, flatten(n.args, head, depth)))
                }
                guard let items = c[1].listItems else { c.message("flpi", c[1]); return nil }
                let groups = items.map { $0.listItems ?? [$0] }.map { $0.map(\.intValue) }
                guard groups.allSatisfy({ $0.allSatisfy { ($0 ?? 0) > 0 } }) else { c.message("flpi", c[1]); return nil }
                return try flattenLevels(n, head, groups.map { $0.compactMap { $0 } }, c)
            },
            Builtin("Partition", [], usage: "Partition[list, n] splits list into sublists of length n (dropping any overhang); Partition[list, n, d] with offset d; Partition[list, n, d, {kL, kR}] puts the first element at position kL of the first sublist and the last at or after position kR of the last, padding cyclically with the list itself, or with x in Partition[list, n, d, k, x] (no padding with {}); Partition[matrix, {n1, n2}] gives blocks; Partition[list, UpTo[n]] keeps a shorter last sublist.", arity: .between(2, 5), messages: ["ilsmp": "Single or list of positive machine-size integers expected at position 2 of `1`."], examples: [("Partition[{a, b, c, d}, 2]", "{{a, b}, {c, d}}"), ("Partition[{a, b, c, d, e}, 2, 1, 1]", "{{a, b}, {b, c}, {c, d}, {d, e}, {e, a}}"), ("Partition[{a, b, c, d, e}, 2, 2, 1, x]", "{{a, b}, {c, d}, {e, x}}"), ("Partition[{{1, 2, 3, 4}, {5, 6, 7, 8}}, {2, 2}]", "{{{{1, 2}, {5, 6}}, {{3, 4}, {7, 8}}}}")]) { c in
                guard case .normal(let l) = c[0] else { c.message("normal", .integer(1), c.whole); return nil }
                if let ns = c[1].listItems?.compactMap(\.intValue), ns.count == 2, ns.allSatisfy({ $0 > 0 }), c.count <= 3 {
                    let ds = c.count == 3 ? (c[2].listItems?.compactMap(\.intValue) ?? []) : ns
                    guard ds.count == 2, ds.allSatisfy({ $0 > 0 }) else { return nil }
                    return partitionBlocks(l, ns, ds)
                }
                // Partition[list, UpTo[n]] and Partition[list, UpTo[n], d]: the last sublists shorter.
                if c.count <= 3, case .normal(let u) = c[1], u.head.isSymbol(Symbol.intern("UpTo")), u.args.count == 1 {
                    guard let n = u.args[0].intValue, n > 0 else { c.message("ilsmp", c.whole); return nil }
                    let d = c.count == 3 ? (c[2].intValue ?? 0) : n
                    guard d > 0 else { return nil }
                    return .list(stride(from: 0, to: l.args.count, by: d).map { .normal(Normal(l.head, Array(l.args[$0..<Swift.min($0 + n, l.args.count)]))) })
                }
                guard let n = c[1].intValue, n > 0 else { c.message("ilsmp", c.whole); return nil }
                let d = c.count >= 3 ? (c[2].intValue ?? 0) : n
                guard d > 0 else { return nil }
                var ends = (1, n)
                if c.count >= 4 {
                    if let k = c[3].intValue { ends = (k, k) }
                    else if let ks = c[3].listItems?.compactMap(\.intValue), ks.count == 2 { ends = (ks[0], ks[1]) }
                    else { return nil }
                }
                let padding: Padding = c.count == 5 ? (c[4].listItems.map { $0.isEmpty ? .none : .cyclic($0) } ?? .cyclic([c[4]])) : .cyclic(l.args)
                guard let parts = partition(l.args, n, d, ends, padding), admits(parts.count * n, c) else { return nil }
                return .list(parts.map { .normal(Normal(l.head, $0)) })
            },
            Builtin("Transpose", [], usage: "Transpose[matrix] interchanges rows and columns (the first two levels of an array); Transpose[list, {n1, n2, ...}] puts level k of list at level nk of the result (a repeated nk takes a diagonal: Transpose[m, {1, 1}]); Transpose[list, k] cycles the levels k places to the right.", arity: .between(1, 2), messages: ["nmtx": "The first two levels of `1` cannot be transposed.", "perm": "`1` is not a valid permutation of the levels of `2`.", "tperm": "Cannot transpose the array `1` by `2`: the permutation is longer than the depth of the array.", "diagnl": "The levels that `1` puts together in `2` do not have the same length."], examples: [("Transpose[{{1, 2}, {3, 4}}]", "{{1, 3}, {2, 4}}"), ("Transpose[{{1, 2, 3}, {4, 5, 6}}, {2, 1}]", "{{1, 4}, {2, 5}, {3, 6}}"), ("Transpose[{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}, {1, 3, 2}]", "{{{1, 3}, {2, 4}}, {{5, 7}, {6, 8}}}"), ("Transpose[{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}, {2, 3, 1}]", "{{{1, 3}, {5, 7}}, {{2, 4}, {6, 8}}}"), ("Transpose[{{1, 2}, {3, 4}}, {1, 1}]", "{1, 4}")]) { c in
                guard c[0].listItems != nil else { return nil }
                let dims = listDimensions(c[0])
                if c.count == 1 || c[1].listItems?.compactMap(\.intValue) == [2, 1] {
                    guard let rows = c[0].listItems else { return nil }
                    if rows.isEmpty { return c[0] }
                    guard dims.count >= 2 else { c.message("nmtx", c[0]); return nil }
                    return .list(transposeRows(rows).map { .list($0) })
                }
                // The permutation as a list: Transpose[a, k] cycles the levels (as
                // RotateLeft[Range[depth], k] does).
                var perm: [Int]
                if let k = c[1].intValue, !dims.isEmpty {
                    let d = dims.count
                    let shift = (k % d + d) % d
                    perm = (0..<d).map { ($0 + shift) % d + 1 }
                } else if let items = c[1].listItems, items.allSatisfy({ ($0.intValue ?? 0) > 0 }) {
                    perm = items.compactMap(\.intValue)
                } else {
                    c.message("perm", c[1], c[0])
                    return nil
                }
                guard perm.count <= dims.count else { c.message("tperm", c[0], c[1]); return nil }
                // Levels past the permutation keep their order, after the levels it makes.
                let top = perm.max() ?? 0
                guard perm.isEmpty || top <= perm.count && Set(perm) == Set(1...top) else { c.message("perm", c[1], c[0]); return nil }
                perm += (perm.count..<dims.count).map { top + 1 + $0 - perm.count }
                var out = [Int](repeating: -1, count: perm.max() ?? 0)
                for (k, p) in perm.enumerated() {
                    if out[p - 1] >= 0, out[p - 1] != dims[k] { c.message("diagnl", c[1], c[0]); return nil }
                    out[p - 1] = dims[k]
                }
                return try transposed(c[0], perm, out, c)
            },
            Builtin("Reverse", [], usage: "Reverse[list] reverses the order of the elements.", arity: .atLeast(1), examples: [("Reverse[{1, 2, 3}]", "{3, 2, 1}")]) { c in
                if case .association(let a) = c[0] {
                    return .association(AssociationBox(OrderedDictionary(uniqueKeysWithValues: a.entries.reversed().map { ($0.key, $0.value) })))
                }
                guard case .normal(let n) = c[0] else { return nil }
                return .normal(Normal(n.head, n.args.reversed()))
            },
            Builtin("Sort", [], usage: "Sort[list] sorts into canonical order; Sort[list, p] uses p[a, b] as the ordering.", arity: .between(1, 2), examples: [("Sort[{3, 1, 2}]", "{1, 2, 3}")]) { c in
                if case .association(let a) = c[0] {
                    let pairs = try interruptiblySorted(a.entries.map { ($0.key, $0.value) }, c) { x, y in
                        if c.count == 2 { return try c.apply(c[1], x.1, y.1).isTrue }
                        return Order.less(x.1, y.1)
                    }
                    return .association(AssociationBox(OrderedDictionary(uniqueKeysWithValues: pairs)))
                }
                guard case .normal(let n) = c[0] else { return nil }
                // A packed vector sorts as doubles (canonical order is numeric order for one
                // kind of number), without making ten million expressions first.
                if c.count == 1, let p = n.packedIfMade, p.dims.count == 1, p.kind != .mixed {
                    var pulse = Pulse(c)
                    var xs = p.data
                    try xs.sort { a, b in try pulse.beat(); return a < b }
                    return Expr.packed(PackedArray(dims: p.dims, data: xs, kind: p.kind))
                }
                return .normal(Normal(n.head, try sorted(n.args, c.count == 2 ? c[1] : nil, c)))
            },
            Builtin("SortBy", [], usage: "SortBy[list, f] sorts by the values of f on the elements.", arity: .exactly(2), examples: [("SortBy[{-3, 1, 2}, Abs]", "{1, 2, -3}")]) { c in
                if case .association(let a) = c[0] {
                    let keyed = try a.entries.map { ($0.key, $0.value, try c.apply(c[1], $0.value)) }
                    let s = try interruptiblySorted(Array(keyed.enumerated()), c) { x, y in
                        let r = Order.compare(x.element.2, y.element.2)
                        return r != 0 ? r < 0 : x.offset < y.offset
                    }
                    return .association(AssociationBox(OrderedDictionary(uniqueKeysWithValues: s.map { ($0.element.0, $0.element.1) })))
                }
                guard case .normal(let n) = c[0] else { return nil }
                let keyed = try n.args.map { ($0, try c.apply(c[1], $0)) }
                let s = try interruptiblySorted(Array(keyed.enumerated()), c) { x, y in
                    let r = Order.compare(x.element.1, y.element.1)
                    if r != 0 { return r < 0 }
                    let r2 = Order.compare(x.element.0, y.element.0)
                    return r2 != 0 ? r2 < 0 : x.offset < y.offset
                }
                return .normal(Normal(n.head, s.map { $0.element.0 }))
            },
            Builtin("Ordering", [], usage: "Ordering[list] gives the positions that sort list; Ordering[list, n] the first n, Ordering[list, -n] the last n.", arity: .atLeast(1), examples: [("Ordering[{c, a, b}]", "{2, 3, 1}")]) { c in
                let items = elements(c[0])
                var idx = Array(items.indices)
                if c.count == 3 {
                    idx = try idx.sorted { try c.apply(c[2], items[$0], items[$1]).isTrue }
                } else {
                    idx = try interruptiblySorted(idx, c) { let r = Order.compare(items[$0], items[$1]); return r != 0 ? r < 0 : $0 < $1 }
                }
                var out = idx.map { $0 + 1 }
                if c.count >= 2, let n = c[1].intValue {
                    out = n >= 0 ? Array(out.prefix(n)) : Array(out.suffix(-n))
                }
                return .ints(out)
            },
            Builtin("Union", [.flat, .oneIdentity], usage: "Union[list1, list2, ...] gives the sorted distinct elements of all the lists; Union[list1, ..., SameTest -> test] counts elements as the same when test gives True for them, keeping the first in sorted order.", examples: [("Union[{3, 1}, {2, 1}]", "{1, 2, 3}"), ("Union[{1, 2, 3, 4}, SameTest -> (Mod[#1, 2] == Mod[#2, 2] &)]", "{1, 2}")]) { c in
                if let test = sameTest(c) {
                    let all = try interruptiblySorted(c.args.dropLast().flatMap { elements($0) }, c, by: compareForSort)
                    return .list(try distinct(all, test, c))
                }
                var seen = Set<Expr>()
                var out: [Expr] = []
                var pulse = Pulse(c)
                for l in c.args {
                    for e in elements(l) where seen.insert(e).inserted {
                        try pulse.beat()
                        out.append(e)
                    }
                }
                return .list(try interruptiblySorted(out, c, by: compareForSort))
            },
            Builtin("Intersection", [.flat, .oneIdentity], usage: "Intersection[list1, list2, ...] gives the sorted elements common to all lists.", examples: [("Intersection[{1, 2, 3}, {2, 3, 4}]", "{2, 3}")]) { c in
                guard let first = c.args.first else { return .list([]) }
                var common = Set(elements(first))
                for l in c.args.dropFirst() { common.formIntersection(elements(l)) }
                return .list(try interruptiblySorted(Array(common), c, by: compareForSort))
            },
            Builtin("Complement", [], usage: "Complement[all, e1, e2, ...] gives the sorted elements of all not in any ei.", examples: [("Complement[{1, 2, 3, 4}, {2, 4}]", "{1, 3}")]) { c in
                guard let first = c.args.first else { return nil }
                var s = Set(elements(first))
                for l in c.args.dropFirst() { s.subtract(elements(l)) }
                return .list(try interruptiblySorted(Array(s), c, by: compareForSort))
            },
            Builtin("DeleteDuplicates", [], usage: "DeleteDuplicates[list] removes repeated elements, keeping the first of each; DeleteDuplicates[list, test] counts e as a repeat of an earlier kept element k when test[k, e] gives True.", examples: [("DeleteDuplicates[{1, 2, 1, 3}]", "{1, 2, 3}"), ("DeleteDuplicates[{1, 2, 3, 4}, Mod[#1, 2] == Mod[#2, 2] &]", "{1, 2}")]) { c in
                guard c.count >= 1, case .normal(let n) = c[0] else { return nil }
                if c.count == 2 { return .normal(Normal(n.head, try distinct(n.args, c[1], c))) }
                var seen = Set<Expr>()
                var pulse = Pulse(c)
                return .normal(Normal(n.head, try n.args.filter { try pulse.beat(); return seen.insert($0).inserted }))
            },
            Builtin("Tally", [], usage: "Tally[list] gives {element, count} pairs in order of first appearance; Tally[list, test] counts elements as the same when test[first, e] gives True, first being the first of its kind.", arity: .between(1, 2), examples: [("Tally[{a, b, a}]", "{{a, 2}, {b, 1}}"), ("Tally[{1, 2, 3, 4, 5}, Mod[#1, 2] == Mod[#2, 2] &]", "{{1, 3}, {2, 2}}")]) { c in
                if c.count == 2 { return .list(try gathered(elements(c[0]), c[1], c).map { .list([$0[0], .integer($0.count)]) }) }
                var counts: OrderedDictionary<Expr, Int> = [:]
                var pulse = Pulse(c)
                for e in elements(c[0]) {
                    try pulse.beat()
                    counts[e, default: 0] += 1
                }
                return .list(counts.map { .list([$0.key, .integer($0.value)]) })
            },
            Builtin("GroupBy", [], usage: "GroupBy[list, f] groups elements by f into an association; GroupBy[list, f, g] applies g to each group; GroupBy[list, f -> h] transforms elements by h; GroupBy[list, {f1, f2, ...}] nests the groups; on an association the groups are associations.", arity: .between(2, 3), examples: [("GroupBy[{1, 2, 3, 4}, EvenQ]", "<|False -> {1, 3}, True -> {2, 4}|>"), ("GroupBy[<|a -> 1, b -> 2, c -> 3|>, OddQ]", "<|True -> <|a -> 1, c -> 3|>, False -> <|b -> 2|>|>"), ("GroupBy[{{1, 2}, {1, 3}, {2, 4}}, {First, Last}]", "<|1 -> <|2 -> {{1, 2}}, 3 -> {{1, 3}}|>, 2 -> <|4 -> {{2, 4}}|>|>")]) { c in
                // Entries (with their keys when grouping an association) grouped by the first of
                // `fs`, each group grouped again by the rest; the innermost groups are reduced.
                func group(_ items: [(key: Expr?, value: Expr)], _ fs: ArraySlice<Expr>) throws -> Expr {
                    guard let f = fs.first else {
                        let whole: Expr = items.first?.key == nil ? .list(items.map(\.value))
                            : .association(OrderedDictionary(items.map { ($0.key ?? .null, $0.value) }, uniquingKeysWith: { _, b in b }))
                        return c.count == 3 ? try c.apply(c[2], whole) : whole
                    }
                    var keyF = f, valF: Expr?
                    if isOptionRule(f) { keyF = f.args[0]; valF = f.args[1] }
                    var groups: OrderedDictionary<Expr, [(key: Expr?, value: Expr)]> = [:]
                    for e in items {
                        try c.evaluator.checkInterrupt()
                        groups[try c.apply(keyF, e.value), default: []].append((e.key, try valF.map { try c.apply($0, e.value) } ?? e.value))
                    }
                    var out: OrderedDictionary<Expr, Expr> = [:]
                    for (k, v) in groups { out[k] = try group(v, fs.dropFirst()) }
                    return .association(out)
                }
                let items: [(key: Expr?, value: Expr)]
                if case .association(let a) = c[0] { items = a.entries.map { ($0.key, $0.value) } } else { items = elements(c[0]).map { (nil, $0) } }
                let fs = c[1].listItems ?? [c[1]]
                guard !fs.isEmpty else { return nil }
                return try group(items, fs[...])
            },
            Builtin("Gather", [], usage: "Gather[list] gathers identical elements into sublists, in order of first appearance; Gather[list, test] puts e with the first element of a sublist for which test[first, e] gives True.", arity: .between(1, 2), examples: [("Gather[{1, 2, 1, 3}]", "{{1, 1}, {2}, {3}}"), ("Gather[Range[6], Mod[#1, 3] == Mod[#2, 3] &]", "{{1, 4}, {2, 5}, {3, 6}}")]) { c in
                if c.count == 2 { return .list(try gathered(elements(c[0]), c[1], c).map { .list($0) }) }
                var groups: OrderedDictionary<Expr, [Expr]> = [:]
                var pulse = Pulse(c)
                for e in elements(c[0]) {
                    try pulse.beat()
                    groups[e, default: []].append(e)
                }
                return .list(groups.values.map { .list($0) })
            },
            Builtin("Split", [], usage: "Split[list] splits list into runs of identical elements.", arity: .atLeast(1), examples: [("Split[{1, 1, 2, 1}]", "{{1, 1}, {2}, {1}}")]) { c in
                var out: [[Expr]] = []
                for e in elements(c[0]) {
                    if let last = out.last?.last {
                        let same = c.count == 2 ? try c.apply(c[1], last, e).isTrue : last == e
                        if same { out[out.count - 1].append(e); continue }
                    }
                    out.append([e])
                }
                return .list(out.map { .list($0) })
            },
            Builtin("SplitBy", [], usage: "SplitBy[list, f] splits list into runs with the same value of f.", arity: .exactly(2), examples: [("SplitBy[{1, 3, 2, 4, 5}, OddQ]", "{{1, 3}, {2, 4}, {5}}")]) { c in
                var out: [[Expr]] = []
                var lastKey: Expr?
                for e in elements(c[0]) {
                    let k = try c.apply(c[1], e)
                    if let lk = lastKey, lk == k { out[out.count - 1].append(e) } else { out.append([e]) }
                    lastKey = k
                }
                return .list(out.map { .list($0) })
            },
            Builtin("Range", [.listable], usage: "Range[n] gives {1, ..., n}; Range[a, b] from a to b; Range[a, b, d] in steps of d.", arity: .between(1, 3), examples: [("Range[5]", "{1, 2, 3, 4, 5}")]) { c in
                let a: Expr = c.count == 1 ? .integer(1) : c[0]
                let b: Expr = c.count == 1 ? c[0] : c[1]
                let d: Expr = c.count == 3 ? c[2] : .integer(1)
                if case .integer(let x) = a, case .integer(let y) = b, case .integer(let s) = d, s != 0 {
                    if (s > 0 && y < x) || (s < 0 && y > x) { return .list([]) }
                    let (span, o) = y.subtractingReportingOverflow(x)
                    let (steps, o2) = span.dividedReportingOverflow(by: s)
                    guard !o, !o2, steps < 50_000_000 else { c.message("range", c.whole); return nil }
                    guard admits(steps + 1, c) else { return nil }
                    var out: [Expr] = []
                    out.reserveCapacity(steps + 1)
                    for v in stride(from: x, through: y, by: s) {
                        // A long range answers Ctrl-C (every 2^20 elements).
                        if out.count & 0xFFFFF == 0xFFFFF { try c.evaluator.checkInterrupt() }
                        out.append(.integer(v))
                    }
                    return .list(out)
                }
                // The number of steps is the real number (b - a)/d rounded down, which holds for a
                // symbolic start with a numeric difference too (Range[a, a + 3]); the elements are
                // a + k d.
                if d.isNumber, d.doubleValue == 0 { c.message("range", c.whole); return nil }
                var steps: Double
                if let x = a.doubleValue, let y = b.doubleValue, let s = d.doubleValue {
                    steps = ((y - x) / s + 1e-12).rounded(.down)
                } else {
                    let span = try c.evaluate(.call(Sym.Times, [.call(Sym.Plus, [b, .call(Sym.Times, [.integer(-1), a])]), .call(Sym.Power, [d, .integer(-1)])]))
                    guard let q = try span.doubleValue ?? c.evaluate(.call(Symbol.intern("N"), [span])).doubleValue else {
                        c.message("range", c.whole)
                        return nil
                    }
                    steps = span.isExactNumber ? q.rounded(.down) : (q + 1e-12).rounded(.down)
                }
                if steps < 0 { return .list([]) }
                guard steps.isFinite, steps < 50_000_000 else { c.message("range", c.whole); return nil }
                let n = Int(steps) + 1
                guard admits(n, c) else { return nil }
                return .list(try (0..<n).map { k in
                    if k & 0xFFFFF == 0xFFFFF { try c.evaluator.checkInterrupt() }
                    if let step = Numbers.multiply(d, .integer(k)), let v = Numbers.add(a, step) { return v }
                    return try c.evaluate(.call(Sym.Plus, [a, .call(Sym.Times, [.integer(k), d])]))
                })
            },
            Builtin("ConstantArray", [], usage: "ConstantArray[c, n] gives a list of n copies of c; ConstantArray[c, {n1, n2, ...}] a nested array.", arity: .exactly(2), examples: [("ConstantArray[0, 3]", "{0, 0, 0}")]) { c in
                let dims = c[1].listItems?.compactMap { $0.intValue } ?? [c[1].intValue ?? -1]
                guard dims.allSatisfy({ $0 >= 0 }), let total = ResourcePolicy.count(dims.map { max($0, 1) }) else {
                    c.message("ilsnn", .integer(2), c.whole)
                    return nil
                }
                guard admits(total, c) else { return nil }
                var e = c[0]
                for d in dims.reversed() { e = .list(Array(repeating: e, count: d)) }
                return e
            },
            Builtin("Dimensions", [], usage: "Dimensions[expr] gives the dimensions of a full array.", arity: .atLeast(1), examples: [("Dimensions[{{1, 2, 3}, {4, 5, 6}}]", "{2, 3}")]) { c in
                if let d = c[0].structured?.dimensions { return .ints(d) }
                return .ints(dimensions(c[0]))
            },
            Builtin("ArrayReshape", [], usage: "ArrayReshape[list, dims] arranges the elements of list into an array of dimensions dims, padding with 0.", messages: ["list": "List expected at position 1 in `1`."], examples: [("ArrayReshape[Range[6], {2, 3}]", "{{1, 2, 3}, {4, 5, 6}}")]) { c in
                guard c.count >= 2, let dimsE = c[1].listItems else { return c.argCount(2) }
                let dims = dimsE.compactMap { $0.intValue }
                guard dims.count == dimsE.count, dims.allSatisfy({ $0 >= 0 }) else { return nil }
                var flat: [Expr] = []
                func collect(_ e: Expr) { if let i = e.listItems { i.forEach(collect) } else { flat.append(e) } }
                collect(c[0])
                let pad = c.count == 3 ? c[2] : .integer(0)
                var pos = 0
                func build(_ level: Int) -> Expr {
                    if level == dims.count {
                        defer { pos += 1 }
                        return pos < flat.count ? flat[pos] : pad
                    }
                    return .list((0..<dims[level]).map { _ in build(level + 1) })
                }
                return build(0)
            },
            Builtin("Dot", [.flat, .oneIdentity], usage: "a . b or Dot[a, b] gives the product of vectors and matrices.", messages: ["dotsh": "Tensors `1` and `2` have incompatible shapes."], examples: [("{1, 2} . {3, 4}", "11"), ("{1, 2} . {{1, 0}, {0, 1}} . {1, 1}", "3")]) { c in
                guard c.count >= 2 else { return c.count == 1 ? c[0] : nil }
                // a . b . c is (a . b) . c; a step that cannot be taken leaves the whole unevaluated.
                var product = c[0]
                for factor in c.args.dropFirst() {
                    guard let next = try dot(product, factor, c) else { return nil }
                    product = next
                }
                return product
            },
            Builtin("Total", [], usage: "Total[list] gives the sum of the elements; Total[list, n] sums at levels 1 through n; Total[list, {n}] at level n only; Total[list, {m, n}] at levels m through n; Total[list, -1] or Total[list, Infinity] sums everything.", arity: .between(1, 2), examples: [("Total[{1, 2, 3}]", "6"), ("Total[{{1, 2}, {3, 4}}]", "{4, 6}"), ("Total[{{1, 2}, {3, 4}}, 2]", "10"), ("Total[{{1, 2}, {3, 4}}, {2}]", "{3, 7}"), ("Total[{{1, 2}, {3, 4}}, {1, 2}]", "10"), ("Total[{{1, 2}, {3, 4}}, -1]", "10")]) { c in
                if case .association(let a) = c[0] { return try total(Array(a.entries.values), c) }
                if let sum = try packedTotal(c) { return sum }
                guard let items = c[0].listItems else { return c.count == 1 && c[0].isNumber ? c[0] : nil }
                if c.count == 1 { return try total(items, c) }
                guard let (lo, hi) = totalLevels(c[1], c[0]) else { c.message("level", c[1]); return nil }
                return try totalAt(c[0], max(lo, 1), hi, c)
            },
            Builtin("PackedArrayQ", [], usage: "Developer`PackedArrayQ[expr] gives True if expr is a packed array (a list of machine numbers held as one block of them); PackedArrayQ[expr, type] also requires elements of type Integer or Real; PackedArrayQ[expr, type, rank] that rank.", arity: .between(1, 3), examples: [("Developer`PackedArrayQ[RandomReal[1, {2, 3}]]", "True"), ("Developer`PackedArrayQ[{1, 2}]", "False")]) { c in
                guard case .normal(let n) = c[0], n.isPacked, let p = n.packedIfMade else { return .falseExpr }
                if c.count >= 2 {
                    guard let type = c[1].asSymbol, type === Sym.Integer || type === Sym.Real else { return .falseExpr }
                    if (type === Sym.Integer) != (p.kind == .integers) { return .falseExpr }
                }
                if c.count == 3 { return .bool(c[2] == .integer(p.dims.count)) }
                return .trueExpr
            },
            Builtin("ToPackedArray", [], usage: "Developer`ToPackedArray[expr] gives expr as a packed array when it is a full array of machine integers or reals (integers among reals become reals); otherwise expr unchanged. ToPackedArray[expr, type] packs as type Integer or Real.", arity: .between(1, 2), examples: [("Developer`PackedArrayQ[Developer`ToPackedArray[{1, 2.5}]]", "True"), ("Developer`ToPackedArray[{1, 2.5}]", "{1., 2.5}")]) { c in
                guard case .normal(let n) = c[0], !n.isPacked || c.count == 2, let p = n.packed else { return c[0] }
                var kind = p.kind == .integers ? PackedArray.Kind.integers : .reals
                if c.count == 2 {
                    guard let type = c[1].asSymbol, type === Sym.Integer || type === Sym.Real else { return c[0] }
                    if type === Sym.Integer && p.kind != .integers { return c[0] }
                    kind = type === Sym.Integer ? .integers : .reals
                }
                if n.isPacked && kind == p.kind { return c[0] }
                return Expr.packed(PackedArray(dims: p.dims, data: p.data, kind: kind)) ?? c[0]
            },
            Builtin("FromPackedArray", [], usage: "Developer`FromPackedArray[expr] gives expr with its packed arrays as ordinary lists.", arity: .exactly(1), examples: [("Developer`PackedArrayQ[Developer`FromPackedArray[RandomReal[1, 3]]]", "False")]) { c in
                guard case .normal(let n) = c[0], n.isPacked else { return c[0] }
                func unpack(_ e: Expr) -> Expr {
                    guard case .normal(let m) = e, m.isPacked else { return e }
                    return .list(m.args.map(unpack))
                }
                return unpack(c[0])
            },
            Builtin("Accumulate", [], usage: "Accumulate[list] gives the running totals.", examples: [("Accumulate[{1, 2, 3}]", "{1, 3, 6}")]) { c in
                guard c.count == 1, let items = c[0].listItems else { return nil }
                var out: [Expr] = []
                var acc: Expr = .integer(0)
                for i in items {
                    acc = try Numbers.add(acc, i) ?? c.evaluate(.call(Sym.Plus, [acc, i]))
                    out.append(acc)
                }
                return .list(out)
            },
            Builtin("Extract", [], usage: "Extract[expr, pos] gives the part at position pos (a list of indices); Extract[expr, {pos1, pos2, ...}] several parts; Extract[expr, pos, h] wraps each part in h before it is evaluated.", arity: .between(2, 3), examples: [("Extract[{a, {b, c}}, {2, 1}]", "b"), ("Extract[Hold[1 + 2], {1}, HoldForm]", "1 + 2")]) { c in
                guard let pos = c[1].listItems else { return nil }
                let wrap: (Expr) -> Expr = c.count == 3 ? { .call(c[2], [$0]) } : { $0 }
                if pos.allSatisfy({ $0.isList }) {
                    return .list(pos.compactMap { try? part(c[0], ($0.listItems ?? [])[...]) }.map(wrap))
                }
                do { return wrap(try part(c[0], pos[...])) } catch { c.message("partw", c[1], c[0]); return nil }
            },
            Builtin("Subsets", [], usage: "Subsets[list] gives all subsets, smallest first; Subsets[list, n] those of at most n elements; Subsets[list, {k}] those of exactly k; Subsets[list, {kmin, kmax}] and {kmin, kmax, step} those sizes; Subsets[list, All]; Subsets[list, spec, n] the first n of them, Subsets[list, spec, {m}] the mth.", arity: .between(1, 3), examples: [("Subsets[{a, b, c}, {2}]", "{{a, b}, {a, c}, {b, c}}"), ("Subsets[{a, b, c, d}, {2}, 3]", "{{a, b}, {a, c}, {a, d}}"), ("Subsets[{a, b, c, d}, {1, 3, 2}]", "{{a}, {b}, {c}, {d}, {a, b, c}, {a, b, d}, {a, c, d}, {b, c, d}}"), ("Subsets[{a, b, c}, All, {5}]", "{{a, b}}")]) { c in
                guard let items = c[0].listItems, items.count <= 20 else { return nil }
                var sizes = Array(0...items.count)
                if c.count >= 2, !c[1].isSymbol(Sym.All) {
                    if let k = c[1].intValue { sizes = k < 0 ? [] : Array(0...min(k, items.count)) }
                    else if let l = c[1].listItems?.compactMap(\.intValue), l.count == c[1].listItems?.count, (1...3).contains(l.count) {
                        let step = l.count == 3 ? l[2] : 1
                        let last = l.count == 1 ? l[0] : l[1]
                        guard step != 0 else { return nil }
                        sizes = Array(stride(from: l[0], through: last, by: step)).filter { $0 >= 0 && $0 <= items.count }
                    } else { return nil }
                }
                // The third argument takes the first n subsets, or the mth ({m}).
                var limit = Int.max
                var only: Int?
                if c.count == 3 {
                    if let n = c[2].intValue, n >= 0 { limit = n }
                    else if let l = c[2].listItems, l.count == 1, let m = l[0].intValue, m >= 1 { only = m; limit = m }
                    else { return nil }
                }
                var out: [Expr] = []
                var pulse = Pulse(c)
                sizes: for k in sizes {
                    func go(_ start: Int, _ acc: [Expr]) throws {
                        if out.count >= limit { return }
                        try pulse.beat()
                        if acc.count == k { out.append(.list(acc)); return }
                        if start >= items.count { return }
                        for i in start..<items.count { try go(i + 1, acc + [items[i]]) }
                    }
                    try go(0, [])
                    if out.count >= limit { break sizes }
                }
                if let m = only { return .list(out.count >= m ? [out[m - 1]] : []) }
                return .list(out)
            },
            Builtin("Tuples", [], usage: "Tuples[list, n] gives all n-tuples of elements of list; Tuples[{l1, l2, ...}] picks one from each.", examples: [("Tuples[{0, 1}, 2]", "{{0, 0}, {0, 1}, {1, 0}, {1, 1}}")]) { c in
                var lists: [[Expr]]
                if c.count == 2, let items = c[0].listItems, let n = c[1].intValue, n >= 0 {
                    // items^n tuples of n elements each, checked before anything is made.
                    guard Foundation.pow(Double(items.count), Double(n)) * Double(max(n, 1)) <= 1e7 else { nomem(c); return nil }
                    lists = Array(repeating: items, count: n)
                } else if c.count == 1, let ls = c[0].listItems { lists = ls.map { $0.args } } else { return nil }
                let count = lists.reduce(1.0, { $0 * Double($1.count) })
                guard count * Double(max(lists.count, 1)) <= 1e7 else { nomem(c); return nil }
                // One tuple at a time, in order (an odometer over the lists' positions), each made
                // once: a million tuples take a fraction of a second and answer Ctrl-C throughout.
                var out: [Expr] = []
                out.reserveCapacity(Int(count))
                var position = [Int](repeating: 0, count: lists.count)
                var pulse = Pulse(c)
                do {
                    while count > 0 {
                        try pulse.beat()
                        out.append(.list(lists.indices.map { lists[$0][position[$0]] }))
                        var k = lists.count - 1
                        while k >= 0 {
                            position[k] += 1
                            if position[k] < lists[k].count { break }
                            position[k] = 0
                            k -= 1
                        }
                        if k < 0 { break }
                    }
                } catch {
                    discardElsewhere(consume out)
                    throw error
                }
                return .list(out)
            },
            Builtin("Permutations", [], usage: "Permutations[list] gives all permutations of list (repeated elements give repeated permutations once); Permutations[list, n] those of at most n elements; Permutations[list, {k}] those of exactly k; Permutations[list, {kmin, kmax}] those sizes.", arity: .between(1, 2), examples: [("Permutations[{1, 2, 3}]", "{{1, 2, 3}, {1, 3, 2}, {2, 1, 3}, {2, 3, 1}, {3, 1, 2}, {3, 2, 1}}"), ("Permutations[{a, b, c}, {2}]", "{{a, b}, {a, c}, {b, a}, {b, c}, {c, a}, {c, b}}"), ("Permutations[{a, b}, 1]", "{{}, {a}, {b}}")]) { c in
                guard let items = c[0].listItems, items.count <= 9 else { return nil }
                var sizes = [items.count]
                if c.count == 2 {
                    if c[1].isSymbol(Sym.All) { sizes = Array(0...items.count) }
                    else if let n = c[1].intValue { sizes = n < 0 ? [] : Array(0...min(n, items.count)) }
                    else if let l = c[1].listItems?.compactMap(\.intValue), l.count == c[1].listItems?.count, (1...2).contains(l.count) {
                        sizes = Array(stride(from: l[0], through: l.last ?? l[0], by: 1)).filter { $0 >= 0 && $0 <= items.count }
                    } else { return nil }
                }
                var out: [Expr] = []
                var seen = Set<Expr>()
                var pulse = Pulse(c)
                for k in sizes {
                    func go(_ rest: [Expr], _ acc: [Expr]) throws {
                        try pulse.beat()
                        if acc.count == k { let l = Expr.list(acc); if seen.insert(l).inserted { out.append(l) }; return }
                        for i in rest.indices { var r = rest; let x = r.remove(at: i); try go(r, acc + [x]) }
                    }
                    try go(items, [])
                }
                return .list(out)
            },
            Builtin("Depth", [], usage: "Depth[expr] gives the maximum number of indices needed to specify a part of expr, plus 1.", arity: .exactly(1), examples: [("Depth[{1, {2}}]", "3")]) { c in
                .integer(exprDepth(c[0]))
            },
            Builtin("IdentityMatrix", [], usage: "IdentityMatrix[n] gives the n by n identity matrix.", examples: [("IdentityMatrix[2]", "{{1, 0}, {0, 1}}")]) { c in
                guard c.count == 1, let n = c[0].intValue, n >= 0, n <= 10_000 else { return nil }
                return .list((0..<n).map { i in .list((0..<n).map { .integer($0 == i ? 1 : 0) }) })
            },
        ]
    }
}
