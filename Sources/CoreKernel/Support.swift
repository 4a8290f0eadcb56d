import BigInt
import Language
import Resources

/// Helpers shared by the builtin tables.
extension Call {
    /// Options given as trailing rules, by name (`Method -> "SGD"` or `"Method" -> ...`).
    public func options(from start: Int) -> [String: Expr] {
        var out: [String: Expr] = [:]
        for a in args.dropFirst(start) { collectOptions(a, into: &out) }
        return out
    }

    /// The positional arguments before any trailing option rules.
    public var positional: [Expr] {
        var n = args.count
        while n > 0, isOptionRule(args[n - 1]) { n -= 1 }
        return Array(args.prefix(n))
    }

    /// The value of option `name`: given, or the symbol's default, or `fallback`.
    public func option(_ name: String, _ fallback: Expr = .symbol(Sym.Automatic)) -> Expr {
        let given = options(from: positional.count)
        if let v = given[name] { return v }
        for o in symbol.options {
            if o.args.count == 2, optionName(o.args[0]) == name { return o.args[1] }
        }
        return fallback
    }
}

package func isOptionRule(_ e: Expr) -> Bool {
    (e.hasHead(Sym.Rule) || e.hasHead(Sym.RuleDelayed)) && e.args.count == 2
}

package func optionName(_ e: Expr) -> String? {
    switch e {
    case .symbol(let s): return s.name
    case .string(let s): return s
    default: return nil
    }
}

package func collectOptions(_ e: Expr, into out: inout [String: Expr]) {
    if isOptionRule(e), let n = optionName(e.args[0]) {
        if out[n] == nil { out[n] = e.args[1] }
    } else if let items = e.listItems {
        for i in items { collectOptions(i, into: &out) }
    }
}

extension Expr {
    /// A machine integer value, accepting whole reals too. `Int.min` is left out: it has no
    /// negation, and every count and position fits in the rest.
    package var intValue: Int? {
        switch self {
        case .integer(let i): return i == Int.min ? nil : i
        case .real(let d) where d.rounded() == d && abs(d) < 1e18: return Int(d)
        default: return nil
        }
    }

    /// Numbers inside a (possibly nested) list as doubles.
    package var realValues: [Double]? {
        if let d = doubleValue { return [d] }
        guard let items = listItems else { return nil }
        var out: [Double] = []
        for i in items {
            guard let d = i.doubleValue else { return nil }
            out.append(d)
        }
        return out
    }

    package static func ints(_ xs: [Int]) -> Expr { .list(xs.map { .integer($0) }) }

    package static func reals(_ xs: [Double]) -> Expr { .list(xs.map { .real($0) }) }

    package static func strings(_ xs: [String]) -> Expr { .list(xs.map { .string($0) }) }

    package static func missing(_ reason: String, _ extra: Expr? = nil) -> Expr {
        if let extra { return Expr(Sym.Missing, .string(reason), extra) }
        return Expr(Sym.Missing, .string(reason))
    }

    /// True for `Missing[...]`.
    package var isMissing: Bool { hasHead(Sym.Missing) }
}

/// Level specifications: `n` (levels 1 through n), `{n}` (exactly n), `{m, n}`, `Infinity`, `All`.
struct LevelSpec {
    var min: Int
    var max: Int
    var includeHeads = false

    static func parse(_ e: Expr) -> LevelSpec? {
        if let n = e.intValue { return LevelSpec(min: 1, max: n) }
        if e.isSymbol(Sym.Infinity) || e.isSymbol(Sym.All) { return LevelSpec(min: e.isSymbol(Sym.All) ? 0 : 1, max: Int.max) }
        if e.hasHead(Sym.DirectedInfinity) { return LevelSpec(min: 1, max: Int.max) }
        if let items = e.listItems {
            if items.count == 1, let n = items[0].intValue { return LevelSpec(min: n, max: n) }
            if items.count == 2, let a = items[0].intValue {
                if let b = items[1].intValue { return LevelSpec(min: a, max: b) }
                if items[1].isSymbol(Sym.Infinity) || items[1].hasHead(Sym.DirectedInfinity) {
                    return LevelSpec(min: a, max: Int.max)
                }
            }
        }
        return nil
    }

    /// Whether a part at `level` whose own depth is `depth` is in the spec: a non-negative bound
    /// counts levels down from the whole expression, a negative bound -k counts depth up from the
    /// atoms (level -1 is the atoms, level -2 the parts whose parts are atoms, ...).
    func contains(_ level: Int, depth: Int) -> Bool {
        (min >= 0 ? level >= min : depth <= -min) && (max >= 0 ? level <= max : depth >= -max)
    }

    /// Whether the traversal must look below `level`: always when the upper bound counts depth.
    func descends(below level: Int) -> Bool { max < 0 || level < max }
}

/// The level specification of a call at argument `i` (`d` when the call has no positional
/// argument there) with its trailing `Heads -> True|False` option (`heads` when absent), and the
/// number of positional arguments before the options. Nil, after `General::level`, for a
/// specification that is not one.
func levelArguments(_ c: Call, at i: Int, default d: LevelSpec, heads: Bool = false) -> (spec: LevelSpec, positional: Int)? {
    var positional = c.count
    var includeHeads = heads
    while positional > i, isOptionRule(c[positional - 1]), optionName(c[positional - 1].args[0]) == "Heads" {
        includeHeads = c[positional - 1].args[1].isTrue
        positional -= 1
    }
    var spec = d
    if i < positional {
        guard let s = LevelSpec.parse(c[i]) else { c.message("level", c[i]); return nil }
        spec = s
    }
    spec.includeHeads = includeHeads
    return (spec, positional)
}

