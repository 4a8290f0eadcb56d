import Foundation
@testable import Nets
import Tensor
import Testing

@Suite struct TrainingTests {
    static func mlp(_ hidden: Int, _ inputs: Int, classes: Int) throws -> Net {
        var g = SeededGenerator(seed: 3)
        let chain = try Chain(names: ["1", "2", "3", "4"], nodes: [
            .layer(try Layer(.linear(output: [hidden], biases: true))), .layer(try Layer(.elementwise(.activation(.tanh)))),
            .layer(try Layer(.linear(output: [classes], biases: true))), .layer(try Layer(.softmax)),
        ], input: [inputs])
        return try Net.chain(chain).initialized(generator: &g)
    }

    static func accuracy(_ net: Net, _ x: Tensor, _ t: Tensor) throws -> Double {
        let p = try net.forward([x])
        let k = p.shape[1]
        let v = p.values, labels = t.values
        var right = 0
        for i in 0..<labels.count {
            let row = v[(i * k)..<((i + 1) * k)]
            if let m = row.indices.max(by: { row[$0] < row[$1] }), m - i * k + 1 == Int(labels[i]) { right += 1 }
        }
        return Double(right) / Double(labels.count)
    }

    @Test func mlpLearnsXOR() throws {
        let x = try Tensor(shape: [4, 2], values: [0, 0, 0, 1, 1, 0, 1, 1])
        let t = try Tensor(shape: [4], values: [1, 2, 2, 1])
        var options = TrainingOptions(batchSize: 4, rounds: 500, optimizer: Optimizer(method: .adam(), learningRate: 0.05))
        options.seed = 1
        let result = try Trainer.train(try Self.mlp(8, 2, classes: 2), inputs: x, targets: t, options: options)
        #expect(try Self.accuracy(result.net, x, t) == 1)
        #expect(result.roundLosses.last! < result.roundLosses.first! / 10)
    }

    @Test func mlpLearnsTwoSpirals() throws {
        var values: [Float] = [], labels: [Float] = []
        for i in 0..<100 {
            let r = Float(i) / 100 * 5, a = Float(i) / 100 * 3 * .pi
            for (sign, label) in [(Float(1), Float(1)), (-1, 2)] {
                values += [sign * r * Float(cos(Double(a))), sign * r * Float(sin(Double(a)))]
                labels.append(label)
            }
        }
        let x = try Tensor(shape: [200, 2], values: values), t = try Tensor(shape: [200], values: labels)
        var options = TrainingOptions(batchSize: 32, rounds: 400, optimizer: Optimizer(method: .adam(), learningRate: 0.02))
        options.seed = 2
        let result = try Trainer.train(try Self.mlp(32, 2, classes: 2), inputs: x, targets: t, options: options)
        #expect(try Self.accuracy(result.net, x, t) >= 0.95)
    }

