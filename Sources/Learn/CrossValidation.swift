import Foundation
import Tensor

extension Learn {
    /// k-fold cross-validation of candidate methods, as `Classify` and `Predict` run it for
    /// `Method -> Automatic`: the n examples are shuffled with the seed and the j-th of that order
    /// goes to fold j mod k; every candidate is trained on each fold's complement (when
    /// `trainable` accepts it and the fold is not empty) and scored on the fold. A candidate's
    /// score is the sum `evaluate` gives over all its folds divided by the count it gives, or
    /// `unscored` when no fold counted. `announce` hears each method and fold before it is tried
    /// with the scores of the methods done so far; it throws to stop.
    public static func crossValidated<Method: Hashable>(
        _ candidates: [Method], examples n: Int, folds k: Int, seed: UInt64, unscored: Double,
        trainable: (_ train: [Int]) -> Bool = { _ in true },
        announce: (_ method: Method, _ fold: Int, _ scores: [Method: Double]) throws -> Void,
        evaluate: (_ method: Method, _ train: [Int], _ test: [Int]) throws -> (sum: Double, count: Int)
    ) throws -> [Method: Double] {
        var order = Array(0..<n)
        var g = SeededGenerator(seed: seed)
        order.shuffle(using: &g)
        let folds = (0..<k).map { f -> (train: [Int], test: [Int]) in
            let test = order.enumerated().filter { $0.offset % k == f }.map(\.element)
            let testSet = Set(test)
            return (order.filter { !testSet.contains($0) }, test)
        }
        var scores: [Method: Double] = [:]
        for m in candidates {
            var sum = 0.0, count = 0
            for (f, fold) in folds.enumerated() where !fold.test.isEmpty && trainable(fold.train) {
                try announce(m, f, scores)
                let (s, c) = try evaluate(m, fold.train, fold.test)
                sum += s
                count += c
            }
            scores[m] = count == 0 ? unscored : sum / Double(count)
        }
        return scores
    }
}
