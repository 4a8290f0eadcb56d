import CoreKernel
import Language
import Nets
import Tensor

/// The arguments ConvolutionLayer and DeconvolutionLayer share: `[n, k]` or `[n, {kh, kw}]`
/// (the kernel may come from given `"Weights"`), `"Stride"`, `PaddingSize`, `"Dilation"`,
/// `"ChannelGroups"`.
func windowedLayerSpec(_ a: inout LayerArguments, _ layer: String) throws -> (channels: Int?, window: WindowSpec, groups: Int) {
    var channels: Int?
    if let n = a.positional.first {
        guard let k = n.intValue, k > 0 else { throw NetError("invspec", "the number of output channels must be a positive integer, not \(InputForm.string(n))") }
        channels = k
    }
    var kernel = [1, 1]
    if a.positional.count > 1 {
        guard let k = pair(a.positional[1]) else { throw NetError("invspec", "the kernel size must be a positive integer or a pair, not \(InputForm.string(a.positional[1]))") }
        kernel = k
    } else if a.options["Weights"] == nil {
        throw NetError("invspec", "\(layer) needs the number of output channels and a kernel size")
    } else if let w = a.options["Weights"]?.asTensor, w.rank == 4 {
        kernel = [w.shape[2], w.shape[3]]
    }
    let stride = try pairOption(&a, "Stride", [1, 1])
    let dilation = try pairOption(&a, "Dilation", [1, 1])
    let padding = try paddingSpec(a.take("PaddingSize"))
    var groups = 1
    if let g = a.take("ChannelGroups") {
        guard let k = g.intValue, k > 0 else { throw NetError("invspec", "\"ChannelGroups\" must be a positive integer") }
        groups = k
    }
    return (channels, WindowSpec(kernel: kernel, stride: stride, padding: padding, dilation: dilation), groups)
}

extension Kernel {
    static var deconvolutionBuiltins: [Builtin] {
        [
            Builtin("DeconvolutionLayer", [], usage: "DeconvolutionLayer[n, k] is a 2-D transposed convolution with n output channels and a k x k kernel; DeconvolutionLayer[n, {kh, kw}]. Options \"Stride\", PaddingSize (cropped from the output; \"Same\" gives input size times stride), \"Dilation\", \"ChannelGroups\"; arrays \"Weights\" {in, n/groups, kh, kw} and \"Biases\". Example: Information[DeconvolutionLayer[4, 2, \"Stride\" -> 2, \"Input\" -> {3, 5, 5}], \"OutputPorts\"] gives <|Output -> {4, 10, 10}|>.", examples: [("Information[DeconvolutionLayer[4, 2, \"Stride\" -> 2, \"Input\" -> {3, 5, 5}], \"OutputPorts\"]", "<|Output -> {4, 10, 10}|>"), ("DeconvolutionLayer[1, 2, \"Weights\" -> {{{{1., 2.}, {3., 4.}}}}, \"Biases\" -> None][{{{1., 10.}}}]", "{{{1., 12., 20.}, {3., 34., 40.}}}")]) { c in
                guard var a = LayerArguments(c, maxPositional: 2) else { return .failed }
                return a.build { a in
                    let (channels, window, groups) = try windowedLayerSpec(&a, "DeconvolutionLayer")
                    return .deconvolution(channels: channels, window: window, groups: groups, biases: true)
                }
            },
        ]
    }
}
