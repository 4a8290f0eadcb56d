import Testing
@testable import Tensor

/// The fused expansion + depthwise convolution against the two convolutions run one after the
/// other (the 1x1 with packed weights, then the depthwise one with the training path's kernels),
/// both epilogues included (ReLU6 after each, the residual after the depthwise one): expanded
/// channels past a block of 16, stride 1 and 2, small planes (the flat kernel), expansions run
/// whole and in blocks, two images, and the portable code with the vector kernels off. Within 1e-5. In the serialized convolution
/// suite, since one case switches the vector kernels off.
extension ConvolutionKernelTests {
    struct Fused: CustomStringConvertible, Sendable {
        let n: Int, k: Int, o: Int, h: Int, w: Int, stride: Int
        var description: String { "\(n)x\(k)x\(h)x\(w) -> \(o), stride \(stride)" }
    }

    static let fusedCases = [
        Fused(n: 1, k: 16, o: 96, h: 20, w: 22, stride: 2), Fused(n: 2, k: 24, o: 40, h: 9, w: 11, stride: 1),
        Fused(n: 1, k: 8, o: 20, h: 7, w: 7, stride: 1), Fused(n: 1, k: 5, o: 16, h: 30, w: 30, stride: 1),
        // Past `smallExpansion`: blocks of 16 expanded channels through the worker's scratch.
        Fused(n: 1, k: 8, o: 40, h: 112, w: 120, stride: 2), Fused(n: 2, k: 3, o: 17, h: 130, w: 125, stride: 1),
    ]

    static func fusedOutputs(_ f: Fused) throws -> (fused: [Float], separate: [Float], portable: [Float]) {
        var g = SeededGenerator(seed: UInt64(f.k * 100 + f.o + f.h))
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(g.normal()) } }
        let x = random(f.n * f.k * f.h * f.w)
        let we = try Tensor(shape: [f.o, f.k, 1, 1], values: random(f.o * f.k)), be = try Tensor(shape: [f.o], values: random(f.o))
        let wd = try Tensor(shape: [f.o, 1, 3, 3], values: random(f.o * 9)), bd = random(f.o)
        let win = Window(kernel: (3, 3), stride: (f.stride, f.stride), padding: (1, 1, 1, 1))
        let (ho, wo) = try win.output(f.h, f.w)
        let residual = random(f.n * f.o * ho * wo)
        let packed = PackedWeights(we, biases: be)
        func fused(packed: PackedWeights?) throws -> [Float] {
            var y = [Float](repeating: .nan, count: f.n * f.o * ho * wo + 16)
            try bd.withUnsafeBufferPointer { bp in
                try residual.withUnsafeBufferPointer { rp in
                    try y.withUnsafeMutableBufferPointer { yp in
                        let e = Expansion(weights: we, biases: be, packed: packed, activation: .relu6)
                        try Convolution.expandDepthwise(x, shape: [f.n, f.k, f.h, f.w], expansion: e, depthwise: wd, window: win,
                                                        epilogue: Epilogue(biases: bp.baseAddress, residual: rp.baseAddress, activation: .relu6),
                                                        output: yp.baseAddress!, scratch: Scratch())
                    }
                }
            }
            #expect(y.suffix(16).allSatisfy { $0.isNaN })
            return Array(y.dropLast(16))
        }
        var middle = [Float](repeating: 0, count: f.n * f.o * f.h * f.w)
        var y = [Float](repeating: .nan, count: f.n * f.o * ho * wo)
        try be.withUnsafeBufferPointer { eb in
            try middle.withUnsafeMutableBufferPointer { mp in
                try Convolution.inference(x, shape: [f.n, f.k, f.h, f.w], weights: we, window: Window(kernel: (1, 1)), groups: 1,
                                          epilogue: Epilogue(biases: eb.baseAddress, activation: .relu6), output: mp.baseAddress!,
                                          scratch: Scratch(), packed: packed)
            }
        }
        try bd.withUnsafeBufferPointer { bp in
            try residual.withUnsafeBufferPointer { rp in
                try y.withUnsafeMutableBufferPointer { yp in
                    try Convolution.inference(middle, shape: [f.n, f.o, f.h, f.w], weights: wd, window: win, groups: f.o,
                                              epilogue: Epilogue(biases: bp.baseAddress, residual: rp.baseAddress, activation: .relu6),
                                              output: yp.baseAddress!, scratch: Scratch())
                }
            }
        }
        let vector = try fused(packed: packed)
        VectorKernels.use(false)
        defer { VectorKernels.use(true) }
        return (vector, y, try fused(packed: nil))
    }

    @Test(arguments: fusedCases)
    func expandDepthwiseMatchesSeparateSteps(_ f: Fused) throws {
        let (fused, separate, portable) = try Self.fusedOutputs(f)
        #expect(separate.allSatisfy { !$0.isNaN })
        for other in [fused, portable] {
            let worst = zip(other, separate).map { abs($0 - $1) / Swift.max(1, abs($1)) }.max() ?? .nan
            #expect(worst <= 1e-5)
        }
    }
}
