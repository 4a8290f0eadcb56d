import CoreKernel
import Language
import Nets
import Tensor

/// Reads a layer's arguments: the positional parameters, the shared `"Input"`/`"Output"`
/// options, its arrays (`"Weights" -> {{...}}`, `"Biases" -> None`), and its own options; any
/// other option is reported.
struct LayerArguments {
    let call: Call
    let positional: [Expr]
    var options: [String: Expr]
    /// The option names the layer asked for, which a misspelt option is compared with.
    var known: Set<String> = ["Input", "Output"]

    init?(_ c: Call, maxPositional: Int) {
        call = c
        positional = c.positional
        options = c.options(from: positional.count)
        guard positional.count <= maxPositional else {
            c.message("invspec", text: "\(c.symbol.name) takes at most \(maxPositional) positional argument\(maxPositional == 1 ? "" : "s"), not \(positional.count).")
            return nil
        }
    }

    /// Takes an option's value out of the remaining options.
    mutating func take(_ name: String) -> Expr? {
        known.insert(name)
        return options.removeValue(forKey: name)
    }

    /// Builds the layer whose kind `spec` reads from the arguments (`a.build { a in ... }`), its
    /// arrays from the options that name them, after checking that no option is left over. An
    /// error `spec` throws, as every error of building, becomes a message and `$Failed`.
    mutating func build(ports: [String]? = nil, _ spec: (inout LayerArguments) throws -> LayerKind) -> Expr {
        do {
            var arrays: [String: Tensor] = [:]
            var kind = try spec(&self)
            for name in kind.arrayNames {
                guard let v = take(name) else { continue }
                if v.isSymbol(Sym.None), name == "Biases" {
                    switch kind {
                    case .linear(let o, _): kind = .linear(output: o, biases: false)
                    case .convolution(let ch, let w, let g, _): kind = .convolution(channels: ch, window: w, groups: g, biases: false)
                    case .deconvolution(let ch, let w, let g, _): kind = .deconvolution(channels: ch, window: w, groups: g, biases: false)
                    default: break
                    }
                    continue
                }
                if v.isSymbol(Sym.Automatic) { continue }
                guard let t = v.asTensor else {
                    throw NetError("invarr", "the value of \(quoted(name)) is not a rectangular array of numbers")
                }
                arrays[name] = t
            }
            let input = try take("Input").map { try shapeSpec($0, "Input") }
            let output = try take("Output").map { try shapeSpec($0, "Output") }
            // Shapes of named input ports ("Key" -> {5, 4}).
            let portShapes = try (ports ?? []).map { port in try take(port).map { try shapeSpec($0, port).shape } ?? nil }
            if let (name, _) = options.first(where: { _ in true }) {
                // The standard message, naming the option as it was written.
                let given = call.args.first { isOptionRule($0) && optionName($0.args[0]) == name }?.args[0] ?? .string(name)
                call.unknownOptionMessage(given, known: known)
                return .failed
            }
            var layer = try Layer(kind, arrays: arrays, input: input?.shape)
            if portShapes.contains(where: { $0 != nil }) { _ = try layer.constrain(inputs: portShapes, output: nil) }
            if let o = output?.shape { _ = try layer.constrain(inputs: [nil], output: o) }
            if input?.encoder != nil || output?.decoder != nil {
                let chain = try Chain(names: ["1"], nodes: [.layer(layer)], encoder: input?.encoder, decoder: output?.decoder)
                return .net(.chain(chain))
            }
            return .net(.layer(layer))
        } catch let e as NetError {
            call.message(e.tag, text: sentence(e.description))
            return .failed
        } catch {
            call.message("invspec", text: "\(error)")
            return .failed
        }
    }

    /// Builds a layer of a kind known already.
    mutating func build(_ kind: LayerKind, ports: [String]? = nil) -> Expr { build(ports: ports) { _ in kind } }
}


/// A port spec: `n`, `{d1, d2, ...}`, `"Real"`/`"Scalar"`, or a NetEncoder/NetDecoder.
struct PortSpec {
    var shape: Shape?
    var encoder: Encoder?
    var decoder: Decoder?
}

