import CKernels
import Testing
@testable import Tensor

/// The AVX2 1x1 kernels on packed weights, vectorised over positions
/// (`nets_pointwise_positions_avx2`) and over output channels (`nets_pointwise_oc16`), against
/// a direct double-precision sum with its epilogue (biases, residual, activation): MobileNet
/// V2's shapes and awkward ones (output channels past a block, every tail of 1 to 23
/// positions, k past the panel width, a range of blocks and positions inside the layer, rows
/// longer than the positions computed, a 7 x 7 layer split at a position as two cores run it).
/// Sentinels around the written range catch stores outside it. Skipped where the CPU lacks AVX2
/// and FMA.
@Suite struct PositionsKernelTests {
    struct Case: CustomStringConvertible, Sendable {
        let k: Int, o: Int, positions: Int
        var blocks: Range<Int>? = nil
        var range: Range<Int>? = nil
        var activation: Int32 = Int32(NETS_RELU6.rawValue)
        var residual = true
        var description: String { "\(k) -> \(o) at \(positions)\(blocks.map { ", blocks \($0)" } ?? "")\(range.map { ", positions \($0)" } ?? "")" }
    }

    static let cases: [Case] = [
        Case(k: 16, o: 96, positions: 12544), Case(k: 24, o: 144, positions: 3136), Case(k: 144, o: 24, positions: 3136),
        Case(k: 64, o: 384, positions: 196), Case(k: 576, o: 96, positions: 196), Case(k: 160, o: 960, positions: 49),
        Case(k: 7, o: 21, positions: 71, activation: Int32(NETS_RELU.rawValue)),
        Case(k: 3, o: 5, positions: 1, activation: Int32(NETS_NONE.rawValue), residual: false),
        Case(k: 2100, o: 17, positions: 47),
        Case(k: 33, o: 70, positions: 300, blocks: 1..<4, range: 37..<250),
        Case(k: 960, o: 160, positions: 49, blocks: 3..<6, range: 0..<32),
        Case(k: 960, o: 160, positions: 49, blocks: 3..<6, range: 32..<49),
        Case(k: 320, o: 1280, positions: 49, blocks: 0..<2, activation: Int32(NETS_NONE.rawValue)),
    ] + (1...23).map { Case(k: 9, o: 20, positions: 24 + $0, residual: $0 % 2 == 0) }

    /// The two kernels, which take the same arguments.
    enum Kernel: CaseIterable, Sendable { case positions, channels }

    @Test(arguments: cases, Kernel.allCases)
    func matchesDirectSum(_ c: Case, _ kernel: Kernel) throws {
        guard VectorKernels.active else { return }
        var g = SeededGenerator(seed: UInt64(c.k * 1009 + c.o * 31 + c.positions))
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(g.normal()) } }
        let p = c.positions, blocks = c.blocks ?? 0..<((c.o + 15) / 16), range = c.range ?? 0..<p
        let w = random(c.o * c.k), bias = random(c.o), x = random(c.k * p), residual = random(c.o * p)
        var packed = [Float](repeating: .nan, count: nets_pack_oc16_count(c.o, c.k))
        nets_pack_oc16(w, c.o, c.k, &packed)
        let bias16 = bias + [Float](repeating: 0, count: (c.o + 15) / 16 * 16 - c.o)
        var y = [Float](repeating: .nan, count: c.o * p)
        let run = kernel == .positions ? nets_pointwise_positions_avx2 : nets_pointwise_oc16
        let done = residual.withUnsafeBufferPointer { r in
            run(packed, bias16, c.o, c.k, x, p, range.lowerBound, range.upperBound, &y, p,
                c.residual ? r.baseAddress : nil, p, c.activation, blocks.lowerBound, blocks.upperBound)
        }
        #expect(done == 1)
        var worst = 0.0
        for oc in 0..<c.o {
            for q in 0..<p {
                let v = y[oc * p + q]
                guard blocks.contains(oc / 16), range.contains(q) else {
                    #expect(v.isNaN, "wrote channel \(oc) position \(q) outside the range")
                    continue
                }
                var acc = Double(bias[oc]) + (c.residual ? Double(residual[oc * p + q]) : 0), scale = abs(acc)
                for i in 0..<c.k {
                    acc += Double(w[oc * c.k + i]) * Double(x[i * p + q])
                    scale += abs(Double(w[oc * c.k + i]) * Double(x[i * p + q]))
                }
                if c.activation == Int32(NETS_RELU.rawValue) { acc = Swift.max(acc, 0) }
                if c.activation == Int32(NETS_RELU6.rawValue) { acc = Swift.min(Swift.max(acc, 0), 6) }
                // Relative to the sum of the terms' magnitudes: float rounding over k terms, not
                // the result (which ReLU6 keeps small), sets the error's size.
                worst = Swift.max(worst, abs(acc - Double(v)) / Swift.max(1, scale))
            }
        }
        #expect(worst <= 1e-6)
    }

    /// Arguments it does not handle: nothing written, 0 returned (the caller takes another path).
    @Test(arguments: Kernel.allCases)
    func refusesBadArguments(_ kernel: Kernel) {
        let run = kernel == .positions ? nets_pointwise_positions_avx2 : nets_pointwise_oc16
        let packed = [Float](repeating: 1, count: 16), bias = [Float](repeating: 0, count: 16), x: [Float] = [1]
        var y: [Float] = [.nan]
        #expect(run(packed, bias, 1, 1, x, 1, 0, 1, &y, 1, nil, 1, 0, 0, 2) == 0)
        #expect(run(packed, bias, 1, 0, x, 1, 0, 1, &y, 1, nil, 1, 0, 0, 1) == 0)
        #expect(run(packed, bias, 1, 1, x, 1, 1, 0, &y, 1, nil, 1, 0, 0, 1) == 0)
        #expect(y[0].isNaN)
    }
}
