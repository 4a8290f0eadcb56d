import Language

/// Which side `PadLeft` and `PadRight` pad on.
private enum Side { case left, right }

/// The lengths of a ragged array at each level: the longest list at that level, down to where
/// some element is not a list.
private func raggedDimensions(_ e: Expr) -> [Int] {
    var dims: [Int] = []
    var level = [e]
    while !level.isEmpty, level.allSatisfy({ $0.isList }) {
        let items = level.map { $0.listItems ?? [] }
        dims.append(items.map(\.count).max() ?? 0)
        level = items.flatMap { $0 }
    }
    return dims
}

/// Pads `e` to `dims` (one length per level), with `margins` before (PadRight) or after
/// (PadLeft) the elements; the padding `x` is used cyclically when it is a list, aligned as
/// Wolfram aligns it (from the start for PadRight, from the end for PadLeft).
private func pad(_ e: Expr, _ dims: ArraySlice<Int>, _ x: Expr, _ margins: ArraySlice<Int>, _ side: Side) -> Expr {
    guard let n = dims.first else { return e }
    let items = e.listItems ?? []
    let m = margins.first ?? 0
    let cycle = dims.count == 1 ? (x.listItems ?? [x]) : [x]
    func padding(_ p: Int) -> Expr {
        guard !cycle.isEmpty else { return x }
        let k = cycle.count
        let i = side == .right ? ((p - m) % k + k) % k : k - 1 - ((n - m - 1 - p) % k + k) % k
        return dims.count == 1 ? cycle[i] : pad(.list([]), dims.dropFirst(), x, margins.dropFirst(), side)
    }
    // The position in the result of the list's first element.
    let start = side == .right ? m : n - m - items.count
    var out: [Expr] = []
    out.reserveCapacity(n)
    for p in 0..<n {
        let j = p - start
        if j >= 0, j < items.count {
            out.append(dims.count == 1 ? items[j] : pad(items[j], dims.dropFirst(), x, margins.dropFirst(), side))
        } else {
            out.append(padding(p))
        }
    }
    return .list(out)
}

private func padBuiltin(_ c: Call, _ side: Side) -> Expr? {
    guard c[0].isList else { return nil }
    let dims: [Int]
    if c.count == 1 {
        dims = raggedDimensions(c[0])
    } else if let n = c[1].intValue {
        dims = [n]
    } else if let ns = c[1].listItems?.compactMap(\.intValue), ns.count == c[1].listItems?.count {
        dims = ns
    } else {
        c.message("ilsmn", .integer(2), c.whole)
        return nil
    }
    guard dims.allSatisfy({ $0 >= 0 }) else { c.message("ilsmn", .integer(2), c.whole); return nil }
    let total = dims.reduce(1) { $0.multipliedReportingOverflow(by: max($1, 1)).partialValue }
    guard dims.count <= 64, admits(total, c) else { return nil }
    let x = c.count > 2 ? c[2] : .integer(0)
    var margins = Array(repeating: 0, count: dims.count)
    if c.count > 3 {
        if let m = c[3].intValue { margins = Array(repeating: m, count: dims.count) }
        else if let ms = c[3].listItems?.compactMap(\.intValue), ms.count == dims.count { margins = ms }
        else { return nil }
    }
    return pad(c[0], dims[...], x, margins[...], side)
}

extension Kernel {
    static var paddingBuiltins: [Builtin] {
        [
            Builtin("PadRight", [], usage: "PadRight[list, n] pads list on the right with 0 to length n (or truncates it); PadRight[list, n, x] pads with x, cyclically if x is a list; PadRight[list, n, x, m] leaves a margin of m on the left; PadRight[list, {n1, n2, ...}] pads a nested list to an array; PadRight[list] to the longest at each level.", arity: .between(1, 4), messages: ["ilsmn": "Single or list of non-negative machine-sized integers expected at position `1` of `2`."], examples: [("PadRight[{1, 2}, 4]", "{1, 2, 0, 0}"), ("PadRight[{a, b, c}, 10, {x, y, z}]", "{a, b, c, x, y, z, x, y, z, x}"), ("PadRight[{{1}, {2, 3}}]", "{{1, 0}, {2, 3}}"), ("PadRight[{a, b}, 5, x, 1]", "{x, a, b, x, x}"), ("PadRight[{a, b, c}, 2]", "{a, b}"), ("PadRight[{{a}}, {2, 3}, x]", "{{a, x, x}, {x, x, x}}")]) { c in
                padBuiltin(c, .right)
            },
            Builtin("PadLeft", [], usage: "PadLeft[list, n] pads list on the left with 0 to length n (or keeps its last n elements); PadLeft[list, n, x] pads with x, cyclically if x is a list; PadLeft[list, n, x, m] leaves a margin of m on the right; PadLeft[list, {n1, n2, ...}] pads a nested list to an array; PadLeft[list] to the longest at each level.", arity: .between(1, 4), messages: ["ilsmn": "Single or list of non-negative machine-sized integers expected at position `1` of `2`."], examples: [("PadLeft[{1, 2}, 4]", "{0, 0, 1, 2}"), ("PadLeft[{a, b, c}, 10, {x, y, z}]", "{z, x, y, z, x, y, z, a, b, c}"), ("PadLeft[{{1}, {2, 3}}]", "{{0, 1}, {2, 3}}"), ("PadLeft[{1, 2}, 6, 0, 1]", "{0, 0, 0, 1, 2, 0}"), ("PadLeft[{a, b, c}, 2]", "{b, c}")]) { c in
                padBuiltin(c, .left)
            },
        ]
    }
}
