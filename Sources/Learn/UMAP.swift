import Foundation
import Tensor

/// UMAP (McInnes, Healy and Melville 2018), as umap-learn does it with its defaults: the fuzzy
/// simplicial set of each example's 15 nearest neighbours (smoothed k-NN distances: ρ the nearest
/// neighbour's distance, σ found by bisection so the memberships add up to log₂ 15), made
/// symmetric by the fuzzy union a + b − ab; an embedding started from the principal components
/// scaled to ±10 (umap-learn's `init="pca"`) and moved by stochastic gradient descent over the
/// edges, each sampled in proportion to its membership, with 5 negative samples an edge and a
/// learning rate falling linearly from 1; the low-dimensional similarity 1 / (1 + a d^2b) with
/// a and b fitted to `minDistance` (0.1) and spread 1. New examples are placed as umap-learn's
/// `transform` does: at their neighbours' membership-weighted mean, then moved with the
/// training embedding held fixed.
public struct UMAP: Sendable {
    public let embedding: [[Double]]
    let training: [[Double]]
    let neighbours: Int
    let a: Double
    let b: Double
    let seed: UInt64

    /// An edge of the fuzzy graph: head, tail and membership.
    struct Edge { var head: Int, tail: Int, weight: Double }

    public init(_ x: [[Double]], dimensions k: Int = 2, neighbours: Int = 15, minDistance: Double = 0.1, seed: UInt64 = 1,
                interrupt: (_ epoch: Int?) throws -> Void = { _ in }) throws {
        let n = x.count
        guard n >= 3 else { throw LearnError("data", "UMAP needs at least three examples") }
        let nb = Swift.min(Swift.max(neighbours, 2), n)
        let near = try NearestSearch.neighbours(x, count: nb - 1).map { $0.map { ($0.index, $0.distance.squareRoot()) } }
        try interrupt(nil)
        // Memberships, symmetrized by the fuzzy union.
        var directed = [[Int: Double]](repeating: [:], count: n)
        for i in 0..<n {
            for (j, w) in UMAP.memberships(near[i].map { $0.1 }, target: log2(Double(nb))).enumerated() { directed[i][near[i][j].0] = w }
        }
        var edges: [Edge] = []
        for i in 0..<n {
            for (j, w) in directed[i] {
                let back = directed[j][i] ?? 0
                if back > 0 && j < i { continue }  // the pair was made from j's side
                let union = w + back - w * back
                edges.append(Edge(head: i, tail: j, weight: union))
                edges.append(Edge(head: j, tail: i, weight: union))
            }
        }
        let epochs = n <= 10_000 ? 500 : 200
        let top = edges.map(\.weight).max() ?? 1
        edges = edges.filter { $0.weight >= top / Double(epochs) }
        edges.sort { ($0.head, $0.tail) < ($1.head, $1.tail) }
        let (a, b) = UMAP.curve(minDistance: minDistance, spread: 1)
        // The start: principal components scaled to ±10, plus a little noise.
        var g = SeededGenerator(seed: seed)
        let pca = try LinearReducer.principalComponents(x, dimensions: Swift.min(k, x[0].count))
        var y = x.map { r -> [Double] in
            var z = pca.reduce(r)
            while z.count < k { z.append(0) }
            return z
        }
        let extent = y.flatMap { $0 }.map(abs).max() ?? 1
        y = y.map { $0.map { 10 * $0 / Swift.max(extent, 1e-12) + 1e-4 * g.normal() } }
        var flat = y.flatMap { $0 }
        try UMAP.optimize(&flat, k, reference: nil, edges, epochs: epochs, a: a, b: b, generator: &g, interrupt: interrupt)
        embedding = (0..<n).map { Array(flat[($0 * k)..<(($0 + 1) * k)]) }
        training = x
        self.neighbours = nb
        self.a = a
        self.b = b
        self.seed = seed
    }

