import Foundation
import Tensor
import Testing

@Suite struct OptimizerTests {
    static func run(_ optimizer: Optimizer, multiplier: Float = 1) throws -> Tensor {
        var opt = optimizer
        var w = try Fixture.torchTensor("optimizers", "w0")
        let grads = (Fixture.torchValue("optimizers", "grads") as? [Any]) ?? []
        for g in grads {
            opt.beginStep()
            try opt.update(&w, index: 0, gradient: Fixture.tensor(g), multiplier: multiplier)
        }
        return w
    }

    @Test func methodsMatchPyTorch() throws {
        #expect(close(try Self.run(Optimizer(method: .adam(), learningRate: 0.01)), try Fixture.torchTensor("optimizers", "adam")))
        #expect(close(try Self.run(Optimizer(method: .sgd(momentum: 0.93), learningRate: 0.1)), try Fixture.torchTensor("optimizers", "sgd")))
        #expect(close(try Self.run(Optimizer(method: .rmsProp(beta: 0.95, epsilon: 1e-8), learningRate: 0.01)),
                      try Fixture.torchTensor("optimizers", "rmsprop")))
        var l2 = Optimizer(method: .adam(), learningRate: 0.01)
        l2.l2Regularization = 0.1
        #expect(close(try Self.run(l2), try Fixture.torchTensor("optimizers", "adamL2")))
    }

    @Test func zeroMultiplierFreezes() throws {
        let w0 = try Fixture.torchTensor("optimizers", "w0")
        #expect(try Self.run(Optimizer(), multiplier: 0).values == w0.values)
    }

    @Test func clippingBoundsEachStep() throws {
        var opt = Optimizer(method: .sgd(momentum: 0), learningRate: 1)
        opt.gradientClipping = 0.5
        var w = try Tensor(shape: [2], values: [0, 0])
        opt.beginStep()
        try opt.update(&w, index: 0, gradient: Tensor(shape: [2], values: [10, -0.25]))
        #expect(w.values == [-0.5, 0.25])
    }

    @Test func dropoutIsSeededAndScaled() throws {
        let x = try Tensor(shape: [1000], repeating: 1)
        var g1 = SeededGenerator(seed: 3), g2 = SeededGenerator(seed: 3)
        let (y1, mask) = try Dropout.training(x, probability: 0.5, generator: &g1)
        let (y2, _) = try Dropout.training(x, probability: 0.5, generator: &g2)
        #expect(y1.values == y2.values)
        #expect(Set(y1.values).isSubset(of: [0, 2]))
        let kept = y1.values.filter { $0 > 0 }.count
        #expect(kept > 400 && kept < 600)
        #expect(try Dropout.backward(mask: mask, gradient: x).values == mask.values)
        #expect(throws: TensorError.self) { try Dropout.training(x, probability: 1, generator: &g1) }
    }

    @Test func foldedBatchNormEqualsConvolutionThenBatchNorm() throws {
        var rng = SeededGenerator(seed: 11)
        func random(_ shape: [Int], scale: Float = 1, offset: Float = 0) throws -> Tensor {
            try Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float(rng.normal()) * scale + offset })
        }
        let x = try random([2, 3, 6, 6]), w = try random([4, 3, 3, 3]), b = try random([4])
        let bn = try BatchNorm(scaling: random([4]), biases: random([4]), movingMean: random([4]),
                               movingVariance: random([4], scale: 0.1, offset: 1), epsilon: 1e-5)
        let win = Window(kernel: (3, 3), stride: (2, 2), padding: (1, 1, 1, 1))
        let reference = try bn.inference(Convolution.forward(x, weights: w, biases: b, window: win)).activated(.relu6)
        let (fw, fb) = try Fusion.foldBatchNorm(weights: w, biases: b, into: bn)
        let fused = try Fusion.convolution(x, weights: fw, biases: fb, window: win, activation: .relu6)
        #expect(close(fused, reference))
    }
}
