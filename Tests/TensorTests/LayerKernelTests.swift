import Foundation
@testable import Tensor
import Testing

/// Convolution, pooling and batch normalization against PyTorch, and by finite differences.
@Suite struct LayerKernelTests {
    static let convCases = ["stride2pad1", "dilated2groups", "depthwise", "pointwise"]

    static func window(_ q: [String: Int]) -> Window {
        let k = q["k"] ?? 1, s = q["stride"] ?? 1, p = q["pad"] ?? 0, d = q["dil"] ?? 1
        return Window(kernel: (k, k), stride: (s, s), padding: (p, p, p, p), dilation: (d, d))
    }

    @Test(arguments: convCases)
    func convolutionMatchesPyTorch(_ name: String) throws {
        let q = (Fixture.torchValue("conv", name, "params") as? [String: Int]) ?? [:]
        let x = try Fixture.torchTensor("conv", name, "x"), w = try Fixture.torchTensor("conv", name, "w")
        let b = try Fixture.torchTensor("conv", name, "b"), gy = try Fixture.torchTensor("conv", name, "gy")
        let win = Self.window(q), groups = q["groups"] ?? 1
        let y = try Convolution.forward(x, weights: w, biases: b, window: win, groups: groups)
        #expect(close(y, try Fixture.torchTensor("conv", name, "y")))
        let (dx, dw, db) = try Convolution.backward(x, weights: w, window: win, groups: groups, gradient: gy)
        #expect(close(dx, try Fixture.torchTensor("conv", name, "dx")))
        #expect(close(dw, try Fixture.torchTensor("conv", name, "dw")))
        #expect(close(db, try Fixture.torchTensor("conv", name, "db")))
    }

    @Test(arguments: convCases)
    func convolutionGradientByFiniteDifferences(_ name: String) throws {
        let q = (Fixture.torchValue("conv", name, "params") as? [String: Int]) ?? [:]
        let x = try Fixture.torchTensor("conv", name, "x"), w = try Fixture.torchTensor("conv", name, "w")
        let gy = try Fixture.torchTensor("conv", name, "gy")
        let win = Self.window(q), groups = q["groups"] ?? 1
        let (dx, dw, _) = try Convolution.backward(x, weights: w, window: win, groups: groups, gradient: gy)
        func loss(_ x: Tensor, _ w: Tensor) throws -> Double {
            try (Convolution.forward(x, weights: w, biases: nil, window: win, groups: groups) * gy).total()
        }
        #expect(agrees(dw, try numericGradient(w) { try loss(x, $0) }))
        #expect(agrees(dx, try numericGradient(x) { try loss($0, w) }))
    }

    @Test func convolutionRejectsBadShapes() throws {
        let x = try Tensor(shape: [1, 3, 5, 5])
        #expect(throws: TensorError.self) { try Convolution.forward(x, weights: Tensor(shape: [2, 2, 3, 3]), biases: nil, window: Window(kernel: (3, 3))) }
        #expect(throws: TensorError.self) { try Convolution.forward(x, weights: Tensor(shape: [2, 3, 7, 7]), biases: nil, window: Window(kernel: (7, 7))) }
        #expect(throws: TensorError.self) { try Convolution.forward(x, weights: Tensor(shape: [2, 3, 3, 3]), biases: nil, window: Window(kernel: (3, 3), stride: (0, 1))) }
        #expect(throws: TensorError.self) { try Convolution.forward(x, weights: Tensor(shape: [4, 1, 3, 3]), biases: nil, window: Window(kernel: (3, 3)), groups: 2) }
        #expect(throws: TensorError.self) { try Convolution.forward(Tensor(shape: [3, 5, 5]), weights: Tensor(shape: [2, 3, 3, 3]), biases: nil, window: Window(kernel: (3, 3))) }
    }

    @Test func samePaddingKeepsTheSize() throws {
        let win = Window.same(kernel: (3, 3), input: (7, 6))
        #expect(try win.output(7, 6) == (7, 6))
        let strided = Window.same(kernel: (3, 3), stride: (2, 2), input: (224, 224))
        #expect(try strided.output(224, 224) == (112, 112))
    }

    static let poolCases: [(String, Pooling.Function, Window)] = [
        ("max3s2p1", .max, Window(kernel: (3, 3), stride: (2, 2), padding: (1, 1, 1, 1))),
        ("mean2s2", .mean, Window(kernel: (2, 2), stride: (2, 2))),
        ("mean3s1p1", .mean, Window(kernel: (3, 3), padding: (1, 1, 1, 1))),
    ]

