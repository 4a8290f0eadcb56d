import CKernels
@preconcurrency import COpenBLAS
import Dispatch

/// Geometry of a 2-D convolution or pooling window over NCHW data.
public struct Window: Sendable, Equatable {
    public var kernel: (h: Int, w: Int)
    public var stride: (h: Int, w: Int) = (1, 1)
    /// Zeros added before and after each spatial axis.
    public var padding: (top: Int, bottom: Int, left: Int, right: Int) = (0, 0, 0, 0)
    public var dilation: (h: Int, w: Int) = (1, 1)

    public init(kernel: (Int, Int), stride: (Int, Int) = (1, 1), padding: (Int, Int, Int, Int) = (0, 0, 0, 0),
                dilation: (Int, Int) = (1, 1)) {
        self.kernel = (kernel.0, kernel.1)
        self.stride = (stride.0, stride.1)
        self.padding = (padding.0, padding.1, padding.2, padding.3)
        self.dilation = (dilation.0, dilation.1)
    }

    /// "Same" padding for stride 1 (and the usual split for larger strides): output size is
    /// ceil(input / stride).
    public static func same(kernel: (Int, Int), stride: (Int, Int) = (1, 1), dilation: (Int, Int) = (1, 1),
                            input: (Int, Int)) -> Window {
        func pads(_ n: Int, _ k: Int, _ s: Int, _ d: Int) -> (Int, Int) {
            let out = (n + s - 1) / s
            let total = Swift.max(0, (out - 1) * s + d * (k - 1) + 1 - n)
            return (total / 2, total - total / 2)
        }
        let ph = pads(input.0, kernel.0, stride.0, dilation.0), pw = pads(input.1, kernel.1, stride.1, dilation.1)
        return Window(kernel: kernel, stride: stride, padding: (ph.0, ph.1, pw.0, pw.1), dilation: dilation)
    }

    /// Output spatial size for an input size, or a TensorError when the window does not fit.
    public func output(_ h: Int, _ w: Int) throws -> (Int, Int) {
        guard kernel.h > 0, kernel.w > 0, stride.h > 0, stride.w > 0, dilation.h > 0, dilation.w > 0,
              padding.top >= 0, padding.bottom >= 0, padding.left >= 0, padding.right >= 0 else {
            throw TensorError("invalid window: kernel \(kernel), stride \(stride), dilation \(dilation), padding \(padding)")
        }
        let eh = dilation.h * (kernel.h - 1) + 1, ew = dilation.w * (kernel.w - 1) + 1
        let ph = h + padding.top + padding.bottom, pw = w + padding.left + padding.right
        guard ph >= eh, pw >= ew else {
            throw TensorError("a \(kernel.h)x\(kernel.w) window (dilation \(dilation.h)x\(dilation.w)) does not fit a padded \(ph)x\(pw) input")
        }
        return ((ph - eh) / stride.h + 1, (pw - ew) / stride.w + 1)
    }

    public static func == (a: Window, b: Window) -> Bool {
        a.kernel == b.kernel && a.stride == b.stride && a.padding == b.padding && a.dilation == b.dilation
    }
}

/// 2-D convolution over NCHW data: im2col + GEMM, with a direct kernel for depthwise
/// convolutions (one input channel per group); backward by GEMM + col2im.
public enum Convolution {
    struct Shape: Sendable {
        let n, c, h, w, o, ho, wo, groups: Int
        var cg: Int { c / groups }
        var og: Int { o / groups }
        var k: Int  // cg * kh * kw
    }

    static func shape(_ x: Tensor, _ wts: Tensor, _ win: Window, _ groups: Int) throws -> Shape {
        try shape(x.shape, wts, win, groups)
    }

