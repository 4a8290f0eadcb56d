import Dispatch
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
        var xhat = try Tensor(uninitialized: x.shape), y = try Tensor(uninitialized: x.shape)
        var mean = [Float](repeating: 0, count: c), variance = [Float](repeating: 0, count: c)
        let g = scaling.values, b = biases.values, eps = epsilon
        let src = UnsafeSendable(UnsafePointer(x.storage.pointer))
        xhat.withUnsafeMutableBufferPointer { hb in
            y.withUnsafeMutableBufferPointer { yb in
                mean.withUnsafeMutableBufferPointer { mb in
                    variance.withUnsafeMutableBufferPointer { vb in
                        guard let hp = hb.baseAddress, let yp = yb.baseAddress, let mp = mb.baseAddress, let vp = vb.baseAddress else { return }
                        let h = UnsafeSendable(hp), out = UnsafeSendable(yp), m = UnsafeSendable(mp), v = UnsafeSendable(vp)
                        // Each channel is normalized by one worker.
                        Parallel.forEach(c) { ch in
                            var s = 0.0, s2 = 0.0
                            for i in 0..<n {
                                let (a, a2) = Lanes.sums(src.value + (i * c + ch) * inner, inner)
                                s += Double(a); s2 += Double(a2)
                            }
                            let mu = s / Double(count), variance = Swift.max(s2 / Double(count) - mu * mu, 0)
                            m.value[ch] = Float(mu)
                            v.value[ch] = Float(variance)
                            let inv = 1 / (Float(variance) + eps).squareRoot(), muf = Float(mu)
                            for i in 0..<n {
                                let off = (i * c + ch) * inner
                                Lanes.normalize(src.value + off, inner, mean: muf, inverseStd: inv, scale: g[ch], shift: b[ch],
                                                normalized: h.value + off, output: out.value + off)
                            }
                        }
                    }
                }
            }
        }
        let inv = variance.map { 1 / ($0 + epsilon).squareRoot() }
        var next = self
        let unbiased = count > 1 ? Float(count) / Float(count - 1) : 1
        let oldMean = movingMean.values, oldVariance = movingVariance.values
        next.movingMean = try Tensor(shape: [c], values: (0..<c).map { momentum * oldMean[$0] + (1 - momentum) * mean[$0] })
        next.movingVariance = try Tensor(shape: [c], values: (0..<c).map { momentum * oldVariance[$0] + (1 - momentum) * variance[$0] * unbiased })
        return (y, Cache(normalized: xhat, inverseStd: inv), next)
    }

    /// The output of the training step that made `cache`, as a recipe: made again from the
    /// normalized values the step keeps anyway.
    public func output(_ cache: Cache) -> NormalizedOutput {
        NormalizedOutput(normalized: cache.normalized, scaling: scaling.values, biases: biases.values, top: nil)
    }

    /// Gradients (dx, dγ, dβ) of a training step from dy.
    public func backward(_ cache: Cache, gradient dy: Tensor) throws -> (Tensor, Tensor, Tensor) {
        let (n, c, inner) = try check(dy)
        guard dy.shape == cache.normalized.shape else { throw TensorError.shape("batch norm backward", dy.shape, cache.normalized.shape) }
        let m = Float(n * inner)
        var dgamma = [Float](repeating: 0, count: c), dbeta = [Float](repeating: 0, count: c)
        let xh = UnsafeSendable(UnsafePointer(cache.normalized.storage.pointer)), gp = UnsafeSendable(UnsafePointer(dy.storage.pointer))
        let g = scaling.values, inverseStd = cache.inverseStd
        var dx = try Tensor(uninitialized: dy.shape)
        dx.withUnsafeMutableBufferPointer { d in
            dgamma.withUnsafeMutableBufferPointer { dgb in
                dbeta.withUnsafeMutableBufferPointer { dbb in
                    guard let dp = d.baseAddress, let dgp = dgb.baseAddress, let dbp = dbb.baseAddress else { return }
                    let out = UnsafeSendable(dp), dG = UnsafeSendable(dgp), dB = UnsafeSendable(dbp)
                    Parallel.forEach(c) { ch in
                        var sb: Float = 0, sg: Float = 0
                        for i in 0..<n {
                            let off = (i * c + ch) * inner
                            let (b, d) = Lanes.sumAndDot(gp.value + off, xh.value + off, inner)
                            sb += b; sg += d
                        }
                        dB.value[ch] = sb
                        dG.value[ch] = sg
                        let a = g[ch] * inverseStd[ch] / m
                        for i in 0..<n {
                            let off = (i * c + ch) * inner
                            Lanes.normalizationGradient(gp.value + off, xh.value + off, inner, a: a, m: m, sum: sb, dot: sg, into: out.value + off)
                        }
                    }
                }
            }
        }
        return (dx, try Tensor(shape: [c], values: dgamma), try Tensor(shape: [c], values: dbeta))
    }
}

