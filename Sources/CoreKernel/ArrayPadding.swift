import BigInt
import Language

/// How `ArrayPad` fills what it adds: a constant (or a cyclic list of constants), or one of the
/// named methods that copy elements of the array itself.
private enum PadMethod: String {
    case fixed = "Fixed", periodic = "Periodic", reflected = "Reflected", reversed = "Reversed"
    case reversedNegation = "ReversedNegation"

    /// The index into a level of length n that padding position j (negative before the array,
    /// n or more after it) copies, and whether the copy is negated.
    func source(_ j: Int, _ n: Int) -> (Int, Bool) {
        if (0..<n).contains(j) { return (j, false) }
        switch self {
        case .fixed:
            return (j < 0 ? 0 : n - 1, false)
        case .periodic:
            return (((j % n) + n) % n, false)
        case .reversed, .reversedNegation:
            let period = 2 * n, k = ((j % period) + period) % period
            let flipped = k >= n
            return (flipped ? period - 1 - k : k, self == .reversedNegation && flipped)
        case .reflected:
            if n == 1 { return (0, false) }
            let period = 2 * n - 2, k = ((j % period) + period) % period
            return (k >= n ? period - k : k, false)
        }
    }
}

/// The padding before and after the array at each of its `depth` levels, from `m`, `{m, n}` or
/// `{{m1, n1}, {m2, n2}, ...}` (`{mi}` for `{mi, mi}`; missing levels unpadded).
private func padWidths(_ spec: Expr, depth: Int) -> [(Int, Int)]? {
    if let m = spec.intValue { return Array(repeating: (m, m), count: depth) }
    guard let items = spec.listItems else { return nil }
    if items.count == 2, let m = items[0].intValue, let n = items[1].intValue {
        return Array(repeating: (m, n), count: depth)
    }
    var out: [(Int, Int)] = []
    for level in items {
        guard let pair = level.listItems?.map(\.intValue), !pair.isEmpty, pair.count <= 2,
              let m = pair[0], let n = pair.count == 2 ? pair[1] : m else { return nil }
        out.append((m, n))
    }
    guard out.count <= depth else { return nil }
    return out + Array(repeating: (0, 0), count: depth - out.count)
}

/// Pads (or with negative widths trims) each level of a full array by a named method, level by
/// level from the outside in, so the corners are the padding of the padding.
private func padArray(_ e: Expr, _ widths: ArraySlice<(Int, Int)>, _ method: PadMethod) -> Expr {
    guard let w = widths.first, let items = e.listItems, !items.isEmpty else { return e }
    let (m, n) = w
    let length = items.count + m + n
    var out: [Expr] = []
    out.reserveCapacity(max(length, 0))
    for p in 0..<max(length, 0) {
        let (j, negate) = method.source(p - m, items.count)
        let inner = padArray(items[j], widths.dropFirst(), method)
        out.append(negate ? .call(Sym.Times, [.integer(-1), inner]) : inner)
    }
    return .list(out)
}

/// Pads (or trims) each level by extrapolating the polynomial of degree `order` (at most the
/// level's length less one) through the elements nearest each end: `"Extrapolated"` padding.
private func extrapolate(_ e: Expr, _ widths: ArraySlice<(Int, Int)>, order: Int) -> Expr {
    guard let w = widths.first, let items = e.listItems, !items.isEmpty else { return e }
    let inner = items.map { extrapolate($0, widths.dropFirst(), order: order) }
    let (m, n) = w, count = items.count
    let points = min(order, count - 1) + 1
    var out: [Expr] = []
    for p in 0..<max(count + m + n, 0) {
        let j = p - m
        if (0..<count).contains(j) { out.append(inner[j]); continue }
        let nodes = j < 0 ? Array(0..<points) : Array((count - points)..<count)
        let terms = nodes.map { i in Expr.call(Sym.Times, [lagrangeWeight(i, nodes, at: j), inner[i]]) }
        out.append(.call(Sym.Plus, terms))
    }
    return .list(out)
}

/// The weight of node i in the Lagrange polynomial through `nodes` evaluated at x, exactly.
private func lagrangeWeight(_ i: Int, _ nodes: [Int], at x: Int) -> Expr {
    var num = BigInt(1), den = BigInt(1)
    for k in nodes where k != i {
        num *= BigInt(x - k)
        den *= BigInt(i - k)
    }
    return .call(Sym.Times, [.integer(num), .call(Sym.Power, [.integer(den), .integer(-1)])])
}

