import CoreKernel
import Language
import Learn
import Randomness
import Resources
import Tensor

/// A distribution expression with numeric parameters, as `RandomVariate` draws from it. The
/// symbolic side (PDF, CDF, moments, estimation) is in stdlib/LearnKernel/distributions.nets.
indirect enum DistributionSpec {
    case univariate(Distribution)
    case multinormal(mean: [Double], covariance: Matrix)
    case mixture(weights: [Double], components: [DistributionSpec])
    case empirical(weights: [Double], values: [Expr])

    /// The distribution `e` stands for, or nil if it is not one with numeric parameters.
    init?(_ e: Expr) {
        guard let head = e.headSymbol?.name else { return nil }
        let a = e.args
        func real(_ i: Int, _ fallback: Double? = nil) -> Double? { i < a.count ? a[i].doubleValue : fallback }
        let d: Distribution?
        switch head {
        case "NormalDistribution":
            guard a.count == 0 || a.count == 2, let m = real(0, 0), let s = real(1, 1) else { return nil }
            d = .normal(mean: m, sd: s)
        case "UniformDistribution":
            let range = a.first?.realValues ?? (a.isEmpty ? [0, 1] : [])
            guard range.count == 2 else { return nil }
            d = .uniform(range[0], range[1])
        case "BernoulliDistribution": d = real(0).map { .bernoulli($0) }
        case "BinomialDistribution":
            guard a.count == 2, let n = a[0].intValue, a[0].isInteger, let p = real(1) else { return nil }
            d = .binomial(n, p)
        case "PoissonDistribution": d = real(0).map { .poisson($0) }
        case "ExponentialDistribution": d = real(0).map { .exponential($0) }
        case "BetaDistribution": d = a.count == 2 ? real(0).flatMap { x in real(1).map { .beta(x, $0) } } : nil
        case "GammaDistribution": d = a.count == 2 ? real(0).flatMap { x in real(1).map { .gamma(shape: x, scale: $0) } } : nil
        case "MultinormalDistribution":
            guard a.count == 2, let m = a[0].realValues, a[0].isList, let rows = a[1].listItems,
                  let cov = Matrix(rows.map { $0.realValues ?? [] }) else { return nil }
            self = .multinormal(mean: m, covariance: cov)
            return
        case "MixtureDistribution":
            guard a.count == 2, let w = a[0].realValues, let parts = a[1].listItems, w.count == parts.count, !w.isEmpty,
                  w.allSatisfy({ $0 >= 0 }), w.reduce(0, +) > 0 else { return nil }
            var components: [DistributionSpec] = []
            for p in parts {
                guard let s = DistributionSpec(p) else { return nil }
                components.append(s)
            }
            self = .mixture(weights: w, components: components)
            return
        case "EmpiricalDistribution":
            guard a.count == 1 else { return nil }
            if isOptionRule(a[0]), let w = a[0].args[0].realValues, let v = a[0].args[1].listItems, w.count == v.count, !v.isEmpty {
                self = .empirical(weights: w, values: v)
            } else if let v = a[0].listItems, !v.isEmpty {
                self = .empirical(weights: [Double](repeating: 1, count: v.count), values: v)
            } else {
                return nil
            }
            return
        default: return nil
        }
        guard let d, d.isValid else { return nil }
        self = .univariate(d)
    }

    /// Whether the draws are numbers or lists of numbers (not an empirical distribution's own
    /// elements, which may be any expressions).
    var drawsNumbers: Bool {
        switch self {
        case .univariate, .multinormal: return true
        case .mixture(_, let parts): return parts.allSatisfy(\.drawsNumbers)
        case .empirical: return false
        }
    }

    /// `count` draws as expressions: integers for discrete families, reals otherwise, vectors for
    /// the multinormal, the data's own elements for an empirical distribution.
    func draw(_ count: Int, using g: inout SeededGenerator) -> [Expr]? {
        switch self {
        case .univariate(let d):
            let xs = d.samples(count, using: &g)
            return d.isDiscrete ? xs.map { .integer(Int($0)) } : xs.map { .real($0) }
        case .multinormal(let m, let cov):
            return Sampling.multinormal(mean: m, covariance: cov, count: count, using: &g)?.map { .reals($0) }
        case .mixture(let w, let parts):
            let total = w.reduce(0, +)
            var out: [Expr] = []
            out.reserveCapacity(count)
            for _ in 0..<count {
                var r = g.unit() * total, i = 0
                while i < w.count - 1 && r >= w[i] { r -= w[i]; i += 1 }
                guard let x = parts[i].draw(1, using: &g)?.first else { return nil }
                out.append(x)
            }
            return out
        case .empirical(let w, let values):
            let total = w.reduce(0, +)
            guard total > 0 else { return nil }
            var cumulative: [Double] = []
            var running = 0.0
            for x in w { running += x; cumulative.append(running) }
            return (0..<count).map { _ in
                let r = g.unit() * total
                var lo = 0, hi = cumulative.count - 1
                while lo < hi { let mid = (lo + hi) / 2; if cumulative[mid] > r { hi = mid } else { lo = mid + 1 } }
                return values[lo]
            }
        }
    }
}

