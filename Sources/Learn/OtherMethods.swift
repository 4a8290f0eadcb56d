import Foundation
import Nets
import Tensor

/// k nearest neighbors (Euclidean); probabilities are the neighbors' class shares, smoothed
/// so no class is impossible.
public struct NearestNeighbors: ProbabilityModel, Codable {
    let points: [[Double]]
    let labels: [Int]
    let classes: Int
    let k: Int
    /// The points to search (a k-d tree in a few dimensions); rebuilt, not saved.
    let search: PointSet

    enum CodingKeys: String, CodingKey { case points, labels, classes, k }

    init(points: [[Double]], labels: [Int], classes: Int, k: Int) {
        self.points = points
        self.labels = labels
        self.classes = classes
        self.k = k
        search = PointSet(points)
    }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(points: try c.decode([[Double]].self, forKey: .points), labels: try c.decode([Int].self, forKey: .labels),
                  classes: try c.decode(Int.self, forKey: .classes), k: try c.decode(Int.self, forKey: .k))
    }

    public func probabilities(_ x: [Double]) -> [Double] {
        var counts = [Double](repeating: 0.1 / Double(classes), count: classes)
        for (i, _) in search.nearest(x, count: k) where labels.indices.contains(i) && counts.indices.contains(labels[i]) {
            counts[labels[i]] += 1
        }
        let total = counts.reduce(0, +)
        return counts.map { $0 / total }
    }
}

/// Gaussian naive Bayes with variance smoothing.
public struct GaussianNaiveBayes: ProbabilityModel, Codable {
    let logPriors: [Double]
    let means: [[Double]]
    let variances: [[Double]]

    static func fit(_ x: [[Double]], _ y: [Int], classes: Int) -> GaussianNaiveBayes {
        let d = x[0].count
        var means = [[Double]](repeating: [Double](repeating: 0, count: d), count: classes)
        var variances = means
        var counts = [Double](repeating: 0, count: classes)
        for (r, c) in zip(x, y) { counts[c] += 1; for j in 0..<d { means[c][j] += r[j] } }
        for c in 0..<classes where counts[c] > 0 { for j in 0..<d { means[c][j] /= counts[c] } }
        for (r, c) in zip(x, y) { for j in 0..<d { variances[c][j] += (r[j] - means[c][j]) * (r[j] - means[c][j]) } }
        let smoothing = 1e-9 * Swift.max(1, x.flatMap { $0 }.map { $0 * $0 }.max() ?? 1)
        for c in 0..<classes { for j in 0..<d { variances[c][j] = (counts[c] > 0 ? variances[c][j] / counts[c] : 1) + smoothing + 1e-3 } }
        let n = Double(x.count)
        return GaussianNaiveBayes(logPriors: counts.map { Foundation.log(($0 + 1e-9) / n) }, means: means, variances: variances)
    }

    public func probabilities(_ x: [Double]) -> [Double] {
        softmax(logPriors.indices.map { c in
            logPriors[c] + x.indices.reduce(0.0) { acc, j in
                let v = variances[c][j], diff = x[j] - means[c][j]
                return acc - 0.5 * Foundation.log(2 * .pi * v) - diff * diff / (2 * v)
            }
        })
    }
}

/// A CART tree split on Gini impurity.
public final class DecisionTree: ProbabilityModel, Codable, @unchecked Sendable {
    indirect enum Node: Codable {
        case leaf([Double])
        case split(feature: Int, threshold: Double, left: Node, right: Node)
    }

    let root: Node

    init(root: Node) { self.root = root }

    /// `checkpoint` is called at every node grown; it throws to stop the fit.
    static func fit(_ x: [[Double]], _ y: [Int], classes: Int, featuresPerSplit: Int?, generator: inout SeededGenerator,
                    maxDepth: Int = 20, minLeaf: Int = 1, checkpoint: () throws -> Void = {}) throws -> DecisionTree {
        func distribution(_ idx: [Int]) -> [Double] {
            var c = [Double](repeating: 0, count: classes)
            for i in idx { c[y[i]] += 1 }
            let t = Swift.max(c.reduce(0, +), 1)
            return c.map { ($0 + 0.01) / (t + 0.01 * Double(classes)) }
        }
        func gini(_ counts: [Double], _ total: Double) -> Double {
            total == 0 ? 0 : 1 - counts.reduce(0) { $0 + ($1 / total) * ($1 / total) }
        }
        func build(_ idx: [Int], _ depth: Int, _ g: inout SeededGenerator) throws -> Node {
            try checkpoint()
            let labels = Set(idx.map { y[$0] })
            if labels.count <= 1 || depth >= maxDepth || idx.count <= 2 * minLeaf { return .leaf(distribution(idx)) }
            let d = x[0].count
            var features = Array(0..<d)
            if let m = featuresPerSplit, m < d { features.shuffle(using: &g); features = Array(features.prefix(m)) }
            var best: (Double, Int, Double)?
            for f in features {
                let sorted = idx.sorted { x[$0][f] < x[$1][f] }
                var left = [Double](repeating: 0, count: classes), right = [Double](repeating: 0, count: classes)
                for i in sorted { right[y[i]] += 1 }
                for (k, i) in sorted.enumerated().dropLast() {
                    left[y[i]] += 1
                    right[y[i]] -= 1
                    let a = x[i][f], b = x[sorted[k + 1]][f]
                    if a == b || k + 1 < minLeaf { continue }
                    let nl = Double(k + 1), nr = Double(sorted.count - k - 1)
                    let score = (nl * gini(left, nl) + nr * gini(right, nr)) / Double(sorted.count)
                    if best == nil || score < best!.0 { best = (score, f, (a + b) / 2) }
                }
            }
            guard let (_, f, t) = best else { return .leaf(distribution(idx)) }
            let l = idx.filter { x[$0][f] <= t }, r = idx.filter { x[$0][f] > t }
            if l.isEmpty || r.isEmpty { return .leaf(distribution(idx)) }
            return .split(feature: f, threshold: t, left: try build(l, depth + 1, &g), right: try build(r, depth + 1, &g))
        }
        return DecisionTree(root: try build(Array(x.indices), 0, &generator))
    }

