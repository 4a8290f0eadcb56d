import Tensor

/// `NetMapOperator[layer]`: the layer applied to each element of a sequence, with one set of
/// arrays for all of them.
///
/// - Input: {T, ...} where the layer takes {...}. Output: {T, ...} of the layer's outputs.
/// - Arrays: the layer's, under the layer's names.
/// - The elements of a batch of sequences run as one batch of the layer: {n, T, ...} is
///   {n T, ...} to it, so the work is the layer's own kernels on a bigger batch.
struct NetMapOperator: LayerOperator, Codable {
    /// The mapped layer, refined as its shapes become known.
    var inner: any LayerOperator

    static let specKey = "map"
    private enum CodingKeys: String, CodingKey { case inner = "_0" }

    init(inner: LayerKind) { self.inner = inner.operation }

    init(from decoder: any Swift.Decoder) throws {
        inner = try decoder.container(keyedBy: CodingKeys.self).decode(LayerKind.self, forKey: .inner).operation
    }

    func encode(to encoder: any Swift.Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(inner.kind, forKey: .inner)
    }

    var kind: LayerKind { .map(inner.kind) }
    var name: String { "NetMapOperator" }
    var arrayNames: [String] { inner.arrayNames }
    var isStochastic: Bool { inner.isStochastic }

    mutating func fixSizes(arrays: [String: Tensor]) throws {
        guard inner.inputCount == 1 else { throw NetError("invspec", "NetMapOperator maps layers of one input, not \(inner.name)") }
        if case .loss = inner.kind { throw NetError("invspec", "NetMapOperator cannot map a loss layer") }
        try inner.fixSizes(arrays: arrays)
    }

    mutating func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        if let x = shapes.input, x.isEmpty { throw NetError.incompatible("NetMapOperator takes a sequence, not a scalar") }
        if let x = shapes.input, let y = shapes.output, y.first != x.first {
            throw NetError.incompatible("NetMapOperator gives a sequence as long as its input, not \(describe(y)) for \(describe(x))")
        }
        let steps = shapes.input?.first ?? shapes.output?.first
        var element = LayerShapes(inputs: [shapes.input.map { Array($0.dropFirst()) }],
                                  output: shapes.output.flatMap { $0.isEmpty ? nil : Array($0.dropFirst()) })
        try inner.inferShapes(&element, arrays: arrays)
        try Layer.checkSizes(element)
        if let steps {
            try shapes.setInput(element.input.map { [steps] + $0 })
            try shapes.setOutput(element.output.map { [steps] + $0 })
        }
    }

    func arrayShapes(inputs: [Shape?]) -> [String: Shape]? {
        inner.arrayShapes(inputs: [(inputs.first ?? nil).map { Array($0.dropFirst()) }])
    }

    func initialValues(of array: String, shape: Shape, generator: inout SeededGenerator) -> [Float] {
        inner.initialValues(of: array, shape: shape, generator: &generator)
    }

    /// The mapped layer with this layer's arrays and the element shapes.
    private func element(_ layer: Layer) throws -> Layer {
        try Layer(inner.kind, arrays: layer.arrays, input: (layer.inputs.first ?? nil).map { Array($0.dropFirst()) })
    }

    /// A batch {n, T, ...} as the batch {n T, ...} of its elements.
    private func elements(_ x: Tensor) throws -> Tensor {
        guard x.rank >= 2 else { throw NetError("eval", "NetMapOperator takes a sequence") }
        return try x.reshaped([x.shape[0] * x.shape[1]] + x.shape.dropFirst(2))
    }

    /// The layer's outputs {n T, ...} as the sequences {n, T, ...}.
    private func sequences(_ y: Tensor, like x: Tensor) throws -> Tensor {
        try y.reshaped([x.shape[0], x.shape[1]] + y.shape.dropFirst())
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        let x = try input(xs)
        return try sequences(try element(layer).forward([try elements(x)]), like: x)
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs)
        let (y, back) = try inner.trainForward([try elements(x)], try element(layer), step)
        return (try sequences(y, like: x), { dy in
            let gs = try back(try dy.reshaped([dy.shape[0] * dy.shape[1]] + dy.shape.dropFirst(2)))
            return [try gs.first?.flatMap { $0 }.map { try $0.reshaped(x.shape) }]
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? {
        let l = try element(layer)
        guard let step = try inner.planned(l) else { return nil }
        return PlannedMap(element: step)
    }
}

/// The mapped layer's plan step run on the elements of the sequences as one batch.
private struct PlannedMap: PlannedOperation {
    let element: any PlannedOperation

    func outputShape(_ xs: [[Int]]) throws -> [Int] {
        guard xs[0].count >= 2 else { throw NetError("eval", "NetMapOperator takes a sequence") }
        let y = try element.outputShape([[xs[0][0] * xs[0][1]] + xs[0].dropFirst(2)])
        return [xs[0][0], xs[0][1]] + y.dropFirst()
    }

    var isView: Bool { element.isView }

    func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                 _ scratch: Scratch) throws {
        let x = [shapes[0][0] * shapes[0][1]] + shapes[0].dropFirst(2)
        try element.execute(xs, [x], y, [yShape[0] * yShape[1]] + yShape.dropFirst(2), scratch)
    }
}