/// A batch normalization's output in training, optionally through ReLU or ReLU6 (clamped to
/// [0, top]), made again on demand from the normalized values the batch normalization keeps for
/// its own backward pass: `clamp(normalized * scaling + biases)` per channel, the forward pass's
/// arithmetic, so the same numbers. A layer that reads such an output keeps this instead of the
/// tensor (as big as the normalized values), and the tensor is freed as soon as the forward
/// pass has moved past it.
public struct NormalizedOutput: Sendable {
    public let normalized: Tensor
    let scaling: [Float]
    let biases: [Float]
    /// The clamp applied after the affine map, if any.
    public let top: Float?

    /// The values in one (example, channel) plane.
    var planeSize: Int { normalized.shape.dropFirst(2).reduce(1, *) }

    /// The same output through a clamp to [0, top]; nil if it is clamped already.
    public func clamped(to top: Float) -> NormalizedOutput? {
        self.top == nil ? NormalizedOutput(normalized: normalized, scaling: scaling, biases: biases, top: top) : nil
    }

    /// The output, made in one pass.
    public func tensor() throws -> Tensor {
        var y = try Tensor(uninitialized: normalized.shape)
        try each(&y) { [self] plane, destination in make(plane: plane, into: destination) }
        return y
    }

    /// The gradient through a clamp to [0, top] of this (unclamped) output: `gradient` where
    /// 0 < output < top, else 0, in one pass without making the output.
    public func clampGradient(_ gradient: Tensor, top: Float) throws -> Tensor {
        guard gradient.shape == normalized.shape else { throw TensorError.shape("activation backward", normalized.shape, gradient.shape) }
        var dx = try Tensor(uninitialized: normalized.shape)
        let g = UnsafeSendable(UnsafePointer(gradient.storage.pointer)), x = UnsafeSendable(UnsafePointer(normalized.storage.pointer))
        let scaling = scaling, biases = biases, inner = planeSize
        try each(&dx) { plane, destination in
            let ch = plane % scaling.count
            Lanes.clampGradient(x.value + plane * inner, g.value + plane * inner, inner, scale: scaling[ch], shift: biases[ch],
                                top: top, into: destination)
        }
        return dx
    }

    /// Makes one (example, channel) plane of the output into `destination` (the plane's size);
    /// `plane` counts examples times channels plus the channel.
    func make(plane: Int, into destination: UnsafeMutablePointer<Float>) {
        let inner = planeSize, ch = plane % scaling.count
        let x = UnsafePointer(normalized.storage.pointer) + plane * inner, a = scaling[ch], b = biases[ch]
        if let top {
            for k in 0..<inner { destination[k] = Swift.min(Swift.max(x[k] * a + b, 0), top) }
        } else {
            for k in 0..<inner { destination[k] = x[k] * a + b }
        }
    }

