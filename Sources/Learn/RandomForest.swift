import Foundation
import Tensor

/// Bagged trees, each split choosing among √d random features; probabilities averaged. The
/// trees are grown on histogram bins (`BinnedFeatures`: up to 255 cuts a feature, the cut values
/// kept as thresholds), on every core, each from its own seed so the forest does not depend on
/// the number of cores.
public struct RandomForest: ProbabilityModel, Codable {
    let trees: [DecisionTree]

    /// `checkpoint` is called between batches of trees; it throws to stop the fit.
    static func fit(_ x: [[Double]], _ y: [Int], classes: Int, trees count: Int, seed: UInt64, checkpoint: () throws -> Void = {}) throws -> RandomForest {
        let data = BinnedFeatures(x)
        let m = Swift.max(1, Int(Double(data.features).squareRoot()))
        let n = x.count
        var trees: [DecisionTree] = []
        let batch = Swift.max(1, 2 * Parallel.cores)
        while trees.count < count {
            try checkpoint()
            let first = trees.count, size = Swift.min(batch, count - first)
            trees += try parallelMap(size) { t in
                var g = SeededGenerator(seed: seed &+ UInt64(first + t) &* 0x9E37_79B9_7F4A_7C15)
                let sample = (0..<n).map { _ in Int32(g.next() % UInt64(n)) }
                return DecisionTree(root: GiniTreeGrower(data: data, labels: y, classes: classes, featuresPerSplit: m).grow(sample, &g))
            }
        }
        return RandomForest(trees: trees)
    }

    public func probabilities(_ x: [Double]) -> [Double] {
        var total = [Double]()
        for t in trees {
            let p = t.probabilities(x)
            if total.isEmpty { total = p } else { for i in total.indices { total[i] += p[i] } }
        }
        return total.map { $0 / Double(Swift.max(trees.count, 1)) }
    }
}

/// Grows a CART tree on binned features by Gini impurity, depth first to pure leaves (at most
/// `maxDepth` levels), trying `featuresPerSplit` random features at a node and more, in random
/// order, while none of them splits it.
struct GiniTreeGrower {
    let data: BinnedFeatures
    let labels: [Int]
    let classes: Int
    let featuresPerSplit: Int
    var maxDepth = 20

    func grow(_ members: [Int32], _ g: inout SeededGenerator) -> DecisionTree.Node {
        build(members, 0, &g)
    }

    /// Class shares of the members, smoothed as `DecisionTree`'s leaves are.
    func distribution(_ members: [Int32]) -> [Double] {
        var c = [Double](repeating: 0, count: classes)
        for m in members { c[labels[Int(m)]] += 1 }
        let t = Swift.max(c.reduce(0, +), 1)
        return c.map { ($0 + 0.01) / (t + 0.01 * Double(classes)) }
    }

    private func build(_ members: [Int32], _ depth: Int, _ g: inout SeededGenerator) -> DecisionTree.Node {
        let first = labels[Int(members[0])]
        if depth >= maxDepth || members.count < 2 || members.allSatisfy({ labels[Int($0)] == first }) {
            return .leaf(distribution(members))
        }
        var features = Array(0..<data.features)
        var best: (score: Double, feature: Int, bin: Int)?
        var tried = 0
        for k in features.indices {
            if tried >= featuresPerSplit && best != nil { break }
            let j = k + Int(g.next() % UInt64(features.count - k))
            features.swapAt(k, j)
            tried += 1
            if let s = bestSplit(members, features[k]), s.score < (best?.score ?? .infinity) { best = (s.score, features[k], s.bin) }
        }
        guard let split = best else { return .leaf(distribution(members)) }
        let base = split.feature * data.count
        var left: [Int32] = [], right: [Int32] = []
        for m in members { if Int(data.codes[base + Int(m)]) <= split.bin { left.append(m) } else { right.append(m) } }
        return .split(feature: split.feature, threshold: data.cuts[split.feature][split.bin],
                      left: build(left, depth + 1, &g), right: build(right, depth + 1, &g))
    }

    /// The bin (split after it) of least weighted Gini impurity on feature f, if any splits the members.
    private func bestSplit(_ members: [Int32], _ f: Int) -> (score: Double, bin: Int)? {
        let bins = data.bins(f), base = f * data.count
        var counts = [Double](repeating: 0, count: bins * classes)
        var total = [Double](repeating: 0, count: classes)
        var lowest = bins, highest = 0
        for m in members {
            let c = labels[Int(m)], b = Int(data.codes[base + Int(m)])
            counts[b * classes + c] += 1
            total[c] += 1
            lowest = Swift.min(lowest, b)
            highest = Swift.max(highest, b)
        }
        guard lowest < highest else { return nil }
        let n = Double(members.count)
        var left = [Double](repeating: 0, count: classes)
        var nl = 0.0, best: (score: Double, bin: Int)?
        for b in lowest..<highest {
            var added = 0.0
            for c in 0..<classes { left[c] += counts[b * classes + c]; added += counts[b * classes + c] }
            if added == 0 { continue }
            nl += added
            let nr = n - nl
            if nr <= 0 { break }
            var sl = 0.0, sr = 0.0
            for c in 0..<classes {
                sl += left[c] * left[c]
                let r = total[c] - left[c]
                sr += r * r
            }
            // n·Gini = Σ side (n_side − Σ_c n_c² / n_side); the constant n drops out.
            let score = -(sl / nl + sr / nr)
            if score < (best?.score ?? .infinity) { best = (score, b) }
        }
        return best
    }
}
