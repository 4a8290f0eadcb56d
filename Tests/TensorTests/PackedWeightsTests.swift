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

    @Test func refusesWhatItCannotPack() throws {
        #expect(PackedWeights(try Tensor(shape: [4, 3, 3, 3]), biases: nil) == nil)
        #expect(PackedWeights(try Tensor(shape: [4, 3]), biases: try Tensor(shape: [5])) == nil)
    }
}
