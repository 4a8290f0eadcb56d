import CoreKernel
import Foundation
import Language
import Learn
import Nets
import NetsKernel
import Randomness
import Resources

/// A distribution learned from numeric data, as a value of the language. `PDF`, `RandomVariate`
/// and `RarerProbability` reach it through `ld[operation, argument]`
/// (stdlib/LearnKernel/learneddistribution.nets).
final class LearnedDistributionValue: NativeValue, CallableValue, StructuredValue {
    let density: LearnedDensity
    /// Whether the examples were numbers (rather than vectors).
    let scalar: Bool
    let examples: Int
    /// How it was learned, so anomaly detection can learn it again from the typical examples:
    /// the training vectors, the seed, and whether the method was chosen automatically.
    let training: [[Double]]
    let seed: UInt64
    let automatic: Bool

    init(_ density: LearnedDensity, scalar: Bool, training: [[Double]], seed: UInt64, automatic: Bool) {
        self.density = density
        self.scalar = scalar
        self.examples = training.count
        self.training = training
        self.seed = seed
        self.automatic = automatic
    }

    var headName: String { "LearnedDistribution" }
    var summary: String { "LearnedDistribution[<\(density.method.rawValue), \(scalar ? "1 variable" : "\(density.dimension) variables")>]" }

    /// A point as a vector, or nil when it is not one.
    func point(_ x: Expr) -> [Double]? {
        guard let v = FeaturePipeline.numeric(x), v.count == density.dimension, scalar == (x.listItems == nil) else { return nil }
        return v
    }

    /// Applies f to one point or to each of a list of points.
    func each(_ x: Expr, _ f: ([Double]) -> Expr) throws -> Expr {
        if let v = point(x) { return f(v) }
        if let items = x.listItems, !items.isEmpty {
            return .list(try items.map { item in
                guard let v = point(item) else { throw LearnError("point", "\(short(item)) is not \(scalar ? "a number" : "a vector of length \(density.dimension)")") }
                return f(v)
            })
        }
        throw LearnError("point", "\(short(x)) is not \(scalar ? "a number" : "a vector of length \(density.dimension)")")
    }

    func draw(_ g: inout SeededGenerator) -> Expr {
        let v = density.sample(&g)
        return scalar ? .real(v[0]) : .reals(v)
    }

    /// The distribution learned again (same method choice and seed) from the training examples
    /// whose held-out rarer probability is at least t: what AnomalyDetection models.
    func typical(_ t: Double, _ c: Call) throws -> LearnedDistributionValue {
        let interrupt = { try c.evaluator.checkInterrupt() }
        let kept = try LearnedDensity.typicalExamples(training, method: density.method, threshold: t, seed: seed, checkpoint: interrupt)
        guard kept.count < training.count else { return self }
        let refit = automatic ? try LearnedDensity.automatic(kept, seed: seed, checkpoint: interrupt)
            : try LearnedDensity.fit(kept, method: density.method, seed: seed, checkpoint: interrupt)
        return LearnedDistributionValue(refit, scalar: scalar, training: kept, seed: seed, automatic: automatic)
    }

    /// Each example of `data` with its Missing values drawn from the distribution conditioned on
    /// its known values; examples of another shape are left as they are.
    func synthesized(_ data: [Expr]) -> Expr {
        var g = SeededGenerator(seed: RandomState.generator.next())
        return .list(data.map { x in
            if scalar {
                return x.hasHead(Sym.Missing) ? draw(&g) : x
            }
            guard let items = x.listItems, items.count == density.dimension, items.contains(where: { $0.hasHead(Sym.Missing) }) else { return x }
            let known = items.map { $0.hasHead(Sym.Missing) ? nil : FeaturePipeline.numeric($0)?.first }
            guard zip(items, known).allSatisfy({ $0.hasHead(Sym.Missing) || $1 != nil }) else { return x }
            let filled = density.conditionalSample(known, &g)
            return .list(items.indices.map { items[$0].hasHead(Sym.Missing) ? .real(filled[$0]) : items[$0] })
        })
    }