func shapeSpec(_ e: Expr, _ port: String) throws -> PortSpec {
    if case .native(let v) = e, let coder = v as? CoderValue {
        if let enc = coder.encoder { return PortSpec(shape: enc.shape, encoder: enc) }
        if let dec = coder.decoder { return PortSpec(shape: dec.shape, decoder: dec) }
    }
    if let n = e.intValue, n > 0 { return PortSpec(shape: [n]) }
    if let s = e.asString, s == "Real" || s == "Scalar" { return PortSpec(shape: []) }
    if e.isSymbol(Sym.Automatic) { return PortSpec() }
    // {"Varying", d...}: sequences of any length of arrays {d...}.
    if let items = e.listItems, items.first?.asString == "Varying" {
        let dims = items.dropFirst().compactMap(\.intValue)
        guard dims.count == items.count - 1, dims.allSatisfy({ $0 > 0 }) else {
            throw NetError("invspec", "\(InputForm.string(e)) is not a valid \(port) shape: {\"Varying\", d1, ...} needs positive dimensions")
        }
        return PortSpec(shape: nil, encoder: .sequence(element: dims))
    }
    if let items = e.listItems {
        let dims = items.compactMap(\.intValue)
        if dims.count == items.count, dims.allSatisfy({ $0 > 0 }) { return PortSpec(shape: dims) }
    }
    if e.hasHead(Symbol.intern("NetEncoder")) || e.hasHead(Symbol.intern("NetDecoder")) {
        throw NetError("invspec", "the \(port) coder \(InputForm.string(e)) is not valid")
    }
    throw NetError("invspec", "\(InputForm.string(e)) is not a valid \(port) shape: give a size, a list of dimensions, \"Real\" or a coder")
}

/// A pair of positive integers from `n` or `{a, b}`.
func pair(_ e: Expr) -> [Int]? {
    if let n = e.intValue { return [n, n] }
    if let xs = e.listItems, xs.count == 2, let a = xs[0].intValue, let b = xs[1].intValue { return [a, b] }
    return nil
}

/// `PaddingSize`: `n`, `{h, w}`, `{{top, bottom}, {left, right}}`, or `"Same"`.
func paddingSpec(_ e: Expr?) throws -> Padding {
    guard let e else { return .none }
    if e.asString == "Same" { return .same }
    if let p = pair(e) { return .explicit(top: p[0], bottom: p[0], left: p[1], right: p[1]) }
    if let xs = e.listItems, xs.count == 2, let h = xs[0].listItems, let w = xs[1].listItems, h.count == 2, w.count == 2,
       let t = h[0].intValue, let b = h[1].intValue, let l = w[0].intValue, let r = w[1].intValue {
        return .explicit(top: t, bottom: b, left: l, right: r)
    }
    throw NetError("invspec", "PaddingSize \(InputForm.string(e)) is not an integer, a pair, a pair of pairs or \"Same\"")
}

/// Reads a pair option with a default.
func pairOption(_ args: inout LayerArguments, _ name: String, _ fallback: [Int]) throws -> [Int] {
    guard let e = args.take(name) else { return fallback }
    guard let p = pair(e) else { throw NetError("invspec", "\(quoted(name)) must be a positive integer or a pair of them, not \(InputForm.string(e))") }
    return p
}

func poolingFunction(_ e: Expr?) -> Pooling.Function? {
    guard let e else { return nil }
    switch e.asSymbol?.name ?? e.asString ?? "" {
    case "Max": return .max
    case "Mean": return .mean
    case "Total", "Plus": return .total
    default: return nil
    }
}