    @Test func poolingMatchesPyTorch() throws {
        let x = try Fixture.torchTensor("pool", "x")
        for (name, f, win) in Self.poolCases {
            #expect(close(try Pooling.forward(x, f, window: win), try Fixture.torchTensor("pool", name, "y")), "\(name)")
            let dx = try Pooling.backward(x, f, window: win, gradient: try Fixture.torchTensor("pool", name, "gy"))
            #expect(close(dx, try Fixture.torchTensor("pool", name, "dx")), "\(name)")
        }
        let total = try Pooling.forward(x, .total, window: Window(kernel: (2, 2), stride: (2, 2)))
        let mean = try Pooling.forward(x, .mean, window: Window(kernel: (2, 2), stride: (2, 2)))
        #expect(close(total, mean.map { $0 * 4 }))
        #expect(close(try Pooling.global(x, .mean), try Fixture.torchTensor("pool", "globalMean", "y")))
        let gdx = try Pooling.globalBackward(x, .mean, gradient: try Fixture.torchTensor("pool", "globalMean", "gy"))
        #expect(close(gdx, try Fixture.torchTensor("pool", "globalMean", "dx")))
    }

    @Test func poolingGradientByFiniteDifferences() throws {
        let x = try Fixture.torchTensor("pool", "x")
        for f in [Pooling.Function.mean, .total, .max] {
            let win = Window(kernel: (3, 3), stride: (2, 2), padding: (1, 1, 1, 1))
            let gy = try Tensor(shape: try Pooling.forward(x, f, window: win).shape, values:
                                (0..<(2 * 3 * 4 * 3)).map { Float(($0 * 37) % 11) / 5 - 1 })
            let dx = try Pooling.backward(x, f, window: win, gradient: gy)
            #expect(agrees(dx, try numericGradient(x, h: 1e-4) { try (Pooling.forward($0, f, window: win) * gy).total() }))
        }
    }

    @Test func batchNormMatchesPyTorch() throws {
        let bn = try BatchNorm(scaling: Fixture.torchTensor("batchnorm", "gamma"), biases: Fixture.torchTensor("batchnorm", "beta"),
                               movingMean: Fixture.torchTensor("batchnorm", "mean"), movingVariance: Fixture.torchTensor("batchnorm", "var"),
                               epsilon: 1e-3, momentum: 0.9)
        let x = try Fixture.torchTensor("batchnorm", "x"), gy = try Fixture.torchTensor("batchnorm", "gy")
        let (y, cache, next) = try bn.training(x)
        #expect(close(y, try Fixture.torchTensor("batchnorm", "y")))
        #expect(close(next.movingMean, try Fixture.torchTensor("batchnorm", "newMean")))
        #expect(close(next.movingVariance, try Fixture.torchTensor("batchnorm", "newVar")))
        let (dx, dg, db) = try bn.backward(cache, gradient: gy)
        #expect(close(dx, try Fixture.torchTensor("batchnorm", "dx"), tolerance: 1e-3))
        #expect(close(dg, try Fixture.torchTensor("batchnorm", "dgamma")))
        #expect(close(db, try Fixture.torchTensor("batchnorm", "dbeta")))
        #expect(close(try next.inference(x), try Fixture.torchTensor("batchnorm", "inference")))
        let numeric = try numericGradient(x, h: 1e-2) { try (bn.training($0).0 * gy).total() }
        #expect(agrees(dx, numeric, tolerance: 5e-2))
    }

