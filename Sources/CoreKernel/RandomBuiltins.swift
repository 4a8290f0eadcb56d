import Foundation
import Language
import Randomness
import Resources

/// The session's random state, shared by the random builtins; `SeedRandom` resets it.
package final class RandomState {
    var generator = SeededGenerator(seed: UInt64(truncatingIfNeeded: Int(Date().timeIntervalSince1970 * 1e6)))

    /// The calling session's generator (a process-wide one outside sessions).
    package static var generator: SeededGenerator {
        get { current.generator }
        set { current.generator = newValue }
    }

    /// Runs `body` on the calling session's generator, looked up once: for a loop of draws
    /// (looking the session's state up per draw cost more than the draws).
    package static func withGenerator<T>(_ body: (inout SeededGenerator) throws -> T) rethrows -> T {
        let state = current
        return try body(&state.generator)
    }

    private static var current: RandomState {
        Session.current?.state(RandomState.self) { RandomState() } ?? outside
    }

    nonisolated(unsafe) private static let outside = RandomState()
}

/// Shapes for random arrays: `n` or `{n1, n2, ...}`.
/// At most 10^8 elements (and within the memory limit); larger shapes are refused.
private func shape(_ e: Expr) -> [Int]? {
    let dims: [Int]
    if let n = e.intValue { dims = [n] } else {
        guard let items = e.listItems else { return nil }
        dims = items.compactMap { $0.intValue }
        guard dims.count == items.count else { return nil }
    }
    guard let n = ResourcePolicy.count(dims.map { max($0, 1) }), dims.allSatisfy({ $0 >= 0 }), n <= 100_000_000,
          ResourcePolicy.admits(n, bytesEach: 16) else { return nil }
    return dims
}

/// An array of the given dimensions of draws of `f`, answering Ctrl-C every few thousand draws.
private func array(_ dims: [Int], _ c: Call, _ f: () -> Expr) throws -> Expr {
    var pulse = Pulse(c)
    func make(_ dims: ArraySlice<Int>) throws -> Expr {
        guard let d = dims.first else { try pulse.beat(); return f() }
        return .list(try (0..<d).map { _ in try make(dims.dropFirst()) })
    }
    return try make(dims[...])
}

/// An array of draws of `f` built packed (see PackedArray), the same draws in the same order as
/// `array`; nil for an empty shape.
private func packedReals(_ dims: [Int], _ c: Call, _ f: () -> Double) throws -> Expr? {
    guard !dims.isEmpty, let n = ResourcePolicy.count(dims) else { return nil }
    var pulse = Pulse(c)
    var xs = [Double]()
    xs.reserveCapacity(n)
    for _ in 0..<n { try pulse.beat(); xs.append(f()) }
    return Expr.packed(xs, dims: dims)
}

/// Draws from a distribution given as `NormalDistribution[m, s]`, `UniformDistribution[{a, b}]`...
private func sampler(_ dist: Expr) -> ((inout SeededGenerator) -> Double)? {
    guard let h = dist.headSymbol?.name else { return nil }
    let a = dist.args.compactMap { $0.doubleValue }
    switch h {
    case "NormalDistribution":
        let m = a.count >= 1 ? a[0] : 0, s = a.count >= 2 ? a[1] : 1
        return { m + s * $0.normal() }
    case "UniformDistribution":
        var lo = 0.0, hi = 1.0
        if let b = dist.args.first?.realValues, b.count == 2 { lo = b[0]; hi = b[1] }
        return { lo + (hi - lo) * $0.unit() }
    case "ExponentialDistribution":
        let l = a.first ?? 1
        return { -Foundation.log(1 - $0.unit()) / l }
    case "BernoulliDistribution":
        let p = a.first ?? 0.5
        return { $0.unit() < p ? 1 : 0 }
    default:
        return nil
    }
}

/// One draw of `f`, or an array of the shape `spec` (packed), or nil for a shape that is not one.
private func draws(_ f: (inout SeededGenerator) -> Double, _ spec: Expr?, _ c: Call) throws -> Expr? {
    try RandomState.withGenerator { g in
        guard let spec else { return .real(f(&g)) }
        guard let dims = shape(spec) else { return nil }
        return try packedReals(dims, c) { f(&g) } ?? array(dims, c) { .real(f(&g)) }
    }
}