extension Kernel {
    static var layerBuiltins: [Builtin] {
        [
            Builtin("LinearLayer", [], usage: "LinearLayer[n] is a trainable fully connected layer with output size n; LinearLayer[{n1, ...}] gives an array output, LinearLayer[] infers its size from what follows. Arrays \"Weights\" (out x in) and \"Biases\" (None for no biases).", examples: [("Information[LinearLayer[3, \"Input\" -> 2], \"OutputPorts\"]", "<|Output -> {3}|>")]) { c in
                guard var a = LayerArguments(c, maxPositional: 1) else { return .failed }
                var size: Shape?
                if let n = a.positional.first {
                    if let k = n.intValue, k > 0 { size = [k] } else if let xs = n.listItems, let dims = Optional(xs.compactMap(\.intValue)), dims.count == xs.count, dims.allSatisfy({ $0 > 0 }) {
                        size = dims
                    } else {
                        c.message("invspec", text: "The output size \(InputForm.string(n)) should be a positive integer or a list of them.")
                        return .failed
                    }
                }
                return a.build(.linear(output: size, biases: true))
            },
            Builtin("SoftmaxLayer", [], usage: "SoftmaxLayer[] normalizes the last dimension of its input into probabilities.", examples: [("SoftmaxLayer[][{0., 0.}]", "{0.5, 0.5}")]) { c in
                guard var a = LayerArguments(c, maxPositional: 0) else { return .failed }
                return a.build(.softmax)
            },
            Builtin("ElementwiseLayer", [], usage: "ElementwiseLayer[f] applies f to every element: Ramp, Tanh, LogisticSigmoid, \"ReLU\", \"SELU\", \"GELU\", \"ELU\", \"Softplus\", \"HardSigmoid\", Clip[#, {0, 6}]& or a pure function of # built from arithmetic.", examples: [("ElementwiseLayer[Ramp][{-1., 2.}]", "{0., 2.}")]) { c in
                guard var a = LayerArguments(c, maxPositional: 1) else { return .failed }
                guard let f = a.positional.first else { c.message("invspec", text: "ElementwiseLayer needs a function."); return .failed }
                guard let fn = try elementwiseFunction(f, c) else {
                    let name = f.asSymbol?.name ?? f.asString ?? ""
                    let hint = Suggestion.didYouMean(name, among: Array(activationNames.keys), quote: f.asString != nil)
                    c.message("invfunc", text: "\(InputForm.string(f)) cannot be used as an elementwise function.\(hint)")
                    return .failed
                }
                return a.build(.elementwise(fn))
            },
            Builtin("ConvolutionLayer", [], usage: "ConvolutionLayer[n, k] is a 2-D convolution with n output channels and a k x k kernel; ConvolutionLayer[n, {kh, kw}]. Options \"Stride\", PaddingSize (or \"Same\"), \"Dilation\", \"ChannelGroups\"; arrays \"Weights\" and \"Biases\".", examples: [("Information[ConvolutionLayer[8, 3, \"Input\" -> {1, 28, 28}], \"OutputPorts\"]", "<|Output -> {8, 26, 26}|>")]) { c in
                guard var a = LayerArguments(c, maxPositional: 2) else { return .failed }
                return a.build { a in
                    let (channels, spec, groups) = try windowedLayerSpec(&a, "ConvolutionLayer")
                    return .convolution(channels: channels, window: spec, groups: groups, biases: true)
                }
            },
            Builtin("PoolingLayer", [], usage: "PoolingLayer[k] pools k x k windows with stride 1; PoolingLayer[k, s] with stride s. \"Function\" -> Max (default), Mean or Total; PaddingSize.", examples: [("Information[PoolingLayer[2, 2, \"Input\" -> {1, 28, 28}], \"OutputPorts\"]", "<|Output -> {1, 14, 14}|>")]) { c in
                guard var a = LayerArguments(c, maxPositional: 2) else { return .failed }
                return a.build { a in
                    guard let k = a.positional.first.flatMap(pair), k.allSatisfy({ $0 > 0 }) else {
                        throw NetError("invspec", "PoolingLayer needs a kernel size: a positive integer or a pair")
                    }
                    var stride = try pairOption(&a, "Stride", [1, 1])
                    if a.positional.count > 1 {
                        guard let s = pair(a.positional[1]) else { throw NetError("invspec", "the stride must be a positive integer or a pair") }
                        stride = s
                    }
                    let padding = try paddingSpec(a.take("PaddingSize"))
                    let fe = a.take("Function")
                    guard let f = fe == nil ? .max : poolingFunction(fe) else {
                        throw NetError("invspec", "\"Function\" must be Max, Mean or Total")
                    }
                    return .pooling(WindowSpec(kernel: k, stride: stride, padding: padding), f)
                }
            },
            Builtin("AggregationLayer", [], usage: "AggregationLayer[f] aggregates each channel over its spatial dimensions with f: Max (default), Mean or Total (global pooling); AggregationLayer[f, 1] aggregates over the first dimension (the elements of a sequence).", examples: [("AggregationLayer[Mean][{{{1., 3.}}, {{5., 7.}}}]", "{2., 6.}"), ("AggregationLayer[Max, 1][{{1., 8.}, {3., 4.}}]", "{3., 8.}")]) { c in
                guard var a = LayerArguments(c, maxPositional: 2) else { return .failed }
                guard let f = a.positional.isEmpty ? .max : poolingFunction(a.positional[0]) else {
                    c.message("invspec", text: "AggregationLayer takes Max, Mean or Total.")
                    return .failed
                }
                if a.positional.count == 2 {
                    guard a.positional[1].intValue == 1 else {
                        c.message("invspec", text: "AggregationLayer[f, n] is supported for n = 1 (over a sequence); use AggregationLayer[f] for spatial dimensions.")
                        return .failed
                    }
                    return a.build(.sequenceAggregation(f))
                }
                return a.build(.aggregation(f))
            },
            Builtin("BatchNormalizationLayer", [], usage: "BatchNormalizationLayer[] normalizes each channel: batch statistics while training, moving statistics at evaluation. Options \"Epsilon\" (0.001), \"Momentum\" (0.9); arrays Scaling, Biases, MovingMean, MovingVariance.", examples: [("Information[BatchNormalizationLayer[\"Input\" -> {3, 4, 4}], \"OutputPorts\"]", "<|Output -> {3, 4, 4}|>")]) { c in
                guard var a = LayerArguments(c, maxPositional: 0) else { return .failed }
                let eps = a.take("Epsilon")?.doubleValue ?? 0.001, momentum = a.take("Momentum")?.doubleValue ?? 0.9
                guard eps > 0, momentum >= 0, momentum <= 1 else {
                    c.message("invspec", text: "\"Epsilon\" must be positive and \"Momentum\" between 0 and 1.")
                    return .failed
                }
                return a.build(.batchNorm(epsilon: Float(eps), momentum: Float(momentum)))
            },
            Builtin("DropoutLayer", [], usage: "DropoutLayer[] zeroes inputs with probability 0.5 while training (survivors scaled by 2); DropoutLayer[p] with probability p. It passes data unchanged at evaluation.", examples: [("DropoutLayer[0.5][{1., 2.}]", "{1., 2.}")]) { c in
                guard var a = LayerArguments(c, maxPositional: 1) else { return .failed }
                let p = a.positional.first?.doubleValue ?? (a.positional.isEmpty ? 0.5 : -1)
                return a.build(.dropout(Float(p)))
            },
            Builtin("FlattenLayer", [], usage: "FlattenLayer[] flattens its input into a vector.", examples: [("FlattenLayer[][{{1., 2.}, {3., 4.}}]", "{1., 2., 3., 4.}")]) { c in
                guard var a = LayerArguments(c, maxPositional: 0) else { return .failed }
                return a.build(.flatten)
            },
            Builtin("ReshapeLayer", [], usage: "ReshapeLayer[{d1, d2, ...}] reshapes its input to the given dimensions.", examples: [("ReshapeLayer[{2, 2}][{1., 2., 3., 4.}]", "{{1., 2.}, {3., 4.}}")]) { c in
                guard var a = LayerArguments(c, maxPositional: 1) else { return .failed }
                guard let dims = a.positional.first?.listItems?.compactMap(\.intValue), dims.count == a.positional.first?.listItems?.count, !dims.isEmpty else {
                    c.message("invspec", text: "ReshapeLayer needs a list of positive dimensions.")
                    return .failed
                }
                return a.build(.reshape(dims))
            },
            Builtin("TransposeLayer", [], usage: "TransposeLayer[] swaps the first two levels of its input; TransposeLayer[perm] moves level k of the input to level perm[[k]] of the output, as Transpose[x, perm] does (later levels stay).",
                    examples: [("TransposeLayer[][{{1., 2.}, {3., 4.}}]", "{{1., 3.}, {2., 4.}}"),
                               ("Information[TransposeLayer[{3, 1, 2}, \"Input\" -> {2, 3, 4}], \"OutputPorts\"]", "<|Output -> {3, 4, 2}|>")]) { c in
                guard var a = LayerArguments(c, maxPositional: 1) else { return .failed }
                var permutation = [2, 1]
                if let p = a.positional.first {
                    let items = p.listItems ?? []
                    let levels = items.compactMap(\.intValue)
                    guard levels.count == items.count, levels.count >= 2 else {
                        c.message("invspec", text: "TransposeLayer needs a permutation of {1, ..., n}.")
                        return .failed
                    }
                    permutation = levels
                }
                return a.build(.transpose(permutation))
            },
            Builtin("CatenateLayer", [], usage: "CatenateLayer[] joins its inputs along their first dimension; CatenateLayer[n] along level n (negative n counts from the last level).",
                    examples: [("CatenateLayer[][{{1., 2.}, {3.}}]", "{1., 2., 3.}"), ("CatenateLayer[2][{{{1.}, {2.}}, {{3.}, {4.}}}]", "{{1., 3.}, {2., 4.}}")]) { c in
                guard var a = LayerArguments(c, maxPositional: 1) else { return .failed }
                guard let level = a.positional.first?.intValue ?? (a.positional.isEmpty ? 1 : nil) else {
                    c.message("invspec", text: "CatenateLayer takes a level, a nonzero integer, not \(a.positional.first.map(InputForm.string) ?? "").")
                    return .failed
                }
                return a.build(level == 1 ? .catenate : .catenateAt(level))
            },
            Builtin("TotalLayer", [], usage: "TotalLayer[] adds its inputs elementwise (residual connections).") { c in
                guard var a = LayerArguments(c, maxPositional: 0) else { return .failed }
                return a.build(.total)
            },
            Builtin("ThreadingLayer", [], usage: "ThreadingLayer[f] applies f to corresponding elements of its inputs: Plus, Times, Min, Max (any number of inputs) or Subtract, Divide, Power (two). Inputs of the same rank whose dimensions are equal or 1 are broadcast (ThreadingLayer[f, Automatic]); ThreadingLayer[f, None] needs equal shapes. ThreadingLayer[Plus] is TotalLayer[].",
                    examples: [("ThreadingLayer[Times][{{1., 2.}, {3., 4.}}]", "{3., 8.}"),
                               ("ThreadingLayer[Subtract][{{{5., 6.}, {7., 8.}}, {{1., 2.}}}]", "{{4., 4.}, {6., 6.}}"),
                               ("ThreadingLayer[Max][{{1., 5.}, {3., 2.}, {0., 4.}}]", "{3., 5.}")]) { c in
                guard var a = LayerArguments(c, maxPositional: 2) else { return .failed }
                let name = a.positional.first?.asSymbol?.name ?? ""
                guard let f = ThreadingSpec.Function(rawValue: name) else {
                    c.message("invspec", text: "ThreadingLayer takes Plus, Subtract, Times, Divide, Power, Min or Max, not \(a.positional.first.map(InputForm.string) ?? "nothing").")
                    return .failed
                }
                var broadcasting = true
                if a.positional.count == 2 {
                    let b = a.positional[1]
                    guard b.isSymbol(Sym.Automatic) || b.isSymbol(Sym.None) else {
                        c.message("invspec", text: "The broadcasting specification of ThreadingLayer should be Automatic or None, not \(InputForm.string(b)).")
                        return .failed
                    }
                    broadcasting = b.isSymbol(Sym.Automatic)
                }
                if f == .plus, a.positional.count == 1 { return a.build(.total) }
                return a.build(.threading(ThreadingSpec(function: f, broadcasting: broadcasting)))
            },
            Builtin("EmbeddingLayer", [], usage: "EmbeddingLayer[size, n] turns each integer 1...n into a learned vector of the given size (a sequence of indices into a sequence of vectors); EmbeddingLayer[size] takes n from the encoder before it. Array \"Weights\" (n x size).", examples: [("Information[EmbeddingLayer[4, 10, \"Input\" -> 7], \"OutputPorts\"]", "<|Output -> {7, 4}|>")]) { c in
                guard var a = LayerArguments(c, maxPositional: 2) else { return .failed }
                let sizes = a.positional.map(\.intValue)
                guard sizes.allSatisfy({ ($0 ?? 0) > 0 }), a.positional.count >= 1 else {
                    c.message("invspec", text: "EmbeddingLayer takes a positive vector size and optionally a positive number of indices.")
                    return .failed
                }
                return a.build(.embedding(size: sizes[0], vocabulary: sizes.count > 1 ? sizes[1] : nil))
            },
            recurrentBuiltin("BasicRecurrentLayer", "s[t] = Tanh[Wx.x[t] + Ws.s[t-1] + b]; arrays \"InputWeights\", \"StateWeights\", \"Biases\"", LayerKind.basicRecurrent),
            recurrentBuiltin("GatedRecurrentLayer", "a GRU with input, reset and memory gates (arrays \"InputGateInputWeights\", \"InputGateStateWeights\", \"InputGateBiases\", and the same for \"ResetGate\" and \"MemoryGate\")", LayerKind.gatedRecurrent),
            recurrentBuiltin("LongShortTermMemoryLayer", "an LSTM with input, output, forget and memory gates (arrays \"InputGateInputWeights\", \"InputGateStateWeights\", \"InputGateBiases\", and the same for \"OutputGate\", \"ForgetGate\" and \"MemoryGate\")", LayerKind.longShortTermMemory),
            sequenceBuiltin("SequenceLastLayer", "gives the last element of a sequence", .sequenceLast, "{5., 6.}"),
            sequenceBuiltin("SequenceMostLayer", "gives every element of a sequence but the last", .sequenceMost, "{{1., 2.}, {3., 4.}}"),
            sequenceBuiltin("SequenceRestLayer", "gives every element of a sequence but the first", .sequenceRest, "{{3., 4.}, {5., 6.}}"),
            sequenceBuiltin("SequenceReverseLayer", "reverses a sequence", .sequenceReverse, "{{5., 6.}, {3., 4.}, {1., 2.}}"),
            Builtin("CrossEntropyLossLayer", [], usage: "CrossEntropyLossLayer[\"Index\"] compares probabilities with class indices; \"Probabilities\" with target probability vectors; \"Binary\" with 0/1 targets.") { c in
                guard var a = LayerArguments(c, maxPositional: 1) else { return .failed }
                guard let kind = LossKind(rawValue: a.positional.first?.asString ?? ""), [.crossEntropyIndex, .crossEntropyBinary, .crossEntropyProbabilities].contains(kind) else {
                    c.message("invspec", text: "CrossEntropyLossLayer takes \"Index\", \"Probabilities\" or \"Binary\".")
                    return .failed
                }
                return a.build(.loss(kind))
            },
            Builtin("MeanSquaredLossLayer", [], usage: "MeanSquaredLossLayer[] computes the mean squared difference of input and target.") { c in
                guard var a = LayerArguments(c, maxPositional: 0) else { return .failed }
                return a.build(.loss(.meanSquared))
            },
            Builtin("MeanAbsoluteLossLayer", [], usage: "MeanAbsoluteLossLayer[] computes the mean absolute difference of input and target.") { c in
                guard var a = LayerArguments(c, maxPositional: 0) else { return .failed }
                return a.build(.loss(.meanAbsolute))
            },
            Builtin("AttentionLayer", [], usage: "AttentionLayer[] or AttentionLayer[\"Bilinear\"] (score k . W . q with a learned \"Weights\" W), AttentionLayer[\"Dot\"] (score k . q): for each query, the values weighted by the softmax of their keys' scores. Ports \"Key\" {n, k}, \"Value\" {n, v}, \"Query\" {m, q} or {q}; options \"ScoreRescaling\" -> None or \"DimensionSqrt\", \"Mask\" -> None, \"Causal\" or {\"Causal\", w}, \"MultiHead\" -> True (heads on the dimension before the last).",
                    examples: [("Information[AttentionLayer[\"Dot\", \"Key\" -> {5, 4}, \"Value\" -> {5, 3}, \"Query\" -> {2, 4}], \"OutputPorts\"]", "<|Output -> {2, 3}|>"),
                               ("AttentionLayer[\"Dot\", \"Key\" -> {2, 1}, \"Value\" -> {2, 1}, \"Query\" -> {1}][<|\"Key\" -> {{0.}, {0.}}, \"Value\" -> {{1.}, {3.}}, \"Query\" -> {1.}|>]", "{2.}")]) { c in
                guard var a = LayerArguments(c, maxPositional: 1) else { return .failed }
                return a.build(ports: ["Key", "Value", "Query"]) { a in
                    var spec = AttentionSpec()
                    if let f = a.positional.first {
                        guard let s = f.asString.flatMap(AttentionSpec.Scoring.init(rawValue:)) else {
                            throw NetError("invspec", "the scoring net must be \"Dot\" or \"Bilinear\", not \(InputForm.string(f))")
                        }
                        spec.scoring = s
                    }
                    if let r = a.take("ScoreRescaling"), !r.isSymbol(Sym.None) {
                        guard r.asString == "DimensionSqrt" else { throw NetError("invspec", "\"ScoreRescaling\" must be None or \"DimensionSqrt\"") }
                        spec.rescaled = true
                    }
                    if let m = a.take("Mask"), !m.isSymbol(Sym.None) {
                        if m.asString == "Causal" {
                            spec.mask = .causal(window: nil)
                        } else if let xs = m.listItems, xs.count == 2, xs[0].asString == "Causal", let w = xs[1].intValue, w > 0 {
                            spec.mask = .causal(window: w)
                        } else {
                            throw NetError("invspec", "\"Mask\" must be None, \"Causal\" or {\"Causal\", n}, not \(InputForm.string(m))")
                        }
                    }
                    if let h = a.take("MultiHead") {
                        guard h.isSymbol(Sym.True) || h.isSymbol(Sym.False) else { throw NetError("invspec", "\"MultiHead\" must be True or False") }
                        spec.multiHead = h.isTrue
                    }
                    if let d = a.take("Dropout"), d.doubleValue != 0 {
                        throw NetError("invspec", "attention dropout is not supported; \"Dropout\" must be 0")
                    }
                    return .attention(spec)
                }
            },
            Builtin("NormalizationLayer", [], usage: "NormalizationLayer[] standardizes each example over its levels 2 and on and applies a learned \"Scaling\" and \"Biases\" per element of level 1; NormalizationLayer[a ;; All] or NormalizationLayer[a] (the last level) aggregates levels a and on; NormalizationLayer[levels, \"Same\"] scales over the aggregated levels instead (NormalizationLayer[2, \"Same\"] on {T, d} is a layer normalization). Option \"Epsilon\" (0.001).",
                    examples: [("NetInitialize[NormalizationLayer[2, \"Same\", \"Input\" -> {1, 2}]][{{1., 3.}}]", "{{-0.9995, 0.9995}}")]) { c in
                guard var a = LayerArguments(c, maxPositional: 2) else { return .failed }
                return a.build { a in
                    var spec = NormalizationSpec()
                    if let levels = a.positional.first {
                        if let n = levels.intValue, n >= 1 {
                            spec.from = n
                        } else if levels.hasHead(Sym.Span), levels.args.count == 2, let n = levels.args[0].intValue, n >= 1,
                                  levels.args[1].isSymbol(Sym.All) {
                            spec.from = n
                        } else {
                            throw NetError("invspec", "the aggregation levels must be a ;; All or a single level a, not \(InputForm.string(levels))")
                        }
                    }
                    if a.positional.count > 1 {
                        switch a.positional[1].asString {
                        case "Same": spec.same = true
                        case "Complement": spec.same = false
                        default: throw NetError("invspec", "the scaling levels must be \"Complement\" or \"Same\", not \(InputForm.string(a.positional[1]))")
                        }
                    }
                    if let e = a.take("Epsilon") {
                        guard let v = e.doubleValue, v > 0 else { throw NetError("invspec", "\"Epsilon\" must be a positive number") }
                        spec.epsilon = Float(v)
                    }
                    return .normalization(spec)
                }
            },
            Builtin("NetBidirectionalOperator", [], usage: "NetBidirectionalOperator[{forward, backward}] runs forward over a sequence and backward over it reversed, joining each element's two outputs (\"Catenate\"); NetBidirectionalOperator[net] uses a copy of net for each direction. Arrays \"Forward...\" and \"Backward...\".",
                    examples: [("Information[NetBidirectionalOperator[{LongShortTermMemoryLayer[3], GatedRecurrentLayer[2]}, \"Input\" -> {5, 4}], \"OutputPorts\"]", "<|Output -> {5, 5}|>")]) { c in
                guard var a = LayerArguments(c, maxPositional: 2) else { return .failed }
                let parts = a.positional.first.map { $0.listItems ?? [$0, $0] } ?? []
                guard parts.count == 2, case .layer(let f)? = parts[0].asNet, case .layer(let b)? = parts[1].asNet,
                      f.inputs.count == 1, b.inputs.count == 1 else {
                    c.message("invspec", text: "NetBidirectionalOperator needs a layer or a pair of layers of one input each.")
                    return .failed
                }
                if a.positional.count == 2, a.positional[1].asString != "Catenate" {
                    c.message("invspec", text: "NetBidirectionalOperator joins its two outputs by \"Catenate\"; \(InputForm.string(a.positional[1])) is not supported.")
                    return .failed
                }
                for (prefix, l) in [("Forward", f), ("Backward", b)] {
                    for (name, t) in l.arrays where a.options[prefix + name] == nil { a.options[prefix + name] = .array(t) }
                }
                return a.build(.bidirectional(forward: f.kind, backward: b.kind))
            },
            Builtin("NetMapOperator", [], usage: "NetMapOperator[net] applies net to each element of a sequence {T, ...}, with one set of arrays; a chain is mapped layer by layer.",
                    examples: [("Information[NetMapOperator[LinearLayer[2], \"Input\" -> {5, 3}], \"OutputPorts\"]", "<|Output -> {5, 2}|>")]) { c in
                guard var a = LayerArguments(c, maxPositional: 1) else { return .failed }
                guard let net = a.positional.first?.asNet else {
                    c.message("invspec", text: "NetMapOperator needs a net or a layer.")
                    return .failed
                }
                switch net {
                case .layer(let l):
                    var mapped = a
                    for (name, t) in l.arrays where mapped.options[name] == nil { mapped.options[name] = .array(t) }
                    return mapped.build(.map(l.kind))
                case .chain:
                    return netOperation(c) {
                        let input = try a.take("Input").map { try shapeSpec($0, "Input") }
                        if let (name, _) = a.options.first { throw NetError("optx", "unknown option \(quoted(name)) for NetMapOperator") }
                        return .net(.chain(try mappedChain(net, input: input?.shape)))
                    }
                case .graph:
                    c.message("invspec", text: "NetMapOperator maps layers and chains; a NetGraph cannot be mapped yet.")
                    return .failed
                }
            },
            Builtin("NetFoldOperator", [], usage: "NetFoldOperator[net] folds net over a sequence: net has the input ports \"Input\" and \"State\", and from a zero state s0 gives the states s_t = net[<|\"Input\" -> x_t, \"State\" -> s_{t-1}|>] as a sequence; NetFoldOperator[net, {\"Output\" -> \"State\"}] is the same. One set of arrays for every step, named by their path in net (\"linear/Weights\").",
                    examples: [("Information[NetFoldOperator[NetGraph[{CatenateLayer[], LinearLayer[3]}, {{NetPort[\"Input\"], NetPort[\"State\"]} -> 1 -> 2}], \"Input\" -> {5, 2}], \"OutputPorts\"]", "<|Output -> {5, 3}|>")]) { c in
                guard var a = LayerArguments(c, maxPositional: 2) else { return .failed }
                if a.positional.count == 2 {
                    let feedback = a.positional[1].listItems ?? [a.positional[1]]
                    guard feedback.count == 1, feedback[0].hasHead(Sym.Rule), feedback[0].args.map(\.asString) == ["Output", "State"] else {
                        c.message("invspec", text: "NetFoldOperator feeds \"Output\" back to \"State\"; \(InputForm.string(a.positional[1])) is not supported.")
                        return .failed
                    }
                }
                guard let net = a.positional.first?.asNet, let spec = try? FoldSpec(step: net) else {
                    c.message("invspec", text: "NetFoldOperator needs a net with two input ports, \"Input\" and \"State\".")
                    return .failed
                }
                for (path, l) in net.layers {
                    for (name, t) in l.arrays where a.options[(path + [name]).joined(separator: "/")] == nil {
                        a.options[(path + [name]).joined(separator: "/")] = .array(t)
                    }
                }
                return a.build(.fold(spec))
            },
        ]
    }
}

