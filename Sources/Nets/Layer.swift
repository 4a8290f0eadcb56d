import Tensor

/// One layer: what it computes, its learned arrays (absent until initialized), and the shapes
/// of its inputs and output as far as they are known.
public struct Layer: Sendable {
    public var kind: LayerKind
    /// Learned arrays by name (`"Weights"`, `"Biases"`, ...); a missing one is uninitialized.
    public var arrays: [String: Tensor]
    /// Per-example shape of each input port (one for most layers).
    public var inputs: [Shape?]
    public var output: Shape?

    /// A layer with the given arrays and optional input shape; the shapes the arrays imply are
    /// inferred, and arrays that do not fit the layer throw.
    public init(_ kind: LayerKind, arrays: [String: Tensor] = [:], input: Shape? = nil, inputCount: Int = 1) throws {
        self.kind = kind
        self.arrays = [:]
        self.inputs = Array(repeating: nil, count: kind.isVariadic ? inputCount : (isLoss(kind) ? 2 : 1))
        self.output = nil
        for (name, array) in arrays {
            guard kind.arrayNames.contains(name) else {
                throw NetError("invarr", "\(kind.name) has no array \(quoted(name)); its arrays are \(kind.arrayNames.map(quoted).joined(separator: ", "))")
            }
            self.arrays[name] = array
        }
        try fromArrays()
        if let input { _ = try constrain(inputs: [input], output: nil) }
        _ = try constrain(inputs: inputs, output: output)
    }

    /// Sizes the arrays fix: a LinearLayer's output and input size, a convolution's channels.
    mutating func fromArrays() throws {
        switch kind {
        case .linear(let out, let biases):
            if let w = arrays["Weights"] {
                guard w.rank == 2 else { throw NetError("invarr", "LinearLayer weights must be a matrix, not \(describe(w.shape))") }
                let size = out ?? [w.shape[0]]
                guard size.reduce(1, *) == w.shape[0] else {
                    throw NetError("invarr", "weights with \(w.shape[0]) rows cannot give \(describe(size))")
                }
                kind = .linear(output: size, biases: biases)
            }
            if let b = arrays["Biases"] {
                guard b.rank == 1 else { throw NetError("invarr", "LinearLayer biases must be a vector, not \(describe(b.shape))") }
                if case .linear(let out, _) = kind {
                    if let out, out.reduce(1, *) != b.count {
                        throw NetError("invarr", "\(b.count) biases do not fit \(describe(out))")
                    }
                    if out == nil { kind = .linear(output: [b.count], biases: biases) }
                }
            }
        case .convolution(let channels, let window, let groups, let biases):
            try window.valid()
            guard groups > 0 else { throw NetError("invspec", "\"ChannelGroups\" must be a positive integer") }
            var out = channels
            if let w = arrays["Weights"] {
                guard w.rank == 4, w.shape[2] == window.kernel[0], w.shape[3] == window.kernel[1] else {
                    throw NetError("invarr", "convolution weights must have dimensions {out, in/groups, \(window.kernel[0]), \(window.kernel[1])}, not {\(w.shape.map(String.init).joined(separator: ", "))}")
                }
                if let o = out, o != w.shape[0] { throw NetError("invarr", "weights for \(w.shape[0]) output channels given to a layer of \(o)") }
                out = w.shape[0]
            }
            if let b = arrays["Biases"] {
                if let o = out, b.shape != [o] { throw NetError("invarr", "\(b.count) biases do not fit \(o) output channels") }
                out = b.count
            }
            if let o = out, o % groups != 0 { throw NetError("invspec", "\(o) output channels cannot be split into \(groups) groups") }
            kind = .convolution(channels: out, window: window, groups: groups, biases: biases)
        case .pooling(let window, _):
            try window.valid()
        case .batchNorm:
            let sizes = Set(arrays.values.map(\.shape))
            guard sizes.count <= 1, sizes.first.map({ $0.count == 1 }) ?? true else {
                throw NetError("invarr", "batch normalization arrays must be vectors of one length")
            }
        case .dropout(let p):
            guard p >= 0, p < 1 else { throw NetError("invspec", "the dropout probability must be in [0, 1), not \(p)") }
        case .reshape(let dims):
            guard dims.allSatisfy({ $0 > 0 }) else { throw NetError("invspec", "reshape dimensions must be positive") }
        default:
            break
        }
    }

    /// Refines the layer's shapes with what is known from outside; returns whether anything
    /// changed. Shapes that cannot be reconciled throw.
    public mutating func constrain(inputs given: [Shape?], output givenOutput: Shape?) throws -> Bool {
        let before = (inputs, output, kind)
        for (i, s) in given.enumerated() where i < inputs.count {
            guard let merged = unify(inputs[i], s) else {
                throw NetError.incompatible("the input is \(describe(inputs[i])), but \(describe(s)) was given")
            }
            inputs[i] = merged
        }
        guard let merged = unify(output, givenOutput) else {
            throw NetError.incompatible("the output is \(describe(output)), but \(describe(givenOutput)) is required")
        }
        output = merged
        try applyRule()
        return before.0 != inputs || before.1 != output || before.2 != kind
    }

