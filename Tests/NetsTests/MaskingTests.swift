import Foundation
@testable import Nets
import Tensor
import Testing

/// Sequences of different lengths padded into one batch and masked (`SequenceMask`) give what
/// each sequence gives alone, forward and backward.
@Suite struct MaskingTests {
    /// Two sequences of 5 and 3 vectors of size 2, the second padded with junk to 5.
    static let lengths = [5, 3]
    static func padded() throws -> Tensor {
        var g = SeededGenerator(seed: 4)
        // Values 16..<20 are the second example's positions 4 and 5: padding.
        return try Tensor(shape: [2, 5, 2], values: (0..<20).map { i in i >= 16 ? 9 : Float(g.normal()) })
    }

    /// Example `e` alone, cut to its length.
    static func alone(_ x: Tensor, _ e: Int) throws -> Tensor {
        let width = x.count / (x.shape[0] * x.shape[1]), steps = x.shape[1], l = lengths[e]
        return try Tensor(shape: [1, l] + x.shape.dropFirst(2), values: Array(x.values[(e * steps * width)..<((e * steps + l) * width)]))
    }

    static func initialized(_ kinds: [LayerKind]) throws -> Net {
        let chain = try Chain(names: kinds.indices.map { "\($0 + 1)" }, nodes: kinds.map { .layer(try Layer($0)) }, input: [5, 2])
        var g = SeededGenerator(seed: 11)
        return try Net.chain(chain).initialized(generator: &g)
    }

    static let nets: [[LayerKind]] = [
        [.longShortTermMemory(3), .sequenceLast],
        [.gatedRecurrent(3), .sequenceReverse, .basicRecurrent(2), .sequenceAggregation(.mean)],
        [.bidirectional(forward: .longShortTermMemory(2), backward: .gatedRecurrent(2)), .sequenceAggregation(.max)],
        [.map(.linear(output: [3], biases: true)), .elementwise(.activation(.tanh)), .basicRecurrent(2), .sequenceAggregation(.total)],
    ]

    @Test(arguments: nets.indices) func paddedBatchMatchesEachSequence(_ i: Int) throws {
        let net = try Self.initialized(Self.nets[i])
        #expect(net.acceptsSequenceMask)
        let x = try Self.padded()
        let y = try SequenceMask.$lengths.withValue(Self.lengths) { try net.forward([x]) }
        let width = y.count / 2
        for e in 0..<2 {
            let own = try net.forward([Self.alone(x, e)])
            #expect(close(own, try Tensor(shape: own.shape, values: Array(y.values[(e * width)..<((e + 1) * width)])), tolerance: 1e-5), "example \(e)")
        }
        // Without the mask the padding changes the second example's output.
        let unmasked = try net.forward([x])
        #expect(!close(unmasked, y, tolerance: 1e-5))
        // The gradients of the arrays are those of the two sequences run alone, added.
        var g = SeededGenerator(seed: 2)
        let gy = try Tensor(shape: y.shape, values: (0..<y.count).map { _ in Float(g.normal()) })
        let batched = TrainingPass(generator: SeededGenerator(seed: 1), multiplier: { _ in 1 })
        try SequenceMask.$lengths.withValue(Self.lengths) {
            _ = try net.trainForward([x], [], batched, needInput: true).1(gy)
        }
        let separate = TrainingPass(generator: SeededGenerator(seed: 1), multiplier: { _ in 1 })
        for e in 0..<2 {
            let back = try net.trainForward([Self.alone(x, e)], [], separate, needInput: true).1
            _ = try back(Tensor(shape: [1, width], values: Array(gy.values[(e * width)..<((e + 1) * width)])))
        }
        #expect(!batched.gradients.isEmpty)
        for (key, a) in batched.gradients {
            guard let b = separate.gradients[key] else { Issue.record("no gradient \(key)"); continue }
            #expect(close(a, b, tolerance: 1e-4), "\(key)")
        }
    }

    @Test func attentionGivesPaddingKeysNoWeight() throws {
        let l = try Layer(.attention(AttentionSpec(scoring: .dot)))
        let x = try Self.padded()
        let y = try SequenceMask.$lengths.withValue(Self.lengths) { try l.forward([x, x, x]) }
        let own = try l.forward(Array(repeating: try Self.alone(x, 1), count: 3))
        #expect(close(own, try Tensor(shape: own.shape, values: Array(y.values[10..<16])), tolerance: 1e-5))
    }

    @Test func whichNetsAcceptMasks() throws {
        #expect(try !Self.initialized([.longShortTermMemory(2)]).acceptsSequenceMask)
        #expect(try !Self.initialized([.sequenceMost, .sequenceLast]).acceptsSequenceMask)
        #expect(try !Self.initialized([.normalization(NormalizationSpec(from: 1)), .sequenceLast]).acceptsSequenceMask)
        // Lengths for another batch size, or that pad nothing, are not used.
        #expect(SequenceMask.$lengths.withValue([2, 2]) { SequenceMask.lengths(batch: 2, steps: 2) } == nil)
        #expect(SequenceMask.$lengths.withValue([2, 1]) { SequenceMask.lengths(batch: 3, steps: 2) } == nil)
        #expect(SequenceMask.$lengths.withValue([2, 1]) { SequenceMask.lengths(batch: 2, steps: 2) } == [2, 1])
    }
}
