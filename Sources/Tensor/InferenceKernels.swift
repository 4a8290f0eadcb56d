@preconcurrency import COpenBLAS
import Dispatch
import Foundation

/// Per-worker scratch memory that persists between calls, so a plan that runs again and again
/// allocates nothing after its first run.
///
/// `@unchecked Sendable`: worker w only touches buffer w, and the buffers are (re)allocated
/// before the workers start.
public final class Scratch: @unchecked Sendable {
    private var buffers: [UnsafeMutablePointer<Float>] = []
    private var capacity = 0

    public init() {}

    /// Makes sure `workers` buffers of at least `count` floats exist.
    func reserve(workers: Int, count: Int) {
        if buffers.count >= workers && capacity >= count { return }
        for b in buffers { b.deallocate() }
        capacity = Swift.max(count, capacity, 1)
        buffers = (0..<Swift.max(workers, buffers.count)).map { _ in .allocate(capacity: capacity) }
    }

    func buffer(_ w: Int) -> UnsafeMutablePointer<Float> { buffers[w] }

    deinit { for b in buffers { b.deallocate() } }
}

/// What happens to a convolution's output while it is still in cache: a bias per channel, an
/// optional residual input added, then an optional activation.
public struct Epilogue: @unchecked Sendable {
    public var biases: UnsafePointer<Float>?
    public var residual: UnsafePointer<Float>?
    public var activation: Activation?

    public init(biases: UnsafePointer<Float>? = nil, residual: UnsafePointer<Float>? = nil, activation: Activation? = nil) {
        self.biases = biases
        self.residual = residual
        self.activation = activation
    }

    /// Applies to `count` values of channel `channel` at `p`; `offset` is their position in
    /// the output (for the residual).
    @inline(__always)
    func apply(_ p: UnsafeMutablePointer<Float>, count: Int, channel: Int, offset: Int) {
        if let b = biases {
            let bv = b[channel]
            if bv != 0 { for i in 0..<count { p[i] += bv } }
        }
        if let r = residual {
            let src = r + offset
            for i in 0..<count { p[i] += src[i] }
        }
        if let f = activation { f.apply(p, count: count) }
    }
}

extension Activation {
    /// Applies the activation in place: ReLU and ReLU6 eight lanes at a time.
    public func apply(_ p: UnsafeMutablePointer<Float>, count n: Int) {
        switch self {
        case .relu:
            // Plain selects, which the compiler turns into vector max/min.
            for i in 0..<n { let v = p[i]; p[i] = v < 0 ? 0 : v }
        case .relu6:
            for i in 0..<n { let v = p[i]; p[i] = v < 0 ? 0 : (v > 6 ? 6 : v) }
        default:
            for i in 0..<n { p[i] = value(p[i]) }
        }
    }
}

/// Number of workers the inference kernels split work into.
public var inferenceWorkers: Int { Swift.max(1, ProcessInfo.processInfo.activeProcessorCount) }

