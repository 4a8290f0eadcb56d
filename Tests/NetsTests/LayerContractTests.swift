import Foundation
@testable import Nets
import Tensor
import Testing

/// One small concrete configuration of a layer kind: its spec and the per-example shapes (and
/// kinds of values) of its inputs.
struct LayerExample: CustomTestStringConvertible, Sendable {
    /// What an input's values must look like for the layer to be defined and differentiable.
    enum Values: Sendable {
        /// Distinct values 0.05 apart and at least 0.0125 from 0, shuffled: a finite-difference
        /// step of 1e-2 never reorders them (max pooling) or crosses 0 (Ramp, Abs).
        case spread
        /// Rows along the last dimension that sum to 1, none of them near 0 (where -log p
        /// bends too sharply for a step of 1e-2).
        case probabilities
        /// Values in (0.2, 0.8).
        case unit
        /// Class indices 1...k.
        case classes(Int)
    }

    let kind: LayerKind
    let inputs: [(shape: Shape, values: Values)]
    var testDescription: String { "\(kind.name) \(kind)" }

    init(_ kind: LayerKind, _ inputs: [Shape], values: [Values]? = nil) {
        self.kind = kind
        self.inputs = Array(zip(inputs, values ?? inputs.map { _ in .spread }))
    }

    var isLoss: Bool { if case .loss = kind { true } else { false } }
}

