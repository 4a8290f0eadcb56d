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
            x.withUnsafeBufferPointer { evaluate($0) }
        }

        /// The walk from the root over the node lists' storage (a tree read from a file was
        /// checked by `validate`: children come after their parent and inside the tree); the
        /// example's entries are read checked.
        func evaluate(_ x: UnsafeBufferPointer<Double>) -> Double {
            feature.withUnsafeBufferPointer { f in
                threshold.withUnsafeBufferPointer { t in
                    left.withUnsafeBufferPointer { l in
                        right.withUnsafeBufferPointer { r in
                            var i = 0
                            while f[i] >= 0 {
                                let j = f[i]
                                guard j < x.count else { return 0 }
                                i = x[j] <= t[i] ? l[i] : r[i]
                            }
                            return value[i]
                        }
                    }
                }
            }
        }
    }

    let baseline: [Double]
    /// Rounds x outputs (one output for two classes, else one per class).
    let trees: [[Tree]]
    let classes: Int

    public func probabilities(_ x: [Double]) -> [Double] {
        var raw = baseline
        x.withUnsafeBufferPointer { x in
            raw.withUnsafeMutableBufferPointer { raw in
                for round in trees {
                    for k in 0..<Swift.min(round.count, raw.count) { raw[k] += round[k].evaluate(x) }
                }
            }
        }
        return GradientBoostedTrees.link(raw, classes)
    }

    /// The probabilities of many examples: each tree walks eight examples at a time in step
    /// (`SteppedTree`), so that the eight chains of dependent loads overlap instead of each
    /// waiting on the last; the same scores as `probabilities` one by one.
    public func probabilities(batch xs: [[Double]]) -> [[Double]] {
        let outputs = baseline.count
        guard let raw = GradientBoostedTrees.scores(trees, baseline: baseline, xs) else { return xs.map(probabilities) }
        return (0..<xs.count).map { GradientBoostedTrees.link(Array(raw[($0 * outputs)..<(($0 + 1) * outputs)]), classes) }
    }

    /// The raw scores of many examples (row-major, one per output), each round's trees adding
    /// theirs to the baseline as `SteppedTree`s; nil when the examples are not all of one length
    /// that every tree can read (they then go one by one).
    static func scores(_ rounds: [[Tree]], baseline: [Double], _ xs: [[Double]]) -> [Double]? {
        let n = xs.count, outputs = baseline.count
        let stepped = rounds.map { $0.prefix(outputs).map(SteppedTree.init) }
        let width = stepped.joined().map(\.width).max() ?? 0
        guard let d = xs.first?.count, d >= width, xs.allSatisfy({ $0.count == d }) else { return nil }
        let flat = xs.flatMap { $0 }
        var raw = [Double](repeating: 0, count: n * outputs)
        for i in 0..<n { for k in 0..<outputs { raw[i * outputs + k] = baseline[k] } }
        flat.withUnsafeBufferPointer { x in
            raw.withUnsafeMutableBufferPointer { raw in
                for round in stepped {
                    for (k, t) in round.enumerated() { t.add(x, rows: n, width: d, into: raw, output: k, outputs: outputs) }
                }
            }
        }
        return raw
    }

    /// A tree laid out for walking several examples in step: a leaf points to itself (and tests
    /// feature 0), so every example takes `depth` steps and ends on its leaf, with no branch
    /// on whether it is there yet.
    struct SteppedTree {
        var feature: [Int], threshold: [Double], left: [Int], right: [Int], value: [Double]
        /// The longest path from the root to a leaf; the features the tree reads are below `width`.
        var depth = 0, width = 0

        init(_ t: Tree) {
            let n = t.feature.count
            feature = t.feature.map { Swift.max($0, 0) }
            threshold = t.threshold
            left = (0..<n).map { t.feature[$0] < 0 ? $0 : t.left[$0] }
            right = (0..<n).map { t.feature[$0] < 0 ? $0 : t.right[$0] }
            value = t.value
            // Children come after their parent (checked by `validate` for a tree read from a file).
            var depths = [Int](repeating: 0, count: n)
            for i in 0..<n where t.feature[i] >= 0 {
                width = Swift.max(width, t.feature[i] + 1)
                for c in [t.left[i], t.right[i]] where c > i && c < n { depths[c] = depths[i] + 1 }
            }
            depth = depths.max() ?? 0
        }

        /// Adds the tree's value for each of the `rows` examples (row-major, `width` entries each,
        /// at least as many as the tree reads) to its score `output` in `raw`.
        func add(_ x: UnsafeBufferPointer<Double>, rows: Int, width d: Int, into raw: UnsafeMutableBufferPointer<Double>, output k: Int, outputs: Int) {
            feature.withUnsafeBufferPointer { f in
                threshold.withUnsafeBufferPointer { t in
                    left.withUnsafeBufferPointer { l in
                        right.withUnsafeBufferPointer { r in
                            var start = 0
                            while start < rows {
                                let lanes = Swift.min(8, rows - start)
                                var at = (0, 0, 0, 0, 0, 0, 0, 0)
                                withUnsafeMutableBytes(of: &at) { bytes in
                                    let node = bytes.bindMemory(to: Int.self)
                                    for _ in 0..<depth {
                                        for lane in 0..<lanes {
                                            let i = node[lane]
                                            node[lane] = x[(start + lane) * d + f[i]] <= t[i] ? l[i] : r[i]
                                        }
                                    }
                                    for lane in 0..<lanes { raw[(start + lane) * outputs + k] += value[node[lane]] }
                                }
                                start += lanes
                            }
                        }
                    }
                }
            }
        }
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
        var g = [Double](repeating: 0, count: n), h = [Double](repeating: 0, count: n)
        var probabilities = [Double](repeating: 0, count: n * outputs)
        for _ in 0..<Swift.max(settings.rounds, 0) {
            // Each example's class probabilities, once a round: the logistic function of the one
            // score for two classes, else the softmax of the scores.
            for i in 0..<n {
                let row = i * outputs
                if classes == 2 {
                    probabilities[row] = 1 / (1 + exp(-raw[row]))
                    continue
                }
                var top = -Double.infinity
                for k in 0..<outputs { top = Swift.max(top, raw[row + k]) }
                var total = 0.0
                for k in 0..<outputs { let e = exp(raw[row + k] - top); probabilities[row + k] = e; total += e }
                for k in 0..<outputs { probabilities[row + k] /= total }
            }
            // One tree per output: with several outputs (more than two classes) the round's trees,
            // which depend only on the probabilities at its start, grow side by side, one to a core
            // (the same trees: each feature's histogram is summed in the same order either way);
            // one tree alone spreads its histograms over the cores.
            var round: [Tree] = []
            func gradients(_ k: Int) -> ([Double], [Double]) {
                for i in 0..<n {
                    let pk = probabilities[i * outputs + k], target: Double = (classes == 2 ? y[i] == 1 : y[i] == k) ? 1 : 0
                    g[i] = pk - target
                    h[i] = Swift.max(pk * (1 - pk), 1e-16)
                }
                return (g, h)
            }
            if outputs > 1, Parallel.cores > 1 {
                let targets = (0..<outputs).map(gradients)
                let grown = try parallelMap(outputs) { k in
                    HistogramTreeGrower(data: data, gradients: targets[k].0, hessians: targets[k].1, settings: settings).grow()
                }
                for (k, (tree, leaves)) in grown.enumerated() {
                    for (v, members) in leaves { for i in members { raw[Int(i) * outputs + k] += v } }
                    round.append(tree)
                }
            } else {
                for k in 0..<outputs {
                    let (gk, hk) = gradients(k)
                    let (tree, leaves) = HistogramTreeGrower(data: data, gradients: gk, hessians: hk, settings: settings).grow()
                    for (v, members) in leaves { for i in members { raw[Int(i) * outputs + k] += v } }
                    round.append(tree)
                }
            }
            trees.append(round)
            try checkpoint()
        }
        return GradientBoostedTrees(baseline: baseline, trees: trees, classes: classes)
    }
}

