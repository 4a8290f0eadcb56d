import Foundation
import Nets
import Resources

/// What a classifier read from a file must satisfy before it is applied: every size agrees
/// with the class and feature counts, every index is in range and every number is finite, so
/// that applying it never indexes out of range. Each model type checks its own parameters.
protocol ValidatedModel {
    /// Throws unless the model computes `classes` probabilities from `features` standardized
    /// features without indexing out of range.
    func validate(classes: Int, features: Int) throws
}

extension TrainedClassifier {
    /// Throws a `LearnError` unless the classifier is consistent (see `ValidatedModel`).
    public func validate() throws {
        guard classCount >= 2 else { throw damaged("it has \(classCount) classes; a classifier needs at least two") }
        guard priors.count == classCount, priors.allSatisfy({ $0.isFinite && $0 >= 0 }), priors.contains(where: { $0 > 0 }) else {
            throw damaged("its class priors are not \(classCount) non-negative numbers with a positive total")
        }
        guard standardizer.mean.count == standardizer.scale.count,
              (standardizer.mean + standardizer.scale).allSatisfy(\.isFinite) else {
            throw damaged("its standardization is not two lists of finite numbers of one length")
        }
        guard let m = model as? any ValidatedModel else { throw damaged("its model cannot be checked") }
        try m.validate(classes: classCount, features: features)
    }

    /// The number of features the classifier takes (after the feature encoders).
    public var features: Int { standardizer.mean.count }
}

func damaged(_ why: String) -> LearnError { LearnError("file", "the classifier is damaged: \(why)") }

/// Throws unless every number is finite.
private func finite(_ xs: [Double], _ what: String) throws {
    guard xs.allSatisfy(\.isFinite) else { throw damaged("\(what) holds a number that is not finite") }
}

extension LogisticRegression: ValidatedModel {
    func validate(classes: Int, features: Int) throws {
        guard weights.count == classes, intercepts.count == classes, weights.allSatisfy({ $0.count == features }) else {
            throw damaged("the weights are not \(classes) rows of \(features) values with \(classes) intercepts")
        }
        for w in weights { try finite(w, "the weights") }
        try finite(intercepts, "the intercepts")
    }
}

extension NearestNeighbors: ValidatedModel {
    func validate(classes: Int, features: Int) throws {
        guard self.classes == classes else { throw damaged("the nearest neighbors model has \(self.classes) classes, not \(classes)") }
        guard k >= 1 else { throw damaged("the number of neighbors is \(k), not a positive integer") }
        guard !points.isEmpty, labels.count == points.count, points.allSatisfy({ $0.count == features }) else {
            throw damaged("the neighbors are not labelled points of \(features) values")
        }
        guard labels.allSatisfy({ $0 >= 0 && $0 < classes }) else { throw damaged("a neighbor's class is out of range") }
        for p in points { try finite(p, "a neighbor") }
    }
}

extension GaussianNaiveBayes: ValidatedModel {
    func validate(classes: Int, features: Int) throws {
        guard logPriors.count == classes, means.count == classes, variances.count == classes,
              (means + variances).allSatisfy({ $0.count == features }) else {
            throw damaged("the naive Bayes model is not \(classes) classes of \(features) means and variances")
        }
        try finite(logPriors, "the log priors")
        for m in means { try finite(m, "the means") }
        guard variances.allSatisfy({ $0.allSatisfy { $0.isFinite && $0 > 0 } }) else { throw damaged("a variance is not a positive number") }
    }
}

extension DecisionTree: ValidatedModel {
    /// The deepest tree accepted (training stops at 20 levels).
    static let maxDepth = 64

    func validate(classes: Int, features: Int) throws {
        // Iterative, so a deep tree is refused rather than exhausting the stack.
        var pending: [(Node, Int)] = [(root, 0)]
        while let (node, depth) = pending.popLast() {
            guard depth <= Self.maxDepth else { throw damaged("the decision tree is deeper than \(Self.maxDepth) levels") }
            switch node {
            case .leaf(let p):
                guard p.count == classes, p.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                    throw damaged("a leaf of the decision tree is not \(classes) non-negative probabilities")
                }
            case .split(let f, let t, let l, let r):
                guard f >= 0, f < features else { throw damaged("the decision tree splits on feature \(f), but there are \(features) (numbered from 0)") }
                guard t.isFinite else { throw damaged("the decision tree has a threshold that is not finite") }
                pending.append((l, depth + 1))
                pending.append((r, depth + 1))
            }
        }
    }
}

extension RandomForest: ValidatedModel {
    func validate(classes: Int, features: Int) throws {
        guard !trees.isEmpty else { throw damaged("the random forest has no trees") }
        for t in trees { try t.validate(classes: classes, features: features) }
    }
}

extension NeuralNetworkModel: ValidatedModel {
    func validate(classes: Int, features: Int) throws {
        guard net.inputs.count == 1, let x = net.inputs[0], let n = ResourcePolicy.count(x), n == features else {
            throw damaged("the neural network does not take \(features) features")
        }
        guard net.output == [classes] else { throw damaged("the neural network does not give \(classes) probabilities") }
    }
}


extension GradientBoostedTrees: ValidatedModel {
    func validate(classes: Int, features: Int) throws {
        let outputs = classes == 2 ? 1 : classes
        guard self.classes == classes, baseline.count == outputs, trees.allSatisfy({ $0.count == outputs }) else {
            throw damaged("the boosted trees are not \(outputs) trees a round for \(classes) classes")
        }
        try finite(baseline, "the baseline")
        for round in trees {
            for t in round {
                let n = t.feature.count
                guard n >= 1, [t.threshold.count, t.left.count, t.right.count, t.value.count].allSatisfy({ $0 == n }) else {
                    throw damaged("a boosted tree's node lists differ in length")
                }
                try finite(t.threshold + t.value, "a boosted tree")
                // Children after their parent: evaluation always moves forward and ends.
                for i in 0..<n where t.feature[i] >= 0 {
                    guard t.feature[i] < features, t.left[i] > i, t.left[i] < n, t.right[i] > i, t.right[i] < n else {
                        throw damaged("a boosted tree's node \(i) points out of the tree")
                    }
                }
            }
        }
    }
}