/// The contract every layer kind keeps: its compiled inference step computes what its reference
/// forward pass does, its backward pass is the derivative of its training forward pass (for the
/// inputs and every array that is learned by gradient), and its spec and arrays survive the
/// net file.
@Suite struct LayerContractTests {
    static let examples: [LayerExample] = [
        LayerExample(.linear(output: [3], biases: true), [[2, 2]]),
        LayerExample(.linear(output: [2, 2], biases: false), [[3]]),
        LayerExample(.softmax, [[2, 3]]),
        LayerExample(.elementwise(.activation(.tanh)), [[3, 2]]),
        LayerExample(.elementwise(.activation(.relu)), [[5]]),
        LayerExample(.elementwise(.activation(.relu6)), [[2, 3]]),
        LayerExample(.elementwise(.scalar(.apply(.sin, .product([.constant(2), .input])))), [[4]]),
        LayerExample(.convolution(channels: 4, window: WindowSpec(kernel: [3, 3], stride: [2, 2], padding: .same), groups: 2, biases: true),
                     [[2, 5, 5]]),
        LayerExample(.convolution(channels: 2, window: WindowSpec(kernel: [2, 2], padding: .explicit(top: 1, bottom: 0, left: 0, right: 1),
                                                                  dilation: [2, 1]), groups: 1, biases: false), [[3, 4, 4]]),
        LayerExample(.pooling(WindowSpec(kernel: [2, 2], stride: [1, 1]), .max), [[2, 4, 4]]),
        LayerExample(.pooling(WindowSpec(kernel: [2, 2], stride: [2, 2], padding: .explicit(top: 1, bottom: 1, left: 1, right: 1)), .mean),
                     [[2, 3, 3]]),
        LayerExample(.aggregation(.mean), [[3, 2, 2]]),
        LayerExample(.aggregation(.max), [[2, 3, 2]]),
        LayerExample(.batchNorm(epsilon: 1e-3, momentum: 0.9), [[2, 2, 2]]),
        LayerExample(.batchNorm(epsilon: 1e-5, momentum: 0.8), [[3]]),
        LayerExample(.dropout(0.3), [[6]]),
        LayerExample(.flatten, [[2, 3]]),
        LayerExample(.reshape([3, 2]), [[2, 3]]),
        LayerExample(.catenate, [[2, 3], [2, 3]]),
        LayerExample(.catenate, [[2, 3], [1, 3]]),
        LayerExample(.total, [[2, 3], [2, 3]]),
        LayerExample(.loss(.crossEntropyIndex), [[4], []], values: [.probabilities, .classes(4)]),
        LayerExample(.loss(.crossEntropyProbabilities), [[3], [3]], values: [.probabilities, .probabilities]),
        LayerExample(.loss(.crossEntropyBinary), [[3], [3]], values: [.unit, .unit]),
        LayerExample(.loss(.meanSquared), [[2, 2], [2, 2]]),
        LayerExample(.loss(.meanAbsolute), [[3], [3]]),
        LayerExample(.embedding(size: 3, vocabulary: 5), [[4]], values: [.classes(5)]),
        LayerExample(.basicRecurrent(3), [[4, 2]]),
        LayerExample(.gatedRecurrent(3), [[4, 2]]),
        LayerExample(.longShortTermMemory(3), [[3, 2]]),
        LayerExample(.sequenceLast, [[3, 2]]),
        LayerExample(.sequenceMost, [[3, 2]]),
        LayerExample(.sequenceRest, [[4]]),
        LayerExample(.sequenceReverse, [[3, 2]]),
        LayerExample(.sequenceAggregation(.max), [[4, 2]]),
        LayerExample(.sequenceAggregation(.mean), [[3, 2, 2]]),
        LayerExample(.attention(AttentionSpec(scoring: .dot, rescaled: true)), [[3, 2], [3, 2], [3, 2]]),
        LayerExample(.attention(AttentionSpec(scoring: .bilinear)), [[3, 2], [3, 3], [2, 4]]),
        LayerExample(.attention(AttentionSpec(scoring: .dot, mask: .causal(window: 2), multiHead: true)), [[3, 2, 2], [3, 2, 3], [3, 2, 2]]),
        LayerExample(.normalization(NormalizationSpec(from: 2)), [[2, 4]]),
        LayerExample(.normalization(NormalizationSpec(from: 1, same: true, epsilon: 0.01)), [[2, 3]]),
        LayerExample(.map(.linear(output: [2], biases: true)), [[3, 2]]),
        LayerExample(.map(.embedding(size: 2, vocabulary: 4)), [[2, 3]], values: [.classes(4)]),
        LayerExample(.bidirectional(forward: .longShortTermMemory(2), backward: .basicRecurrent(3)), [[3, 2]]),
        LayerExample(.deconvolution(channels: 4, window: WindowSpec(kernel: [3, 3], stride: [2, 2], padding: .explicit(top: 1, bottom: 0, left: 0, right: 1)),
                                    groups: 2, biases: true), [[2, 3, 3]]),
        LayerExample(.deconvolution(channels: 2, window: WindowSpec(kernel: [2, 3], stride: [1, 2], padding: .same, dilation: [2, 1]),
                                    groups: 1, biases: false), [[3, 2, 2]]),
        LayerExample(.transpose([2, 1]), [[2, 3]]),
        LayerExample(.transpose([3, 1, 2]), [[2, 3, 4]]),
        LayerExample(.transpose([2, 1]), [[2, 3, 2]]),
        LayerExample(foldedStep, [[4, 2]]),
        LayerExample(.part([.element(-1)]), [[3, 2]]),
        LayerExample(.part([.all, .span(from: 3, to: 1, step: -2)]), [[2, 4, 2]]),
        LayerExample(.part([.elements([2, 2, 1]), .span(from: 2, to: nil, step: 1)]), [[3, 3]]),
        LayerExample(.resize(ResizeSpec(dimensions: [.size(5), .scaled(2)])), [[2, 3, 2]]),
        LayerExample(.resize(ResizeSpec(dimensions: [.size(2), .all], scheme: .bin)), [[2, 5, 3]]),
        LayerExample(.resize(ResizeSpec(dimensions: [.scaled(3)], resampling: .nearest)), [[2, 2]]),
        LayerExample(.resize(ResizeSpec(dimensions: [.size(4)], interleaving: true)), [[3, 2]]),
        LayerExample(.threading(ThreadingSpec(function: .times)), [[2, 3], [1, 3], [2, 1]]),
        LayerExample(.threading(ThreadingSpec(function: .divide)), [[3, 2], [3, 1]], values: [.spread, .unit]),
        LayerExample(.threading(ThreadingSpec(function: .max, broadcasting: false)), [[4], [4]], values: [.unit, .spread]),
        LayerExample(.threading(ThreadingSpec(function: .subtract)), [[2, 2], [2, 2]]),
        LayerExample(.threading(ThreadingSpec(function: .power)), [[3], [3]], values: [.unit, .spread]),
        LayerExample(.constantArray([2, 3]), []),
        LayerExample(.catenateAt(2), [[2, 3], [2, 1]]),
        LayerExample(.catenateAt(-1), [[2, 2, 1], [2, 2, 3], [2, 2, 2]]),
        LayerExample(.padding(PaddingSpec(margins: [[0, 0], [1, 2]], fill: .value(0.5))), [[2, 3]]),
        LayerExample(.padding(PaddingSpec(margins: [[2, 1]], fill: .reflected)), [[3, 2]]),
        LayerExample(.padding(PaddingSpec(margins: [[1, 0], [0, 3]], fill: .periodic)), [[2, 2]]),
        LayerExample(.padding(PaddingSpec(margins: [[0, 1], [2, 2], [1, 1]], fill: .fixed)), [[1, 2, 2]]),
    ]

