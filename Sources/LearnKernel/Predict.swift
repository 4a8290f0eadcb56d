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

    /// What one example looks like: a number, a vector, or several columns of features.
    var exampleKind: ExampleKind { pipeline.exampleKind }
}

/// Examples and their numeric values.
private func valuedPairs(_ data: Expr) throws -> [(Expr, Double)] {
    let examples = try Examples(data, noun: "value")
    return Array(zip(examples.inputs, try examples.numericOutputs()))
}

extension Kernel {
    static var predictBuiltins: [Builtin] {
        [
            Builtin("Predict", [], usage: "Predict[{x1 -> y1, ...}] or Predict[{xs} -> {ys}] trains a predictor of numeric values: Method -> \"LinearRegression\" (default), \"NearestNeighbors\" or \"RandomForest\"; FeatureExtractor as in Classify. p[x], p[{x...}]. Example: Predict[{1 -> 2., 2 -> 4., 3 -> 6.}][4] gives 8.",
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
                    let trained = try Learn.fitPredictor(method, try inputs.map { try pipeline.encode($0) }, pairs.map(\.1), seed: seed)
                    return .native(PredictorValue(trained, pipeline: pipeline, examples: pairs.count))
                }
            },
            Builtin("PredictorFunction", [], usage: "PredictorFunction[...] is a trained predictor: p[x] or p[{x...}]."),
            Builtin("PredictorMeasurements", [], usage: "PredictorMeasurements[p, test, prop] measures a predictor on {x -> y, ...}: \"StandardDeviation\" (of the residuals), \"MeanSquare\", \"RSquared\", \"Residuals\", \"ComparisonPlot\" (an image of predicted against actual values; Export it to PNG). Example: PredictorMeasurements[Predict[{1 -> 2., 2 -> 4., 3 -> 6.}], {4 -> 8., 5 -> 10.}, \"RSquared\"] gives 1.",
                    examples: [("PredictorMeasurements[Predict[{1 -> 2., 2 -> 4., 3 -> 6.}], {4 -> 8., 5 -> 10.}, \"RSquared\"]", "1.")]) { c in
                guard c.count == 3, case .native(let v) = c[0], let p = v as? PredictorValue else { return c.argCount(3) }
                return netOperation(c) {
                    let pairs = try valuedPairs(c[1])
                    guard !pairs.isEmpty else { throw LearnError("data", "the test set is empty") }
                    let predicted = try p.predict(pairs.map(\.0), c), actual = pairs.map(\.1)
                    let residuals = zip(actual, predicted).map { $0 - $1 }
                    let n = Double(pairs.count)
                    let mse = residuals.reduce(0) { $0 + $1 * $1 } / n
                    func value(_ prop: Expr) throws -> Expr {
                        if let items = prop.listItems { return .list(try items.map(value)) }
                        switch prop.asString ?? "" {
                        case "StandardDeviation": return .real(mse.squareRoot())
                        case "MeanSquare": return .real(mse)
                        case "RSquared":
                            let mean = actual.reduce(0, +) / n
                            let total = actual.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
                            return .real(total == 0 ? 0 : 1 - mse * n / total)
                        case "Residuals": return .reals(residuals)
                        case "ComparisonPlot": return .image(try comparisonPlot(actual, predicted))
                        default: throw LearnError("prop", "\(short(prop)) is not a measurement; try \"StandardDeviation\", \"MeanSquare\", \"RSquared\", \"Residuals\" or \"ComparisonPlot\"")
                        }
                    }
                    return try value(c[2])
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