    /// The layer's own shape rule, in both directions where it can run backwards.
    mutating func applyRule() throws {
        let x = inputs.first ?? nil
        func setOutput(_ s: Shape?) throws {
            guard let s else { return }
            guard let m = unify(output, s) else {
                throw NetError.incompatible("the layer produces \(describe(s)), but \(describe(output)) is required")
            }
            output = m
        }
        func setInput(_ s: Shape?, _ i: Int = 0) throws {
            guard let s, i < inputs.count else { return }
            guard let m = unify(inputs[i], s) else {
                throw NetError.incompatible("the layer needs \(describe(s)), but gets \(describe(inputs[i]))")
            }
            inputs[i] = m
        }
        switch kind {
        case .linear(let size, let biases):
            if size == nil, let out = output { kind = .linear(output: out, biases: biases) }
            if case .linear(let size?, _) = kind {
                try setOutput(size)
                if let w = arrays["Weights"] {
                    if let x {
                        guard x.reduce(1, *) == w.shape[1] else {
                            throw NetError.incompatible("the weights take a vector of size \(w.shape[1]), but the input is \(describe(x))")
                        }
                    } else {
                        try setInput([w.shape[1]])
                    }
                }
            }
        case .softmax, .elementwise, .dropout:
            try setOutput(x)
            try setInput(output)
        case .batchNorm:
            if let x {
                guard let c = x.first else { throw NetError.incompatible("batch normalization needs at least a vector, not a scalar") }
                if let m = arrays.values.first, m.count != c {
                    throw NetError.incompatible("the arrays are for \(m.count) channels, but the input has \(c)")
                }
            }
            try setOutput(x)
            try setInput(output)
        case .convolution(let channels, let window, let groups, _):
            guard let x else { return }
            guard x.count == 3 else { throw NetError.incompatible("ConvolutionLayer needs an input of dimensions {channels, height, width}, not \(describe(x))") }
            guard x[0] % groups == 0 else { throw NetError.incompatible("\(x[0]) input channels cannot be split into \(groups) groups") }
            if let w = arrays["Weights"], w.shape[1] * groups != x[0] {
                throw NetError.incompatible("the weights take \(w.shape[1] * groups) input channels, but the input has \(x[0])")
            }
            guard let o = channels else { return }
            let (ho, wo) = try spatial(window, x)
            try setOutput([o, ho, wo])
        case .pooling(let window, _):
            guard let x else { return }
            guard x.count == 3 else { throw NetError.incompatible("PoolingLayer needs an input of dimensions {channels, height, width}, not \(describe(x))") }
            let (ho, wo) = try spatial(window, x)
            try setOutput([x[0], ho, wo])
        case .aggregation:
            guard let x else { return }
            guard x.count >= 2 else { throw NetError.incompatible("AggregationLayer needs channels and at least one spatial dimension, not \(describe(x))") }
            try setOutput([x[0]])
        case .flatten:
            if let x { try setOutput([x.reduce(1, *)]) }
        case .reshape(let dims):
            try setOutput(dims)
            if let x, x.reduce(1, *) != dims.reduce(1, *) {
                throw NetError.incompatible("\(describe(x)) cannot be reshaped to \(describe(dims))")
            }
        case .catenate:
            let known = inputs.compactMap { $0 }
            guard known.count == inputs.count, let first = known.first else { return }
            for s in known where s.count != first.count || Array(s.dropFirst()) != Array(first.dropFirst()) {
                throw NetError.incompatible("CatenateLayer inputs \(describe(first)) and \(describe(s)) differ beyond the first dimension")
            }
            try setOutput([known.map { $0.first ?? 1 }.reduce(0, +)] + first.dropFirst())
        case .total:
            var common = output
            for s in inputs {
                guard let m = unify(common, s) else { throw NetError.incompatible("TotalLayer inputs \(describe(common)) and \(describe(s)) differ") }
                common = m
            }
            try setOutput(common)
            for i in inputs.indices { try setInput(common, i) }
        case .loss(let l):
            try setOutput([])
            if l != .crossEntropyIndex { try setInput(x, 1); try setInput(inputs[1], 0) }
            else if let x { try setInput(Array(x.dropLast()), 1) }
        }
    }

    private func spatial(_ window: WindowSpec, _ x: Shape) throws -> (Int, Int) {
        do {
            return try window.window(x[1], x[2]).output(x[1], x[2])
        } catch let e as TensorError {
            throw NetError.incompatible(e.description)
        }
    }

    /// The shapes the learned arrays must have, once the layer's shapes are known.
    public var arrayShapes: [String: Shape]? {
        switch kind {
        case .linear(let size?, let biases):
            guard let x = inputs.first ?? nil else { return nil }
            let o = size.reduce(1, *)
            var out = ["Weights": [o, x.reduce(1, *)]]
            if biases { out["Biases"] = [o] }
            return out
        case .convolution(let o?, let window, let groups, let biases):
            guard let x = inputs.first ?? nil else { return nil }
            var out = ["Weights": [o, x[0] / groups] + window.kernel]
            if biases { out["Biases"] = [o] }
            return out
        case .batchNorm:
            guard let x = inputs.first ?? nil, let c = x.first else { return nil }
            return Dictionary(uniqueKeysWithValues: kind.arrayNames.map { ($0, [c]) })
        default:
            return kind.arrayNames.isEmpty ? [:] : nil
        }
    }

    /// Whether every learned array is present.
    public var isInitialized: Bool { kind.arrayNames.allSatisfy { arrays[$0] != nil } }
}

private func isLoss(_ kind: LayerKind) -> Bool {
    if case .loss = kind { return true }
    return false
}