    public func probabilities(_ x: [Double]) -> [Double] {
        var node = root
        while case .split(let f, let t, let l, let r) = node { node = x[f] <= t ? l : r }
        if case .leaf(let p) = node { return p }
        return []
    }
}

/// A small multilayer perceptron (one hidden layer of 32 tanh units) trained with NetTrain's
/// trainer (Adam, 200 rounds).
public struct NeuralNetworkModel: ProbabilityModel, Codable {
    let net: Net

    init(net: Net) { self.net = net }

    /// The net travels as a nets file (safetensors), base64 in the JSON.
    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.singleValueContainer()
        guard let data = Data(base64Encoded: try c.decode(String.self)) else { throw LearnError("file", "the neural network is damaged") }
        net = try NetFile.decode([UInt8](data))
    }

    public func encode(to encoder: any Swift.Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Data(try NetFile.encode(net)).base64EncodedString())
    }

    static func fit(_ x: [[Double]], _ y: [Int], classes: Int, seed: UInt64, checkpoint: @escaping () throws -> Void = {}) throws -> NeuralNetworkModel {
        let d = x[0].count
        let chain = try Chain(names: ["1", "2", "3", "4"], nodes: [
            .layer(try Layer(.linear(output: [32], biases: true))), .layer(try Layer(.elementwise(.activation(.tanh)))),
            .layer(try Layer(.linear(output: [classes], biases: true))), .layer(try Layer(.softmax)),
        ], input: [d])
        var g = SeededGenerator(seed: seed)
        let net = try Net.chain(chain).initialized(generator: &g)
        let inputs = try Tensor(shape: [x.count, d], values: x.flatMap { $0.map(Float.init) })
        let targets = try Tensor(shape: [y.count], values: y.map { Float($0 + 1) })
        var options = TrainingOptions(batchSize: Swift.min(64, x.count), rounds: 200, optimizer: Optimizer(method: .adam(), learningRate: 0.01))
        options.seed = seed
        // Training stops at a batch when the checkpoint throws; the checkpoint then throws again.
        options.shouldStop = { (try? checkpoint()) == nil }
        let result = try Trainer.train(net, inputs: inputs, targets: targets, options: options)
        try checkpoint()
        return NeuralNetworkModel(net: result.net)
    }

    public func probabilities(_ x: [Double]) -> [Double] {
        guard let t = try? Tensor(shape: [1, x.count], values: x.map(Float.init)), let p = try? net.forward([t]) else { return [] }
        return p.values.map(Double.init)
    }
}

/// A regression by the same perceptron as `NeuralNetworkModel` with one linear output, trained
/// on the mean squared error of standardized values.
struct NeuralNetworkRegression: ValueModel {
    let net: Net
    let mean: Double
    let scale: Double

    static func fit(_ x: [[Double]], _ y: [Double], seed: UInt64, checkpoint: @escaping () throws -> Void = {}) throws -> NeuralNetworkRegression {
        let d = x[0].count, n = Double(y.count)
        let mean = y.reduce(0, +) / n
        let sd = (y.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
        let scale = sd > 0 ? sd : 1
        let chain = try Chain(names: ["1", "2", "3"], nodes: [
            .layer(try Layer(.linear(output: [32], biases: true))), .layer(try Layer(.elementwise(.activation(.tanh)))),
            .layer(try Layer(.linear(output: [1], biases: true))),
        ], input: [d])
        var g = SeededGenerator(seed: seed)
        let net = try Net.chain(chain).initialized(generator: &g)
        let inputs = try Tensor(shape: [x.count, d], values: x.flatMap { $0.map(Float.init) })
        let targets = try Tensor(shape: [y.count, 1], values: y.map { Float(($0 - mean) / scale) })
        var options = TrainingOptions(batchSize: Swift.min(64, x.count), rounds: 200, optimizer: Optimizer(method: .adam(), learningRate: 0.01))
        options.seed = seed
        options.loss = .meanSquared
        options.shouldStop = { (try? checkpoint()) == nil }
        let result = try Trainer.train(net, inputs: inputs, targets: targets, options: options)
        try checkpoint()
        return NeuralNetworkRegression(net: result.net, mean: mean, scale: scale)
    }

    func predict(_ x: [Double]) -> Double {
        guard let t = try? Tensor(shape: [1, x.count], values: x.map(Float.init)), let p = try? net.forward([t]), let v = p.values.first else { return .nan }
        return mean + scale * Double(v)
    }
}
