import Foundation
import Tensor

/// Gradient-boosted regression trees on histogram bins (LightGBM; scikit-learn's
/// `HistGradientBoostingClassifier`): each round fits one tree per class (one in all for two
/// classes) to the gradient and hessian of the log loss, growing it leaf-wise, always splitting
/// the leaf of largest gain, up to 31 leaves of at least 20 examples; a leaf's value is
/// −learning rate · G / (H + λ). Starts from the log odds of the class priors.
public struct GradientBoostedTrees: ProbabilityModel, Codable {
    /// A tree stored flat; node 0 is the root, children come after their parent, and a leaf has
    /// feature −1.
    struct Tree: Codable, Sendable {
        var feature: [Int] = [-1]
        var threshold: [Double] = [0]
        var left: [Int] = [0]
        var right: [Int] = [0]
        var value: [Double] = [0]

        func evaluate(_ x: [Double]) -> Double {
            var i = 0
            while feature[i] >= 0 { i = x[feature[i]] <= threshold[i] ? left[i] : right[i] }
            return value[i]
        }
    }

    let baseline: [Double]
    /// Rounds x outputs (one output for two classes, else one per class).
    let trees: [[Tree]]
    let classes: Int

    public func probabilities(_ x: [Double]) -> [Double] {
        var raw = baseline
        for round in trees { for (k, t) in round.enumerated() where k < raw.count { raw[k] += t.evaluate(x) } }
        return GradientBoostedTrees.link(raw, classes)
    }

    /// Class probabilities from raw scores: the logistic function of one score for two classes, else softmax.
    static func link(_ raw: [Double], _ classes: Int) -> [Double] {
        if classes == 2, let s = raw.first {
            let p = 1 / (1 + exp(-s))
            return [1 - p, p]
        }
        return softmax(raw)
    }

    public struct Settings: Sendable {
        public var rounds = 100
        public var learningRate = 0.1
        public var leaves = 31
        public var minLeaf = 20
        public var l2 = 0.0
        public init() {}
    }

    /// `checkpoint` is called after every round; it throws to stop the fit.
    static func fit(_ x: [[Double]], _ y: [Int], classes: Int, settings: Settings = Settings(), checkpoint: () throws -> Void = {}) throws -> GradientBoostedTrees {
        let data = BinnedFeatures(x)
        let n = x.count, outputs = classes == 2 ? 1 : classes
        var counts = [Double](repeating: 0, count: classes)
        for c in y { counts[c] += 1 }
        let priors = counts.map { Swift.max($0 / Double(n), 1e-12) }
        let baseline = classes == 2 ? [log(priors[1] / priors[0])] : priors.map { log($0) }
        var raw = [Double](repeating: 0, count: n * outputs)
        for i in 0..<n { for k in 0..<outputs { raw[i * outputs + k] = baseline[k] } }
        var trees: [[Tree]] = []
        for _ in 0..<Swift.max(settings.rounds, 0) {
            // Each example's class probabilities, once a round.
            var probabilities = [Double](repeating: 0, count: n * outputs)
            for i in 0..<n {
                let p = link(Array(raw[(i * outputs)..<((i + 1) * outputs)]), classes)
                for k in 0..<outputs { probabilities[i * outputs + k] = classes == 2 ? p[1] : p[k] }
            }
            let current = probabilities
            let grown = try parallelMap(outputs) { k -> (Tree, [(Double, [Int32])]) in
                var g = [Double](repeating: 0, count: n), h = [Double](repeating: 0, count: n)
                for i in 0..<n {
                    let pk = current[i * outputs + k], target: Double = (classes == 2 ? y[i] == 1 : y[i] == k) ? 1 : 0
                    g[i] = pk - target
                    h[i] = Swift.max(pk * (1 - pk), 1e-16)
                }
                return HistogramTreeGrower(data: data, gradients: g, hessians: h, settings: settings).grow()
            }
            for (k, (_, leaves)) in grown.enumerated() {
                for (v, members) in leaves { for i in members { raw[Int(i) * outputs + k] += v } }
            }
            trees.append(grown.map(\.0))
            try checkpoint()
        }
        return GradientBoostedTrees(baseline: baseline, trees: trees, classes: classes)
    }
}

