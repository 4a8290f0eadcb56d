/// Loops over contiguous floats eight lanes at a time (SIMD8, which the baseline x86-64 target
/// compiles to pairs of SSE registers): a scalar sum is one long chain of dependent additions,
/// eight partial sums keep the adder busy. Convolution's direct kernels and batch
/// normalization's per-plane loops (BatchNorm.swift) use them.
enum Lanes {
    typealias V = SIMD8<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

    @inline(__always)
    static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) { UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self) }

    /// Σ x[0..<n], eight lanes at a time.
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = V(repeating: 0)
        var i = 0
        while i + 8 <= n {
            acc += load(x + i)
            i += 8
        }
        var total = acc.sum()
        while i < n { total += x[i]; i += 1 }
        return total
    }

    /// y[0..<n] += a * x[0..<n], eight lanes at a time.
    @inline(__always)
    static func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        let av = V(repeating: a)
        while i + 8 <= n {
            let xv = load(x + i)
            let yv = load(y + i)
            store(yv + av * xv, y + i)
            i += 8
        }
        while i < n { y[i] += a * x[i]; i += 1 }
    }

    /// Σ x[i] y[i] over 0..<n, eight lanes at a time.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
        var i = 0
        var acc = V(repeating: 0)
        while i + 8 <= n {
            acc += load(x + i) * load(y + i)
            i += 8
        }
        var total = acc.sum()
        while i < n { total += x[i] * y[i]; i += 1 }
        return total
    }
}
