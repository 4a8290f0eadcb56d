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
        layer.kind.arrayNames.allSatisfy { multiplier(path + [$0]) == 0 }
    }

    func accumulate(_ path: [String], _ name: String, _ g: Tensor) throws {
        let key = path + [name]
        if multiplier(key) == 0 { return }
        if let old = gradients[key] { gradients[key] = try old + g } else { gradients[key] = g }
    }
}

extension Net {
    /// Whether any array in the net is trained (has a nonzero multiplier).
    func hasTrainable(_ path: [String], _ pass: TrainingPass) -> Bool {
        layers.contains { entry in entry.layer.kind.arrayNames.contains { pass.multiplier(path + entry.path + [$0]) != 0 } }
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
            return (x, { dy in
                var g: Tensor? = dy
                for back in steps.reversed() {
                    guard let current = g else { break }
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
        return (y, { dy in
            var grads = [Tensor?](repeating: nil, count: backs.count)
            var inputGrads = [Tensor?](repeating: nil, count: inputCount)
            func add(_ s: Edge.Source, _ g: Tensor) throws {
                switch s {
                case .input(let i): inputGrads[i] = try inputGrads[i].map { try $0 + g } ?? g
                case .node(let k): grads[k] = try grads[k].map { try $0 + g } ?? g
                }
            }
            try add(outSource, dy)
            for n in order.reversed() {
                guard let g = grads[n], let back = backs[n] else { continue }
                let ins = try back(g)
                for e in edges {
                    if case .node(n, let p) = e.target, p < nodeInputs[n], p < ins.count, let gi = ins[p] { try add(e.source, gi) }
                }
            }
            return inputGrads
        })
    }
}

extension Layer {
    func trainForward(_ xs: [Tensor], _ path: [String], _ pass: TrainingPass, needInput: Bool) throws -> (Tensor, Backward) {
        guard let x = xs.first else { throw NetError("eval", "\(kind.name) got no input") }
        let n = x.shape.first ?? 1
        switch kind {
        case .linear(let size, _):
            let w = try array("Weights")
            let flat = try x.reshaped([n, x.count / Swift.max(n, 1)])
            let y = try Linear.forward(flat, weights: w, biases: arrays["Biases"])
            let frozen = pass.frozen(path, self)
            return (try y.reshaped([n] + (size ?? [w.shape[0]])), { dy in
                let g = try dy.reshaped([n, dy.count / Swift.max(n, 1)])
                if !frozen {
                    try pass.accumulate(path, "Weights", Tensor.matmul(g, flat, transposeA: true))
                    if arrays["Biases"] != nil { try pass.accumulate(path, "Biases", g.sum(axis: 0)) }
                }
                return needInput ? [try Tensor.matmul(g, w).reshaped(x.shape)] : [nil]
            })
        case .convolution(_, let spec, let groups, _):
            let w = try array("Weights")
            let win = spec.window(x.shape[2], x.shape[3])
            let y = try Convolution.forward(x, weights: w, biases: arrays["Biases"], window: win, groups: groups)
            let frozen = pass.frozen(path, self)
            return (y, { dy in
                if frozen && !needInput { return [nil] }
                let (dx, dw, db) = try Convolution.backward(x, weights: w, window: win, groups: groups, gradient: dy)
                if !frozen {
                    try pass.accumulate(path, "Weights", dw)
                    if arrays["Biases"] != nil { try pass.accumulate(path, "Biases", db) }
                }
                return [needInput ? dx : nil]
            })
        case .batchNorm(let eps, let momentum):
            let bn = try batchNorm(eps, momentum)
            if pass.frozen(path, self) {
                // Frozen: moving statistics, unchanged; the gradient passes through the affine map.
                let y = try bn.inference(x)
                let scale = zip(bn.scaling.values, bn.movingVariance.values).map { $0 / ($1 + eps).squareRoot() }
                let c = x.shape[1], inner = x.count / Swift.max(n * c, 1)
                return (y, { dy in
                    guard needInput else { return [nil] }
                    var dx = dy
                    dx.withUnsafeMutableBufferPointer { p in
                        for i in 0..<n { for ch in 0..<c { for k in 0..<inner { p[(i * c + ch) * inner + k] *= scale[ch] } } }
                    }
                    return [dx]
                })
            }
            let (y, cache, next) = try bn.training(x)
            pass.statistics[path + ["MovingMean"]] = next.movingMean
            pass.statistics[path + ["MovingVariance"]] = next.movingVariance
            return (y, { dy in
                let (dx, dg, db) = try bn.backward(cache, gradient: dy)
                try pass.accumulate(path, "Scaling", dg)
                try pass.accumulate(path, "Biases", db)
                return [needInput ? dx : nil]
            })
        case .elementwise(let f):
            let y = f.apply(x)
            return (y, { dy in needInput ? [try f.backward(input: x, gradient: dy)] : [nil] })
        case .softmax:
            let y = try x.softmax()
            return (y, { dy in needInput ? [try Tensor.softmaxBackward(output: y, gradient: dy)] : [nil] })
        case .pooling(let spec, let f):
            let win = spec.window(x.shape[2], x.shape[3])
            let y = try Pooling.forward(x, f, window: win)
            return (y, { dy in needInput ? [try Pooling.backward(x, f, window: win, gradient: dy)] : [nil] })
        case .aggregation(let f):
            let planes = try x.reshaped([n, x.shape[1], x.count / Swift.max(n * x.shape[1], 1), 1])
            let y = try Pooling.global(planes, f)
            return (y, { dy in needInput ? [try Pooling.globalBackward(planes, f, gradient: dy).reshaped(x.shape)] : [nil] })
        case .dropout(let p):
            let (y, mask) = try Dropout.training(x, probability: p, generator: &pass.generator)
            return (y, { dy in needInput ? [try Dropout.backward(mask: mask, gradient: dy)] : [nil] })
        case .flatten, .reshape:
            let y = try forward(xs)
            return (y, { dy in [try dy.reshaped(x.shape)] })
        case .total:
            let y = try forward(xs)
            return (y, { dy in Array(repeating: dy, count: xs.count) })
        case .catenate:
            let y = try forward(xs)
            return (y, { dy in try split(dy, xs.map(\.shape)) })
        case .loss:
            throw NetError("eval", "loss layers are attached by NetTrain, not trained through")
        }
    }

    /// The gradient of a catenation split back into its inputs' shapes (along axis 1).
    private func split(_ dy: Tensor, _ shapes: [[Int]]) throws -> [Tensor?] {
        let n = dy.shape[0], per = dy.count / Swift.max(n, 1)
        let v = dy.values
        var offset = 0
        return try shapes.map { s in
            let size = s.dropFirst().reduce(1, *)
            var out: [Float] = []
            out.reserveCapacity(n * size)
            for i in 0..<n { out.append(contentsOf: v[(i * per + offset)..<(i * per + offset + size)]) }
            offset += size
            return try Tensor(shape: s, values: out)
        }
    }
}