/// Grows one regression tree leaf-wise on binned features from per-example gradients and
/// hessians; a child's histogram is built for the smaller child and subtracted from its parent's
/// for the other.
struct HistogramTreeGrower {
    let data: BinnedFeatures
    let gradients: [Double]
    let hessians: [Double]
    let settings: GradientBoostedTrees.Settings
    /// Where each feature's bins start in a histogram.
    let offsets: [Int]
    let width: Int

    init(data: BinnedFeatures, gradients: [Double], hessians: [Double], settings: GradientBoostedTrees.Settings) {
        self.data = data
        self.gradients = gradients
        self.hessians = hessians
        self.settings = settings
        var o: [Int] = [], total = 0
        for f in 0..<data.features { o.append(total); total += data.bins(f) }
        offsets = o
        width = total
    }

    /// Sums of gradient, hessian and count per bin of every feature.
    struct Histogram {
        var g: [Double], h: [Double], c: [Int32]
        static func - (a: Histogram, b: Histogram) -> Histogram {
            var r = a
            for i in r.g.indices { r.g[i] -= b.g[i]; r.h[i] -= b.h[i]; r.c[i] -= b.c[i] }
            return r
        }
    }

    struct Split { var gain: Double, feature: Int, bin: Int }

    struct Leaf {
        var node: Int
        var members: [Int32]
        var histogram: Histogram
        var g: Double, h: Double
        var split: Split?
    }

