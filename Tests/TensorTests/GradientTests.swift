import Foundation
import Tensor
import Testing

/// Central finite differences of a scalar function at x, in double precision around Float data.
func numericGradient(_ x: Tensor, h: Float = 1e-3, skip: (Float) -> Bool = { _ in false },
                     _ f: (Tensor) throws -> Double) rethrows -> [Double?] {
    var out: [Double?] = []
    for i in 0..<x.count {
        if skip(x.values[i]) { out.append(nil); continue }
        var plus = x, minus = x
        plus.withUnsafeMutableBufferPointer { $0[i] += h }
        minus.withUnsafeMutableBufferPointer { $0[i] -= h }
        out.append((try f(plus) - f(minus)) / Double(2 * h))
    }
    return out
}

/// Analytic and numeric gradients agree within a relative tolerance.
func agrees(_ analytic: Tensor, _ numeric: [Double?], tolerance: Double = 2e-2) -> Bool {
    Swift.zip(analytic.values, numeric).allSatisfy { a, n in
        guard let n else { return true }
        return abs(Double(a) - n) <= tolerance * Swift.max(1, abs(n))
    }
}

@Suite struct GradientTests {
    static let x: Tensor = (try? Fixture.torchTensor("x")) ?? Tensor(scalar: 0)
    static let g: Tensor = (try? Fixture.torchTensor("g")) ?? Tensor(scalar: 0)

    /// Points too close to a kink for finite differences.
    static func kink(_ f: Activation) -> (Float) -> Bool {
        switch f {
        case .relu, .elu, .selu: return { abs($0) < 1e-2 }
        case .relu6: return { abs($0) < 1e-2 || abs($0 - 6) < 1e-2 }
        case .hardSigmoid: return { abs(abs($0) - 3) < 1e-2 }
        default: return { _ in false }
        }
    }

    @Test(arguments: Activation.allCases)
    func activationMatchesPyTorch(_ f: Activation) throws {
        let y = Self.x.activated(f)
        #expect(close(y, try Fixture.torchTensor("activations", f.rawValue, "y")))
        let dx = try Tensor.activationBackward(f, input: Self.x, gradient: Self.g)
        #expect(close(dx, try Fixture.torchTensor("activations", f.rawValue, "dx")))
    }

    /// ReLU's and ReLU6's gradient from their output (what a training pass keeps) is PyTorch's
    /// gradient from the input, on the fixture and on points at and around both clamps.
    @Test(arguments: [Activation.relu, .relu6])
    func clampGradientFromOutputMatchesInput(_ f: Activation) throws {
        let top = try #require(f.clampTop)
        let dx = try Tensor.clampBackward(output: Self.x.activated(f), gradient: Self.g, top: top)
        #expect(close(dx, try Fixture.torchTensor("activations", f.rawValue, "dx")))
        let edges = try Tensor(shape: [10], values: [-1, -0.0, 0, 1e-7, 3, 6 - 1e-6, 6, 6.5, 1e6, -.infinity])
        let ones = try Tensor(shape: [10], values: [Float](repeating: 1, count: 10))
        let fromOutput = try Tensor.clampBackward(output: edges.activated(f), gradient: ones, top: top)
        #expect(fromOutput.values == (try Tensor.activationBackward(f, input: edges, gradient: ones)).values)
        #expect(Activation.tanh.clampTop == nil)
    }

    @Test(arguments: Activation.allCases)
    func activationGradientByFiniteDifferences(_ f: Activation) throws {
        let dx = try Tensor.activationBackward(f, input: Self.x, gradient: Self.g)
        let numeric = try numericGradient(Self.x, skip: Self.kink(f)) { v in try (v.activated(f) * Self.g).total() }
        #expect(agrees(dx, numeric))
    }

    @Test func softmaxAndCrossEntropyMatchPyTorch() throws {
        let logits = try Fixture.torchTensor("softmax", "logits")
        let targets = (Fixture.torchValue("softmax", "targets") as? [Int]) ?? []
        let p = try logits.softmax()
        #expect(close(p, try Fixture.torchTensor("softmax", "p")))
        #expect(close(try logits.logSoftmax(), try Fixture.torchTensor("softmax", "logp")))
        let (loss, dp) = try Loss.crossEntropy(probabilities: p, targets: targets)
        #expect(abs(loss - ((Fixture.torchValue("softmax", "loss") as? Double) ?? .nan)) < 1e-5)
        #expect(close(dp, try Fixture.torchTensor("softmax", "dp")))
        let dlogits = try Tensor.softmaxBackward(output: p, gradient: dp)
        #expect(close(dlogits, try Fixture.torchTensor("softmax", "dlogits")))
        // and by finite differences through softmax and the loss together
        let numeric = try numericGradient(logits) { v in try Loss.crossEntropy(probabilities: v.softmax(), targets: targets).loss }
        #expect(agrees(dlogits, numeric))
    }

