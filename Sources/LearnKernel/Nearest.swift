import CoreKernel
import Foundation
import Language
import Learn
import NetsKernel
import OrderedCollections
import Resources

/// The elements a learning function compares, and the distance it compares them by: numbers and
/// numeric vectors (a vector distance), strings (EditDistance), or anything under a
/// user-given DistanceFunction (evaluated per pair).
struct ElementSpace {
    enum Metric {
        case vector(VectorDistance)
        case edit
        case function(Expr)
    }

    let elements: [Expr]
    /// The elements as vectors (a number as a vector of one), when they are all numeric.
    let vectors: [[Double]]?
    let strings: [[Character]]?
    /// Whether the elements are numbers or flat vectors (not matrices read as vectors).
    let flat: Bool
    let metric: Metric

    /// Reads the elements and the `DistanceFunction` setting (Automatic: Euclidean for numbers and
    /// vectors, EditDistance for strings).
    init(_ elements: [Expr], distance spec: Expr) throws {
        self.elements = elements
        var vectors: [[Double]]? = []
        // Flat: every element a number or a list of numbers (read without making its parts).
        var flat = true
        for e in elements {
            let v: [Double]?
            if let d = e.doubleValue {
                v = [d]
            } else if case .normal(let n) = e, n.head.isSymbol(Sym.List), let numbers = n.numbers {
                v = numbers
            } else {
                flat = false
                v = FeaturePipeline.numeric(e)
            }
            guard let v, v.count == vectors?.first?.count ?? v.count else { vectors = nil; break }
            vectors?.append(v)
        }
        if elements.isEmpty { vectors = nil }
        let strings: [[Character]]? = elements.allSatisfy({ $0.asString != nil }) && !elements.isEmpty ? elements.map { Array($0.asString ?? "") } : nil
        self.vectors = vectors
        self.strings = strings
        self.flat = vectors != nil && flat
        if spec.isSymbol(Sym.Automatic) {
            if vectors != nil { metric = .vector(.euclidean) } else if strings != nil { metric = .edit } else {
                throw LearnError("dist", "the elements are not all numbers, vectors of one length, or strings; give a DistanceFunction")
            }
        } else if case .symbol(let s) = spec, let d = VectorDistance(rawValue: s.name), vectors != nil {
            metric = .vector(d)
        } else if spec.isSymbol(Symbol.intern("EditDistance")), strings != nil {
            metric = .edit
        } else {
            metric = .function(spec)
        }
    }

    var count: Int { elements.count }

    /// Whether a query is one element (rather than a list of them).
    func isElement(_ x: Expr) -> Bool {
        if let vectors {
            // A list of lists among flat vectors (or numbers) is a list of queries: no need to read it all.
            if flat, case .normal(let n) = x, n.head.isSymbol(Sym.List), n.args.first?.listItems != nil { return false }
            if let v = FeaturePipeline.numeric(x) { return v.count == vectors.first?.count }
        }
        if strings != nil { return x.asString != nil }
        return x.listItems == nil
    }

    func distance(_ i: Int, _ j: Int, _ c: Call) throws -> Double {
        switch metric {
        case .vector(let d): return d(vectors?[i] ?? [], vectors?[j] ?? [])
        case .edit: return Double(editDistance(strings?[i] ?? [], strings?[j] ?? []))
        case .function(let f): return try evaluated(f, elements[i], elements[j], c)
        }
    }

    /// The query's distance to every element.
    func distances(to x: Expr, _ c: Call) throws -> [Double] {
        switch metric {
        case .vector(let d):
            guard let v = FeaturePipeline.numeric(x), v.count == vectors?.first?.count else {
                throw LearnError("query", "\(short(x)) is not a number or vector like the elements")
            }
            return (vectors ?? []).map { d($0, v) }
        case .edit:
            guard let s = x.asString else { throw LearnError("query", "\(short(x)) is not a string like the elements") }
            let q = Array(s)
            return try (strings ?? []).map { try c.evaluator.checkInterrupt(); return Double(editDistance($0, q)) }
        case .function(let f):
            return try elements.map { try evaluated(f, $0, x, c) }
        }
    }