    static func shape(_ xs: [Int], _ wts: Tensor, _ win: Window, _ groups: Int) throws -> Shape {
        guard xs.count == 4, wts.rank == 4 else { throw TensorError.shape("convolution", xs, wts.shape) }
        let (n, c, h, w) = (xs[0], xs[1], xs[2], xs[3])
        let o = wts.shape[0]
        guard groups >= 1, c % groups == 0, o % groups == 0, wts.shape[1] == c / groups,
              wts.shape[2] == win.kernel.h, wts.shape[3] == win.kernel.w else {
            throw TensorError("convolution: input \(xs) and weights \(wts.shape) do not fit \(groups) group(s) with a \(win.kernel.h)x\(win.kernel.w) kernel")
        }
        let (ho, wo) = try win.output(h, w)
        return Shape(n: n, c: c, h: h, w: w, o: o, ho: ho, wo: wo, groups: groups, k: (c / groups) * win.kernel.h * win.kernel.w)
    }

    /// Adds a K x (ho*wo) matrix of receptive-field gradients back into channels [c0, c0+cg).
    static func col2im(_ col: UnsafePointer<Float>, _ s: Shape, _ win: Window, c0: Int, into dst: UnsafeMutablePointer<Float>) {
        let hw = s.ho * s.wo
        var row = 0
        for c in c0..<(c0 + s.cg) {
            let plane = dst + c * s.h * s.w
            for ki in 0..<win.kernel.h {
                for kj in 0..<win.kernel.w {
                    let srcRow = col + row * hw
                    let (lo, hi, off) = validRange(kj, s, win)
                    let sw = win.stride.w
                    row += 1
                    if lo >= hi { continue }
                    for oy in 0..<s.ho {
                        let iy = oy * win.stride.h - win.padding.top + ki * win.dilation.h
                        if iy < 0 || iy >= s.h { continue }
                        let line = plane + iy * s.w, g = srcRow + oy * s.wo
                        if sw == 1 {
                            Lanes.axpy(1, g + lo, line + lo + off, hi - lo)
                        } else {
                            for ox in lo..<hi { line[ox * sw + off] += g[ox] }
                        }
                    }
                }
            }
        }
    }

    /// A 1x1 window with stride 1, no padding and no dilation: the input is its own im2col.
    static func isPointwise(_ win: Window) -> Bool {
        win.kernel == (1, 1) && win.stride == (1, 1) && win.padding == (0, 0, 0, 0)
    }

    /// y = conv(x, weights) + biases, through the inference kernel (work spread over images or
    /// columns, biases added in the same pass). With a workspace, the im2col scratch and the
    /// output's memory are reused from one call to the next.
    public static func forward(_ x: Tensor, weights wts: Tensor, biases b: Tensor?, window win: Window, groups: Int = 1,
                               workspace: Workspace? = nil) throws -> Tensor {
        let s = try shape(x, wts, win, groups)
        if let b, b.shape != [s.o] { throw TensorError.shape("convolution biases", b.shape, [s.o]) }
        // The kernel writes every output element (GEMM with beta 0, or whole depthwise planes).
        var y = try workspace?.takeOutput([s.n, s.o, s.ho, s.wo]) ?? Tensor(uninitialized: [s.n, s.o, s.ho, s.wo])
        let scratch = workspace?.columns ?? Scratch()
        try y.withUnsafeMutableBufferPointer { out in
            guard let yp = out.baseAddress else { return }
            let epilogue = Epilogue(biases: b.map { UnsafePointer($0.storage.pointer) })
            try inference(x.storage.pointer, shape: x.shape, weights: wts, window: win, groups: groups, epilogue: epilogue, output: yp, scratch: scratch)
        }
        return workspace?.keep(y) ?? y
    }

