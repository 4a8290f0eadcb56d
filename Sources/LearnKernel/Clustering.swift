import CoreKernel
import Foundation
import Language
import Learn
import Nets
import NetsKernel
import Randomness

/// A clustering of data: the method, the element space, and how new elements are assigned.
final class ClusteringModel {
    let method: ClusterMethod
    let space: ElementSpace
    /// The vectors the method saw (standardized when the distance was Automatic), or nil.
    let vectors: [[Double]]?
    let standardizer: Standardizer?
    let clusters: Clusters
    /// The distance over which a soft assignment falls by a factor e.
    let scale: Double
    /// The FeatureExtractor (or the image features) and the raw training examples, when there is one.
    var extractor: FeaturePipeline?
    var rawExamples: [Expr] = []

    init(method: ClusterMethod, space: ElementSpace, vectors: [[Double]]?, standardizer: Standardizer?, clusters: Clusters, scale: Double) {
        self.scale = scale
        self.method = method
        self.space = space
        self.vectors = vectors
        self.standardizer = standardizer
        self.clusters = clusters
    }

    /// Each cluster's probability for a new element: the Gaussian mixture's posterior; otherwise
    /// exp(−d_c / s) normalized, with d_c the distance to the cluster's center, medoid or nearest
    /// member and s the mean distance of a training example to its nearest fellow member.
    func probabilities(_ raw: Expr, _ c: Call) throws -> [Double] {
        let x = try extractor?.extractedOne(raw, c) ?? raw
        let k = clusters.count
        guard k > 0 else { return [] }
        var d = [Double](repeating: .infinity, count: k)
        if let vectors, let raw = FeaturePipeline.numeric(x), raw.count == vectors.first?.count {
            let v = standardizer?.apply(raw) ?? raw
            if let mixture = clusters.mixture { return mixture.responsibilities(v) }
            if let centers = clusters.centers {
                d = centers.map { squaredDistance($0, v).squareRoot() }
                return soft(d)
            }
        }
        let all = try space.distances(to: x, c)
        if let medoids = clusters.medoids {
            d = medoids.map { all[$0] }
        } else {
            for (i, l) in clusters.labels.enumerated() where l >= 0 { d[l] = Swift.min(d[l], all[i]) }
        }
        return soft(d)
    }

    private func soft(_ d: [Double]) -> [Double] {
        let w = d.map { exp(-($0 - (d.min() ?? 0)) / scale) }
        let t = w.reduce(0, +)
        return w.map { $0 / t }
    }
}

/// `ClusterClassify[data]`: a classifier whose classes are the clusters 1, 2, ...
final class ClusterClassifierValue: NativeValue, CallableValue {
    let model: ClusteringModel

    init(_ model: ClusteringModel) { self.model = model }

    var headName: String { "ClassifierFunction" }
    var summary: String { "ClassifierFunction[<\(model.method.rawValue), \(model.clusters.count) clusters>]" }

    /// `c[x]`, `c[{x...}]`, `c[x, "Probabilities" | "Decision" | "TopProbabilities"]`.
    func apply(_ c: Call) throws -> Expr? {
        guard c.count == 1 || c.count == 2 else { return nil }
        return netOperation(c) {
            let x = c[0]
            let single = model.extractor == nil ? model.space.isElement(x) : FeaturePipeline.isSingle(x, like: model.rawExamples)
            let xs = single ? [x] : (x.listItems ?? [x])
            let out = try xs.map { e -> Expr in
                let p = try model.probabilities(e, c)
                let best = (p.indices.max { p[$0] < p[$1] } ?? 0) + 1
                switch c.count == 2 ? c[1].asString : "Decision" {
                case "Decision": return .integer(best)
                case "Probabilities": return .association(.init(uniqueKeysWithValues: p.enumerated().map { (.integer($0.offset + 1), .real($0.element)) }))
                case "TopProbabilities":
                    return .list(p.enumerated().filter { $0.element >= 0.1 }.sorted { $0.element > $1.element }.map { .rule(.integer($0.offset + 1), .real($0.element)) })
                default: throw LearnError("prop", "\(short(c[1])) is not a property; try \"Decision\", \"Probabilities\" or \"TopProbabilities\"")
                }
            }
            return single ? out[0] : .list(out)
        }
    }
}

