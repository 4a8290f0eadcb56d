@preconcurrency import COpenBLAS
import Foundation
import Tensor

/// The clustering methods, by their names in the language.
public enum ClusterMethod: String, CaseIterable, Sendable {
    case kMeans = "KMeans"
    case kMedoids = "KMedoids"
    case gaussianMixture = "GaussianMixture"
    case dbscan = "DBSCAN"
    case agglomerate = "Agglomerate"
}

/// How agglomerative clustering measures the distance between two clusters.
public enum Linkage: String, CaseIterable, Sendable {
    case single = "Single", complete = "Complete", average = "Average", ward = "Ward"
}

/// A partition of the examples: a cluster index per example, clusters numbered 0, 1, ... in the
/// order of their first example; `centers` for the methods that have them (k-means, Gaussian
/// mixture: the means), `medoids` (example indices) for k-medoids.
public struct Clusters: Sendable {
    public var labels: [Int]
    public var count: Int
    public var centers: [[Double]]?
    public var medoids: [Int]?
    public var mixture: GaussianMixture?

    /// Renumbers the clusters by first appearance, keeping centers and medoids in step.
    public init(labels raw: [Int], centers: [[Double]]? = nil, medoids: [Int]? = nil, mixture: GaussianMixture? = nil) {
        var order: [Int: Int] = [:]
        for l in raw where l >= 0 && order[l] == nil { order[l] = order.count }
        labels = raw.map { $0 >= 0 ? order[$0] ?? -1 : -1 }
        count = order.count
        let inverse = order.sorted { $0.value < $1.value }.map(\.key)
        self.centers = centers.map { c in inverse.map { c[$0] } }
        self.medoids = medoids.map { m in inverse.map { m[$0] } }
        self.mixture = mixture.map { $0.reordered(inverse) }
    }
}

/// Clustering algorithms over feature vectors (k-means, Gaussian mixture) or over a matrix of
/// distances (k-medoids, DBSCAN, agglomeration, the silhouette).
public enum Clustering {
    // MARK: k-means

    /// The examples of a k-means run as one row-major matrix with their squared norms, and the
    /// convergence threshold: `tolerance` times the mean feature variance. Made once and shared
    /// by every restart.
    struct KMeansData: Sendable {
        let flat: [Double]
        let norms: [Double]
        let n: Int, d: Int
        let threshold: Double

        init(_ x: [[Double]], tolerance: Double) {
            n = x.count
            d = x.first?.count ?? 0
            var flat = [Double]()
            flat.reserveCapacity(n * d)
            for v in x { flat.append(contentsOf: v.count == d ? v : [Double](repeating: 0, count: d)) }
            var norms = [Double](repeating: 0, count: n), means = [Double](repeating: 0, count: d), squares = [Double](repeating: 0, count: d)
            for i in 0..<n {
                var s = 0.0
                for j in 0..<d { let v = flat[i * d + j]; s += v * v; means[j] += v }
                norms[i] = s
            }
            let count = Double(Swift.max(n, 1))
            for j in 0..<d { means[j] /= count }
            for i in 0..<n { for j in 0..<d { let e = flat[i * d + j] - means[j]; squares[j] += e * e } }
            self.flat = flat
            self.norms = norms
            threshold = d > 0 ? tolerance * squares.reduce(0) { $0 + $1 / count } / Double(d) : 0
        }
    }

    /// Examples a pass of Lloyd's iterations takes at a time: their products with the centers
    /// (one GEMM), nearest centers and sums stay in cache.
    static let kMeansChunk = 256

    /// Lloyd's iterations from given centers, as scikit-learn's `KMeans(init=centers, n_init=1)`:
    /// assign every example to its nearest center, move each center to its examples' mean (an
    /// empty cluster keeps its center), until no example changes cluster or the centers move less
    /// than `tolerance` times the mean feature variance (squared shift summed), or 300 rounds.
    public static func kMeans(_ x: [[Double]], from initial: [[Double]], tolerance: Double = 1e-4, rounds: Int = 300) -> (clusters: Clusters, inertia: Double) {
        let n = x.count, d = x.first?.count ?? 0, k = initial.count
        guard n > 0, d > 0, k > 0, initial.allSatisfy({ $0.count == d }) else { return (Clusters(labels: [Int](repeating: 0, count: n)), 0) }
        return lloyd(KMeansData(x, tolerance: tolerance), from: initial.flatMap { $0 }, rounds: rounds)
    }

