import Dispatch

/// Elementwise arithmetic with NumPy broadcasting: shapes align at the right, and a dimension of
/// 1 stretches to match.
extension Tensor {
    /// The broadcast shape of two shapes, or a TensorError.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let n = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: n)
        for i in 0..<n {
            let x = i < n - a.count ? 1 : a[i - (n - a.count)]
            let y = i < n - b.count ? 1 : b[i - (n - b.count)]
            guard x == y || x == 1 || y == 1 else { throw TensorError.shape("broadcast", a, b) }
            out[i] = x == 1 ? y : x
        }
        return out
    }

    /// Combines two tensors elementwise with broadcasting.
    public static func combine(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) throws -> Tensor {
        let shape = try broadcastShape(a.shape, b.shape)
        var out = try Tensor(shape: shape)
        let pa = a.storage.pointer, pb = b.storage.pointer
        if a.shape == b.shape {
            out.withUnsafeMutableBufferPointer { dst in for i in 0..<dst.count { dst[i] = f(pa[i], pb[i]) } }
            return out
        }
        if b.count == 1 {
            let y = pb[0]
            out.withUnsafeMutableBufferPointer { dst in for i in 0..<dst.count { dst[i] = f(pa[i], y) } }
            return out
        }
        let sa = broadcastStrides(a.shape, shape), sb = broadcastStrides(b.shape, shape)
        out.withUnsafeMutableBufferPointer { dst in
            var index = [Int](repeating: 0, count: shape.count)
            var oa = 0, ob = 0
            for o in 0..<dst.count {
                dst[o] = f(pa[oa], pb[ob])
                var k = shape.count - 1
                while k >= 0 {
                    index[k] += 1
                    oa += sa[k]
                    ob += sb[k]
                    if index[k] < shape[k] { break }
                    oa -= sa[k] * shape[k]
                    ob -= sb[k] * shape[k]
                    index[k] = 0
                    k -= 1
                }
            }
        }
        return out
    }

    /// Strides of `shape` seen as `target` (0 along broadcast dimensions).
    static func broadcastStrides(_ shape: [Int], _ target: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: target.count)
        var s = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            let t = i + target.count - shape.count
            strides[t] = shape[i] == 1 ? 0 : s
            s *= shape[i]
        }
        return strides
    }

    /// Applies f to every element; large tensors are split across the cores.
    public func map(_ f: @Sendable (Float) -> Float) -> Tensor {
        var out = self
        out.withUnsafeMutableBufferPointer { dst in
            let n = dst.count
            guard n >= Tensor.parallelThreshold, let base = dst.baseAddress else {
                for i in 0..<n { dst[i] = f(dst[i]) }
                return
            }
            let chunks = Swift.min(16, n / (Tensor.parallelThreshold / 4))
            let p = UnsafeSendable(base)
            Parallel.forEach(chunks) { c in
                let lo = n * c / chunks, hi = n * (c + 1) / chunks
                for i in lo..<hi { p.value[i] = f(p.value[i]) }
            }
        }
        return out
    }

    /// Element counts from which elementwise work is spread over the cores.
    static let parallelThreshold = 1 << 16

    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try combine(a, b, +) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try combine(a, b, -) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try combine(a, b, *) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try combine(a, b, /) }
}
