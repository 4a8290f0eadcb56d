import Foundation
import Imaging
import Language
import CoreKernel
import Nets
import Tensor

/// Runs an operation of the lower layers (nets, learning, tensors, images), turning their errors
/// into `Sym::tag` messages and `$Failed`.
package func netOperation(_ c: Call, _ body: () throws -> Expr?) -> Expr? {
    do {
        return try body()
    } catch {
        report(error, c)
        return .failed
    }
}

/// A chain or graph element: a net, `Ramp`/`Tanh`/`LogisticSigmoid` (and the other activation
/// names), an integer n (LinearLayer[n]), or a nested list (a nested chain).
func netElement(_ e: Expr, _ c: Call) throws -> Net {
    if let n = e.asNet { return n }
    if let k = e.intValue, k > 0 { return .layer(try Layer(.linear(output: [k], biases: true))) }
    if e.isSymbol(Sym.Failed) { throw NetError("invnet", "an element of the net is $Failed") }
    if e.listItems != nil || e.asAssociation != nil {
        return .chain(try chainParts(e, c))
    }
    if let f = try elementwiseFunction(e, c) { return .layer(try Layer(.elementwise(f))) }
    throw NetError("invnet", "\(InputForm.string(e)) is not a layer, a net, an activation or a layer size")
}

/// Names and nets of a list (named "1", "2", ...) or an association.
func namedParts(_ e: Expr, _ c: Call) throws -> ([String], [Net]) {
    if case .association(let a) = e {
        var names: [String] = [], nets: [Net] = []
        for (k, v) in a.entries {
            names.append(k.asString ?? InputForm.string(k))
            nets.append(try netElement(v, c))
        }
        return (names, nets)
    }
    guard let items = e.listItems else { throw NetError("invnet", "expected a list or an association of layers") }
    return (items.indices.map { String($0 + 1) }, try items.map { try netElement($0, c) })
}

func chainParts(_ e: Expr, _ c: Call, input: PortSpec? = nil, output: PortSpec? = nil) throws -> Chain {
    let (names, nets) = try namedParts(e, c)
    return try Chain(names: names, nodes: embeddingSized(by: input?.encoder, nets), encoder: input?.encoder, decoder: output?.decoder,
                     input: input?.shape, output: output?.shape)
}

/// Edges of `NetGraph`: `a -> b -> c`, `{a, b} -> c`, `NetPort["Input"] -> a`, `a -> NetPort["Output"]`;
/// nodes by 1-based index or name. Input ports other than "Input" (`NetPort["State"] -> a`) are
/// added to `inputNames` as edges first name them.
func graphEdges(_ spec: Expr, names: [String], ports: [[String]] = [], inputNames: inout [String]) throws -> [Edge] {
    var edges: [Edge] = []
    var nextPort = [Int: Int]()
    func node(_ e: Expr) throws -> Int {
        if let i = e.intValue, i >= 1, i <= names.count { return i - 1 }
        if let s = e.asString, let i = names.firstIndex(of: s) { return i }
        throw NetError("invedge", "\(InputForm.string(e)) does not name a node of the graph")
    }
    func source(_ e: Expr) throws -> Edge.Source {
        if e.hasHead(Symbol.intern("NetPort")) {
            guard e.args.count == 1, let port = e.args[0].asString, port != "Output" else {
                throw NetError("invedge", "\(InputForm.string(e)) cannot start an edge; use NetPort[\"Input\"] or another input port's name")
            }
            if let i = inputNames.firstIndex(of: port) { return .input(i) }
            inputNames.append(port)
            return .input(inputNames.count - 1)
        }
        return .node(try node(e))
    }
    func target(_ e: Expr) throws -> Edge.Target {
        // NetPort[node, "Key"]: a named input port of a node (an AttentionLayer's).
        if e.hasHead(Symbol.intern("NetPort")), e.args.count == 2, let port = e.args[1].asString {
            let t = try node(e.args[0])
            guard t < ports.count, let p = ports[t].firstIndex(of: port) else {
                throw NetError("invedge", "node \(InputForm.string(e.args[0])) has no input port \(quoted(port))")
            }
            return .node(t, port: p)
        }
        if e.hasHead(Symbol.intern("NetPort")) {
            guard e.args.first?.asString == "Output" else { throw NetError("invedge", "only NetPort[\"Output\"] can end an edge") }
            return .output
        }
        let t = try node(e)
        let p = nextPort[t, default: 0]
        nextPort[t] = p + 1
        return .node(t, port: p)
    }
    func add(_ from: Expr, _ to: Expr) throws {
        let sources = from.listItems ?? [from]
        if to.hasHead(Sym.Rule), to.args.count == 2 {
            try add(from, to.args[0])
            try add(to.args[0], to.args[1])
            return
        }
        for s in sources {
            let src = try source(s)
            edges.append(Edge(src, try target(to)))
        }
    }
    for r in spec.listItems ?? [spec] {
        guard r.hasHead(Sym.Rule), r.args.count == 2 else { throw NetError("invedge", "\(InputForm.string(r)) is not an edge a -> b") }
        try add(r.args[0], r.args[1])
    }
    return edges
}

