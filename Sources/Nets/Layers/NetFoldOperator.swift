import Tensor

/// The spec of `NetFoldOperator[net]`: the structure of the step net (without its arrays), a
/// graph with an input port "State" and one other input port, whose output is the next state.
public struct FoldSpec: Sendable, Equatable, Codable {
    var step: NetFile.Record

    /// The spec of folding `step`; a net without exactly two input ports, one of them
    /// "State", throws.
    public init(step: Net) throws {
        guard case .graph(let g) = step, g.inputNames.count == 2, g.inputNames.contains("State") else {
            throw NetError("invspec", "NetFoldOperator folds a net with two input ports, \"State\" and one for the sequence's elements")
        }
        self.step = NetFile.record(step)
    }

    /// The step net's input ports in order.
    var inputNames: [String] {
        if case .graph(_, _, _, let names, _, _) = step { return names }
        return []
    }

    /// Which input port carries the state, and which the elements.
    var statePort: Int { inputNames.firstIndex(of: "State") ?? 1 }
    var elementPort: Int { 1 - statePort }

    /// The step net's arrays by path (`"linear/Weights"`), in the order its layers list them.
    var arrayNames: [String] { Self.arrayNames(step, []) }

    private static func arrayNames(_ r: NetFile.Record, _ path: [String]) -> [String] {
        switch r {
        case .layer(let kind, _, _): return kind.arrayNames.map { (path + [$0]).joined(separator: "/") }
        case .chain(let names, let nodes, _, _), .graph(let names, let nodes, _, _, _, _):
            return zip(names, nodes).flatMap { arrayNames($1, path + [$0]) }
        }
    }
}

/// `NetFoldOperator[net]`: `net` folded over a sequence, its output fed back as its "State"
/// input: from `s_0 = 0`, `s_t = net[<|"Input" -> x_t, "State" -> s_{t-1}|>]`.
///
/// - Input: a sequence {T, ...} of what the step net's other port takes. Output: the states
///   {T, ...} (the step net's output, which its "State" port must also take).
/// - Arrays: the step net's, named by their path in it (`"linear/Weights"`), one set for
///   every step.
/// - Back-propagation through time: each step's training pass runs the step net, and the
///   gradients of its arrays, collected over the steps, are the operator's.
struct NetFoldOperator: LayerOperator, Codable {
    var spec: FoldSpec

    static let specKey = "fold"
    private enum CodingKeys: String, CodingKey { case spec = "_0" }

    var kind: LayerKind { .fold(spec) }
    var name: String { "NetFoldOperator" }
    var arrayNames: [String] { spec.arrayNames }
    var isStochastic: Bool { (try? stepNet([:]))?.layers.contains { $0.layer.kind.isStochastic } ?? false }

    /// The step net with the given arrays (by path).
    private func stepNet(_ arrays: [String: Tensor]) throws -> Net {
        try NetFile.build(spec.step) { arrays[$0] }
    }

    mutating func fixSizes(arrays: [String: Tensor]) throws {
        _ = try FoldSpec(step: try stepNet(arrays))
    }

