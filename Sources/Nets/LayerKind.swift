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

    func valid() throws {
        guard kernel.count == 2, stride.count == 2, dilation.count == 2,
              (kernel + stride + dilation).allSatisfy({ $0 > 0 }) else {
            throw NetError("invspec", "kernel, stride and dilation must be pairs of positive integers")
        }
        if case .explicit(let t, let b, let l, let r) = padding, [t, b, l, r].contains(where: { $0 < 0 }) {
            throw NetError("invspec", "padding sizes must be non-negative")
        }
    }
}

/// The loss a loss layer computes.
public enum LossKind: String, Sendable, Equatable, Codable {
    case crossEntropyIndex = "Index", crossEntropyProbabilities = "Probabilities", crossEntropyBinary = "Binary"
    case meanSquared = "MeanSquared", meanAbsolute = "MeanAbsolute"
}

/// What a layer computes and the parameters that are not arrays.
public enum LayerKind: Sendable, Equatable, Codable {
    /// Output of the given shape (nil: inferred from what follows); with or without biases.
    case linear(output: Shape?, biases: Bool)
    case softmax
    case elementwise(ElementwiseFunction)
    case convolution(channels: Int?, window: WindowSpec, groups: Int, biases: Bool)
    case pooling(WindowSpec, Pooling.Function)
    case aggregation(Pooling.Function)
    case batchNorm(epsilon: Float, momentum: Float)
    case dropout(Float)
    case flatten
    case reshape(Shape)
    case catenate
    case total
    case loss(LossKind)

    /// The layer's head in the language: `LinearLayer`, `ConvolutionLayer`...
    public var name: String {
        switch self {
        case .linear: return "LinearLayer"
        case .softmax: return "SoftmaxLayer"
        case .elementwise: return "ElementwiseLayer"
        case .convolution: return "ConvolutionLayer"
        case .pooling: return "PoolingLayer"
        case .aggregation: return "AggregationLayer"
        case .batchNorm: return "BatchNormalizationLayer"
        case .dropout: return "DropoutLayer"
        case .flatten: return "FlattenLayer"
        case .reshape: return "ReshapeLayer"
        case .catenate: return "CatenateLayer"
        case .total: return "TotalLayer"
        case .loss(let l):
            switch l {
            case .crossEntropyIndex, .crossEntropyProbabilities, .crossEntropyBinary: return "CrossEntropyLossLayer"
            case .meanSquared: return "MeanSquaredLossLayer"
            case .meanAbsolute: return "MeanAbsoluteLossLayer"
            }
        }
    }

    /// Names of the learned arrays, in the order `Information` lists them.
    public var arrayNames: [String] {
        switch self {
        case .linear(_, let b), .convolution(_, _, _, let b): return b ? ["Weights", "Biases"] : ["Weights"]
        case .batchNorm: return ["Scaling", "Biases", "MovingMean", "MovingVariance"]
        default: return []
        }
    }

    /// Whether the layer takes any number of inputs (Catenate, Total) rather than one.
    public var isVariadic: Bool { self == .catenate || self == .total }

    /// Whether the output is random while training (dropout).
    public var isStochastic: Bool {
        if case .dropout = self { return true }
        return false
    }
}