    func matrix(_ c: Call) throws -> DistanceMatrix {
        try DistanceMatrix(count: count) { i, j in
            if j == i + 1 { try c.evaluator.checkInterrupt() }
            return try distance(i, j, c)
        }
    }

    private func evaluated(_ f: Expr, _ a: Expr, _ b: Expr, _ c: Call) throws -> Double {
        let r = try c.evaluate(.call(f, [a, b]))
        guard let d = r.doubleValue ?? (try? c.evaluate(Expr(Symbol.intern("N"), r)))?.doubleValue, d.isFinite else {
            throw LearnError("dist", "the distance function \(short(f)) gave \(short(r)), not a number, for \(short(a)) and \(short(b))")
        }
        return d
    }

    /// A distance as the language shows it: an integer when the elements are exact and it is whole.
    func show(_ d: Double, _ x: Expr) -> Expr {
        let exact = !(x.hasReal) && !elements.contains { $0.hasReal }
        if exact, d == d.rounded(), abs(d) < 1e15 { return .integer(Int(d)) }
        return .real(d)
    }
}

extension Expr {
    /// Whether a machine real occurs in the expression.
    var hasReal: Bool {
        if case .real = self { return true }
        return listItems?.contains { $0.hasReal } ?? false
    }
}

/// Data as elements and what to give back for each: `{e...}`, `{e -> v, ...}`, `{e...} -> {v...}`,
/// `<|v -> e, ...|>` (keys given back), or `{e...} -> "Index" | "Distance" | "Element" | All | {props}`.
struct LabelledElements {
    var elements: [Expr]
    var values: [Expr]
    /// A property to give instead of the values (Nearest's `data -> prop`).
    var property: Expr?

    init(_ data: Expr) throws {
        if case .association(let a) = data {
            elements = Array(a.entries.values)
            values = Array(a.entries.keys)
            return
        }
        if data.hasHead(Sym.Rule), data.args.count == 2, let xs = data.args[0].listItems {
            elements = xs
            if let vs = data.args[1].listItems, !Self.isProperty(data.args[1]) {
                guard vs.count == xs.count else { throw LearnError("data", "\(xs.count) elements but \(vs.count) values") }
                values = vs
            } else {
                guard Self.isProperty(data.args[1]) else { throw LearnError("data", "\(short(data.args[1])) is not a list of values or a property (\"Element\", \"Index\", \"Distance\", All)") }
                values = xs
                property = data.args[1]
            }
            return
        }
        guard let items = data.listItems else { throw LearnError("data", "the data must be a list, a list of rules or an association") }
        if !items.isEmpty, items.allSatisfy({ $0.hasHead(Sym.Rule) && $0.args.count == 2 }) {
            elements = items.map { $0.args[0] }
            values = items.map { $0.args[1] }
        } else {
            elements = items
            values = items
        }
    }

    static func isProperty(_ e: Expr) -> Bool {
        if e.isSymbol(Sym.All) { return true }
        if let s = e.asString { return ["Element", "Index", "Distance"].contains(s) }
        if let items = e.listItems { return !items.isEmpty && items.allSatisfy(isProperty) }
        return false
    }
}

/// A nearest-neighbour lookup over fixed data, as a value of the language.
final class NearestValue: NativeValue, CallableValue {
    let data: LabelledElements
    let space: ElementSpace
    /// A k-d tree over the elements when they are vectors of a few dimensions under the
    /// Euclidean distance: a query then costs about log n distances instead of n.
    let tree: KDTree?

    init(_ data: LabelledElements, _ space: ElementSpace) {
        self.data = data
        self.space = space
        if case .vector(.euclidean) = space.metric, let v = space.vectors, KDTree.suits(count: v.count, dimension: v.first?.count ?? 0) {
            tree = KDTree(v)
        } else {
            tree = nil
        }
    }

