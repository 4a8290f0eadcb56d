import CoreKernel
import Foundation
import Imaging
import Language
import Learn
import Nets
import NetsKernel

/// A trained predictor as a value of the language.
final class PredictorValue: NativeValue {
    let trained: TrainedPredictor
    let pipeline: FeaturePipeline
    let examples: Int

    init(_ trained: TrainedPredictor, pipeline: FeaturePipeline, examples: Int) {
        self.trained = trained
        self.pipeline = pipeline
        self.examples = examples
    }

    var headName: String { "PredictorFunction" }
    var summary: String { "PredictorFunction[<\(trained.method.rawValue), \(examples) examples>]" }

    func predict(_ xs: [Expr], _ c: Call) throws -> [Double] {
        try pipeline.extracted(xs, c).map { trained.predict(try pipeline.encode($0)) }
    }

    /// Predictions with their standard deviations: the model's own (a Gaussian process) or the
    /// training residuals' deviation.
    func predictWithDeviation(_ xs: [Expr], _ c: Call) throws -> [(value: Double, deviation: Double)] {
        try pipeline.extracted(xs, c).map { x in
            let features = try pipeline.encode(x)
            return (trained.predict(features), trained.deviation(features) ?? trained.residualDeviation)
        }
    }

    /// What one example looks like: a number, a vector, or several columns of features.
    var exampleKind: ExampleKind { pipeline.exampleKind }
}

/// A predictor's predictions on test data and the measures computed from them.
final class PredictorMeasurementsValue: NativeValue, PropertyValue {
    let method: String
    let actual: [Double]
    let predicted: [Double]

    init(method: String, actual: [Double], predicted: [Double]) {
        self.method = method
        self.actual = actual
        self.predicted = predicted
    }

    var headName: String { "PredictorMeasurementsObject" }
    var summary: String { "PredictorMeasurementsObject[<\(method), \(actual.count) test examples>]" }

    var residuals: [Double] { zip(actual, predicted).map { $0 - $1 } }
    var meanSquare: Double { residuals.reduce(0) { $0 + $1 * $1 } / Double(Swift.max(actual.count, 1)) }

    static var properties: [Property<PredictorMeasurementsValue>] {
        [
            Property("StandardDeviation") { m, _ in .real(m.meanSquare.squareRoot()) },
            Property("MeanSquare") { m, _ in .real(m.meanSquare) },
            Property("RSquared") { m, _ in
                let n = Double(m.actual.count), mean = m.actual.reduce(0, +) / n
                let total = m.actual.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
                return .real(total == 0 ? 0 : 1 - m.meanSquare * n / total)
            },
            Property("Residuals") { m, _ in .reals(m.residuals) },
            Property("ComparisonPlot") { m, _ in .image(try comparisonPlot(m.actual, m.predicted)) },
        ]
    }

    /// `m[prop]` or `m[{prop...}]`.
    func value(_ prop: Expr, _ c: Call) throws -> Expr {
        if let items = prop.listItems { return .list(try items.map { try value($0, c) }) }
        return try property(prop, c)
    }

    func apply(_ c: Call) throws -> Expr? {
        guard c.count == 1 else { return nil }
        return netOperation(c) { try self.value(c[0], c) }
    }
}

/// Examples and their numeric values.
private func valuedPairs(_ data: Expr) throws -> [(Expr, Double)] {
    let examples = try Examples(data, noun: "value")
    return Array(zip(examples.inputs, try examples.numericOutputs()))
}

