import Tensor

/// `CrossEntropyLossLayer[form]`: the cross-entropy of predicted probabilities.
///
/// - `"Index"`: prediction {..., k} probabilities, target {...} class indices 1...k.
/// - `"Probabilities"`: prediction and target probability arrays of one shape.
/// - `"Binary"`: prediction and target of one shape, each value a probability of 1.
/// - Output: a scalar. No arrays.
struct CrossEntropyLossLayer: LossOperator {
    /// `.crossEntropyIndex`, `.crossEntropyProbabilities` or `.crossEntropyBinary`.
    var form: LossKind

    var kind: LayerKind { .loss(form) }
    var name: String { "CrossEntropyLossLayer" }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        guard form == .crossEntropyIndex else { return try Self.targetLikePrediction(&shapes) }
        try shapes.setOutput([])
        if let x = shapes.input { try shapes.setInput(Array(x.dropLast()), 1) }
    }

    func loss(_ x: Tensor, _ target: Tensor) throws -> (loss: Double, gradient: Tensor) {
        switch form {
        case .crossEntropyProbabilities: return try Loss.crossEntropy(probabilities: x, targetProbabilities: target)
        case .crossEntropyBinary: return try Loss.binaryCrossEntropy(probabilities: x, targets: target)
        default:
            let classes = x.shape.last ?? 1
            let t = try target.values.map { v -> Int in
                let r = v.rounded()
                guard r.isFinite, r >= 1, r <= Float(classes) else { throw NetError("eval", "class index \(v) is not between 1 and \(classes)") }
                return Int(r) - 1
            }
            return try Loss.crossEntropy(probabilities: x.reshaped([t.count, classes]), targets: t)
        }
    }
}
