import Foundation
import Tensor

/// What `NormalizationLayer[levels, scaling]` normalizes over and where it scales.
public struct NormalizationSpec: Sendable, Equatable, Codable {
    /// The first aggregated level (1-based, of the per-example array); every level from it to
    /// the last is aggregated. Wolfram's default `2 ;; All` is 2.
    public var from: Int
    /// Whether the learned scaling and biases run over the aggregated levels ("Same", a layer
    /// normalization) rather than over the others ("Complement", the default).
    public var same: Bool
    public var epsilon: Float

    public init(from: Int = 2, same: Bool = false, epsilon: Float = 0.001) {
        (self.from, self.same, self.epsilon) = (from, same, epsilon)
    }
}

/// `NormalizationLayer[a ;; All, scaling]`: each block of the levels a... of an example is
/// standardized, (x - mean) / Sqrt[variance + epsilon] with the biased variance, then scaled and
/// shifted by learned arrays.
///
/// - Input: an array of rank >= a. Output: the same shape.
/// - Arrays `Scaling` and `Biases`: the dimensions before level a ("Complement"), or from
///   level a on ("Same"); they start at 1 and 0.
/// - `NormalizationLayer[2, "Same"]` on a sequence {T, d} is the layer normalization of each
///   element (PyTorch's `LayerNorm(d)`).
struct NormalizationLayer: LayerOperator, Codable {
    var spec: NormalizationSpec

    static let specKey = "normalization"
    private enum CodingKeys: String, CodingKey { case spec = "_0" }

    var kind: LayerKind { .normalization(spec) }
    var name: String { "NormalizationLayer" }
    var arrayNames: [String] { ["Scaling", "Biases"] }

    func fixSizes(arrays: [String: Tensor]) throws {
        guard spec.from >= 1 else { throw NetError("invspec", "NormalizationLayer aggregates levels from 1 on, not from \(spec.from)") }
        guard spec.epsilon > 0, spec.epsilon.isFinite else { throw NetError("invspec", "\"Epsilon\" must be positive") }
        if let s = arrays["Scaling"], let b = arrays["Biases"], s.shape != b.shape {
            throw NetError("invarr", "\"Scaling\" and \"Biases\" must have one shape, not \(describe(s.shape)) and \(describe(b.shape))")
        }
    }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        try shapes.keepShape()
        guard let x = shapes.input else { return }
        guard x.count >= spec.from else {
            throw NetError.incompatible("NormalizationLayer aggregates levels \(spec.from) and on, but the input is \(describe(x))")
        }
        if let want = scaleShape(x), let s = arrays["Scaling"] ?? arrays["Biases"], s.shape != want {
            throw NetError("invarr", "\"Scaling\" and \"Biases\" must be \(describe(want)) for \(describe(x)), not \(describe(s.shape))")
        }
    }

    /// The arrays' shape for an input shape; a scalar block has the shape {1}.
    private func scaleShape(_ x: Shape) -> Shape? {
        guard x.count >= spec.from else { return nil }
        let dims = spec.same ? Array(x[(spec.from - 1)...]) : Array(x[..<(spec.from - 1)])
        return dims.isEmpty ? [1] : dims
    }

    func arrayShapes(inputs: [Shape?]) -> [String: Shape]? {
        guard let x = inputs.first ?? nil, let s = scaleShape(x) else { return nil }
        return ["Scaling": s, "Biases": s]
    }

    func initialValues(of array: String, shape: Shape, generator: inout SeededGenerator) -> [Float] {
        Array(repeating: array == "Scaling" ? 1 : 0, count: shape.reduce(1, *))
    }

    /// For a batch: the number of blocks, their size, and the index of a value's scaling.
    private func layout(_ shape: [Int]) throws -> (blocks: Int, size: Int, outer: Int) {
        guard shape.count >= spec.from + 1 else { throw NetError("eval", "NormalizationLayer got \(describe(Array(shape.dropFirst())))") }
        let size = shape[spec.from...].reduce(1, *), outer = shape[1..<spec.from].reduce(1, *)
        return (shape.count == 0 ? 0 : shape.reduce(1, *) / Swift.max(size, 1), size, outer)
    }

    /// The normalized values x̂, the output, and each block's 1 / Sqrt[variance + epsilon].
    private func normalize(_ x: Tensor, _ layer: Layer) throws -> (xhat: [Float], y: Tensor, inverse: [Float]) {
        let (blocks, size, outer) = try layout(x.shape)
        let gamma = try layer.array("Scaling").values, beta = try layer.array("Biases").values
        guard gamma.count == (spec.same ? size : outer), beta.count == gamma.count else {
            throw NetError("eval", "NormalizationLayer's arrays do not fit \(describe(Array(x.shape.dropFirst())))")
        }
        let v = x.values
        var xhat = [Float](repeating: 0, count: v.count), out = xhat, inverse = [Float](repeating: 0, count: blocks)
        for b in 0..<blocks {
            let base = b * size
            var mean: Double = 0, square: Double = 0
            for i in 0..<size { mean += Double(v[base + i]) }
            mean /= Double(size)
            for i in 0..<size { let d = Double(v[base + i]) - mean; square += d * d }
            let r = Float(1 / (square / Double(size) + Double(spec.epsilon)).squareRoot())
            inverse[b] = r
            for i in 0..<size {
                let h = (v[base + i] - Float(mean)) * r, j = spec.same ? i : b % outer
                xhat[base + i] = h
                out[base + i] = h * gamma[j] + beta[j]
            }
        }
        return (xhat, try Tensor(shape: x.shape, values: out), inverse)
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor { try normalize(input(xs), layer).y }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs)
        let (xhat, y, inverse) = try normalize(x, layer)
        let (blocks, size, outer) = try layout(x.shape)
        let gammaTensor = try layer.array("Scaling"), gamma = gammaTensor.values
        let frozen = step.isFrozen(layer), same = spec.same
        return (y, { dy in
            let g = dy.values
            var dx = [Float](repeating: 0, count: g.count)
            var dGamma = [Float](repeating: 0, count: gamma.count), dBeta = dGamma
            var dh = [Float](repeating: 0, count: size)
            for b in 0..<blocks {
                let base = b * size
                var meanDh: Float = 0, meanDhH: Float = 0
                for i in 0..<size {
                    let j = same ? i : b % outer
                    dh[i] = g[base + i] * gamma[j]
                    dGamma[j] += g[base + i] * xhat[base + i]
                    dBeta[j] += g[base + i]
                    meanDh += dh[i]
                    meanDhH += dh[i] * xhat[base + i]
                }
                meanDh /= Float(size)
                meanDhH /= Float(size)
                for i in 0..<size { dx[base + i] = inverse[b] * (dh[i] - meanDh - xhat[base + i] * meanDhH) }
            }
            if !frozen {
                try step.accumulate("Scaling", Tensor(shape: gammaTensor.shape, values: dGamma))
                try step.accumulate("Biases", Tensor(shape: gammaTensor.shape, values: dBeta))
            }
            return step.needInput ? [try Tensor(shape: x.shape, values: dx)] : [nil]
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? { ReferenceStep(layer: layer) { $0[0] } }
}