    /// `NetFoldOperator` of a step net `Tanh[W . Join[x, s] + b]` (flatten when the graph
    /// cannot be made, which `everyKindHasAnExample` reports as fold's missing example).
    static let foldedStep: LayerKind = {
        let step = try? Graph(names: ["cat", "linear", "tanh"],
                              nodes: [.layer(try Layer(.catenate)), .layer(try Layer(.linear(output: [3], biases: true))),
                                      .layer(try Layer(.elementwise(.activation(.tanh))))],
                              edges: [Edge(.input(0), .node(0, port: 0)), Edge(.input(1), .node(0, port: 1)),
                                      Edge(.node(0), .node(1, port: 0)), Edge(.node(1), .node(2, port: 0))],
                              inputNames: ["Input", "State"])
        return (step.flatMap { try? FoldSpec(step: .graph($0)) }).map { .fold($0) } ?? .flatten
    }()

    /// One tag per spec, from an exhaustive switch: a new `LayerKind` case does not compile here
    /// until it has a tag, and `everyKindHasAnExample` fails until the tag has an example.
    enum Tag: CaseIterable {
        case linear, softmax, elementwise, convolution, pooling, aggregation, batchNorm, dropout, flatten, reshape, catenate, total
        case crossEntropyIndex, crossEntropyProbabilities, crossEntropyBinary, meanSquared, meanAbsolute
        case embedding, basicRecurrent, gatedRecurrent, longShortTermMemory, sequenceLast, sequenceMost, sequenceRest, sequenceReverse, sequenceAggregation
        case attention, normalization, map, bidirectional
        case deconvolution
        case transpose
        case fold
        case part, resize, threading, constantArray, catenateAt, padding

        init(_ kind: LayerKind) {
            switch kind {
            case .linear: self = .linear
            case .softmax: self = .softmax
            case .elementwise: self = .elementwise
            case .convolution: self = .convolution
            case .pooling: self = .pooling
            case .aggregation: self = .aggregation
            case .batchNorm: self = .batchNorm
            case .dropout: self = .dropout
            case .flatten: self = .flatten
            case .reshape: self = .reshape
            case .catenate: self = .catenate
            case .total: self = .total
            case .embedding: self = .embedding
            case .basicRecurrent: self = .basicRecurrent
            case .gatedRecurrent: self = .gatedRecurrent
            case .longShortTermMemory: self = .longShortTermMemory
            case .sequenceLast: self = .sequenceLast
            case .sequenceMost: self = .sequenceMost
            case .sequenceRest: self = .sequenceRest
            case .sequenceReverse: self = .sequenceReverse
            case .sequenceAggregation: self = .sequenceAggregation
            case .attention: self = .attention
            case .normalization: self = .normalization
            case .map: self = .map
            case .bidirectional: self = .bidirectional
            case .deconvolution: self = .deconvolution
            case .transpose: self = .transpose
            case .fold: self = .fold
            case .part: self = .part
            case .resize: self = .resize
            case .threading: self = .threading
            case .constantArray: self = .constantArray
            case .catenateAt: self = .catenateAt
            case .padding: self = .padding
            case .loss(let l):
                switch l {
                case .crossEntropyIndex: self = .crossEntropyIndex
                case .crossEntropyProbabilities: self = .crossEntropyProbabilities
                case .crossEntropyBinary: self = .crossEntropyBinary
                case .meanSquared: self = .meanSquared
                case .meanAbsolute: self = .meanAbsolute
                }
            }
        }
    }

    @Test func everyKindHasAnExample() {
        let covered = Set(Self.examples.map { Tag($0.kind) })
        #expect(Tag.allCases.filter { !covered.contains($0) } == [])
        // The registry the net file reads through holds exactly the examples' operator types.
        let registered = LayerKind.operatorTypes.map { ObjectIdentifier($0) }
        let exercised = Set(Self.examples.map { ObjectIdentifier(type(of: $0.kind.operation)) })
        #expect(Set(registered) == exercised && registered.count == exercised.count)
    }

