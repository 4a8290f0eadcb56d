import Foundation
import Tensor

/// A described failure of a learning method (degenerate data, bad options); never a trap.
public struct LearnError: Error, CustomStringConvertible, Sendable {
    public var tag: String
    public var description: String
    public init(_ tag: String, _ description: String) {
        self.tag = tag
        self.description = description
    }
}

/// The classification methods, by their names in the language.
public enum ClassifierMethod: String, CaseIterable, Sendable, Codable {
    case logisticRegression = "LogisticRegression"
    case nearestNeighbors = "NearestNeighbors"
    case naiveBayes = "NaiveBayes"
    case decisionTree = "DecisionTree"
    case randomForest = "RandomForest"
    case neuralNetwork = "NeuralNetwork"
    case gradientBoostedTrees = "GradientBoostedTrees"
    case supportVectorMachine = "SupportVectorMachine"
}

/// Settings a method may use.
public struct MethodOptions: Sendable {
    /// L2 penalty of logistic regression on the mean loss (nil: 1/n, scikit-learn's C = 1).
    public var l2: Double?
    public var neighbors: Int?
    public var trees = 50
    public var seed: UInt64 = 1
    /// Called between pieces of the work (a fold, a tree, an optimizer step), with a line saying
    /// what is being tried when a new piece begins; it throws to stop (an interrupt).
    public var checkpoint: @Sendable (_ doing: String?) throws -> Void = { _ in }
    public init() {}
}

/// A fitted model over standardized feature vectors.
public protocol ProbabilityModel: Sendable {
    /// Class probabilities of one standardized example.
    func probabilities(_ x: [Double]) -> [Double]
}

/// Standardization learned from the training features: (x - mean) / sd, constant columns kept at 0.
public struct Standardizer: Sendable, Codable {
    public let mean: [Double]
    public let scale: [Double]

    public init(_ rows: [[Double]]) {
        let d = rows.first?.count ?? 0, n = Double(Swift.max(rows.count, 1))
        var mean = [Double](repeating: 0, count: d), sq = [Double](repeating: 0, count: d)
        for r in rows { for j in 0..<d { mean[j] += r[j] / n } }
        for r in rows { for j in 0..<d { sq[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / n } }
        self.mean = mean
        scale = sq.map { $0 > 1e-24 ? 1 / $0.squareRoot() : 0 }
    }

    public func apply(_ x: [Double]) -> [Double] {
        var out = x
        for j in 0..<Swift.min(out.count, mean.count) { out[j] = (out[j] - mean[j]) * scale[j] }
        return out
    }
}

/// A trained classifier: the method, the number of classes, the standardization and the model.
public struct TrainedClassifier: Sendable {
    public let method: ClassifierMethod
    public let classCount: Int
    public let standardizer: Standardizer
    public let model: any ProbabilityModel
    public let priors: [Double]

    public func probabilities(_ x: [Double]) -> [Double] {
        model.probabilities(standardizer.apply(x))
    }

    /// The probabilities of many examples. The tree ensembles, whose walks are pure functions of
    /// the stored trees, share a large batch out over every core (as scikit-learn's predict does);
    /// the other models take the examples in turn.
    public func probabilities(batch xs: [[Double]]) -> [[Double]] {
        batched(xs, parallel: model is GradientBoostedTrees || model is RandomForest) { [standardizer, model] part in
            let standardized = part.map(standardizer.apply)
            if let boosted = model as? GradientBoostedTrees { return boosted.probabilities(batch: standardized) }
            return standardized.map(model.probabilities)
        }
    }
}

public enum Learn {
    /// Fits `method` to feature rows and class indices (0-based).
    public static func fit(_ method: ClassifierMethod, _ x: [[Double]], _ y: [Int], classes: Int, options: MethodOptions = MethodOptions()) throws -> TrainedClassifier {
        guard !x.isEmpty, x.count == y.count else { throw LearnError("data", "the examples and their classes must be non-empty and of equal number") }
        let d = x[0].count
        guard x.allSatisfy({ $0.count == d }) else { throw LearnError("data", "the examples do not all have the same number of features") }
        guard classes >= 2 else { throw LearnError("oneclass", "the data has only one class; a classifier needs at least two") }
        guard y.allSatisfy({ $0 >= 0 && $0 < classes }) else { throw LearnError("data", "a class index is out of range") }
        guard x.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { throw LearnError("data", "a feature is not a finite number") }
        try options.checkpoint(nil)
        let standardizer = Standardizer(x)
        try options.checkpoint(nil)
        let z = x.map(standardizer.apply)
        try options.checkpoint(nil)
        var counts = [Double](repeating: 0, count: classes)
        for c in y { counts[c] += 1 }
        let priors = counts.map { $0 / Double(y.count) }
        let model: any ProbabilityModel
        switch method {
        case .logisticRegression:
            model = try LogisticRegression.fit(z, y, classes: classes, l2: options.l2 ?? 1 / Double(z.count)) { try options.checkpoint(nil) }
        case .nearestNeighbors:
            model = NearestNeighbors(points: z, labels: y, classes: classes, k: options.neighbors ?? Swift.max(1, Swift.min(10, Int(Double(z.count).squareRoot()))))
        case .naiveBayes:
            model = GaussianNaiveBayes.fit(z, y, classes: classes)
        case .decisionTree:
            var g = SeededGenerator(seed: options.seed)
            model = try DecisionTree.fit(z, y, classes: classes, featuresPerSplit: nil, generator: &g) { try options.checkpoint(nil) }
        case .randomForest:
            model = try RandomForest.fit(z, y, classes: classes, trees: options.trees, seed: options.seed) { try options.checkpoint(nil) }
        case .neuralNetwork:
            model = try NeuralNetworkModel.fit(z, y, classes: classes, seed: options.seed) { try options.checkpoint(nil) }
        case .gradientBoostedTrees:
            model = try GradientBoostedTrees.fit(z, y, classes: classes) { try options.checkpoint(nil) }
        case .supportVectorMachine:
            model = try SupportVectorMachine.fit(z, y, classes: classes, seed: options.seed) { try options.checkpoint(nil) }
        }
        return TrainedClassifier(method: method, classCount: classes, standardizer: standardizer, model: model, priors: priors)
    }

