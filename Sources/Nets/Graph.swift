/// A connection in a graph: from a graph input or a node's output, to a node's input port or
/// the graph's output.
public struct Edge: Sendable, Equatable, Codable {
    public enum Source: Sendable, Equatable, Codable { case input(Int), node(Int) }
    public enum Target: Sendable, Equatable, Codable { case output, node(Int, port: Int) }

    public var source: Source
    public var target: Target

    public init(_ source: Source, _ target: Target) {
        self.source = source
        self.target = target
    }
}

extension Net {
    /// Whether the net is one layer that takes any number of inputs (Catenate, Total).
    var isVariadicLayer: Bool {
        if case .layer(let l) = self { return l.kind.isVariadic }
        return false
    }
}

/// Nets connected by edges (`NetGraph`): residual blocks, branches that are joined again.
public struct Graph: Sendable {
    public internal(set) var names: [String]
    public internal(set) var nodes: [Net]
    public internal(set) var edges: [Edge] {
        didSet { incoming = Graph.incoming(edges, count: nodes.count) }
    }
    /// For each node, the edges into its ports (computed from `edges`), so that looking up a
    /// node's inputs does not scan every edge: a graph of many nodes runs in linear time.
    private var incoming: [[Edge]] = []
    public internal(set) var inputNames: [String]
    public internal(set) var inputShapes: [Shape?]
    public internal(set) var outputShape: Shape?
    /// Node indices in an order where every node comes after its sources.
    public internal(set) var order: [Int]
    public var encoder: Encoder?
    public var decoder: Decoder?

    /// A graph; unconnected node inputs are fed from the (single) graph input and a node whose
    /// output nobody reads becomes the graph's output. Cycles, doubly fed ports and dangling
    /// references throw.
    public init(names: [String], nodes: [Net], edges: [Edge], inputNames: [String] = ["Input"],
                encoder: Encoder? = nil, decoder: Decoder? = nil, inputs: [Shape?]? = nil, output: Shape? = nil) throws {
        guard !nodes.isEmpty else { throw NetError("empty", "a graph needs at least one node") }
        guard !inputNames.isEmpty, Set(inputNames).count == inputNames.count else {
            throw NetError("dupnames", "a graph needs at least one input, and its input names must be distinct")
        }
        if let inputs, inputs.count != inputNames.count { throw NetError("invspec", "a graph with \(inputNames.count) inputs was given \(inputs.count) input shapes") }
        guard names.count == nodes.count, Set(names).count == names.count else { throw NetError("dupnames", "node names must be distinct") }
        var nodes = nodes
        var edges = edges
        for e in edges {
            if case .node(let i) = e.source, !nodes.indices.contains(i) { throw NetError("invedge", "an edge starts at a node that does not exist") }
            if case .input(let i) = e.source, !inputNames.indices.contains(i) { throw NetError("invedge", "an edge starts at an input port that does not exist") }
            if case .node(let i, let p) = e.target {
                guard nodes.indices.contains(i) else { throw NetError("invedge", "an edge ends at a node that does not exist") }
                // A variadic layer has a port per edge at most; others have their fixed ports.
                let ports = nodes[i].isVariadicLayer ? edges.count : nodes[i].inputs.count
                guard p >= 0, p < ports else {
                    throw NetError("invedge", "an edge ends at input \(p) of node \(quoted(names[i])), which has no such input")
                }
            }
        }
        // Variadic layers take as many inputs as edges lead to them.
        for i in nodes.indices {
            if case .layer(var l) = nodes[i], l.kind.isVariadic {
                let ports = edges.compactMap { e -> Int? in
                    if case .node(i, let p) = e.target { return p }
                    return nil
                }
                l.inputs = Array(repeating: nil, count: Swift.max(ports.count, (ports.max() ?? -1) + 1, 1))
                nodes[i] = .layer(l)
            }
        }
        // How many edges feed each port (counted once, not searched per port: files can hold many nodes).
        var fed: [Int: [Int: Int]] = [:]
        for e in edges { if case .node(let i, let p) = e.target { fed[i, default: [:]][p, default: 0] += 1 } }
        // Feed unconnected inputs from the graph input.
        for i in nodes.indices {
            for p in nodes[i].inputs.indices where fed[i]?[p] == nil {
                guard inputNames.count == 1 else {
                    throw NetError("invedge", "input \(p + 1) of node \(quoted(names[i])) is not connected")
                }
                edges.append(Edge(.input(0), .node(i, port: p)))
            }
        }
        for e in edges {
            if case .node(let i, let p) = e.target, p >= nodes[i].inputs.count {
                throw NetError("invedge", "an edge ends at input \(p + 1) of node \(quoted(names[i])), which has no such input")
            }
        }
        _ = try Graph.sorted(count: nodes.count, edges: edges, names: names)
        if !edges.contains(where: { $0.target == .output }) {
            var read = Set<Int>()
            for e in edges { if case .node(let n) = e.source { read.insert(n) } }
            let unread = nodes.indices.filter { !read.contains($0) }
            guard let last = unread.last else { throw NetError("invedge", "the graph has no output") }
            edges.append(Edge(.node(last), .output))
        }
        for i in nodes.indices {
            for p in nodes[i].inputs.indices where (fed[i]?[p] ?? 0) > 1 {
                throw NetError("invedge", "input \(p + 1) of node \(quoted(names[i])) is connected more than once")
            }
        }
        guard edges.filter({ $0.target == .output }).count == 1 else { throw NetError("invedge", "the graph output is connected more than once") }
        self.names = names
        self.nodes = nodes
        self.edges = edges
        self.incoming = Graph.incoming(edges, count: nodes.count)
        self.inputNames = inputNames
        self.inputShapes = inputs ?? Array(repeating: nil, count: inputNames.count)
        self.outputShape = nil
        self.order = try Graph.sorted(count: nodes.count, edges: edges, names: names)
        self.encoder = encoder
        self.decoder = decoder
        if let e = encoder?.shape { inputShapes[0] = e }
        _ = try constrain(inputs: inputShapes, output: output ?? decoder?.shape)
    }