    var headName: String { "NearestFunction" }
    var summary: String {
        let kind = space.vectors.map { $0.first?.count == 1 && space.elements.first?.listItems == nil ? "numbers" : "vectors of \($0.first?.count ?? 0)" } ?? (space.strings != nil ? "strings" : "elements")
        return "NearestFunction[<\(space.count) \(kind)>]"
    }

    /// `nf[x]`, `nf[x, n]`, `nf[x, {n, r}]`, `nf[{x...}, ...]`.
    func apply(_ c: Call) throws -> Expr? {
        guard c.count == 1 || c.count == 2 else { return nil }
        return netOperation(c) { try self.lookup(c[0], c.count == 2 ? c[1] : nil, c) }
    }

    func lookup(_ x: Expr, _ spec: Expr?, _ c: Call) throws -> Expr {
        if !space.isElement(x), let queries = x.listItems {
            if tree != nil {
                return .list(try queries.enumerated().map { i, q in
                    if i % 64 == 63 { try c.evaluator.checkInterrupt() }
                    return try lookup(q, spec, c)
                })
            }
            // Many vectors under the Euclidean distance: the distances by blocks of GEMM.
            if case .vector(.euclidean) = space.metric, let points = space.vectors, queries.count > 16,
               case let vs = queries.compactMap(FeaturePipeline.numeric), vs.count == queries.count, vs.allSatisfy({ $0.count == points.first?.count }) {
                // The k nearest of each (k at most an eighth of the elements): chosen on the
                // squared distances, the blocks of queries on every core.
                if let k = spec?.intValue, k >= 0, k <= points.count / 8 {
                    var hits: [[(index: Int, distance: Double)]] = []
                    hits.reserveCapacity(queries.count)
                    for start in stride(from: 0, to: vs.count, by: 4096) {
                        try c.evaluator.checkInterrupt()
                        let end = Swift.min(start + 4096, vs.count)
                        hits += try NearestSearch.nearest(of: Array(vs[start..<end]), among: points, count: k)
                    }
                    // Positions come as a packed matrix (k for every query, as k is at most an
                    // eighth of the elements), ready for arithmetic on the whole answer.
                    if data.property?.asString == "Index", hits.allSatisfy({ $0.count == k }),
                       let packed = Expr.packed(PackedArray(dims: [queries.count, k], data: hits.flatMap { $0.map { Double($0.index + 1) } }, kind: .integers)) {
                        return packed
                    }
                    return .list(zip(hits, queries).map { h, x in .list(h.map { output($0.index, $0.distance.squareRoot(), x, data.property) }) })
                }
                var out: [Expr] = []
                var i = 0
                try NearestSearch.euclideanDistances(vs, points) { d in
                    out.append(try found(d, queries[i], spec))
                    i += 1
                    if i % 16 == 0 { try c.evaluator.checkInterrupt() }
                }
                return .list(out)
            }
            return .list(try queries.map { try lookup($0, spec, c) })
        }
        if let tree, let v = FeaturePipeline.numeric(x), v.count == tree.dimension, let hits = try searched(tree, v, spec) {
            return .list(hits.map { output($0.index, $0.distance, x, data.property) })
        }
        return try found(try space.distances(to: x, c), x, spec)
    }

    /// The elements the tree finds for one query with their distances, nearest first; nil when
    /// the exhaustive path does better: `All` without a radius, or more than an eighth of them.
    private func searched(_ tree: KDTree, _ v: [Double], _ spec: Expr?) throws -> [(index: Int, distance: Double)]? {
        let (k, radius, ties) = try counts(spec)
        let hits: [(index: Int, distance: Double)]
        if ties {
            guard let first = tree.nearest(v, count: 1).first else { return [] }
            hits = tree.within(v, squaredRadius: first.distance)
        } else if let k {
            // Many of the elements: a sort of all the distances is cheaper than an insertion list.
            guard k <= tree.count / 8 else { return nil }
            hits = tree.nearest(v, count: k)
        } else if let radius {
            hits = tree.within(v, squaredRadius: radius * radius * (1 + 1e-12))
        } else {
            return nil
        }
        let bound = radius ?? .infinity
        return hits.map { ($0.index, $0.distance.squareRoot()) }.filter { $0.distance <= bound }
    }