    func histogram(_ members: [Int32]) -> Histogram {
        var sumG = [Double](repeating: 0, count: width), sumH = [Double](repeating: 0, count: width)
        var counts = [Int32](repeating: 0, count: width)
        let n = data.count
        data.codes.withUnsafeBufferPointer { codes in
            gradients.withUnsafeBufferPointer { gp in
                hessians.withUnsafeBufferPointer { hp in
                    sumG.withUnsafeMutableBufferPointer { hg in
                        sumH.withUnsafeMutableBufferPointer { hh in
                            counts.withUnsafeMutableBufferPointer { hc in
                                for f in 0..<data.features {
                                    let base = f * n, off = offsets[f]
                                    for m in members {
                                        let i = Int(m), b = off + Int(codes[base + i])
                                        hg[b] += gp[i]
                                        hh[b] += hp[i]
                                        hc[b] += 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Histogram(g: sumG, h: sumH, c: counts)
    }

    /// The split of largest positive gain with at least `minLeaf` examples a side.
    func bestSplit(_ hist: Histogram, _ g: Double, _ h: Double, _ count: Int) -> Split? {
        let l2 = settings.l2, minLeaf = Int32(settings.minLeaf)
        let parent = g * g / (h + l2)
        var best: Split?
        for f in 0..<data.features {
            var gl = 0.0, hl = 0.0, cl: Int32 = 0
            let off = offsets[f]
            for b in 0..<(data.bins(f) - 1) {
                gl += hist.g[off + b]; hl += hist.h[off + b]; cl += hist.c[off + b]
                let cr = Int32(count) - cl, gr = g - gl, hr = h - hl
                if cl < minLeaf { continue }
                if cr < minLeaf { break }
                if hl < 1e-3 || hr < 1e-3 { continue }
                let gain = gl * gl / (hl + l2) + gr * gr / (hr + l2) - parent
                if gain > (best?.gain ?? 1e-12) { best = Split(gain: gain, feature: f, bin: b) }
            }
        }
        return best
    }

    func leaf(_ node: Int, _ members: [Int32], _ hist: Histogram) -> Leaf {
        var g = 0.0, h = 0.0
        for m in members { g += gradients[Int(m)]; h += hessians[Int(m)] }
        return Leaf(node: node, members: members, histogram: hist, g: g, h: h, split: bestSplit(hist, g, h, members.count))
    }

    /// The tree, and each leaf's value with the examples in it.
    func grow() -> (GradientBoostedTrees.Tree, [(Double, [Int32])]) {
        var tree = GradientBoostedTrees.Tree()
        let all = (0..<Int32(data.count)).map { $0 }
        var open = [leaf(0, all, histogram(all))]
        var done: [Leaf] = []
        while open.count + done.count < settings.leaves {
            guard let at = open.indices.filter({ open[$0].split != nil }).max(by: { (open[$0].split?.gain ?? 0) < (open[$1].split?.gain ?? 0) }),
                  let split = open[at].split else { break }
            let parent = open.remove(at: at)
            let base = split.feature * data.count
            var left: [Int32] = [], right: [Int32] = []
            for m in parent.members { if Int(data.codes[base + Int(m)]) <= split.bin { left.append(m) } else { right.append(m) } }
            let small = left.count <= right.count ? left : right
            let smallHist = histogram(small), bigHist = parent.histogram - smallHist
            let l = tree.feature.count, r = l + 1
            tree.feature[parent.node] = split.feature
            tree.threshold[parent.node] = data.cuts[split.feature][split.bin]
            tree.left[parent.node] = l
            tree.right[parent.node] = r
            for _ in 0..<2 { tree.feature.append(-1); tree.threshold.append(0); tree.left.append(0); tree.right.append(0); tree.value.append(0) }
            open.append(leaf(l, left, left.count <= right.count ? smallHist : bigHist))
            open.append(leaf(r, right, left.count <= right.count ? bigHist : smallHist))
            // A leaf too small to split needs no histogram any more.
            for i in open.indices.reversed() where open[i].split == nil { done.append(open.remove(at: i)) }
        }
        var values: [(Double, [Int32])] = []
        for leaf in open + done {
            let v = -settings.learningRate * leaf.g / (leaf.h + settings.l2 + 1e-12)
            tree.value[leaf.node] = v
            values.append((v, leaf.members))
        }
        return (tree, values)
    }
}

/// Gradient-boosted regression trees on histogram bins (scikit-learn's
/// `HistGradientBoostingRegressor`): from the mean value, each round grows one tree as
/// `GradientBoostedTrees` does on the squared loss's gradient (the residuals) and unit hessians,
/// so a leaf's value is the learning rate times its mean residual.
struct GradientBoostedRegression: ValueModel {
    let baseline: Double
    let trees: [GradientBoostedTrees.Tree]

    func predict(_ x: [Double]) -> Double { trees.reduce(baseline) { $0 + $1.evaluate(x) } }

    /// `checkpoint` is called after every round; it throws to stop the fit.
    static func fit(_ x: [[Double]], _ y: [Double], settings: GradientBoostedTrees.Settings = .init(),
                    checkpoint: () throws -> Void = {}) throws -> GradientBoostedRegression {
        let data = BinnedFeatures(x)
        let baseline = y.reduce(0, +) / Double(Swift.max(y.count, 1))
        var predicted = [Double](repeating: baseline, count: y.count)
        let ones = [Double](repeating: 1, count: y.count)
        var trees: [GradientBoostedTrees.Tree] = []
        for _ in 0..<Swift.max(settings.rounds, 0) {
            let residuals = zip(predicted, y).map { $0 - $1 }
            let (tree, leaves) = HistogramTreeGrower(data: data, gradients: residuals, hessians: ones, settings: settings).grow()
            for (v, members) in leaves { for i in members { predicted[Int(i)] += v } }
            trees.append(tree)
            try checkpoint()
        }
        return GradientBoostedRegression(baseline: baseline, trees: trees)
    }
}
