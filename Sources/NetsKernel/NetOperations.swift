import CoreKernel
import Language
import Nets
import OrderedCollections
import Resources
import Tensor

/// The 0-based index of a chain position given by number (negative from the end) or name.
private func position(_ e: Expr, _ chain: Chain) throws -> Int {
    if let i = e.intValue {
        let n = chain.names.count
        let k = i < 0 ? n + i : i - 1
        guard k >= 0, k < n else { throw NetError("take", "position \(i) is outside a chain of \(n) layers") }
        return k
    }
    if let s = e.asString, let k = chain.names.firstIndex(of: s) { return k }
    throw NetError("take", "\(InputForm.string(e)) is not a layer number or name of the chain")
}

/// `Take`/`NetTake` (take) and `Drop`/`NetDrop` on a chain: `n`, `-n`, `{a, b}`, a name, `a ;; b`.
func cutChain(_ c: Call, _ netExpr: Expr, _ spec: Expr, take: Bool) throws -> Expr {
    guard let net = netExpr.asNet else { throw NetError("notnet", "\(InputForm.string(netExpr)) is not a net") }
    guard case .chain(let chain) = net else { throw NetError("take", "only chains can be taken apart by position") }
    let n = chain.names.count
    let range: Range<Int>
    if let k = spec.intValue {
        guard abs(k) <= n else { throw NetError("take", "cannot \(take ? "take" : "drop") \(abs(k)) layers of a chain of \(n)") }
        range = k >= 0 ? 0..<k : (n + k)..<n
    } else if let items = spec.listItems, items.count == 2 {
        let a = try position(items[0], chain), b = try position(items[1], chain)
        guard a <= b else { throw NetError("take", "layer \(InputForm.string(items[0])) comes after \(InputForm.string(items[1]))") }
        range = a..<(b + 1)
    } else if spec.hasHead(Sym.Span), spec.args.count == 2 {
        let a = try position(spec.args[0], chain)
        let b = spec.args[1].isSymbol(Sym.All) ? n - 1 : try position(spec.args[1], chain)
        range = a..<(b + 1)
    } else if spec.asString != nil {
        let k = try position(spec, chain)
        range = take ? 0..<(k + 1) : k..<(k + 1)
    } else {
        throw NetError("take", "\(InputForm.string(spec)) is not a valid layer specification")
    }
    return .net(.chain(take ? try chain.taking(range) : try chain.dropping(range)))
}

/// A path spec as names: `"conv"`, `3`, `{"block", "conv"}`.
private func pathNames(_ spec: Expr, in net: Net) throws -> [String] {
    var names: [String] = []
    var current = net
    for step in spec.listItems ?? [spec] {
        let parts = current.parts
        let name: String
        if let i = step.intValue {
            let k = i < 0 ? parts.count + i : i - 1
            guard parts.indices.contains(k) else { throw NetError("part", "there is no part \(i) in \(InputForm.string(spec))") }
            name = parts[k].name
        } else if let s = step.asString {
            name = s
        } else {
            throw NetError("part", "\(InputForm.string(step)) is not a part name or number")
        }
        names.append(name)
        if let sub = parts.first(where: { $0.name == name })?.net { current = sub } else { break }
    }
    return names
}

func extract(_ net: Net, _ spec: Expr) throws -> Expr {
    if let items = spec.listItems, items.allSatisfy({ $0.listItems != nil }) {
        return .list(try items.map { try extract(net, $0) })
    }
    if spec.asString == "Input" {
        if let e = net.encoder { return .native(CoderValue(encoder: e)) }
        return shapeExpr(net.inputs.first ?? nil)
    }
    if spec.asString == "Output" {
        if let d = net.decoder { return .native(CoderValue(decoder: d)) }
        return shapeExpr(net.output)
    }
    if spec.isSymbol(Sym.All) { return .association(OrderedDictionary(uniqueKeysWithValues: net.parts.map { (Expr.string($0.name), Expr.net($0.net)) })) }
    let names = try pathNames(spec, in: net)
    if let part = net.part(names) { return .net(part) }
    // The last name may be an array of the layer before it.
    guard let arrayName = names.last, case .layer(let l)? = net.part(Array(names.dropLast())), l.kind.arrayNames.contains(arrayName) else {
        throw NetError("part", "\(InputForm.string(spec)) does not name a part or array of the net")
    }
    guard let a = l.arrays[arrayName] else { return .sym("Automatic") }
    return .array(a)
}

