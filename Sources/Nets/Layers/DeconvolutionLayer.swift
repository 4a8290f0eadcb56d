import Tensor

/// `DeconvolutionLayer[channels, kernel]`: a 2-D transposed convolution over channel groups,
/// the adjoint of `ConvolutionLayer` with the same window (ONNX's ConvTranspose, PyTorch's
/// ConvTranspose2d).
///
/// - Input: {c, h, w} with c divisible by `groups`. Output: {channels, h', w'} with
///   `h' = (h - 1) * stride + dilation * (kh - 1) + 1 - cropTop - cropBottom` (and likewise w'):
///   `PaddingSize` crops the output, and `"Same"` crops so that `h' = h * stride`.
/// - Arrays: `Weights` {c, channels / groups, kh, kw} (input channels first, as MXNet and
///   PyTorch store them), `Biases` {channels} (unless `biases` is false).
/// - Computed as the input gradient of the convolution that maps {channels, h', w'} to
///   {c, h, w} with these weights and window; the backward pass is that convolution.
/// - Arrays start as Kaiming-normal weights (fan-in: the input channels of a group times the
///   kernel) and zero biases.
struct DeconvolutionLayer: LayerOperator, Codable {
    var channels: Int?
    var window: WindowSpec
    var groups: Int
    var biases: Bool

    static let specKey = "deconvolution"

    var kind: LayerKind { .deconvolution(channels: channels, window: window, groups: groups, biases: biases) }
    var name: String { "DeconvolutionLayer" }
    var arrayNames: [String] { biases ? ["Weights", "Biases"] : ["Weights"] }

    mutating func fixSizes(arrays: [String: Tensor]) throws {
        try window.validate()
        guard groups > 0 else { throw NetError("invspec", "\"ChannelGroups\" must be a positive integer") }
        if let w = arrays["Weights"] {
            guard w.rank == 4, w.shape[2] == window.kernel[0], w.shape[3] == window.kernel[1] else {
                throw NetError("invarr", "deconvolution weights must have dimensions {in, out/groups, \(window.kernel[0]), \(window.kernel[1])}, not \(describe(w.shape))")
            }
            let (out, overflow) = w.shape[1].multipliedReportingOverflow(by: groups)
            guard !overflow else { throw NetError("invarr", "the weights' dimensions \(describe(w.shape)) are too large") }
            if let o = channels, o != out { throw NetError("invarr", "weights for \(out) output channels given to a layer of \(o)") }
            channels = out
        }
        if let b = arrays["Biases"] {
            if let o = channels, b.shape != [o] { throw NetError("invarr", "\(b.count) biases do not fit \(o) output channels") }
            channels = b.count
        }
        if let o = channels, o % groups != 0 { throw NetError("invspec", "\(o) output channels cannot be split into \(groups) groups") }
    }

    func crops(_ axis: Int) throws -> (Int, Int) { try window.transposedCrops(axis) }

    /// The output length along `axis` for an input length n.
    func outputLength(_ n: Int, _ axis: Int) throws -> Int {
        let (before, after) = try crops(axis)
        let e = try WindowSpec.extent(window.kernel[axis], window.dilation[axis])
        let full = try Sizes.add(Sizes.multiply(Sizes.subtract(n, 1), window.stride[axis]), e)
        let out = full - before - after
        guard n > 0, before >= 0, after >= 0, out > 0 else {
            throw NetError.incompatible("cropping \(before) and \(after) from a deconvolution output of \(full) leaves nothing")
        }
        return out
    }

    /// The convolution window whose input gradient this layer computes.
    func convolutionWindow() throws -> Window {
        try window.validate()
        let (t, b) = try crops(0), (l, r) = try crops(1)
        return Window(kernel: (window.kernel[0], window.kernel[1]), stride: (window.stride[0], window.stride[1]), padding: (t, b, l, r),
                      dilation: (window.dilation[0], window.dilation[1]))
    }

