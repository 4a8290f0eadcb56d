import Resources

/// The contents of a rectangular list of machine numbers as one contiguous row-major array of
/// doubles: the nets counterpart of the Wolfram Language's packed arrays.
///
/// A list may be made from these contents alone (`Expr.packed`): it is then a `List` whose
/// element expressions are made on first use of `args` (see `Normal`), so large numeric results
/// (`Dot`, `Transpose`, `RandomReal`...) cost one buffer, chain from builtin to builtin without
/// being unpacked, and print, `Part`, `Length` and `Total` read them in place. Any other list
/// of machine numbers gets them made at most once, on first use of `Normal.packed`. Nothing
/// else sees a difference: `Part`, `Map`, patterns, printing and equality give what the
/// elements would give.
///
/// Safe because a `Normal` is immutable: its `args` never change, so contents made from them (or
/// given with them, by `Expr.packed`) can never go stale; they are set atomically, so parallel
/// readers of one list agree on them.
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

    /// What a list without packed contents keeps in their place (so that the answer is also
    /// found only once).
    static let unpackable = PackedArray(dims: [], data: [], kind: .integers)

    /// Whether the entries are those of `other`, as `SameQ` of the lists would answer; nil when
    /// the contents alone cannot tell (machine integers beyond 2^53 share doubles).
    func sameEntries(_ other: PackedArray) -> Bool? {
        if dims != other.dims { return false }
        switch (kind, other.kind) {
        case (.reals, .reals):
            return data.withUnsafeBufferPointer { x in
                other.data.withUnsafeBufferPointer { y in
                    for i in 0..<x.count where x[i] != y[i] && !(x[i].isNaN && y[i].isNaN) { return false }
                    return true
                }
            }
        case (.reals, .integers), (.integers, .reals): return false
        default: return nil
        }
    }

    /// The element expressions of a list made from these contents: reals (or the integers they
    /// hold), or for a deeper array, rows that are lists made from their part of the contents.
    var elements: [Expr] {
        guard dims.count > 1 else {
            let integers = kind == .integers
            return [Expr](unsafeUninitializedCapacity: data.count) { out, initialized in
                data.withUnsafeBufferPointer { xs in
                    guard let base = out.baseAddress else { return }
                    for (i, x) in xs.enumerated() { (base + i).initialize(to: integers ? .integer(Int(x)) : .real(x)) }
                }
                initialized = data.count
            }
        }
        let inner = Array(dims.dropFirst()), size = cols
        return (0..<rows).map { i in
            .normal(Normal(list: PackedArray(dims: inner, data: Array(data[(i * size)..<((i + 1) * size)]), kind: kind)))
        }
    }

    /// The sublist at position `i` (from 0) of a list of these contents: a row of a matrix made
    /// from its part of the contents, an entry of a vector; without making the other elements.
    public func element(_ i: Int) -> Expr {
        guard dims.count > 1 else { return kind == .integers ? .integer(Int(data[i])) : .real(data[i]) }
        let size = cols
        return .normal(Normal(list: PackedArray(dims: Array(dims.dropFirst()), data: Array(data[(i * size)..<((i + 1) * size)]), kind: kind)))
    }
}

extension Normal {
    /// The packed contents of this list when it is a non-empty rectangular array (any depth) of
    /// machine integers and reals; nil otherwise. Made on first use and kept; a list built by
    /// `Expr.packed` has them from the start. Racing first readers may each read the elements,
    /// but all get the contents that were stored first.
    public var packed: PackedArray? {
        if let p = source { return p }
        let p = packing.load() ?? packing.storeIfNil(PackedArray.pack(self) ?? .unpackable)
        return p === PackedArray.unpackable ? nil : p
    }

    /// The packed contents if they were already made (never reads the elements).
    public var packedIfMade: PackedArray? {
        if let p = source { return p }
        guard let p = packing.load(), p !== PackedArray.unpackable else { return nil }
        return p
    }
}

extension Expr {
    /// The packed contents of a list of machine numbers (see `Normal.packed`).
    public var packedArray: PackedArray? {
        if case .normal(let n) = self { return n.packed }
        return nil
    }

