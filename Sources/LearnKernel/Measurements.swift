import CoreKernel
import Foundation
import Imaging
import Language
import Learn
import Nets
import NetsKernel
import OrderedCollections

/// Predictions of a classifier (or a net with a class decoder) on labelled test data, and the
/// measurements computed from them.
final class MeasurementsValue: NativeValue {
    let classes: [Expr]
    let actual: [Int]
    let probabilities: [[Double]]
    let method: String
    /// The test examples as `x -> class`, for "WorstClassifiedExamples" and its kin.
    var examples: [Expr] = []

    init(classes: [Expr], actual: [Int], probabilities: [[Double]], method: String) {
        self.classes = classes
        self.actual = actual
        self.probabilities = probabilities
        self.method = method
    }

    var headName: String { "ClassifierMeasurementsObject" }
    var summary: String { "ClassifierMeasurementsObject[<\(method), \(actual.count) test examples>]" }

    var predicted: [Int] { probabilities.map { p in p.indices.max { p[$0] < p[$1] } ?? 0 } }
    var n: Double { Double(actual.count) }

    var confusion: [[Int]] {
        var m = [[Int]](repeating: [Int](repeating: 0, count: classes.count), count: classes.count)
        for (a, p) in zip(actual, predicted) { m[a][p] += 1 }
        return m
    }

    /// A proportion, with its binomial standard error when asked.
    func proportion(_ p: Double, _ uncertainty: Bool) -> Expr {
        uncertainty ? Expr(Sym.Around, .real(p), .real((p * (1 - p) / Swift.max(n, 1)).squareRoot())) : .real(p)
    }

    func perClass(_ f: (Int) -> Double) -> Expr {
        .association(OrderedDictionary(uniqueKeysWithValues: classes.enumerated().map { ($0.element, Expr.real(f($0.offset))) }))
    }

    /// `m[prop]`, `m[{prop...}]`: a measure from the table, or the list of their names.
    func property(_ prop: Expr, uncertainty: Bool) throws -> Expr {
        if let items = prop.listItems { return .list(try items.map { try property($0, uncertainty: uncertainty) }) }
        guard let name = prop.asString else { throw LearnError("prop", "\(short(prop)) is not a property name") }
        if name == "Properties" { return .strings(Self.propertyNames) }
        guard let measure = Self.measures.first(where: { $0.name == name }) else {
            throw LearnError("prop", "\(quoted(name)) is not a measurement; the properties are \(Self.propertyNames.joined(separator: ", "))")
        }
        return try measure.get(self, uncertainty)
    }

    var accuracy: Double { Double(zip(actual, predicted).filter { $0 == $1 }.count) / Swift.max(n, 1) }

    func precision(_ m: [[Int]], _ k: Int) -> Double {
        let col = m.map { $0[k] }.reduce(0, +)
        return col == 0 ? 0 : Double(m[k][k]) / Double(col)
    }

    func recall(_ m: [[Int]], _ k: Int) -> Double {
        let row = m[k].reduce(0, +)
        return row == 0 ? 0 : Double(m[k][k]) / Double(row)
    }

    var logLikelihood: Double { zip(actual, probabilities).reduce(0) { $0 + Foundation.log(Swift.max($1.1[$1.0], 1e-300)) } }

    var labels: [String] { classes.map { $0.asString ?? OutputForm.string($0) } }

    /// A measure: its name and how it is computed (with the binomial uncertainty when asked).
    struct Measure {
        let name: String
        let get: (MeasurementsValue, _ uncertainty: Bool) throws -> Expr
        init(_ name: String, _ get: @escaping (MeasurementsValue, Bool) throws -> Expr) {
            self.name = name
            self.get = get
        }
    }

