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
        let encoded = try pipeline.extracted(xs, c).map { try pipeline.encode($0) }
        try c.evaluator.checkInterrupt()
        return trained.predict(batch: encoded)
    }

    /// Predictions with their standard deviations: the model's own (a Gaussian process) or the
    /// training residuals' deviation.
    func predictWithDeviation(_ xs: [Expr], _ c: Call) throws -> [(value: Double, deviation: Double)] {
        let encoded = try pipeline.extracted(xs, c).map { try pipeline.encode($0) }
        try c.evaluator.checkInterrupt()
        let values = trained.predict(batch: encoded)
        return zip(values, encoded).map { value, features in (value, trained.deviation(features) ?? trained.residualDeviation) }
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
    /// 1 − residual variance / variance of the actual values (0 when those are all equal).
    var rSquared: Double {
        let n = Double(actual.count), mean = actual.reduce(0, +) / n
        let total = actual.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return total == 0 ? 0 : 1 - meanSquare * n / total
    }

    static var properties: [Property<PredictorMeasurementsValue>] {
        [
            Property("StandardDeviation") { m, _ in .real(m.meanSquare.squareRoot()) },
            Property("MeanSquare") { m, _ in .real(m.meanSquare) },
            Property("RSquared") { m, _ in .real(m.rSquared) },
            Property("Residuals") { m, _ in .reals(m.residuals) },
            Property("ComparisonPlot") { m, _ in .image(try comparisonPlot(m.actual, m.predicted)) },
            Property("ResidualPlot") { m, _ in .image(try dotPlot(m.predicted, m.residuals, guide: .zero)) },
            Property("MeanDeviation") { m, _ in .real(m.residuals.reduce(0) { $0 + abs($1) } / Double(Swift.max(m.actual.count, 1))) },
            Property("Report") { m, _ in
                return .string(["Predictor: \(m.method)", "Test examples: \(m.actual.count)",
                                String(format: "Standard deviation of the residuals: %.4g", m.meanSquare.squareRoot()),
                                String(format: "R squared: %.4g", m.rSquared)].joined(separator: "\n"))
            },
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

/// Trains the predictor `Predict[data, opts]` asks for.
private func predict(_ c: Call) throws -> Expr {
    let pairs = try valuedPairs(c[0])
    var extractor: Expr? = c.option("FeatureExtractor", .sym("Identity"))
    if extractor?.isSymbol(Symbol.intern("Identity")) == true { extractor = nil }
    let pipeline = FeaturePipeline(extractor: extractor)
    try c.evaluator.checkInterrupt()
    let inputs = try pipeline.extracted(pairs.map(\.0), c)
    try pipeline.learn(inputs) { try c.evaluator.checkInterrupt() }
    var pulse = Pulse(c)
    let x = try inputs.map { try pulse.beat(); return try pipeline.encode($0) }, y = pairs.map(\.1)
    try c.evaluator.checkInterrupt()
    let seed = UInt64(bitPattern: Int64(c.option("RandomSeeding").intValue ?? 1234))
    let progress = ProgressLine()
    defer { progress.finish() }
    let checkpoint = searchCheckpoint(progress, c, label: "Predict")
    let spec = c.option("Method")
    let method: PredictorMethod
    if spec.isSymbol(Sym.Automatic) {
        let candidates = predictorCandidates(c.option("PerformanceGoal"), examples: x.count)
        method = x.count >= 6 && candidates.count > 1
            ? try Learn.choosePredictor(x, y, candidates: candidates, seed: seed, checkpoint: checkpoint).0
            : .linearRegression
    } else {
        guard let name = spec.asString ?? spec.listItems?.first?.asString, let m = PredictorMethod(rawValue: name) else {
            throw LearnError("method", "Method must be one of \(PredictorMethod.allCases.map { quoted($0.rawValue) }.joined(separator: ", ")) or Automatic")
        }
        method = m
    }
    try checkpoint("Training \(method.rawValue) on \(x.count) examples")
    let trained = try Learn.fitPredictor(method, x, y, seed: seed) { try checkpoint(nil) }
    return .native(PredictorValue(trained, pipeline: pipeline, examples: pairs.count))
}

/// The methods `Method -> Automatic` compares under a `PerformanceGoal`: the fast ones for
/// "Speed" (or "TrainingSpeed", "Memory"); the trees too by default; a Gaussian process (on at
/// most 1000 examples) and a network as well for "Quality".
private func predictorCandidates(_ goal: Expr, examples: Int) -> [PredictorMethod] {
    let fast: [PredictorMethod] = [.linearRegression, .nearestNeighbors]
    switch goal.asString {
    case "Speed", "TrainingSpeed", "Memory": return fast
    case "Quality": return fast + [.randomForest, .gradientBoostedTrees] + (examples <= 1000 ? [.gaussianProcess] : []) + [.neuralNetwork]
    default: return fast + [.randomForest, .gradientBoostedTrees]
    }
}

/// Examples and their numeric values, from any form `Examples` reads, and two of Predict's
/// own: `<|x1 -> y1, ...|>` and `{row1, ...} -> n` (column n of each row is the value).
private func valuedPairs(_ data: Expr) throws -> [(Expr, Double)] {
    var data = data
    if case .association(let a) = data, !a.entries.keys.contains(.string("Input")), a.entries.values.allSatisfy({ $0.listItems == nil }) {
        data = .list(a.entries.map { .rule($0.key, $0.value) })
    }
    if data.hasHead(Sym.Rule), data.args.count == 2, let rows = data.args[0].listItems, let n = data.args[1].intValue {
        data = .list(try rows.map { row in
            guard let items = row.listItems, n != 0, abs(n) <= items.count else {
                throw LearnError("data", "\(short(row)) is not a list with a column \(n)")
            }
            var rest = items
            let value = rest.remove(at: n > 0 ? n - 1 : items.count + n)
            return .rule(rest.count == 1 ? rest[0] : .list(rest), value)
        })
    }
    let examples = try Examples(data, noun: "value")
    return Array(zip(examples.inputs, try examples.numericOutputs()))
}

extension Kernel {
    static var predictBuiltins: [Builtin] {
        [
            Builtin("Predict", [], usage: "Predict[{x1 -> y1, ...}] or Predict[{xs} -> {ys}] trains a predictor of numeric values (also Predict[<|x1 -> y1, ...|>] and Predict[{row1, ...} -> n], the value in column n); Predict[data, x] predicts the value of x with it. Method: \"LinearRegression\", \"NearestNeighbors\", \"RandomForest\", \"GradientBoostedTrees\" (100 rounds of 31-leaf histogram trees, learning rate 0.1), \"NeuralNetwork\" (32 tanh units), \"GaussianProcess\" (RBF kernel and noise of highest marginal likelihood; its \"Distribution\" is the posterior's), or Automatic (the least 3-fold cross-validated squared error among the methods PerformanceGoal allows: \"Speed\" tries linear regression and nearest neighbors, Automatic adds the forest and boosted trees, \"Quality\" also the Gaussian process and the network). FeatureExtractor as in Classify. p[x], p[{x...}]. Example: Predict[{1 -> 2., 2 -> 4., 3 -> 6.}][4] gives 8.",
                    arity: .between(1, 3),
                    options: [("Method", .sym("Automatic")), ("FeatureExtractor", .sym("Identity")), ("RandomSeeding", .integer(1234)),
                              ("PerformanceGoal", .sym("Automatic"))],
                    examples: [("Predict[{1 -> 2., 2 -> 4., 3 -> 6.}][4]", "8."),
                               ("Predict[{1 -> 2., 2 -> 4., 3 -> 6.}, 2.5]", "5.")]) { c in
                netOperation(c) {
                    // Predict[data, x] and Predict[data, x, prop]: train, then predict x.
                    let pos = c.dataArguments
                    let trained = try predict(c)
                    guard pos.count > 1, case .native(let v) = trained, let value = v as? PredictorValue else { return trained }
                    return try value.apply(Call(evaluator: c.evaluator, expr: Normal(.native(value), Array(pos.dropFirst())))) ?? trained
                }
            },
            Builtin("PredictorFunction", [], usage: "PredictorFunction[...] is a trained predictor: p[x] or p[{x...}]."),
            Builtin("PredictorMeasurements", [], usage: "PredictorMeasurements[p, test] measures a predictor on test data {x -> y, ...}, giving a PredictorMeasurementsObject m; m[prop] or PredictorMeasurements[p, test, prop] gives \"StandardDeviation\" (of the residuals), \"MeanSquare\", \"RSquared\", \"Residuals\", \"MeanDeviation\" (mean absolute residual), \"ComparisonPlot\" (an image of predicted against actual values; Export it to PNG), \"ResidualPlot\" (residuals against predicted values), \"Report\", \"Properties\". Example: PredictorMeasurements[Predict[{1 -> 2., 2 -> 4., 3 -> 6.}], {4 -> 8., 5 -> 10.}, \"RSquared\"] gives 1.",
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
    try dotPlot(actual, predicted, guide: .diagonal)
}

/// Where a dot plot draws its grey guide line: the diagonal y = x, or the level y = 0.
enum PlotGuide { case diagonal, zero }

/// Dots at (x, y) in a 320-pixel square with black axes and a grey guide line; x and y share
/// one scale for the diagonal, each has its own for the zero line.
func dotPlot(_ xs: [Double], _ ys: [Double], guide: PlotGuide) throws -> Image {
    let size = 320, margin = 20
    var pixels = [Float](repeating: 1, count: size * size * 3)
    func range(_ v: [Double]) -> (Double, Double) {
        let lo = v.min() ?? 0
        return (lo, Swift.max(v.max() ?? 1, lo + 1e-9))
    }
    let (xlo, xhi) = guide == .diagonal ? range(xs + ys) : range(xs)
    let (ylo, yhi) = guide == .diagonal ? (xlo, xhi) : range(ys + [0])
    func coordinate(_ v: Double, _ lo: Double, _ hi: Double) -> Int { margin + Int((v - lo) / (hi - lo) * Double(size - 2 * margin)) }
    func set(_ x: Int, _ y: Int, _ c: (Float, Float, Float)) {
        guard x >= 0, y >= 0, x < size, y < size else { return }
        let o = ((size - 1 - y) * size + x) * 3
        pixels[o] = c.0; pixels[o + 1] = c.1; pixels[o + 2] = c.2
    }
    let zero = coordinate(0, ylo, yhi)
    for t in margin..<(size - margin) {
        set(t, guide == .diagonal ? t : zero, (0.7, 0.7, 0.7))
        set(t, margin, (0, 0, 0)); set(margin, t, (0, 0, 0))
    }
    for (a, p) in zip(xs, ys) where a.isFinite && p.isFinite {
        let x = coordinate(a, xlo, xhi), y = coordinate(p, ylo, yhi)
        for dy in -2...2 { for dx in -2...2 where dx * dx + dy * dy <= 5 { set(x + dx, y + dy, (0.15, 0.35, 0.75)) } }
    }
    return try Image(width: size, height: size, channels: 3, pixels: pixels)
}
