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

    /// The concrete window for an input of spatial size h x w.
    func window(_ h: Int, _ w: Int) -> Window {
        let k = (kernel[0], kernel[1]), s = (stride[0], stride[1]), d = (dilation[0], dilation[1])
        switch padding {
        case .same: return Window.same(kernel: k, stride: s, dilation: d, input: (h, w))
        case .explicit(let t, let b, let l, let r): return Window(kernel: k, stride: s, padding: (t, b, l, r), dilation: d)
        }
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
        do {
            return try window(x[1], x[2]).output(x[1], x[2])
        } catch let e as TensorError {
            throw NetError.incompatible(e.description)
        }
    }
}
