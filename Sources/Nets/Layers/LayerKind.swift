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
/// `==` for free, and a closed list lets the compiler check that every kind has an operator.
/// The enum is only the spec: everything a layer does, including how the net file writes and
/// reads its spec, lives in its `LayerOperator` type (`Layers/`), which `operation` makes from
/// the case. A new layer is its operator file plus, here, one case, one line in `operation` and
/// its type in `operatorTypes`.
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
    /// Vectors of the given size for indices 1...vocabulary (nil: inferred).
    case embedding(size: Int?, vocabulary: Int?)
    /// Recurrent layers with the given state size.
    case basicRecurrent(Int)
    case gatedRecurrent(Int)
    case longShortTermMemory(Int)
    case sequenceLast, sequenceMost, sequenceRest, sequenceReverse
    /// `AggregationLayer[f, 1]`: over the elements of a sequence.
    case sequenceAggregation(Pooling.Function)
    /// `AttentionLayer[...]`: keys, values and queries in; the attended values out.
    case attention(AttentionSpec)
    /// `NormalizationLayer[...]`: standardized blocks, scaled and shifted by learned arrays.
    case normalization(NormalizationSpec)
    /// `NetMapOperator[layer]`: the layer applied to each element of a sequence.
    indirect case map(LayerKind)
    /// `NetBidirectionalOperator[{forward, backward}]`: the two layers over the sequence and its
    /// reverse, their outputs joined.
    indirect case bidirectional(forward: LayerKind, backward: LayerKind)
    /// `DeconvolutionLayer`: a transposed convolution.
    case deconvolution(channels: Int?, window: WindowSpec, groups: Int, biases: Bool)
    /// `TransposeLayer[perm]`: levels reordered (1-based; input level k to output level perm[k]).
    case transpose([Int])
    /// `NetFoldOperator[net]`: a net folded over a sequence, its output fed back as its state.
    case fold(FoldSpec)
    /// `PartLayer[spec]`: the part `Part` takes, one spec per level.
    case part([PartSpec])
    /// `ResizeLayer[{d1, ...}]`: spatial levels resampled to new lengths.
    case resize(ResizeSpec)
    /// `ThreadingLayer[f]`: f over corresponding elements of the inputs, broadcast.
    case threading(ThreadingSpec)
    /// `ConstantArrayLayer[]`: no input, a learned array of the given dimensions out.
    case constantArray(Shape?)
    /// `CatenateLayer[n]` for a level other than the first (1-based; negative from the end).
    case catenateAt(Int)
    /// `PaddingLayer[{{m1, n1}, ...}]`: levels extended by margins.
    case padding(PaddingSpec)

    /// The type that implements the layer, made from this spec.
    var operation: any LayerOperator {
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
        case .catenateAt(let level): return CatenateLayer(level: level)
        case .padding(let spec): return PaddingLayer(spec: spec)
        case .total: return TotalLayer()
        case .loss(let l): return l.operation
        case .embedding(let size, let vocabulary): return EmbeddingLayer(size: size, vocabulary: vocabulary)
        case .basicRecurrent(let n): return BasicRecurrentLayer(units: n)
        case .gatedRecurrent(let n): return GatedRecurrentLayer(units: n)
        case .longShortTermMemory(let n): return LongShortTermMemoryLayer(units: n)
        case .sequenceLast: return SequenceLastLayer()
        case .sequenceMost: return SequenceMostLayer()
        case .sequenceRest: return SequenceRestLayer()
        case .sequenceReverse: return SequenceReverseLayer()
        case .sequenceAggregation(let f): return SequenceAggregationLayer(function: f)
        case .attention(let spec): return AttentionLayer(spec: spec)
        case .normalization(let spec): return NormalizationLayer(spec: spec)
        case .map(let inner): return NetMapOperator(inner: inner)
        case .bidirectional(let f, let b): return NetBidirectionalOperator(forward: f, backward: b)
        case .deconvolution(let channels, let window, let groups, let biases):
            return DeconvolutionLayer(channels: channels, window: window, groups: groups, biases: biases)
        case .transpose(let permutation): return TransposeLayer(permutation: permutation)
        case .fold(let spec): return NetFoldOperator(spec: spec)
        case .part(let specs): return PartLayer(specs: specs)
        case .resize(let spec): return ResizeLayer(spec: spec)
        case .threading(let spec): return ThreadingLayer(spec: spec)
        case .constantArray(let dimensions): return ConstantArrayLayer(dimensions: dimensions)
        }
    }

    /// Every operator type, in the order the net file's reader tries them.
    static var operatorTypes: [any LayerOperator.Type] {
        [LinearLayer.self, SoftmaxLayer.self, ElementwiseLayer.self, ConvolutionLayer.self, PoolingLayer.self, AggregationLayer.self,
         BatchNormalizationLayer.self, DropoutLayer.self, FlattenLayer.self, ReshapeLayer.self, CatenateLayer.self, TotalLayer.self,
         CrossEntropyLossLayer.self, MeanSquaredLossLayer.self, MeanAbsoluteLossLayer.self, EmbeddingLayer.self,
         BasicRecurrentLayer.self, GatedRecurrentLayer.self, LongShortTermMemoryLayer.self, SequenceLastLayer.self,
         SequenceMostLayer.self, SequenceRestLayer.self, SequenceReverseLayer.self, SequenceAggregationLayer.self,
         AttentionLayer.self, NormalizationLayer.self, NetMapOperator.self, NetBidirectionalOperator.self,
         DeconvolutionLayer.self, TransposeLayer.self, NetFoldOperator.self, PartLayer.self, ResizeLayer.self, ThreadingLayer.self, ConstantArrayLayer.self, PaddingLayer.self]
    }

    /// `{specKey: fields}`, written by the layer's operator.
    public func encode(to encoder: any Swift.Encoder) throws {
        var container = encoder.container(keyedBy: SpecKey.self)
        try operation.encodeSpec(to: &container)
    }

    /// The spec read by the first operator type that recognizes it.
    public init(from decoder: any Swift.Decoder) throws {
        let container = try decoder.container(keyedBy: SpecKey.self)
        for type in Self.operatorTypes {
            if let kind = try type.decodeSpec(from: container) {
                self = kind
                return
            }
        }
        let keys = container.allKeys.map(\.stringValue).joined(separator: ", ")
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "no layer is stored as \(keys)"))
    }

    /// The layer's head in the language: `LinearLayer`, `ConvolutionLayer`...
    public var name: String { operation.name }

    /// Names of the learned arrays, in the order `Information` lists them.
    public var arrayNames: [String] { operation.arrayNames }

    /// Whether the layer takes any number of inputs (Catenate, Total) rather than a fixed number.
    public var isVariadic: Bool { operation.inputCount == nil }

    /// Whether the output is random while training (dropout).
    public var isStochastic: Bool { operation.isStochastic }

    /// The names of the input ports, in port order, of layers whose ports are named
    /// (AttentionLayer: "Key", "Value", "Query"); nil for the others.
    public var inputPortNames: [String]? { operation.portNames }
}
