import CoreKernel
import Foundation
import Language
import Learn
import Nets
import NetsKernel

/// The measurements of a net with a class decoder on labelled pairs: its probabilities for each
/// input, with the actual classes, for the measures of `MeasurementsValue`.
func netClassMeasurements(_ net: Net, _ classes: [ClassLabel], _ pairs: [(Expr, Expr)], _ c: Call) throws -> MeasurementsValue {
    let labels = classes.map(labelValue)
    let index = Dictionary(labels.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
    let actual = try pairs.map { p -> Int in
        guard let k = index[p.1] else { throw LearnError("class", "the test class \(short(p.1)) is not one of the net's classes") }
        return k
    }
    let rows = try netOutputs(net, pairs.map(\.0), prop: .sym("None"), c)
    return MeasurementsValue(classes: labels, actual: actual, probabilities: rows.map { $0.realValues ?? [] }, method: "NetChain")
}

/// The net applied to a list of inputs, one output per input.
private func netOutputs(_ net: Net, _ inputs: [Expr], prop: Expr?, _ c: Call) throws -> [Expr] {
    let value = NetValue(net)
    let call = Call(evaluator: c.evaluator, expr: Normal(.native(value), [.list(inputs)] + (prop.map { [$0] } ?? [])))
    guard let out = try evaluateNet(value, call), let rows = out.listItems, rows.count == inputs.count else {
        throw LearnError("eval", "the net could not evaluate the test data")
    }
    return rows
}

/// Residuals of a net without a class decoder: outputs minus targets, every value of every
/// example, with the targets.
private struct Residuals {
    let residuals: [Double]
    let targets: [Double]

    var meanSquare: Double { residuals.reduce(0) { $0 + $1 * $1 } / Double(Swift.max(residuals.count, 1)) }
    var meanDeviation: Double { residuals.reduce(0) { $0 + abs($1) } / Double(Swift.max(residuals.count, 1)) }
    var rSquared: Double {
        let mean = targets.reduce(0, +) / Double(Swift.max(targets.count, 1))
        let total = targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return total == 0 ? 0 : 1 - residuals.reduce(0) { $0 + $1 * $1 } / total
    }

    /// The measures of a regression net, by name.
    static var measures: [(name: String, get: (Residuals) -> Double)] { [
        ("Loss", \.meanSquare), ("MeanSquare", \.meanSquare), ("MeanDeviation", \.meanDeviation),
        ("StandardDeviation", { $0.meanSquare.squareRoot() }), ("RSquared", \.rSquared),
    ] }
}

private func residuals(_ net: Net, _ pairs: [(Expr, Expr)], _ c: Call) throws -> Residuals {
    let outputs = try netOutputs(net, pairs.map(\.0), prop: nil, c)
    var r: [Double] = [], t: [Double] = []
    for (y, (_, target)) in zip(outputs, pairs) {
        guard let a = y.asTensor, let b = target.asTensor else { throw LearnError("data", "the target \(short(target)) is not a number or an array of numbers") }
        guard a.count == b.count else { throw LearnError("data", "the net gives \(a.count) values, but the target \(short(target)) has \(b.count)") }
        r += zip(a.values, b.values).map { Double($0) - Double($1) }
        t += b.values.map(Double.init)
    }
    return Residuals(residuals: r, targets: t)
}

/// Measures that NetMeasurements names differently from ClassifierMeasurements.
private var classAliases: [String: String] { ["Loss": "MeanCrossEntropy", "ErrorRate": "Error"] }

/// `NetMeasurements[net, data, measure]`: a class-decoder net is measured as a classifier; any
/// other net by the residuals of its outputs.
private func netMeasurements(_ net: Net, _ data: Expr, _ measure: Expr, uncertainty: Bool, _ c: Call) throws -> Expr {
    if case .classes(let classes)? = net.decoder {
        let pairs = try Examples(data, noun: "class", classes: Set(classes.map(\.key))).pairs
        guard !pairs.isEmpty else { throw LearnError("data", "the test set is empty") }
        let m = try netClassMeasurements(net, classes, pairs, c)
        func one(_ e: Expr) throws -> Expr {
            if let name = e.asString, name == "Properties" { return .strings(MeasurementsValue.propertyNames + classAliases.keys.sorted()) }
            if let name = e.asString, let alias = classAliases[name] { return try m.property(.string(alias), uncertainty: uncertainty) }
            return try m.property(e, uncertainty: uncertainty)
        }
        return try measure.listItems.map { .list(try $0.map(one)) } ?? one(measure)
    }
    let pairs = try Examples(data, noun: "output").pairs
    guard !pairs.isEmpty else { throw LearnError("data", "the test set is empty") }
    let r = try residuals(net, pairs, c)
    func one(_ e: Expr) throws -> Expr {
        guard let name = e.asString else { throw LearnError("prop", "\(short(e)) is not a measurement name") }
        if name == "Properties" { return .strings(Residuals.measures.map(\.name)) }
        guard let m = Residuals.measures.first(where: { $0.name == name }) else {
            throw LearnError("prop", "\(quoted(name)) is not a measurement of a net without a class decoder; the measurements are \(Residuals.measures.map(\.name).joined(separator: ", "))")
        }
        return .real(m.get(r))
    }
    return try measure.listItems.map { .list(try $0.map(one)) } ?? one(measure)
}

extension Kernel {
    static var netMeasurementBuiltins: [Builtin] {
        [
            Builtin("NetMeasurements", [], usage: "NetMeasurements[net, data, measure] measures net on labelled test data ({x -> y, ...}, {xs} -> {ys}, <|class -> {xs}|>); NetMeasurements[net, data, {m1, m2, ...}] several measures. A net with a class decoder has the measures of ClassifierMeasurements (\"Accuracy\", \"Precision\", \"Recall\", \"ConfusionMatrix\", \"F1Score\", ...) and \"Loss\" (the mean cross-entropy) and \"ErrorRate\"; ComputeUncertainty -> True gives Around values for proportions. Any other net has \"Loss\" and \"MeanSquare\" (mean squared error), \"MeanDeviation\" (mean absolute error), \"StandardDeviation\" (root mean squared error) and \"RSquared\". Example: NetMeasurements[LinearLayer[1, \"Weights\" -> {{2}}, \"Biases\" -> {0}, \"Input\" -> 1], {{1} -> {2}, {2} -> {5}}, \"MeanSquare\"] gives 0.5.",
                    arity: .exactly(3), options: [("ComputeUncertainty", .symbol(Sym.False))],
                    examples: [("NetMeasurements[LinearLayer[1, \"Weights\" -> {{2}}, \"Biases\" -> {0}, \"Input\" -> 1], {{1} -> {2}, {2} -> {5}}, \"MeanSquare\"]", "0.5")]) { c in
                guard let net = c[0].asNet else {
                    c.message("notnet", text: "\(short(c[0])) is not a net.")
                    return .failed
                }
                let uncertainty = c.option("ComputeUncertainty").isTrue
                return netOperation(c) { try netMeasurements(net, c[1], c[2], uncertainty: uncertainty, c) }
            },
        ]
    }
}
