import CoreKernel
import Foundation
import Language
import Learn
import NetsKernel

/// The summaries (`Information[value]`), option lists (`Options[value]`) and property lists of
/// classifiers, predictors, their measurements and fitted models, like the summary boxes Wolfram
/// shows for them.
extension ClassifierValue: SummarizedValue {
    var summaryBox: SummaryBox {
        var fields: [(name: String, value: String)] = [
            ("Input type", inputType(pipeline)),
            ("Classes", classes.map { fieldText($0, lines: 0.3) }.joined(separator: ", ")),
            ("Method", trained.method.rawValue),
            ("Training examples", String(examples)),
            ("Accuracy", accuracy.map { Printer.shortReal($0) + " (3-fold cross-validation while choosing the method)" } ?? "not measured (ClassifierMeasurements[c, test, \"Accuracy\"] measures it)"),
        ]
        if threshold > 0 { fields.append(("Indeterminate threshold", Printer.shortReal(threshold))) }
        fields.append(("Properties", Self.informationNames.joined(separator: ", ")))
        return SummaryBox("ClassifierFunction", fields: fields)
    }

    var optionRules: [Expr] {
        [.rule(.sym("Method"), .string(trained.method.rawValue)),
         .rule(.sym("FeatureExtractor"), pipeline.heldExtractor ?? pipeline.extractor ?? .sym("Identity")),
         .rule(.sym("IndeterminateThreshold"), .real(threshold)),
         .rule(.sym("ClassPriors"), priors.map { p in .association(.init(uniqueKeysWithValues: zip(classes, p.map(Expr.real)))) } ?? .sym("Automatic"))]
    }
}

extension PredictorValue: SummarizedValue, StructuredValue {
    var summaryBox: SummaryBox {
        SummaryBox("PredictorFunction", fields: [
            ("Input type", inputType(pipeline)),
            ("Method", trained.method.rawValue),
            ("Training examples", String(examples)),
            ("Residual standard deviation", Printer.shortReal(trained.residualDeviation)),
            ("Properties", Self.informationNames.joined(separator: ", ")),
        ])
    }

    var optionRules: [Expr] {
        [.rule(.sym("Method"), .string(trained.method.rawValue)),
         .rule(.sym("FeatureExtractor"), pipeline.heldExtractor ?? pipeline.extractor ?? .sym("Identity"))]
    }

    /// What `Information[p, "name"]` gives.
    static var information: [Property<PredictorValue>] {
        [
            Property("Method") { p, _ in .string(p.trained.method.rawValue) },
            Property("ExampleNumber") { p, _ in .integer(p.examples) },
            Property("FeatureNumber") { p, _ in .integer(p.trained.standardizer.mean.count) },
            Property("FeatureExtractor") { p, _ in p.pipeline.heldExtractor ?? p.pipeline.extractor ?? .sym("Identity") },
            Property("StandardDeviation") { p, _ in .real(p.trained.residualDeviation) },
        ]
    }

    static var informationNames: [String] { information.map(\.name) + ["Properties"] }

    func information(_ property: Expr?, _ c: Call) throws -> Expr? {
        guard let property else { return .native(InformationValue(summaryBox)) }
        if property.asString == "Properties" { return .strings(Self.informationNames) }
        guard let name = property.asString, let p = Self.information.first(where: { $0.name == name }) else {
            c.message("prop", text: "\(short(property)) is not a predictor property; the properties are \(Self.informationNames.joined(separator: ", ")).")
            return .failed
        }
        return try p.get(self, c)
    }
}

extension MeasurementsValue: SummarizedValue {
    var summaryBox: SummaryBox {
        let m = confusion
        let names = classes.map { fieldText($0, lines: 0.3) }
        let rows = m.enumerated().map { i, r in [names[i]] + r.map(String.init) }
        return SummaryBox("ClassifierMeasurementsObject", fields: [
            ("Classifier", method),
            ("Test examples", String(actual.count)),
            ("Accuracy", Printer.shortReal(accuracy)),
            ("Properties", Self.propertyNames.joined(separator: ", ")),
        ], tables: [.init("Confusion matrix (rows: actual class, columns: predicted)", header: ["actual"] + names, rows: rows)])
    }
}

extension PredictorMeasurementsValue: SummarizedValue {
    var summaryBox: SummaryBox {
        SummaryBox("PredictorMeasurementsObject", fields: [
            ("Predictor", method),
            ("Test examples", String(actual.count)),
            ("Standard deviation", Printer.shortReal(meanSquare.squareRoot())),
            ("Properties", Self.propertyNames.joined(separator: ", ")),
        ])
    }
}

extension FittedModelValue: SummarizedValue {
    var summaryBox: SummaryBox {
        let header = ["", "Estimate", "Standard Error", "t-Statistic", "P-Value"]
        let rows = zip(parameterNames, tableEntries).map { name, e in [OutputForm.string(name)] + e.map { Printer.shortReal($0) } }
        return SummaryBox("FittedModel", fields: [
            ("Best fit", fieldText(bestFit, lines: 1)),
            ("Variables", variables.map(OutputForm.string).joined(separator: ", ")),
            ("Data points", String(response.count)),
            ("R squared", Printer.shortReal(fit.rSquared)),
            ("Properties", Self.propertyNames.joined(separator: ", ")),
        ], tables: [.init("Parameters", header: header, rows: rows)])
    }
}

/// What a learner's examples are, in Wolfram's words: "Numerical", "NumericalVector (length
/// 4)", "Nominal", "Text", several features, or what the feature extractor takes.
func inputType(_ pipeline: FeaturePipeline) -> String {
    if let f = pipeline.extractor ?? pipeline.heldExtractor {
        return "features extracted by " + fieldText(f, lines: 0.5)
    }
    func kind(_ col: FeaturePipeline.Column) -> String {
        switch col {
        case .numeric(let w, _): return w == 1 ? "Numerical" : "NumericalVector (length \(w))"
        case .nominal: return "Nominal"
        case .text: return "Text"
        }
    }
    if pipeline.columns.count == 1 { return kind(pipeline.columns[0]) }
    return "\(pipeline.columns.count) features: " + pipeline.columns.map(kind).joined(separator: ", ")
}