/// The seed of a learning function: `RandomSeeding -> n` (or a string), or `Automatic`, drawn
/// from the session's generator so `SeedRandom` makes it repeatable.
func learningSeed(_ e: Expr) -> UInt64 {
    if let n = e.intValue { return UInt64(bitPattern: Int64(n)) }
    if let s = e.asString { return s.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 } }
    return RandomState.generator.next()
}

/// A method setting: its name and sub-options (`{"DBSCAN", "NeighborhoodRadius" -> 0.5}`).
func methodSpec(_ e: Expr) -> (name: String?, sub: [String: Expr]) {
    var sub: [String: Expr] = [:]
    for r in e.listItems?.dropFirst() ?? [] { collectOptions(r, into: &sub) }
    return (e.asString ?? e.listItems?.first?.asString, sub)
}

/// Clusters data as FindClusters and ClusterClassify do; `assigning` (ClusterClassify) also finds
/// the scale of the soft assignment of new elements, which FindClusters does not need.
func findClusters(_ raw: [Expr], _ countSpec: Expr?, _ c: Call, assigning: Bool) throws -> ClusteringModel {
    guard !raw.isEmpty else { throw LearnError("data", "there is nothing to cluster") }
    let (elements, extractor) = try extractedExamples(raw, c)
    let distanceSpec = c.option("DistanceFunction")
    let space = try ElementSpace(elements, distance: distanceSpec)
    let (name, sub) = methodSpec(c.option("Method"))
    let spec = c.option("Method")
    let method: ClusterMethod
    if spec.isSymbol(Sym.Automatic) {
        method = space.vectors != nil && distanceSpec.isSymbol(Sym.Automatic) ? .kMeans : .kMedoids
    } else {
        guard let name, let m = ClusterMethod(rawValue: name) else {
            throw LearnError("method", "Method must be Automatic or one of \(ClusterMethod.allCases.map { quoted($0.rawValue) }.joined(separator: ", "))")
        }
        method = m
    }
    let criterion = c.option("CriterionFunction")
    let criteria = ["Silhouette", "CalinskiHarabasz", "DaviesBouldin"]
    guard criterion.isSymbol(Sym.Automatic) || criteria.contains(criterion.asString ?? "") else {
        throw LearnError("crit", "CriterionFunction must be Automatic or one of \(criteria.map(quoted).joined(separator: ", "))")
    }
    // The number of clusters: exactly n, UpTo[n] (the best by silhouette up to n), or Automatic (up to 10).
    let n = elements.count
    var exact: Int?, most = Swift.min(10, Swift.max(n - 1, 2))
    if let spec = countSpec, !spec.isSymbol(Sym.Automatic) {
        if let k = spec.intValue {
            guard k >= 1 else { throw LearnError("nclust", "the number of clusters \(k) must be positive") }
            exact = Swift.min(k, n)
        } else if spec.hasHead(Symbol.intern("UpTo")), let k = spec.args.first?.intValue, k >= 1 {
            most = Swift.min(k, n)
            if most == 1 { exact = 1 }
        } else {
            throw LearnError("nclust", "\(short(spec)) is not a number of clusters, UpTo[n] or Automatic")
        }
    }
    // Numeric data under the Automatic distance is standardized first, feature by feature
    // (not for DBSCAN given a radius, which is in the data's own units).
    var vectors = space.vectors
    var standardizer: Standardizer?
    if let v = vectors, distanceSpec.isSymbol(Sym.Automatic), !(method == .dbscan && sub["NeighborhoodRadius"] != nil) {
        let s = Standardizer(v)
        standardizer = s
        vectors = v.map { s.apply($0) }
    }
    if method == .kMeans || method == .gaussianMixture, vectors == nil {
        throw LearnError("method", "the method \(method.rawValue) needs numbers or numeric vectors")
    }
    let seed = learningSeed(c.option("RandomSeeding", .integer(1234)))
    // All pairwise distances, made only for the methods that need them; the choice of the number
    // of clusters and the soft-assignment scale look at a sample of at most 2000 examples.
    func distances(_ indices: [Int]) throws -> DistanceMatrix {
        if let v = vectors, standardizer != nil {
            // Ctrl-C is answered at every row: all distances of 3000 examples take a second.
            let rows = indices.map { v[$0] }
            return try DistanceMatrix(count: rows.count) { i, j in
                if j == i + 1 { try c.evaluator.checkInterrupt() }
                return VectorDistance.euclidean(rows[i], rows[j])
            }
        }
        return try DistanceMatrix(count: indices.count) { i, j in
            if j == i + 1 { try c.evaluator.checkInterrupt() }
            return try space.distance(indices[i], indices[j], c)
        }
    }
    let needsAll = method == .kMedoids || method == .dbscan || method == .agglomerate
    let all: [Int] = Array(0..<n)
    let matrix: DistanceMatrix? = needsAll ? try distances(all) : nil
    let sample: [Int] = n <= 2000 ? all : (0..<2000).map { $0 * n / 2000 }
    // The sample's distances, made when first needed: k-means or a Gaussian mixture with a given
    // number of clusters, for FindClusters, needs none.
    var madeSample: DistanceMatrix?
    func sampleDistances() throws -> DistanceMatrix {
        if let m = madeSample { return m }
        let m = try matrix.flatMap { n <= 2000 ? $0 : nil } ?? distances(sample)
        madeSample = m
        return m
    }
    func partition(_ k: Int) throws -> Clusters {
        try c.evaluator.checkInterrupt()
        switch method {
        // k-means++ restarts: 10, or 4 for each number of clusters compared on more than 5000 examples.
        case .kMeans:
            let flag = c.evaluator.interrupt
            let r = Clustering.kMeans(vectors ?? [], clusters: k, restarts: exact == nil && n > 5000 ? 4 : 10, seed: seed) { flag.isSet }
            try c.evaluator.checkInterrupt()
            return r
        case .kMedoids: return try Clustering.kMedoids(matrix ?? sampleDistances(), clusters: k, seed: seed) { try c.evaluator.checkInterrupt() }
        case .gaussianMixture:
            let g = try GaussianMixture.fit(vectors ?? [], components: k, seed: seed) { try c.evaluator.checkInterrupt() }
            let labels = (vectors ?? []).map { v in let p = g.responsibilities(v); return p.indices.max { p[$0] < p[$1] } ?? 0 }
            return Clusters(labels: labels, mixture: g)
        case .agglomerate:
            let linkage = Linkage(rawValue: sub["Linkage"]?.asString ?? "Single") ?? .single
            return try Clustering.agglomerate(matrix ?? sampleDistances(), clusters: k, linkage: linkage) { try c.evaluator.checkInterrupt() }
        case .dbscan: return Clusters(labels: [])
        }
    }
    let clusters: Clusters
    if method == .dbscan {
        let minimum = sub["NeighborsNumber"]?.intValue ?? Swift.min(5, Swift.max(n / 10, 2))
        let interrupt = { try c.evaluator.checkInterrupt() }
        let radius = try sub["NeighborhoodRadius"]?.doubleValue ?? Clustering.dbscanRadius(matrix ?? sampleDistances(), minimum: minimum, checkpoint: interrupt)
        clusters = try Clustering.dbscan(matrix ?? sampleDistances(), radius: radius, minimum: minimum, checkpoint: interrupt)
    } else if let k = exact {
        clusters = try partition(k)
    } else if n <= 2 {
        clusters = try partition(n)
    } else {
        switch (criterion.asString, vectors) {
        case ("CalinskiHarabasz", let v?): clusters = try Clustering.best(most: most, partition) { Clustering.calinskiHarabasz(v, $0.labels) }
        case ("DaviesBouldin", let v?): clusters = try Clustering.best(most: most, partition) { Clustering.daviesBouldin(v, $0.labels).map { -$0 } }
        case ("CalinskiHarabasz", nil), ("DaviesBouldin", nil):
            throw LearnError("crit", "the criterion \(criterion.asString ?? "") needs numbers or numeric vectors")
        default: clusters = try Clustering.bestBySilhouette(sampleDistances(), most: most, sample: sample, partition)
        }
    }
    // The scale of the soft assignment: the mean distance of an example to its nearest fellow member.
    var total = 0.0, counted = 0
    if assigning {
        let sampleMatrix = try sampleDistances()
        for (a, i) in sample.enumerated() where clusters.labels[i] >= 0 {
            try c.evaluator.checkInterrupt()
            let d = sample.indices.filter { $0 != a && clusters.labels[sample[$0]] == clusters.labels[i] }.map { sampleMatrix[a, $0] }.min()
            if let d { total += d; counted += 1 }
        }
    }
    let model = ClusteringModel(method: method, space: space, vectors: vectors, standardizer: standardizer, clusters: clusters,
                                scale: counted > 0 && total > 0 ? total / Double(counted) : 1)
    model.extractor = extractor
    model.rawExamples = extractor == nil ? [] : raw
    return model
}