/// A recurrent layer's builtin: `Layer[n]` with n the state size.
private func recurrentBuiltin(_ name: String, _ what: String, _ kind: @escaping @Sendable (Int) -> LayerKind) -> Builtin {
    Builtin(name, [], usage: "\(name)[n] is a trainable recurrent layer: it takes a sequence of vectors {T, k} and gives the sequence of its states {T, n}, starting from zero; \(what).",
            examples: [("Information[\(name)[3, \"Input\" -> {5, 2}], \"OutputPorts\"]", "<|Output -> {5, 3}|>")]) { c in
        guard var a = LayerArguments(c, maxPositional: 1) else { return .failed }
        guard let n = a.positional.first?.intValue, n > 0 else {
            c.message("invspec", text: "\(name) needs a positive state size.")
            return .failed
        }
        return a.build(kind(n))
    }
}

/// A sequence layer's builtin, `Layer[]`.
private func sequenceBuiltin(_ name: String, _ what: String, _ kind: LayerKind, _ result: String) -> Builtin {
    Builtin(name, [], usage: "\(name)[] \(what).", examples: [("\(name)[][{{1., 2.}, {3., 4.}, {5., 6.}}]", result)]) { c in
        guard var a = LayerArguments(c, maxPositional: 0) else { return .failed }
        return a.build(kind)
    }
}