    /// Depthwise convolution computed directly, images spread over the cores. `wide`: small
    /// planes of a 3x3 stride-1 convolution take the flat kernel (inference plans only), in
    /// AVX-512 where it runs, else in AVX2 (one core, AMD EPYC, best of 50: 576 planes of 14 x 14
    /// 0.079 ms against 0.111 row by row, 960 of 7 x 7 0.040 against 0.088).
    static func depthwise(_ xp: UnsafePointer<Float>, _ wp: UnsafePointer<Float>, _ s: Shape, _ win: Window,
                          _ yp: UnsafeMutablePointer<Float>, epilogue: Epilogue? = nil, wide: Bool = false) {
        let kh = win.kernel.h, kw = win.kernel.w
        let planes = s.n * s.c
        let input = UnsafeSendable(xp), kernel = UnsafeSendable(wp), output = UnsafeSendable(yp)
        // Each plane (image, channel) is written by exactly one worker. Rows accumulate
        // contiguous runs (dst[ox] += w * src[ox*stride + offset]) that the compiler vectorizes.
        // Small planes go in runs of several, about eight runs per core, so that the cores do not
        // contend for the loop's counter hundreds of times per layer (960 planes of 7 x 7).
        let run = Swift.max(1, Swift.min(planes / (8 * Parallel.workers), 4096 / Swift.max(1, s.ho * s.wo)))
        let flat = wide && kh == 3 && kw == 3 && win.dilation == (1, 1) && win.stride == (1, 1) && s.wo == s.w
            && s.ho * s.wo <= 256
        Parallel.forEach((planes + run - 1) / run) { r in
            let p0 = r * run, p1 = Swift.min(planes, (r + 1) * run)
            if flat, let e = epilogue, let act = e.vectorActivation,
               nets_depthwise3x3_flat_avx512(input.value, p0, p1, s.c, s.h, s.w, kernel.value, e.biases, win.padding.top,
                                             win.padding.left, output.value, s.ho, s.wo, e.residual, act) != 0
                || nets_depthwise3x3_flat_avx2(input.value, p0, p1, s.c, s.h, s.w, kernel.value, e.biases, win.padding.top,
                                               win.padding.left, output.value, s.ho, s.wo, e.residual, act) != 0 {
                return
            }
            for p in p0..<p1 {
                let c = p % s.c
                let src = input.value + p * s.h * s.w, dst = output.value + p * s.ho * s.wo, k = kernel.value + c * kh * kw
                if kh == 3 && kw == 3 && win.dilation == (1, 1) && win.stride.h == win.stride.w && win.stride.h <= 2 {
                    // The vector kernel, epilogue in registers, when the CPU has AVX2 and FMA.
                    let e = epilogue ?? Epilogue()
                    if let act = e.vectorActivation,
                       nets_depthwise3x3(src, s.h, s.w, k, win.stride.h, win.padding.top, win.padding.left, dst, s.ho, s.wo,
                                         e.biases?[c] ?? 0, e.residual.map { $0 + p * s.ho * s.wo }, act) != 0 {
                        continue
                    }
                    depthwise3x3Plane(src, k, s, win, dst)
                    epilogue?.apply(dst, count: s.ho * s.wo, channel: c, offset: p * s.ho * s.wo)
                    continue
                }
                dst.update(repeating: 0, count: s.ho * s.wo)
                for oy in 0..<s.ho {
                    let out = dst + oy * s.wo
                    for ki in 0..<kh {
                        let iy = oy * win.stride.h - win.padding.top + ki * win.dilation.h
                        if iy < 0 || iy >= s.h { continue }
                        let row = src + iy * s.w
                        for kj in 0..<kw {
                            let (lo, hi, off) = validRange(kj, s, win)
                            if lo >= hi { continue }
                            let wv = k[ki * kw + kj]
                            if win.stride.w == 1 {
                                Lanes.axpy(wv, row + lo + off, out + lo, hi - lo)
                            } else {
                                let sw = win.stride.w
                                for ox in lo..<hi { out[ox] += wv * row[ox * sw + off] }
                            }
                        }
                    }
                }
                epilogue?.apply(dst, count: s.ho * s.wo, channel: c, offset: p * s.ho * s.wo)
            }
        }
    }

