import CoreKernel
import Foundation
import Language
import Learn
import NetsKernel

/// Classify, Predict and their measurements, and the classifier file format.
public enum LearnLibrary: Library {
    public static let name = "LearnKernel"
    public static var requires: [any Library.Type] { [NetsLibrary.self] }
    public static var builtins: [Builtin] {
        [Kernel.classifyBuiltins, Kernel.measurementBuiltins, Kernel.predictBuiltins].flatMap { $0 }
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

    public static func setUp() {
        ErrorReporters.register { error, c in
            guard let e = error as? LearnError else { return false }
            c.message(e.tag, text: capitalized(e.description) + ".")
            return true
        }
    }
}

extension ClassifierValue: StructuredValue, CallableValue {
    func apply(_ c: Call) throws -> Expr? { netOperation(c) { try Kernel.applyClassifier(self, c) } }

    /// `Information[c]`: a summary; `Information[c, prop]`: one of its properties.
    func information(_ property: Expr?, _ c: Call) throws -> Expr? {
        guard let property else {
            return .string(summary + "\n  method: \(trained.method.rawValue)\n  classes: " + classes.map(OutputForm.string).joined(separator: ", ") + "\n  examples: \(examples)")
        }
        let names = ["Method", "Classes", "ExampleNumber", "ClassNumber", "FeatureNumber", "FeatureExtractor", "Properties"]
        switch property.asString ?? "" {
        case "Method": return .string(trained.method.rawValue)
        case "Classes": return .list(classes)
        case "ExampleNumber": return .integer(examples)
        case "ClassNumber": return .integer(classes.count)
        case "FeatureNumber": return .integer(trained.standardizer.mean.count)
        case "FeatureExtractor": return pipeline.heldExtractor ?? pipeline.extractor ?? .sym("Identity")
        case "Properties": return .list(names.map { .string($0) })
        default:
            c.message("prop", text: "\(short(property)) is not a classifier property; try \"Properties\".")
            return .failed
        }
    }
}

extension PredictorValue: CallableValue {
    /// `p[x]` or `p[{x...}]`: the predicted values.
    func apply(_ c: Call) throws -> Expr? {
        guard c.count == 1 else { return nil }
        return netOperation(c) {
            let single = exampleKind.isSingle(c[0])
            let values = try predict(single ? [c[0]] : (c[0].listItems ?? []), c)
            return single ? .real(values[0]) : .reals(values)
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