/// The function an ElementwiseLayer applies: a named activation, or a pure function compiled to
/// a scalar function of its argument.
/// The activations `ElementwiseLayer` knows by name (a symbol or a string).
let activationNames: [String: Activation] = ["Ramp": .relu, "ReLU": .relu, "Tanh": .tanh, "LogisticSigmoid": .sigmoid,
                                             "Sigmoid": .sigmoid, "SELU": .selu, "GELU": .gelu, "ELU": .elu,
                                             "Softplus": .softplus, "SoftPlus": .softplus, "HardSigmoid": .hardSigmoid, "ReLU6": .relu6]

func elementwiseFunction(_ f: Expr, _ c: Call) throws -> ElementwiseFunction? {
    if let name = f.asSymbol?.name ?? f.asString { return activationNames[name].map { .activation($0) } }
    guard f.hasHead(Sym.Function), let body = f.args.last else { return nil }
    let variable: Expr? = f.args.count == 2 ? (f.args[0].listItems?.first ?? f.args[0]) : nil
    guard let s = try scalarFunction(body, variable, c) else { return nil }
    switch s {
    case .apply(.ramp, .input): return .activation(.relu)
    case .apply(.tanh, .input): return .activation(.tanh)
    case .apply(.sigmoid, .input): return .activation(.sigmoid)
    case .clip(.input, 0, 6): return .activation(.relu6)
    default: return .scalar(s)
    }
}

