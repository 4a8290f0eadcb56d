import Dispatch

/// Max, mean and total pooling over NCHW data, and global (spatial) pooling. Padding takes no
/// part in a maximum; mean pooling divides by the full window size, padding included.
public enum Pooling {
    public enum Function: String, Sendable, Codable { case max, mean, total }

    public static func forward(_ x: Tensor, _ f: Function, window win: Window) throws -> Tensor {
        guard x.rank == 4 else { throw TensorError("pooling needs NCHW input, not shape \(x.shape)") }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (ho, wo) = try win.output(h, w)
        var y = try Tensor(shape: [n, c, ho, wo])
        let size = Float(win.kernel.h * win.kernel.w)
        let input = UnsafeSendable(x.storage.pointer)
        y.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            let output = UnsafeSendable(base)
            // Each plane (image, channel) is pooled by one worker.
            Parallel.forEach(n * c) { p in
                let src = input.value + p * h * w
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        var acc: Float = f == .max ? -.infinity : 0
                        forEachInput(oy, ox, win, h, w) { idx in
                            acc = f == .max ? Swift.max(acc, src[idx]) : acc + src[idx]
                        }
                        output.value[(p * ho + oy) * wo + ox] = f == .mean ? acc / size : acc
                    }
                }
            }
        }
        return y
    }

    /// Calls body with the flat index of each in-bounds input of output (oy, ox).
    @inline(__always)
    static func forEachInput(_ oy: Int, _ ox: Int, _ win: Window, _ h: Int, _ w: Int, _ body: (Int) -> Void) {
        for ki in 0..<win.kernel.h {
            let iy = oy * win.stride.h - win.padding.top + ki * win.dilation.h
            if iy < 0 || iy >= h { continue }
            for kj in 0..<win.kernel.w {
                let ix = ox * win.stride.w - win.padding.left + kj * win.dilation.w
                if ix >= 0 && ix < w { body(iy * w + ix) }
            }
        }
    }

    /// dx from dy: max routes each gradient to the (first) largest input of its window.
    public static func backward(_ x: Tensor, _ f: Function, window win: Window, gradient dy: Tensor) throws -> Tensor {
        guard x.rank == 4 else { throw TensorError("pooling needs NCHW input, not shape \(x.shape)") }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (ho, wo) = try win.output(h, w)
        guard dy.shape == [n, c, ho, wo] else { throw TensorError.shape("pooling backward", dy.shape, [n, c, ho, wo]) }
        var dx = try Tensor(shape: x.shape)
        let xp = x.storage.pointer, gp = dy.storage.pointer
        let size = Float(win.kernel.h * win.kernel.w)
        dx.withUnsafeMutableBufferPointer { d in
            for p in 0..<(n * c) {
                let src = xp + p * h * w
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        let g = gp[(p * ho + oy) * wo + ox]
                        if f == .max {
                            var best: Float = -.infinity, at = -1
                            forEachInput(oy, ox, win, h, w) { idx in if src[idx] > best { best = src[idx]; at = idx } }
                            if at >= 0 { d[p * h * w + at] += g }
                        } else {
                            let share = f == .mean ? g / size : g
                            forEachInput(oy, ox, win, h, w) { idx in d[p * h * w + idx] += share }
                        }
                    }
                }
            }
        }
        return dx
    }

    /// Global pooling: N x C x H x W to N x C.
    public static func global(_ x: Tensor, _ f: Function) throws -> Tensor {
        guard x.rank == 4 else { throw TensorError("global pooling needs NCHW input, not shape \(x.shape)") }
        let (n, c) = (x.shape[0], x.shape[1])
        let win = Window(kernel: (x.shape[2], x.shape[3]))
        return try forward(x, f, window: win).reshaped([n, c])
    }

    public static func globalBackward(_ x: Tensor, _ f: Function, gradient dy: Tensor) throws -> Tensor {
        guard x.rank == 4 else { throw TensorError("global pooling needs NCHW input, not shape \(x.shape)") }
        let win = Window(kernel: (x.shape[2], x.shape[3]))
        return try backward(x, f, window: win, gradient: dy.reshaped([x.shape[0], x.shape[1], 1, 1]))
    }
}