    /// The example's layer, its arrays initialized and then moved off their starting values
    /// (biases and moving statistics start at 0 and 1, which would hide mistakes).
    static func layer(_ example: LayerExample) throws -> Layer {
        var l = try Layer(example.kind, inputCount: example.inputs.count)
        _ = try l.constrain(inputs: example.inputs.map(\.shape), output: nil)
        var g = SeededGenerator(seed: 7)
        guard case .layer(var initialized) = try Net.layer(l).initialized(generator: &g) else { throw NetError("test", "not a layer") }
        for (name, a) in initialized.arrays {
            let values = a.values.map { v -> Float in
                let r = Float(g.normal())
                return name == "MovingVariance" ? 0.5 + abs(r) * 0.5 : v + 0.3 * r
            }
            initialized.arrays[name] = try Tensor(shape: a.shape, values: values)
        }
        return initialized
    }

    /// A batch of `n` inputs for each of the example's ports.
    static func inputs(_ example: LayerExample, batch n: Int, seed: UInt64) throws -> [Tensor] {
        var g = SeededGenerator(seed: seed)
        return try example.inputs.map { shape, kind in
            let count = n * shape.reduce(1, *)
            var values: [Float]
            switch kind {
            case .spread:
                values = (0..<count).map { (Float(2 * $0 - count) + 0.5) * 0.025 }
                for i in values.indices.reversed() { values.swapAt(i, Int(g.next() % UInt64(i + 1))) }
            case .unit:
                values = (0..<count).map { _ in 0.2 + 0.6 * Float(g.next() % 1000) / 1000 }
            case .classes(let k):
                values = (0..<count).map { _ in Float(1 + Int(g.next() % UInt64(k))) }
            case .probabilities:
                let row = shape.last ?? 1
                values = (0..<count).map { _ in Float(exp(0.3 * g.normal())) }
                for r in 0..<(count / row) {
                    let sum = values[(r * row)..<((r + 1) * row)].reduce(0, +)
                    for i in (r * row)..<((r + 1) * row) { values[i] /= sum }
                }
            }
            return try Tensor(shape: [n] + shape, values: values)
        }
    }

    /// (a) The compiled plan agrees with the reference forward pass, for one example and for a
    /// batch (which a plan runs one example per core). Plans take one input, so every port is
    /// fed the same input (examples whose ports differ in shape are checked by (b) only); loss
    /// layers have no plan.
    @Test(arguments: examples) func planMatchesReference(_ example: LayerExample) throws {
        let l = try Self.layer(example)
        if example.isLoss {
            #expect(throws: NetError.self) { try InferencePlan(.layer(l)) }
            return
        }
        let shapes = example.inputs.map(\.shape)
        if shapes.isEmpty {
            // A layer without inputs (ConstantArrayLayer), planned beside data it is added to.
            guard let y = l.output else { Issue.record("no output shape"); return }
            let plus = try Layer(.threading(ThreadingSpec(function: .plus)), inputCount: 2)
            let graph = try Graph(names: ["layer", "plus"], nodes: [.layer(l), .layer(plus)],
                                  edges: [Edge(.input(0), .node(1, port: 0)), Edge(.node(0), .node(1, port: 1)), Edge(.node(1), .output)])
            let plan = try InferencePlan(.graph(graph))
            for n in [1, 3] {
                let x = try Tensor(shape: [n] + y, values: (0..<(n * y.reduce(1, *))).map { Float($0) * 0.25 })
                let reference = try Net.graph(graph).forward([x]), planned = try plan.run(x)
                #expect(planned.shape == reference.shape && reference.shape == [n] + y)
                #expect(close(planned, reference), "batch \(n): \(planned.values) vs \(reference.values)")
            }
            return
        }
        guard shapes.allSatisfy({ $0 == shapes[0] }) else { return }
        let edges = shapes.indices.map { Edge(.input(0), .node(0, port: $0)) }
        let net: Net = shapes.count == 1 ? .layer(l) : .graph(try Graph(names: ["layer"], nodes: [.layer(l)], edges: edges))
        let plan = try InferencePlan(net)
        for n in [1, 3] {
            let x = try Self.inputs(example, batch: n, seed: 3)[0]
            let reference = try l.forward(Array(repeating: x, count: shapes.count))
            let planned = try plan.run(x)
            #expect(planned.shape == reference.shape)
            #expect(close(planned, reference), "batch \(n): \(planned.values) vs \(reference.values)")
        }
    }

