import Foundation
@testable import Nets
import Tensor
import Testing

/// The recurrent layers against NumPy's rendering of Wolfram's equations
/// (Fixtures/make_recurrent_fixtures.py), in the reference forward pass and the inference plan.
@Suite(.serialized) struct RecurrentTests {
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

    /// The vector exp, eight lanes wide, is within 2 ulp (2.4e-7 relative) of exp from -87 to 88,
    /// keeps NaN, and is never infinite.
    @Test func vectorExpIsAccurate() { checkVectorExp(wide: false) }

    /// The same of the sixteen-lane exp of the AVX-512 LSTM cell, where the CPU has AVX-512 (the
    /// project's AMD EPYC machines have AVX2 only).
    @Test(.enabled(if: RecurrentKernels.exp([], wide: true) != nil, "the CPU lacks AVX-512"))
    func wideVectorExpIsAccurate() { checkVectorExp(wide: true) }

    func checkVectorExp(wide: Bool) {
        let xs = stride(from: -87.0, through: 88.0, by: 0.001).map(Float.init) + [0, -0, 1e-8, -1e-8, 1000, -1000]
        guard let ys = RecurrentKernels.exp(xs, wide: wide) else {
            Issue.record("the vector kernels do not run on this machine")
            return
        }
        for (x, y) in zip(xs, ys) where abs(x) <= 88 {
            let exact = Foundation.exp(Double(x))
            #expect(abs(Double(y) - exact) <= 2.4e-7 * exact, "exp(\(x)) gave \(y), not \(exact)")
        }
        #expect(ys.allSatisfy { $0.isFinite })
        #expect(RecurrentKernels.exp([.nan], wide: wide)?.first?.isNaN == true)
    }

    /// The vector cells give what the scalar cells give, forward and backward: units that are
    /// not a multiple of 8 (the masked last vector) and batches run in one part and in one per core
    /// (within float rounding: the weights' gradients sum many terms of both signs).
    @Test(arguments: [LayerKind.basicRecurrent(11), .gatedRecurrent(11), .longShortTermMemory(11), .longShortTermMemory(16)], [3, 20])
    func vectorCellsMatchScalarCells(_ kind: LayerKind, _ batch: Int) throws {
        let (l, x, dy) = try Self.randomLayer(kind, batch: batch)
        func run(vector: Bool) throws -> [Tensor] {
            VectorKernels.use(vector)
            defer { VectorKernels.use(true) }
            return try Self.pass(l, x, dy)
        }
        let scalar = try run(vector: false), vector = try run(vector: true)
        #expect(scalar.count == 2 + l.operation.arrayNames.count)
        for (a, b) in zip(scalar, vector) {
            let worst = zip(a.values, b.values).map { abs($0 - $1) / max(1, abs($0)) }.max() ?? 0
            #expect(close(a, b, tolerance: 2e-5), "differs by \(worst) relative")
        }
    }

    /// A batch split over the cores gives each example what it gets alone: its output and input
    /// gradient, and the sum of the examples' array gradients.
    @Test(arguments: [LayerKind.gatedRecurrent(9), .longShortTermMemory(9)])
    func batchInPartsMatchesExamplesAlone(_ kind: LayerKind) throws {
        let (l, x, dy) = try Self.randomLayer(kind, batch: 17)
        let whole = try Self.pass(l, x, dy)
        var alone: [[Tensor]] = []
        for e in 0..<17 { alone.append(try Self.pass(l, x.slice(e..<(e + 1)), dy.slice(e..<(e + 1)))) }
        #expect(close(whole[0], try Tensor.concatenate(alone.map { $0[0] }), tolerance: 1e-5))
        #expect(close(whole[1], try Tensor.concatenate(alone.map { $0[1] }), tolerance: 1e-5))
        for a in 2..<whole.count {
            let sum = alone.dropFirst().reduce(alone[0][a].values) { s, g in zip(s, g[a].values).map(+) }
            #expect(close(whole[a], try Tensor(shape: whole[a].shape, values: sum), tolerance: 1e-4))
        }
    }