extension Kernel {
    static var arrayPaddingBuiltins: [Builtin] {
        [
            Builtin("ArrayPad", [], usage: "ArrayPad[array, m] pads a full array with m zeros on every side at every level (negative m trims); ArrayPad[array, {m, n}] pads m at the beginning and n at the end; ArrayPad[array, {{m1, n1}, {m2, n2}, ...}] pads level i by mi and ni; ArrayPad[array, spec, padding] pads with a constant, a cyclic list of constants, \"Fixed\", \"Periodic\", \"Reflected\", \"Reversed\" or \"ReversedNegation\" copies of the array, or \"Extrapolated\" values of the polynomial of degree InterpolationOrder (default 1) through the elements at each end.", arity: .between(2, 3), options: [("InterpolationOrder", .integer(1))], messages: ["padspec": "`1` is not a valid padding specification.", "arrsm": "The array `1` is too small to be padded by `2`."], examples: [("ArrayPad[{1, 2, 3}, 1]", "{0, 1, 2, 3, 0}"), ("ArrayPad[{1, 2, 3}, {2, 4}]", "{0, 0, 1, 2, 3, 0, 0, 0, 0}"), ("ArrayPad[{1, 2, 3}, 2, x]", "{x, x, 1, 2, 3, x, x}"), ("ArrayPad[{1, 2, 3}, 2, \"Fixed\"]", "{1, 1, 1, 2, 3, 3, 3}"), ("ArrayPad[{{1, 2}, {3, 4}}, 1]", "{{0, 0, 0, 0}, {0, 1, 2, 0}, {0, 3, 4, 0}, {0, 0, 0, 0}}"), ("ArrayPad[{{1, 2}, {3, 4}}, {{1}}]", "{{0, 0}, {1, 2}, {3, 4}, {0, 0}}"), ("ArrayPad[Range[10], -2]", "{3, 4, 5, 6, 7, 8}"), ("ArrayPad[{a, b, c}, 4, \"Periodic\"]", "{c, a, b, c, a, b, c, a, b, c, a}"), ("ArrayPad[{a, b, c}, 4, \"Reversed\"]", "{c, c, b, a, a, b, c, c, b, a, a}"), ("ArrayPad[{a, b, c}, 4, \"Reflected\"]", "{a, b, c, b, a, b, c, b, a, b, c}"), ("ArrayPad[{a, b, c}, 4, \"ReversedNegation\"]", "{c, -c, -b, -a, a, b, c, -c, -b, -a, a}"), ("ArrayPad[{1, 4, 9}, 2, \"Extrapolated\"]", "{-5, -2, 1, 4, 9, 14, 19}"), ("ArrayPad[{1, 4, 9}, 2, \"Extrapolated\", InterpolationOrder -> 2]", "{1, 0, 1, 4, 9, 16, 25}")]) { c in
                guard c[0].isList else { return nil }
                let dims = dimensions(c[0])
                guard let widths = padWidths(c[1], depth: dims.count) else { c.message("padspec", c[1]); return nil }
                var total = 1
                for (d, (m, n)) in zip(dims, widths) {
                    let (partial, o1) = d.addingReportingOverflow(m), (len, o2) = partial.addingReportingOverflow(n)
                    guard !o1, !o2, len >= 0 else { c.message("arrsm", c[0], c[1]); return nil }
                    total = total.multipliedReportingOverflow(by: max(len, 1)).partialValue
                    if total < 0 { total = Int.max }
                }
                guard admits(total, c) else { return nil }
                let given = c.positional
                let padding = given.count > 2 ? given[2] : .integer(0)
                if padding.asString == "Extrapolated" {
                    let o = c.option("InterpolationOrder", .integer(1))
                    let order = o.isSymbol(Sym.Infinity) ? 64 : (o.intValue ?? -1)
                    guard (0...64).contains(order) else { c.message("padspec", padding); return nil }
                    if dims.contains(0) { return c[0] }
                    return extrapolate(c[0], widths[...], order: order)
                }
                if case .string(let name) = padding {
                    guard let method = PadMethod(rawValue: name) else { c.message("padspec", padding); return nil }
                    if dims.contains(0) { return c[0] }
                    return padArray(c[0], widths[...], method)
                }
                // A constant or cyclic padding: PadRight to the new dimensions with the leading widths as margins.
                let newDims = zip(dims, widths).map { d, w in Expr.integer(d + w.0 + w.1) }
                return .call(Symbol.intern("PadRight"), [c[0], .list(newDims), padding, .list(widths.map { .integer($0.0) })])
            },
        ]
    }
}