    /// A new example's coordinates: its nearest training examples' membership-weighted mean
    /// position, then 100 epochs of the same descent against the fixed training embedding.
    public func reduce(_ x: [Double]) -> [Double] {
        let k = embedding.first?.count ?? 0
        let near = training.indices.map { ($0, squaredDistance(training[$0], x).squareRoot()) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(neighbours)
        let w = UMAP.memberships(near.map { $0.1 }, target: log2(Double(neighbours)))
        var start = [Double](repeating: 0, count: k)
        let total = Swift.max(w.reduce(0, +), 1e-300)
        for ((i, _), wi) in zip(near, w) { for a in 0..<k { start[a] += wi * embedding[i][a] / total } }
        let top = w.max() ?? 1
        let edges = zip(near, w).filter { $0.1 >= top / 100 }.map { Edge(head: 0, tail: $0.0.0, weight: $0.1) }
        var g = SeededGenerator(seed: seed)
        UMAP.optimize(&start, k, reference: embedding.flatMap { $0 }, edges, epochs: 100, a: a, b: b, generator: &g) { _ in }
        return start
    }

    /// Memberships exp(−max(0, d − ρ) / σ) of an example's neighbours at distances d (ascending),
    /// ρ the first positive distance and σ by bisection so they add up to `target`.
    static func memberships(_ d: [Double], target: Double) -> [Double] {
        let rho = d.first { $0 > 0 } ?? 0
        var lo = 0.0, hi = Double.infinity, sigma = 1.0
        for _ in 0..<64 {
            let total = d.reduce(0) { $0 + ($1 - rho > 0 ? exp(-($1 - rho) / sigma) : 1) }
            if abs(total - target) < 1e-5 { break }
            if total > target { hi = sigma; sigma = (lo + hi) / 2 } else { lo = sigma; sigma = hi.isFinite ? (lo + hi) / 2 : sigma * 2 }
        }
        let mean = d.reduce(0, +) / Double(Swift.max(d.count, 1))
        sigma = Swift.max(sigma, 1e-3 * mean, 1e-300)
        return d.map { $0 - rho > 0 ? exp(-($0 - rho) / sigma) : 1 }
    }

    /// a and b of 1 / (1 + a x^2b) fitted by least squares to 1 below `minDistance` and
    /// exp(−(x − minDistance) / spread) above, on 300 points of [0, 3 spread] (umap-learn's find_ab_params).
    static func curve(minDistance: Double, spread: Double) -> (Double, Double) {
        let xs = (0..<300).map { 3 * spread * Double($0) / 299 }
        let target = xs.map { $0 < minDistance ? 1 : exp(-($0 - minDistance) / spread) }
        let loss: Optimization.Function = { t in
            let a = exp(t[0]), b = exp(t[1])
            return zip(xs, target).reduce(0) { acc, p in
                let f = 1 / (1 + a * pow(p.0, 2 * b))
                return acc + (f - p.1) * (f - p.1)
            }
        }
        guard let r = try? Optimization.bfgs(loss, from: [0, 0], maxIterations: 200) else { return (1.577, 0.895) }
        return (exp(r.point[0]), exp(r.point[1]))
    }

    /// Stochastic gradient descent on the flat positions y (k coordinates each) over the edges,
    /// umap-learn's `optimize_layout_euclidean`. With a `reference`, heads move in y and tails and
    /// negative samples are read from the fixed reference.
    static func optimize(_ y: inout [Double], _ k: Int, reference: [Double]?, _ edges: [Edge], epochs: Int, a: Double, b: Double,
                         generator g: inout SeededGenerator, interrupt: (_ epoch: Int?) throws -> Void = { _ in }) rethrows {
        guard let top = edges.map(\.weight).max(), top > 0 else { return }
        let perSample = edges.map { top / $0.weight }, perNegative = perSample.map { $0 / 5 }
        var nextSample = perSample, nextNegative = perNegative
        let others = (reference?.count ?? y.count) / Swift.max(k, 1)
        let clip = { (v: Double) in Swift.min(Swift.max(v, -4), 4) }
        var current = [Double](repeating: 0, count: k)
        for epoch in 0..<epochs {
            let alpha = 1 - Double(epoch) / Double(epochs)
            for (e, edge) in edges.enumerated() where nextSample[e] <= Double(epoch) {
                let h = edge.head * k, t = edge.tail * k
                for d in 0..<k { current[d] = y[h + d] }
                var d2 = 0.0
                for d in 0..<k { let v = current[d] - (reference?[t + d] ?? y[t + d]); d2 += v * v }
                let attract = d2 > 0 ? -2 * a * b * pow(d2, b - 1) / (a * pow(d2, b) + 1) : 0
                for d in 0..<k {
                    let step = clip(attract * (current[d] - (reference?[t + d] ?? y[t + d]))) * alpha
                    current[d] += step
                    if reference == nil { y[t + d] -= step }
                }
                nextSample[e] += perSample[e]
                let negatives = Int((Double(epoch) - nextNegative[e]) / perNegative[e])
                for _ in 0..<Swift.max(negatives, 0) {
                    let other = Int(g.next() % UInt64(others)) * k
                    if reference == nil && other == h { continue }
                    var s2 = 0.0
                    for d in 0..<k { let v = current[d] - (reference?[other + d] ?? y[other + d]); s2 += v * v }
                    let repel = s2 > 0 ? 2 * b / ((0.001 + s2) * (a * pow(s2, b) + 1)) : 0
                    for d in 0..<k {
                        let step = repel > 0 ? clip(repel * (current[d] - (reference?[other + d] ?? y[other + d]))) : 4
                        current[d] += step * alpha
                    }
                }
                nextNegative[e] += Double(Swift.max(negatives, 0)) * perNegative[e]
                for d in 0..<k { y[h + d] = current[d] }
            }
            try interrupt(epoch)
        }
    }
}

/// Embedding quality (scikit-learn's `trustworthiness`): 1 − 2 / (n k (2n − 3k − 1)) Σ_i Σ_j
/// max(0, r(i, j) − k) over the k nearest neighbours j of i in the embedding, r(i, j) being j's
/// rank among i's neighbours in the original space. 1 when every embedded neighbourhood was one
/// before.
public func trustworthiness(_ x: [[Double]], _ y: [[Double]], neighbours k: Int = 5) -> Double {
    let n = x.count
    guard n == y.count, n > 2 * k + 1, k >= 1 else { return .nan }
    var total = 0.0
    for i in 0..<n {
        let original = (0..<n).filter { $0 != i }.sorted { (squaredDistance(x[i], x[$0]), $0) < (squaredDistance(x[i], x[$1]), $1) }
        var rank = [Int](repeating: 0, count: n)
        for (r, j) in original.enumerated() { rank[j] = r + 1 }
        let embedded = (0..<n).filter { $0 != i }.sorted { (squaredDistance(y[i], y[$0]), $0) < (squaredDistance(y[i], y[$1]), $1) }.prefix(k)
        for j in embedded { total += Double(Swift.max(0, rank[j] - k)) }
    }
    return 1 - total * 2 / (Double(n) * Double(k) * (2 * Double(n) - 3 * Double(k) - 1))
}