/// Shapes for `RandomVariate[d, n]` and `RandomVariate[d, {n1, n2, ...}]`, within the memory limit.
private func variateShape(_ e: Expr, _ c: Call) -> [Int]? {
    let dims: [Int]
    if let n = e.intValue, e.isInteger { dims = [n] } else {
        guard let items = e.listItems, !items.isEmpty else { return nil }
        dims = items.compactMap { $0.isInteger ? $0.intValue : nil }
        guard dims.count == items.count else { return nil }
    }
    guard dims.allSatisfy({ $0 >= 0 }), let n = ResourcePolicy.count(dims), n <= 100_000_000, admits(n, bytesEach: 24, c) else { return nil }
    return dims
}

/// Folds a flat list into nested lists of the given dimensions.
private func nest(_ flat: ArraySlice<Expr>, _ dims: ArraySlice<Int>) -> Expr {
    guard let d = dims.first else { return flat.first ?? .null }
    if dims.count == 1 { return .list(Array(flat)) }
    let size = flat.count / max(d, 1)
    return .list((0..<d).map { i in nest(flat[(flat.startIndex + i * size)..<(flat.startIndex + (i + 1) * size)], dims.dropFirst()) })
}

extension Kernel {
    static var distributionBuiltins: [Builtin] {
        [
            Builtin("RandomVariate", [.protected], usage: "RandomVariate[dist] draws a value from the distribution dist; RandomVariate[dist, n] n values; RandomVariate[dist, {n1, n2, ...}] an array. The families: NormalDistribution, UniformDistribution, BernoulliDistribution, BinomialDistribution, PoissonDistribution, ExponentialDistribution, BetaDistribution, GammaDistribution, MultinormalDistribution, MixtureDistribution, EmpiricalDistribution; SeedRandom makes the draws repeatable.",
                    arity: .between(1, 2), messages: ["array": "The array dimensions `1` given in position `2` of `3` should be a list of non-negative machine-sized integers giving the dimensions for the result."],
                    examples: [("SeedRandom[1]; a = RandomVariate[PoissonDistribution[3], 5]; SeedRandom[1]; a == RandomVariate[PoissonDistribution[3], 5]", "True"),
                               ("Length[RandomVariate[NormalDistribution[], 10]]", "10")]) { c in
                guard let spec = DistributionSpec(c[0]) else { return nil }
                var dims: [Int] = []
                if c.count == 2 {
                    guard let d = variateShape(c[1], c) else { c.message("array", c[1], .integer(2), c.whole); return nil }
                    dims = d
                }
                let n = dims.reduce(1, *)
                if case .univariate(let d) = spec, !d.isDiscrete, !dims.isEmpty {
                    // Reals drawn as doubles: built packed, never read back.
                    return .packed(d.samples(n, using: &RandomState.generator), dims, c)
                }
                guard let values = spec.draw(n, using: &RandomState.generator) else { return nil }
                guard !dims.isEmpty else { return values.first }
                let array = nest(values[...], dims[...])
                if spec.drawsNumbers { Expr.markLists(array, depth: dims.count, c) }
                return array
            },
            Builtin("LogLikelihood", [.protected], usage: "LogLikelihood[dist, data] gives the sum of the logarithms of the densities (probabilities) of dist at the data points: computed directly for a standard family with numeric parameters, otherwise as Total[Log[PDF[dist, #]] & /@ data].",
                    arity: .exactly(2), examples: [("LogLikelihood[ExponentialDistribution[1], {1, 2}]", "-3"), ("LogLikelihood[NormalDistribution[0., 1.], {0}]", "-0.918939")]) { c in
                let exact = !c[0].args.contains { !$0.isExactNumber } && (c[1].listItems ?? []).allSatisfy(\.isExactNumber)
                if !exact, case .univariate(let d)? = DistributionSpec(c[0]), let xs = c[1].realValues, c[1].isList {
                    return .real(xs.reduce(0) { $0 + d.logDensity($1) })
                }
                guard let data = c[1].listItems else { return nil }
                let pdf = Symbol.intern("PDF"), log = Symbol.intern("Log")
                return try c.evaluate(.call(Sym.Plus, data.map { .call(log, [.call(pdf, [c[0], $0])]) }))
            },
        ]
    }
}
