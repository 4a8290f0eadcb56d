@preconcurrency import COpenBLAS
import Foundation
import Resources
import Tensor

/// The dimension-reduction methods, by their names in the language.
public enum ReductionMethod: String, CaseIterable, Sendable {
    case pca = "PrincipalComponentsAnalysis"
    case lsa = "LatentSemanticAnalysis"
    case tsne = "TSNE"
    case isomap = "Isomap"
    case umap = "UMAP"
    case autoEncoder = "AutoEncoder"
}

/// A linear projection onto k orthonormal directions: principal components (about the mean) or
/// latent semantic analysis (a truncated SVD, about the origin).
public struct LinearReducer: Sendable {
    public let mean: [Double]
    /// k x d, orthonormal rows; each row's largest-magnitude entry is positive (scikit-learn's sign).
    public let components: [[Double]]
    /// The variance of the data along each component (divided by n − 1), or the squared singular values for LSA.
    public let variances: [Double]

    public func reduce(_ x: [Double]) -> [Double] {
        let centered = zip(x, mean).map { $0 - $1 }
        return components.map { dot($0, centered) }
    }

    /// The fewest leading components whose variances add up to `fraction` of the total (at least one).
    public func keeping(_ fraction: Double) -> LinearReducer {
        let total = variances.reduce(0, +)
        var kept = 0.0, m = 0
        for v in variances where total > 0 && kept < fraction * total {
            kept += v
            m += 1
        }
        m = Swift.max(m, 1)
        return LinearReducer(mean: mean, components: Array(components.prefix(m)), variances: Array(variances.prefix(m)))
    }

    public func reconstruct(_ z: [Double]) -> [Double] {
        var out = mean
        for (w, row) in zip(z, components) { for j in out.indices { out[j] += w * row[j] } }
        return out
    }

    /// Principal components analysis (scikit-learn's `PCA`): the top k eigenvectors of the
    /// covariance, from the d x d covariance or, when d > n, the n x n Gram matrix.
    public static func principalComponents(_ x: [[Double]], dimensions k: Int) throws -> LinearReducer {
        let d = x.first?.count ?? 0, n = x.count
        var mean = [Double](repeating: 0, count: d)
        for r in x { for j in 0..<Swift.min(d, r.count) { mean[j] += r[j] } }
        for j in 0..<d { mean[j] /= Double(Swift.max(n, 1)) }
        var centered = [Double]()
        centered.reserveCapacity(n * d)
        for r in x { for j in 0..<d { centered.append((j < r.count ? r[j] : 0) - mean[j]) } }
        let (values, vectors) = try topSingular(centered, n, d, k)
        return LinearReducer(mean: mean, components: vectors, variances: values.map { $0 / Swift.max(Double(n) - 1, 1) })
    }

    /// Latent semantic analysis (scikit-learn's `TruncatedSVD`): the data uncentered.
    public static func latentSemantic(_ x: [[Double]], dimensions k: Int) throws -> LinearReducer {
        let d = x.first?.count ?? 0
        let (values, vectors) = try topSingular(x.flatMap { $0 }, x.count, d, k)
        return LinearReducer(mean: [Double](repeating: 0, count: d), components: vectors, variances: values)
    }