/// `NetEncoder[...]` and `NetDecoder[...]` specs.
func encoderSpec(_ e: Expr) throws -> Encoder {
    let items = e.listItems ?? [e]
    guard let kind = items.first?.asString else { throw NetError("invspec", "an encoder spec starts with its type, such as \"Image\" or \"Class\"") }
    let rest = Array(items.dropFirst())
    switch kind {
    case "Image":
        var size = [128, 128]
        var options: [String: Expr] = [:]
        for r in rest {
            if isOptionRule(r) { collectOptions(r, into: &options) } else if let p = pair(r), p.allSatisfy({ $0 > 0 }) { size = p } else if r.asString != nil {
                options["ColorSpace"] = r
            } else {
                throw NetError("invspec", "\(InputForm.string(r)) is not an image size {width, height}")
            }
        }
        let space: Image.ColorSpace
        switch options.removeValue(forKey: "ColorSpace")?.asString ?? "RGB" {
        case "RGB": space = .rgb
        case "Grayscale": space = .grayscale
        case let other: throw NetError("invspec", "color space \(quoted(other)) is not \"RGB\" or \"Grayscale\"")
        }
        let channels = space == .rgb ? 3 : 1
        func perChannel(_ name: String) throws -> [Float]? {
            guard let v = options.removeValue(forKey: name), !v.isSymbol(Sym.None), !v.isSymbol(Sym.Automatic) else { return nil }
            if let d = v.doubleValue { return Array(repeating: Float(d), count: channels) }
            if let xs = v.realValues, xs.count == channels { return xs.map(Float.init) }
            throw NetError("invspec", "\(quoted(name)) must be a number or \(channels) channel values")
        }
        let mean = try perChannel("MeanImage"), variance = try perChannel("VarianceImage")
        var method = ImageEncoder.Method.stretch
        if let m = options.removeValue(forKey: "Method") {
            guard let parsed = ImageEncoder.Method(rawValue: m.asString ?? "") else { throw NetError("invspec", "Method must be \"Stretch\", \"Fit\" or \"Fill\"") }
            method = parsed
        }
        if let (name, _) = options.first {
            let hint = Suggestion.didYouMean(name, among: ["ColorSpace", "MeanImage", "VarianceImage", "Method"])
            throw NetError("optx", "unknown option \(quoted(name)) for an image encoder.\(hint)")
        }
        return .image(try ImageEncoder(width: size[0], height: size[1], colorSpace: space, mean: mean, variance: variance, method: method))
    case "Class":
        guard let labels = rest.first?.listItems, !labels.isEmpty else { throw NetError("invspec", "a class encoder needs a list of classes") }
        let classes = try distinct(labels.map(classLabel))
        switch rest.dropFirst().first?.asString {
        case nil, "Index": return .classes(classes)
        case "UnitVector", "IndicatorVector": return .classVectors(classes)
        case let other?: throw NetError("invspec", "a class encoder's form must be \"Index\" or \"UnitVector\", not \(quoted(other))")
        }
    case "Characters", "Tokens":
        return .text(try textEncoderSpec(kind, rest))
    default:
        let hint = Suggestion.didYouMean(kind, among: encoderTypes)
        throw NetError("invspec", "unknown encoder type \(quoted(kind)); \"Image\", \"Class\", \"Characters\" and \"Tokens\" are available.\(hint)")
    }
}

/// The types `NetEncoder` takes.
let encoderTypes = ["Image", "Class", "Characters", "Tokens"]

func decoderSpec(_ e: Expr) throws -> Decoder {
    let items = e.listItems ?? [e]
    guard items.first?.asString == "Class" else {
        let hint = Suggestion.didYouMean(items.first?.asString ?? "", among: ["Class"])
        throw NetError("invspec", "only \"Class\" decoders are available.\(hint)")
    }
    guard items.count >= 2, let labels = items[1].listItems, !labels.isEmpty else { throw NetError("invspec", "a class decoder needs a list of classes") }
    return .classes(try distinct(labels.map(classLabel)))
}

/// Class labels must be distinct.
func distinct(_ labels: [ClassLabel]) throws -> [ClassLabel] {
    var seen = Set<String>()
    for l in labels where !seen.insert(l.key).inserted { throw NetError("invspec", "the class \(l.key) appears more than once") }
    return labels
}