    /// `ld["PDF", x]`, `ld["RandomVariate", n | Automatic]`, `ld["RarerProbability", x]`;
    /// for the library's own definitions `ld["Typical", t]` and `ld["Synthesize", {x...}]`.
    func apply(_ c: Call) throws -> Expr? {
        guard c.count == 2, let operation = c[0].asString else { return nil }
        return netOperation(c) {
            switch operation {
            case "PDF": return try each(c[1]) { .real(exp(density.logDensity($0))) }
            case "LogPDF": return try each(c[1]) { .real(density.logDensity($0)) }
            case "RandomVariate":
                var g = SeededGenerator(seed: RandomState.generator.next())
                if c[1].isSymbol(Sym.Automatic) { return draw(&g) }
                guard let n = c[1].intValue, n >= 0, n <= 10_000_000, ResourcePolicy.admits(n * density.dimension, bytesEach: 64) else {
                    throw LearnError("array", "\(short(c[1])) is not a number of samples")
                }
                return .list((0..<n).map { _ in draw(&g) })
            case "RarerProbability":
                // The share of 10,000 samples (a fixed seed) whose density is below x's.
                let reference = density.sampledLogDensities(count: 10_000)
                return try each(c[1]) { .real(density.rarerProbability($0, against: reference)) }
            case "Typical":
                guard let t = c[1].doubleValue, t >= 0, t <= 1 else { throw LearnError("thr", "\(short(c[1])) is not a threshold between 0 and 1") }
                return .native(try typical(t, c))
            case "Synthesize":
                guard let data = c[1].listItems else { throw LearnError("data", "\(short(c[1])) is not a list of examples") }
                return synthesized(data)
            default: return nil
            }
        }
    }

    /// `Information[ld]`, `Information[ld, prop]`.
    func information(_ property: Expr?, _ c: Call) throws -> Expr? {
        let names = ["Method", "ExampleNumber", "VariableNumber", "Mean", "Covariance", "Properties"]
        guard let property else { return .string(summary + "\n  examples: \(examples)") }
        switch property.asString {
        case "Method": return .string(density.method.rawValue)
        case "ExampleNumber": return .integer(examples)
        case "VariableNumber": return .integer(density.dimension)
        case "Mean", "Covariance":
            guard density.method == .multinormal, let g = density.components.first else {
                c.message("prop", text: "\(short(property)) is given for the \"Multinormal\" method only.")
                return .failed
            }
            if property.asString == "Mean" { return scalar ? .real(g.mean[0]) : .reals(g.mean) }
            return scalar ? .real(g.covariance[0][0]) : .list(g.covariance.map(Expr.reals))
        case "Properties": return .strings(names)
        default:
            c.message("prop", text: "\(short(property)) is not a property; the properties are \(names.joined(separator: ", ")).")
            return .failed
        }
    }
}

extension Kernel {
    static var learnDistributionBuiltins: [Builtin] {
        [
            Builtin("LearnDistribution", [], usage: "LearnDistribution[{x1, x2, ...}] learns a LearnedDistribution of numbers or numeric vectors: PDF[ld, x], RandomVariate[ld] or RandomVariate[ld, n] (following SeedRandom), RarerProbability[ld, x], Information[ld, \"Method\" | \"Mean\" | \"Covariance\" | ...]. Method: \"Multinormal\", \"KernelDensityEstimation\" (Gaussian kernels, Scott's bandwidths), \"GaussianMixture\" (components by BIC), or Automatic (the best held-out log-likelihood).",
                    arity: .exactly(1), options: [("Method", .sym("Automatic")), ("RandomSeeding", .integer(1234)), ("PerformanceGoal", .sym("Automatic"))],
                    examples: [("ld = LearnDistribution[{1, 2, 3, 4, 5}, Method -> \"Multinormal\"]; Round[{PDF[ld, 3], Information[ld, \"Mean\"]}, 0.001]", "{0.282, 3.}")]) { c in
                netOperation(c) {
                    guard let items = c[0].listItems, !items.isEmpty else { throw LearnError("data", "the data must be a nonempty list of numbers or vectors") }
                    let vectors = items.compactMap(FeaturePipeline.numeric)
                    guard vectors.count == items.count, let d = vectors.first?.count, vectors.allSatisfy({ $0.count == d }) else {
                        throw LearnError("data", "the examples must all be numbers or all numeric vectors of one length")
                    }
                    let seed = learningSeed(c.option("RandomSeeding", .integer(1234)))
                    let spec = c.option("Method")
                    let density: LearnedDensity
                    if spec.isSymbol(Sym.Automatic) {
                        density = try LearnedDensity.automatic(vectors, seed: seed) { try c.evaluator.checkInterrupt() }
                    } else {
                        guard let name = methodSpec(spec).name, let m = DensityMethod(rawValue: name) else {
                            throw LearnError("method", "Method must be Automatic or one of \(DensityMethod.allCases.map { quoted($0.rawValue) }.joined(separator: ", "))")
                        }
                        density = try LearnedDensity.fit(vectors, method: m, seed: seed) { try c.evaluator.checkInterrupt() }
                    }
                    return .native(LearnedDistributionValue(density, scalar: items[0].listItems == nil, training: vectors, seed: seed,
                                                            automatic: spec.isSymbol(Sym.Automatic)))
                }
            },
            Builtin("LearnedDistribution", [], usage: "LearnedDistribution[...] is made by LearnDistribution: PDF[ld, x], RandomVariate[ld, n], RarerProbability[ld, x], Information[ld, prop]."),
        ]
    }
}