    /// A recurrent layer {7, 5} -> {7, units} with random arrays, a random input batch and a
    /// random output gradient.
    static func randomLayer(_ kind: LayerKind, batch: Int) throws -> (Layer, Tensor, Tensor) {
        var l = try Layer(kind)
        _ = try l.constrain(inputs: [[7, 5]], output: nil)
        var generator = SeededGenerator(seed: 3)
        guard case .layer(var initialized) = try Net.layer(l).initialized(generator: &generator) else { throw NetError("test", "not a layer") }
        for (name, a) in initialized.arrays {
            initialized.arrays[name] = try Tensor(shape: a.shape, values: a.values.map { _ in Float(generator.normal() * 0.6) })
        }
        l = initialized
        let units = l.output?.last ?? 0
        let x = try Tensor(shape: [batch, 7, 5], values: (0..<(batch * 35)).map { _ in Float(generator.normal()) })
        let dy = try Tensor(shape: [batch, 7, units], values: (0..<(batch * 7 * units)).map { _ in Float(generator.normal()) })
        return (l, x, dy)
    }

    /// The output, the input's gradient and the arrays' gradients of one training pass.
    static func pass(_ l: Layer, _ x: Tensor, _ dy: Tensor) throws -> [Tensor] {
        let pass = TrainingPass(generator: SeededGenerator(seed: 1), multiplier: { _ in 1 })
        let (y, back) = try l.trainForward([x], [], pass, needInput: true)
        let dx = try back(dy)
        return [y] + dx.compactMap { $0 } + l.operation.arrayNames.compactMap { pass.gradients[[$0]] }
    }

    /// The packed per-step product gives A B for either packing, with and without accumulating,
    /// for sizes that are not multiples of the kernel's 8 rows and 32 columns and rows of A and
    /// C further apart than their lengths: in the AVX-512 kernel and in OpenBLAS (vector
    /// kernels off when packing).
    @Test(arguments: [false, true], [false, true])
    func packedProductMatchesPlainProduct(_ transposed: Bool, _ accumulate: Bool) throws {
        let (m, k, n, lda, ldc) = (13, 37, 70, 41, 75)
        var g = SeededGenerator(seed: 9)
        let a = (0..<(m * lda)).map { _ in Float(g.normal()) }, b = (0..<(k * n)).map { _ in Float(g.normal()) }
        let c0 = (0..<(m * ldc)).map { _ in Float(g.normal()) }
        // B as given: row-major k x n, or its transpose n x k.
        let given = transposed ? (0..<(n * k)).map { i in b[(i % k) * n + i / k] } : b
        for vector in [true, false] {
            VectorKernels.use(vector)
            defer { VectorKernels.use(true) }
            let packed = RecurrentKernels.PackedMatrix(given, k: k, n: n, transposed: transposed)
            if !vector { #expect(!packed.vectorized) }
            var c = c0
            a.withUnsafeBufferPointer { ap in
                c.withUnsafeMutableBufferPointer { cp in
                    guard let ab = ap.baseAddress, let cb = cp.baseAddress else { return }
                    packed.multiply(m: m, ab, lda: lda, into: cb, ldc: ldc, accumulate: accumulate)
                }
            }
            for i in 0..<m {
                for j in 0..<ldc {
                    let exact = j >= n ? Double(c0[i * ldc + j])
                        : (0..<k).reduce(Double(accumulate ? c0[i * ldc + j] : 0)) { $0 + Double(a[i * lda + $1]) * Double(b[$1 * n + j]) }
                    #expect(abs(Double(c[i * ldc + j]) - exact) <= 1e-4 * max(1, abs(exact)), "vector \(vector): C[\(i), \(j)]")
                }
            }
        }
    }
}
