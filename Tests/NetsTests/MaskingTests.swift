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
        [LayerContractTests.foldedStep, .sequenceLast],
    ]

    @Test(arguments: nets.indices) func paddedBatchMatchesEachSequence(_ i: Int) throws {
        let net = try Self.initialized(Self.nets[i])
        #expect(net.acceptsSequenceMask)
        try Self.checkPadded(net)
    }

    /// Nets that are graphs, or give sequences, built from layers as `initialized` does.
    static func graph(_ kinds: [LayerKind], _ edges: [Edge]) throws -> Net {
        let g = try Graph(names: kinds.indices.map { "\($0 + 1)" }, nodes: kinds.map { .layer(try Layer($0)) }, edges: edges, inputs: [[5, 2]])
        var generator = SeededGenerator(seed: 11)
        return try Net.graph(g).initialized(generator: &generator)
    }

    static func edge(_ from: Int, _ to: Int, port: Int = 0) -> Edge { Edge(from < 0 ? .input(0) : .node(from), .node(to, port: port)) }

    /// Two recurrent branches added, then the last element; and the sum itself as a sequence.
    static func branches(reduced: Bool) throws -> Net {
        try graph([.longShortTermMemory(3), .gatedRecurrent(3), .total] + (reduced ? [.sequenceLast] : []),
                  [edge(-1, 0), edge(-1, 1), edge(0, 2), edge(1, 2, port: 1)] + (reduced ? [edge(2, 3)] : []))
    }

    @Test func graphsMaskLikeChains() throws {
        let reduced = try Self.branches(reduced: true)
        #expect(reduced.maskedFlow == .reduced && reduced.acceptsSequenceMask)
        try Self.checkPadded(reduced)
        let sequences = try Self.branches(reduced: false)
        #expect(sequences.maskedFlow == .sequence && !sequences.acceptsSequenceMask)
        try Self.checkPadded(sequences)
    }

    @Test func sequenceOutputsMaskCutToEachLength() throws {
        for kinds: [LayerKind] in [[.longShortTermMemory(3)], [.basicRecurrent(3), .map(.linear(output: [2], biases: true)), .sequenceReverse]] {
            let net = try Self.initialized(kinds)
            #expect(net.maskedFlow == .sequence)
            try Self.checkPadded(net)
        }
    }

    @Test func graphsThatMoveOrMixElementsAreNotMasked() throws {
        // Catenating two sequences moves the second one's elements behind the first's padding.
        #expect(try Self.graph([.longShortTermMemory(2), .gatedRecurrent(2), .catenate], [Self.edge(-1, 0), Self.edge(-1, 1), Self.edge(0, 2), Self.edge(1, 2, port: 1)]).maskedFlow == nil)
        // Normalizing over the whole padded sequence.
        #expect(try Self.graph([.longShortTermMemory(2), .normalization(NormalizationSpec(from: 1)), .sequenceLast],
                               [Self.edge(-1, 0), Self.edge(0, 1), Self.edge(1, 2)]).maskedFlow == nil)
    }

    /// The padded batch under the mask gives each example what it gives alone (a sequence
    /// output cut to the example's length), and the arrays' gradients are those of the
    /// examples run alone, added (for a sequence output, with the output's gradient 0 on
    /// padding, as a loss over the real elements gives it).
    static func checkPadded(_ net: Net) throws {
        let x = try Self.padded()
        let y = try SequenceMask.$lengths.withValue(Self.lengths) { try net.forward([x]) }
        let width = y.count / 2
        let sequence = net.maskedFlow == .sequence
        // Per position of a sequence output: the values of one element.
        let element = sequence ? width / y.shape[1] : width
        func own(_ e: Int) -> Int { sequence ? Self.lengths[e] * element : width }
        for e in 0..<2 {
            let alone = try net.forward([Self.alone(x, e)])
            #expect(alone.count == own(e))
            let real = Array(y.values[(e * width)..<(e * width + own(e))])
            #expect(close(alone, try Tensor(shape: alone.shape, values: real), tolerance: 1e-5), "example \(e)")
        }
        // Without the mask the padding changes the second example's output when the net reduces
        // the sequence or reverses it (a causal sequence output has its padding after it).
        let unmasked = try net.forward([x])
        let changed = !close(try Tensor(shape: [own(1)], values: Array(unmasked.values[width..<(width + own(1))])),
                             try Tensor(shape: [own(1)], values: Array(y.values[width..<(width + own(1))])), tolerance: 1e-5)
        #expect(changed == (!sequence || net.layers.contains { $0.layer.kind == .sequenceReverse }))
        var g = SeededGenerator(seed: 2)
        let gy = try Tensor(shape: y.shape, values: (0..<y.count).map { i in
            let v = Float(g.normal())
            return i % width < own(i / width) ? v : 0
        })
        let batched = TrainingPass(generator: SeededGenerator(seed: 1), multiplier: { _ in 1 })
        try SequenceMask.$lengths.withValue(Self.lengths) {
            _ = try net.trainForward([x], [], batched, needInput: true).1(gy)
        }
        let separate = TrainingPass(generator: SeededGenerator(seed: 1), multiplier: { _ in 1 })
        for e in 0..<2 {
            let (alone, back) = try net.trainForward([Self.alone(x, e)], [], separate, needInput: true)
            _ = try back(Tensor(shape: alone.shape, values: Array(gy.values[(e * width)..<(e * width + own(e))])))
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
        #expect(try Self.initialized([.longShortTermMemory(2)]).maskedFlow == .sequence)
        #expect(try Self.initialized([.sequenceMost, .sequenceLast]).maskedFlow == nil)
        #expect(try !Self.initialized([.sequenceMost, .sequenceLast]).acceptsSequenceMask)
        #expect(try !Self.initialized([.normalization(NormalizationSpec(from: 1)), .sequenceLast]).acceptsSequenceMask)
        // Lengths for another batch size, or that pad nothing, are not used.
        #expect(SequenceMask.$lengths.withValue([2, 2]) { SequenceMask.lengths(batch: 2, steps: 2) } == nil)
        #expect(SequenceMask.$lengths.withValue([2, 1]) { SequenceMask.lengths(batch: 3, steps: 2) } == nil)
        #expect(SequenceMask.$lengths.withValue([2, 1]) { SequenceMask.lengths(batch: 2, steps: 2) } == [2, 1])
    }

    /// Training a net with sequence outputs on sequences of different lengths in one padded
    /// batch: the loss counts each example's real elements only (what the padding of the
    /// targets holds does not matter) and is the mean of the examples' losses alone.
    @Test func trainingCountsOnlyRealElementsOfSequenceOutputs() throws {
        let net = try Self.initialized([.longShortTermMemory(2), .map(.linear(output: [2], biases: true))])
        #expect(net.maskedFlow == .sequence)
        let x = try Self.padded()
        var g = SeededGenerator(seed: 5)
        let real = (0..<20).map { _ in Float(g.normal()) }
        func targets(padding: Float) throws -> Tensor {
            try Tensor(shape: [2, 5, 2], values: real.enumerated().map { $0.offset >= 16 ? padding : $0.element })
        }
        func train(_ t: Tensor) throws -> TrainingResult {
            var options = TrainingOptions(batchSize: 2, rounds: 1, optimizer: Optimizer(method: .sgd(momentum: 0), learningRate: 0.1))
            options.lengths = Self.lengths
            options.loss = .meanSquared
            return try Trainer.train(net, inputs: x, targets: t, options: options)
        }
        let a = try train(targets(padding: 0)), b = try train(targets(padding: 1000))
        let lossLayer = try Layer(.loss(.meanSquared))
        let alone = try (0..<2).map { e in
            try lossLayer.loss(.meanSquared, net.forward([Self.alone(x, e)]), Self.alone(targets(padding: 0), e)).loss
        }
        #expect(abs((a.roundLosses.first ?? 0) - (alone[0] + alone[1]) / 2) < 1e-6)
        #expect(a.roundLosses == b.roundLosses)
        for ((_, la), (_, lb)) in zip(a.net.layers, b.net.layers) {
            for (name, w) in la.arrays { #expect(lb.arrays[name].map { close(w, $0, tolerance: 1e-6) } == true) }
        }
        #expect(a.net.layers.first?.layer.arrays["InputGateBiases"]?.values != net.layers.first?.layer.arrays["InputGateBiases"]?.values)
    }
}