    mutating func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        guard let x = shapes.input else { return }
        try window.checkInput(x, of: name)
        guard x[0] % groups == 0 else { throw NetError.incompatible("\(x[0]) input channels cannot be split into \(groups) groups") }
        if let w = arrays["Weights"], w.shape[0] != x[0] {
            throw NetError.incompatible("the weights take \(w.shape[0]) input channels, but the input has \(x[0])")
        }
        guard let o = channels else { return }
        try shapes.setOutput([o, try outputLength(x[1], 0), try outputLength(x[2], 1)])
    }

    func arrayShapes(inputs: [Shape?]) -> [String: Shape]? {
        guard let o = channels, let x = inputs.first ?? nil, let c = x.first else { return nil }
        var out = ["Weights": [c, o / groups] + window.kernel]
        if biases { out["Biases"] = [o] }
        return out
    }

    /// Kaiming-normal weights over the fan-in of an output element, zero biases.
    func initialValues(of array: String, shape: Shape, generator: inout SeededGenerator) -> [Float] {
        let count = shape.reduce(1, *)
        guard array == "Weights", shape.count == 4 else { return Array(repeating: 0, count: count) }
        let fanIn = Swift.max(1, (shape[0] / Swift.max(groups, 1)) * shape[2] * shape[3])
        let std = (2.0 / Double(fanIn)).squareRoot()
        return (0..<count).map { _ in Float(generator.normal() * std) }
    }

    /// The output for a batch `x` {n, c, h, w}.
    func apply(_ x: Tensor, weights w: Tensor, biases: Tensor?) throws -> Tensor {
        guard x.rank == 4, let o = channels else { throw NetError("eval", "DeconvolutionLayer needs {channels, height, width} inputs") }
        let out = [x.shape[0], o, try outputLength(x.shape[2], 0), try outputLength(x.shape[3], 1)]
        try Sizes.count(out, "the deconvolution's output")
        let zeros = try Tensor(shape: out)
        var (y, _, _) = try Convolution.backward(zeros, weights: w, window: try convolutionWindow(), groups: groups, gradient: x)
        if let biases {
            let plane = out[2] * out[3]
            let b = biases.values
            y.withUnsafeMutableBufferPointer { p in
                for i in 0..<out[0] { for ch in 0..<o { for k in 0..<plane { p[(i * o + ch) * plane + k] += b[ch] } } }
            }
        }
        return y
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        try apply(try input(xs), weights: layer.array("Weights"), biases: layer.arrays["Biases"])
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs), w = try layer.array("Weights")
        let y = try apply(x, weights: w, biases: layer.arrays["Biases"])
        let win = try convolutionWindow()
        let frozen = step.isFrozen(layer), hasBiases = layer.arrays["Biases"] != nil, groups = groups
        return (y, { dy in
            if frozen && !step.needInput { return [nil] }
            if !frozen {
                // The convolution of dy gives x's shape; its weight gradient against x is ours.
                let (_, dw, _) = try Convolution.backward(dy, weights: w, window: win, groups: groups, gradient: x)
                try step.accumulate("Weights", dw)
                if hasBiases {
                    let o = dy.shape[1], plane = dy.shape[2] * dy.shape[3]
                    let g = dy.values
                    var db = [Float](repeating: 0, count: o)
                    for i in 0..<dy.shape[0] { for ch in 0..<o { for k in 0..<plane { db[ch] += g[(i * o + ch) * plane + k] } } }
                    try step.accumulate("Biases", try Tensor(shape: [o], values: db))
                }
            }
            return [step.needInput ? try Convolution.forward(dy, weights: w, biases: nil, window: win, groups: groups) : nil]
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? {
        Planned(layer: self, weights: try layer.array("Weights"), biases: layer.arrays["Biases"])
    }

    /// The reference forward pass as a plan step.
    private struct Planned: PlannedOperation {
        let layer: DeconvolutionLayer
        let weights: Tensor
        let biases: Tensor?

        func outputShape(_ xs: [[Int]]) throws -> [Int] {
            let x = xs[0]
            guard x.count == 4, let o = layer.channels else { throw NetError("eval", "a deconvolution needs {channels, height, width} inputs") }
            return [x[0], o, try layer.outputLength(x[2], 0), try layer.outputLength(x[3], 1)]
        }

        func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                     _ scratch: Scratch) throws {
            let x = try Tensor(shape: shapes[0], values: Array(UnsafeBufferPointer(start: xs[0], count: shapes[0].reduce(1, *))))
            let out = try layer.apply(x, weights: weights, biases: biases)
            out.withUnsafeBufferPointer { p in
                guard let b = p.baseAddress else { return }
                y.update(from: b, count: out.count)
            }
        }
    }
}

extension WindowSpec {
    /// The crop a transposed convolution with this window takes off the start and end of
    /// `axis`: the explicit padding, or for "Same" the crop that leaves the input length times
    /// the stride.
    public func transposedCrops(_ axis: Int) throws -> (Int, Int) {
        try validate()
        let e = try Self.extent(kernel[axis], dilation[axis])
        switch padding {
        case .explicit(let t, let b, let l, let r): return axis == 0 ? (t, b) : (l, r)
        case .same:
            let total = e - stride[axis]
            guard total >= 0 else {
                throw NetError.incompatible("a \"Same\" deconvolution needs a kernel extent of at least the stride, not \(e) for stride \(stride[axis])")
            }
            return (total / 2, total - total / 2)
        }
    }
}