    /// (b) The backward pass against central differences of the training forward pass of
    /// L = sum(y * gy) for a random gy: for every input and every array with a gradient. Arrays
    /// that training updates without a gradient (moving statistics) must get new values instead.
    /// Loss layers: their gradient against differences of their value.
    @Test(arguments: examples) func backwardMatchesFiniteDifferences(_ example: LayerExample) throws {
        let l = try Self.layer(example)
        let xs = try Self.inputs(example, batch: 3, seed: 5)
        let h: Float = 1e-2
        if example.isLoss {
            guard case .loss(let kind) = example.kind else { return }
            let gradient = try l.loss(kind, xs[0], xs[1]).gradient
            try Self.check(gradient, of: xs[0], h: h, "input") { x in Double(try l.forward([x, xs[1]]).values[0]) }
            return
        }
        func pass() -> TrainingPass { TrainingPass(generator: SeededGenerator(seed: 9), multiplier: { _ in 1 }) }
        let training = pass()
        let (y, back) = try l.trainForward(xs, [], training, needInput: true)
        var g = SeededGenerator(seed: 13)
        let gy = try Tensor(shape: y.shape, values: (0..<y.count).map { _ in Float(g.normal()) })
        let inputGradients = try back(gy)
        func objective(_ layer: Layer, _ inputs: [Tensor]) throws -> Double {
            let y = try layer.trainForward(inputs, [], pass(), needInput: true).0
            return zip(y.values, gy.values).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        #expect(inputGradients.count == xs.count)
        for (i, x) in xs.enumerated() {
            guard i < inputGradients.count, let dx = inputGradients[i] else {
                Issue.record("no gradient for input \(i + 1)")
                continue
            }
            try Self.check(dx, of: x, h: h, "input \(i + 1)") { v in
                var changed = xs
                changed[i] = v
                return try objective(l, changed)
            }
        }
        for name in l.kind.arrayNames {
            if training.statistics[[name]] != nil { continue }
            guard let a = l.arrays[name], let da = training.gradients[[name]] else {
                Issue.record("no gradient and no new value for array \(name)")
                continue
            }
            try Self.check(da, of: a, h: h, name) { v in
                var changed = l
                changed.arrays[name] = v
                return try objective(changed, xs)
            }
        }
    }

    /// Compares an analytic gradient with central differences of `f` at `x`, at up to 24 spread
    /// positions.
    static func check(_ analytic: Tensor, of x: Tensor, h: Float, _ what: String, _ f: (Tensor) throws -> Double) throws {
        #expect(analytic.shape == x.shape, "\(what): gradient shape \(analytic.shape) for \(x.shape)")
        guard analytic.shape == x.shape else { return }
        let values = x.values, grad = analytic.values
        for k in stride(from: 0, to: values.count, by: Swift.max(1, values.count / 24)) {
            func at(_ d: Float) throws -> Double {
                var v = values
                v[k] += d
                return try f(Tensor(shape: x.shape, values: v))
            }
            let numeric = (try at(h) - at(-h)) / Double(2 * h)
            let a = Double(grad[k])
            #expect(abs(numeric - a) <= 1e-2 * Swift.max(1, abs(a)), "\(what)[\(k)]: analytic \(a), numeric \(numeric)")
        }
    }

    /// The net file's form of each example's spec, as files written so far hold it; a layer
    /// that changes how its spec is written breaks the files users have.
    static let storedSpecs = [
        #"{"linear":{"biases":true,"output":[3]}}"#,
        #"{"linear":{"biases":false,"output":[2,2]}}"#,
        #"{"softmax":{}}"#,
        #"{"elementwise":{"_0":{"activation":{"_0":"tanh"}}}}"#,
        #"{"elementwise":{"_0":{"activation":{"_0":"relu"}}}}"#,
        #"{"elementwise":{"_0":{"activation":{"_0":"relu6"}}}}"#,
        #"{"elementwise":{"_0":{"scalar":{"_0":{"apply":{"_0":"Sin","_1":{"product":{"_0":[{"constant":{"_0":2}},{"input":{}}]}}}}}}}}"#,
        #"{"convolution":{"biases":true,"channels":4,"groups":2,"window":{"dilation":[1,1],"kernel":[3,3],"padding":{"same":{}},"stride":[2,2]}}}"#,
        #"{"convolution":{"biases":false,"channels":2,"groups":1,"window":{"dilation":[2,1],"kernel":[2,2],"padding":{"explicit":{"bottom":0,"left":0,"right":1,"top":1}},"stride":[1,1]}}}"#,
        #"{"pooling":{"_0":{"dilation":[1,1],"kernel":[2,2],"padding":{"explicit":{"bottom":0,"left":0,"right":0,"top":0}},"stride":[1,1]},"_1":"max"}}"#,
        #"{"pooling":{"_0":{"dilation":[1,1],"kernel":[2,2],"padding":{"explicit":{"bottom":1,"left":1,"right":1,"top":1}},"stride":[2,2]},"_1":"mean"}}"#,
        #"{"aggregation":{"_0":"mean"}}"#,
        #"{"aggregation":{"_0":"max"}}"#,
        #"{"batchNorm":{"epsilon":0.001,"momentum":0.9}}"#,
        #"{"batchNorm":{"epsilon":1e-05,"momentum":0.8}}"#,
        #"{"dropout":{"_0":0.3}}"#,
        #"{"flatten":{}}"#,
        #"{"reshape":{"_0":[3,2]}}"#,
        #"{"catenate":{}}"#,
        #"{"catenate":{}}"#,
        #"{"total":{}}"#,
        #"{"loss":{"_0":"Index"}}"#,
        #"{"loss":{"_0":"Probabilities"}}"#,
        #"{"loss":{"_0":"Binary"}}"#,
        #"{"loss":{"_0":"MeanSquared"}}"#,
        #"{"loss":{"_0":"MeanAbsolute"}}"#,
        #"{"embedding":{"size":3,"vocabulary":5}}"#,
        #"{"basicRecurrent":{"_0":3}}"#,
        #"{"gatedRecurrent":{"_0":3}}"#,
        #"{"longShortTermMemory":{"_0":3}}"#,
        #"{"sequenceLast":{}}"#,
        #"{"sequenceMost":{}}"#,
        #"{"sequenceRest":{}}"#,
        #"{"sequenceReverse":{}}"#,
        #"{"sequenceAggregation":{"_0":"max"}}"#,
        #"{"sequenceAggregation":{"_0":"mean"}}"#,
        #"{"attention":{"_0":{"mask":{"none":{}},"multiHead":false,"rescaled":true,"scoring":"Dot"}}}"#,
        #"{"attention":{"_0":{"mask":{"none":{}},"multiHead":false,"rescaled":false,"scoring":"Bilinear"}}}"#,
        #"{"attention":{"_0":{"mask":{"causal":{"window":2}},"multiHead":true,"rescaled":false,"scoring":"Dot"}}}"#,
        #"{"normalization":{"_0":{"epsilon":0.001,"from":2,"same":false}}}"#,
        #"{"normalization":{"_0":{"epsilon":0.01,"from":1,"same":true}}}"#,
        #"{"map":{"_0":{"linear":{"biases":true,"output":[2]}}}}"#,
        #"{"map":{"_0":{"embedding":{"size":2,"vocabulary":4}}}}"#,
        #"{"bidirectional":{"_0":{"longShortTermMemory":{"_0":2}},"_1":{"basicRecurrent":{"_0":3}}}}"#,
        #"{"deconvolution":{"biases":true,"channels":4,"groups":2,"window":{"dilation":[1,1],"kernel":[3,3],"padding":{"explicit":{"bottom":0,"left":0,"right":1,"top":1}},"stride":[2,2]}}}"#,
        #"{"deconvolution":{"biases":false,"channels":2,"groups":1,"window":{"dilation":[2,1],"kernel":[2,3],"padding":{"same":{}},"stride":[1,2]}}}"#,
        #"{"transpose":{"_0":[2,1]}}"#,
        #"{"transpose":{"_0":[3,1,2]}}"#,
        #"{"transpose":{"_0":[2,1]}}"#,
        #"{"fold":{"_0":{"step":{"graph":{"edges":[{"source":{"input":{"_0":0}},"target":{"node":{"_0":0,"port":0}}},{"source":{"input":{"_0":1}},"target":{"node":{"_0":0,"port":1}}},{"source":{"node":{"_0":0}},"target":{"node":{"_0":1,"port":0}}},{"source":{"node":{"_0":1}},"target":{"node":{"_0":2,"port":0}}},{"source":{"node":{"_0":2}},"target":{"output":{}}}],"inputNames":["Input","State"],"names":["cat","linear","tanh"],"nodes":[{"layer":{"inputs":[null,null],"kind":{"catenate":{}}}},{"layer":{"inputs":[null],"kind":{"linear":{"biases":true,"output":[3]}},"output":[3]}},{"layer":{"inputs":[[3]],"kind":{"elementwise":{"_0":{"activation":{"_0":"tanh"}}}},"output":[3]}}]}}}}}"#,
        #"{"part":{"_0":[{"element":{"_0":-1}}]}}"#,
        #"{"part":{"_0":[{"all":{}},{"span":{"from":3,"step":-2,"to":1}}]}}"#,
        #"{"part":{"_0":[{"elements":{"_0":[2,2,1]}},{"span":{"from":2,"step":1}}]}}"#,
        #"{"resize":{"_0":{"dimensions":[{"size":{"_0":5}},{"scaled":{"_0":2}}],"interleaving":false,"resampling":"Linear","scheme":"Point"}}}"#,
        #"{"resize":{"_0":{"dimensions":[{"size":{"_0":2}},{"all":{}}],"interleaving":false,"resampling":"Linear","scheme":"Bin"}}}"#,
        #"{"resize":{"_0":{"dimensions":[{"scaled":{"_0":3}}],"interleaving":false,"resampling":"Nearest","scheme":"Bin"}}}"#,
        #"{"resize":{"_0":{"dimensions":[{"size":{"_0":4}}],"interleaving":true,"resampling":"Linear","scheme":"Point"}}}"#,
        #"{"threading":{"_0":{"broadcasting":true,"function":"Times"}}}"#,
        #"{"threading":{"_0":{"broadcasting":true,"function":"Divide"}}}"#,
        #"{"threading":{"_0":{"broadcasting":false,"function":"Max"}}}"#,
        #"{"threading":{"_0":{"broadcasting":true,"function":"Subtract"}}}"#,
        #"{"threading":{"_0":{"broadcasting":true,"function":"Power"}}}"#,
        #"{"constantArray":{"_0":[2,3]}}"#,
        #"{"catenate":{"level":2}}"#,
        #"{"catenate":{"level":-1}}"#,
        #"{"padding":{"_0":{"fill":{"value":{"_0":0.5}},"margins":[[0,0],[1,2]]}}}"#,
        #"{"padding":{"_0":{"fill":{"reflected":{}},"margins":[[2,1]]}}}"#,
        #"{"padding":{"_0":{"fill":{"periodic":{}},"margins":[[1,0],[0,3]]}}}"#,
        #"{"padding":{"_0":{"fill":{"fixed":{}},"margins":[[0,1],[2,2],[1,1]]}}}"#,
    ]

    @Test func specsAreStoredAsBefore() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(Self.storedSpecs.count == Self.examples.count)
        for (example, stored) in zip(Self.examples, Self.storedSpecs) {
            let encoded = String(decoding: try encoder.encode(example.kind), as: UTF8.self)
            #expect(encoded == stored, "\(encoded)")
            #expect(try JSONDecoder().decode(LayerKind.self, from: Data(stored.utf8)) == example.kind)
        }
        // An output size or channel count not known yet is left out.
        #expect(try JSONDecoder().decode(LayerKind.self, from: Data(#"{"linear":{"biases":true}}"#.utf8)) == .linear(output: nil, biases: true))
        #expect(String(decoding: try encoder.encode(LayerKind.linear(output: nil, biases: true)), as: UTF8.self) == #"{"linear":{"biases":true}}"#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(LayerKind.self, from: Data(#"{"unknown":{}}"#.utf8)) }
    }

    /// (c) The spec and arrays survive the net file: the decoded layer computes the same.
    @Test(arguments: examples) func netFileRoundTrip(_ example: LayerExample) throws {
        let l = try Self.layer(example)
        let decoded = try NetFile.decode(NetFile.encode(.layer(l)))
        guard case .layer(let d) = decoded else {
            Issue.record("not decoded as a layer")
            return
        }
        #expect(d.kind == l.kind)
        #expect(d.inputs == l.inputs && d.output == l.output)
        let xs = try Self.inputs(example, batch: 2, seed: 21)
        #expect(close(try d.forward(xs), try l.forward(xs)))
    }
}