    /// Every measure `m["name"]` serves; `m["Properties"]` and the usage text list these names.
    static var measures: [Measure] {
        [
            Measure("Accuracy") { m, u in m.proportion(m.accuracy, u) },
            Measure("AccuracyBaseline") { m, u in
                let counts = (0..<m.classes.count).map { k in m.actual.filter { $0 == k }.count }
                return m.proportion(Double(counts.max() ?? 0) / Swift.max(m.n, 1), u)
            },
            Measure("Error") { m, u in m.proportion(1 - m.accuracy, u) },
            Measure("ConfusionMatrix") { m, _ in .list(m.confusion.map { .ints($0) }) },
            Measure("ConfusionMatrixPlot") { m, _ in LearningPlots.confusionMatrix(m.confusion, labels: m.labels) },
            Measure("ROCCurve") { m, _ in m.rocCurvePlot },
            Measure("AreaUnderROCCurve") { m, _ in m.areaUnderROCCurve },
            Measure("Precision") { m, _ in let c = m.confusion; return m.perClass { m.precision(c, $0) } },
            Measure("Recall") { m, _ in let c = m.confusion; return m.perClass { m.recall(c, $0) } },
            Measure("F1Score") { m, _ in
                let c = m.confusion
                return m.perClass { k in let p = m.precision(c, k), r = m.recall(c, k); return p + r == 0 ? 0 : 2 * p * r / (p + r) }
            },
            Measure("LogLikelihood") { m, _ in .real(m.logLikelihood) },
            Measure("MeanCrossEntropy") { m, _ in .real(-m.logLikelihood / Swift.max(m.n, 1)) },
            Measure("CohenKappa") { m, _ in
                let c = m.confusion
                let expected = (0..<m.classes.count).reduce(0.0) { acc, k in
                    acc + Double(c[k].reduce(0, +)) * Double(c.map { $0[k] }.reduce(0, +)) / Swift.max(m.n * m.n, 1)
                }
                return .real(expected >= 1 ? 0 : (m.accuracy - expected) / (1 - expected))
            },
            Measure("TopConfusions") { m, _ in
                let c = m.confusion
                var pairs: [(Int, Int, Int)] = []
                for a in c.indices { for p in c.indices where a != p && c[a][p] > 0 { pairs.append((c[a][p], a, p)) } }
                return .list(pairs.sorted { $0.0 > $1.0 }.prefix(3).map { .rule(m.classes[$0.1], m.classes[$0.2]) })
            },
            Measure("WorstClassifiedExamples") { m, _ in m.ranked(worstFirst: true) },
            Measure("BestClassifiedExamples") { m, _ in m.ranked(worstFirst: false) },
            Measure("Report") { m, _ in
                let a = m.accuracy
                var lines = ["Classifier: \(m.method)", "Test examples: \(m.actual.count)",
                             String(format: "Accuracy: %.3f ± %.3f", a, (a * (1 - a) / Swift.max(m.n, 1)).squareRoot()),
                             "Confusion matrix (rows: actual, columns: predicted):"]
                lines += ConfusionPlot.table(m.confusion, labels: m.labels)
                return .string(lines.joined(separator: "\n"))
            },
        ]
    }

    static var propertyNames: [String] { measures.map(\.name) + ["Properties"] }

    /// Up to 10 test examples `x -> class` ordered by the probability given to their actual
    /// class, the least (or the most) first.
    func ranked(worstFirst: Bool) -> Expr {
        let order = actual.indices.sorted {
            let a = probabilities[$0][actual[$0]], b = probabilities[$1][actual[$1]]
            return worstFirst ? a < b : a > b
        }
        return .list(order.prefix(10).compactMap { $0 < examples.count ? examples[$0] : nil })
    }
}