    /// The top k squared singular values of the n x d matrix `flat` (row-major) and its right
    /// singular vectors, with the sign convention: the eigenpairs of XᵀX or, when d > n, of XXᵀ
    /// (one triangle, from `dsyrk`), only the k wanted.
    static func topSingular(_ flat: [Double], _ n: Int, _ d: Int, _ k: Int) throws -> ([Double], [[Double]]) {
        guard n > 0, d > 0, flat.count == n * d else { throw LearnError("data", "there are no examples to reduce") }
        let small = Swift.min(n, d)
        guard let size = ResourcePolicy.count([small, small]), ResourcePolicy.admits(size + n * d, bytesEach: 8) else {
            throw LearnError("nomem", "the \(n) x \(d) data is too large to decompose")
        }
        var gram = [Double](repeating: 0, count: size)
        flat.withUnsafeBufferPointer { a in
            gram.withUnsafeMutableBufferPointer { g in
                if d <= n {
                    cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, Int32(d), Int32(n), 1, a.baseAddress, Int32(d), 0, g.baseAddress, Int32(d))
                } else {
                    cblas_dsyrk(CblasRowMajor, CblasLower, CblasNoTrans, Int32(n), Int32(d), 1, a.baseAddress, Int32(d), 0, g.baseAddress, Int32(n))
                }
            }
        }
        let (values, vectors) = try SymmetricEigen.decompose(gram, small, count: Swift.min(k, small), lower: true)
        var components: [[Double]]
        if d <= n {
            components = vectors
        } else {
            // v = Xᵀu / σ.
            components = zip(values, vectors).map { (value: Double, u: [Double]) -> [Double] in
                let s = value > 0 ? 1 / value.squareRoot() : 0
                var v = [Double](repeating: 0, count: d)
                for i in 0..<n where u[i] != 0 { for j in 0..<d { v[j] += u[i] * flat[i * d + j] * s } }
                return v
            }
        }
        components = components.map(signed)
        return (values.map { Swift.max($0, 0) }, components)
    }

    /// `reduce` of every example at once: (X − mean) Cᵀ by one matrix product.
    public func reduceAll(_ x: [[Double]]) -> [[Double]] {
        let n = x.count, d = mean.count, k = components.count
        guard n > 0, k > 0, x.allSatisfy({ $0.count == d }), components.allSatisfy({ $0.count == d }) else { return x.map(reduce) }
        var centered = [Double]()
        centered.reserveCapacity(n * d)
        for r in x { for j in 0..<d { centered.append(r[j] - mean[j]) } }
        let c = components.flatMap { $0 }
        var out = [Double](repeating: 0, count: n * k)
        centered.withUnsafeBufferPointer { a in
            c.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(k), Int32(d), 1, a.baseAddress, Int32(d),
                                b.baseAddress, Int32(d), 0, o.baseAddress, Int32(k))
                }
            }
        }
        return (0..<n).map { Array(out[($0 * k)..<(($0 + 1) * k)]) }
    }
}

/// The vector with its largest-magnitude entry made positive.
func signed(_ v: [Double]) -> [Double] {
    guard let top = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) }), v[top] < 0 else { return v }
    return v.map { -$0 }
}