    /// A plane of a 3x3 depthwise convolution with stride 1 or 2, in a single pass per row: the
    /// nine taps accumulate in registers, eight outputs at a time away from the borders.
    static func depthwise3x3Plane(_ src: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ s: Shape, _ win: Window,
                                  _ dst: UnsafeMutablePointer<Float>) {
        let sw = win.stride.w, pl = win.padding.left
        let w0 = SIMD8<Float>(repeating: k[0]), w1 = SIMD8<Float>(repeating: k[1]), w2 = SIMD8<Float>(repeating: k[2])
        let w3 = SIMD8<Float>(repeating: k[3]), w4 = SIMD8<Float>(repeating: k[4]), w5 = SIMD8<Float>(repeating: k[5])
        let w6 = SIMD8<Float>(repeating: k[6]), w7 = SIMD8<Float>(repeating: k[7]), w8 = SIMD8<Float>(repeating: k[8])
        // First output whose taps all lie inside a row; a vector at ox reads up to sample
        // sw * (ox + 7) - pl + 2 (one more for the stride-2 load).
        let first = Swift.min((pl + sw - 1) / sw, s.wo)
        let extra = sw == 2 ? 1 : 0
        @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
            sw == 1 ? UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) : UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self).evenHalf
        }
        for oy in 0..<s.ho {
            let out = dst + oy * s.wo
            let top = oy * win.stride.h - win.padding.top
            let r0: UnsafePointer<Float>? = top >= 0 && top < s.h ? src + top * s.w : nil
            let r1: UnsafePointer<Float>? = top + 1 >= 0 && top + 1 < s.h ? src + (top + 1) * s.w : nil
            let r2: UnsafePointer<Float>? = top + 2 >= 0 && top + 2 < s.h ? src + (top + 2) * s.w : nil
            @inline(__always) func scalar(_ ox: Int) -> Float {
                var acc: Float = 0
                for kj in 0..<3 {
                    let ix = ox * sw - pl + kj
                    guard ix >= 0 && ix < s.w else { continue }
                    if let r = r0 { acc += k[kj] * r[ix] }
                    if let r = r1 { acc += k[3 + kj] * r[ix] }
                    if let r = r2 { acc += k[6 + kj] * r[ix] }
                }
                return acc
            }
            var ox = 0
            while ox < first { out[ox] = scalar(ox); ox += 1 }
            while ox + 8 <= s.wo && sw * (ox + 7) - pl + 2 + extra < s.w {
                let at = ox * sw - pl
                var acc = SIMD8<Float>(repeating: 0)
                if let r = r0 { acc += w0 * load(r + at) + w1 * load(r + at + 1) + w2 * load(r + at + 2) }
                if let r = r1 { acc += w3 * load(r + at) + w4 * load(r + at + 1) + w5 * load(r + at + 2) }
                if let r = r2 { acc += w6 * load(r + at) + w7 * load(r + at + 1) + w8 * load(r + at + 2) }
                UnsafeMutableRawPointer(out + ox).storeBytes(of: acc, as: SIMD8<Float>.self)
                ox += 8
            }
            while ox < s.wo { out[ox] = scalar(ox); ox += 1 }
        }
    }

    /// For kernel column kj: the outputs [lo, hi) whose input column ox*stride + off is inside
    /// the image, and that offset.
    @inline(__always)
    static func validRange(_ kj: Int, _ s: Shape, _ win: Window) -> (Int, Int, Int) {
        let off = kj * win.dilation.w - win.padding.left
        let sw = win.stride.w
        let lo = off >= 0 ? 0 : (-off + sw - 1) / sw
        let hi = Swift.min(s.wo, off >= s.w ? 0 : (s.w - 1 - off) / sw + 1)
        return (lo, Swift.max(lo, hi), off)
    }

    /// Depthwise backward computed directly, channels spread over the cores: each worker owns
    /// one channel's kernel gradient and that channel's planes of dx.
    static func depthwiseBackward(_ xp: UnsafePointer<Float>, _ wp: UnsafePointer<Float>, _ gp: UnsafePointer<Float>,
                                  _ s: Shape, _ win: Window, _ dxp: UnsafeMutablePointer<Float>, _ dwp: UnsafeMutablePointer<Float>,
                                  remade: NormalizedOutput? = nil) {
        let kh = win.kernel.h, kw = win.kernel.w
        let input = UnsafeSendable(xp), kernel = UnsafeSendable(wp), grad = UnsafeSendable(gp)
        let dInput = UnsafeSendable(dxp), dKernel = UnsafeSendable(dwp)
        let vector = kh == 3 && kw == 3 && win.dilation == (1, 1) && win.stride.h == win.stride.w && VectorKernels.active
        Parallel.forEach(s.c) { c in
            let k = kernel.value + c * kh * kw, dk = dKernel.value + c * kh * kw
            // A remade input is made one image's channel at a time, in a buffer that stays in cache.
            let plane = remade.map { _ in UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(s.h * s.w, 1)) }
            defer { plane?.deallocate() }
            for i in 0..<s.n {
                let p = i * s.c + c
                var src = UnsafePointer(input.value + p * s.h * s.w)
                if let remade, let plane {
                    remade.make(plane: p, into: plane)
                    src = UnsafePointer(plane)
                }
                let dsrc = dInput.value + p * s.h * s.w
                let g = grad.value + p * s.ho * s.wo
                if vector && nets_depthwise3x3_backward(src, s.h, s.w, g, s.ho, s.wo, k, win.stride.h, win.padding.top,
                                                        win.padding.left, dsrc, dk) != 0 {
                    continue
                }
                for oy in 0..<s.ho {
                    let grow = g + oy * s.wo
                    for ki in 0..<kh {
                        let iy = oy * win.stride.h - win.padding.top + ki * win.dilation.h
                        if iy < 0 || iy >= s.h { continue }
                        let row = src + iy * s.w, drow = dsrc + iy * s.w
                        for kj in 0..<kw {
                            let (lo, hi, off) = validRange(kj, s, win)
                            if lo >= hi { continue }
                            let wv = k[ki * kw + kj]
                            let sw = win.stride.w
                            var acc: Float = 0
                            if sw == 1 {
                                acc = Lanes.dot(grow + lo, row + lo + off, hi - lo)
                                Lanes.axpy(wv, grow + lo, drow + lo + off, hi - lo)
                            } else {
                                for ox in lo..<hi { acc += grow[ox] * row[ox * sw + off] }
                                for ox in lo..<hi { drow[ox * sw + off] += grow[ox] * wv }
                            }
                            dk[ki * kw + kj] += acc
                        }
                    }
                }
            }
        }
    }

    /// Gradients (dx, dW, db) of the convolution from dy.
    public static func backward(_ x: Tensor, weights wts: Tensor, window win: Window, groups: Int = 1,
                                gradient dy: Tensor) throws -> (Tensor, Tensor, Tensor) {
        try backward(x, remade: nil, weights: wts, window: win, groups: groups, gradient: dy)
    }

    /// Gradients (dx, dW, db) of the convolution from dy, for an input that a batch
    /// normalization's training step can make again (`NormalizedOutput`): each image (or, for a
    /// depthwise convolution, each channel of an image) is made in a buffer that stays in cache
    /// just before the kernels read it, instead of the whole input through memory.
    public static func backward(_ input: NormalizedOutput, weights wts: Tensor, window win: Window, groups: Int = 1,
                                gradient dy: Tensor) throws -> (Tensor, Tensor, Tensor) {
        try backward(input.normalized, remade: input, weights: wts, window: win, groups: groups, gradient: dy)
    }

    /// `x`, or with `remade` the normalized values the input is made from.
    private static func backward(_ x: Tensor, remade: NormalizedOutput?, weights wts: Tensor, window win: Window, groups: Int,
                                 gradient dy: Tensor) throws -> (Tensor, Tensor, Tensor) {
        let s = try shape(x, wts, win, groups)
        guard dy.shape == [s.n, s.o, s.ho, s.wo] else { throw TensorError.shape("convolution backward", dy.shape, [s.n, s.o, s.ho, s.wo]) }
        let hw = s.ho * s.wo
        let pointwise = isPointwise(win)
        // A 1x1 convolution's dx is written whole by its GEMMs; the others add into zeros.
        let writesAll = pointwise && !(s.cg == 1 && s.og == 1) && s.og > 0
        var dx = writesAll ? try Tensor(uninitialized: x.shape) : try Tensor(shape: x.shape)
        var dw = try Tensor(shape: wts.shape), db = try Tensor(shape: [s.o])
        let xp = x.storage.pointer, wp = wts.storage.pointer, gp = dy.storage.pointer
        if s.cg == 1 && s.og == 1 {
            dx.withUnsafeMutableBufferPointer { dxb in
                dw.withUnsafeMutableBufferPointer { dwb in
                    guard let dxp = dxb.baseAddress, let dwp = dwb.baseAddress else { return }
                    depthwiseBackward(xp, wp, gp, s, win, dxp, dwp, remade: remade)
                }
            }
        } else {
            // Images are spread over the workers, each with single-threaded GEMMs, its own im2col
            // columns and its own weight-gradient sum; the sums are added at the end.
            let workers = Swift.min(Parallel.workers, s.n)
            let columns = pointwise ? 1 : Swift.max(s.k * hw, 1)
            let scratch = Scratch()
            scratch.reserve(workers: workers, count: columns)
            let partial = Scratch()
            partial.reserve(workers: workers, count: wts.count)
            let images = Scratch()
            if remade != nil { images.reserve(workers: workers, count: s.c * s.h * s.w) }
            let input = UnsafeSendable(UnsafePointer(xp)), weights = UnsafeSendable(UnsafePointer(wp)), grad = UnsafeSendable(UnsafePointer(gp))
            BLAS.singleThreaded { dx.withUnsafeMutableBufferPointer { dxb in
                guard let base = dxb.baseAddress else { return }
                let dInput = UnsafeSendable(base)
                Parallel.forEach(workers) { worker in
                    let col = scratch.buffer(worker), dwp = partial.buffer(worker)
                    dwp.update(repeating: 0, count: wts.count)
                    var i = worker
                    while i < s.n {
                        let size = s.c * s.h * s.w
                        // The image's input: in x, or made in the worker's buffer.
                        var source = UnsafePointer(input.value + i * size)
                        if let remade {
                            let buffer = images.buffer(worker)
                            for c in 0..<s.c { remade.make(plane: i * s.c + c, into: buffer + c * s.h * s.w) }
                            source = UnsafePointer(buffer)
                        }
                        for g in 0..<s.groups {
                            let gy = grad.value + (i * s.o + g * s.og) * hw
                            let offset = g * s.cg * s.h * s.w
                            let wg = weights.value + g * s.og * s.k
                            if pointwise {
                                BLAS.gemm(transA: false, transB: true, m: s.og, n: s.k, k: hw, a: gy, b: source + offset, beta: 1,
                                          c: dwp + g * s.og * s.k)
                                BLAS.gemm(transA: true, transB: false, m: s.k, n: hw, k: s.og, a: wg, b: gy,
                                          c: dInput.value + i * size + offset)
                                continue
                            }
                            // dW_g += dY_g · colᵀ
                            im2col(source, s, win, c0: g * s.cg, columns: 0..<hw, into: col)
                            BLAS.gemm(transA: false, transB: true, m: s.og, n: s.k, k: hw, a: gy, b: col, beta: 1, c: dwp + g * s.og * s.k)
                            // dcol = W_gᵀ · dY_g, then scattered back into dx
                            BLAS.gemm(transA: true, transB: false, m: s.k, n: hw, k: s.og, a: wg, b: gy, c: col)
                            col2im(col, s, win, c0: g * s.cg, into: dInput.value + i * s.c * s.h * s.w)
                        }
                        i += workers
                    }
                }
            } }
            dw.withUnsafeMutableBufferPointer { d in
                for w in 0..<workers {
                    let p = partial.buffer(w)
                    for k in 0..<wts.count { d[k] += p[k] }
                }
            }
        }
        db.withUnsafeMutableBufferPointer { d in
            guard let base = d.baseAddress else { return }
            let out = UnsafeSendable(base), grad = UnsafeSendable(UnsafePointer(gp))
            Parallel.forEach(s.o) { o in
                var total: Float = 0
                for i in 0..<s.n { total += Lanes.sum(grad.value + (i * s.o + o) * hw, hw) }
                out.value[o] = total
            }
        }
        return (dx, dw, db)
    }
}

/// A pointer handed to concurrent workers that write disjoint parts of one buffer.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
