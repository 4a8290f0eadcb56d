import Tensor

/// `BatchNormalizationLayer[]`: each channel normalized, then scaled and shifted.
///
/// - Input: {c, ...} (at least a vector). Output: the input's shape.
/// - Arrays: `Scaling`, `Biases`, `MovingMean`, `MovingVariance`, each {c}. Scaling and biases
///   are learned by gradient; the moving statistics are updated by training passes.
/// - Training uses the batch's statistics (frozen layers: the moving ones); inference the
///   moving ones, which makes the layer a per-channel affine map. In an inference plan that
///   map is folded into a convolution before it (`EpilogueRole.scaleShift`).
struct BatchNormalizationLayer: LayerOperator, Codable {
    var epsilon: Float
    var momentum: Float

    static let specKey = "batchNorm"

    var kind: LayerKind { .batchNorm(epsilon: epsilon, momentum: momentum) }
    var name: String { "BatchNormalizationLayer" }
    var arrayNames: [String] { ["Scaling", "Biases", "MovingMean", "MovingVariance"] }

    func fixSizes(arrays: [String: Tensor]) throws {
        // As the language checks them; a net file's spec is checked here.
        guard epsilon.isFinite, epsilon > 0, momentum >= 0, momentum <= 1 else {
            throw NetError("invspec", "\"Epsilon\" must be positive and \"Momentum\" between 0 and 1")
        }
        let sizes = Set(arrays.values.map(\.shape))
        guard sizes.count <= 1, sizes.first.map({ $0.count == 1 }) ?? true else {
            throw NetError("invarr", "batch normalization arrays must be vectors of one length")
        }
    }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        if let x = shapes.input {
            guard let c = x.first else { throw NetError.incompatible("batch normalization needs at least a vector, not a scalar") }
            if let m = arrays.values.first, m.count != c {
                throw NetError.incompatible("the arrays are for \(m.count) channels, but the input has \(c)")
            }
        }
        try shapes.keepShape()
    }

    func arrayShapes(inputs: [Shape?]) -> [String: Shape]? {
        guard let x = inputs.first ?? nil, let c = x.first else { return nil }
        return Dictionary(uniqueKeysWithValues: arrayNames.map { ($0, [c]) })
    }

    /// Scaling and moving variance 1, biases and moving mean 0: the identity at first.
    func initialValues(of array: String, shape: Shape, generator: inout SeededGenerator) -> [Float] {
        let one = array == "Scaling" || array == "MovingVariance"
        return Array(repeating: one ? 1 : 0, count: shape.reduce(1, *))
    }

    /// The layer's arrays as the runtime's batch normalization.
    func statistics(_ layer: Layer) throws -> BatchNorm {
        try BatchNorm(scaling: layer.array("Scaling"), biases: layer.array("Biases"), movingMean: layer.array("MovingMean"),
                      movingVariance: layer.array("MovingVariance"), epsilon: epsilon, momentum: momentum)
    }

    /// The per-channel scale the moving statistics give: scaling / sqrt(variance + epsilon).
    private func scale(_ bn: BatchNorm) -> [Float] {
        zip(bn.scaling.values, bn.movingVariance.values).map { $0 / ($1 + epsilon).squareRoot() }
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        try statistics(layer).inference(input(xs))
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs), bn = try statistics(layer)
        if step.isFrozen(layer) {
            // Frozen: moving statistics, unchanged; the gradient passes through the affine map.
            let y = try bn.inference(x)
            let scale = scale(bn)
            let n = x.batchCount, c = x.shape[1], inner = x.count / Swift.max(n * c, 1)
            return (y, { dy in
                guard step.needInput else { return [nil] }
                var dx = dy
                dx.withUnsafeMutableBufferPointer { p in
                    for i in 0..<n { for ch in 0..<c { for k in 0..<inner { p[(i * c + ch) * inner + k] *= scale[ch] } } }
                }
                return [dx]
            })
        }
        let (y, cache, next) = try bn.training(x)
        step.record("MovingMean", next.movingMean)
        step.record("MovingVariance", next.movingVariance)
        // The output is the normalized values (kept for the backward pass anyway) scaled and
        // shifted: a layer that needs it again makes it again instead of keeping it.
        step.pass.offer(bn.output(cache), for: y)
        return (y, { dy in
            let (dx, dg, db) = try bn.backward(cache, gradient: dy)
            try step.accumulate("Scaling", dg)
            try step.accumulate("Biases", db)
            return [step.needInput ? dx : nil]
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? {
        let bn = try statistics(layer)
        let scale = scale(bn), beta = bn.biases.values, mean = bn.movingMean.values
        return Planned(scale: scale, shift: scale.indices.map { beta[$0] - mean[$0] * scale[$0] })
    }

    /// `x * scale + shift` per channel.
    private struct Planned: PlannedOperation {
        let scale: [Float]
        let shift: [Float]

        func outputShape(_ xs: [[Int]]) throws -> [Int] { xs[0] }

        var epilogueRole: EpilogueRole? { .scaleShift(scale: scale, shift: shift) }

        func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                     _ scratch: Scratch) throws {
            let n = shapes[0][0], c = shapes[0][1], inner = shapes[0].reduce(1, *) / Swift.max(n * c, 1)
            for i in 0..<n {
                for ch in 0..<c {
                    let src = xs[0] + (i * c + ch) * inner, dst = y + (i * c + ch) * inner
                    let a = scale[ch], t = shift[ch]
                    for k in 0..<inner { dst[k] = src[k] * a + t }
                }
            }
        }
    }
}