/// The option records FindClusters and ClusterClassify share.
private let clusteringOptions: [(String, Expr)] = [
    ("Method", .sym("Automatic")), ("DistanceFunction", .sym("Automatic")), ("CriterionFunction", .sym("Automatic")),
    ("RandomSeeding", .integer(1234)), ("PerformanceGoal", .sym("Automatic")), ("FeatureExtractor", .sym("Identity")),
]

extension Kernel {
    static var clusteringBuiltins: [Builtin] {
        [
            Builtin("FindClusters", [], usage: "FindClusters[{e1, e2, ...}] partitions the ei into clusters of similar elements; FindClusters[{e1 -> v1, ...}] or FindClusters[{e...} -> {v...}] gives the vi of each cluster, FindClusters[<|v1 -> e1, ...|>] the keys; FindClusters[data, n] exactly n clusters, FindClusters[data, UpTo[n]] at most n. Elements are numbers, vectors (standardized, unless a DistanceFunction is given), strings (EditDistance), or anything a FeatureExtractor (a function or a net) turns into vectors; images without one use the pretrained MobileNet V2 features. Method: \"KMeans\" (k-means++, 10 restarts; 4 for each number of clusters compared on more than 5000 examples), \"KMedoids\", \"GaussianMixture\", \"DBSCAN\" (sub-options \"NeighborhoodRadius\", \"NeighborsNumber\"; noise is a last cluster of its own), \"Agglomerate\" (\"Linkage\" -> \"Single\" | \"Complete\" | \"Average\" | \"Ward\"), or Automatic (k-means for vectors, k-medoids otherwise). Without n the number of clusters (2 to 10) is the one of highest mean silhouette, or CriterionFunction -> \"CalinskiHarabasz\" | \"DaviesBouldin\" (numeric data). RandomSeeding -> 1234 by default; Automatic follows SeedRandom.",
                    arity: .between(1, 2), options: clusteringOptions,
                    examples: [("FindClusters[{1, 2, 10, 12, 3, 1, 13, 25}, 3]", "{{1, 2, 3, 1}, {10, 12, 13}, {25}}"),
                               ("FindClusters[{1, 2, 10, 12, 3, 1, 13, 25} -> {a, b, c, d, e, f, g, h}, 2]", "{{a, b, e, f}, {c, d, g, h}}"),
                               ("FindClusters[{\"cat\", \"bat\", \"rat\", \"elephant\", \"elegant\"}]", "{{cat, bat, rat}, {elephant, elegant}}")]) { c in
                netOperation(c) {
                    let data = try LabelledElements(c[0])
                    let pos = c.dataArguments
                    let model = try findClusters(data.elements, pos.count == 2 ? pos[1] : nil, c, assigning: false)
                    var groups = [[Expr]](repeating: [], count: model.clusters.count)
                    var noise: [Expr] = []
                    for (i, l) in model.clusters.labels.enumerated() {
                        if l >= 0 { groups[l].append(data.values[i]) } else { noise.append(data.values[i]) }
                    }
                    if !noise.isEmpty { groups.append(noise) }
                    return .list(groups.map { .list($0) })
                }
            },
            Builtin("ClusterClassify", [], usage: "ClusterClassify[data] clusters data as FindClusters does and gives a ClassifierFunction assigning new elements to the clusters 1, 2, ...: c[x], c[{x...}], c[x, \"Probabilities\"]; ClusterClassify[data, n] with n clusters. Same options as FindClusters.",
                    arity: .between(1, 2), options: clusteringOptions,
                    examples: [("c = ClusterClassify[{1, 2, 3, 10, 11, 12}, 2]; c[{0, 2.5, 9, 15}]", "{1, 1, 2, 2}")]) { c in
                netOperation(c) {
                    let data = try LabelledElements(c[0])
                    let pos = c.dataArguments
                    return .native(ClusterClassifierValue(try findClusters(data.elements, pos.count == 2 ? pos[1] : nil, c, assigning: true)))
                }
            },
        ]
    }
}

