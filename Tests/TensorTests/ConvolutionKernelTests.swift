import Testing
@testable import Tensor

/// The inference convolution kernels (AVX2 vector kernels where the CPU has them, and the
/// portable Swift ones) against a direct double-precision sum, epilogue included: depthwise
/// 3x3 rows with their borders, narrow rows, the direct kernel for few input channels, the
/// unpacked GEMM for small 1x1 convolutions and wide images, the channel-blocked kernel with
/// packed weights for 1x1 convolutions over small images, and im2col + OpenBLAS for the rest.
/// Serialized: the tests switch the vector kernels off and on.
@Suite(.serialized) struct ConvolutionKernelTests {
    struct Case: CustomStringConvertible, Sendable {
        let n: Int, c: Int, h: Int, w: Int, o: Int, kernel: Int, stride: Int
        let padding: (Int, Int, Int, Int), groups: Int
        /// Whether the weights come packed (as an inference plan packs its 1x1 convolutions).
        let packed: Bool
        init(n: Int = 2, c: Int, h: Int, w: Int, o: Int, kernel: Int, stride: Int = 1, padding: (Int, Int, Int, Int) = (0, 0, 0, 0),
             groups: Int = 1, packed: Bool = false) {
            (self.n, self.c, self.h, self.w, self.o, self.kernel, self.stride) = (n, c, h, w, o, kernel, stride)
            (self.padding, self.groups, self.packed) = (padding, groups, packed)
        }
        var description: String {
            "\(n)x\(c)x\(h)x\(w) -> \(o), \(kernel)x\(kernel)/\(stride), pad \(padding), groups \(groups)\(packed ? ", packed" : "")"
        }
    }

