import Resources

/// The contents of a rectangular list of machine numbers as one contiguous row-major array of
/// doubles: the nets counterpart of the Wolfram Language's packed arrays.
///
/// A list stays an ordinary `List` of `Expr` elements (so `Part`, `Map`, patterns, printing and
/// equality see nothing new); its `Normal` may in addition carry these packed contents, made at
/// most once, so numeric builtins (`Dot`, `LinearSolve`, `LeastSquares`...) read a large matrix
/// without walking its elements again, and results computed as doubles (`Dot`, `RandomReal`,
/// `RandomVariate`) are built packed and never need to be read back.
///
/// Safe because a `Normal` is immutable: its `args` never change, so contents made from them (or
/// given with them, by `Expr.packed`) can never go stale.
public final class PackedArray: @unchecked Sendable {
    /// The dimensions: `[n]` for a vector, `[rows, cols]` for a matrix, and so on.
    public let dims: [Int]
    /// The entries, row-major: `dims.reduce(1, *)` of them.
    public let data: [Double]
    /// What the entries were: all machine integers, all machine reals, or some of each.
    public let kind: Kind

    public enum Kind: Sendable { case integers, reals, mixed }

    public init(dims: [Int], data: [Double], kind: Kind) {
        self.dims = dims
        self.data = data
        self.kind = kind
    }

    /// Whether some entry is a machine real.
    public var hasReal: Bool { kind != .integers }

    /// Rows for a matrix, length for a vector.
    public var rows: Int { dims.first ?? 0 }
    /// Entries per row (1 for a vector).
    public var cols: Int { dims.count > 1 ? dims.dropFirst().reduce(1, *) : 1 }
}

/// Whether a `Normal`'s packed contents have been looked for, and what was found.
enum Packing {
    /// Not asked for yet.
    case unknown
    /// Asked for: the expression is not a rectangular list of machine numbers.
    case unpackable
    case packed(PackedArray)
}

extension Normal {
    /// The packed contents of this list when it is a non-empty rectangular array (any depth) of
    /// machine integers and reals; nil otherwise. Made on first use and kept; a list built by
    /// `Expr.packed` has them from the start.
    public var packed: PackedArray? {
        switch packing {
        case .packed(let p): return p
        case .unpackable: return nil
        case .unknown:
            let p = PackedArray.pack(self)
            packing = p.map { .packed($0) } ?? .unpackable
            return p
        }
    }

    /// The packed contents if they were already made (never reads the elements).
    public var packedIfMade: PackedArray? {
        if case .packed(let p) = packing { return p }
        return nil
    }
}

extension Expr {
    /// The packed contents of a list of machine numbers (see `Normal.packed`).
    public var packedArray: PackedArray? {
        if case .normal(let n) = self { return n.packed }
        return nil
    }

    /// A list of machine reals of the given dimensions with `data` (row-major) as its entries,
    /// carrying them packed: nested lists of `Real`, whose outer `Normal` holds `data` itself.
    /// Nil when the dimensions do not match the count.
    public static func packed(_ data: [Double], dims: [Int]) -> Expr? {
        guard !dims.isEmpty, dims.allSatisfy({ $0 >= 0 }), ResourcePolicy.count(dims) == data.count else { return nil }
        let list: Expr = data.withUnsafeBufferPointer { nest($0, dims[...]) }
        if !data.isEmpty, case .normal(let n) = list { n.packing = .packed(PackedArray(dims: dims, data: data, kind: .reals)) }
        return list
    }

    /// Nested lists of `Real` from a row-major buffer.
    private static func nest(_ xs: UnsafeBufferPointer<Double>, _ dims: ArraySlice<Int>) -> Expr {
        guard dims.count > 1, let d = dims.first else {
            return .list([Expr](unsafeUninitializedCapacity: xs.count) { out, initialized in
                guard let base = out.baseAddress else { return }
                for (i, x) in xs.enumerated() { (base + i).initialize(to: .real(x)) }
                initialized = xs.count
            })
        }
        let size = d == 0 ? 0 : xs.count / d
        return .list((0..<d).map { i in nest(UnsafeBufferPointer(rebasing: xs[(i * size)..<((i + 1) * size)]), dims.dropFirst()) })
    }
}