    /// A training step's output made again from the normalized values it keeps is the output
    /// itself, bit for bit (the same arithmetic), with and without a ReLU6 after it; the clamp's
    /// gradient from the normalized values equals the one from the output, at and around both
    /// clamps.
    @Test func batchNormOutputMadeAgainIsTheOutput() throws {
        let x = try Tensor(shape: [3, 4, 5, 6], values: (0..<360).map { Float(sin(Double($0) * 1.7)) * 3 })
        let bn = try BatchNorm(scaling: Tensor(shape: [4], values: [4, -1.5, 0.25, 3]), biases: Tensor(shape: [4], values: [3, 1, 0, -1]),
                               movingMean: Tensor(shape: [4]), movingVariance: Tensor(shape: [4], repeating: 1),
                               epsilon: 1e-5, momentum: 0.9)
        let (y, cache, _) = try bn.training(x)
        let remade = bn.output(cache)
        #expect(try remade.tensor().values == y.values)
        let top: Float = 6
        guard let clamped = remade.clamped(to: top) else { Issue.record("an unclamped output clamps"); return }
        #expect(clamped.clamped(to: top) == nil)
        #expect(try clamped.tensor().values == y.activated(.relu6).values)
        let gy = try Tensor(shape: y.shape, values: (0..<360).map { Float(cos(Double($0) * 0.9)) })
        let expected = try Tensor.activationBackward(.relu6, input: y, gradient: gy)
        #expect(try remade.clampGradient(gy, top: top).values == expected.values)
        #expect(y.values.contains { $0 <= 0 } && y.values.contains { $0 >= 6 } && y.values.contains { $0 > 0 && $0 < 6 })
        #expect(throws: (any Error).self) { try remade.clampGradient(Tensor(shape: [3, 4, 5, 5]), top: top) }
    }

    /// A convolution's backward pass on an input made again plane by plane (or image by image)
    /// equals the pass on the made tensor: 1x1, 3x3, grouped 3x3 and depthwise stride 2, with and
    /// without a clamp.
    @Test func convolutionBackwardOnAMadeInputEqualsTheTensor() throws {
        let x = try Tensor(shape: [3, 4, 6, 5], values: (0..<360).map { Float(sin(Double($0) * 0.61)) * 2 })
        let bn = try BatchNorm(scaling: Tensor(shape: [4], values: [3, -1, 0.5, 2]), biases: Tensor(shape: [4], values: [2, 1, -0.5, 0]),
                               movingMean: Tensor(shape: [4]), movingVariance: Tensor(shape: [4], repeating: 1),
                               epsilon: 1e-5, momentum: 0.9)
        let (_, cache, _) = try bn.training(x)
        let plain = bn.output(cache)
        for remade in [plain, plain.clamped(to: 6)].compactMap({ $0 }) {
            let input = try remade.tensor()
            for (outputs, k, stride, groups) in [(5, 1, 1, 1), (3, 3, 1, 1), (6, 3, 1, 2), (4, 3, 2, 4)] {
                let p = k / 2, win = Window(kernel: (k, k), stride: (stride, stride), padding: (p, p, p, p))
                let w = try Tensor(shape: [outputs, 4 / groups, k, k], values: (0..<(outputs * 4 / groups * k * k)).map { Float(cos(Double($0) * 0.37)) })
                let y = try Convolution.forward(input, weights: w, biases: nil, window: win, groups: groups)
                let gy = try Tensor(shape: y.shape, values: (0..<y.count).map { Float(sin(Double($0) * 0.23)) })
                let expected = try Convolution.backward(input, weights: w, window: win, groups: groups, gradient: gy)
                let made = try Convolution.backward(remade, weights: w, window: win, groups: groups, gradient: gy)
                #expect(made.0.values == expected.0.values && made.2.values == expected.2.values, "\(k)x\(k) groups \(groups)")
                #expect(close(made.1, expected.1, tolerance: 1e-5), "\(k)x\(k) groups \(groups)")
            }
        }
    }
}

@Suite(.serialized) struct WorkspaceTests {
    @Test func secondRunAllocatesNothing() throws {
        // Eight input channels: im2col columns (k = 72), not the direct kernel for few channels.
        let x = try Tensor(shape: [2, 8, 16, 16], repeating: 0.5), w = try Tensor(shape: [8, 8, 3, 3], repeating: 0.1)
        let win = Window(kernel: (3, 3), stride: (2, 2), padding: (1, 1, 1, 1))
        let ws = Workspace()
        let first = try Convolution.forward(x, weights: w, biases: nil, window: win, workspace: ws)
        let expected = first.values
        let firstStorage = ObjectIdentifier(first.storage)
        _ = consume first
        let columns = ws.columns.buffer(0)
        let second = try Convolution.forward(x, weights: w, biases: nil, window: win, workspace: ws)
        // The same output memory and the same columns buffer: nothing new was allocated.
        #expect(ObjectIdentifier(second.storage) == firstStorage)
        #expect(ws.columns.buffer(0) == columns)
        #expect(second.values == expected)
        // An output still held by the caller is never overwritten.
        let third = try Convolution.forward(x, weights: w, biases: nil, window: win, workspace: ws)
        #expect(second.values == expected)
        #expect(third.values == expected)
    }
}