/// The depth of an atom: 1 (Depth, not counting heads).
private let atomDepth = 1

/// Maps f over the parts of e at the levels in spec (bottom-up), as Map and Apply do.
func mapLevels(_ e: Expr, _ spec: LevelSpec, level: Int = 0, _ f: (Expr) throws -> Expr) rethrows -> Expr {
    try mapLevelsWithDepth(e, spec, level: level, path: nil) { x, _ in try f(x) }.expr
}

/// Maps f over the parts of e at the levels in spec with their positions (MapIndexed); an
/// association's parts are at `Key[k]`.
func mapLevelsIndexed(_ e: Expr, _ spec: LevelSpec, _ f: (Expr, [Expr]) throws -> Expr) rethrows -> Expr {
    try mapLevelsWithDepth(e, spec, level: 0, path: [], f).expr
}

/// mapLevels, also returning the depth of the part before f was applied; the position of each
/// part is tracked when `path` is given.
private func mapLevelsWithDepth(_ e: Expr, _ spec: LevelSpec, level: Int, path: [Expr]?, _ f: (Expr, [Expr]) throws -> Expr) rethrows -> (expr: Expr, depth: Int) {
    var current = e
    var depth = atomDepth
    if case .normal(let n) = e {
        depth = atomDepth
        var head = n.head
        if spec.includeHeads, spec.descends(below: level) {
            head = try mapLevelsWithDepth(n.head, spec, level: level + 1, path: path.map { $0 + [.integer(0)] }, f).expr
        }
        var args = n.args
        for i in args.indices {
            if spec.descends(below: level) {
                let (a, d) = try mapLevelsWithDepth(args[i], spec, level: level + 1, path: path.map { $0 + [.integer(i + 1)] }, f)
                args[i] = a
                depth = Swift.max(depth, d + 1)
            } else if spec.min < 0 {
                depth = Swift.max(depth, exprDepth(args[i]) + 1)
            }
        }
        if spec.descends(below: level) { current = .normal(Normal(head, args)) }
    } else if case .association(let a) = e, spec.descends(below: level) {
        var entries = a.entries
        for k in entries.keys {
            let (v, d) = try mapLevelsWithDepth(entries[k] ?? .null, spec, level: level + 1,
                                                path: path.map { $0 + [Expr(Symbol.intern("Key"), k)] }, f)
            entries[k] = v
            depth = Swift.max(depth, d + 1)
        }
        current = .association(AssociationBox(entries))
    }
    return (spec.contains(level, depth: depth) ? try f(current, path ?? []) : current, depth)
}

/// Depth[e]: 1 for an atom, one more than the deepest part otherwise (iterative, so any nesting).
func exprDepth(_ e: Expr) -> Int {
    var deepest = atomDepth
    var stack: [(Expr, Int)] = [(e, atomDepth)]
    while let (x, d) = stack.popLast() {
        deepest = Swift.max(deepest, d)
        if case .normal(let n) = x { for a in n.args { stack.append((a, d + 1)) } }
    }
    return deepest
}

/// Visits parts of e at the levels in spec in depth-first order with their positions.
func visitLevels(_ e: Expr, _ spec: LevelSpec, level: Int = 0, path: [Expr] = [],
                 _ f: (Expr, [Expr]) throws -> Bool) rethrows -> Bool {
    try visitLevelsWithDepth(e, spec, level: level, path: path, f) != nil
}

/// visitLevels, returning the part's depth, or nil once f asked to stop.
private func visitLevelsWithDepth(_ e: Expr, _ spec: LevelSpec, level: Int, path: [Expr],
                                  _ f: (Expr, [Expr]) throws -> Bool) rethrows -> Int? {
    var depth = atomDepth
    if case .normal(let n) = e {
        // Heads -> True: the head is a part at the next level, at position 0, before the arguments.
        if spec.includeHeads, spec.descends(below: level) {
            guard try visitLevelsWithDepth(n.head, spec, level: level + 1, path: path + [.integer(0)], f) != nil else { return nil }
        }
        for (i, a) in n.args.enumerated() {
            if spec.descends(below: level) {
                guard let d = try visitLevelsWithDepth(a, spec, level: level + 1, path: path + [.integer(i + 1)], f) else { return nil }
                depth = Swift.max(depth, d + 1)
            } else if spec.min < 0 {
                depth = Swift.max(depth, exprDepth(a) + 1)
            }
        }
    } else if case .association(let a) = e, spec.descends(below: level) {
        for (k, v) in a.entries {
            guard let d = try visitLevelsWithDepth(v, spec, level: level + 1, path: path + [Expr(Symbol.intern("Key"), k)], f) else { return nil }
            depth = Swift.max(depth, d + 1)
        }
    }
    if spec.contains(level, depth: depth) { return try f(e, path) ? depth : nil }
    return depth
}

/// Whether a result of `elements` expressions (of about `bytesEach` bytes each) may be made; if
/// not, issues `f::nomem` for the call.
package func admits(_ elements: Int, bytesEach: Int = 16, _ c: Call) -> Bool {
    if ResourcePolicy.admits(elements, bytesEach: bytesEach) { return true }
    if ResourcePolicy.exceedsLimitAlone(elements, bytesEach: bytesEach) {
        nomem(c)
    } else {
        // It would fit alone but not beside what earlier steps hold: the whole computation stops.
        c.evaluator.abortForMemory()
    }
    return false
}