    static let cases: [Case] = [
        // Depthwise 3x3: stride 1 and 2, symmetric and "Same" (0, 1) padding, rows narrower than,
        // equal to and just wider than a vector, odd sizes.
        Case(c: 3, h: 9, w: 37, o: 3, kernel: 3, padding: (1, 1, 1, 1), groups: 3),
        Case(c: 3, h: 12, w: 40, o: 3, kernel: 3, stride: 2, padding: (1, 1, 1, 1), groups: 3),
        Case(c: 2, h: 7, w: 19, o: 2, kernel: 3, groups: 2),
        Case(c: 2, h: 8, w: 33, o: 2, kernel: 3, stride: 2, groups: 2),
        Case(c: 4, h: 14, w: 14, o: 4, kernel: 3, stride: 2, padding: (0, 1, 0, 1), groups: 4),
        Case(c: 3, h: 5, w: 8, o: 3, kernel: 3, padding: (1, 1, 1, 1), groups: 3),
        Case(c: 3, h: 7, w: 7, o: 3, kernel: 3, padding: (1, 1, 1, 1), groups: 3),
        Case(c: 2, h: 3, w: 5, o: 2, kernel: 3, padding: (1, 1, 1, 1), groups: 2),
        Case(c: 2, h: 16, w: 17, o: 2, kernel: 3, stride: 2, padding: (1, 1, 1, 1), groups: 2),
        Case(c: 2, h: 4, w: 9, o: 2, kernel: 3, padding: (1, 1, 1, 1), groups: 2),
        // Few input channels (direct kernel): stem-like, 5x5, asymmetric padding, two groups.
        Case(c: 3, h: 70, w: 61, o: 32, kernel: 3, padding: (3, 3, 3, 3)),
        Case(c: 3, h: 45, w: 80, o: 8, kernel: 3, stride: 2, padding: (2, 2, 2, 2)),
        Case(c: 1, h: 5, w: 300, o: 4, kernel: 3, padding: (1, 1, 1, 1)),
        Case(c: 1, h: 28, w: 28, o: 6, kernel: 5),
        Case(c: 3, h: 33, w: 33, o: 7, kernel: 3, stride: 2, padding: (0, 1, 0, 1)),
        Case(c: 4, h: 11, w: 13, o: 6, kernel: 3, stride: 3, padding: (1, 0, 2, 1), groups: 2),
        // 1x1: unpacked GEMM (k <= 32) with a row tail, and OpenBLAS (k = 40).
        Case(c: 24, h: 9, w: 11, o: 13, kernel: 1),
        Case(c: 16, h: 6, w: 6, o: 10, kernel: 1, groups: 2),
        Case(c: 40, h: 5, w: 7, o: 9, kernel: 1),
        // 1x1 with packed weights over small images (channel-blocked kernel): output channels
        // not a multiple of 16, position tails of every length, one image split over the cores.
        Case(c: 40, h: 5, w: 7, o: 21, kernel: 1, packed: true),
        Case(n: 1, c: 70, h: 14, w: 14, o: 48, kernel: 1, packed: true),
        Case(n: 1, c: 33, h: 7, w: 7, o: 160, kernel: 1, packed: true),
        Case(c: 9, h: 1, w: 4, o: 8, kernel: 1, packed: true),
        // 1x1 expansions, packed, over images of 64 to 255 positions: on AVX2 CPUs the kernel
        // vectorised over positions (one image split over the cores; output channels past a
        // block and a position tail, two images).
        Case(n: 1, c: 24, h: 12, w: 12, o: 40, kernel: 1, packed: true),
        Case(c: 20, h: 9, w: 9, o: 37, kernel: 1, packed: true),
        // 1x1 over a wide image: the unpacked GEMM reads the input in place whatever k is.
        Case(n: 1, c: 64, h: 17, w: 17, o: 20, kernel: 1, packed: true),
        Case(c: 100, h: 16, w: 19, o: 7, kernel: 1),
        // 1x1, packed, AVX-512 on CPUs that have it: one block over a wide image (a single
        // image's positions split over the cores), k past the panel width, two images.
        Case(n: 1, c: 16, h: 40, w: 40, o: 16, kernel: 1, packed: true),
        Case(n: 1, c: 2100, h: 5, w: 5, o: 17, kernel: 1, packed: true),
        Case(n: 2, c: 24, h: 15, w: 20, o: 40, kernel: 1, packed: true),
        // im2col + OpenBLAS (k = 36).
        Case(c: 4, h: 10, w: 12, o: 5, kernel: 3, padding: (1, 1, 1, 1)),
    ]

