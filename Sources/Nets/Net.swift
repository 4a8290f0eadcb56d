import Tensor

/// A net: a single layer, a chain of nets, or a graph of nets. Nets are values; every operation
/// returns a new one.
public indirect enum Net: Sendable {
    case layer(Layer)
    case chain(Chain)
    case graph(Graph)

    /// Per-example shapes of the input ports.
    public var inputs: [Shape?] {
        switch self {
        case .layer(let l): return l.inputs
        case .chain(let c): return [c.nodes.first?.inputs.first ?? nil]
        case .graph(let g): return g.inputShapes
        }
    }

    public var output: Shape? {
        switch self {
        case .layer(let l): return l.output
        case .chain(let c): return c.nodes.last?.output
        case .graph(let g): return g.outputShape
        }
    }

    /// Refines shapes with outside knowledge; returns whether anything changed.
    public mutating func constrain(inputs given: [Shape?], output: Shape?) throws -> Bool {
        switch self {
        case .layer(var l):
            let changed = try l.constrain(inputs: given, output: output)
            self = .layer(l)
            return changed
        case .chain(var c):
            // A chain or graph is at its fixpoint for the shapes it has: only new knowledge
            // reruns it (otherwise nested nets would be re-inferred once per call at every level).
            if Net.isKnown(given.first ?? nil, inputs.first ?? nil) && Net.isKnown(output, self.output) { return false }
            let changed = try c.constrain(input: given.first ?? nil, output: output)
            self = .chain(c)
            return changed
        case .graph(var g):
            if zip(given, g.inputShapes).allSatisfy({ Net.isKnown($0, $1) }) && Net.isKnown(output, g.outputShape) { return false }
            let changed = try g.constrain(inputs: given, output: output)
            self = .graph(g)
            return changed
        }
    }

    /// Whether `given` adds nothing to `current`: nothing given, or the same shape.
    static func isKnown(_ given: Shape?, _ current: Shape?) -> Bool { given == nil || given == current }

    /// The input encoder and output decoder, for any kind of net.
    public var encoder: Encoder? {
        get {
            switch self {
            case .layer: return nil
            case .chain(let c): return c.encoder
            case .graph(let g): return g.encoder
            }
        }
        set {
            switch self {
            case .layer: break
            case .chain(var c): c.encoder = newValue; self = .chain(c)
            case .graph(var g): g.encoder = newValue; self = .graph(g)
            }
        }
    }

    public var decoder: Decoder? {
        get {
            switch self {
            case .layer: return nil
            case .chain(let c): return c.decoder
            case .graph(let g): return g.decoder
            }
        }
        set {
            switch self {
            case .layer: break
            case .chain(var c): c.decoder = newValue; self = .chain(c)
            case .graph(var g): g.decoder = newValue; self = .graph(g)
            }
        }
    }

    /// Named parts: the nodes of a chain or graph (a layer has none).
    public var parts: [(name: String, net: Net)] {
        switch self {
        case .layer: return []
        case .chain(let c): return Array(zip(c.names, c.nodes))
        case .graph(let g): return Array(zip(g.names, g.nodes))
        }
    }

    /// Every layer with its path of names from the top.
    public var layers: [(path: [String], layer: Layer)] {
        switch self {
        case .layer(let l): return [([], l)]
        case .chain, .graph:
            return parts.flatMap { part in part.net.layers.map { ([part.name] + $0.path, $0.layer) } }
        }
    }

    /// Whether every learned array of every layer is present.
    public var isInitialized: Bool { layers.allSatisfy { $0.layer.isInitialized } }

    /// The layer or subnet at a path of names.
    public func part(_ path: [String]) -> Net? {
        guard let first = path.first else { return self }
        return parts.first { $0.name == first }?.net.part(Array(path.dropFirst()))
    }

    /// Replaces the part at a path; nil when there is no such part.
    public func replacing(_ path: [String], with new: Net) throws -> Net? {
        guard let first = path.first else { return new }
        switch self {
        case .layer: return nil
        case .chain(var c):
            guard let i = c.names.firstIndex(of: first), let sub = try c.nodes[i].replacing(Array(path.dropFirst()), with: new) else { return nil }
            c.nodes[i] = sub
            return .chain(try Chain(names: c.names, nodes: c.nodes, encoder: c.encoder, decoder: c.decoder))
        case .graph(var g):
            guard let i = g.names.firstIndex(of: first), let sub = try g.nodes[i].replacing(Array(path.dropFirst()), with: new) else { return nil }
            g.nodes[i] = sub
            return .graph(try Graph(names: g.names, nodes: g.nodes, edges: g.edges, inputNames: g.inputNames, encoder: g.encoder, decoder: g.decoder))
        }
    }

    /// The net with every layer transformed (e.g. arrays initialized).
    public func mapLayers(_ path: [String] = [], _ f: ([String], Layer) throws -> Layer) throws -> Net {
        switch self {
        case .layer(let l): return .layer(try f(path, l))
        case .chain(var c):
            c.nodes = try zip(c.names, c.nodes).map { try $0.1.mapLayers(path + [$0.0], f) }
            return .chain(c)
        case .graph(var g):
            g.nodes = try zip(g.names, g.nodes).map { try $0.1.mapLayers(path + [$0.0], f) }
            return .graph(g)
        }
    }
}