extension Kernel {
    static var measurementBuiltins: [Builtin] {
        [
            Builtin("ClassifierMeasurements", [], usage: "ClassifierMeasurements[c, test, prop] measures classifier c (a ClassifierFunction or a net with a class decoder) on test data ({x -> class, ...}, {xs} -> {classes} or <|class -> {xs}|>); prop is one of " + MeasurementsValue.propertyNames.map { "\"\($0)\"" }.joined(separator: ", ") + " (\"ConfusionMatrixPlot\" is a Graphics picture; Export it to PNG, SVG or PDF); ComputeUncertainty -> True gives Around values with the binomial standard error. ClassifierMeasurements[c, test] gives an object to ask later. Example: ClassifierMeasurements[Classify[{1 -> a, 2 -> a, 8 -> b, 9 -> b}], {1 -> a, 9 -> b}, \"Accuracy\"] gives 1.",
                    arity: .between(2, 3),
                    options: [("ComputeUncertainty", .symbol(Sym.False))],
                    examples: [("ClassifierMeasurements[Classify[{1 -> a, 2 -> a, 8 -> b, 9 -> b}], {1 -> a, 9 -> b}, \"Accuracy\"]", "1.")]) { c in
                let pos = c.count >= 2 ? Array(c.args.prefix(2)) + (c.count > 2 && !isOptionRule(c[2]) ? [c[2]] : []) : c.args
                guard pos.count == 2 || pos.count == 3 else { return c.argCount(2, 3) }
                let uncertainty = c.options(from: pos.count)["ComputeUncertainty"]?.isTrue ?? false
                return netOperation(c) {
                    let m = try measurements(pos[0], pos[1], c)
                    if pos.count == 3 { return try m.property(pos[2], uncertainty: uncertainty) }
                    return .native(m)
                }
            },
            Builtin("ClassifierMeasurementsObject", [], usage: "ClassifierMeasurementsObject[...] holds a classifier's predictions on test data; obj[\"prop\"] gives a measurement."),
        ]
    }
}

private func measurements(_ classifier: Expr, _ test: Expr, _ c: Call) throws -> MeasurementsValue {
    let pairs = try Examples(test, noun: "class").pairs
    guard !pairs.isEmpty else { throw LearnError("data", "the test set is empty") }
    let m = try measured(classifier, pairs, c)
    m.examples = pairs.map { .rule($0.0, $0.1) }
    return m
}

private func measured(_ classifier: Expr, _ pairs: [(Expr, Expr)], _ c: Call) throws -> MeasurementsValue {
    if case .native(let v) = classifier, let cl = v as? ClassifierValue {
        let index = Dictionary(uniqueKeysWithValues: cl.classes.enumerated().map { ($0.element, $0.offset) })
        let actual = try pairs.map { p -> Int in
            guard let k = index[p.1] else { throw LearnError("class", "the test class \(short(p.1)) is not one the classifier knows") }
            return k
        }
        return MeasurementsValue(classes: cl.classes, actual: actual, probabilities: try cl.probabilities(pairs.map(\.0), c), method: cl.trained.method.rawValue)
    }
    if let net = classifier.asNet, case .classes(let classes)? = net.decoder { return try netClassMeasurements(net, classes, pairs, c) }
    throw LearnError("notclassifier", "\(short(classifier)) is not a ClassifierFunction or a net with a class decoder")
}

/// The confusion matrix as text, for the report (the picture is `LearningPlots.confusionMatrix`).
enum ConfusionPlot {
    static func table(_ m: [[Int]], labels: [String]) -> [String] {
        let width = Swift.max(labels.map(\.count).max() ?? 0, 6)
        let cell = Swift.max(m.flatMap { $0 }.map { String($0).count }.max() ?? 1, labels.map { Swift.min($0.count, 10) }.max() ?? 1) + 1
        var lines = [String(repeating: " ", count: width + 1) + labels.map { String($0.prefix(10)).padding(toLength: cell, withPad: " ", startingAt: 0) }.joined()]
        for (i, row) in m.enumerated() {
            lines.append(labels[i].padding(toLength: width, withPad: " ", startingAt: 0) + " " + row.map { String($0).padding(toLength: cell, withPad: " ", startingAt: 0) }.joined())
        }
        return lines
    }
}