    @Test func softmaxIsStableForLargeInputs() throws {
        let big = try Tensor(shape: [1, 3], values: [1000, 1001, 1002])
        let p = try big.softmax().values
        #expect(p.allSatisfy { $0.isFinite })
        #expect(abs(p.reduce(0, +) - 1) < 1e-6)
        #expect(try big.logSoftmax().values.allSatisfy { $0.isFinite })
    }

    @Test func otherLossesMatchPyTorch() throws {
        let sp = try Fixture.torchTensor("softTargets", "p"), st = try Fixture.torchTensor("softTargets", "t")
        let (l2, d2) = try Loss.crossEntropy(probabilities: sp, targetProbabilities: st)
        #expect(abs(l2 - ((Fixture.torchValue("softTargets", "loss") as? Double) ?? .nan)) < 1e-5)
        #expect(close(d2, try Fixture.torchTensor("softTargets", "dp")))

        let bp = try Fixture.torchTensor("binary", "p"), bt = try Fixture.torchTensor("binary", "t")
        let (l3, d3) = try Loss.binaryCrossEntropy(probabilities: bp, targets: bt)
        #expect(abs(l3 - ((Fixture.torchValue("binary", "loss") as? Double) ?? .nan)) < 1e-5)
        #expect(close(d3, try Fixture.torchTensor("binary", "dp")))

        let rx = try Fixture.torchTensor("regression", "x"), rt = try Fixture.torchTensor("regression", "t")
        let (l4, d4) = try Loss.meanSquared(rx, rt)
        #expect(abs(l4 - ((Fixture.torchValue("regression", "mse") as? Double) ?? .nan)) < 1e-5)
        #expect(close(d4, try Fixture.torchTensor("regression", "dmse")))
        let (l5, d5) = try Loss.meanAbsolute(rx, rt)
        #expect(abs(l5 - ((Fixture.torchValue("regression", "mae") as? Double) ?? .nan)) < 1e-5)
        #expect(close(d5, try Fixture.torchTensor("regression", "dmae")))

        for (lossFn, x) in [({ (v: Tensor) in try Loss.binaryCrossEntropy(probabilities: v, targets: bt) }, bp),
                            ({ (v: Tensor) in try Loss.meanSquared(v, rx) }, rt)] {
            let (_, d) = try lossFn(x)
            #expect(agrees(d, try numericGradient(x) { try lossFn($0).loss }))
        }
    }

    @Test func lossesRejectBadTargets() throws {
        let p = try Tensor(shape: [2, 3], repeating: 1.0 / 3)
        #expect(throws: TensorError.self) { try Loss.crossEntropy(probabilities: p, targets: [0]) }
        #expect(throws: TensorError.self) { try Loss.crossEntropy(probabilities: p, targets: [0, 3]) }
        #expect(throws: TensorError.self) { try Loss.meanSquared(p, Tensor(shape: [3, 2])) }
    }

    @Test func linearMatchesPyTorch() throws {
        let x = try Fixture.torchTensor("linear", "x"), w = try Fixture.torchTensor("linear", "w")
        let b = try Fixture.torchTensor("linear", "b"), gy = try Fixture.torchTensor("linear", "gy")
        let y = try Linear.forward(x, weights: w, biases: b)
        #expect(close(y, try Fixture.torchTensor("linear", "y")))
        let (dx, dw, db) = try Linear.backward(x, weights: w, gradient: gy)
        #expect(close(dx, try Fixture.torchTensor("linear", "dx")))
        #expect(close(dw, try Fixture.torchTensor("linear", "dw")))
        #expect(close(db, try Fixture.torchTensor("linear", "db")))
        #expect(agrees(dw, try numericGradient(w) { v in try (Linear.forward(x, weights: v, biases: b) * gy).total() }))
        #expect(agrees(dx, try numericGradient(x) { v in try (Linear.forward(v, weights: w, biases: b) * gy).total() }))
        #expect(throws: TensorError.self) { try Linear.forward(x, weights: Tensor(shape: [3, 4]), biases: nil) }
        #expect(throws: TensorError.self) { try Linear.forward(x, weights: w, biases: Tensor(shape: [4])) }
    }
}