extension Kernel {
    static var randomBuiltins: [Builtin] {
        [
            Builtin("SeedRandom", [], usage: "SeedRandom[n] resets the random generator with seed n, so the same random numbers follow.", examples: [("SeedRandom[7]; r = RandomReal[]; SeedRandom[7]; r == RandomReal[]", "True")]) { c in
                if c.count == 0 {
                    RandomState.generator = SeededGenerator(seed: UInt64(truncatingIfNeeded: Int(Date().timeIntervalSince1970 * 1e6)))
                    return .null
                }
                let seed: UInt64
                if let n = c[0].bigIntValue { seed = UInt64(truncatingIfNeeded: Int(truncatingIfNeeded: n)) }
                else if let s = c[0].asString { seed = UInt64(truncatingIfNeeded: s.utf8.reduce(5381) { ($0 << 5) &+ $0 &+ Int($1) }) }
                else { return nil }
                RandomState.generator = SeededGenerator(seed: seed)
                return .null
            },
            Builtin("RandomReal", [], usage: "RandomReal[] gives a uniform real in [0, 1); RandomReal[max], RandomReal[{min, max}]; RandomReal[range, n] or RandomReal[range, {n1, n2}] give arrays.", arity: .between(0, 2), examples: [("0 <= RandomReal[] <= 1", "True")]) { c in
                var lo = 0.0, hi = 1.0
                if c.count >= 1 {
                    if let m = c[0].doubleValue { hi = m } else if let r = c[0].realValues, r.count == 2 { lo = r[0]; hi = r[1] } else {
                        if let f = sampler(c[0]) { return try draws(f, c.count == 2 ? c[1] : nil, c) }
                        c.message("unifr", c[0])
                        return nil
                    }
                }
                if c.count == 2, shape(c[1]) == nil { c.message("array", c[1], .integer(2), c.whole); return nil }
                return try draws({ lo + (hi - lo) * $0.unit() }, c.count == 2 ? c[1] : nil, c)
            },
            Builtin("RandomInteger", [], usage: "RandomInteger[] gives 0 or 1; RandomInteger[max] an integer 0..max; RandomInteger[{min, max}]; a second argument gives arrays.", arity: .between(0, 2), examples: [("Length[RandomInteger[{1, 6}, 10]]", "10")]) { c in
                var lo = 0, hi = 1
                if c.count >= 1 {
                    if let m = c[0].intValue, c[0].isInteger { hi = m } else if let r = c[0].listItems, r.count == 2, let a = r[0].intValue, let b = r[1].intValue { lo = a; hi = b } else {
                        c.message("unifr", c[0])
                        return nil
                    }
                }
                if hi < lo { swap(&lo, &hi) }
                if c.count == 2 {
                    guard let dims = shape(c[1]) else { c.message("array", c[1], .integer(2), c.whole); return nil }
                    return try RandomState.withGenerator { g in try array(dims, c) { .integer(Int.random(in: lo...hi, using: &g)) } }
                }
                return .integer(Int.random(in: lo...hi, using: &RandomState.generator))
            },
            Builtin("RandomChoice", [], usage: "RandomChoice[list] picks an element at random; RandomChoice[list, n] n of them (with replacement); RandomChoice[weights -> list, n] with weights.", arity: .between(1, 2), examples: [("MemberQ[{a, b, c}, RandomChoice[{a, b, c}]]", "True")]) { c in
                var items: [Expr], weights: [Double]?
                if isOptionRule(c[0]), let w = c[0].args[0].realValues, let l = c[0].args[1].listItems, w.count == l.count {
                    items = l; weights = w
                } else {
                    guard let l = c[0].listItems else { return nil }
                    items = l
                }
                guard !items.isEmpty else { c.message("lrwl", c[0]); return nil }
                let total = weights?.reduce(0, +) ?? 0
                let draw: () -> Expr = {
                    guard let w = weights, total > 0 else { return items[Int.random(in: 0..<items.count, using: &RandomState.generator)] }
                    var r = RandomState.generator.unit() * total
                    for (i, x) in w.enumerated() { r -= x; if r < 0 { return items[i] } }
                    return items[items.count - 1]
                }
                if c.count == 2 {
                    guard let dims = shape(c[1]) else { return nil }
                    return try array(dims, c, draw)
                }
                return draw()
            },
            Builtin("RandomSample", [], usage: "RandomSample[list] gives a random permutation of list; RandomSample[list, n] n distinct elements.", arity: .between(1, 2), messages: ["smplen": "Cannot sample `1` elements from a list of length `2`."], examples: [("Sort[RandomSample[{1, 2, 3}]]", "{1, 2, 3}")]) { c in
                guard let items = c[0].listItems else { return nil }
                var shuffled = items
                shuffled.shuffle(using: &RandomState.generator)
                if c.count == 2 {
                    guard let n = c[1].intValue, n >= 0 else { return nil }
                    if n > items.count {
                        c.message("smplen", c[1], .integer(items.count))
                        return nil
                    }
                    return .list(Array(shuffled.prefix(n)))
                }
                return .list(shuffled)
            },
            Builtin("RandomVariate", [], usage: "RandomVariate[dist] draws from NormalDistribution[m, s], UniformDistribution[{a, b}], ExponentialDistribution[l] or BernoulliDistribution[p]; RandomVariate[dist, n] draws n.", examples: [("Length[RandomVariate[NormalDistribution[], 5]]", "5")]) { c in
                guard c.count == 1 || c.count == 2, let f = sampler(c[0]) else { return nil }
                return try draws(f, c.count == 2 ? c[1] : nil, c)
            },
            Builtin("NormalDistribution", [], usage: "NormalDistribution[m, s] is the normal distribution with mean m and standard deviation s.", examples: [("NumberQ[RandomVariate[NormalDistribution[0, 1]]]", "True")]),
            Builtin("UniformDistribution", [], usage: "UniformDistribution[{a, b}] is the uniform distribution on [a, b].", examples: [("0 <= RandomVariate[UniformDistribution[{0, 1}]] <= 1", "True")]),
        ]
    }
}
