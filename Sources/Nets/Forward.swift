import Tensor

/// Inference: batched forward passes (the leading dimension of every tensor is the batch).
/// Dropout is off and batch normalization uses its moving statistics.
extension Net {
    public func forward(_ xs: [Tensor]) throws -> Tensor {
        switch self {
        case .layer(let l): return try l.forward(xs)
        case .chain(let c): return try c.forward(xs.first ?? Tensor(scalar: 0))
        case .graph(let g): return try g.forward(xs)
        }
    }
}

extension Chain {
    func forward(_ input: Tensor) throws -> Tensor {
        var x = input
        var i = 0
        while i < nodes.count {
            do {
                if let (y, used) = try fused(i, x) {
                    x = y
                    i += used
                    continue
                }
                x = try nodes[i].forward([x])
            } catch let e as TensorError {
                throw NetError("eval", "in layer \(quoted(names[i])): \(e.description)")
            } catch let e as NetError {
                throw e.inLayer(names[i])
            }
            i += 1
        }
        return x
    }

    /// A convolution followed by batch normalization (and an activation) runs as one
    /// convolution with folded weights. Returns the output and the number of layers it covers.
    private func fused(_ i: Int, _ x: Tensor) throws -> (Tensor, Int)? {
        guard i + 1 < nodes.count, case .layer(let conv) = nodes[i], case .convolution(_, let spec, let groups, _) = conv.kind,
              case .layer(let bnLayer) = nodes[i + 1], case .batchNorm(let eps, let momentum) = bnLayer.kind,
              let w = conv.arrays["Weights"], x.rank == 4 else { return nil }
        let bn = try bnLayer.batchNorm(eps, momentum)
        let (fw, fb) = try Fusion.foldBatchNorm(weights: w, biases: conv.arrays["Biases"], into: bn)
        var activation: Activation?
        if i + 2 < nodes.count, case .layer(let a) = nodes[i + 2], case .elementwise(.activation(let f)) = a.kind { activation = f }
        let y = try Fusion.convolution(x, weights: fw, biases: fb, window: spec.window(x.shape[2], x.shape[3]), groups: groups, activation: activation)
        return (y, activation == nil ? 2 : 3)
    }
}

extension Graph {
    func forward(_ inputs: [Tensor]) throws -> Tensor {
        guard inputs.count == inputNames.count else { throw NetError("eval", "the graph takes \(inputNames.count) inputs, not \(inputs.count)") }
        var values = [Tensor?](repeating: nil, count: nodes.count)
        func value(_ s: Edge.Source) -> Tensor? { Graph.value(s, inputs: inputs, values: values) }
        for n in order {
            do {
                values[n] = try nodes[n].forward(self.inputs(of: n, value))
            } catch let e as TensorError {
                throw NetError("eval", "in node \(quoted(names[n])): \(e.description)")
            } catch let e as NetError {
                throw e.inLayer(names[n])
            }
        }
        guard let out = outputSource, let y = value(out) else {
            throw NetError("eval", "the graph has no output")
        }
        return y
    }
}

extension Layer {
    func array(_ name: String) throws -> Tensor {
        guard let a = arrays[name] else {
            throw NetError("uninit", "the array \(quoted(name)) of \(kind.name) is not initialized; use NetInitialize or NetTrain")
        }
        return a
    }

    func batchNorm(_ epsilon: Float, _ momentum: Float) throws -> BatchNorm {
        try BatchNorm(scaling: array("Scaling"), biases: array("Biases"), movingMean: array("MovingMean"),
                      movingVariance: array("MovingVariance"), epsilon: epsilon, momentum: momentum)
    }

    /// The layer applied to a batch.
    public func forward(_ xs: [Tensor]) throws -> Tensor {
        guard let x = xs.first else { throw NetError("eval", "\(kind.name) got no input") }
        let n = x.shape.first ?? 1
        switch kind {
        case .linear(let size, _):
            let w = try array("Weights")
            let flat = try x.reshaped([n, x.count / Swift.max(n, 1)])
            let y = try Linear.forward(flat, weights: w, biases: arrays["Biases"])
            return try y.reshaped([n] + (size ?? [w.shape[0]]))
        case .softmax:
            return try x.softmax()
        case .elementwise(let f):
            return f.apply(x)
        case .convolution(_, let spec, let groups, _):
            guard x.rank == 4 else { throw NetError("eval", "ConvolutionLayer needs {channels, height, width} inputs") }
            return try Convolution.forward(x, weights: array("Weights"), biases: arrays["Biases"],
                                           window: spec.window(x.shape[2], x.shape[3]), groups: groups)
        case .pooling(let spec, let f):
            guard x.rank == 4 else { throw NetError("eval", "PoolingLayer needs {channels, height, width} inputs") }
            return try Pooling.forward(x, f, window: spec.window(x.shape[2], x.shape[3]))
        case .aggregation(let f):
            guard x.rank >= 3 else { throw NetError("eval", "AggregationLayer needs spatial inputs") }
            let planes = try x.reshaped([n, x.shape[1], x.count / Swift.max(n * x.shape[1], 1), 1])
            return try Pooling.global(planes, f)
        case .batchNorm(let eps, let momentum):
            return try batchNorm(eps, momentum).inference(x)
        case .dropout:
            return x
        case .flatten:
            return try x.reshaped([n, x.count / Swift.max(n, 1)])
        case .reshape(let dims):
            return try x.reshaped([n] + dims)
        case .catenate:
            return try catenate(xs)
        case .total:
            var sum = x
            for y in xs.dropFirst() { sum = try sum + y }
            return sum
        case .loss(let l):
            guard xs.count == 2 else { throw NetError("eval", "\(kind.name) needs an input and a target") }
            return try Tensor(scalar: Float(loss(l, xs[0], xs[1]).loss))
        }
    }

    /// Inputs joined along their first per-example dimension.
    private func catenate(_ xs: [Tensor]) throws -> Tensor {
        let n = xs[0].shape.first ?? 1
        var perItem: [[Float]] = Array(repeating: [], count: n)
        for x in xs {
            guard x.shape.first == n else { throw NetError("eval", "CatenateLayer inputs have different batch sizes") }
            let size = x.count / Swift.max(n, 1)
            let v = x.values
            for i in 0..<n { perItem[i].append(contentsOf: v[(i * size)..<((i + 1) * size)]) }
        }
        let rest = xs.map { Array($0.shape.dropFirst()) }
        let lead = rest.map { $0.first ?? 1 }.reduce(0, +)
        return try Tensor(shape: [n, lead] + (rest[0].dropFirst()), values: perItem.flatMap { $0 })
    }

    /// The loss of a batch and its gradient with respect to the input.
    func loss(_ l: LossKind, _ x: Tensor, _ target: Tensor) throws -> (loss: Double, gradient: Tensor) {
        switch l {
        case .crossEntropyIndex:
            let classes = x.shape.last ?? 1
            let t = try target.values.map { v -> Int in
                let k = Int(v.rounded()) - 1
                guard k >= 0, k < classes else { throw NetError("eval", "class index \(Int(v)) is not between 1 and \(classes)") }
                return k
            }
            return try Loss.crossEntropy(probabilities: x.reshaped([t.count, classes]), targets: t)
        case .crossEntropyProbabilities: return try Loss.crossEntropy(probabilities: x, targetProbabilities: target)
        case .crossEntropyBinary: return try Loss.binaryCrossEntropy(probabilities: x, targets: target)
        case .meanSquared: return try Loss.meanSquared(x, target)
        case .meanAbsolute: return try Loss.meanAbsolute(x, target)
        }
    }
}
