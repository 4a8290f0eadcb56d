import CoreKernel
import Foundation
import Language
import Learn
import NetsKernel

/// Classify, Predict and their measurements, the classifier file format, and unsupervised
/// learning: Nearest, FindClusters, ClusterClassify, DimensionReduction, FeatureExtraction and
/// LearnDistribution.
public enum LearnLibrary: Library {
    public static let name = "LearnKernel"
    public static var requires: [any Library.Type] { [NetsLibrary.self] }
    public static var builtins: [Builtin] {
        [Kernel.classifyBuiltins, Kernel.measurementBuiltins, Kernel.netMeasurementBuiltins, Kernel.predictBuiltins,
         Kernel.nearestBuiltins, Kernel.clusteringBuiltins, Kernel.reductionBuiltins, Kernel.learnDistributionBuiltins,
         Kernel.clusteringComponentsBuiltins, Kernel.linearAlgebraBuiltins, Kernel.distributionBuiltins, Kernel.fittingBuiltins].flatMap { $0 }
    }
    public static var formats: [FileFormat] {
        [FileFormat("WMLF", extensions: ["wmlf"], summary: "a ClassifierFunction: classes, feature encoders, extractor and model as JSON",
                    importer: { path, c in .native(try ClassifierFileFormat.decode(try readBytes(path), c)) },
                    exporter: { path, e, _ in
                        guard case .native(let v) = e, let cl = v as? ClassifierValue else { return false }
                        try writeAtomically(try ClassifierFileFormat.encode(cl), to: path)
                        return true
                    })]
    }
    public static var sources: [(name: String, text: String)] { stdlibSources }
    public static var parsedSources: [String: String] { stdlibParsed }
    public static var guide: [GuideTopic] { Kernel.learnGuide }

    public static func setUp() {
        routeDotToBLAS()
        RichForms.register(RichDisplay.forms)
        SeriesForm.install()
        ErrorReporters.register { error, c in
            guard let e = error as? LearnError else { return false }
            c.message(e.tag, text: sentence(e.description))
            return true
        }
    }
}

extension ClassifierValue: StructuredValue, CallableValue {
    func apply(_ c: Call) throws -> Expr? {
        // c["Properties"]: what Information[c, prop] gives.
        if c.count == 1, c[0].asString == "Properties" { return .strings(Self.informationNames) }
        return netOperation(c) { try Kernel.applyClassifier(self, c) }
    }

    /// `Information[c]`: a summary; `Information[c, prop]`: one of its properties.
    func information(_ property: Expr?, _ c: Call) throws -> Expr? {
        guard let property else {
            return .string(summary + "\n  method: \(trained.method.rawValue)\n  classes: " + classes.map(OutputForm.string).joined(separator: ", ") + "\n  examples: \(examples)")
        }
        guard let name = property.asString, name != "Properties" else {
            if property.asString == "Properties" { return .strings(Self.informationNames) }
            c.message("prop", text: "\(short(property)) is not a classifier property; try \"Properties\".")
            return .failed
        }
        guard let p = Self.information.first(where: { $0.name == name }) else {
            c.message("prop", text: "\(short(property)) is not a classifier property; the properties are \(Self.informationNames.joined(separator: ", ")).")
            return .failed
        }
        return try p.get(self, c)
    }

    /// What `Information[c, "name"]` gives.
    static var information: [Property<ClassifierValue>] {
        [
            Property("Method") { cl, _ in .string(cl.trained.method.rawValue) },
            Property("Classes") { cl, _ in .list(cl.classes) },
            Property("ExampleNumber") { cl, _ in .integer(cl.examples) },
            Property("ClassNumber") { cl, _ in .integer(cl.classes.count) },
            Property("FeatureNumber") { cl, _ in .integer(cl.trained.standardizer.mean.count) },
            Property("FeatureExtractor") { cl, _ in cl.pipeline.heldExtractor ?? cl.pipeline.extractor ?? .sym("Identity") },
        ]
    }

    static var informationNames: [String] { information.map(\.name) + ["Properties"] }
}

extension PredictorValue: CallableValue {
    /// `p[x]` or `p[{x...}]`: the predicted values; `p[x, prop]`: "Decision" (the value),
    /// "Distribution" (NormalDistribution[value, sd]: the posterior's for a Gaussian process, else
    /// the residual standard deviation of the training fit),
    /// "StandardDeviation" (that deviation), "Properties".
    func apply(_ c: Call) throws -> Expr? {
        guard c.count == 1 || c.count == 2 else { return nil }
        if c.count == 1, c[0].asString == "Properties" { return .strings(Self.informationNames) }
        return netOperation(c) {
            let names = ["Decision", "Distribution", "StandardDeviation", "Properties"]
            let prop = c.count == 2 ? c[1].asString ?? "" : "Decision"
            if prop == "Properties" { return .strings(names) }
            guard names.contains(prop) else {
                throw LearnError("prop", "\(short(c[1])) is not a property; the properties are \(names.joined(separator: ", "))")
            }
            let single = exampleKind.isSingle(c[0])
            let values = try predictWithDeviation(single ? [c[0]] : (c[0].listItems ?? []), c)
            let out: [Expr] = values.map { v, sd in
                switch prop {
                case "Distribution": return Expr(Symbol.intern("NormalDistribution"), .real(v), .real(sd))
                case "StandardDeviation": return .real(sd)
                default: return .real(v)
                }
            }
            return single ? out[0] : .list(out)
        }
    }
}

extension MeasurementsValue: CallableValue {
    /// `m[prop]` or `m[{prop...}]`.
    func apply(_ c: Call) throws -> Expr? {
        guard c.count == 1 else { return nil }
        return netOperation(c) { try property(c[0], uncertainty: false) }
    }
}