    /// Accuracy of each method by k-fold cross-validation; the best is what `ClassifierMethod -> Automatic` picks.
    /// `checkpoint` hears which method and fold is being tried, with the accuracies found so far
    /// (`Trying RandomForest, fold 2/3 (LogisticRegression 93%, NaiveBayes 88%)`), and is called
    /// within each fit; it throws to stop the search.
    public static func chooseMethod(_ x: [[Double]], _ y: [Int], classes: Int, candidates: [ClassifierMethod], folds: Int = 3, seed: UInt64 = 1,
                                    checkpoint: @escaping @Sendable (_ doing: String?) throws -> Void = { _ in }) throws -> (ClassifierMethod, [ClassifierMethod: Double]) {
        let k = Swift.max(2, Swift.min(folds, x.count))
        let scores = try crossValidated(candidates, examples: x.count, folds: k, seed: seed, unscored: 0,
                                        trainable: { train in Set(train.map { y[$0] }).count >= 2 },
                                        announce: { m, f, scores in try checkpoint("Trying \(m.rawValue), fold \(f + 1)/\(k)" + soFar(scores, candidates)) }) { m, train, test in
            var options = MethodOptions()
            options.seed = seed
            options.checkpoint = checkpoint
            let c = try fit(m, train.map { x[$0] }, train.map { y[$0] }, classes: classes, options: options)
            var right = 0
            for (j, i) in test.enumerated() {
                if j % 64 == 63 { try checkpoint(nil) }
                let p = c.probabilities(x[i])
                if p.indices.max(by: { p[$0] < p[$1] }) == y[i] { right += 1 }
            }
            return (Double(right), test.count)
        }
        let order2 = candidates.sorted { (scores[$0] ?? 0) > (scores[$1] ?? 0) }
        return (order2.first ?? .logisticRegression, scores)
    }
}

/// The accuracies of the methods compared so far, in the order tried: ` (LogisticRegression 93%, NaiveBayes 88%)`.
func soFar(_ scores: [ClassifierMethod: Double], _ order: [ClassifierMethod]) -> String {
    let done = order.filter { scores[$0] != nil }
    guard !done.isEmpty else { return "" }
    return " (" + done.map { "\($0.rawValue) \(Int(((scores[$0] ?? 0) * 100).rounded()))%" }.joined(separator: ", ") + ")"
}

/// Σ a[i] b[i] over the shorter of the two, four lanes at a time (two accumulators).
func dot(_ a: [Double], _ b: [Double]) -> Double {
    let n = Swift.min(a.count, b.count)
    return a.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in
            guard let x = ap.baseAddress, let y = bp.baseAddress else { return 0 }
            var s0 = SIMD4<Double>(), s1 = SIMD4<Double>()
            var i = 0
            while i + 8 <= n {
                s0 += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Double>.self) * UnsafeRawPointer(y + i).loadUnaligned(as: SIMD4<Double>.self)
                s1 += UnsafeRawPointer(x + i + 4).loadUnaligned(as: SIMD4<Double>.self) * UnsafeRawPointer(y + i + 4).loadUnaligned(as: SIMD4<Double>.self)
                i += 8
            }
            var total = (s0 + s1).sum()
            while i < n { total += x[i] * y[i]; i += 1 }
            return total
        }
    }
}

/// Softmax of scores, stable.
func softmax(_ s: [Double]) -> [Double] {
    let top = s.max() ?? 0
    let e = s.map { Foundation.exp($0 - top) }
    let total = e.reduce(0, +)
    return e.map { $0 / total }
}