    /// Runs `body(plane, destination)` for each (example, channel) plane of `y` (shaped like the
    /// normalized values), spread over the cores.
    private func each(_ y: inout Tensor, _ body: @escaping @Sendable (Int, UnsafeMutablePointer<Float>) -> Void) throws {
        let shape = normalized.shape
        guard shape.count >= 2, shape[1] == scaling.count, scaling.count == biases.count, y.shape == shape else {
            throw TensorError.shape("batch norm output", shape, [-1, scaling.count])
        }
        let planes = shape[0] * shape[1], inner = planeSize
        y.withUnsafeMutableBufferPointer { yb in
            guard let yp = yb.baseAddress else { return }
            let out = UnsafeSendable(yp)
            Parallel.forEach(planes) { plane in body(plane, out.value + plane * inner) }
        }
    }
}

/// Batch normalization's loops over one (example, channel) plane.
extension Lanes {
    /// (Σ x, Σ x²).
    static func sums(_ x: UnsafePointer<Float>, _ n: Int) -> (Float, Float) {
        var s = V(repeating: 0), s2 = V(repeating: 0), i = 0
        while i + 8 <= n { let v = load(x + i); s += v; s2 += v * v; i += 8 }
        var a = s.sum(), a2 = s2.sum()
        while i < n { a += x[i]; a2 += x[i] * x[i]; i += 1 }
        return (a, a2)
    }

    /// (Σ g, Σ g·x).
    static func sumAndDot(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int) -> (Float, Float) {
        var s = V(repeating: 0), d = V(repeating: 0), i = 0
        while i + 8 <= n { let gv = load(g + i); s += gv; d += gv * load(x + i); i += 8 }
        var a = s.sum(), b = d.sum()
        while i < n { a += g[i]; b += g[i] * x[i]; i += 1 }
        return (a, b)
    }

    /// normalized = (x - mean) · inverseStd; output = normalized · scale + shift.
    static func normalize(_ x: UnsafePointer<Float>, _ n: Int, mean: Float, inverseStd: Float, scale: Float, shift: Float,
                          normalized: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let mv = V(repeating: mean), iv = V(repeating: inverseStd), gv = V(repeating: scale), bv = V(repeating: shift)
        var i = 0
        while i + 8 <= n {
            let e = (load(x + i) - mv) * iv
            store(e, normalized + i)
            store(e * gv + bv, output + i)
            i += 8
        }
        while i < n {
            let e = (x[i] - mean) * inverseStd
            normalized[i] = e
            output[i] = e * scale + shift
            i += 1
        }
    }

    /// dx = a · (m·g - sum - x·dot): batch normalization's input gradient.
    static func normalizationGradient(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ n: Int, a: Float, m: Float, sum: Float,
                                      dot: Float, into out: UnsafeMutablePointer<Float>) {
        let av = V(repeating: a), mv = V(repeating: m), sv = V(repeating: sum), dv = V(repeating: dot)
        var i = 0
        while i + 8 <= n { store(av * (mv * load(g + i) - sv - load(x + i) * dv), out + i); i += 8 }
        while i < n { out[i] = a * (m * g[i] - sum - x[i] * dot); i += 1 }
    }

    /// out = dy where 0 < x·scale + shift < top, else 0.
    static func clampGradient(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ n: Int, scale: Float, shift: Float, top: Float,
                              into out: UnsafeMutablePointer<Float>) {
        let av = V(repeating: scale), bv = V(repeating: shift), zero = V(repeating: 0), tv = V(repeating: top)
        var i = 0
        while i + 8 <= n {
            let v = load(x + i) * av + bv
            store(load(dy + i).replacing(with: 0, where: .!((v .> zero) .& (v .< tv))), out + i)
            i += 8
        }
        while i < n {
            let v = x[i] * scale + shift
            out[i] = v > 0 && v < top ? dy[i] : 0
            i += 1
        }
    }
}
