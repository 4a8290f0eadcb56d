import Foundation
@testable import Nets
import Tensor
import Testing

/// AttentionLayer, NormalizationLayer, NetMapOperator and a Transformer encoder block built
/// from them, against PyTorch (Fixtures/make_attention_fixtures.py): forward values in the
/// reference pass and the inference plan, and gradients where PyTorch gave them.
@Suite struct AttentionTests {
    nonisolated(unsafe) static let root: [String: Any] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/attention.json")
        guard let data = try? Data(contentsOf: url), let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return json
    }()

    static func entry(_ name: String) -> [String: Any] { (root[name] as? [String: Any]) ?? [:] }
    static func tensor(_ name: String, _ key: String) throws -> Tensor { try NetFixture.tensor(entry(name)[key]) }

    /// The arrays of one part of a fixture net: `arrays.part.Name`.
    static func arrays(_ name: String, _ part: String) throws -> [String: Tensor] {
        let all = ((entry(name)["arrays"] as? [String: Any])?[part] as? [String: Any]) ?? [:]
        return try all.mapValues { try NetFixture.tensor($0) }
    }

    @Test func dotAttentionMatchesPyTorch() throws {
        let l = try Layer(.attention(AttentionSpec(scoring: .dot, rescaled: true)))
        let xs = try ["key", "value", "query"].map { try Self.tensor("dot", $0) }
        let expected = try Self.tensor("dot", "output")
        #expect(close(try l.forward(xs), expected, tolerance: 1e-5))
        // The backward pass gives PyTorch's gradients of keys, values and queries.
        let pass = TrainingPass(generator: SeededGenerator(seed: 1), multiplier: { _ in 1 })
        let (y, back) = try l.trainForward(xs, [], pass, needInput: true)
        #expect(close(y, expected, tolerance: 1e-5))
        let grads = try back(Self.tensor("dot", "gy"))
        for (i, key) in ["dkey", "dvalue", "dquery"].enumerated() {
            guard let g = grads[i] else { Issue.record("no gradient for \(key)"); continue }
            #expect(close(g, try Self.tensor("dot", key), tolerance: 1e-4), "\(key)")
        }
    }

    @Test func causalAttentionMatchesPyTorch() throws {
        var l = try Layer(.attention(AttentionSpec(scoring: .dot, mask: .causal(window: nil))))
        _ = try l.constrain(inputs: [[5, 4], [5, 4], [5, 4]], output: nil)
        let x = try Self.tensor("causal", "input"), expected = try Self.tensor("causal", "output")
        #expect(l.output == [5, 4])
        #expect(close(try l.forward([x, x, x]), expected, tolerance: 1e-5))
        // The first query sees only the first key: its output is the first value.
        #expect(close(try Tensor(shape: [4], values: Array(expected.values[0..<4])), try Tensor(shape: [4], values: Array(x.values[0..<4])), tolerance: 1e-5))
    }

    @Test func bilinearAttentionMatchesPyTorch() throws {
        let l = try Layer(.attention(AttentionSpec()), arrays: ["Weights": Self.tensor("bilinear", "weights")])
        let xs = try ["key", "value", "query"].map { try Self.tensor("bilinear", $0) }
        #expect(close(try l.forward(xs), try Self.tensor("bilinear", "output"), tolerance: 1e-5))
    }

    @Test func layerNormalizationMatchesPyTorch() throws {
        let arrays = ["Scaling": try Self.tensor("layerNorm", "scaling"), "Biases": try Self.tensor("layerNorm", "biases")]
        let l = try Layer(.normalization(NormalizationSpec(from: 2, same: true)), arrays: arrays, input: [3, 4])
        let x = try Self.tensor("layerNorm", "input"), expected = try Self.tensor("layerNorm", "output")
        #expect(close(try l.forward([x]), expected, tolerance: 1e-5))
        #expect(close(try InferencePlan(.layer(l)).run(x), expected, tolerance: 1e-5))
        // The same as a NormalizationLayer of the last level mapped over the sequence.
        let mapped = try Layer(.map(.normalization(NormalizationSpec(from: 1, same: true))), arrays: arrays, input: [3, 4])
        #expect(close(try mapped.forward([x]), expected, tolerance: 1e-5))
    }

    /// A linear layer of a fixture part mapped over the sequence.
    static func mappedLinear(_ fixture: String, _ part: String) throws -> Net {
        .layer(try Layer(.map(.linear(output: nil, biases: true)), arrays: arrays(fixture, part)))
    }

    /// Multi-head self-attention of a sequence {T, d} as PyTorch's MultiheadAttention computes
    /// it: query, key and value projections, split into heads, scaled dot attention, heads
    /// merged, output projection. Node names: "query", "key", "value", "output".
    static func multiHead(_ fixture: String, heads: Int, width: Int) throws -> (names: [String], nodes: [Net], edges: [Edge]) {
        let split = Net.layer(try Layer(.map(.reshape([heads, width / heads]))))
        let names = ["query", "key", "value", "splitQuery", "splitKey", "splitValue", "attention", "merge", "output"]
        let nodes: [Net] = [
            try mappedLinear(fixture, "query"), try mappedLinear(fixture, "key"), try mappedLinear(fixture, "value"), split, split, split,
            .layer(try Layer(.attention(AttentionSpec(scoring: .dot, rescaled: true, multiHead: true)))),
            .layer(try Layer(.map(.flatten))), try mappedLinear(fixture, "output"),
        ]
        let edges = [
            Edge(.input(0), .node(0, port: 0)), Edge(.input(0), .node(1, port: 0)), Edge(.input(0), .node(2, port: 0)),
            Edge(.node(0), .node(3, port: 0)), Edge(.node(1), .node(4, port: 0)), Edge(.node(2), .node(5, port: 0)),
            Edge(.node(4), .node(6, port: 0)), Edge(.node(5), .node(6, port: 1)), Edge(.node(3), .node(6, port: 2)),
            Edge(.node(6), .node(7, port: 0)), Edge(.node(7), .node(8, port: 0)),
        ]
        return (names, nodes, edges)
    }

    @Test func multiHeadAttentionMatchesPyTorch() throws {
        let (names, nodes, edges) = try Self.multiHead("multiHead", heads: 2, width: 8)
        let net = Net.graph(try Graph(names: names, nodes: nodes, edges: edges + [Edge(.node(8), .output)], inputs: [[5, 8]]))
        #expect(net.output == [5, 8])
        let x = try Self.tensor("multiHead", "input"), expected = try Self.tensor("multiHead", "output")
        #expect(close(try net.forward([x]), expected, tolerance: 1e-5))
        #expect(close(try InferencePlan(net).run(x), expected, tolerance: 1e-5))
    }

    /// PyTorch's TransformerEncoderLayer (post-norm, ReLU) as a NetGraph: multi-head
    /// self-attention, residual, layer normalization, feed-forward, residual, normalization.
    static func encoderBlock() throws -> Net {
        var (names, nodes, edges) = try multiHead("encoder", heads: 2, width: 8)
        let norm = LayerKind.normalization(NormalizationSpec(from: 2, same: true))
        let start = nodes.count
        names += ["residual1", "norm1", "hidden", "relu", "projection", "residual2", "norm2"]
        nodes += [
            .layer(try Layer(.total, inputCount: 2)), .layer(try Layer(norm, arrays: arrays("encoder", "norm1"))),
            try mappedLinear("encoder", "hidden"), .layer(try Layer(.elementwise(.activation(.relu)))),
            try mappedLinear("encoder", "projection"), .layer(try Layer(.total, inputCount: 2)),
            .layer(try Layer(norm, arrays: arrays("encoder", "norm2"))),
        ]
        edges += [
            Edge(.input(0), .node(start, port: 0)), Edge(.node(8), .node(start, port: 1)), Edge(.node(start), .node(start + 1, port: 0)),
            Edge(.node(start + 1), .node(start + 2, port: 0)), Edge(.node(start + 2), .node(start + 3, port: 0)),
            Edge(.node(start + 3), .node(start + 4, port: 0)), Edge(.node(start + 1), .node(start + 5, port: 0)),
            Edge(.node(start + 4), .node(start + 5, port: 1)), Edge(.node(start + 5), .node(start + 6, port: 0)),
            Edge(.node(start + 6), .output),
        ]
        return .graph(try Graph(names: names, nodes: nodes, edges: edges, inputs: [[5, 8]]))
    }

    @Test func transformerEncoderBlockMatchesPyTorch() throws {
        let net = try Self.encoderBlock()
        #expect(net.output == [5, 8])
        #expect(net.isInitialized)
        let x = try Self.tensor("encoder", "input"), expected = try Self.tensor("encoder", "output")
        #expect(close(try net.forward([x]), expected, tolerance: 1e-4))
        #expect(close(try InferencePlan(net).run(x), expected, tolerance: 1e-4))
        // Back-propagation through the whole block gives PyTorch's input gradient.
        let pass = TrainingPass(generator: SeededGenerator(seed: 1), multiplier: { _ in 1 })
        let (y, back) = try net.trainForward([x], [], pass, needInput: true)
        #expect(close(y, expected, tolerance: 1e-4))
        let dx = try back(Self.tensor("encoder", "gy")).first ?? nil
        #expect(dx.map { close($0, (try? Self.tensor("encoder", "dinput")) ?? Tensor(scalar: 0), tolerance: 1e-3) } == true)
        // Every array of the block gets a gradient.
        for (path, l) in net.layers {
            for name in l.kind.arrayNames { #expect(pass.gradients[path + [name]] != nil, "\(path) \(name)") }
        }
    }

    /// The block's arrays' gradients against central differences of Σ y ⊙ gy, for a few
    /// entries of each array (steps of 2e-3: the Ramp after "hidden" bends within 1e-2).
    @Test func transformerEncoderBlockArrayGradients() throws {
        let net = try Self.encoderBlock()
        let x = try Self.tensor("encoder", "input"), gy = try Self.tensor("encoder", "gy")
        let pass = TrainingPass(generator: SeededGenerator(seed: 1), multiplier: { _ in 1 })
        _ = try net.trainForward([x], [], pass, needInput: true).1(gy)
        func objective(_ n: Net) throws -> Double {
            zip(try n.forward([x]).values, gy.values).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        for (path, l) in net.layers {
            for name in l.kind.arrayNames {
                guard let a = l.arrays[name], let g = pass.gradients[path + [name]] else { Issue.record("\(path) \(name)"); continue }
                try LayerContractTests.check(g, of: a, h: 2e-3, "\(path) \(name)") { v in
                    var changed = l
                    changed.arrays[name] = v
                    guard let n = try net.replacing(path, with: .layer(changed)) else { throw NetError("test", "no part \(path)") }
                    return try objective(n)
                }
            }
        }
    }

    @Test func badAttentionShapesAreErrors() throws {
        // Keys and values of different lengths, "Dot" with different key and query sizes, a
        // causal mask with fewer queries than keys.
        var l = try Layer(.attention(AttentionSpec(scoring: .dot)))
        #expect(throws: NetError.self) { try l.constrain(inputs: [[5, 4], [4, 3], [2, 4]], output: nil) }
        l = try Layer(.attention(AttentionSpec(scoring: .dot)))
        #expect(throws: NetError.self) { try l.constrain(inputs: [[5, 4], [5, 3], [2, 3]], output: nil) }
        l = try Layer(.attention(AttentionSpec(scoring: .dot, mask: .causal(window: nil))))
        #expect(throws: NetError.self) { try l.constrain(inputs: [[5, 4], [5, 3], [2, 4]], output: nil) }
        #expect(throws: NetError.self) { try Layer(.attention(AttentionSpec(mask: .causal(window: 0)))) }
        #expect(throws: NetError.self) { try Layer(.normalization(NormalizationSpec(from: 3)), input: [4]) }
        #expect(throws: NetError.self) { try Layer(.map(.total)) }
        // A window of 2: the third query sees keys 2 and 3 only.
        #expect(Attention.Mask.causal(window: 2).allows(query: 2, key: 1))
        #expect(!Attention.Mask.causal(window: 2).allows(query: 2, key: 0))
        #expect(!Attention.Mask.causal(window: nil).allows(query: 1, key: 2))
    }
}