func replacePart(_ net: Net, _ spec: Expr, _ value: Expr, _ c: Call) throws -> Net {
    if spec.asString == "Input" || spec.asString == "Output" {
        let port = try shapeSpec(value, spec.asString ?? "")
        let isInput = spec.asString == "Input"
        switch net {
        case .chain(let ch):
            return .chain(try Chain(names: ch.names, nodes: ch.nodes, encoder: isInput ? port.encoder : ch.encoder,
                                    decoder: isInput ? ch.decoder : port.decoder,
                                    input: isInput ? port.shape : nil, output: isInput ? nil : port.shape))
        case .graph(let g):
            return .graph(try Graph(names: g.names, nodes: g.nodes, edges: g.edges, inputNames: g.inputNames,
                                    encoder: isInput ? port.encoder : g.encoder, decoder: isInput ? g.decoder : port.decoder,
                                    inputs: isInput ? [port.shape] : nil, output: isInput ? nil : port.shape))
        case .layer(var l):
            _ = try l.constrain(inputs: isInput ? [port.shape] : [nil], output: isInput ? nil : port.shape)
            return .layer(l)
        }
    }
    let names = try pathNames(spec, in: net)
    if net.part(names) != nil {
        let replacement = try netElement(value, c)
        guard let out = try net.replacing(names, with: replacement) else { throw NetError("part", "cannot replace \(InputForm.string(spec))") }
        return out
    }
    guard let arrayName = names.last, case .layer(let l)? = net.part(Array(names.dropLast())), l.kind.arrayNames.contains(arrayName) else {
        throw NetError("part", "\(InputForm.string(spec)) does not name a part or array of the net")
    }
    guard let t = value.asTensor else { throw NetError("invarr", "the new \(quoted(arrayName)) is not a rectangular array of numbers") }
    if let expected = l.arrayShapes?[arrayName], expected != t.shape {
        throw NetError("invarr", "\(quoted(arrayName)) must be \(describe(expected)), not \(describe(t.shape))")
    }
    var arrays = l.arrays
    arrays[arrayName] = t
    var fresh = try Layer(l.kind, arrays: arrays, input: l.inputs.first ?? nil, inputCount: l.inputs.count)
    _ = try fresh.constrain(inputs: l.inputs, output: l.output)
    if names.count == 1 && net.parts.isEmpty { return .layer(fresh) }
    guard let out = try net.replacing(Array(names.dropLast()), with: .layer(fresh)) else { throw NetError("part", "cannot replace \(InputForm.string(spec))") }
    return out
}