extension PackedArray {
    /// Reads the contents of a rectangular list of machine numbers in one pass; nil for anything
    /// else. Sublists already packed are copied from their contents.
    static func pack(_ n: Normal) -> PackedArray? {
        guard case .symbol(let h) = n.head, h === Sym.List, !n.args.isEmpty else { return nil }
        // The dimensions, from the first element at each level.
        var dims = [n.args.count]
        var probe = n.args[0]
        while case .normal(let sub) = probe {
            guard case .symbol(let sh) = sub.head, sh === Sym.List, !sub.args.isEmpty else { return nil }
            dims.append(sub.args.count)
            probe = sub.args[0]
        }
        // Rectangular before anything is allocated: the first elements alone may claim any size.
        guard let count = ResourcePolicy.count(dims), rectangular(n, dims[...]),
              ResourcePolicy.admits(count, bytesEach: MemoryLayout<Double>.stride) else { return nil }
        var seen = Seen(), complete = false
        let data = [Double](unsafeUninitializedCapacity: count) { out, initialized in
            var at = 0
            guard fill(n, dims[...], out, &at, &seen), at == count else { return }
            initialized = count
            complete = true
        }
        guard complete else { return nil }
        return PackedArray(dims: dims, data: data, kind: seen.kind)
    }

    /// Whether every sublist of `n` down to the last level has the length its level's dimension
    /// says (the entries themselves are not looked at).
    private static func rectangular(_ n: Normal, _ dims: ArraySlice<Int>) -> Bool {
        guard let d = dims.first, n.args.count == d else { return false }
        guard dims.count > 1 else { return true }
        for x in n.args {
            guard case .normal(let sub) = x, rectangular(sub, dims.dropFirst()) else { return false }
        }
        return true
    }

    /// Writes the entries of `n` (of the given dimensions) at `at`, advancing it; false when some
    /// element is not a machine number or a row has the wrong length.
    private static func fill(_ n: Normal, _ dims: ArraySlice<Int>, _ out: UnsafeMutableBufferPointer<Double>,
                             _ at: inout Int, _ seen: inout Seen) -> Bool {
        guard let d = dims.first, n.args.count == d else { return false }
        if dims.count > 1 {
            for x in n.args {
                guard case .normal(let sub) = x, case .symbol(let h) = sub.head, h === Sym.List,
                      fill(sub, dims.dropFirst(), out, &at, &seen) else { return false }
            }
            return true
        }
        if let p = n.packedIfMade {
            guard p.dims.count == 1, at + d <= out.count else { return false }
            p.data.withUnsafeBufferPointer { src in
                if let s = src.baseAddress, let o = out.baseAddress { (o + at).initialize(from: s, count: d) }
            }
            seen.note(p.kind)
            at += d
            return true
        }
        guard at + d <= out.count else { return false }
        return n.args.withUnsafeBufferPointer { xs in
            var reals = 0
            for j in 0..<d {
                switch xs[j] {
                case .real(let v): out[at + j] = v; reals += 1
                case .integer(let i): out[at + j] = Double(i)
                default: return false
                }
            }
            seen.note(reals == d ? .reals : reals == 0 ? .integers : .mixed)
            at += d
            return true
        }
    }

    /// Which kinds of entries a walk has met so far.
    private struct Seen {
        var reals = false, integers = false
        mutating func note(_ k: Kind) {
            switch k {
            case .reals: reals = true
            case .integers: integers = true
            case .mixed: reals = true; integers = true
            }
        }
        var kind: Kind { reals ? (integers ? .mixed : .reals) : .integers }
    }
}
