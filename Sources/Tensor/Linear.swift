/// A fully connected layer's arithmetic: y = x Wᵀ + b for x of shape batch x in, W of shape
/// out x in (the Wolfram Language's and PyTorch's layout) and b of length out.
public enum Linear {
    public static func forward(_ x: Tensor, weights w: Tensor, biases b: Tensor?) throws -> Tensor {
        guard x.rank == 2, w.rank == 2, x.shape[1] == w.shape[1] else { throw TensorError.shape("linear", x.shape, w.shape) }
        var y = try Tensor.matmul(x, w, transposeB: true)
        if let b {
            guard b.shape == [w.shape[0]] else { throw TensorError.shape("linear biases", b.shape, [w.shape[0]]) }
            y = try y + b
        }
        return y
    }

    /// Gradients (dx, dW, db) from dy.
    public static func backward(_ x: Tensor, weights w: Tensor, gradient dy: Tensor) throws -> (Tensor, Tensor, Tensor) {
        guard dy.rank == 2, dy.shape[0] == x.shape[0], dy.shape[1] == w.shape[0] else {
            throw TensorError.shape("linear backward", dy.shape, [x.shape.first ?? 0, w.shape.first ?? 0])
        }
        let dx = try Tensor.matmul(dy, w)
        let dw = try Tensor.matmul(dy, x, transposeA: true)
        let db = try dy.sum(axis: 0)
        return (dx, dw, db)
    }
}