/// `Information[net]`: its input, output and parameter count, a table of its parts (each with
/// its type, output shape and parameter count) and, for a graph, its edges.
func netSummaryBox(_ net: Net) -> SummaryBox {
    let total = (try? totalArrayElements(net)).map { $0.map(String.init) ?? "not yet known" } ?? "more than \(Int.max)"
    var fields: [(name: String, value: String)] = [
        ("Input", net.encoder.map(describeCoder) ?? shapeText(net.inputs.first ?? nil)),
        ("Output", net.decoder.map(describeCoder) ?? shapeText(net.output)),
        ("Parameters", total),
    ]
    if !net.isInitialized { fields.append(("Initialized", "no (NetInitialize or NetTrain gives the arrays values)")) }
    var tables: [SummaryBox.Table] = []
    let parts = net.parts
    if parts.isEmpty, case .layer(let l) = net {
        let arrays = l.kind.arrayNames.map { name -> [String] in
            let shape = l.arrays[name]?.shape ?? l.arrayShapes?[name]
            return [name, shape.map { $0.map(String.init).joined(separator: "x") } ?? "not yet known"]
        }
        if !arrays.isEmpty { tables.append(.init("Arrays", header: ["name", "dimensions"], rows: arrays)) }
    } else {
        // Names that are just the positions (a chain made from a list) are not repeated.
        let named = parts.enumerated().contains { $0.element.name != String($0.offset + 1) }
        let rows = parts.enumerated().map { i, p -> [String] in
            let count: String
            do {
                let n = try arrayElements(p.net, unknownAsZero: true) ?? 0
                count = n == 0 ? "" : String(n)
            } catch {
                count = "> \(Int.max)"
            }
            return [String(i + 1)] + (named ? [p.name] : []) + [partType(p.net), shapeText(p.net.output), count]
        }
        let isGraph: Bool
        if case .graph = net { isGraph = true } else { isGraph = false }
        tables.append(.init(isGraph ? "Nodes" : "Layers", header: ["#"] + (named ? ["name"] : []) + ["type", "output", "parameters"], rows: rows))
    }
    if case .graph(let g) = net {
        var inputs = [Int: Int]()
        for e in g.edges { if case .node(let i, _) = e.target { inputs[i, default: 0] += 1 } }
        tables.append(.init("Edges", header: ["from", "to"], rows: g.edges.map { edgeText($0, g, inputs) }))
    }
    return SummaryBox(NetValue(net).summary, fields: fields, tables: tables)
}

/// A part's type: the layer's name (an ElementwiseLayer with its function), or a chain's or
/// graph's name with its size.
private func partType(_ net: Net) -> String {
    switch net {
    case .layer(let l):
        if case .elementwise = l.kind { return NetValue(net).summary }
        return l.kind.name
    case .chain(let c): return "NetChain (\(counted(c.nodes.count, "layer")))"
    case .graph(let g): return "NetGraph (\(counted(g.nodes.count, "node")))"
    }
}

/// An edge's ends by name: `Input`, a node, a node's second input port (`cat (input 2)`),
/// `Output`; `inputs` counts the edges into each node.
private func edgeText(_ e: Edge, _ g: Graph, _ inputs: [Int: Int]) -> [String] {
    func name(_ i: Int) -> String { g.names.indices.contains(i) ? g.names[i] : String(i + 1) }
    let from: String
    switch e.source {
    case .input(let k): from = g.inputNames.indices.contains(k) ? g.inputNames[k] : "Input"
    case .node(let i): from = name(i)
    }
    let to: String
    switch e.target {
    case .output: to = "Output"
    case .node(let i, let port):
        to = inputs[i, default: 0] > 1 ? "\(name(i)) (input \(port + 1))" : name(i)
    }
    return [from, to]
}

/// The summary as an HTML table, for notebooks.
func informationHTML(_ net: Net) -> String { netSummaryBox(net).html }

/// A shape as words: "scalar", "vector of size 3", "matrix 3x2", "array 3x28x28".
func shapeText(_ s: Shape?) -> String {
    guard let s else { return "not yet known" }
    let dims = s.map(String.init).joined(separator: "x")
    switch s.count {
    case 0: return "scalar"
    case 1: return "vector of size \(s[0])"
    case 2: return "matrix \(dims)"
    default: return "array \(dims)"
    }
}

func totalArrayElements(_ net: Net) throws -> Int? { try arrayElements(net, unknownAsZero: false) }