extension Convolution {
    /// Inference convolution from and into caller-owned memory (`x` is N x C x H x W, `y`
    /// N x O x Ho x Wo), with the epilogue fused. Images (or, for a single image, column ranges)
    /// are spread over the cores, each worker running single-threaded GEMMs on its own im2col
    /// scratch; depthwise convolutions use the direct kernel.
    public static func inference(_ x: UnsafePointer<Float>, shape xs: [Int], weights wts: Tensor, window win: Window, groups: Int,
                                 epilogue: Epilogue, output y: UnsafeMutablePointer<Float>, scratch: Scratch) throws {
        let s = try shape(xs, wts, win, groups)
        let hw = s.ho * s.wo
        let wp = UnsafeSendable(UnsafePointer(wts.storage.pointer)), input = UnsafeSendable(x), output = UnsafeSendable(y)
        if s.cg == 1 && s.og == 1 {
            depthwise(x, wts.storage.pointer, s, win, y, epilogue: epilogue)
            return
        }
        let workers = inferenceWorkers
        let pointwise = isPointwise(win)
        // Column tiles: enough items to keep every worker busy, and for im2col tiles whose
        // columns (K x width) stay in the L2 cache with the GEMM that reads them.
        var tiles = s.n >= workers ? 1 : (workers + s.n - 1) / s.n
        if !pointwise { tiles = Swift.max(tiles, hw / Swift.max(256, 32768 / Swift.max(s.k, 1))) }
        let chunks = Swift.max(1, Swift.min(tiles, hw))
        let items = s.n * chunks
        let width = (hw + chunks - 1) / chunks
        scratch.reserve(workers: workers, count: pointwise ? 1 : s.k * width)
        let threads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(threads) }
        DispatchQueue.concurrentPerform(iterations: Swift.min(workers, items)) { worker in
            let col = scratch.buffer(worker)
            var item = worker
            while item < items {
                let i = item / chunks, p0 = (item % chunks) * width, p1 = Swift.min(hw, p0 + width)
                item += workers
                if p0 >= p1 { continue }
                let image = input.value + i * s.c * s.h * s.w
                for g in 0..<s.groups {
                    let c = output.value + (i * s.o + g * s.og) * hw + p0
                    let a = wp.value + g * s.og * s.k
                    if pointwise {
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(s.og), Int32(p1 - p0), Int32(s.k), 1,
                                    a, Int32(s.k), image + g * s.cg * hw + p0, Int32(hw), 0, c, Int32(hw))
                    } else {
                        im2col(image, s, win, c0: g * s.cg, columns: p0..<p1, into: col)
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(s.og), Int32(p1 - p0), Int32(s.k), 1,
                                    a, Int32(s.k), col, Int32(p1 - p0), 0, c, Int32(hw))
                    }
                }
                for oc in 0..<s.o {
                    let offset = (i * s.o + oc) * hw + p0
                    epilogue.apply(output.value + offset, count: p1 - p0, channel: oc, offset: offset)
                }
            }
        }
    }

    /// im2col restricted to output positions `columns` (flat indices into Ho x Wo); the matrix
    /// is K x columns.count.
    static func im2col(_ src: UnsafePointer<Float>, _ s: Shape, _ win: Window, c0: Int, columns: Range<Int>,
                       into col: UnsafeMutablePointer<Float>) {
        let width = columns.count
        let firstRow = columns.lowerBound / s.wo, lastRow = (columns.upperBound - 1) / s.wo
        var row = 0
        for c in c0..<(c0 + s.cg) {
            let plane = src + c * s.h * s.w
            for ki in 0..<win.kernel.h {
                for kj in 0..<win.kernel.w {
                    let dst = col + row * width - columns.lowerBound
                    let (lo, hi, off) = validRange(kj, s, win)
                    let sw = win.stride.w
                    for oy in firstRow...lastRow {
                        let a = oy == firstRow ? columns.lowerBound - oy * s.wo : 0
                        let b = oy == lastRow ? columns.upperBound - oy * s.wo : s.wo
                        let out = dst + oy * s.wo
                        let iy = oy * win.stride.h - win.padding.top + ki * win.dilation.h
                        let l = Swift.max(lo, a), h = Swift.min(hi, b)
                        if iy < 0 || iy >= s.h || l >= h {
                            (out + a).update(repeating: 0, count: b - a)
                            continue
                        }
                        let line = plane + iy * s.w
                        if l > a { (out + a).update(repeating: 0, count: l - a) }
                        if sw == 1 {
                            (out + l).update(from: line + l + off, count: h - l)
                        } else {
                            var ox = l
                            if sw == 2 {
                                // Every other sample, eight at a time, while the 16-wide load stays in the row.
                                while ox + 8 <= h && 2 * (ox + 7) + off + 1 < s.w {
                                    let v = UnsafeRawPointer(line + 2 * ox + off).loadUnaligned(as: SIMD16<Float>.self).evenHalf
                                    UnsafeMutableRawPointer(out + ox).storeBytes(of: v, as: SIMD8<Float>.self)
                                    ox += 8
                                }
                            }
                            while ox < h { out[ox] = line[ox * sw + off]; ox += 1 }
                        }
                        if h < b { (out + h).update(repeating: 0, count: b - h) }
                    }
                    row += 1
                }
            }
        }
    }
}

extension Pooling {
    /// Pooling from and into caller-owned memory.
    public static func inference(_ x: UnsafePointer<Float>, shape xs: [Int], _ f: Function, window win: Window,
                                 output y: UnsafeMutablePointer<Float>) throws {
        guard xs.count == 4 else { throw TensorError("pooling needs NCHW input, not shape \(xs)") }
        let (h, w) = (xs[2], xs[3])
        let (ho, wo) = try win.output(h, w)
        let size = Float(win.kernel.h * win.kernel.w)
        let input = UnsafeSendable(x), output = UnsafeSendable(y)
        DispatchQueue.concurrentPerform(iterations: xs[0] * xs[1]) { p in
            let src = input.value + p * h * w
            for oy in 0..<ho {
                for ox in 0..<wo {
                    var acc: Float = f == .max ? -.infinity : 0
                    forEachInput(oy, ox, win, h, w) { idx in acc = f == .max ? Swift.max(acc, src[idx]) : acc + src[idx] }
                    output.value[(p * ho + oy) * wo + ox] = f == .mean ? acc / size : acc
                }
            }
        }
    }

    /// Global pooling over all positions after the first two axes, into caller-owned memory.
    public static func globalInference(_ x: UnsafePointer<Float>, planes: Int, size: Int, _ f: Function,
                                       output y: UnsafeMutablePointer<Float>) {
        for p in 0..<planes {
            let src = x + p * size
            var acc: Float = f == .max ? -.infinity : 0
            for i in 0..<size { acc = f == .max ? Swift.max(acc, src[i]) : acc + src[i] }
            y[p] = f == .mean ? acc / Float(Swift.max(size, 1)) : acc
        }
    }
}