private func scalarFunction(_ e: Expr, _ variable: Expr?, _ c: Call) throws -> ScalarFunction? {
    if let v = variable, e == v { return .input }
    if variable == nil, e.hasHead(Sym.Slot), e.args.first?.intValue == 1 { return .input }
    if let d = e.doubleValue { return .constant(d) }
    if case .symbol = e {
        let n = try c.evaluate(Expr(Symbol.intern("N"), e))
        return n.doubleValue.map { .constant($0) }
    }
    guard case .normal(let n) = e, let head = n.head.asSymbol?.name else { return nil }
    let parts = try n.args.map { try scalarFunction($0, variable, c) }
    guard parts.allSatisfy({ $0 != nil }) || head == "Clip" else { return nil }
    let xs = parts.compactMap { $0 }
    switch head {
    case "Plus": return .sum(xs)
    case "Times": return .product(xs)
    case "Power" where xs.count == 2: return .power(xs[0], xs[1])
    case "Subtract" where xs.count == 2: return .sum([xs[0], .product([.constant(-1), xs[1]])])
    case "Divide" where xs.count == 2: return .product([xs[0], .power(xs[1], .constant(-1))])
    case "Minus" where xs.count == 1: return .product([.constant(-1), xs[0]])
    case "Clip":
        guard n.args.count == 2, let inner = parts[0], let b = n.args[1].listItems, b.count == 2,
              let lo = try c.evaluate(Expr(Symbol.intern("N"), b[0])).doubleValue,
              let hi = try c.evaluate(Expr(Symbol.intern("N"), b[1])).doubleValue else {
            if n.args.count == 1, let inner = parts[0] { return .clip(inner, -1, 1) }
            return nil
        }
        return .clip(inner, lo, hi)
    default:
        guard xs.count == 1, let g = ScalarFunction.Elementary(rawValue: head) else { return nil }
        return .apply(g, xs[0])
    }
}

/// A chain mapped over a sequence: each layer mapped in turn (nested chains flattened into it),
/// keeping the layers' names and arrays.
private func mappedChain(_ net: Net, input: Shape?) throws -> Chain {
    var names: [String] = [], nodes: [Net] = []
    for (path, l) in net.layers {
        guard l.inputs.count == 1 else { throw NetError("invspec", "NetMapOperator maps layers of one input, not \(l.kind.name)") }
        names.append(path.joined(separator: "/"))
        nodes.append(.layer(try Layer(.map(l.kind), arrays: l.arrays)))
    }
    return try Chain(names: names, nodes: nodes, input: input)
}
