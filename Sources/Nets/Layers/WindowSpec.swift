import Tensor

/// Padding of a convolution or pooling window: explicit sizes before and after each spatial
/// axis, or "Same" (output size = ceil(input / stride)).
public enum Padding: Sendable, Equatable, Codable {
    case explicit(top: Int, bottom: Int, left: Int, right: Int)
    case same

    public static let none = Padding.explicit(top: 0, bottom: 0, left: 0, right: 0)
}

/// The geometry shared by ConvolutionLayer and PoolingLayer.
public struct WindowSpec: Sendable, Equatable, Codable {
    public var kernel: [Int]
    public var stride: [Int]
    public var padding: Padding
    public var dilation: [Int]

    public init(kernel: [Int], stride: [Int] = [1, 1], padding: Padding = .none, dilation: [Int] = [1, 1]) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
    }

    /// The concrete window for an input of spatial size h x w, computed with overflow-checked
    /// arithmetic; a window that does not fit the (padded) input throws. `Window`'s own
    /// arithmetic then runs only on sizes that fit.
    func window(_ h: Int, _ w: Int) throws -> Window {
        try validate()
        let k = (kernel[0], kernel[1]), s = (stride[0], stride[1]), d = (dilation[0], dilation[1])
        let pads: (Int, Int, Int, Int)
        switch padding {
        case .same:
            let (t, b) = try Self.samePadding(h, kernel[0], stride[0], dilation[0])
            let (l, r) = try Self.samePadding(w, kernel[1], stride[1], dilation[1])
            pads = (t, b, l, r)
        case .explicit(let t, let b, let l, let r): pads = (t, b, l, r)
        }
        let ph = try Sizes.add(Sizes.add(h, pads.0), pads.1), pw = try Sizes.add(Sizes.add(w, pads.2), pads.3)
        let eh = try Self.extent(kernel[0], dilation[0]), ew = try Self.extent(kernel[1], dilation[1])
        guard h > 0, w > 0, ph >= eh, pw >= ew else {
            throw NetError.incompatible("a \(kernel[0])x\(kernel[1]) window (dilation \(dilation[0])x\(dilation[1])) does not fit a padded \(ph)x\(pw) input")
        }
        // The padded plane bounds the scratch memory of the kernels (they copy it, by phases of
        // the stride).
        try Sizes.count([ph, pw], "the padded input plane")
        // A stride past the padded size leaves one output at the start, as the padded size does;
        // the kernels' scratch grows with the stride, so it is capped there.
        return Window(kernel: k, stride: (Swift.min(s.0, ph), Swift.min(s.1, pw)), padding: pads, dilation: d)
    }

    /// The extent `d * (k - 1) + 1` of a dilated kernel.
    static func extent(_ k: Int, _ d: Int) throws -> Int {
        try Sizes.add(Sizes.multiply(d, Sizes.subtract(k, 1)), 1)
    }

    /// Padding before and after an axis of size n that makes the output ceil(n / s) long.
    static func samePadding(_ n: Int, _ k: Int, _ s: Int, _ d: Int) throws -> (Int, Int) {
        guard n > 0 else { throw NetError.incompatible("a window needs a spatial size of at least 1, not \(n)") }
        let out = (n - 1) / s + 1
        let span = try Sizes.add(Sizes.multiply(out - 1, s), extent(k, d))
        let total = Swift.max(0, span - n)
        return (total / 2, total - total / 2)
    }

    /// `(n + before + after - (d * (k - 1) + 1)) / s + 1`, which must be positive.
    static func outputLength(_ n: Int, _ k: Int, _ s: Int, _ d: Int, _ before: Int, _ after: Int) throws -> Int {
        let padded = try Sizes.add(Sizes.add(n, before), after), e = try extent(k, d)
        guard n > 0, padded >= e else {
            throw NetError.incompatible("a window of \(k) (dilation \(d)) does not fit a padded size of \(padded)")
        }
        return (padded - e) / s + 1
    }

    func validate() throws {
        guard kernel.count == 2, stride.count == 2, dilation.count == 2,
              (kernel + stride + dilation).allSatisfy({ $0 > 0 }) else {
            throw NetError("invspec", "kernel, stride and dilation must be pairs of positive integers")
        }
        if case .explicit(let t, let b, let l, let r) = padding, [t, b, l, r].contains(where: { $0 < 0 }) {
            throw NetError("invspec", "padding sizes must be non-negative")
        }
    }

    /// Throws unless `x` is a per-example {channels, height, width} shape, as `layer` needs.
    func checkInput(_ x: Shape, of layer: String) throws {
        guard x.count == 3 else { throw NetError.incompatible("\(layer) needs an input of dimensions {channels, height, width}, not \(describe(x))") }
    }

    /// The output's spatial size for a per-example {channels, height, width} input.
    func outputSize(_ x: Shape) throws -> (Int, Int) {
        let win = try window(x[1], x[2])
        let p = win.padding
        return (try Self.outputLength(x[1], kernel[0], stride[0], dilation[0], p.top, p.bottom),
                try Self.outputLength(x[2], kernel[1], stride[1], dilation[1], p.left, p.right))
    }
}