    /// A topological order (Kahn's algorithm); a cycle throws.
    static func sorted(count: Int, edges: [Edge], names: [String]) throws -> [Int] {
        var pending = [Int](repeating: 0, count: count)
        var readers = [[Int]](repeating: [], count: count)
        for e in edges {
            if case .node(let t, _) = e.target {
                if case .node(let s) = e.source { pending[t] += 1; readers[s].append(t) }
            }
        }
        var ready = (0..<count).filter { pending[$0] == 0 }
        var order: [Int] = []
        var next = 0
        while next < ready.count {
            let n = ready[next]
            next += 1
            order.append(n)
            for r in readers[n] {
                pending[r] -= 1
                if pending[r] == 0 { ready.append(r) }
            }
        }
        guard order.count == count else {
            let cyclic = (0..<count).filter { pending[$0] > 0 }.map { quoted(names[$0]) }
            throw NetError("cycle", "the graph has a cycle through \(cyclic.joined(separator: ", "))")
        }
        return order
    }

    /// What feeds node `n`'s input ports, in port order, looked up through `value`.
    func inputs<T>(of n: Int, _ value: (Edge.Source) -> T?) -> [T] {
        var xs = [T?](repeating: nil, count: nodes[n].inputs.count)
        let into = n < incoming.count ? incoming[n] : edges
        for e in into { if case .node(n, let p) = e.target, p < xs.count { xs[p] = value(e.source) } }
        return xs.compactMap { $0 }
    }

    static func incoming(_ edges: [Edge], count: Int) -> [[Edge]] {
        var table = [[Edge]](repeating: [], count: count)
        for e in edges { if case .node(let n, _) = e.target, n >= 0, n < count { table[n].append(e) } }
        return table
    }

