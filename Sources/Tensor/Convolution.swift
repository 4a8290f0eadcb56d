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
        guard x.rank == 4, wts.rank == 4 else { throw TensorError.shape("convolution", x.shape, wts.shape) }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let o = wts.shape[0]
        guard groups >= 1, c % groups == 0, o % groups == 0, wts.shape[1] == c / groups,
              wts.shape[2] == win.kernel.h, wts.shape[3] == win.kernel.w else {
            throw TensorError("convolution: input \(x.shape) and weights \(wts.shape) do not fit \(groups) group(s) with a \(win.kernel.h)x\(win.kernel.w) kernel")
        }
        let (ho, wo) = try win.output(h, w)
        return Shape(n: n, c: c, h: h, w: w, o: o, ho: ho, wo: wo, groups: groups, k: (c / groups) * win.kernel.h * win.kernel.w)
    }

    /// Copies the receptive fields of channels [c0, c0+cg) of one image into a K x (ho*wo) matrix.
    static func im2col(_ src: UnsafePointer<Float>, _ s: Shape, _ win: Window, c0: Int, into col: UnsafeMutablePointer<Float>) {
        let hw = s.ho * s.wo
        var row = 0
        for c in c0..<(c0 + s.cg) {
            let plane = src + c * s.h * s.w
            for ki in 0..<win.kernel.h {
                for kj in 0..<win.kernel.w {
                    let dst = col + row * hw
                    for oy in 0..<s.ho {
                        let iy = oy * win.stride.h - win.padding.top + ki * win.dilation.h
                        if iy < 0 || iy >= s.h {
                            (dst + oy * s.wo).update(repeating: 0, count: s.wo)
                            continue
                        }
                        let line = plane + iy * s.w
                        for ox in 0..<s.wo {
                            let ix = ox * win.stride.w - win.padding.left + kj * win.dilation.w
                            dst[oy * s.wo + ox] = ix >= 0 && ix < s.w ? line[ix] : 0
                        }
                    }
                    row += 1
                }
            }
        }
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
                    for oy in 0..<s.ho {
                        let iy = oy * win.stride.h - win.padding.top + ki * win.dilation.h
                        if iy < 0 || iy >= s.h { continue }
                        for ox in 0..<s.wo {
                            let ix = ox * win.stride.w - win.padding.left + kj * win.dilation.w
                            if ix >= 0 && ix < s.w { plane[iy * s.w + ix] += srcRow[oy * s.wo + ox] }
                        }
                    }
                    row += 1
                }
            }
        }
    }

    /// y = conv(x, weights) + biases.
    public static func forward(_ x: Tensor, weights wts: Tensor, biases b: Tensor?, window win: Window, groups: Int = 1) throws -> Tensor {
        let s = try shape(x, wts, win, groups)
        if let b, b.shape != [s.o] { throw TensorError.shape("convolution biases", b.shape, [s.o]) }
        var y = try Tensor(shape: [s.n, s.o, s.ho, s.wo])
        let hw = s.ho * s.wo
        let xp = x.storage.pointer, wp = wts.storage.pointer
        if s.cg == 1 && s.og == 1 {
            y.withUnsafeMutableBufferPointer { out in
                guard let yp = out.baseAddress else { return }
                depthwise(xp, wp, s, win, yp)
            }
        } else {
            let col = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(s.k * hw, 1))
            defer { col.deallocate() }
            y.withUnsafeMutableBufferPointer { out in
                guard let yp = out.baseAddress else { return }
                for i in 0..<s.n {
                    for g in 0..<s.groups {
                        im2col(xp + i * s.c * s.h * s.w, s, win, c0: g * s.cg, into: col)
                        BLAS.gemm(transA: false, transB: false, m: s.og, n: hw, k: s.k,
                                  a: wp + g * s.og * s.k, b: col, c: yp + (i * s.o + g * s.og) * hw)
                    }
                }
            }
        }
        if let b {
            let bp = b.storage.pointer
            y.withUnsafeMutableBufferPointer { out in
                for i in 0..<s.n { for o in 0..<s.o { for p in 0..<hw { out[(i * s.o + o) * hw + p] += bp[o] } } }
            }
        }
        return y
    }

    /// Depthwise convolution computed directly, images spread over the cores.
    static func depthwise(_ xp: UnsafePointer<Float>, _ wp: UnsafePointer<Float>, _ s: Shape, _ win: Window,
                          _ yp: UnsafeMutablePointer<Float>) {
        let kh = win.kernel.h, kw = win.kernel.w
        let planes = s.n * s.c
        let input = UnsafeSendable(xp), kernel = UnsafeSendable(wp), output = UnsafeSendable(yp)
        // Each plane (image, channel) is written by exactly one worker.
        DispatchQueue.concurrentPerform(iterations: planes) { p in
            let c = p % s.c
            let src = input.value + p * s.h * s.w, dst = output.value + p * s.ho * s.wo, k = kernel.value + c * kh * kw
            for oy in 0..<s.ho {
                for ox in 0..<s.wo {
                    var acc: Float = 0
                    for ki in 0..<kh {
                        let iy = oy * win.stride.h - win.padding.top + ki * win.dilation.h
                        if iy < 0 || iy >= s.h { continue }
                        for kj in 0..<kw {
                            let ix = ox * win.stride.w - win.padding.left + kj * win.dilation.w
                            if ix >= 0 && ix < s.w { acc += src[iy * s.w + ix] * k[ki * kw + kj] }
                        }
                    }
                    dst[oy * s.wo + ox] = acc
                }
            }
        }
    }

    /// Gradients (dx, dW, db) of the convolution from dy.
    public static func backward(_ x: Tensor, weights wts: Tensor, window win: Window, groups: Int = 1,
                                gradient dy: Tensor) throws -> (Tensor, Tensor, Tensor) {
        let s = try shape(x, wts, win, groups)
        guard dy.shape == [s.n, s.o, s.ho, s.wo] else { throw TensorError.shape("convolution backward", dy.shape, [s.n, s.o, s.ho, s.wo]) }
        let hw = s.ho * s.wo
        var dx = try Tensor(shape: x.shape), dw = try Tensor(shape: wts.shape), db = try Tensor(shape: [s.o])
        let xp = x.storage.pointer, wp = wts.storage.pointer, gp = dy.storage.pointer
        let col = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(s.k * hw, 1))
        defer { col.deallocate() }
        dx.withUnsafeMutableBufferPointer { dxb in
            dw.withUnsafeMutableBufferPointer { dwb in
                guard let dxp = dxb.baseAddress, let dwp = dwb.baseAddress else { return }
                for i in 0..<s.n {
                    for g in 0..<s.groups {
                        let gy = gp + (i * s.o + g * s.og) * hw
                        // dW_g += dY_g · colᵀ
                        im2col(xp + i * s.c * s.h * s.w, s, win, c0: g * s.cg, into: col)
                        BLAS.gemm(transA: false, transB: true, m: s.og, n: s.k, k: hw, a: gy, b: col, beta: 1,
                                  c: dwp + g * s.og * s.k)
                        // dcol = W_gᵀ · dY_g, then scatter back into dx
                        BLAS.gemm(transA: true, transB: false, m: s.k, n: hw, k: s.og, a: wp + g * s.og * s.k, b: gy, c: col)
                        col2im(col, s, win, c0: g * s.cg, into: dxp + i * s.c * s.h * s.w)
                    }
                }
            }
        }
        db.withUnsafeMutableBufferPointer { d in
            for i in 0..<s.n { for o in 0..<s.o { for p in 0..<hw { d[o] += gp[(i * s.o + o) * hw + p] } } }
        }
        return (dx, dw, db)
    }
}

/// A pointer handed to concurrent workers that write disjoint parts of one buffer.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
