import Foundation
import Nets
import Tensor
import Testing

/// Reference outputs from PyTorch (Fixtures/make_net_fixtures.py).
enum NetFixture {
    nonisolated(unsafe) static let root: [String: Any] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/nets.json")
        guard let data = try? Data(contentsOf: url), let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return json
    }()

    static func tensor(_ object: Any?) throws -> Tensor {
        guard let t = object as? [String: Any], let shape = t["shape"] as? [Int], let values = t["values"] as? [Double] else {
            throw NetError("fixture", "fixture tensor is missing")
        }
        return try Tensor(shape: shape, values: values.map(Float.init))
    }

    static func tensor(_ net: String, _ key: String) throws -> Tensor { try tensor((root[net] as? [String: Any])?[key]) }

    /// The arrays of one layer: `"name/Weights"` entries of the fixture.
    static func arrays(_ net: String, _ layer: String) throws -> [String: Tensor] {
        let all = ((root[net] as? [String: Any])?["arrays"] as? [String: Any]) ?? [:]
        var out: [String: Tensor] = [:]
        for (key, value) in all where key.hasPrefix(layer + "/") {
            out[String(key.dropFirst(layer.count + 1))] = try tensor(value)
        }
        return out
    }
}

func close(_ a: Tensor, _ b: Tensor, tolerance: Float = 1e-4) -> Bool {
    guard a.shape == b.shape else { return false }
    return zip(a.values, b.values).allSatisfy { x, y in abs(x - y) <= tolerance * max(1, abs(x), abs(y)) }
}

func layer(_ kind: LayerKind, _ net: String = "", _ name: String = "", input: Shape? = nil) throws -> Net {
    .layer(try Layer(kind, arrays: net.isEmpty ? [:] : NetFixture.arrays(net, name), input: input))
}

@Suite struct ForwardTests {
    @Test func cnnChainMatchesPyTorch() throws {
        let conv = { (n: Int, k: Int, s: Int, p: Int, g: Int, b: Bool) in
            LayerKind.convolution(channels: n, window: WindowSpec(kernel: [k, k], stride: [s, s], padding: .explicit(top: p, bottom: p, left: p, right: p)), groups: g, biases: b)
        }
        let nodes: [Net] = [
            try layer(conv(6, 3, 2, 1, 1, true), "cnn", "1"),
            try layer(.batchNorm(epsilon: 1e-3, momentum: 0.9), "cnn", "2"),
            try layer(.elementwise(.activation(.relu6))),
            try layer(conv(6, 3, 1, 1, 6, true), "cnn", "4"),
            try layer(conv(4, 1, 1, 0, 2, false), "cnn", "5"),
            try layer(.pooling(WindowSpec(kernel: [2, 2]), .max)),
            try layer(.pooling(WindowSpec(kernel: [2, 2], stride: [2, 2], padding: .explicit(top: 1, bottom: 1, left: 1, right: 1)), .mean)),
            try layer(.aggregation(.mean)),
            try layer(.linear(output: [3], biases: true), "cnn", "9"),
            try layer(.softmax),
        ]
        let chain = try Chain(names: (1...10).map(String.init), nodes: nodes, input: [3, 9, 9])
        #expect(Net.chain(chain).output == [3])
        #expect(Net.chain(chain).isInitialized)
        let y = try Net.chain(chain).forward([NetFixture.tensor("cnn", "input")])
        #expect(close(y, try NetFixture.tensor("cnn", "output")))
        let plan = try InferencePlan(.chain(chain))
        // conv+bn+relu6, depthwise, grouped 1x1, two poolings, global mean, linear, softmax.
        #expect(plan.stepCount == 8)
        for _ in 0..<2 { #expect(close(try plan.run(NetFixture.tensor("cnn", "input")), try NetFixture.tensor("cnn", "output"))) }
        // Layer by layer (no fusion) gives the same.
        var x = try NetFixture.tensor("cnn", "input")
        for node in chain.nodes { x = try node.forward([x]) }
        #expect(close(x, try NetFixture.tensor("cnn", "output")))
    }

    @Test func mlpChainMatchesPyTorch() throws {
        let nodes: [Net] = [
            try layer(.flatten),
            try layer(.linear(output: [4], biases: true), "mlp", "2"),
            try layer(.elementwise(.activation(.elu))),
            try layer(.linear(output: [3], biases: false), "mlp", "4"),
            try layer(.elementwise(.activation(.softplus))),
            try layer(.elementwise(.activation(.gelu))),
        ]
        let chain = try Chain(names: (1...6).map(String.init), nodes: nodes)
        #expect(Net.chain(chain).inputs == [[18]] || Net.chain(chain).inputs == [nil])
        let y = try Net.chain(chain).forward([NetFixture.tensor("mlp", "input")])
        #expect(close(y, try NetFixture.tensor("mlp", "output")))
        #expect(close(try InferencePlan(.chain(chain)).run(NetFixture.tensor("mlp", "input")), try NetFixture.tensor("mlp", "output")))
    }

    @Test func residualGraphMatchesPyTorch() throws {
        let conv3 = LayerKind.convolution(channels: 4, window: WindowSpec(kernel: [3, 3], padding: .same), groups: 1, biases: true)
        let names = ["conva", "bna", "relua", "convb", "bnb", "add", "relu", "side", "cat", "max"]
        let nodes: [Net] = [
            try layer(conv3, "residual", "conva"),
            try layer(.batchNorm(epsilon: 1e-5, momentum: 0.9), "residual", "bna"),
            try layer(.elementwise(.activation(.relu))),
            try layer(conv3, "residual", "convb"),
            try layer(.batchNorm(epsilon: 1e-5, momentum: 0.9), "residual", "bnb"),
            try layer(.total),
            try layer(.elementwise(.activation(.relu))),
            try layer(.convolution(channels: 2, window: WindowSpec(kernel: [1, 1]), groups: 1, biases: true), "residual", "side"),
            try layer(.catenate),
            try layer(.aggregation(.max)),
        ]
        let edges = [
            Edge(.input(0), .node(0, port: 0)), Edge(.node(0), .node(1, port: 0)), Edge(.node(1), .node(2, port: 0)),
            Edge(.node(2), .node(3, port: 0)), Edge(.node(3), .node(4, port: 0)),
            Edge(.node(4), .node(5, port: 0)), Edge(.input(0), .node(5, port: 1)), Edge(.node(5), .node(6, port: 0)),
            Edge(.input(0), .node(7, port: 0)), Edge(.node(6), .node(8, port: 0)), Edge(.node(7), .node(8, port: 1)),
            Edge(.node(8), .node(9, port: 0)),
        ]
        let graph = try Graph(names: names, nodes: nodes, edges: edges, inputs: [[4, 5, 5]])
        #expect(graph.outputShape == [6])
        let y = try Net.graph(graph).forward([NetFixture.tensor("residual", "input")])
        #expect(close(y, try NetFixture.tensor("residual", "output")))
        let plan = try InferencePlan(.graph(graph))
        // conv+bn+relu, conv+bn+add+relu, the side conv, catenate, max.
        #expect(plan.stepCount == 5)
        for _ in 0..<2 { #expect(close(try plan.run(NetFixture.tensor("residual", "input")), try NetFixture.tensor("residual", "output"))) }
        // One image at a time splits the columns between workers; same numbers.
        let x = try NetFixture.tensor("residual", "input")
        let first = try plan.run(x.slice(0..<1))
        #expect(close(first, try NetFixture.tensor("residual", "output").slice(0..<1)))
    }
}