/// t-SNE (van der Maaten and Hinton 2008, with scikit-learn's schedule): Gaussian affinities
/// calibrated to the perplexity by bisection, symmetrized; a Student-t embedding initialized by
/// PCA (first coordinate's standard deviation 1e-4) and moved by gradient descent with gains,
/// momentum 0.5 then 0.8, early exaggeration 12 for the first 250 of 1000 rounds, learning rate
/// max(n / 48, 50). Exact (O(n²) memory and time a round) below `barnesHutFrom` examples or
/// beyond two dimensions; otherwise the Barnes–Hut approximation (`BarnesHut`).
public enum TSNE {
    public static func embed(_ x: [[Double]], dimensions k: Int = 2, perplexity: Double = 30, rounds: Int = 1000,
                             interrupt: (_ round: Int?) throws -> Void = { _ in }) throws -> [[Double]] {
        let n = x.count
        guard n >= 2 else { return x.map { _ in [Double](repeating: 0, count: k) } }
        let effective = Swift.min(perplexity, Double(n - 1) / 3)
        let barnesHut = k == 2 && n >= barnesHutFrom
        var dense: [Double] = []
        var sparse = BarnesHut.Affinities(columns: [], values: [])
        if barnesHut {
            sparse = try BarnesHut.affinities(x, perplexity: effective) { try interrupt(nil) }
        } else {
            dense = try affinities(try DistanceMatrix(x, .squaredEuclidean), perplexity: effective) { try interrupt(nil) }
        }
        // PCA initialization.
        let pca = try LinearReducer.principalComponents(x, dimensions: k)
        var y = x.map { r -> [Double] in
            var z = pca.reduce(r)
            while z.count < k { z.append(0) }
            return z
        }
        let first = y.map { $0[0] }, m = first.reduce(0, +) / Double(n)
        let sd = (first.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n)).squareRoot()
        let scale = sd > 0 ? 1e-4 / sd : 1e-4
        y = y.map { $0.map { $0 * scale } }
        var yf = y.flatMap { $0 }
        var update = [Double](repeating: 0, count: n * k), gains = [Double](repeating: 1, count: n * k)
        var grads = [Double](repeating: 0, count: n * k)
        let rate = Swift.max(Double(n) / 48, 50)
        for round in 0..<rounds {
            let exaggeration = round < 250 ? 12.0 : 1
            let momentum = round < 250 ? 0.5 : 0.8
            if barnesHut {
                grads = try BarnesHut.gradient(yf, sparse, exaggeration: exaggeration)
            } else {
                try exactGradient(yf, dense, n, k, exaggeration, into: &grads) { try interrupt(nil) }
            }
            for e in 0..<(n * k) {
                let grad = grads[e]
                gains[e] = (update[e] * grad < 0) ? gains[e] + 0.2 : Swift.max(gains[e] * 0.8, 0.01)
                update[e] = momentum * update[e] - rate * gains[e] * grad
                yf[e] += update[e]
            }
            try interrupt(round)
        }
        return (0..<n).map { Array(yf[($0 * k)..<(($0 + 1) * k)]) }
    }

    /// The exact gradient 4 Σ_j (e p_ij − q_ij) w_ij (y_i − y_j), with w_ij = 1/(1 + ‖y_i − y_j‖²)
    /// and q_ij = w_ij / Z, split into an attractive and a repulsive sum, both gathered in one
    /// pass over the pairs i < j, then combined once Z = Σ w is known.
    static func exactGradient(_ yf: [Double], _ p: [Double], _ n: Int, _ k: Int, _ exaggeration: Double, into grads: inout [Double],
                              interrupt: () throws -> Void) throws {
        var attract = [Double](repeating: 0, count: n * k), repel = [Double](repeating: 0, count: n * k)
        var total = 0.0
        try yf.withUnsafeBufferPointer { y in
            try p.withUnsafeBufferPointer { pp in
                try attract.withUnsafeMutableBufferPointer { at in
                    try repel.withUnsafeMutableBufferPointer { re in
                        for i in 0..<n {
                            if i % 256 == 255 { try interrupt() }
                            for j in (i + 1)..<Swift.max(i + 1, n) {
                                var s = 0.0
                                for a in 0..<k { let t = y[i * k + a] - y[j * k + a]; s += t * t }
                                let w = 1 / (1 + s)
                                total += 2 * w
                                let pw = exaggeration * pp[i * n + j] * w, ww = w * w
                                for a in 0..<k {
                                    let t = y[i * k + a] - y[j * k + a]
                                    at[i * k + a] += pw * t
                                    at[j * k + a] -= pw * t
                                    re[i * k + a] += ww * t
                                    re[j * k + a] -= ww * t
                                }
                            }
                        }
                    }
                }
            }
        }
        for e in 0..<(n * k) { grads[e] = 4 * (attract[e] - repel[e] / total) }
    }

    /// From this many examples on, a 2-d embedding uses the Barnes–Hut approximation.
    public static let barnesHutFrom = 500

    /// Joint probabilities p_ij from squared distances: each row's Gaussian precision found by
    /// bisection so the row's entropy is log(perplexity); (P + Pᵀ) / 2n, at least 1e-12.
    static func affinities(_ d: DistanceMatrix, perplexity: Double, interrupt: () throws -> Void = {}) rethrows -> [Double] {
        let n = d.count, target = log(Swift.max(perplexity, 1.0001))
        var p = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            try interrupt()
            let others = (0..<n).filter { $0 != i }
            for (j, q) in zip(others, calibrated(others.map { d[i, $0] }, target)) { p[i * n + j] = q }
        }
        var joint = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n where i != j { joint[i * n + j] = Swift.max((p[i * n + j] + p[j * n + i]) / Double(2 * n), 1e-12) } }
        return joint
    }

    /// p_j|i for one example from its squared distances to the others: the Gaussian's precision
    /// found by bisection so the entropy is `target` (log perplexity).
    static func calibrated(_ distances: [Double], _ target: Double) -> [Double] {
        var beta = 1.0, lo = 0.0, hi = Double.infinity
        var row = [Double](repeating: 0, count: distances.count)
        for _ in 0..<100 {
            var sum = 0.0, weighted = 0.0
            for (j, d) in distances.enumerated() {
                let e = exp(-d * beta)
                row[j] = e
                sum += e
                weighted += d * e
            }
            sum = Swift.max(sum, 1e-300)
            let entropy = log(sum) + beta * weighted / sum
            for j in row.indices { row[j] /= sum }
            if abs(entropy - target) < 1e-5 { break }
            if entropy > target { lo = beta; beta = hi.isFinite ? (beta + hi) / 2 : beta * 2 } else { hi = beta; beta = (beta + lo) / 2 }
        }
        return row
    }
}

/// Isomap (scikit-learn's `Isomap` with `n_neighbors` neighbours): geodesic distances along the
/// symmetric nearest-neighbour graph, then classical scaling (kernel PCA of −½ G²), which also
/// places new examples through their neighbours' geodesics.
public struct Isomap: Sendable {
    let training: [[Double]]
    let neighbours: Int
    /// Geodesic distances, n x n.
    let geodesics: [Double]
    let vectors: [[Double]]
    let values: [Double]
    /// Column means of −½ G² and their mean: the centring of new rows.
    let columnMeans: [Double]
    let grandMean: Double
    public let embedding: [[Double]]

