/// Reductions over one axis: sum, mean, max, and the index of the max.
extension Tensor {
    /// Splits the shape around `axis` into (outer, length, inner) element counts.
    func around(_ axis: Int) throws -> (Int, Int, Int) {
        guard axis >= 0, axis < rank else { throw TensorError("axis \(axis) is out of range for shape \(shape)") }
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        return (outer, shape[axis], inner)
    }

    func reduce(_ axis: Int, _ initial: Float, _ f: (Float, Float) -> Float) throws -> Tensor {
        let (outer, n, inner) = try around(axis)
        var dims = shape
        dims.remove(at: axis)
        var out = try Tensor(shape: dims, repeating: initial)
        let src = storage.pointer
        out.withUnsafeMutableBufferPointer { dst in
            for o in 0..<outer {
                for k in 0..<n {
                    let row = src + (o * n + k) * inner
                    for i in 0..<inner { dst[o * inner + i] = f(dst[o * inner + i], row[i]) }
                }
            }
        }
        return out
    }

    /// Sum along an axis (the axis is removed).
    public func sum(axis: Int) throws -> Tensor { try reduce(axis, 0, +) }

    /// Mean along an axis.
    public func mean(axis: Int) throws -> Tensor {
        let n = Float(try around(axis).1)
        return try sum(axis: axis).map { n > 0 ? $0 / n : .nan }
    }

    /// Maximum along an axis.
    public func max(axis: Int) throws -> Tensor {
        guard try around(axis).1 > 0 else { throw TensorError("max over an empty axis") }
        return try reduce(axis, -.infinity) { Swift.max($0, $1) }
    }

    /// Index of the maximum along an axis (first on ties).
    public func argmax(axis: Int) throws -> [Int] {
        let (outer, n, inner) = try around(axis)
        guard n > 0 else { throw TensorError("argmax over an empty axis") }
        let src = storage.pointer
        var out = [Int](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = src[o * n * inner + i], at = 0
                for k in 1..<n where src[(o * n + k) * inner + i] > best {
                    best = src[(o * n + k) * inner + i]
                    at = k
                }
                out[o * inner + i] = at
            }
        }
        return out
    }

    /// Sum of all elements (in double precision).
    public func total() -> Double {
        withUnsafeBufferPointer { $0.reduce(0.0) { $0 + Double($1) } }
    }
}
