import Foundation

/// Loss functions, each averaged over the batch (the leading axis), with gradients with
/// respect to their input.
public enum Loss {
    /// Cross-entropy of probabilities `p` (batch x classes, e.g. a softmax output) against class
    /// indices: mean of −log p[i, target_i]. Probabilities are clamped away from 0.
    public static func crossEntropy(probabilities p: Tensor, targets: [Int]) throws -> (loss: Double, gradient: Tensor) {
        let (m, n) = try p.rows()
        guard targets.count == m else { throw TensorError("\(targets.count) targets for a batch of \(m)") }
        guard targets.allSatisfy({ $0 >= 0 && $0 < n }) else { throw TensorError("a target is not a class index below \(n)") }
        var grad = try Tensor(shape: p.shape)
        var loss = 0.0
        let pp = p.storage.pointer
        grad.withUnsafeMutableBufferPointer { g in
            for r in 0..<m {
                let v = Swift.max(pp[r * n + targets[r]], 1e-12)
                loss -= Double(Foundation.log(v))
                g[r * n + targets[r]] = -1 / (v * Float(m))
            }
        }
        return (loss / Double(m), grad)
    }

    /// Cross-entropy of probabilities against target probability vectors of the same shape.
    public static func crossEntropy(probabilities p: Tensor, targetProbabilities t: Tensor) throws -> (loss: Double, gradient: Tensor) {
        guard p.shape == t.shape else { throw TensorError.shape("cross-entropy", p.shape, t.shape) }
        let (m, _) = try p.rows()
        var loss = 0.0
        let grad = try Tensor.combine(p, t) { pv, tv in -tv / (Swift.max(pv, 1e-12) * Float(m)) }
        p.withUnsafeBufferPointer { pp in
            t.withUnsafeBufferPointer { tp in
                for i in 0..<pp.count where tp[i] != 0 { loss -= Double(tp[i]) * Double(Foundation.log(Swift.max(pp[i], 1e-12))) }
            }
        }
        return (loss / Double(m), grad)
    }

    /// Binary cross-entropy of probabilities against 0/1 (or soft) targets, averaged over all
    /// elements.
    public static func binaryCrossEntropy(probabilities p: Tensor, targets t: Tensor) throws -> (loss: Double, gradient: Tensor) {
        guard p.shape == t.shape else { throw TensorError.shape("binary cross-entropy", p.shape, t.shape) }
        let n = Float(Swift.max(p.count, 1))
        var loss = 0.0
        p.withUnsafeBufferPointer { pp in
            t.withUnsafeBufferPointer { tp in
                for i in 0..<pp.count {
                    let v = Swift.min(Swift.max(pp[i], 1e-7), 1 - 1e-7)
                    loss -= Double(tp[i] * Foundation.log(v) + (1 - tp[i]) * Foundation.log(1 - v))
                }
            }
        }
        let grad = try Tensor.combine(p, t) { pv, tv in
            let v = Swift.min(Swift.max(pv, 1e-7), 1 - 1e-7)
            return (v - tv) / (v * (1 - v) * n)
        }
        return (loss / Double(n), grad)
    }

    /// Mean squared error over all elements.
    public static func meanSquared(_ x: Tensor, _ t: Tensor) throws -> (loss: Double, gradient: Tensor) {
        guard x.shape == t.shape else { throw TensorError.shape("mean squared loss", x.shape, t.shape) }
        let n = Float(Swift.max(x.count, 1))
        let diff = try x - t
        let loss = diff.withUnsafeBufferPointer { $0.reduce(0.0) { $0 + Double($1 * $1) } } / Double(n)
        return (loss, diff.map { 2 * $0 / n })
    }

    /// Mean absolute error over all elements.
    public static func meanAbsolute(_ x: Tensor, _ t: Tensor) throws -> (loss: Double, gradient: Tensor) {
        guard x.shape == t.shape else { throw TensorError.shape("mean absolute loss", x.shape, t.shape) }
        let n = Float(Swift.max(x.count, 1))
        let diff = try x - t
        let loss = diff.withUnsafeBufferPointer { $0.reduce(0.0) { $0 + Double(abs($1)) } } / Double(n)
        return (loss, diff.map { ($0 > 0 ? 1 : ($0 < 0 ? -1 : 0)) / n })
    }
}
