import Tensor

/// Maps a gradient with respect to a part's output to gradients with respect to its inputs.
typealias Backward = (Tensor) throws -> [Tensor?]

/// State shared by one training forward and backward pass: the random generator (dropout),
/// which arrays are frozen, the array gradients collected, and the new batch-norm moving
/// statistics.
final class TrainingPass {
    var generator: SeededGenerator
    let multiplier: ([String]) -> Float
    /// Gradients by array path (layer names, then the array name).
    var gradients: [[String]: Tensor] = [:]
    /// Updated moving statistics by array path.
    var statistics: [[String]: Tensor] = [:]

    init(generator: SeededGenerator, multiplier: @escaping ([String]) -> Float) {
        self.generator = generator
        self.multiplier = multiplier
    }

    func frozen(_ path: [String], _ layer: Layer) -> Bool {
        layer.operation.arrayNames.allSatisfy { multiplier(path + [$0]) == 0 }
    }

    func accumulate(_ path: [String], _ name: String, _ g: Tensor) throws {
        let key = path + [name]
        if multiplier(key) == 0 { return }
        if let old = gradients[key] { gradients[key] = try old + g } else { gradients[key] = g }
    }

    /// An output that can be made again, and its tensor (weakly: an entry lives while its
    /// tensor does; once the tensor is gone no later layer can read it).
    private struct Remake {
        weak var storage: Storage?
        let output: NormalizedOutput
    }

    /// Whether layers keep recipes for outputs that can be made again (`offer`); false: every
    /// layer keeps the tensors it reads (the plain path, which the tests compare against).
    var makesAgain = true
    /// How many layers took a recipe instead of a tensor.
    private(set) var taken = 0

    /// Outputs that can be made again, by their storage.
    private var remakes: [ObjectIdentifier: Remake] = [:]

    /// Says that `tensor` can be made again from what a batch normalization keeps (its output,
    /// or a ReLU of it). A layer that reads `tensor` and needs it in its backward pass then
    /// keeps the recipe instead, and the tensor is freed as soon as the forward pass has moved
    /// past it: a convolution after BatchNorm + ReLU6 keeps nothing of its own.
    func offer(_ output: NormalizedOutput, for tensor: Tensor) {
        guard makesAgain else { return }
        remakes = remakes.filter { $0.value.storage != nil }
        remakes[ObjectIdentifier(tensor.storage)] = Remake(storage: tensor.storage, output: output)
    }

    /// How to make `x` again, if the layer that made it said so (`offer`).
    func remake(of x: Tensor) -> NormalizedOutput? {
        guard let r = remakes[ObjectIdentifier(x.storage)], r.storage === x.storage else { return nil }
        taken += 1
        return r.output
    }

    /// Ends the forward pass: the recipes not taken by then are not needed.
    func endForward() { remakes = [:] }
}

extension Net {
    /// Whether any array in the net is trained (has a nonzero multiplier).
    func hasTrainable(_ path: [String], _ pass: TrainingPass) -> Bool {
        layers.contains { entry in entry.layer.operation.arrayNames.contains { pass.multiplier(path + entry.path + [$0]) != 0 } }
    }

    /// A training forward pass: the output and the function that carries a gradient back.
    /// `needInput` says whether the gradient with respect to the input is wanted (it is not
    /// before the first trained layer).
    func trainForward(_ xs: [Tensor], _ path: [String], _ pass: TrainingPass, needInput: Bool) throws -> (Tensor, Backward) {
        switch self {
        case .layer(let l): return try l.trainForward(xs, path, pass, needInput: needInput)
        case .chain(let c):
            var x = xs[0]
            var steps: [Backward] = []
            var need = needInput
            for (name, node) in zip(c.names, c.nodes) {
                let (y, back) = try node.trainForward([x], path + [name], pass, needInput: need)
                steps.append(back)
                x = y
                need = need || node.hasTrainable(path + [name], pass)
            }
            var done = false
            return (x, { dy in
                guard !done else { throw NetError("eval", "a training pass's backward step runs once") }
                done = true
                var g: Tensor? = dy
                // Each layer's step is dropped once it has run, and with it what the layer kept
                // (the chain's last layers' values are freed before its first layers' gradients,
                // the biggest, are made).
                while let back = steps.popLast() {
                    guard let current = g else { steps = []; break }
                    g = try back(current).first ?? nil
                }
                return [g]
            })
        case .graph(let graph): return try graph.trainForward(xs, path, pass, needInput: needInput)
        }
    }
}

extension Graph {
    func trainForward(_ inputs: [Tensor], _ path: [String], _ pass: TrainingPass, needInput: Bool) throws -> (Tensor, Backward) {
        var values = [Tensor?](repeating: nil, count: nodes.count)
        var backs = [Backward?](repeating: nil, count: nodes.count)
        func value(_ s: Edge.Source) -> Tensor? { Graph.value(s, inputs: inputs, values: values) }
        for n in order {
            let (y, back) = try nodes[n].trainForward(self.inputs(of: n, value), path + [names[n]], pass, needInput: true)
            values[n] = y
            backs[n] = back
        }
        guard let outSource = outputSource, let y = value(outSource) else {
            throw NetError("eval", "the graph has no output")
        }
        let edges = self.edges, order = self.order, inputCount = inputs.count
        let nodeInputs = nodes.map { $0.inputs.count }
        var done = false
        return (y, { dy in
            var grads = [Tensor?](repeating: nil, count: backs.count)
            var inputGrads = [Tensor?](repeating: nil, count: inputCount)
            func add(_ s: Edge.Source, _ g: Tensor) throws {
                switch s {
                case .input(let i): inputGrads[i] = try inputGrads[i].map { try $0 + g } ?? g
                case .node(let k): grads[k] = try grads[k].map { try $0 + g } ?? g
                }
            }
            guard !done else { throw NetError("eval", "a training pass's backward step runs once") }
            done = true
            try add(outSource, dy)
            for n in order.reversed() {
                guard let back = backs[n] else { continue }
                backs[n] = nil  // what the node kept goes as soon as its step has run
                guard let g = grads[n] else { continue }
                grads[n] = nil
                let ins = try back(g)
                for e in edges {
                    if case .node(n, let p) = e.target, p < nodeInputs[n], p < ins.count, let gi = ins[p] { try add(e.source, gi) }
                }
            }
            return inputGrads
        })
    }
}

/// One layer's part in a training pass: where the layer is, the pass it records into, and
/// whether the gradient with respect to its inputs is wanted.
struct TrainingStep {
    let path: [String]
    let pass: TrainingPass
    let needInput: Bool
    /// What the layer's array names are prefixed with in the layer that holds them (a layer
    /// inside NetBidirectionalOperator has its arrays there as `Forward...`, `Backward...`).
    var prefix = ""

    /// Whether every array of the layer is frozen (multiplier 0).
    func isFrozen(_ layer: Layer) -> Bool {
        prefix.isEmpty ? pass.frozen(path, layer) : layer.kind.arrayNames.allSatisfy { pass.multiplier(path + [prefix + $0]) == 0 }
    }

    /// Adds a gradient of the layer's array `name` (nothing for a frozen array).
    func accumulate(_ name: String, _ g: Tensor) throws { try pass.accumulate(path, prefix + name, g) }

    /// Stores a new value of the layer's statistic `name` (batch normalization's moving mean).
    func record(_ name: String, _ value: Tensor) { pass.statistics[path + [prefix + name]] = value }
}