    /// What a query asks for: at most k (nil: no bound), within radius (nil: any distance), or
    /// all the equally nearest (no spec).
    private func counts(_ spec: Expr?) throws -> (k: Int?, radius: Double?, ties: Bool) {
        var k: Int?, radius: Double?
        var ties = false
        switch spec {
        case nil: ties = true
        case let s? where s.isSymbol(Sym.All): k = nil
        case let s? where s.intValue != nil:
            guard let n = s.intValue, n >= 0 else { throw LearnError("nearuns", "\(short(s)) is not a non-negative count") }
            k = n
        case let s? where s.listItems?.count == 2:
            let items = s.listItems ?? []
            if !items[0].isSymbol(Sym.All) {
                guard let n = items[0].intValue, n >= 0 else { throw LearnError("nearuns", "\(short(items[0])) is not a non-negative count or All") }
                k = n
            }
            guard let r = items[1].doubleValue ?? (items[1].isSymbol(Sym.Infinity) ? .infinity : nil) else { throw LearnError("nearuns", "\(short(items[1])) is not a radius") }
            radius = r
        case let s?: throw LearnError("nearuns", "\(short(s)) is not n, {n, r} or All")
        }
        return (k, radius, ties)
    }

    /// The result for one query given its distance to every element.
    private func found(_ d: [Double], _ x: Expr, _ spec: Expr?) throws -> Expr {
        let (k, radius, ties) = try counts(spec)
        var found = NearestSearch.nearest(d, count: ties ? nil : k, radius: radius)
        if ties, let first = found.first { found = found.filter { d[$0] == d[first] } }
        return .list(found.map { i in output(i, d[i], x, data.property) })
    }

    private func output(_ i: Int, _ d: Double, _ x: Expr, _ prop: Expr?) -> Expr {
        guard let prop else { return data.values[i] }
        if let items = prop.listItems { return .list(items.map { output(i, d, x, $0) }) }
        if prop.isSymbol(Sym.All) {
            return .association([.string("Element"): data.elements[i], .string("Index"): .integer(i + 1), .string("Distance"): space.show(d, x)])
        }
        switch prop.asString {
        case "Index": return .integer(i + 1)
        case "Distance": return space.show(d, x)
        default: return data.elements[i]
        }
    }
}

extension Call {
    /// The arguments before the trailing options, where an option is a rule whose left side is a
    /// name: data given as a rule (`{e...} -> "Index"`, `{x...} -> {y...}`) stays an argument.
    var dataArguments: [Expr] {
        var n = args.count
        while n > 0, isOptionRule(args[n - 1]), optionName(args[n - 1].args[0]) != nil { n -= 1 }
        return Array(args.prefix(n))
    }
}