/// Grows one regression tree leaf-wise on binned features from per-example gradients and
/// hessians (nil: every hessian 1, as for the squared loss); a child's histogram is built for the
/// smaller child and subtracted from its parent's for the other. A histogram gathers its
/// examples' gradients in order first and spreads its features over the cores, as
/// scikit-learn's does.
struct HistogramTreeGrower {
    let data: BinnedFeatures
    let gradients: [Double]
    let hessians: [Double]?
    let settings: GradientBoostedTrees.Settings
    /// Where each feature's bins start in a histogram.
    let offsets: [Int]
    let width: Int

    init(data: BinnedFeatures, gradients: [Double], hessians: [Double]?, settings: GradientBoostedTrees.Settings) {
        self.data = data
        self.gradients = gradients
        self.hessians = hessians
        self.settings = settings
        var o: [Int] = [], total = 0
        for f in 0..<data.features { o.append(total); total += data.bins(f) }
        offsets = o
        width = total
    }

    /// The sums of gradient, hessian and count in one bin.
    struct BinSums {
        var g = 0.0, h = 0.0
        var c: Int32 = 0
    }

    /// Sums per bin of every feature, the features one after another (`offsets`).
    struct Histogram {
        var bins: [BinSums]
        /// Takes b's sums away, bin by bin.
        mutating func subtract(_ b: Histogram) {
            bins.withUnsafeMutableBufferPointer { a in
                b.bins.withUnsafeBufferPointer { b in
                    for i in 0..<Swift.min(a.count, b.count) { a[i].g -= b[i].g; a[i].h -= b[i].h; a[i].c -= b[i].c }
                }
            }
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

    /// A histogram's bins, written by one job per share of the features.
    private struct SharedBins: @unchecked Sendable { let base: UnsafeMutablePointer<BinSums> }

    func histogram(_ members: [Int32]) -> Histogram {
        let m = members.count, features = data.features, n = data.count
        // The members' gradients (and hessians) in member order, read in sequence by every feature.
        var ordered = [Double](repeating: 0, count: m), orderedH = [Double](repeating: 0, count: hessians == nil ? 0 : m)
        gradients.withUnsafeBufferPointer { g in
            for (k, i) in members.enumerated() { ordered[k] = g[Int(i)] }
        }
        if let hessians {
            hessians.withUnsafeBufferPointer { h in
                for (k, i) in members.enumerated() { orderedH[k] = h[Int(i)] }
            }
        }
        var bins = [BinSums](repeating: BinSums(), count: width)
        let unit = hessians == nil, g = ordered, h = orderedH, offsets = offsets, data = data
        // One share per core when the work pays for waking them.
        let shares = m * features >= 16_384 ? Swift.max(1, Swift.min(Parallel.workers, features)) : 1
        bins.withUnsafeMutableBufferPointer { out in
            guard let base = out.baseAddress else { return }
            let shared = SharedBins(base: base)
            Parallel.forEach(shares) { share in
                data.codes.withUnsafeBufferPointer { codes in
                    members.withUnsafeBufferPointer { members in
                        g.withUnsafeBufferPointer { g in
                            h.withUnsafeBufferPointer { h in
                                for f in stride(from: share, to: features, by: shares) {
                                    let column = codes.baseAddress.map { $0 + f * n }, hist = shared.base + offsets[f]
                                    guard let column else { continue }
                                    if unit {
                                        for k in 0..<m {
                                            let b = Int(column[Int(members[k])])
                                            hist[b].g += g[k]
                                            hist[b].c += 1
                                        }
                                        for b in 0..<data.bins(f) { hist[b].h = Double(hist[b].c) }
                                    } else {
                                        for k in 0..<m {
                                            let b = Int(column[Int(members[k])])
                                            hist[b].g += g[k]
                                            hist[b].h += h[k]
                                            hist[b].c += 1
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Histogram(bins: bins)
    }

    /// The split of largest positive gain with at least `minLeaf` examples a side.
    func bestSplit(_ hist: Histogram, _ g: Double, _ h: Double, _ count: Int) -> Split? {
        let l2 = settings.l2, minLeaf = Int32(settings.minLeaf)
        let parent = g * g / (h + l2)
        var best: Split?, bestGain = 1e-12
        hist.bins.withUnsafeBufferPointer { bins in
            for f in 0..<data.features {
                var gl = 0.0, hl = 0.0, cl: Int32 = 0
                let off = offsets[f]
                for b in 0..<(data.bins(f) - 1) {
                    // An empty bin leaves the sums, so its split is the one before it again, which
                    // a strictly larger gain would have had to beat: nothing to look at.
                    let bin = bins[off + b]
                    if bin.c == 0 { continue }
                    gl += bin.g; hl += bin.h; cl += bin.c
                    let cr = Int32(count) - cl, gr = g - gl, hr = h - hl
                    if cl < minLeaf { continue }
                    if cr < minLeaf { break }
                    if hl < 1e-3 || hr < 1e-3 { continue }
                    let gain = gl * gl / (hl + l2) + gr * gr / (hr + l2) - parent
                    if gain > bestGain { best = Split(gain: gain, feature: f, bin: b); bestGain = gain }
                }
            }
        }
        return best
    }

    func leaf(_ node: Int, _ members: [Int32], _ hist: Histogram) -> Leaf {
        var g = 0.0, h = 0.0
        for m in members { g += gradients[Int(m)]; h += hessians?[Int(m)] ?? 1 }
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
            var parent = open.remove(at: at)
            let base = split.feature * data.count
            var left: [Int32] = [], right: [Int32] = []
            left.reserveCapacity(parent.members.count)
            right.reserveCapacity(parent.members.count)
            data.codes.withUnsafeBufferPointer { codes in
                for m in parent.members { if Int(codes[base + Int(m)]) <= split.bin { left.append(m) } else { right.append(m) } }
            }
            let leftSmaller = left.count <= right.count
            let smallHist = histogram(leftSmaller ? left : right)
            // The parent's histogram, given up by the parent so that it changes in place.
            var bigHist = parent.histogram
            parent.histogram.bins = []
            bigHist.subtract(smallHist)
            let l = tree.feature.count, r = l + 1
            tree.feature[parent.node] = split.feature
            tree.threshold[parent.node] = data.cuts[split.feature][split.bin]
            tree.left[parent.node] = l
            tree.right[parent.node] = r
            for _ in 0..<2 { tree.feature.append(-1); tree.threshold.append(0); tree.left.append(0); tree.right.append(0); tree.value.append(0) }
            open.append(leaf(l, left, leftSmaller ? smallHist : bigHist))
            open.append(leaf(r, right, leftSmaller ? bigHist : smallHist))
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

    /// The values of many examples, eight walking each tree in step (as the classifier's
    /// `probabilities(batch:)`); the same values as `predict` one by one.
    func predict(batch xs: [[Double]]) -> [Double] {
        GradientBoostedTrees.scores(trees.map { [$0] }, baseline: [baseline], xs) ?? xs.map(predict)
    }

    /// `checkpoint` is called after every round; it throws to stop the fit.
    static func fit(_ x: [[Double]], _ y: [Double], settings: GradientBoostedTrees.Settings = .init(),
                    checkpoint: () throws -> Void = {}) throws -> GradientBoostedRegression {
        let data = BinnedFeatures(x)
        let baseline = y.reduce(0, +) / Double(Swift.max(y.count, 1))
        var predicted = [Double](repeating: baseline, count: y.count)
        var trees: [GradientBoostedTrees.Tree] = []
        for _ in 0..<Swift.max(settings.rounds, 0) {
            let residuals = zip(predicted, y).map { $0 - $1 }
            let (tree, leaves) = HistogramTreeGrower(data: data, gradients: residuals, hessians: nil, settings: settings).grow()
            for (v, members) in leaves { for i in members { predicted[Int(i)] += v } }
            trees.append(tree)
            try checkpoint()
        }
        return GradientBoostedRegression(baseline: baseline, trees: trees)
    }
}