    /// Lloyd's iterations on prepared data from k centers (row-major). Each round is one pass over
    /// the examples, a chunk at a time: the products with the centers from one GEMM, each
    /// example's nearest center by ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖², and its share of the new
    /// centers' sums. The labels are those of the final centers, the inertia the exact sum of
    /// squared distances to them.
    /// `stopped` is asked before every round; when it says so the iterations end early (the
    /// caller, which knows why, throws).
    static func lloyd(_ data: KMeansData, from initial: [Double], rounds: Int, stopped: @Sendable () -> Bool = { false }) -> (clusters: Clusters, inertia: Double) {
        let n = data.n, d = data.d, k = initial.count / Swift.max(d, 1)
        var centers = initial
        var labels = [Int](repeating: -1, count: n)
        let chunk = Swift.min(kMeansChunk, n)
        var products = [Double](repeating: 0, count: chunk * k)
        var sums = [Double](repeating: 0, count: k * d), counts = [Int](repeating: 0, count: k)
        var centerNorms = [Double](repeating: 0, count: k)
        /// One pass: labels from the current centers (and, when `summing`, the sums and counts of
        /// the examples in each cluster); gives how many labels changed.
        func assign(summing: Bool) -> Int {
            for c in 0..<k {
                var s = 0.0
                for j in 0..<d { s += centers[c * d + j] * centers[c * d + j] }
                centerNorms[c] = s
            }
            if summing {
                for i in sums.indices { sums[i] = 0 }
                for c in 0..<k { counts[c] = 0 }
            }
            var changed = 0
            data.flat.withUnsafeBufferPointer { x in
                centers.withUnsafeBufferPointer { cp in
                    products.withUnsafeMutableBufferPointer { p in
                        sums.withUnsafeMutableBufferPointer { sums in
                            for first in stride(from: 0, to: n, by: chunk) {
                                let m = Swift.min(chunk, n - first)
                                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(k), Int32(d), 1, x.baseAddress.map { $0 + first * d },
                                            Int32(d), cp.baseAddress, Int32(d), 0, p.baseAddress, Int32(k))
                                for r in 0..<m {
                                    let i = first + r
                                    var best = 0, bestDistance = Double.infinity
                                    for c in 0..<k {
                                        let dist = data.norms[i] - 2 * p[r * k + c] + centerNorms[c]
                                        if dist < bestDistance { best = c; bestDistance = dist }
                                    }
                                    if labels[i] != best { changed += 1; labels[i] = best }
                                    if summing {
                                        counts[best] += 1
                                        let row = i * d, to = best * d
                                        for j in 0..<d { sums[to + j] += x[row + j] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return changed
        }
        var settled = false
        for _ in 0..<Swift.max(rounds, 1) {
            if stopped() { break }
            if assign(summing: true) == 0 {
                // No example moved: the centers are their clusters' means already.
                settled = true
                break
            }
            var shift = 0.0
            for c in 0..<k where counts[c] > 0 {
                for j in 0..<d {
                    let moved = sums[c * d + j] / Double(counts[c])
                    shift += (moved - centers[c * d + j]) * (moved - centers[c * d + j])
                    centers[c * d + j] = moved
                }
            }
            if shift <= data.threshold { break }
        }
        if !settled { _ = assign(summing: false) }
        var inertia = 0.0
        for i in 0..<n {
            let row = i * d, at = labels[i] * d
            for j in 0..<d { let e = data.flat[row + j] - centers[at + j]; inertia += e * e }
        }
        let finalCenters = (0..<k).map { Array(centers[($0 * d)..<(($0 + 1) * d)]) }
        return (Clusters(labels: labels, centers: finalCenters), inertia)
    }

    /// k-means++ seeding: the first center uniformly, each next one with probability proportional
    /// to the squared distance to the nearest center so far.
    public static func kMeansPlusPlus(_ x: [[Double]], _ k: Int, _ g: inout SeededGenerator) -> [[Double]] {
        guard let d = x.first?.count, d > 0, x.allSatisfy({ $0.count == d }) else { return x.isEmpty ? [] : [x[Int(g.next() % UInt64(x.count))]] }
        let data = KMeansData(x, tolerance: 0)
        return plusPlus(data, k, &g).map { Array(data.flat[($0 * d)..<(($0 + 1) * d)]) }
    }

    /// The examples k-means++ picks as centers (at most n). A new center's squared distance to
    /// every example comes from one matrix-vector product, ‖x‖² − 2 x·c + ‖c‖².
    static func plusPlus(_ data: KMeansData, _ k: Int, _ g: inout SeededGenerator) -> [Int] {
        let n = data.n, d = data.d
        guard n > 0 else { return [] }
        var picks = [Int(g.next() % UInt64(n))]
        var closest = [Double](repeating: .infinity, count: n), products = [Double](repeating: 0, count: n)
        func admit(_ pick: Int) {
            data.flat.withUnsafeBufferPointer { x in
                products.withUnsafeMutableBufferPointer { p in
                    cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(d), 1, x.baseAddress, Int32(d), x.baseAddress.map { $0 + pick * d }, 1, 0, p.baseAddress, 1)
                }
            }
            let own = data.norms[pick]
            for i in 0..<n { closest[i] = Swift.min(closest[i], Swift.max(data.norms[i] - 2 * products[i] + own, 0)) }
            closest[pick] = 0
        }
        admit(picks[0])
        while picks.count < Swift.min(k, n) {
            let total = closest.reduce(0, +)
            var pick = 0
            if total > 0 {
                var r = g.unit() * total
                for (i, w) in closest.enumerated() {
                    r -= w
                    if r < 0 { pick = i; break }
                    pick = i
                }
            } else {
                pick = Int(g.next() % UInt64(n))
            }
            picks.append(pick)
            admit(pick)
        }
        return picks
    }

    /// k-means from `restarts` k-means++ seedings, keeping the partition of least inertia (the
    /// earliest on a tie). The seedings are drawn in turn; the runs from them go on every core.
    /// `stopped` is asked between seedings and before every round (see `lloyd`).
    public static func kMeans(_ x: [[Double]], clusters k: Int, restarts: Int = 10, seed: UInt64, stopped: @escaping @Sendable () -> Bool = { false }) -> Clusters {
        guard let d = x.first?.count, d > 0, k > 0, x.allSatisfy({ $0.count == d }) else { return Clusters(labels: [Int](repeating: 0, count: x.count)) }
        let data = KMeansData(x, tolerance: 1e-4)
        var g = SeededGenerator(seed: seed)
        let starts = (0..<Swift.max(restarts, 1)).map { _ in
            var initial = [Double]()
            if stopped() { return Array(data.flat.prefix(k * d)) }
            for p in plusPlus(data, k, &g) { initial.append(contentsOf: data.flat[(p * d)..<((p + 1) * d)]) }
            return initial
        }
        let run = { @Sendable (r: Int) in lloyd(data, from: starts[r], rounds: 300, stopped: stopped) }
        let runs = (try? parallelMap(starts.count, run)) ?? starts.indices.map(run)
        var best: (clusters: Clusters, inertia: Double)?
        for run in runs where best == nil || run.inertia < best?.inertia ?? .infinity { best = run }
        return best?.clusters ?? Clusters(labels: [])
    }

    // MARK: k-medoids

    /// k-medoids by alternation (assign to the nearest medoid; make each cluster's medoid the
    /// member with the least total distance to the others) from k-means++-style seedings on the
    /// distances, keeping the partition of least total distance. `checkpoint` is called for
    /// every medoid updated and throws to stop.
    public static func kMedoids(_ dist: DistanceMatrix, clusters k: Int, restarts: Int = 5, seed: UInt64,
                                checkpoint: () throws -> Void = {}) rethrows -> Clusters {
        let n = dist.count
        guard n > 0 else { return Clusters(labels: []) }
        var g = SeededGenerator(seed: seed)
        var best: (labels: [Int], medoids: [Int], cost: Double)?
        for _ in 0..<Swift.max(restarts, 1) {
            var medoids = [Int(g.next() % UInt64(n))]
            while medoids.count < Swift.min(k, n) {
                let weights = (0..<n).map { i in medoids.map { dist[i, $0] }.min() ?? 0 }.map { $0 * $0 }
                let total = weights.reduce(0, +)
                var pick = (0..<n).first { !medoids.contains($0) } ?? 0
                if total > 0 {
                    var r = g.unit() * total
                    for (i, w) in weights.enumerated() where w > 0 { r -= w; pick = i; if r < 0 { break } }
                }
                medoids.append(pick)
            }
            var labels = [Int](repeating: 0, count: n)
            for _ in 0..<100 {
                for i in 0..<n { labels[i] = medoids.indices.min { dist[i, medoids[$0]] < dist[i, medoids[$1]] } ?? 0 }
                var changed = false
                for c in medoids.indices {
                    try checkpoint()
                    let members = (0..<n).filter { labels[$0] == c }
                    guard let m = members.min(by: { a, b in
                        members.reduce(0) { $0 + dist[a, $1] } < members.reduce(0) { $0 + dist[b, $1] }
                    }) else { continue }
                    if m != medoids[c] { medoids[c] = m; changed = true }
                }
                if !changed { break }
            }
            for i in 0..<n { labels[i] = medoids.indices.min { dist[i, medoids[$0]] < dist[i, medoids[$1]] } ?? 0 }
            let cost = (0..<n).reduce(0) { $0 + dist[$1, medoids[labels[$1]]] }
            if best == nil || cost < best?.cost ?? .infinity { best = (labels, medoids, cost) }
        }
        return Clusters(labels: best?.labels ?? [], medoids: best?.medoids)
    }

    // MARK: DBSCAN

    /// DBSCAN as scikit-learn has it: a core example has at least `minimum` examples (itself
    /// included) within `radius`; clusters are the core examples joined through neighbourhoods
    /// with the examples they reach; the rest is noise (label −1). `checkpoint` is called for
    /// every example's neighbourhood and throws to stop.
    public static func dbscan(_ dist: DistanceMatrix, radius: Double, minimum: Int,
                              checkpoint: () throws -> Void = {}) rethrows -> Clusters {
        let n = dist.count
        let neighbours = try (0..<n).map { i in
            try checkpoint()
            return (0..<n).filter { dist[i, $0] <= radius }
        }
        let core = neighbours.map { $0.count >= minimum }
        var labels = [Int](repeating: -1, count: n)
        var cluster = 0
        for start in 0..<n where core[start] && labels[start] < 0 {
            labels[start] = cluster
            var stack = [start]
            while let i = stack.popLast() {
                guard core[i] else { continue }
                for j in neighbours[i] where labels[j] < 0 {
                    labels[j] = cluster
                    stack.append(j)
                }
            }
            cluster += 1
        }
        return Clusters(labels: labels)
    }

    /// A neighbourhood radius for DBSCAN: the knee of the sorted distances of every example to its
    /// `minimum`-th nearest neighbour (the point of that curve farthest below its chord).
    public static func dbscanRadius(_ dist: DistanceMatrix, minimum: Int, checkpoint: () throws -> Void = {}) rethrows -> Double {
        let n = dist.count
        guard n > 1 else { return 1 }
        let k = Swift.min(Swift.max(minimum - 1, 1), n - 1)
        let curve = try (0..<n).map { i in
            try checkpoint()
            return (0..<n).map { dist[i, $0] }.sorted()[k]
        }.sorted()
        // A hair above the knee: distances that are equal in exact arithmetic (evenly spaced
        // data, standardized) differ in their last bits and must all count as within it.
        guard let first = curve.first, let last = curve.last, last > first else { return Swift.max(curve.last ?? 1, 1e-12) * (1 + 1e-9) }
        var knee = curve[n / 2], gap = -Double.infinity
        for (i, v) in curve.enumerated() {
            let chord = first + (last - first) * Double(i) / Double(n - 1)
            if chord - v > gap { gap = chord - v; knee = v }
        }
        return knee * (1 + 1e-9)
    }

    // MARK: agglomeration

    /// Agglomerative clustering merged down to `k` clusters with the Lance–Williams updates of the
    /// linkage (Ward's on squared distances), keeping each cluster's nearest neighbour so a merge
    /// usually costs O(n). `checkpoint` is called before every merge and throws to stop.
    public static func agglomerate(_ dist: DistanceMatrix, clusters k: Int, linkage: Linkage,
                                   checkpoint: () throws -> Void = {}) rethrows -> Clusters {
        let n = dist.count
        guard n > 0 else { return Clusters(labels: []) }
        var d = dist.values
        if linkage == .ward { d = d.map { $0 * $0 } }
        var size = [Int](repeating: 1, count: n), active = [Bool](repeating: true, count: n)
        var members = (0..<n).map { [$0] }
        var nearest = [Int](repeating: -1, count: n), nearestDistance = [Double](repeating: .infinity, count: n)
        func refresh(_ i: Int) {
            nearest[i] = -1
            nearestDistance[i] = .infinity
            for j in 0..<n where j != i && active[j] && d[i * n + j] < nearestDistance[i] {
                nearest[i] = j
                nearestDistance[i] = d[i * n + j]
            }
        }
        for i in 0..<n {
            if i % 256 == 0 { try checkpoint() }
            refresh(i)
        }
        var clusters = n
        while clusters > Swift.max(k, 1) {
            try checkpoint()
            guard let a = (0..<n).filter({ active[$0] && nearest[$0] >= 0 }).min(by: { nearestDistance[$0] < nearestDistance[$1] }) else { break }
            let b = nearest[a]
            let dab = d[a * n + b]
            for m in 0..<n where active[m] && m != a && m != b {
                let da = d[a * n + m], db = d[b * n + m]
                let na = Double(size[a]), nb = Double(size[b]), nm = Double(size[m])
                let merged: Double
                switch linkage {
                case .single: merged = Swift.min(da, db)
                case .complete: merged = Swift.max(da, db)
                case .average: merged = (na * da + nb * db) / (na + nb)
                case .ward: merged = ((na + nm) * da + (nb + nm) * db - nm * dab) / (na + nb + nm)
                }
                d[a * n + m] = merged
                d[m * n + a] = merged
            }
            active[b] = false
            size[a] += size[b]
            members[a] += members[b]
            members[b] = []
            clusters -= 1
            refresh(a)
            for m in 0..<n where active[m] && m != a {
                if nearest[m] == a || nearest[m] == b { refresh(m) } else if d[m * n + a] < nearestDistance[m] {
                    nearest[m] = a
                    nearestDistance[m] = d[m * n + a]
                }
            }
        }
        var labels = [Int](repeating: 0, count: n)
        for (c, group) in members.enumerated() { for i in group { labels[i] = c } }
        return Clusters(labels: labels)
    }

    // MARK: choosing the number of clusters

    /// The mean silhouette of a partition (scikit-learn's `silhouette_score`): for each example,
    /// (b − a) / max(a, b) with a its mean distance to its own cluster and b the least mean
    /// distance to another; 0 for examples alone in their cluster. Nil for fewer than 2 clusters.
    public static func silhouette(_ dist: DistanceMatrix, _ labels: [Int]) -> Double? {
        let k = (labels.max() ?? -1) + 1
        guard k >= 2 else { return nil }
        var sizes = [Int](repeating: 0, count: k)
        for l in labels where l >= 0 { sizes[l] += 1 }
        var total = 0.0, counted = 0
        for i in labels.indices where labels[i] >= 0 {
            var sums = [Double](repeating: 0, count: k)
            for j in labels.indices where labels[j] >= 0 { sums[labels[j]] += dist[i, j] }
            counted += 1
            let own = labels[i]
            guard sizes[own] > 1 else { continue }
            let a = sums[own] / Double(sizes[own] - 1)
            let b = (0..<k).filter { $0 != own && sizes[$0] > 0 }.map { sums[$0] / Double(sizes[$0]) }.min() ?? a
            total += Swift.max(a, b) > 0 ? (b - a) / Swift.max(a, b) : 0
        }
        return counted > 0 ? total / Double(counted) : nil
    }

    /// The partition of highest silhouette among those `partition(k)` makes for k = 2 ... `most`,
    /// the silhouette taken over the examples `sample` (all when nil), whose distances `dist` holds.
    public static func bestBySilhouette(_ dist: DistanceMatrix, most: Int, sample: [Int]? = nil, _ partition: (Int) throws -> Clusters) rethrows -> Clusters {
        try best(most: Swift.min(most, dist.count - 1), partition) { p in silhouette(dist, sample.map { $0.map { p.labels[$0] } } ?? p.labels) }
    }

    /// The partition of highest score among those `partition(k)` makes for k = 2 ... `most`.
    public static func best(most: Int, _ partition: (Int) throws -> Clusters, score: (Clusters) -> Double?) rethrows -> Clusters {
        var best: (Clusters, Double)?
        for k in 2...Swift.max(2, most) {
            let p = try partition(k)
            let s = score(p) ?? -.infinity
            if best == nil || s > best?.1 ?? .infinity { best = (p, s) }
        }
        return best?.0 ?? Clusters(labels: [])
    }

    /// The Calinski–Harabasz index (scikit-learn's `calinski_harabasz_score`): between-cluster
    /// over within-cluster dispersion, each per degree of freedom; higher is better.
    public static func calinskiHarabasz(_ x: [[Double]], _ labels: [Int]) -> Double? {
        let (centers, sizes) = centroids(x, labels)
        let k = centers.count, n = x.count
        guard k >= 2, n > k, let d = x.first?.count else { return nil }
        var mean = [Double](repeating: 0, count: d)
        for v in x { for j in 0..<d { mean[j] += v[j] / Double(n) } }
        let between = centers.indices.reduce(0) { $0 + Double(sizes[$1]) * squaredDistance(centers[$1], mean) }
        let within = x.indices.reduce(0) { labels[$1] >= 0 ? $0 + squaredDistance(x[$1], centers[labels[$1]]) : $0 }
        return within == 0 ? 1 : between * Double(n - k) / (within * Double(k - 1))
    }

    /// The Davies–Bouldin index (scikit-learn's `davies_bouldin_score`): the mean over clusters of
    /// the largest (s_i + s_j) / ‖c_i − c_j‖, s the mean distance to the centroid; lower is better.
    public static func daviesBouldin(_ x: [[Double]], _ labels: [Int]) -> Double? {
        let (centers, sizes) = centroids(x, labels)
        let k = centers.count
        guard k >= 2 else { return nil }
        var spread = [Double](repeating: 0, count: k)
        for (i, v) in x.enumerated() where labels[i] >= 0 { spread[labels[i]] += squaredDistance(v, centers[labels[i]]).squareRoot() / Double(sizes[labels[i]]) }
        var total = 0.0
        for a in 0..<k {
            var worst = 0.0
            for b in 0..<k where b != a {
                let gap = squaredDistance(centers[a], centers[b]).squareRoot()
                worst = Swift.max(worst, gap > 0 ? (spread[a] + spread[b]) / gap : 0)
            }
            total += worst
        }
        return total / Double(k)
    }

    /// Cluster means and sizes of labels 0 ..< k (noise, −1, left out).
    static func centroids(_ x: [[Double]], _ labels: [Int]) -> (centers: [[Double]], sizes: [Int]) {
        let k = (labels.max() ?? -1) + 1, d = x.first?.count ?? 0
        var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: k), sizes = [Int](repeating: 0, count: k)
        for (i, v) in x.enumerated() where labels[i] >= 0 {
            sizes[labels[i]] += 1
            for j in 0..<d { sums[labels[i]][j] += v[j] }
        }
        return (zip(sums, sizes).map { s, n in s.map { $0 / Double(Swift.max(n, 1)) } }, sizes)
    }

    /// The adjusted Rand index of two labelings of the same examples (scikit-learn's
    /// `adjusted_rand_score`): 1 for the same partition, about 0 for chance agreement.
    public static func adjustedRandIndex(_ a: [Int], _ b: [Int]) -> Double {
        var table: [[Int]: Int] = [:], rows: [Int: Int] = [:], columns: [Int: Int] = [:]
        for (x, y) in zip(a, b) {
            table[[x, y], default: 0] += 1
            rows[x, default: 0] += 1
            columns[y, default: 0] += 1
        }
        func pairs(_ n: Int) -> Double { Double(n) * Double(n - 1) / 2 }
        let index = table.values.reduce(0) { $0 + pairs($1) }
        let r = rows.values.reduce(0) { $0 + pairs($1) }, c = columns.values.reduce(0) { $0 + pairs($1) }
        let total = pairs(Swift.min(a.count, b.count))
        let expected = total > 0 ? r * c / total : 0, top = (r + c) / 2
        return top == expected ? 1 : (index - expected) / (top - expected)
    }
}
