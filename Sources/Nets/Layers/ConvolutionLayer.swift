import Resources
import Tensor

/// `ConvolutionLayer[channels, kernel]`: a 2-D convolution over channel groups.
///
/// - Input: {c, h, w} with c divisible by `groups`. Output: {channels, h', w'}, h' and w' from
///   the window (`WindowSpec.outputSize`).
/// - Arrays: `Weights` {channels, c / groups, kh, kw}, `Biases` {channels} (unless `biases` is false).
/// - The weights (or biases) fix the output channels; the weights fix the input channels.
/// - Fusion: in a chain's reference forward pass a following BatchNormalizationLayer (and an
///   activation after it) is folded into the weights; in an inference plan the convolution's
///   epilogue absorbs, in this order, a batch normalization, then an activation or a residual
///   addition (then an activation).
/// - Arrays start as Kaiming-normal weights and zero biases (`LayerOperator`'s default).
struct ConvolutionLayer: LayerOperator, Codable {
    var channels: Int?
    var window: WindowSpec
    var groups: Int
    var biases: Bool

    static let specKey = "convolution"

    var kind: LayerKind { .convolution(channels: channels, window: window, groups: groups, biases: biases) }
    var name: String { "ConvolutionLayer" }
    var arrayNames: [String] { biases ? ["Weights", "Biases"] : ["Weights"] }

    mutating func fixSizes(arrays: [String: Tensor]) throws {
        try window.validate()
        guard groups > 0 else { throw NetError("invspec", "\"ChannelGroups\" must be a positive integer") }
        if let w = arrays["Weights"] {
            guard w.rank == 4, w.shape[2] == window.kernel[0], w.shape[3] == window.kernel[1] else {
                throw NetError("invarr", "convolution weights must have dimensions {out, in/groups, \(window.kernel[0]), \(window.kernel[1])}, not {\(w.shape.map(String.init).joined(separator: ", "))}")
            }
            if let o = channels, o != w.shape[0] { throw NetError("invarr", "weights for \(w.shape[0]) output channels given to a layer of \(o)") }
            channels = w.shape[0]
        }
        if let b = arrays["Biases"] {
            if let o = channels, b.shape != [o] { throw NetError("invarr", "\(counted(b.count, "bias", "biases")) cannot fit \(counted(o, "output channel"))") }
            channels = b.count
        }
        if let o = channels, o % groups != 0 { throw NetError("invspec", "\(o) output channels cannot be split into \(groups) groups") }
    }