    /// `shouldStop` is asked between pieces of the work (a row of the neighbour graph, a row of
    /// geodesics); when it says yes the fit stops with an "interrupt" error.
    public init(_ x: [[Double]], dimensions k: Int, neighbours: Int = 5, shouldStop: () -> Bool = { false }) throws {
        let n = x.count
        func checkpoint() throws { if shouldStop() { throw LearnError("interrupt", "Isomap was interrupted") } }
        guard n >= 2 else { throw LearnError("data", "Isomap needs at least two examples") }
        let nb = Swift.min(Swift.max(neighbours, 1), n - 1)
        let d = try DistanceMatrix(x, .euclidean)
        var adjacency = [[(Int, Double)]](repeating: [], count: n)
        for i in 0..<n {
            try checkpoint()
            let near = (0..<n).filter { $0 != i }.sorted { (d[i, $0], $0) < (d[i, $1], $1) }.prefix(nb)
            for j in near {
                adjacency[i].append((j, d[i, j]))
                adjacency[j].append((i, d[i, j]))
            }
        }
        var g = [Double](repeating: 0, count: n * n)
        for s in 0..<n {
            try checkpoint()
            let row = shortestPaths(from: s, adjacency)
            guard row.allSatisfy(\.isFinite) else {
                throw LearnError("graph", "the graph of the \(nb) nearest neighbours is not connected; use more neighbours (\"NeighborsNumber\")")
            }
            for j in 0..<n { g[s * n + j] = row[j] }
        }
        var kernel = g.map { -0.5 * $0 * $0 }
        var means = [Double](repeating: 0, count: n)
        for i in 0..<n { for j in 0..<n { means[j] += kernel[i * n + j] / Double(n) } }
        let grand = means.reduce(0, +) / Double(n)
        for i in 0..<n { for j in 0..<n { kernel[i * n + j] += grand - means[i] - means[j] } }
        let (values, vectors) = try SymmetricEigen.decompose(kernel, n, count: k)
        training = x
        self.neighbours = nb
        geodesics = g
        let unit = vectors.map(signed)
        self.vectors = unit
        self.values = values
        columnMeans = means
        grandMean = grand
        embedding = (0..<n).map { i in zip(unit, values).map { v, l in v[i] * Swift.max(l, 0).squareRoot() } }
    }

    /// A new example's coordinates: its geodesics through its nearest training examples, centred
    /// as the training kernel was, projected on the eigenvectors.
    public func reduce(_ x: [Double]) -> [Double] {
        let n = training.count
        let near = (0..<n).map { ($0, squaredDistance(x, training[$0]).squareRoot()) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(neighbours)
        var row = [Double](repeating: .infinity, count: n)
        for (i, di) in near { for j in 0..<n { row[j] = Swift.min(row[j], di + geodesics[i * n + j]) } }
        let kernel = row.map { -0.5 * $0 * $0 }
        let rowMean = kernel.reduce(0, +) / Double(n)
        let centred = (0..<n).map { kernel[$0] - columnMeans[$0] - rowMean + grandMean }
        return zip(vectors, values).map { v, l in l > 0 ? dot(v, centred) / l.squareRoot() : 0 }
    }
}

/// Dijkstra's shortest distances from `source` along an undirected weighted graph.
func shortestPaths(from source: Int, _ adjacency: [[(Int, Double)]]) -> [Double] {
    var dist = [Double](repeating: .infinity, count: adjacency.count)
    dist[source] = 0
    var heap: [(Double, Int)] = [(0, source)]
    func push(_ e: (Double, Int)) {
        heap.append(e)
        var i = heap.count - 1
        while i > 0, heap[(i - 1) / 2].0 > heap[i].0 { heap.swapAt(i, (i - 1) / 2); i = (i - 1) / 2 }
    }
    func pop() -> (Double, Int)? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count, heap[l].0 < heap[m].0 { m = l }
                if r < heap.count, heap[r].0 < heap[m].0 { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
        return top
    }
    while let (d, u) = pop() {
        guard d <= dist[u] else { continue }
        for (v, w) in adjacency[u] where d + w < dist[v] {
            dist[v] = d + w
            push((d + w, v))
        }
    }
    return dist
}
