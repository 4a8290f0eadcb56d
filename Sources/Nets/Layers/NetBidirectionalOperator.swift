import Tensor

/// `NetBidirectionalOperator[{forward, backward}]` (or `[net]`, the same layer twice with arrays
/// of its own): the forward layer runs over the sequence, the backward layer over the reversed
/// sequence, whose outputs are reversed back; each element's two outputs are joined
/// ("Catenate").
///
/// - Input: {T, k}. Output: {T, a + b} for layers giving {T, a} and {T, b}.
/// - Arrays: the forward layer's with the prefix `Forward` (`ForwardInputWeights`...) and the
///   backward layer's with the prefix `Backward`.
struct NetBidirectionalOperator: LayerOperator, Codable {
    var forwardLayer: any LayerOperator
    var backwardLayer: any LayerOperator

    static let specKey = "bidirectional"
    private enum CodingKeys: String, CodingKey { case forwardLayer = "_0", backwardLayer = "_1" }
    static let prefixes = ["Forward", "Backward"]

    init(forward: LayerKind, backward: LayerKind) {
        forwardLayer = forward.operation
        backwardLayer = backward.operation
    }

    init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        forwardLayer = try c.decode(LayerKind.self, forKey: .forwardLayer).operation
        backwardLayer = try c.decode(LayerKind.self, forKey: .backwardLayer).operation
    }

    func encode(to encoder: any Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(forwardLayer.kind, forKey: .forwardLayer)
        try c.encode(backwardLayer.kind, forKey: .backwardLayer)
    }

    var kind: LayerKind { .bidirectional(forward: forwardLayer.kind, backward: backwardLayer.kind) }
    var name: String { "NetBidirectionalOperator" }
    private var parts: [any LayerOperator] { [forwardLayer, backwardLayer] }
    var arrayNames: [String] { zip(Self.prefixes, parts).flatMap { p, l in l.arrayNames.map { p + $0 } } }
    var isStochastic: Bool { parts.contains { $0.isStochastic } }

    /// The arrays of part `i`, under the part's own names.
    private func arrays(_ i: Int, _ all: [String: Tensor]) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (name, a) in all where name.hasPrefix(Self.prefixes[i]) { out[String(name.dropFirst(Self.prefixes[i].count))] = a }
        return out
    }

    mutating func fixSizes(arrays all: [String: Tensor]) throws {
        for l in parts where l.inputCount != 1 { throw NetError("invspec", "NetBidirectionalOperator takes layers of one input, not \(l.name)") }
        try forwardLayer.fixSizes(arrays: arrays(0, all))
        try backwardLayer.fixSizes(arrays: arrays(1, all))
    }

    mutating func inferShapes(_ shapes: inout LayerShapes, arrays all: [String: Tensor]) throws {
        var outs: [Shape?] = []
        for i in 0..<2 {
            var s = LayerShapes(inputs: [shapes.input], output: nil)
            if i == 0 { try forwardLayer.inferShapes(&s, arrays: arrays(0, all)) } else { try backwardLayer.inferShapes(&s, arrays: arrays(1, all)) }
            try Layer.checkSizes(s)
            if let y = s.output, y.count != 2 || y.first != shapes.input?.first {
                throw NetError.incompatible("NetBidirectionalOperator needs layers that give a sequence of vectors as long as their input, not \(describe(y))")
            }
            outs.append(s.output)
        }
        if let a = outs[0], let b = outs[1] { try shapes.setOutput([a[0], try Sizes.add(a[1], b[1])]) }
    }

    func arrayShapes(inputs: [Shape?]) -> [String: Shape]? {
        var out: [String: Shape] = [:]
        for (p, l) in zip(Self.prefixes, parts) {
            guard let shapes = l.arrayShapes(inputs: inputs) else { return nil }
            for (name, s) in shapes { out[p + name] = s }
        }
        return out
    }

    func initialValues(of array: String, shape: Shape, generator: inout SeededGenerator) -> [Float] {
        let i = array.hasPrefix(Self.prefixes[0]) ? 0 : 1
        return parts[i].initialValues(of: String(array.dropFirst(Self.prefixes[i].count)), shape: shape, generator: &generator)
    }

    /// The two layers with their arrays and this layer's input shape.
    private func layers(_ layer: Layer) throws -> [Layer] {
        try (0..<2).map { try Layer(parts[$0].kind, arrays: arrays($0, layer.arrays), input: layer.inputs.first ?? nil) }
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        let x = try input(xs), ls = try layers(layer), lengths = SequenceMask.lengths(batch: x.batchCount, steps: x.rank > 1 ? x.shape[1] : 0)
        let a = try ls[0].forward([x]), b = try reversed(ls[1].forward([reversed(x, lengths)]), lengths)
        return try joined(a, b)
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs), ls = try layers(layer)
        let steps = (0..<2).map { TrainingStep(path: step.path, pass: step.pass, needInput: step.needInput, prefix: step.prefix + Self.prefixes[$0]) }
        let (a, backA) = try parts[0].trainForward([x], ls[0], steps[0])
        let lengths = SequenceMask.lengths(batch: x.batchCount, steps: x.rank > 1 ? x.shape[1] : 0)
        let (b, backB) = try parts[1].trainForward([try reversed(x, lengths)], ls[1], steps[1])
        let width = a.shape[2]
        return (try joined(a, try reversed(b, lengths)), { [self] dy in
            let (da, db) = try split(dy, width)
            let ga = try backA(da).first ?? nil, gb = try backB(try reversed(db, lengths)).first ?? nil
            guard step.needInput, let ga, let gb else { return [nil] }
            return [try ga + reversed(gb, lengths)]
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? {
        guard let width = layer.output?.last else { throw NetError("eval", "NetBidirectionalOperator's output size is not known") }
        return ReferenceStep(layer: layer) { xs in
            guard xs[0].count == 3 else { throw NetError("eval", "NetBidirectionalOperator takes a sequence of vectors") }
            return [xs[0][0], xs[0][1], width]
        }
    }

    /// Each sequence of a batch {n, T, ...} in reverse order; with lengths, the first
    /// `lengths[e]` elements of example e reversed and its padding left in place.
    private func reversed(_ x: Tensor, _ lengths: [Int]? = nil) throws -> Tensor {
        guard x.rank >= 2 else { throw NetError("eval", "NetBidirectionalOperator takes sequences") }
        let n = x.shape[0], steps = x.shape[1], width = x.count / Swift.max(n * steps, 1), v = x.values
        var out = [Float](repeating: 0, count: v.count)
        for e in 0..<n {
            let count = lengths?[e] ?? steps
            for t in 0..<steps {
                let from = (e * steps + t) * width, to = (e * steps + (t < count ? count - 1 - t : t)) * width
                for j in 0..<width { out[to + j] = v[from + j] }
            }
        }
        return try Tensor(shape: x.shape, values: out)
    }

    /// {n, T, a} and {n, T, b} joined element by element into {n, T, a + b}.
    private func joined(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.rank == 3, b.rank == 3, a.shape.prefix(2) == b.shape.prefix(2) else {
            throw NetError("eval", "NetBidirectionalOperator's layers gave \(describe(a.shape)) and \(describe(b.shape))")
        }
        let rows = a.shape[0] * a.shape[1], p = a.shape[2], q = b.shape[2], av = a.values, bv = b.values
        var out = [Float](repeating: 0, count: rows * (p + q))
        for r in 0..<rows {
            for j in 0..<p { out[r * (p + q) + j] = av[r * p + j] }
            for j in 0..<q { out[r * (p + q) + p + j] = bv[r * q + j] }
        }
        return try Tensor(shape: [a.shape[0], a.shape[1], p + q], values: out)
    }

    /// The inverse of `joined`: the first `width` entries of each element and the rest.
    private func split(_ y: Tensor, _ width: Int) throws -> (Tensor, Tensor) {
        let rows = y.shape[0] * y.shape[1], total = y.shape[2], v = y.values
        var a = [Float](repeating: 0, count: rows * width), b = [Float](repeating: 0, count: rows * (total - width))
        for r in 0..<rows {
            for j in 0..<width { a[r * width + j] = v[r * total + j] }
            for j in width..<total { b[r * (total - width) + j - width] = v[r * total + j] }
        }
        return (try Tensor(shape: [y.shape[0], y.shape[1], width], values: a), try Tensor(shape: [y.shape[0], y.shape[1], total - width], values: b))
    }
}
