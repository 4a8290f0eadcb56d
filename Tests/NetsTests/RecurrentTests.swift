import Foundation
@testable import Nets
import Tensor
import Testing

/// The recurrent layers against NumPy's rendering of Wolfram's equations
/// (Fixtures/make_recurrent_fixtures.py), in the reference forward pass and the inference plan.
@Suite struct RecurrentTests {
    nonisolated(unsafe) static let root: [String: Any] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/recurrent.json")
        guard let data = try? Data(contentsOf: url), let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return json
    }()

    static func entry(_ name: String) -> [String: Any] { (root[name] as? [String: Any]) ?? [:] }

    static func arrays(_ name: String, prefix: String = "") throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (k, v) in (entry(name)["arrays"] as? [String: Any]) ?? [:] where k.hasPrefix(prefix) {
            out[String(k.dropFirst(prefix.count))] = try NetFixture.tensor(v)
        }
        return out
    }

    @Test(arguments: [("basic", LayerKind.basicRecurrent(4)), ("gru", .gatedRecurrent(4)), ("lstm", .longShortTermMemory(4))])
    func matchesNumPy(_ name: String, _ kind: LayerKind) throws {
        let l = try Layer(kind, arrays: Self.arrays(name), input: [5, 3])
        #expect(l.output == [5, 4])
        let x = try NetFixture.tensor(Self.entry(name)["input"]), expected = try NetFixture.tensor(Self.entry(name)["output"])
        #expect(close(try l.forward([x]), expected, tolerance: 1e-5))
        #expect(close(try InferencePlan(.layer(l)).run(x), expected, tolerance: 1e-5))
    }

    @Test func embeddingThenLSTMThenLastMatchesNumPy() throws {
        let chain = try Chain(names: ["embedding", "lstm", "last"], nodes: [
            .layer(try Layer(.embedding(size: nil, vocabulary: nil), arrays: Self.arrays("embeddingLSTM", prefix: "embedding/"))),
            .layer(try Layer(.longShortTermMemory(4), arrays: Self.arrays("embeddingLSTM", prefix: "lstm/"))),
            .layer(try Layer(.sequenceLast)),
        ], input: [5])
        #expect(chain.nodes.last?.output == [4])
        let x = try NetFixture.tensor(Self.entry("embeddingLSTM")["input"])
        let all = try NetFixture.tensor(Self.entry("embeddingLSTM")["output"]).values
        let last = try Tensor(shape: [2, 4], values: Array(all[16..<20]) + Array(all[36..<40]))
        #expect(close(try Net.chain(chain).forward([x]), last, tolerance: 1e-5))
        #expect(close(try InferencePlan(.chain(chain)).run(x), last, tolerance: 1e-5))
    }

    /// The layers take any sequence length at run time, whatever length their shapes were
    /// inferred for (sequences of varying length run in batches of equal length).
    @Test func runsOtherLengths() throws {
        let l = try Layer(.longShortTermMemory(4), arrays: Self.arrays("lstm"), input: [5, 3])
        let x = try NetFixture.tensor(Self.entry("lstm")["input"])
        let first3 = try Tensor(shape: [2, 3, 3], values: Array(x.values[0..<9]) + Array(x.values[15..<24]))
        let all = try NetFixture.tensor(Self.entry("lstm")["output"]).values
        #expect(close(try l.forward([first3]), try Tensor(shape: [2, 3, 4], values: Array(all[0..<12]) + Array(all[20..<32])), tolerance: 1e-5))
    }

    /// PyTorch's Embedding, LSTM, GRU and RNN with their weights renamed to Wolfram's arrays
    /// (Fixtures/make_torch_recurrent_fixtures.py) give what the layers give.
    @Test(arguments: [("lstm", LayerKind.longShortTermMemory(4)), ("gru", .gatedRecurrent(4)), ("basic", .basicRecurrent(4))])
    func matchesPyTorch(_ name: String, _ kind: LayerKind) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/torch_recurrent.json")
        let root = (try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]) ?? [:]
        func arrays(_ key: String) throws -> [String: Tensor] {
            let entry = (root[key] as? [String: Any]) ?? [:]
            return try ((entry["arrays"] as? [String: Any]) ?? entry).mapValues { try NetFixture.tensor($0) }
        }
        let chain = try Chain(names: ["embedding", "recurrent"], nodes: [
            .layer(try Layer(.embedding(size: nil, vocabulary: nil), arrays: arrays("embedding"))),
            .layer(try Layer(kind, arrays: arrays(name))),
        ], input: [5])
        let x = try NetFixture.tensor(root["input"]), expected = try NetFixture.tensor((root[name] as? [String: Any])?["output"])
        #expect(close(try Net.chain(chain).forward([x]), expected, tolerance: 1e-5))
        #expect(close(try InferencePlan(.chain(chain)).run(x), expected, tolerance: 1e-5))
    }

    @Test func badIndicesAreErrors() throws {
        let l = try Layer(.embedding(size: 2, vocabulary: 3), arrays: ["Weights": Tensor(shape: [3, 2], repeating: 1)])
        #expect(throws: NetError.self) { try l.forward([Tensor(shape: [1, 2], values: [1, 4])]) }
        #expect(throws: NetError.self) { try l.forward([Tensor(shape: [1, 1], values: [.nan])]) }
        #expect(throws: NetError.self) { try Layer(.sequenceMost, input: [1]) }
    }
}