/// The seed for NetInitialize/NetTrain: `RandomSeeding -> n`, or drawn from the session's
/// generator (so `SeedRandom` makes it repeatable).
func seeding(_ e: Expr) -> SeededGenerator {
    if let n = e.intValue { return SeededGenerator(seed: UInt64(bitPattern: Int64(n))) }
    if let s = e.asString { return SeededGenerator(seed: UInt64(truncatingIfNeeded: s.hashValueStable)) }
    return SeededGenerator(seed: RandomState.generator.next())
}

extension String {
    /// FNV-1a: a hash that is the same in every run.
    var hashValueStable: UInt64 {
        utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}

extension Kernel {
    static var netBuiltins: [Builtin] {
        [
            Builtin("NetChain", [], usage: "NetChain[{layer1, layer2, ...}] applies layers in turn, named \"1\", \"2\", ...; NetChain[<|\"name\" -> layer, ...|>] keeps names. Ramp, Tanh, ... become ElementwiseLayer, an integer n LinearLayer[n], a list a nested chain. Options \"Input\" and \"Output\" take shapes, NetEncoder and NetDecoder.", examples: [("NetChain[{LinearLayer[3], Ramp, LinearLayer[1]}, \"Input\" -> 2]", "NetChain[<3 layers, uninitialized>]")]) { c in
                let pos = c.positional
                guard pos.count == 1 else { return c.argCount(1) }
                let opts = c.options(from: 1)
                return netOperation(c) {
                    for k in opts.keys where k != "Input" && k != "Output" { throw NetError("optx", "unknown option \(quoted(k)) for NetChain." + Suggestion.didYouMean(k, among: ["Input", "Output"])) }
                    let input = try opts["Input"].map { try shapeSpec($0, "Input") }
                    let output = try opts["Output"].map { try shapeSpec($0, "Output") }
                    return .net(.chain(try chainParts(pos[0], c, input: input, output: output)))
                }
            },
            Builtin("NetGraph", [], usage: "NetGraph[{layers...} or <|name -> layer, ...|>, {edges}] connects layers: 1 -> 2 -> 3, {1, 3} -> 4 (two inputs of 4), NetPort[\"Input\"] -> 1, 3 -> NetPort[\"Output\"]. Unconnected inputs read the graph input.", examples: [("Information[NetGraph[<|\"a\" -> LinearLayer[2], \"b\" -> LinearLayer[2], \"t\" -> TotalLayer[]|>, {\"a\" -> \"t\", \"b\" -> \"t\"}, \"Input\" -> 3], \"OutputPorts\"]", "<|Output -> {2}|>")]) { c in
                let pos = c.positional
                guard pos.count == 2 else { return c.argCount(2) }
                let opts = c.options(from: 2)
                return netOperation(c) {
                    let (names, nets) = try namedParts(pos[0], c)
                    var inputNames = ["Input"]
                    let edges = try graphEdges(pos[1], names: names, ports: nets.map(\.inputPortNames), inputNames: &inputNames)
                    let known = ["Input", "Output"] + inputNames.dropFirst()
                    for k in opts.keys.sorted() where !known.contains(k) {
                        throw NetError("optx", "unknown option \(quoted(k)) for NetGraph." + Suggestion.didYouMean(k, among: known))
                    }
                    let input = try opts["Input"].map { try shapeSpec($0, "Input") }
                    let output = try opts["Output"].map { try shapeSpec($0, "Output") }
                    if inputNames.count > 1, !edges.contains(where: { $0.source == .input(0) }) {
                        throw NetError("invedge", "the input port \"Input\" is not connected")
                    }
                    let inputs = [input?.shape] + Array(repeating: nil, count: inputNames.count - 1)
                    return .net(.graph(try Graph(names: names, nodes: nets, edges: edges, inputNames: inputNames, encoder: input?.encoder,
                                                 decoder: output?.decoder, inputs: inputs, output: output?.shape)))
                }
            },
            Builtin("NetPort", [], usage: "NetPort[\"Input\"] and NetPort[\"Output\"] name the ports of a NetGraph in its edges; NetPort[\"State\"] (any other name) is a further input port."),
            Builtin("NetEncoder", [], usage: "NetEncoder[\"Image\"] or NetEncoder[{\"Image\", {w, h}, \"ColorSpace\" -> \"RGB\", \"MeanImage\" -> m, \"VarianceImage\" -> v, Method -> \"Stretch\"}] turns images into arrays; NetEncoder[{\"Class\", labels}] turns labels into indices.", arity: .exactly(1)) { c in
                if case .native = c[0] { return nil }
                return netOperation(c) { .native(CoderValue(encoder: try encoderSpec(c[0]))) }
            },
            Builtin("NetDecoder", [], usage: "NetDecoder[{\"Class\", labels}] turns probability vectors into classes.", arity: .exactly(1), examples: [("NetDecoder[{\"Class\", {\"cat\", \"dog\"}}][{0.2, 0.8}]", "dog")]) { c in
                if case .native = c[0] { return nil }
                return netOperation(c) { .native(CoderValue(decoder: try decoderSpec(c[0]))) }
            },
            Builtin("NetInitialize", [], usage: "NetInitialize[net] fills the net's missing arrays (Kaiming-normal weights, zero biases); NetInitialize[net, All] re-initializes every array. RandomSeeding -> n makes it repeatable.",
                    arity: .between(1, 2), options: [("RandomSeeding", .sym("Automatic"))], examples: [("NetInitialize[LinearLayer[2, \"Input\" -> 3], RandomSeeding -> 1]", "LinearLayer[<2 x 3>]")]) { c in
                let pos = c.positional
                guard pos.count == 1 || pos.count == 2 else { return c.argCount(1, 2) }
                guard let net = pos[0].asNet else { c.message("notnet", text: "\(InputForm.string(pos[0])) is not a net."); return .failed }
                var generator = seeding(c.option("RandomSeeding"))
                return netOperation(c) { .net(try net.initializedForAnyLength(all: pos.count == 2 && pos[1].isSymbol(Sym.All), generator: &generator)) }
            },
            Builtin("NetTake", [], usage: "NetTake[net, n] gives the first n layers; NetTake[net, -n] the last n; NetTake[net, {a, b}] layers a through b, by number or name. Names are kept; the encoder stays with the first layer, the decoder with the last.", arity: .exactly(2), examples: [("NetTake[NetChain[{LinearLayer[3], Ramp, LinearLayer[1]}, \"Input\" -> 2], 2]", "NetChain[<2 layers, uninitialized>]")]) { c in
                return netOperation(c) { try cutChain(c, c[0], c[1], take: true) }
            },
            Builtin("NetDrop", [], usage: "NetDrop[net, n] drops the first n layers; NetDrop[net, -n] the last n; NetDrop[net, {a, b}] layers a through b.", arity: .exactly(2), examples: [("NetDrop[NetChain[{LinearLayer[3], Ramp, LinearLayer[1]}, \"Input\" -> 2], 1]", "NetChain[<2 layers, uninitialized>]")]) { c in
                return netOperation(c) { try cutChain(c, c[0], c[1], take: false) }
            },
            Builtin("NetJoin", [], usage: "NetJoin[net1, net2, ...] joins chains and layers into one flat chain; inner encoders and decoders are removed and clashing layer names renamed.", arity: .atLeast(1), examples: [("NetJoin[NetChain[{LinearLayer[3]}, \"Input\" -> 2], NetChain[{Ramp}]]", "NetChain[<2 layers, uninitialized>]")]) { c in
                return netOperation(c) {
                    let nets = try c.args.map { e -> Net in
                        guard let n = e.asNet else { throw NetError("notnet", "\(InputForm.string(e)) is not a net") }
                        return n
                    }
                    return .net(.chain(try Chain.joined(nets)))
                }
            },
            Builtin("NetExtract", [], usage: "NetExtract[net, \"name\"] or NetExtract[net, n] gives a layer; NetExtract[net, {path..., \"Weights\"}] an array as a NumericArray; NetExtract[net, \"Input\"] the encoder, \"Output\" the decoder; NetExtract[net, {spec1, spec2}] several.", arity: .exactly(2)) { c in
                guard let net = c[0].asNet else { return nil }
                return netOperation(c) { try extract(net, c[1]) }
            },
            Builtin("NetReplacePart", [], usage: "NetReplacePart[net, spec -> value] replaces a layer, an array ({\"layer\", \"Weights\"} -> array), the encoder (\"Input\" -> enc) or the decoder (\"Output\" -> dec).", arity: .exactly(2)) { c in
                guard var net = c[0].asNet else { return nil }
                return netOperation(c) {
                    for r in c[1].listItems ?? [c[1]] {
                        guard isOptionRule(r) else { throw NetError("invspec", "\(InputForm.string(r)) is not a rule spec -> value") }
                        net = try replacePart(net, r.args[0], r.args[1], c)
                    }
                    return .net(net)
                }
            },
            Builtin("NumericArray", [], usage: "NumericArray[array] packs a rectangular array of numbers as Real32; Normal turns it back into lists.", arity: .between(1, 2), examples: [("Dimensions[NumericArray[{{1, 2, 3}, {4, 5, 6}}]]", "{2, 3}")]) { c in
                if case .native = c[0] { return c[0] }
                guard let t = c[0].asTensor else {
                    c.message("nums", text: "\(InputForm.string(c[0])) is not a rectangular array of numbers.")
                    return .failed
                }
                return .array(t)
            },
        ]
    }
}

