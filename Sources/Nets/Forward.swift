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

    /// Layer `i` run together with the layers after it when its operator fuses them (a
    /// convolution with the batch normalization folded in): the output and the number of
    /// layers covered.
    private func fused(_ i: Int, _ x: Tensor) throws -> (Tensor, Int)? {
        guard case .layer(let l) = nodes[i] else { return nil }
        return try l.operation.forwardFused(x, l, followedBy: nodes[(i + 1)...])
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