extension Kernel {
    static var nearestBuiltins: [Builtin] {
        [
            Builtin("Nearest", [], usage: "Nearest[{e1, e2, ...}, x] gives the ei nearest to x (all of them when several are equally near); Nearest[data, x, n] the n nearest, nearest first; Nearest[data, x, {n, r}] at most n within radius r ({All, r}: all within r); Nearest[{e -> v, ...}, x] or Nearest[{e...} -> {v...}, x] the vi; Nearest[<|v -> e, ...|>, x] the keys; Nearest[{e...} -> \"Index\" | \"Distance\" | \"Element\" | All, x] those properties; Nearest[data, {x1, x2, ...}] each; Nearest[data] a NearestFunction. Elements are numbers, vectors (EuclideanDistance) or strings (EditDistance); DistanceFunction takes ManhattanDistance, CosineDistance... or any function.",
                    arity: .between(1, 3), options: [("DistanceFunction", .sym("Automatic")), ("Method", .sym("Automatic")), ("WorkingPrecision", .sym("Automatic"))],
                    examples: [("Nearest[{1, 2, 4, 8}, 5]", "{4}"), ("Nearest[{1, 2, 4, 8}, 6, 2]", "{4, 8}"),
                               ("Nearest[{\"cat\", \"dog\", \"cart\"}, \"cap\"]", "{cat}"),
                               ("Nearest[{{0, 0}, {1, 1}, {3, 3}} -> {\"a\", \"b\", \"c\"}, {2.4, 2.5}]", "{c}"),
                               ("Nearest[{1, 2, 4, 8} -> \"Index\", 3.5, {All, 2}]", "{3, 2}")]) { c in
                netOperation(c) {
                    let data = try LabelledElements(c[0])
                    let space = try ElementSpace(data.elements, distance: c.option("DistanceFunction"))
                    let nf = NearestValue(data, space)
                    let pos = c.dataArguments
                    if pos.count == 1 { return .native(nf) }
                    return try nf.lookup(pos[1], pos.count == 3 ? pos[2] : nil, c)
                }
            },
            Builtin("NearestFunction", [], usage: "NearestFunction[...] is made by Nearest[data]: nf[x], nf[x, n], nf[x, {n, r}], nf[{x1, x2, ...}]."),
            Builtin("DistanceMatrix", [], usage: "DistanceMatrix[{u1, u2, ...}] gives the matrix of distances between the ui; DistanceMatrix[us, vs] between each ui and each vj. Numbers and vectors use EuclideanDistance, strings EditDistance; DistanceFunction chooses another.",
                    arity: .between(1, 2), options: [("DistanceFunction", .sym("Automatic"))],
                    examples: [("DistanceMatrix[{1, 3, 7}]", "{{0, 2, 6}, {2, 0, 4}, {6, 4, 0}}")]) { c in
                netOperation(c) {
                    guard let us = c[0].listItems else { throw LearnError("list", "\(short(c[0])) is not a list") }
                    let pos = c.dataArguments
                    let vs = pos.count == 2 ? (pos[1].listItems ?? []) : us
                    let space = try ElementSpace(us, distance: c.option("DistanceFunction"))
                    guard let cells = ResourcePolicy.count([us.count, vs.count]), ResourcePolicy.admits(cells, bytesEach: 64) else {
                        throw LearnError("nomem", "a \(us.count) x \(vs.count) matrix does not fit in memory")
                    }
                    let rows = try vs.map { v in try space.distances(to: v, c).map { space.show($0, v) } }
                    // rows[j][i] = d(u_i, v_j): transpose so row i is u_i.
                    return .list(us.indices.map { i in .list(rows.map { $0[i] }) })
                }
            },
            Builtin("EditDistance", [.protected], usage: "EditDistance[s1, s2] gives the fewest insertions, deletions and substitutions that turn string s1 into s2 (also lists). IgnoreCase -> True compares letters regardless of case.",
                    arity: .exactly(2), options: [("IgnoreCase", .sym("False"))],
                    examples: [("EditDistance[\"kitten\", \"sitting\"]", "3"), ("EditDistance[{1, 2, 3}, {1, 3}]", "1")]) { c in
                let ignore = c.option("IgnoreCase", .sym("False")).isSymbol(Sym.True)
                let sizes = [c[0].asString?.count ?? c[0].listItems?.count ?? 0, c[1].asString?.count ?? c[1].listItems?.count ?? 0]
                guard sizes[0].multipliedReportingOverflow(by: sizes[1]).partialValue <= 400_000_000, sizes[0] < 1 << 31, sizes[1] < 1 << 31 else {
                    c.message("long", text: "EditDistance compares sequences of at most 4 x 10^8 pairs of elements; these have \(sizes[0]) and \(sizes[1]).")
                    return nil
                }
                if let a = c[0].asString, let b = c[1].asString {
                    return .integer(ignore ? editDistance(Array(a.lowercased()), Array(b.lowercased())) : editDistance(Array(a), Array(b)))
                }
                if let a = c[0].listItems, let b = c[1].listItems { return .integer(editDistance(a, b)) }
                return nil
            },
        ]
    }
}