    /// A source's value: one of the graph's inputs or a node's computed output.
    static func value<T>(_ s: Edge.Source, inputs: [T], values: [T?]) -> T? {
        switch s {
        case .input(let i): return i < inputs.count ? inputs[i] : nil
        case .node(let n): return values[n]
        }
    }

    /// The source of the graph's output.
    var outputSource: Edge.Source? { edges.first { $0.target == .output }?.source }

    func shape(of source: Edge.Source) -> Shape? {
        switch source {
        case .input(let i): return inputShapes[i]
        case .node(let n): return nodes[n].output
        }
    }

    func describe(_ source: Edge.Source) -> String {
        switch source {
        case .input(let i): return "input port \(quoted(inputNames[i]))"
        case .node(let n): return "node \(quoted(names[n]))"
        }
    }

    /// Propagates shapes along edges until nothing changes.
    mutating func constrain(inputs given: [Shape?], output: Shape?) throws -> Bool {
        var changedAny = false
        for (i, s) in given.enumerated() where i < inputShapes.count {
            guard let m = unify(inputShapes[i], s) else {
                throw NetError.incompatible("input port \(quoted(inputNames[i])) is \(Nets.describe(inputShapes[i])), not \(Nets.describe(s))")
            }
            if m != inputShapes[i] { inputShapes[i] = m; changedAny = true }
        }
        guard let m = unify(outputShape, output) else {
            throw NetError.incompatible("the output is \(Nets.describe(outputShape)), not \(Nets.describe(output))")
        }
        if m != outputShape { outputShape = m; changedAny = true }
        // Each node's incoming edges, so that a pass visits the nodes in order and reruns a node
        // once with all it learns (a node with many inputs would otherwise be rerun per edge).
        var incoming = [[(source: Edge.Source, port: Int)]](repeating: [], count: nodes.count)
        var outputSources: [Edge.Source] = []
        for e in edges {
            switch e.target {
            case .node(let t, let p): incoming[t].append((e.source, p))
            case .output: outputSources.append(e.source)
            }
        }
        let visit = order.count == nodes.count ? order : Array(nodes.indices)
        for _ in 0..<(2 * nodes.count + 4) {
            var changed = false
            // Forwards, then backwards: what the output side knows reaches the inputs in one pass.
            for t in visit + visit.reversed() {
                var given = [Shape?](repeating: nil, count: nodes[t].inputs.count)
                var learned = false
                for (source, p) in incoming[t] where p < given.count {
                    let merged = try merge(source, into: nodes[t].inputs[p], "node \(quoted(names[t]))", &changed)
                    if nodes[t].inputs[p] != merged { given[p] = merged; learned = true }
                }
                if learned { changed = try constrainNode(t, given, output: nil) || changed }
            }
            for source in outputSources {
                let merged = try merge(source, into: outputShape, "the graph output", &changed)
                if outputShape != merged { outputShape = merged; changed = true }
            }
            changedAny = changedAny || changed
            if !changed { break }
        }
        return changedAny
    }

    /// The shape an edge carries: what its source produces unified with what its target (`b`)
    /// expects; the source learns it.
    private mutating func merge(_ source: Edge.Source, into b: Shape?, _ target: String, _ changed: inout Bool) throws -> Shape? {
        let a = shape(of: source)
        guard let merged = unify(a, b) else {
            throw NetError.incompatible("\(describe(source)) produces \(Nets.describe(a)), but \(target) expects \(Nets.describe(b))")
        }
        switch source {
        case .input(let i): if inputShapes[i] != merged { inputShapes[i] = merged; changed = true }
        case .node(let n): if nodes[n].output != merged { changed = try constrainNode(n, [Shape?](repeating: nil, count: nodes[n].inputs.count), output: merged) || changed }
        }
        return merged
    }

    private mutating func constrainNode(_ n: Int, _ given: [Shape?], output: Shape?) throws -> Bool {
        do {
            return try nodes[n].constrain(inputs: given, output: output)
        } catch let e as NetError {
            throw e.inLayer(names[n])
        }
    }
}
