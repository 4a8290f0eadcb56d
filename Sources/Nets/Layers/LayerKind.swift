import Tensor

/// The loss a loss layer computes.
public enum LossKind: String, Sendable, Equatable, Codable, CaseIterable {
    case crossEntropyIndex = "Index", crossEntropyProbabilities = "Probabilities", crossEntropyBinary = "Binary"
    case meanSquared = "MeanSquared", meanAbsolute = "MeanAbsolute"

    /// The loss layer that computes it.
    var operation: any LossOperator {
        switch self {
        case .crossEntropyIndex, .crossEntropyProbabilities, .crossEntropyBinary: return CrossEntropyLossLayer(form: self)
        case .meanSquared: return MeanSquaredLossLayer()
        case .meanAbsolute: return MeanAbsoluteLossLayer()
        }
    }
}

/// What a layer computes and the parameters that are not arrays: the spec of a layer, as the
/// Kernel builds it and the net file stores it.
///
/// Why an enum of specs rather than existential layer values: the Kernel constructs and
/// matches these cases (`.linear(output:biases:)`, `case .loss(let k)`), specs compare with
/// `==`, and the net file stores a layer's spec as this enum's derived `Codable` form
/// (`{"linear": {"output": [10], "biases": true}}`), so files written before stay readable bit
/// for bit. The enum is only the spec: everything a layer does lives in its `LayerOperator`
/// type (`Layers/`), which `operator` makes from the case. A new layer is its operator file plus
/// one case here and one line in `operator`.
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

    /// The type that implements the layer, made from this spec.
    var `operator`: any LayerOperator {
        switch self {
        case .linear(let output, let biases): return LinearLayer(output: output, biases: biases)
        case .softmax: return SoftmaxLayer()
        case .elementwise(let f): return ElementwiseLayer(function: f)
        case .convolution(let channels, let window, let groups, let biases):
            return ConvolutionLayer(channels: channels, window: window, groups: groups, biases: biases)
        case .pooling(let window, let f): return PoolingLayer(window: window, function: f)
        case .aggregation(let f): return AggregationLayer(function: f)
        case .batchNorm(let epsilon, let momentum): return BatchNormalizationLayer(epsilon: epsilon, momentum: momentum)
        case .dropout(let p): return DropoutLayer(probability: p)
        case .flatten: return FlattenLayer()
        case .reshape(let dims): return ReshapeLayer(dimensions: dims)
        case .catenate: return CatenateLayer()
        case .total: return TotalLayer()
        case .loss(let l): return l.operation
        }
    }

    /// The layer's head in the language: `LinearLayer`, `ConvolutionLayer`...
    public var name: String { self.operator.name }

    /// Names of the learned arrays, in the order `Information` lists them.
    public var arrayNames: [String] { self.operator.arrayNames }

    /// Whether the layer takes any number of inputs (Catenate, Total) rather than a fixed number.
    public var isVariadic: Bool { self.operator.inputCount == nil }

    /// Whether the output is random while training (dropout).
    public var isStochastic: Bool { self.operator.isStochastic }
}
