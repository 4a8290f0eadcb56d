import Foundation

/// Softmax and log-softmax over the last axis, computed stably (the row maximum is subtracted
/// before exponentiating).
extension Tensor {
    /// Rows of the last axis: (number of rows, row length).
    func rows() throws -> (Int, Int) {
        guard let n = shape.last, n > 0 else { throw TensorError("softmax needs a non-empty last axis, not shape \(shape)") }
        return (count / n, n)
    }

    /// A copy with `body` applied to each row of the last axis, given the row and its maximum.
    func mappingRows(_ body: (UnsafeMutableBufferPointer<Float>, Float) -> Void) throws -> Tensor {
        let (m, n) = try rows()
        var out = self
        out.withUnsafeMutableBufferPointer { p in
            for r in 0..<m {
                let row = UnsafeMutableBufferPointer(rebasing: p[(r * n)..<((r + 1) * n)])
                body(row, row.max() ?? 0)
            }
        }
        return out
    }

    public func softmax() throws -> Tensor {
        try mappingRows { row, top in
            var sum: Float = 0
            for i in row.indices { row[i] = Foundation.exp(row[i] - top); sum += row[i] }
            for i in row.indices { row[i] /= sum }
        }
    }

    public func logSoftmax() throws -> Tensor {
        try mappingRows { row, top in
            var sum: Float = 0
            for i in row.indices { sum += Foundation.exp(row[i] - top) }
            let lse = top + Foundation.log(sum)
            for i in row.indices { row[i] -= lse }
        }
    }

    /// Gradient of softmax: given y = softmax(x) and dL/dy, dL/dx = y ⊙ (g − Σ g⊙y) per row.
    public static func softmaxBackward(output y: Tensor, gradient g: Tensor) throws -> Tensor {
        guard y.shape == g.shape else { throw TensorError.shape("softmax backward", y.shape, g.shape) }
        let (m, n) = try y.rows()
        var out = try Tensor(shape: y.shape)
        let yp = y.storage.pointer, gp = g.storage.pointer
        out.withUnsafeMutableBufferPointer { d in
            for r in 0..<m {
                var dot: Float = 0
                for i in 0..<n { dot += yp[r * n + i] * gp[r * n + i] }
                for i in 0..<n { d[r * n + i] = yp[r * n + i] * (gp[r * n + i] - dot) }
            }
        }
        return out
    }
}