    /// act(conv(x, k) + bias + residual) in double precision.
    static func reference(_ x: [Float], _ k: [Float], _ bias: [Float], _ residual: [Float], _ cs: Case, ho: Int, wo: Int) -> [Double] {
        let cg = cs.c / cs.groups, og = cs.o / cs.groups
        var y = [Double](repeating: 0, count: cs.n * cs.o * ho * wo)
        for i in 0..<cs.n {
            for oc in 0..<cs.o {
                let g = oc / og
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        var acc = Double(bias[oc])
                        for ci in 0..<cg {
                            for ki in 0..<cs.kernel {
                                for kj in 0..<cs.kernel {
                                    let iy = oy * cs.stride - cs.padding.0 + ki, ix = ox * cs.stride - cs.padding.2 + kj
                                    guard iy >= 0, iy < cs.h, ix >= 0, ix < cs.w else { continue }
                                    let xv = x[((i * cs.c + g * cg + ci) * cs.h + iy) * cs.w + ix]
                                    acc += Double(k[((oc * cg + ci) * cs.kernel + ki) * cs.kernel + kj]) * Double(xv)
                                }
                            }
                        }
                        let at = ((i * cs.o + oc) * ho + oy) * wo + ox
                        acc += Double(residual[at])
                        y[at] = Swift.min(Swift.max(acc, 0), 6)
                    }
                }
            }
        }
        return y
    }

    /// Largest difference between the kernel's output and the reference.
    static func worst(_ cs: Case, vector: Bool) throws -> Double {
        VectorKernels.use(vector)
        defer { VectorKernels.use(true) }
        var g = SeededGenerator(seed: UInt64(cs.h * 1000 + cs.w * 10 + cs.kernel))
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(g.normal()) } }
        let win = Window(kernel: (cs.kernel, cs.kernel), stride: (cs.stride, cs.stride), padding: cs.padding)
        let (ho, wo) = try win.output(cs.h, cs.w)
        let x = random(cs.n * cs.c * cs.h * cs.w)
        let k = try Tensor(shape: [cs.o, cs.c / cs.groups, cs.kernel, cs.kernel], values: random(cs.o * cs.c / cs.groups * cs.kernel * cs.kernel))
        let bias = random(cs.o), residual = random(cs.n * cs.o * ho * wo)
        let packed = cs.packed ? PackedWeights(k, biases: try Tensor(shape: [cs.o], values: bias)) : nil
        if cs.packed && vector && VectorKernels.active { #expect(packed != nil) }
        // Sentinels past the end catch writes outside the output.
        var y = [Float](repeating: .nan, count: cs.n * cs.o * ho * wo + 16)
        try x.withUnsafeBufferPointer { xp in
            try bias.withUnsafeBufferPointer { bp in
                try residual.withUnsafeBufferPointer { rp in
                    try y.withUnsafeMutableBufferPointer { yp in
                        let epilogue = Epilogue(biases: bp.baseAddress, residual: rp.baseAddress, activation: .relu6)
                        try Convolution.inference(xp.baseAddress!, shape: [cs.n, cs.c, cs.h, cs.w], weights: k, window: win,
                                                  groups: cs.groups, epilogue: epilogue, output: yp.baseAddress!, scratch: Scratch(),
                                                  packed: packed)
                    }
                }
            }
        }
        #expect(y.suffix(16).allSatisfy { $0.isNaN })
        let expected = reference(x, k.values, bias, residual, cs, ho: ho, wo: wo)
        return zip(expected, y).map { abs($0 - Double($1)) }.max() ?? 0
    }

    @Test(arguments: cases)
    func vectorKernelsMatchDirectSum(_ cs: Case) throws {
        #expect(try Self.worst(cs, vector: true) < 1e-4)
    }

    @Test(arguments: cases)
    func portableKernelsMatchDirectSum(_ cs: Case) throws {
        #expect(try Self.worst(cs, vector: false) < 1e-4)
    }

    /// Depthwise backward (dx, dW, db): the vector kernels against the portable Swift loops,
    /// which the finite-difference and PyTorch tests check in their own right.
    @Test(arguments: cases.filter { $0.groups == $0.c && $0.o == $0.c && $0.kernel == 3 })
    func depthwiseBackwardVectorMatchesPortable(_ cs: Case) throws {
        var g = SeededGenerator(seed: UInt64(cs.h * 31 + cs.w))
        func random(_ shape: [Int]) throws -> Tensor {
            try Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float(g.normal()) })
        }
        let win = Window(kernel: (3, 3), stride: (cs.stride, cs.stride), padding: cs.padding)
        let (ho, wo) = try win.output(cs.h, cs.w)
        let x = try random([cs.n, cs.c, cs.h, cs.w]), k = try random([cs.c, 1, 3, 3]), dy = try random([cs.n, cs.c, ho, wo])
        defer { VectorKernels.use(true) }
        VectorKernels.use(false)
        let portable = try Convolution.backward(x, weights: k, window: win, groups: cs.c, gradient: dy)
        VectorKernels.use(true)
        let vector = try Convolution.backward(x, weights: k, window: win, groups: cs.c, gradient: dy)
        for (a, b) in [(portable.0, vector.0), (portable.1, vector.1), (portable.2, vector.2)] {
            #expect(a.shape == b.shape)
            #expect(zip(a.values, b.values).allSatisfy { abs($0 - $1) <= 1e-4 * Swift.max(1, abs($0)) })
        }
    }
}
