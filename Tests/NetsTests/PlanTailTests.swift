import Nets
import Tensor
import Testing

/// A plan whose classifier runs once on the whole batch (the steps before it example by
/// example, one per core): the batch's outputs equal the examples' run one at a time (no tail
/// then) and the layer-by-layer forward pass, within 1e-5. A classifier wide enough (200 outputs,
/// 7 examples) for the product to split its columns over the cores.
@Suite struct PlanTailTests {
    static func random(_ shape: [Int], _ g: inout SeededGenerator) throws -> Tensor {
        try Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float(g.normal()) })
    }

    @Test(arguments: [3, 200])
    func batchedClassifierMatchesExamples(_ classes: Int) throws {
        var g = SeededGenerator(seed: UInt64(classes))
        let conv = LayerKind.convolution(channels: 8, window: WindowSpec(kernel: [3, 3], stride: [2, 2],
                                                                          padding: .explicit(top: 1, bottom: 1, left: 1, right: 1)),
                                         groups: 1, biases: true)
        let nodes: [Net] = [
            .layer(try Layer(conv, arrays: ["Weights": try Self.random([8, 3, 3, 3], &g), "Biases": try Self.random([8], &g)],
                             input: [3, 10, 10])),
            .layer(try Layer(.elementwise(.activation(.relu6)))),
            .layer(try Layer(.aggregation(.mean))),
            .layer(try Layer(.linear(output: [classes], biases: true),
                             arrays: ["Weights": try Self.random([classes, 8], &g), "Biases": try Self.random([classes], &g)])),
            .layer(try Layer(.softmax)),
        ]
        let chain = try Chain(names: (1...5).map(String.init), nodes: nodes, input: [3, 10, 10])
        let plan = try InferencePlan(.chain(chain))
        #expect(plan.batchedTailStart == 2)  // conv + relu6 fused, pooling, then the classifier
        let x = try Self.random([7, 3, 10, 10], &g)
        let batch = try plan.run(x)
        let alone = try Tensor.concatenate((0..<7).map { try plan.run(x.slice($0..<$0 + 1)) })
        #expect(batch.shape == [7, classes])
        #expect(close(batch, alone, tolerance: 1e-5))
        #expect(close(batch, try Net.chain(chain).forward([x]), tolerance: 1e-5))
    }
}