    mutating func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        guard let x = shapes.input else { return }
        try window.checkInput(x, of: name)
        guard x[0] % groups == 0 else { throw NetError.incompatible("\(x[0]) input channels cannot be split into \(groups) groups") }
        if let w = arrays["Weights"] {
            let taken = w.shape[1].multipliedReportingOverflow(by: groups)
            guard !taken.overflow, taken.partialValue == x[0] else {
                throw NetError.incompatible("the weights take \(w.shape[1]) input channels per group of \(groups), but the input has \(x[0])")
            }
        }
        guard let o = channels else { return }
        let (ho, wo) = try window.outputSize(x)
        try shapes.setOutput([o, ho, wo])
    }

    func arrayShapes(inputs: [Shape?]) -> [String: Shape]? {
        guard let o = channels, let x = inputs.first ?? nil, let c = x.first else { return nil }
        var out = ["Weights": [o, c / groups] + window.kernel]
        if biases { out["Biases"] = [o] }
        return out
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        let x = try input(xs)
        guard x.rank == 4 else { throw NetError("eval", "ConvolutionLayer needs {channels, height, width} inputs") }
        return try Convolution.forward(x, weights: layer.array("Weights"), biases: layer.arrays["Biases"],
                                       window: try window.window(x.shape[2], x.shape[3]), groups: groups)
    }

    func forwardFused(_ x: Tensor, _ layer: Layer, followedBy next: ArraySlice<Net>) throws -> (Tensor, Int)? {
        guard case .layer(let bnLayer)? = next.first, let norm = bnLayer.operation as? BatchNormalizationLayer,
              let w = layer.arrays["Weights"], x.rank == 4 else { return nil }
        let (fw, fb) = try Fusion.foldBatchNorm(weights: w, biases: layer.arrays["Biases"], into: norm.statistics(bnLayer))
        var activation: Activation?
        if case .layer(let a)? = next.dropFirst().first, case .elementwise(.activation(let f)) = a.kind { activation = f }
        let y = try Fusion.convolution(x, weights: fw, biases: fb, window: try window.window(x.shape[2], x.shape[3]), groups: groups,
                                       activation: activation)
        return (y, activation == nil ? 2 : 3)
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs), w = try layer.array("Weights")
        let win = try window.window(x.shape[2], x.shape[3])
        let y = try Convolution.forward(x, weights: w, biases: layer.arrays["Biases"], window: win, groups: groups)
        let frozen = step.isFrozen(layer), hasBiases = layer.arrays["Biases"] != nil, groups = groups
        if frozen && !step.needInput { return (y, { _ in [nil] }) }
        // The input is kept for the backward pass unless the layer before can make it again.
        let remake = step.pass.remake(of: x), kept = remake == nil ? x : nil
        return (y, { dy in
            let (dx, dw, db): (Tensor, Tensor, Tensor)
            if let kept {
                (dx, dw, db) = try Convolution.backward(kept, weights: w, window: win, groups: groups, gradient: dy)
            } else if let remake {
                (dx, dw, db) = try Convolution.backward(remake, weights: w, window: win, groups: groups, gradient: dy)
            } else {
                return [nil]
            }
            if !frozen {
                try step.accumulate("Weights", dw)
                if hasBiases { try step.accumulate("Biases", db) }
            }
            return [step.needInput ? dx : nil]
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? {
        let w = try layer.array("Weights")
        let b = try layer.arrays["Biases"] ?? Tensor(shape: [w.shape[0]])
        return Planned(weights: w, biases: b, window: window, groups: groups, activation: nil, residual: false)
    }

    /// The convolution with its epilogue: biases, then the residual input (the step's last
    /// input) added, then the activation.
    fileprivate struct Planned: PlannedOperation {
        var weights: Tensor
        var biases: Tensor
        let window: WindowSpec
        let groups: Int
        var activation: Activation?
        var residual: Bool
        /// The weights and biases packed for the channel-blocked kernel (1x1 convolutions).
        var packed: PackedWeights? = nil

        func outputShape(_ xs: [[Int]]) throws -> [Int] {
            let x = xs[0]
            guard x.count == 4 else { throw NetError("eval", "a convolution needs {channels, height, width} inputs") }
            let (ho, wo) = try window.window(x[2], x[3]).output(x[2], x[3])
            return [x[0], weights.shape[0], ho, wo]
        }

        func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                     _ scratch: Scratch) throws {
            let s = shapes[0]
            let win = try window.window(s[2], s[3])
            try biases.withUnsafeBufferPointer { bias in
                let epilogue = Epilogue(biases: bias.baseAddress, residual: residual ? xs.last : nil, activation: activation)
                try Convolution.inference(xs[0], shape: s, weights: weights, window: win, groups: groups, epilogue: epilogue,
                                          output: y, scratch: scratch, packed: packed, planned: true)
            }
        }

        var profileKind: String {
            let w = weights.shape, depthwise = groups > 1 && groups == w[0]
            return (depthwise ? "depthwise " : "conv ") + w.dropFirst(2).map(String.init).joined(separator: "x")
                + (activation.map { " \($0)" } ?? "") + (residual ? " +residual" : "") + (packed != nil ? " packed" : "")
        }

        func prepared() -> any PlannedOperation { preparedSelf }

        var preparedSelf: Planned {
            var p = self
            if groups == 1 { p.packed = PackedWeights(weights, biases: biases) }
            return p
        }

        /// One filter per channel (a depthwise convolution).
        var isDepthwise: Bool { groups > 1 && groups == weights.shape[0] && weights.shape[1] == 1 }

        func absorbing(_ reader: PlanReader) -> PlanFusion? {
            var fused = self
            switch reader.operation.epilogueRole {
            case .scaleShift(let scale, let shift)? where activation == nil && !residual:
                let o = weights.shape[0], per = weights.count / Swift.max(o, 1)
                let bias = biases.values
                fused.weights.withUnsafeMutableBufferPointer { p in
                    for ch in 0..<o { for k in 0..<per { p[ch * per + k] *= scale[ch] } }
                }
                guard let b = try? Tensor(shape: [o], values: (0..<o).map { bias[$0] * scale[$0] + shift[$0] }) else { return nil }
                fused.biases = b
                return PlanFusion(operation: fused)
            case .activation(let f)? where activation == nil:
                fused.activation = f
                return PlanFusion(operation: fused)
            case nil where !residual && groups == 1 && PackedWeights.preferred:
                // An expansion (1x1) read only by a depthwise convolution: the two run together.
                guard let d = reader.operation as? Planned, d.isDepthwise, d.activation == nil, !d.residual,
                      window.kernel.allSatisfy({ $0 == 1 }), window.stride.allSatisfy({ $0 == 1 }),
                      window.padding == .none || window.padding == .same else { return nil }
                return PlanFusion(operation: PlannedExpandDepthwise(expand: self, depthwise: d))
            case .addition? where activation == nil && !residual && reader.inputs.count == 2:
                let other = reader.inputs[0] == reader.source ? reader.inputs[1] : reader.inputs[0]
                guard other != reader.source, reader.isComputedBefore(other) else { return nil }
                fused.residual = true
                return PlanFusion(operation: fused, residual: other)
            default:
                return nil
            }
        }
    }
}

