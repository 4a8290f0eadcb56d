import Foundation

/// Batch normalization over the channel axis (axis 1) of N x C x ... data:
/// y = (x − μ) / sqrt(σ² + ε) · γ + β, with batch statistics while training and moving
/// statistics at inference.
public struct BatchNorm: Sendable {
    public var scaling: Tensor
    public var biases: Tensor
    public var movingMean: Tensor
    public var movingVariance: Tensor
    public var epsilon: Float
    /// Weight of the old moving statistics in an update (the Wolfram Language's "Momentum").
    public var momentum: Float

    public init(scaling: Tensor, biases: Tensor, movingMean: Tensor, movingVariance: Tensor,
                epsilon: Float = 0.001, momentum: Float = 0.9) throws {
        let c = scaling.shape
        guard c.count == 1, biases.shape == c, movingMean.shape == c, movingVariance.shape == c else {
            throw TensorError("batch norm arrays must all have shape [channels]")
        }
        self.scaling = scaling
        self.biases = biases
        self.movingMean = movingMean
        self.movingVariance = movingVariance
        self.epsilon = epsilon
        self.momentum = momentum
    }

    var channels: Int { scaling.count }

    func check(_ x: Tensor) throws -> (Int, Int, Int) {
        guard x.rank >= 2, x.shape[1] == channels else { throw TensorError.shape("batch norm", x.shape, [-1, channels]) }
        return (x.shape[0], channels, x.shape.dropFirst(2).reduce(1, *))
    }

    /// Inference: normalizes with the moving statistics.
    public func inference(_ x: Tensor) throws -> Tensor {
        let (n, c, inner) = try check(x)
        var y = x
        let g = scaling.values, b = biases.values, m = movingMean.values, v = movingVariance.values
        y.withUnsafeMutableBufferPointer { p in
            for ch in 0..<c {
                let a = g[ch] / (v[ch] + epsilon).squareRoot(), shift = b[ch] - m[ch] * a
                for i in 0..<n { for k in 0..<inner { let idx = (i * c + ch) * inner + k; p[idx] = p[idx] * a + shift } }
            }
        }
        return y
    }

    /// What a training step keeps for the backward pass.
    public struct Cache: Sendable {
        public let normalized: Tensor
        public let inverseStd: [Float]
    }

    /// Training: normalizes with the batch statistics; returns the output, the cache for
    /// `backward`, and the layer with updated moving statistics (unbiased batch variance).
    public func training(_ x: Tensor) throws -> (Tensor, Cache, BatchNorm) {
        let (n, c, inner) = try check(x)
        let count = n * inner
        guard count > 0 else { throw TensorError("batch norm needs at least one value per channel") }
        var mean = [Float](repeating: 0, count: c), variance = [Float](repeating: 0, count: c)
        x.withUnsafeBufferPointer { p in
            for ch in 0..<c {
                var s = 0.0, s2 = 0.0
                for i in 0..<n { for k in 0..<inner { let v = Double(p[(i * c + ch) * inner + k]); s += v; s2 += v * v } }
                let mu = s / Double(count)
                mean[ch] = Float(mu)
                variance[ch] = Float(Swift.max(s2 / Double(count) - mu * mu, 0))
            }
        }
        let inv = variance.map { 1 / ($0 + epsilon).squareRoot() }
        var xhat = x
        xhat.withUnsafeMutableBufferPointer { p in
            for ch in 0..<c { for i in 0..<n { for k in 0..<inner { let idx = (i * c + ch) * inner + k; p[idx] = (p[idx] - mean[ch]) * inv[ch] } } }
        }
        let g = scaling.values, b = biases.values
        var y = xhat
        y.withUnsafeMutableBufferPointer { p in
            for ch in 0..<c { for i in 0..<n { for k in 0..<inner { let idx = (i * c + ch) * inner + k; p[idx] = p[idx] * g[ch] + b[ch] } } }
        }
        var next = self
        let unbiased = count > 1 ? Float(count) / Float(count - 1) : 1
        next.movingMean = try Tensor(shape: [c], values: (0..<c).map { momentum * movingMean.values[$0] + (1 - momentum) * mean[$0] })
        next.movingVariance = try Tensor(shape: [c], values: (0..<c).map { momentum * movingVariance.values[$0] + (1 - momentum) * variance[$0] * unbiased })
        return (y, Cache(normalized: xhat, inverseStd: inv), next)
    }

    /// Gradients (dx, dγ, dβ) of a training step from dy.
    public func backward(_ cache: Cache, gradient dy: Tensor) throws -> (Tensor, Tensor, Tensor) {
        let (n, c, inner) = try check(dy)
        guard dy.shape == cache.normalized.shape else { throw TensorError.shape("batch norm backward", dy.shape, cache.normalized.shape) }
        let m = Float(n * inner)
        var dgamma = [Float](repeating: 0, count: c), dbeta = [Float](repeating: 0, count: c)
        let xh = cache.normalized.storage.pointer, gp = dy.storage.pointer
        for ch in 0..<c {
            for i in 0..<n { for k in 0..<inner { let idx = (i * c + ch) * inner + k; dbeta[ch] += gp[idx]; dgamma[ch] += gp[idx] * xh[idx] } }
        }
        let g = scaling.values
        var dx = try Tensor(shape: dy.shape)
        dx.withUnsafeMutableBufferPointer { d in
            for ch in 0..<c {
                let a = g[ch] * cache.inverseStd[ch] / m
                for i in 0..<n {
                    for k in 0..<inner {
                        let idx = (i * c + ch) * inner + k
                        d[idx] = a * (m * gp[idx] - dbeta[ch] - xh[idx] * dgamma[ch])
                    }
                }
            }
        }
        return (dx, try Tensor(shape: [c], values: dgamma), try Tensor(shape: [c], values: dbeta))
    }
}
