import CKernels
@preconcurrency import COpenBLAS
import Dispatch
import Foundation
import Synchronization

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

    /// The activation as the vector kernels take it, when they can apply it in registers.
    var vectorActivation: Int32? {
        switch activation {
        case nil: return Int32(NETS_NONE.rawValue)
        case .relu?: return Int32(NETS_RELU.rawValue)
        case .relu6?: return Int32(NETS_RELU6.rawValue)
        default: return nil
        }
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

extension Convolution {
    /// Inference convolution from and into caller-owned memory (`x` is N x C x H x W, `y`
    /// N x O x Ho x Wo), with the epilogue fused. Images (or, for a single image, column ranges)
    /// are spread over the cores, each worker running single-threaded GEMMs on its own im2col
    /// scratch; depthwise convolutions use the direct kernel.
    /// A 1x1 convolution with `packed` weights (the same weights, with the epilogue's biases)
    /// over a small image (under `channelBlockedBelow` positions) runs the channel-blocked kernel.
    /// `planned`: the call comes from an inference plan, whose convolutions with few input
    /// channels (the stem) take the AVX-512 kernel where it runs; training keeps the AVX2 one.
    public static func inference(_ x: UnsafePointer<Float>, shape xs: [Int], weights wts: Tensor, window win: Window, groups: Int,
                                 epilogue: Epilogue, output y: UnsafeMutablePointer<Float>, scratch: Scratch,
                                 packed: PackedWeights? = nil, planned: Bool = false) throws {
        let s = try shape(xs, wts, win, groups)
        let hw = s.ho * s.wo
        let wp = UnsafeSendable(UnsafePointer(wts.storage.pointer)), input = UnsafeSendable(x), output = UnsafeSendable(y)
        if s.cg == 1 && s.og == 1 {
            depthwise(x, wts.storage.pointer, s, win, y, epilogue: epilogue, wide: planned)
            return
        }
        let workers = Parallel.workers
        let pointwise = isPointwise(win)
        if !pointwise, direct(input, s, win, wp, epilogue, output, workers: workers, wide: planned && wideDirect) { return }
        if pointwise, hw < channelBlockedBelow || PackedWeights.wide, let packed, channelBlocked(input, s, packed, epilogue, output, workers: workers) {
            return
        }
        // Column tiles: enough items to keep every worker busy, and for im2col tiles whose
        // columns (K x width) stay in the L2 cache with the GEMM that reads them.
        var tiles = s.n >= workers ? 1 : (workers + s.n - 1) / s.n
        if !pointwise { tiles = Swift.max(tiles, hw / Swift.max(256, 32768 / Swift.max(s.k, 1))) }
        let chunks = Swift.max(1, Swift.min(tiles, hw))
        let items = s.n * chunks
        let width = (hw + chunks - 1) / chunks
        scratch.reserve(workers: workers, count: pointwise ? 1 : s.k * width)
        BLAS.singleThreaded { Parallel.forEach(Swift.min(workers, items)) { worker in
            let col = scratch.buffer(worker)
            var item = worker
            while item < items {
                let i = item / chunks, p0 = (item % chunks) * width, p1 = Swift.min(hw, p0 + width)
                item += workers
                if p0 >= p1 { continue }
                let image = input.value + i * s.c * s.h * s.w
                let span = p1 - p0
                for g in 0..<s.groups {
                    let first = i * s.o + g * s.og
                    let c = output.value + first * hw + p0
                    let a = wp.value + g * s.og * s.k
                    let b: UnsafePointer<Float>, ldb: Int
                    if pointwise {
                        (b, ldb) = (image + g * s.cg * hw + p0, hw)
                    } else {
                        im2col(image, s, win, c0: g * s.cg, columns: p0..<p1, into: col)
                        (b, ldb) = (UnsafePointer(col), span)
                    }
                    // Few input channels, or a 1x1 convolution reading its input in place: the
                    // unpacked vector GEMM, epilogue in registers.
                    if s.k <= smallK || (pointwise && hw >= directPointwiseFrom), let act = epilogue.vectorActivation,
                       nets_gemm_smallk(s.og, span, s.k, a, s.k, b, ldb, c, hw, epilogue.biases.map { $0 + g * s.og },
                                        epilogue.residual.map { $0 + first * hw + p0 }, hw, act) != 0 {
                        continue
                    }
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(s.og), Int32(span), Int32(s.k), 1,
                                a, Int32(s.k), b, Int32(ldb), 0, c, Int32(hw))
                    for oc in g * s.og..<(g + 1) * s.og {
                        let offset = (i * s.o + oc) * hw + p0
                        epilogue.apply(output.value + offset, count: span, channel: oc, offset: offset)
                    }
                }
            }
        } }
    }

    /// The channel-blocked kernel for a 1x1 convolution with packed weights: items are images x
    /// ranges of output-channel blocks x ranges of positions. Fewer images than cores split
    /// each image into single blocks, and its positions too when the blocks do not divide
    /// evenly among the cores (9 blocks as 18 items rather than 3, 3 and 3, which left one core
    /// idle for a third of the layer). False when it does not apply.
    static func channelBlocked(_ input: UnsafeSendable<UnsafePointer<Float>>, _ s: Shape, _ packed: PackedWeights,
                               _ epilogue: Epilogue, _ output: UnsafeSendable<UnsafeMutablePointer<Float>>,
                               workers: Int) -> Bool {
        guard s.groups == 1, packed.outputs == s.o, packed.inputs == s.k,
              let act = epilogue.vectorActivation else { return false }
        let hw = s.ho * s.wo, blocks = packed.blocks
        let (parts, spans) = s.n >= workers ? (1, 1) : split(blocks: blocks, positions: hw, items: workers / s.n, inputs: s.k)
        let per = (blocks + parts - 1) / parts
        let span = ((hw + spans - 1) / spans + 15) / 16 * 16
        let failed = Atomic<Bool>(false)
        Parallel.forEach(s.n * parts * spans) { item in
            let i = item / (parts * spans), part = item % (parts * spans) / spans
            let b0 = part * per, b1 = Swift.min(blocks, b0 + per)
            let q0 = item % spans * span, q1 = Swift.min(hw, q0 + span)
            guard b0 < b1, q0 < q1 else { return }
            let done = packed.apply(input.value + i * s.c * hw, ldx: hw, positions: q0..<q1, blocks: b0..<b1,
                                    output.value + i * s.o * hw, ldy: hw, residual: epilogue.residual.map { $0 + i * s.o * hw },
                                    activation: act)
            if !done { failed.store(true, ordering: .relaxed) }
        }
        return !failed.load(ordering: .relaxed)
    }

    /// How one image's 1x1 convolution of `inputs` channels splits for `items` cores: (block
    /// ranges, position ranges). A projection (more input channels than output channels) over
    /// at least 128 positions splits by positions only: each core reads its share of the input,
    /// the bigger operand, once, where block ranges had every core read all of it (MobileNet's
    /// 144 -> 24 at 56 x 56, two cores: 0.186 -> 0.117 ms, alternating runs in one process).
    /// Otherwise single blocks, and position ranges of at least 64 positions (whole vectors of
    /// 16) until the items divide evenly among the cores, or there are four per core.
    static func split(blocks: Int, positions: Int, items: Int, inputs: Int) -> (Int, Int) {
        guard items > 1 else { return (1, 1) }
        if inputs > 16 * blocks && positions >= 128 { return (1, items) }
        var spans = 1
        while (blocks * spans) % items != 0 && blocks * spans < 4 * items && positions / (spans + 1) >= 64 { spans += 1 }
        return (blocks, spans)
    }

    /// Whether plans run their convolutions with few input channels (the stem) on the AVX-512
    /// kernel: off, as it measured slower than the AVX2 one on MobileNet's stem (0.51 against
    /// 0.41 ms, one core, release build); `NETS_WIDE_DIRECT=1` turns it on, for measuring.
    static let wideDirect = ProcessInfo.processInfo.environment["NETS_WIDE_DIRECT"] == "1"

    /// Images with fewer positions than this take the channel-blocked kernel for their 1x1
    /// convolutions (their rows are too short to vectorise over: 7 x 7 = 49 is three vectors and
    /// one lane).
    public static let channelBlockedBelow = 256

    /// Images with at least this many positions take the unpacked vector GEMM for their 1x1
    /// convolutions, reading the input in place rather than packing it.
    public static let directPointwiseFrom = 256

    /// Few input channels (a network's first layer): the vector kernel reads each output row's
    /// receptive fields straight from a padded copy of the input rows, with no im2col matrix and
    /// the epilogue in registers. Items are images x row ranges. False when it does not apply.
    /// `wide`: the AVX-512 kernel where it runs.
    static func direct(_ input: UnsafeSendable<UnsafePointer<Float>>, _ s: Shape, _ win: Window,
                       _ wp: UnsafeSendable<UnsafePointer<Float>>, _ epilogue: Epilogue,
                       _ output: UnsafeSendable<UnsafeMutablePointer<Float>>, workers: Int, wide: Bool = false) -> Bool {
        guard s.k <= smallK, win.dilation == (1, 1), win.stride.h == win.stride.w,
              let act = epilogue.vectorActivation, VectorKernels.active else { return false }
        let hw = s.ho * s.wo
        let chunks = Swift.min(s.ho, Swift.max(1, (4 * workers + s.n - 1) / s.n))
        let rows = (s.ho + chunks - 1) / chunks
        let failed = Atomic<Bool>(false)
        Parallel.forEach(s.n * chunks) { item in
            let i = item / chunks, oy0 = (item % chunks) * rows, oy1 = Swift.min(s.ho, oy0 + rows)
            guard oy0 < oy1 else { return }
            for g in 0..<s.groups {
                let first = i * s.o + g * s.og
                let src = input.value + (i * s.c + g * s.cg) * s.h * s.w, w = wp.value + g * s.og * s.k
                let dst = output.value + first * hw, bias = epilogue.biases.map { $0 + g * s.og }
                let residual = epilogue.residual.map { $0 + first * hw }
                if wide, nets_conv_rows_avx512(src, s.cg, s.h, s.w, w, s.og, win.kernel.h, win.kernel.w, win.stride.h,
                                               win.padding.top, win.padding.left, dst, s.ho, s.wo, oy0, oy1, bias,
                                               residual, act) != 0 {
                    continue
                }
                let done = nets_conv_rows(src, s.cg, s.h, s.w, w, s.og, win.kernel.h, win.kernel.w, win.stride.h,
                                          win.padding.top, win.padding.left, dst, s.ho, s.wo, oy0, oy1, bias,
                                          residual, act)
                if done == 0 { failed.store(true, ordering: .relaxed) }
            }
        }
        // Only when scratch memory could not be had; the caller's path then redoes every output.
        return !failed.load(ordering: .relaxed)
    }

    /// Largest receptive field (input channels x kernel taps) for which the unpacked vector GEMM
    /// beats OpenBLAS (which packs both operands first).
    static let smallK = 32

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
        Parallel.forEach(xs[0] * xs[1]) { p in
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

    /// Global pooling over all positions after the first two axes, into caller-owned memory:
    /// ranges of planes spread over the cores when there are many, each range's means and totals
    /// summed by the AVX-512 kernel where it runs, else by the AVX2 one, else plane by plane.
    public static func globalInference(_ x: UnsafePointer<Float>, planes: Int, size: Int, _ f: Function,
                                       output y: UnsafeMutablePointer<Float>) {
        let parts = planes * size >= 1 << 15 ? Swift.max(1, Swift.min(Parallel.workers, planes)) : 1
        let per = (planes + parts - 1) / parts
        let input = UnsafeSendable(x), output = UnsafeSendable(y)
        Parallel.forEach(parts) { part in
            let p0 = part * per, p1 = Swift.min(planes, p0 + per)
            guard p0 < p1 else { return }
            if f != .max, nets_global_sum_avx512(input.value + p0 * size, p1 - p0, size, f == .mean ? 1 : 0,
                                                 output.value + p0) != 0
                || nets_global_sum_avx2(input.value + p0 * size, p1 - p0, size, f == .mean ? 1 : 0, output.value + p0) != 0 {
                return
            }
            for p in p0..<p1 {
                let src = input.value + p * size
                var acc: Float = f == .max ? -.infinity : 0
                for i in 0..<size { acc = f == .max ? Swift.max(acc, src[i]) : acc + src[i] }
                output.value[p] = f == .mean ? acc / Float(Swift.max(size, 1)) : acc
            }
        }
    }
}

extension Linear {
    /// y (N x O) = x (N x K) Wᵀ + biases into caller-owned memory, for a batch too large for
    /// the packed kernel's row-at-a-time product: the output columns split over the cores, each
    /// share one single-threaded OpenBLAS product that reads its rows of W once for the batch.
    public static func inference(_ x: UnsafePointer<Float>, rows n: Int, weights w: Tensor, biases b: Tensor?,
                                 output y: UnsafeMutablePointer<Float>) {
        let o = w.shape[0], k = w.count / Swift.max(o, 1)
        let parts = Swift.max(1, Swift.min(Parallel.workers, o / 64))
        let per = (o + parts - 1) / parts
        let input = UnsafeSendable(x), weights = UnsafeSendable(UnsafePointer(w.storage.pointer)), output = UnsafeSendable(y)
        let biases = b.map { UnsafeSendable(UnsafePointer($0.storage.pointer)) }
        BLAS.singleThreaded {
            Parallel.forEach(parts) { part in
                let j0 = part * per, j1 = Swift.min(o, j0 + per)
                guard j0 < j1 else { return }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(j1 - j0), Int32(k), 1, input.value,
                            Int32(k), weights.value + j0 * k, Int32(k), 0, output.value + j0, Int32(o))
                guard let bp = biases?.value else { return }
                for i in 0..<n {
                    let row = output.value + i * o
                    for j in j0..<j1 { row[j] += bp[j] }
                }
            }
        }
    }
}
