import CKernels
import Testing
@testable import Tensor

/// Packed weights as a linear layer uses them (a few rows through the channel-blocked kernel)
/// against OpenBLAS's product of the unpacked matrix.
@Suite struct PackedWeightsTests {
    @Test(arguments: [(1, 1280, 1000), (3, 37, 17), (2, 5, 16)])
    func linearMatchesMatmul(_ n: Int, _ k: Int, _ o: Int) throws {
        guard VectorKernels.active else { return }
        var g = SeededGenerator(seed: UInt64(n * 7919 + k * 31 + o))
        func random(_ shape: [Int]) throws -> Tensor {
            try Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float(g.normal()) })
        }
        let x = try random([n, k]), w = try random([o, k]), b = try random([o])
        let packed = try #require(PackedWeights(w, biases: b))
        var y = [Float](repeating: .nan, count: n * o + 8)
        let done = y.withUnsafeMutableBufferPointer { packed.linear(x.storage.pointer, rows: n, $0.baseAddress!) }
        #expect(done)
        #expect(y.suffix(8).allSatisfy { $0.isNaN })
        let expected = try Tensor.matmul(x, w, transposeB: true).values
        for i in 0..<n {
            for j in 0..<o {
                #expect(abs(y[i * o + j] - (expected[i * o + j] + b.values[j])) <= 1e-3 * Swift.max(1, abs(expected[i * o + j])))
            }
        }
    }

    /// The AVX-512 kernel (ranges of 16 positions or more) against the AVX2 kernel (the same
    /// positions in slices of fewer than 16): 1x1 convolutions of MobileNet V2's shapes and
    /// awkward ones (output channels past a block, position tails, k past the panel width, k
    /// in chunks of uneven length at 7 x 7), with the residual and ReLU6 epilogue, over all the
    /// positions at once and in ranges of 24 (a core's share of a 7 x 7 image). Equal within
    /// rounding: 1e-5 relative, or 2e-6 sqrt(k) for long sums (a single leftover position sums
    /// its k products in four interleaved chains, a different order).
    @Test(arguments: [(96, 16, 3136), (576, 96, 196), (960, 160, 49), (160, 960, 49), (21, 40, 35), (2100, 17, 25),
                      (960, 48, 49), (320, 80, 49), (1001, 40, 49), (3000, 20, 60)])
    func wideKernelMatchesAVX2(_ k: Int, _ o: Int, _ p: Int) throws {
        guard PackedWeights.wide, VectorKernels.active else { return }
        var g = SeededGenerator(seed: UInt64(k * 31 + o * 7 + p))
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(g.normal()) } }
        let w = try Tensor(shape: [o, k, 1, 1], values: random(o * k)), b = try Tensor(shape: [o], values: random(o))
        let packed = try #require(PackedWeights(w, biases: b))
        let x = random(k * p), residual = random(o * p)
        func run(slice: Int) -> [Float] {
            var y = [Float](repeating: .nan, count: o * p + 16)
            x.withUnsafeBufferPointer { xp in
                residual.withUnsafeBufferPointer { rp in
                    y.withUnsafeMutableBufferPointer { yp in
                        for q in stride(from: 0, to: p, by: slice) {
                            #expect(packed.apply(xp.baseAddress!, ldx: p, positions: q..<Swift.min(p, q + slice),
                                                 blocks: 0..<packed.blocks, yp.baseAddress!, ldy: p, residual: rp.baseAddress,
                                                 activation: Int32(NETS_RELU6.rawValue)))
                        }
                    }
                }
            }
            return y
        }
        let narrow = run(slice: 15)
        for wide in [run(slice: p), run(slice: 24)] {
            #expect(wide.suffix(16).allSatisfy { $0.isNaN })
            let worst = zip(wide.prefix(o * p), narrow.prefix(o * p)).map { abs($0 - $1) / Swift.max(1, abs($1)) }.max() ?? .nan
            #expect(worst <= Swift.max(1e-5, 2e-6 * Float(k).squareRoot()))
        }
    }

    @Test func refusesWhatItCannotPack() throws {
        #expect(PackedWeights(try Tensor(shape: [4, 3, 3, 3]), biases: nil) == nil)
        #expect(PackedWeights(try Tensor(shape: [4, 3]), biases: try Tensor(shape: [5])) == nil)
    }
}