extension Kernel {
    static var predictBuiltins: [Builtin] {
        [
            Builtin("Predict", [], usage: "Predict[{x1 -> y1, ...}] or Predict[{xs} -> {ys}] trains a predictor of numeric values: Method -> \"LinearRegression\" (default), \"NearestNeighbors\", \"RandomForest\" or \"GaussianProcess\" (RBF kernel and noise of highest marginal likelihood; its \"Distribution\" is the posterior's); FeatureExtractor as in Classify. p[x], p[{x...}]. Example: Predict[{1 -> 2., 2 -> 4., 3 -> 6.}][4] gives 8.",
                    arity: .exactly(1),
                    options: [("Method", .string("LinearRegression")), ("FeatureExtractor", .sym("Identity")), ("RandomSeeding", .integer(1234))],
                    examples: [("Predict[{1 -> 2., 2 -> 4., 3 -> 6.}][4]", "8.")]) { c in
                guard c.count >= 1 else { return c.argCount(1) }
                return netOperation(c) {
                    let pairs = try valuedPairs(c[0])
                    var extractor: Expr? = c.option("FeatureExtractor", .sym("Identity"))
                    if extractor?.isSymbol(Symbol.intern("Identity")) == true { extractor = nil }
                    let pipeline = FeaturePipeline(extractor: extractor)
                    let inputs = try pipeline.extracted(pairs.map(\.0), c)
                    try pipeline.learn(inputs)
                    let spec = c.option("Method", .string("LinearRegression"))
                    guard let method = PredictorMethod(rawValue: spec.asString ?? (spec.isSymbol(Sym.Automatic) ? "LinearRegression" : "")) else {
                        throw LearnError("method", "Method must be one of \(PredictorMethod.allCases.map { quoted($0.rawValue) }.joined(separator: ", "))")
                    }
                    let seed = UInt64(bitPattern: Int64(c.option("RandomSeeding").intValue ?? 1234))
                    let trained = try Learn.fitPredictor(method, try inputs.map { try pipeline.encode($0) }, pairs.map(\.1), seed: seed) {
                        try c.evaluator.checkInterrupt()
                    }
                    return .native(PredictorValue(trained, pipeline: pipeline, examples: pairs.count))
                }
            },
            Builtin("PredictorFunction", [], usage: "PredictorFunction[...] is a trained predictor: p[x] or p[{x...}]."),
            Builtin("PredictorMeasurements", [], usage: "PredictorMeasurements[p, test] measures a predictor on test data {x -> y, ...}, giving a PredictorMeasurementsObject m; m[prop] or PredictorMeasurements[p, test, prop] gives \"StandardDeviation\" (of the residuals), \"MeanSquare\", \"RSquared\", \"Residuals\", \"ComparisonPlot\" (an image of predicted against actual values; Export it to PNG), \"Properties\". Example: PredictorMeasurements[Predict[{1 -> 2., 2 -> 4., 3 -> 6.}], {4 -> 8., 5 -> 10.}, \"RSquared\"] gives 1.",
                    arity: .between(2, 3),
                    examples: [("PredictorMeasurements[Predict[{1 -> 2., 2 -> 4., 3 -> 6.}], {4 -> 8., 5 -> 10.}, \"RSquared\"]", "1."),
                               ("m = PredictorMeasurements[Predict[{1 -> 2., 2 -> 4., 3 -> 6.}], {4 -> 8., 5 -> 10.}]; {m, m[\"MeanSquare\"] < 10^-6}", "{PredictorMeasurementsObject[<LinearRegression, 2 test examples>], True}")]) { c in
                guard case .native(let v) = c[0], let p = v as? PredictorValue else {
                    c.message("arg", text: "\(short(c[0])) is not a PredictorFunction.")
                    return nil
                }
                return netOperation(c) {
                    let pairs = try valuedPairs(c[1])
                    guard !pairs.isEmpty else { throw LearnError("data", "the test set is empty") }
                    let m = PredictorMeasurementsValue(method: p.trained.method.rawValue, actual: pairs.map(\.1), predicted: try p.predict(pairs.map(\.0), c))
                    return c.count == 3 ? try m.value(c[2], c) : .native(m)
                }
            },
        ]
    }
}

/// Predicted (vertical) against actual (horizontal) values as dots, with the diagonal.
func comparisonPlot(_ actual: [Double], _ predicted: [Double]) throws -> Image {
    let size = 320, margin = 20
    var pixels = [Float](repeating: 1, count: size * size * 3)
    let all = actual + predicted
    let lo = all.min() ?? 0, hi = Swift.max(all.max() ?? 1, lo + 1e-9)
    func coordinate(_ v: Double) -> Int { margin + Int((v - lo) / (hi - lo) * Double(size - 2 * margin)) }
    func set(_ x: Int, _ y: Int, _ c: (Float, Float, Float)) {
        guard x >= 0, y >= 0, x < size, y < size else { return }
        let o = ((size - 1 - y) * size + x) * 3
        pixels[o] = c.0; pixels[o + 1] = c.1; pixels[o + 2] = c.2
    }
    for t in margin..<(size - margin) { set(t, t, (0.7, 0.7, 0.7)); set(t, margin, (0, 0, 0)); set(margin, t, (0, 0, 0)) }
    for (a, p) in zip(actual, predicted) {
        let x = coordinate(a), y = coordinate(p)
        for dy in -2...2 { for dx in -2...2 where dx * dx + dy * dy <= 5 { set(x + dx, y + dy, (0.15, 0.35, 0.75)) } }
    }
    return try Image(width: size, height: size, channels: 3, pixels: pixels)
}