/// An expansion (1x1 convolution with its epilogue) and the depthwise convolution that reads
/// it, as one step (`Convolution.expandDepthwise`): the expanded channels pass through the
/// cache sixteen at a time instead of through memory. Absorbs what follows as the depthwise
/// convolution would (batch normalization, activation, residual addition).
private struct PlannedExpandDepthwise: PlannedOperation {
    let expand: ConvolutionLayer.Planned
    let depthwise: ConvolutionLayer.Planned

    func outputShape(_ xs: [[Int]]) throws -> [Int] {
        try depthwise.outputShape([try expand.outputShape([xs[0]])])
    }

    func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                 _ scratch: Scratch) throws {
        let s = shapes[0]
        let win = try depthwise.window.window(s[2], s[3])
        let expansion = Expansion(weights: expand.weights, biases: expand.biases, packed: expand.packed,
                                  activation: expand.activation)
        try depthwise.biases.withUnsafeBufferPointer { bias in
            let epilogue = Epilogue(biases: bias.baseAddress, residual: depthwise.residual ? xs.last : nil,
                                    activation: depthwise.activation)
            try Convolution.expandDepthwise(xs[0], shape: s, expansion: expansion, depthwise: depthwise.weights, window: win,
                                            epilogue: epilogue, output: y, scratch: scratch)
        }
    }

    func absorbing(_ reader: PlanReader) -> PlanFusion? {
        guard var fusion = depthwise.absorbing(reader), let d = fusion.operation as? ConvolutionLayer.Planned else { return nil }
        fusion.operation = PlannedExpandDepthwise(expand: expand, depthwise: d)
        return fusion
    }

    func prepared() -> any PlannedOperation {
        PlannedExpandDepthwise(expand: expand.preparedSelf, depthwise: depthwise.preparedSelf)
    }

    var profileKind: String { "expand+" + depthwise.profileKind }
}