    /// A list of machine reals of the given dimensions with `data` (row-major) as its entries,
    /// made from them alone (its element expressions are made when first asked for). Nil when
    /// the dimensions do not match the count.
    public static func packed(_ data: [Double], dims: [Int]) -> Expr? {
        guard !dims.isEmpty, dims.allSatisfy({ $0 >= 0 }), ResourcePolicy.count(dims) == data.count else { return nil }
        return packed(PackedArray(dims: dims, data: data, kind: .reals))
    }

    /// The list whose contents `p` are (reals, or integers, which `PackedArray.pack` keeps only
    /// when doubles hold them exactly); an array with no entries as empty lists. Nil for mixed
    /// contents, which do not say which entries were integers.
    public static func packed(_ p: PackedArray) -> Expr? {
        guard p.kind != .mixed, !p.dims.isEmpty else { return nil }
        if p.data.isEmpty { return empty(p.dims[...]) }
        return .normal(Normal(list: p))
    }

    /// Nested empty lists of the given dimensions (some of them 0).
    private static func empty(_ dims: ArraySlice<Int>) -> Expr {
        guard let d = dims.first, d > 0 else { return .list([]) }
        let row = empty(dims.dropFirst())
        return .list(Array(repeating: row, count: d))
    }
}

extension PackedArray {
    /// Reads the contents of a rectangular list of machine numbers in one pass; nil for anything
    /// else, and for integers beyond 2^53 (which doubles would not hold exactly). Sublists with
    /// packed contents are copied from them.
    static func pack(_ n: Normal) -> PackedArray? {
        guard case .symbol(let h) = n.head, h === Sym.List, n.count > 0 else { return nil }
        // The dimensions, from the first element at each level (or its packed contents).
        var dims = [n.count]
        var probe = n.args[0]
        while case .normal(let sub) = probe {
            guard case .symbol(let sh) = sub.head, sh === Sym.List, sub.count > 0 else { return nil }
            if let p = sub.packedIfMade { dims += p.dims; break }
            dims.append(sub.count)
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
        if let p = n.packedIfMade { return p.dims.elementsEqual(dims) }
        guard let d = dims.first, n.count == d else { return false }
        guard dims.count > 1 else { return true }
        for x in n.args {
            guard case .normal(let sub) = x, rectangular(sub, dims.dropFirst()) else { return false }
        }
        return true
    }

    /// The largest integer doubles hold exactly (and all below it).
    static let exactLimit = 1 << 53

    /// Writes the entries of `n` (of the given dimensions) at `at`, advancing it; false when some
    /// element is not a machine number or a row has the wrong length.
    private static func fill(_ n: Normal, _ dims: ArraySlice<Int>, _ out: UnsafeMutableBufferPointer<Double>,
                             _ at: inout Int, _ seen: inout Seen) -> Bool {
        if let p = n.packedIfMade {
            let c = p.data.count
            guard p.dims.elementsEqual(dims), at + c <= out.count else { return false }
            p.data.withUnsafeBufferPointer { src in
                if let s = src.baseAddress, let o = out.baseAddress { (o + at).initialize(from: s, count: c) }
            }
            seen.note(p.kind)
            at += c
            return true
        }
        guard let d = dims.first, n.count == d else { return false }
        if dims.count > 1 {
            for x in n.args {
                guard case .normal(let sub) = x, case .symbol(let h) = sub.head, h === Sym.List,
                      fill(sub, dims.dropFirst(), out, &at, &seen) else { return false }
            }
            return true
        }
        guard at + d <= out.count else { return false }
        return n.args.withUnsafeBufferPointer { xs in
            var reals = 0
            for j in 0..<d {
                switch xs[j] {
                case .real(let v): out[at + j] = v; reals += 1
                case .integer(let i) where i.magnitude <= exactLimit: out[at + j] = Double(i)
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

// MARK: - Arithmetic on packed contents

/// One operand of elementwise arithmetic: the packed contents of a list, or a machine number.
private enum Operand {
    case array(PackedArray)
    case scalar(Double, real: Bool)

    /// The list's contents (made for a list of 16 elements or more not yet asked), or the number.
    init?(_ e: Expr) {
        switch e {
        case .real(let x): self = .scalar(x, real: true)
        case .integer(let i) where i.magnitude <= PackedArray.exactLimit: self = .scalar(Double(i), real: false)
        case .normal(let n):
            guard let p = n.count >= 16 ? n.packed : n.packedIfMade else { return nil }
            self = .array(p)
        default: return nil
        }
    }

    /// Whether every entry is an integer.
    var allIntegers: Bool {
        switch self {
        case .array(let p): return p.kind == .integers
        case .scalar(_, let real): return !real
        }
    }

    /// Whether every entry is a machine real.
    var allReal: Bool {
        switch self {
        case .array(let p): return p.kind == .reals
        case .scalar(_, let real): return real
        }
    }
}

extension PackedArray {
    /// `Subtract`, which (unlike `Plus` and `Times`) the language layer does not name.
    private static let subtract = Symbol.system("Subtract")

    /// `Plus`, `Times` or `Subtract` of two arguments, lists of machine numbers of the same
    /// dimensions or such a list and a machine number, computed from packed contents into a list
    /// made from packed contents, where the elementwise route would give a machine real for every
    /// pair (one side all reals: each pair is then added or multiplied as doubles, which the
    /// general route's `Numbers.add`/`Numbers.multiply` also do, in either order). Nil for
    /// anything else (other shapes, which thread or complain as before) and when a result is not
    /// finite (the general route's Overflow and Indeterminate). Integers on both sides give
    /// integers, exact while every result stays within 2^53 (doubles hold those exactly, and a
    /// rounded result beyond it is beyond it too); otherwise nil, and exact arithmetic goes on.
    public static func arithmetic(_ head: Symbol, _ args: [Expr]) -> Expr? {
        guard args.count == 2, args[0].isList || args[1].isList else { return nil }
        let op: (Double, Double) -> Double
        if head === Sym.Plus { op = (+) } else if head === Sym.Times { op = (*) } else if head === subtract { op = (-) } else { return nil }
        guard let a = Operand(args[0]), let b = Operand(args[1]) else { return nil }
        let integers = !a.allReal && !b.allReal
        if integers, !a.allIntegers || !b.allIntegers { return nil }
        var dims: [Int], out: [Double]
        switch (a, b) {
        case let (.array(x), .array(y)):
            guard x.dims == y.dims else { return nil }
            dims = x.dims
            out = zip(x.data, y.data).map { op($0, $1) }
        case let (.array(x), .scalar(s, _)):
            dims = x.dims
            out = x.data.map { op($0, s) }
        case let (.scalar(s, _), .array(y)):
            dims = y.dims
            out = y.data.map { op(s, $0) }
        default: return nil
        }
        if integers {
            let limit = Double(exactLimit)
            guard out.allSatisfy({ abs($0) < limit }), ResourcePolicy.count(dims) == out.count else { return nil }
            return Expr.packed(PackedArray(dims: dims, data: out, kind: .integers))
        }
        guard out.allSatisfy(\.isFinite) else { return nil }
        return Expr.packed(out, dims: dims)
    }

    /// `Outer[Plus | Times, u, v]` of two vectors of machine numbers with packed contents (one of
    /// them all reals): the matrix of `u[[i]] + v[[j]]` (or times), made from packed contents;
    /// nil for anything else and when a result is not finite.
    public static func outer(_ head: Symbol, _ u: Expr, _ v: Expr) -> Expr? {
        let op: (Double, Double) -> Double
        if head === Sym.Plus { op = (+) } else if head === Sym.Times { op = (*) } else { return nil }
        guard case .array(let x)? = Operand(u), case .array(let y)? = Operand(v), x.dims.count == 1, y.dims.count == 1,
              x.kind == .reals || y.kind == .reals, let count = ResourcePolicy.count([x.rows, y.rows]),
              ResourcePolicy.admits(count, bytesEach: MemoryLayout<Double>.stride) else { return nil }
        var out = [Double]()
        out.reserveCapacity(count)
        for s in x.data { for t in y.data { out.append(op(s, t)) } }
        guard out.allSatisfy(\.isFinite) else { return nil }
        return Expr.packed(out, dims: [x.rows, y.rows])
    }
}
