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

    init(_ density: LearnedDensity, scalar: Bool, examples: Int) {
        self.density = density
        self.scalar = scalar
        self.examples = examples
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

    /// `ld["PDF", x]`, `ld["RandomVariate", n | Automatic]`, `ld["RarerProbability", x]`.
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
                var g = SeededGenerator(seed: 1234)
                let samples = (0..<10_000).map { _ in density.logDensity(density.sample(&g)) }
                return try each(c[1]) { v in
                    let l = density.logDensity(v)
                    return .real(Double(samples.filter { $0 < l }.count) / Double(samples.count))
                }
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
                    return .native(LearnedDistributionValue(density, scalar: items[0].listItems == nil, examples: items.count))
                }
            },
            Builtin("LearnedDistribution", [], usage: "LearnedDistribution[...] is made by LearnDistribution: PDF[ld, x], RandomVariate[ld, n], RarerProbability[ld, x], Information[ld, prop]."),
        ]
    }
}