    /// The elements' shape fixes the step net's other input; the state is what the step net
    /// gives and takes back, so its shapes are refined until they agree.
    mutating func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        if let x = shapes.input, x.isEmpty { throw NetError.incompatible("NetFoldOperator takes a sequence, not a scalar") }
        if let x = shapes.input, let y = shapes.output, y.first != x.first {
            throw NetError.incompatible("NetFoldOperator gives a sequence as long as its input, not \(describe(y)) for \(describe(x))")
        }
        var net = try stepNet(arrays)
        let element = shapes.input.map { Array($0.dropFirst()) }
        var state = shapes.output.flatMap { $0.isEmpty ? nil : Array($0.dropFirst()) }
        for _ in 0..<4 {
            var given = [Shape?](repeating: nil, count: 2)
            given[spec.elementPort] = element
            given[spec.statePort] = state
            _ = try net.constrain(inputs: given, output: state)
            guard let agreed = unify(net.inputs[spec.statePort], net.output) else {
                throw NetError.incompatible("the folded net's \"State\" port takes \(describe(net.inputs[spec.statePort])), but its output is \(describe(net.output))")
            }
            if agreed == state { break }
            state = agreed
        }
        spec.step = NetFile.record(net)
        if let steps = shapes.input?.first ?? shapes.output?.first {
            try shapes.setInput(net.inputs[spec.elementPort].map { [steps] + $0 })
            try shapes.setOutput(state.map { [steps] + $0 })
        }
    }

    func arrayShapes(inputs: [Shape?]) -> [String: Shape]? {
        guard let net = try? stepNet([:]) else { return nil }
        var out: [String: Shape] = [:]
        for (path, l) in net.layers {
            guard let shapes = l.arrayShapes else { return nil }
            for (name, s) in shapes { out[(path + [name]).joined(separator: "/")] = s }
        }
        return out
    }

    func initialValues(of array: String, shape: Shape, generator: inout SeededGenerator) -> [Float] {
        let path = array.split(separator: "/").map(String.init)
        guard let net = try? stepNet([:]), let name = path.last, case .layer(let l)? = net.part(Array(path.dropLast())) else {
            return Array(repeating: 0, count: shape.reduce(1, *))
        }
        return l.operation.initialValues(of: name, shape: shape, generator: &generator)
    }

    /// The step net with the layer's arrays, and the state's shape per example.
    private func parts(_ layer: Layer) throws -> (net: Net, state: Shape) {
        guard let y = layer.output, y.count >= 1 else { throw NetError("eval", "NetFoldOperator's state shape is not known") }
        return (try stepNet(layer.arrays), Array(y.dropFirst()))
    }

    /// The elements of a batch of sequences {n, T, ...} by step: T tensors {n, ...}.
    private func elements(_ x: Tensor) throws -> [Tensor] {
        let n = x.shape[0], steps = x.shape[1], width = x.count / Swift.max(n * steps, 1), v = x.values
        return try (0..<steps).map { t in
            var out = [Float](repeating: 0, count: n * width)
            for e in 0..<n { for j in 0..<width { out[e * width + j] = v[(e * steps + t) * width + j] } }
            return try Tensor(shape: [n] + x.shape.dropFirst(2), values: out)
        }
    }

    /// The step net's inputs for an element and a state, in its port order.
    private func stepInputs(_ x: Tensor, _ state: Tensor) -> [Tensor] {
        spec.statePort == 0 ? [state, x] : [x, state]
    }

    /// The states {n, ...} of every step as the sequences {n, T, ...}.
    private func sequences(_ states: [Tensor], _ n: Int, _ state: Shape) throws -> Tensor {
        let width = state.reduce(1, *), steps = states.count
        var out = [Float](repeating: 0, count: n * steps * width)
        for (t, s) in states.enumerated() {
            let v = s.values
            guard v.count == n * width else { throw NetError("eval", "the folded net gave \(describe(s.shape)), not a state \(describe(state))") }
            for e in 0..<n { for j in 0..<width { out[(e * steps + t) * width + j] = v[e * width + j] } }
        }
        return try Tensor(shape: [n, steps] + state, values: out)
    }

    private func checked(_ x: Tensor, _ state: Shape) throws -> (n: Int, steps: Int) {
        guard x.rank >= 2 else { throw NetError("eval", "NetFoldOperator takes a sequence") }
        _ = try Sizes.count([x.shape[0], x.shape[1], 2] + state, "the states of NetFoldOperator")
        return (x.shape[0], x.shape[1])
    }

    /// Under a `SequenceMask`, the states on padding are 0 (each state depends only on the
    /// elements before it, so the real ones are those of the sequence alone); the step net
    /// itself sees single elements and no mask.
    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        let x = try input(xs), (net, shape) = try parts(layer), (n, steps) = try checked(x, shape)
        var state = try Tensor(shape: [n] + shape, repeating: 0)
        var states: [Tensor] = []
        let xs = try elements(x)
        try SequenceMask.$lengths.withValue(nil) {
            for t in 0..<steps {
                state = try net.forward(stepInputs(xs[t], state))
                states.append(state)
            }
        }
        return try SequenceMask.zeroingPadding(sequences(states, n, shape))
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs), (net, shape) = try parts(layer), (n, steps) = try checked(x, shape)
        // The step net's arrays are this layer's under their joined paths.
        let pass = TrainingPass(generator: step.pass.generator) { key in
            step.pass.multiplier(step.path + [step.prefix + key.joined(separator: "/")])
        }
        var state = try Tensor(shape: [n] + shape, repeating: 0)
        var states: [Tensor] = [], backs: [Backward] = []
        let xs = try elements(x)
        try SequenceMask.$lengths.withValue(nil) {
            for t in 0..<steps {
                let (s, back) = try net.trainForward(stepInputs(xs[t], state), [], pass, needInput: true)
                state = s
                states.append(s)
                backs.append(back)
            }
        }
        step.pass.generator = pass.generator
        let lengths = SequenceMask.lengths, (statePort, elementPort) = (spec.statePort, spec.elementPort)
        let y = try SequenceMask.zeroingPadding(sequences(states, n, shape))
        return (y, { [self] dy in
            let masked = try elements(SequenceMask.$lengths.withValue(lengths) { try SequenceMask.zeroingPadding(dy) })
            var dState: Tensor?
            var dxs: [Tensor?] = Array(repeating: nil, count: steps)
            for t in (0..<steps).reversed() {
                let own = masked[t]
                let g = try dState.map { try own + $0 } ?? own
                let grads = try backs[t](g)
                dState = statePort < grads.count ? grads[statePort] : nil
                dxs[t] = elementPort < grads.count ? grads[elementPort] : nil
            }
            for (key, g) in pass.gradients { try step.accumulate(key.joined(separator: "/"), g) }
            for (key, s) in pass.statistics { step.record(key.joined(separator: "/"), s) }
            pass.gradients = [:]
            pass.statistics = [:]
            guard step.needInput else { return [nil] }
            let zero = try Tensor(shape: [n] + x.shape.dropFirst(2), repeating: 0)
            return [try sequences(dxs.map { $0 ?? zero }, n, Array(x.shape.dropFirst(2)))]
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? {
        let (_, state) = try parts(layer)
        return ReferenceStep(layer: layer) { xs in
            guard xs[0].count >= 2 else { throw NetError("eval", "NetFoldOperator takes a sequence") }
            return [xs[0][0], xs[0][1]] + state
        }
    }
}