/// Layers applied one after another. Names are kept through taking and dropping.
public struct Chain: Sendable {
    public internal(set) var names: [String]
    public internal(set) var nodes: [Net]
    public var encoder: Encoder?
    public var decoder: Decoder?

    /// A chain of nodes; shapes are inferred through it, in both directions, including those the
    /// encoder and decoder fix, and `input`/`output` shapes given as options.
    public init(names: [String], nodes: [Net], encoder: Encoder? = nil, decoder: Decoder? = nil,
                input: Shape? = nil, output: Shape? = nil) throws {
        guard !nodes.isEmpty else { throw NetError("empty", "a chain needs at least one layer") }
        guard names.count == nodes.count, Set(names).count == names.count else { throw NetError("dupnames", "layer names must be distinct") }
        for (name, node) in zip(names, nodes) where node.inputs.count != 1 {
            throw NetError("invspec", "layer \(quoted(name)) takes \(node.inputs.count) inputs and cannot be part of a chain")
        }
        self.names = names
        self.nodes = nodes
        self.encoder = encoder
        self.decoder = decoder
        _ = try constrain(input: input ?? encoder?.shape, output: output ?? decoder?.shape)
    }

    /// Propagates shapes between neighbours until nothing changes.
    mutating func constrain(input: Shape?, output: Shape?) throws -> Bool {
        var changedAny = false
        for _ in 0..<(2 * nodes.count + 4) {
            // One call when the first layer is also the last: each call into a nested net reruns it.
            var changed = try constrainNode(0, inputs: [input], output: nodes.count == 1 ? output : nil)
            if nodes.count > 1 { changed = try constrainNode(nodes.count - 1, inputs: [nil], output: output) || changed }
            for i in 0..<(nodes.count - 1) {
                let a = nodes[i].output, b = nodes[i + 1].inputs.first ?? nil
                guard let merged = unify(a, b) else {
                    throw NetError.incompatible("layer \(quoted(names[i])) produces \(describe(a)), but layer \(quoted(names[i + 1])) expects \(describe(b))")
                }
                changed = try constrainNode(i, inputs: [nil], output: merged) || changed
                changed = try constrainNode(i + 1, inputs: [merged], output: nil) || changed
            }
            // Backwards too, so that what the last layers know reaches the first in one pass
            // (a long chain whose shapes come from its end would otherwise take a pass per layer).
            for i in (0..<(nodes.count - 1)).reversed() {
                guard let merged = unify(nodes[i].output, nodes[i + 1].inputs.first ?? nil) else { continue }
                changed = try constrainNode(i + 1, inputs: [merged], output: nil) || changed
                changed = try constrainNode(i, inputs: [nil], output: merged) || changed
            }
            changedAny = changedAny || changed
            if !changed { break }
        }
        return changedAny
    }

    private mutating func constrainNode(_ i: Int, inputs: [Shape?], output: Shape?) throws -> Bool {
        do {
            return try nodes[i].constrain(inputs: inputs, output: output)
        } catch let e as NetError {
            throw e.inLayer(names[i])
        }
    }
}
