import CKernels
import Testing
@testable import Tensor

/// The AVX-512 kernels that only inference plans use, against the AVX2 kernels they replace (on
/// CPUs without AVX-512 both runs take the AVX2 path and the tests compare it with itself): the
/// direct convolution for few input channels (MobileNet's stem and awkward shapes: row tails,
/// output channels past a block of eight, two groups), the flat depthwise kernel for small
/// planes, and global pooling. In the serialized
/// convolution suite, since they switch kernels off and on.
extension ConvolutionKernelTests {
    static let wideCases: [Case] = [
        Case(n: 1, c: 3, h: 64, w: 64, o: 32, kernel: 3, stride: 2, padding: (1, 1, 1, 1)),
        Case(c: 3, h: 70, w: 61, o: 32, kernel: 3, padding: (3, 3, 3, 3)),
        Case(c: 3, h: 33, w: 33, o: 13, kernel: 3, stride: 2, padding: (0, 1, 0, 1)),
        Case(n: 1, c: 1, h: 28, w: 100, o: 7, kernel: 5),
        Case(c: 4, h: 11, w: 13, o: 18, kernel: 3, stride: 3, padding: (1, 0, 2, 1), groups: 2),
        // Depthwise 3x3 stride 1 over small planes (the flat kernel): 7 x 7 and 14 x 14 as in
        // MobileNet, asymmetric padding, a plane of exactly 16 vectors, one a column wide, and
        // one past 256 positions (the AVX2 kernel on both sides).
        Case(n: 1, c: 40, h: 7, w: 7, o: 40, kernel: 3, padding: (1, 1, 1, 1), groups: 40),
        Case(c: 5, h: 14, w: 14, o: 5, kernel: 3, padding: (1, 1, 1, 1), groups: 5),
        Case(c: 3, h: 9, w: 13, o: 3, kernel: 3, padding: (0, 2, 1, 1), groups: 3),
        Case(c: 2, h: 16, w: 16, o: 2, kernel: 3, padding: (1, 1, 1, 1), groups: 2),
        Case(c: 2, h: 5, w: 1, o: 2, kernel: 3, padding: (1, 1, 1, 1), groups: 2),
        Case(c: 2, h: 17, w: 17, o: 2, kernel: 3, padding: (1, 1, 1, 1), groups: 2),
    ]

    /// The plan's convolution (`planned`) with the AVX-512 kernels on or off.
    static func planned(_ cs: Case, wide: Bool) throws -> [Float] {
        nets_set_wide_kernels(wide ? 1 : 0)
        defer { nets_set_wide_kernels(1) }
        var g = SeededGenerator(seed: UInt64(cs.h * 7 + cs.w * 3 + cs.o))
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(g.normal()) } }
        let win = Window(kernel: (cs.kernel, cs.kernel), stride: (cs.stride, cs.stride), padding: cs.padding)
        let (ho, wo) = try win.output(cs.h, cs.w)
        let x = random(cs.n * cs.c * cs.h * cs.w)
        let k = try Tensor(shape: [cs.o, cs.c / cs.groups, cs.kernel, cs.kernel],
                           values: random(cs.o * cs.c / cs.groups * cs.kernel * cs.kernel))
        let bias = random(cs.o), residual = random(cs.n * cs.o * ho * wo)
        var y = [Float](repeating: .nan, count: cs.n * cs.o * ho * wo + 16)
        try x.withUnsafeBufferPointer { xp in
            try bias.withUnsafeBufferPointer { bp in
                try residual.withUnsafeBufferPointer { rp in
                    try y.withUnsafeMutableBufferPointer { yp in
                        let epilogue = Epilogue(biases: bp.baseAddress, residual: rp.baseAddress, activation: .relu6)
                        if cs.groups == cs.c && cs.o == cs.c {
                            try Convolution.inference(xp.baseAddress!, shape: [cs.n, cs.c, cs.h, cs.w], weights: k, window: win,
                                                      groups: cs.groups, epilogue: epilogue, output: yp.baseAddress!,
                                                      scratch: Scratch(), planned: true)
                        } else {
                            // The direct kernel itself: plans leave its AVX-512 form off (`wideDirect`).
                            let s = try Convolution.shape([cs.n, cs.c, cs.h, cs.w], k, win, cs.groups)
                            #expect(Convolution.direct(UnsafeSendable(UnsafePointer(xp.baseAddress!)), s, win,
                                                       UnsafeSendable(UnsafePointer(k.storage.pointer)), epilogue,
                                                       UnsafeSendable(yp.baseAddress!), workers: Parallel.workers, wide: wide))
                        }
                    }
                }
            }
        }
        #expect(y.suffix(16).allSatisfy { $0.isNaN })
        return Array(y.dropLast(16))
    }

    @Test(arguments: wideCases)
    func wideDirectKernelMatchesAVX2(_ cs: Case) throws {
        let wide = try Self.planned(cs, wide: true), narrow = try Self.planned(cs, wide: false)
        #expect(wide.allSatisfy { !$0.isNaN })
        let worst = zip(wide, narrow).map { abs($0 - $1) / Swift.max(1, abs($1)) }.max() ?? .nan
        #expect(worst <= 1e-5)
    }

    /// Means and totals of planes of every tail length (one plane of 49, MobileNet's 1280 planes
    /// of 7 x 7 split over the cores), with the AVX-512 kernel, the AVX2 one and plane by plane,
    /// against a sum in double precision.
    @Test(arguments: [(1, 1), (3, 17), (5, 64), (2, 100), (1280, 49), (4, 8), (2, 39)])
    func globalPoolingMatchesSum(_ planes: Int, _ size: Int) throws {
        var g = SeededGenerator(seed: UInt64(planes * 101 + size))
        let x = (0..<planes * size).map { _ in Float(g.normal()) }
        for (wide, vector) in [(true, true), (false, true), (false, false)] {
            nets_set_wide_kernels(wide ? 1 : 0)
            VectorKernels.use(vector)
            defer { nets_set_wide_kernels(1); VectorKernels.use(true) }
            for f in [Pooling.Function.mean, .total] {
                var y = [Float](repeating: .nan, count: planes + 4)
                x.withUnsafeBufferPointer { xp in
                    y.withUnsafeMutableBufferPointer { Pooling.globalInference(xp.baseAddress!, planes: planes, size: size, f, output: $0.baseAddress!) }
                }
                #expect(y.suffix(4).allSatisfy { $0.isNaN })
                for p in 0..<planes {
                    let sum = x[p * size..<(p + 1) * size].reduce(0.0) { $0 + Double($1) }
                    let expected = f == .mean ? sum / Double(size) : sum
                    #expect(abs(Double(y[p]) - expected) <= 1e-5 * Swift.max(1, abs(expected)))
                }
            }
        }
    }
}
