/// Inference-time fusion: a convolution followed by batch normalization becomes one
/// convolution with adjusted weights and biases; an activation can be applied in the same pass.
public enum Fusion {
    /// Weights and biases of conv∘batchnorm: W' = W · γ/σ per output channel, b' = (b − μ)·γ/σ + β.
    public static func foldBatchNorm(weights w: Tensor, biases b: Tensor?, into bn: BatchNorm) throws -> (Tensor, Tensor) {
        let o = w.shape.first ?? 0
        guard bn.scaling.count == o else { throw TensorError.shape("fold batch norm", w.shape, bn.scaling.shape) }
        let per = w.count / Swift.max(o, 1)
        let g = bn.scaling.values, beta = bn.biases.values, mu = bn.movingMean.values, v = bn.movingVariance.values
        let bias = b?.values ?? [Float](repeating: 0, count: o)
        var fw = w
        var fb = [Float](repeating: 0, count: o)
        fw.withUnsafeMutableBufferPointer { p in
            for ch in 0..<o {
                let a = g[ch] / (v[ch] + bn.epsilon).squareRoot()
                for k in 0..<per { p[ch * per + k] *= a }
                fb[ch] = (bias[ch] - mu[ch]) * a + beta[ch]
            }
        }
        return (fw, try Tensor(shape: [o], values: fb))
    }

    /// Convolution with folded batch norm and an optional activation, in one call.
    public static func convolution(_ x: Tensor, weights w: Tensor, biases b: Tensor, window: Window, groups: Int = 1,
                                   activation: Activation? = nil) throws -> Tensor {
        let y = try Convolution.forward(x, weights: w, biases: b, window: window, groups: groups)
        return activation.map { y.activated($0) } ?? y
    }
}