/// Pixel values (or the entries of a matrix) as vectors, with the shape of the label matrix.
private func pixelVectors(_ e: Expr) throws -> (vectors: [[Double]], height: Int, width: Int) {
    if let image = e.asImage {
        let ch = image.channels, colours = image.hasAlpha ? ch - 1 : ch
        let vectors = (0..<(image.width * image.height)).map { p in (0..<colours).map { Double(image.pixels[p * ch + $0]) } }
        return (vectors, image.height, image.width)
    }
    guard let rows = e.listItems, let w = rows.first?.listItems?.count, w > 0, rows.allSatisfy({ $0.listItems?.count == w }) else {
        throw LearnError("data", "\(short(e)) is not an image or a matrix")
    }
    var vectors: [[Double]] = []
    for r in rows { for x in r.listItems ?? [] {
        guard let v = FeaturePipeline.numeric(x), v.count == vectors.first?.count ?? v.count else {
            throw LearnError("data", "the entries of the matrix must be numbers or vectors of one length")
        }
        vectors.append(v)
    } }
    return (vectors, rows.count, w)
}

extension Kernel {
    static var clusteringComponentsBuiltins: [Builtin] {
        [
            Builtin("ClusteringComponents", [], usage: "ClusteringComponents[image, n] labels each pixel of an image with its cluster 1 ... n of colour (k-means over the pixel values, clusters numbered in reading order), giving a matrix of the image's height and width; ClusteringComponents[image] chooses n (2 to 10) by silhouette on a sample of the pixels; ClusteringComponents[matrix, n] clusters the entries of a matrix of numbers or vectors. RandomSeeding -> 1234 by default.",
                    arity: .between(1, 2), options: [("Method", .sym("Automatic")), ("RandomSeeding", .integer(1234))],
                    examples: [("ClusteringComponents[{{0, 0, 9}, {0, 9, 9}}, 2]", "{{1, 1, 2}, {1, 2, 2}}")]) { c in
                netOperation(c) {
                    let pos = c.dataArguments
                    let (vectors, height, width) = try pixelVectors(pos[0])
                    let spec = c.option("Method")
                    guard spec.isSymbol(Sym.Automatic) || spec.asString == "KMeans" else { throw LearnError("method", "Method must be Automatic or \"KMeans\"") }
                    let seed = learningSeed(c.option("RandomSeeding", .integer(1234)))
                    let flag = c.evaluator.interrupt
                    let clusters: Clusters
                    if pos.count == 2 {
                        guard let k = pos[1].intValue, k >= 1 else { throw LearnError("nclust", "\(short(pos[1])) is not a positive number of clusters") }
                        clusters = Clustering.kMeans(vectors, clusters: Swift.min(k, vectors.count), restarts: 3, seed: seed) { flag.isSet }
                        try c.evaluator.checkInterrupt()
                    } else {
                        let n = vectors.count
                        let sample = n <= 2000 ? Array(0..<n) : (0..<2000).map { $0 * n / 2000 }
                        let matrix = try DistanceMatrix(sample.map { vectors[$0] }, .euclidean)
                        clusters = try Clustering.bestBySilhouette(matrix, most: Swift.min(10, Swift.max(n - 1, 2)), sample: sample) { k in
                            try c.evaluator.checkInterrupt()
                            let r = Clustering.kMeans(vectors, clusters: k, restarts: 3, seed: seed) { flag.isSet }
                            try c.evaluator.checkInterrupt()
                            return r
                        }
                    }
                    return .list((0..<height).map { y in .ints((0..<width).map { clusters.labels[y * width + $0] + 1 }) })
                }
            },
        ]
    }
}