    @Test func sameSeedSameWeightsAndFrozenArraysStay() throws {
        let x = try Tensor(shape: [6, 3], values: (0..<18).map { Float($0 % 5) / 4 })
        let t = try Tensor(shape: [6], values: [1, 2, 3, 1, 2, 3])
        var options = TrainingOptions(batchSize: 4, rounds: 5, optimizer: Optimizer())
        options.seed = 9
        options.multiplier = { path in path.first == "1" ? 0 : 1 }
        let net = try Self.mlp(5, 3, classes: 3)
        let a = try Trainer.train(net, inputs: x, targets: t, options: options)
        let b = try Trainer.train(net, inputs: x, targets: t, options: options)
        #expect(a.cachedLayers == 2)
        for (la, lb) in zip(a.net.layers, b.net.layers) {
            for (name, w) in la.layer.arrays { #expect(lb.layer.arrays[name]?.values == w.values) }
        }
        let before = net.layers[0].layer.arrays["Weights"]?.values.map(\.bitPattern)
        #expect(a.net.layers[0].layer.arrays["Weights"]?.values.map(\.bitPattern) == before)
        #expect(a.net.layers[2].layer.arrays["Weights"]?.values != net.layers[2].layer.arrays["Weights"]?.values)
    }

    /// The whole backward pass of a convolutional graph (convolution, batch norm in training
    /// mode, ReLU, a residual sum, pooling, linear, softmax, cross-entropy) against central
    /// differences of the loss, for a sample of weights and biases.
    @Test func backpropMatchesFiniteDifferences() throws {
        let conv = LayerKind.convolution(channels: 2, window: WindowSpec(kernel: [3, 3], padding: .same), groups: 1, biases: true)
        let block = try Graph(names: ["conv", "bn", "relu", "add"], nodes: [
            .layer(try Layer(conv)), .layer(try Layer(.batchNorm(epsilon: 1e-3, momentum: 0.9))),
            .layer(try Layer(.elementwise(.activation(.tanh)))), .layer(try Layer(.total)),
        ], edges: [Edge(.input(0), .node(0, port: 0)), Edge(.node(0), .node(1, port: 0)), Edge(.node(1), .node(2, port: 0)),
                   Edge(.node(2), .node(3, port: 0)), Edge(.input(0), .node(3, port: 1))], inputs: [[2, 5, 5]])
        let chain = try Chain(names: ["block", "pool", "fc", "soft"], nodes: [
            .graph(block), .layer(try Layer(.pooling(WindowSpec(kernel: [2, 2], stride: [2, 2]), .mean))),
            .layer(try Layer(.linear(output: [3], biases: true))), .layer(try Layer(.softmax)),
        ])
        var g = SeededGenerator(seed: 11)
        let net = try Net.chain(chain).initialized(generator: &g)
        let x = try Tensor(shape: [3, 2, 5, 5], values: (0..<150).map { _ in Float(g.normal()) })
        let t = try Tensor(shape: [3], values: [1, 3, 2])
        let lossLayer = try Layer(.loss(.crossEntropyIndex))
        func loss(_ n: Net) throws -> (Double, TrainingPass) {
            let pass = TrainingPass(generator: SeededGenerator(seed: 1), multiplier: { _ in 1 })
            let (y, back) = try n.trainForward([x], [], pass, needInput: false)
            let (value, grad) = try lossLayer.loss(.crossEntropyIndex, y, t)
            _ = try back(grad)
            return (value, pass)
        }
        let (_, pass) = try loss(net)
        var checked = 0
        for (path, layer) in net.layers {
            for name in ["Weights", "Biases", "Scaling"] {
                guard let w = layer.arrays[name], let analytic = pass.gradients[path + [name]] else { continue }
                for i in stride(from: 0, to: w.count, by: Swift.max(1, w.count / 4)) {
                    func perturbed(_ h: Float) throws -> Double {
                        var v = w.values
                        v[i] += h
                        let changed = try net.mapLayers { p, l in
                            var l = l
                            if p == path { l.arrays[name] = try Tensor(shape: w.shape, values: v) }
                            return l
                        }
                        return try loss(changed).0
                    }
                    let numeric = (try perturbed(1e-2) - perturbed(-1e-2)) / 2e-2
                    let a = Double(analytic.values[i])
                    #expect(abs(numeric - a) <= 2e-3 + 2e-2 * abs(a), "\(path) \(name)[\(i)]: \(a) vs \(numeric)")
                    checked += 1
                }
            }
        }
        #expect(checked > 15)
    }

    /// MobileNet's inverted residual block in training: BatchNorm + ReLU6 outputs are made
    /// again from the normalized values instead of being kept (`TrainingPass.offer`). Every
    /// gradient and the input's gradient equal those of a pass that keeps every tensor, and the
    /// backward pass runs once.
    @Test func outputsMadeAgainGiveTheSameGradients() throws {
        func conv(_ c: Int, _ k: Int, groups: Int = 1) -> LayerKind {
            .convolution(channels: c, window: WindowSpec(kernel: [k, k], padding: .same), groups: groups, biases: false)
        }
        let bn = LayerKind.batchNorm(epsilon: 1e-5, momentum: 0.9), relu6 = LayerKind.elementwise(.activation(.relu6))
        let kinds: [LayerKind] = [conv(12, 1), bn, relu6, conv(12, 3, groups: 12), bn, relu6, conv(4, 1), bn]
        let names = ["expand", "expand_bn", "expand_relu", "depthwise", "depthwise_bn", "depthwise_relu", "project", "project_bn", "add"]
        var edges = (0..<kinds.count).map { Edge($0 == 0 ? .input(0) : .node($0 - 1), .node($0, port: 0)) }
        edges += [Edge(.node(kinds.count - 1), .node(kinds.count, port: 0)), Edge(.input(0), .node(kinds.count, port: 1))]
        let block = try Graph(names: names, nodes: try (kinds + [.total]).map { .layer(try Layer($0)) }, edges: edges, inputs: [[4, 6, 6]])
        let chain = try Chain(names: ["stem", "stem_bn", "stem_relu", "block", "pool", "fc", "soft"], nodes: [
            .layer(try Layer(conv(4, 3))), .layer(try Layer(bn)), .layer(try Layer(relu6)), .graph(block),
            .layer(try Layer(.pooling(WindowSpec(kernel: [2, 2], stride: [2, 2]), .mean))),
            .layer(try Layer(.linear(output: [3], biases: true))), .layer(try Layer(.softmax)),
        ], input: [2, 6, 6])
        var g = SeededGenerator(seed: 3)
        let net = try Net.chain(chain).initialized(generator: &g)
        let x = try Tensor(shape: [4, 2, 6, 6], values: (0..<288).map { _ in Float(g.normal()) * 2 })
        let t = try Tensor(shape: [4], values: [1, 3, 2, 1])
        let lossLayer = try Layer(.loss(.crossEntropyIndex))
        func gradients(makesAgain: Bool) throws -> ([[String]: Tensor], Tensor?, Int) {
            let pass = TrainingPass(generator: SeededGenerator(seed: 1), multiplier: { _ in 1 })
            pass.makesAgain = makesAgain
            let (y, back) = try net.trainForward([x], [], pass, needInput: true)
            pass.endForward()
            let (_, grad) = try lossLayer.loss(.crossEntropyIndex, y, t)
            let dx = try back(grad).first ?? nil
            #expect(throws: NetError.self) { try back(grad) }
            return (pass.gradients, dx, pass.taken)
        }
        let (made, dxMade, taken) = try gradients(makesAgain: true)
        let (kept, dxKept, none) = try gradients(makesAgain: false)
        // Each ReLU6 reads a remade BatchNorm output and each convolution after one a remade
        // ReLU6 output: stem_relu, expand, expand_relu, depthwise, depthwise_relu, project.
        #expect(taken == 6 && none == 0)
        #expect(made.count == kept.count && made.count >= 12)
        for (key, a) in kept {
            guard let b = made[key] else { Issue.record("no gradient for \(key)"); continue }
            #expect(a.shape == b.shape && zip(a.values, b.values).allSatisfy { abs($0 - $1) <= 1e-6 * (1 + abs($0)) }, "\(key)")
        }
        #expect(dxMade != nil && dxMade?.values == dxKept?.values)
        #expect(kept.values.contains { $0.values.contains { $0 != 0 } })
    }
}