/// The number of elements of the net's learned arrays (given, or as their shapes will make
/// them), overflow-checked: nil when a shape is not known yet (or those count 0 with
/// `unknownAsZero`); a count past `Int.max` throws.
func arrayElements(_ net: Net, unknownAsZero: Bool) throws -> Int? {
    var total = 0
    for (_, l) in net.layers {
        for name in l.kind.arrayNames {
            let known = l.arrays[name]?.count ?? l.arrayShapes?[name].map { ResourcePolicy.count($0) ?? -1 }
            guard let n = known else {
                if unknownAsZero { continue }
                return nil
            }
            let (sum, overflow) = total.addingReportingOverflow(n)
            guard n >= 0, !overflow else { throw NetError("prop", "the arrays hold more than \(Int.max) elements") }
            total = sum
        }
    }
    return total
}

/// `Information[net, prop]`: a property from the table, which also answers `"Properties"`.
func netProperty(_ net: Net, _ prop: Expr, _ c: Call) throws -> Expr {
    guard let name = prop.asString else { throw NetError("prop", "\(InputForm.string(prop)) is not a property name") }
    if name == "Properties" { return .strings(netPropertyNames) }
    guard let p = netProperties.first(where: { $0.name == name }) else {
        throw NetError("prop", "\(quoted(name)) is not a known property; the properties are \(netPropertyNames.map(quoted).joined(separator: ", "))")
    }
    return try p.get(net, c)
}

var netPropertyNames: [String] { netProperties.map(\.name) + ["Properties"] }

/// What `Information[net, "name"]` gives, for every net.
var netProperties: [Property<Net>] {
    func key(_ path: [String]) -> Expr { path.count == 1 ? .string(path[0]) : .strings(path) }
    /// One entry per learned array, keyed by its path.
    func perArray(_ net: Net, _ value: (Layer, String) -> Expr) -> Expr {
        var out: OrderedDictionary<Expr, Expr> = [:]
        for (path, l) in net.layers { for a in l.kind.arrayNames { out[.strings(path + [a])] = value(l, a) } }
        return .association(out)
    }
    return [
        Property("Layers") { net, _ in
            .association(OrderedDictionary(uniqueKeysWithValues: net.layers.map { (key($0.path), Expr.net(.layer($0.layer))) }))
        },
        Property("LayersCount") { net, _ in .integer(net.layers.count) },
        Property("SummaryGraphic") { net, _ in NetDrawing.graphic(net) },
        Property("FullSummaryGraphic") { net, _ in NetDrawing.fullGraphic(net) },
        Property("LayerTypeCounts") { net, _ in
            var counts: OrderedDictionary<Expr, Expr> = [:]
            for (_, l) in net.layers { counts[.sym(l.kind.name)] = .integer((counts[.sym(l.kind.name)]?.intValue ?? 0) + 1) }
            return .association(counts)
        },
        Property("ArraysCount") { net, _ in .integer(net.layers.map { $0.layer.kind.arrayNames.count }.reduce(0, +)) },
        Property("ArraysTotalElementCount") { net, _ in
            guard let n = try totalArrayElements(net) else { throw NetError("prop", "the array sizes are not known until the input shape is") }
            return .integer(n)
        },
        Property("Arrays") { net, _ in perArray(net) { l, a in l.arrays[a].map { .array($0) } ?? .sym("Automatic") } },
        Property("ArraysDimensions") { net, _ in
            perArray(net) { l, a in (l.arrays[a]?.shape ?? l.arrayShapes?[a]).map { .ints($0) } ?? .sym("Automatic") }
        },
        Property("ArraysLearningRateMultipliers") { net, _ in perArray(net) { _, _ in .integer(1) } },
        Property("InputPorts") { net, _ in
            .association([.string("Input"): net.encoder.map { .native(CoderValue(encoder: $0)) } ?? shapeExpr(net.inputs.first ?? nil)])
        },
        Property("OutputPorts") { net, _ in
            .association([.string("Output"): net.decoder.map { .native(CoderValue(decoder: $0)) } ?? shapeExpr(net.output)])
        },
    ]
}
