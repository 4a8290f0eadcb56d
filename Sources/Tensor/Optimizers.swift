import Foundation

/// Update rules for trainable arrays: Adam (the default of NetTrain), SGD with momentum and
/// RMSProp, with L2 regularization, gradient clipping and a learning-rate multiplier per array.
public struct Optimizer: Sendable {
    public enum Method: Sendable, Equatable {
        case adam(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-5)
        case sgd(momentum: Float = 0.93)
        case rmsProp(beta: Float = 0.95, epsilon: Float = 1e-8)
    }

    public var method: Method
    public var learningRate: Float
    /// Coefficient of the L2 penalty (adds l2 · w to each gradient).
    public var l2Regularization: Float = 0
    /// Clips each gradient element to [-c, c] when set.
    public var gradientClipping: Float?
    /// Update count, for Adam's bias correction.
    public private(set) var step = 0
    /// Per-array state (moments, velocities), by array index; taken out while updated, so the
    /// update writes in place instead of copying.
    var first: [Int: Tensor] = [:]
    var second: [Int: Tensor] = [:]

    public init(method: Method = .adam(), learningRate: Float = 0.001) {
        self.method = method
        self.learningRate = learningRate
    }

    /// Starts a new update step (call once per batch, before `update`).
    public mutating func beginStep() { step += 1 }

    /// Updates array number `index` in place from its gradient; `multiplier` scales the learning
    /// rate (0 freezes the array).
    public mutating func update(_ w: inout Tensor, index: Int, gradient g: Tensor, multiplier: Float = 1) throws {
        guard w.shape == g.shape else { throw TensorError.shape("optimizer update", w.shape, g.shape) }
        if multiplier == 0 { return }
        let lr = learningRate * multiplier
        let l2 = l2Regularization, clip = gradientClipping
        let n = w.count
        let wv = w.values
        var grad = g.values
        for i in 0..<n {
            var v = grad[i] + l2 * wv[i]
            if let c = clip { v = Swift.min(Swift.max(v, -c), c) }
            grad[i] = v
        }
        switch method {
        case let .adam(beta1, beta2, epsilon):
            var m = try first.removeValue(forKey: index) ?? Tensor(shape: w.shape)
            var s = try second.removeValue(forKey: index) ?? Tensor(shape: w.shape)
            let t = Float(Swift.max(step, 1))
            let c1 = 1 - Foundation.pow(beta1, t), c2 = 1 - Foundation.pow(beta2, t)
            m.withUnsafeMutableBufferPointer { mp in
                s.withUnsafeMutableBufferPointer { sp in
                    w.withUnsafeMutableBufferPointer { wp in
                        for i in 0..<n {
                            mp[i] = beta1 * mp[i] + (1 - beta1) * grad[i]
                            sp[i] = beta2 * sp[i] + (1 - beta2) * grad[i] * grad[i]
                            wp[i] -= lr * (mp[i] / c1) / ((sp[i] / c2).squareRoot() + epsilon)
                        }
                    }
                }
            }
            first[index] = m
            second[index] = s
        case let .sgd(momentum):
            var v = try first.removeValue(forKey: index) ?? Tensor(shape: w.shape)
            v.withUnsafeMutableBufferPointer { vp in
                w.withUnsafeMutableBufferPointer { wp in
                    for i in 0..<n {
                        vp[i] = momentum * vp[i] - lr * grad[i]
                        wp[i] += vp[i]
                    }
                }
            }
            first[index] = v
        case let .rmsProp(beta, epsilon):
            var s = try second.removeValue(forKey: index) ?? Tensor(shape: w.shape)
            s.withUnsafeMutableBufferPointer { sp in
                w.withUnsafeMutableBufferPointer { wp in
                    for i in 0..<n {
                        sp[i] = beta * sp[i] + (1 - beta) * grad[i] * grad[i]
                        wp[i] -= lr * grad[i] / (sp[i].squareRoot() + epsilon)
                    }
                }
            }
            second[index] = s
        }
    }
}

/// Dropout: while training, zeroes each element with probability p and scales survivors by
/// 1/(1−p); the mask is kept for the backward pass. Seeded, so runs repeat exactly.
public enum Dropout {
    public static func training(_ x: Tensor, probability p: Float, generator: inout SeededGenerator) throws -> (Tensor, Tensor) {
        guard p >= 0, p < 1 else { throw TensorError("dropout probability \(p) is not in [0, 1)") }
        let keep = 1 / (1 - p)
        let mask = try Tensor(shape: x.shape, values: (0..<x.count).map { _ in Float(generator.unit()) < p ? 0 : keep })
        return (try x * mask, mask)
    }

    public static func backward(mask: Tensor, gradient dy: Tensor) throws -> Tensor { try dy * mask }
}
