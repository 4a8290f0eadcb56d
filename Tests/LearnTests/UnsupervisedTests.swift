import Foundation
import Testing
@testable import Learn
import Randomness

/// scikit-learn's clustering, dimension reduction and nearest neighbours
/// (Fixtures/unsupervised/make_fixtures.py).
enum UnsupervisedFixture {
    nonisolated(unsafe) static let root: [String: Any] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/unsupervised/unsupervised.json")
        return ((try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [String: Any]) ?? [:]
    }()
    static func matrix(_ k: String) -> [[Double]] { root[k] as? [[Double]] ?? [] }
    static func ints(_ k: String) -> [Int] { root[k] as? [Int] ?? [] }
    static func numbers(_ k: String) -> [Double] { root[k] as? [Double] ?? [] }
}


@Suite struct UnsupervisedTests {
    typealias F = UnsupervisedFixture

    @Test func kMeansFromFixedCentersMatchesScikitLearn() {
        let x = F.matrix("iris_x")
        let (clusters, inertia) = Clustering.kMeans(x, from: Array(x.prefix(3)))
        #expect(Clustering.adjustedRandIndex(clusters.labels, F.ints("kmeans_labels")) == 1)
        #expect(abs(inertia - (F.root["kmeans_inertia"] as? Double ?? 0)) < 1e-6)
        // Both number clusters by the initial centers, whose first examples are 0, 1, 2 in order here only up to relabelling.
        let centers = clusters.centers ?? []
        for c in F.matrix("kmeans_centers") {
            #expect(centers.contains { squaredDistance($0, c) < 1e-12 }, "\(c)")
        }
    }

    @Test func adjustedRandIndexMatchesScikitLearn() {
        #expect(abs(Clustering.adjustedRandIndex(F.ints("kmeans_labels"), F.ints("iris_y")) - (F.root["kmeans_ari"] as? Double ?? 0)) < 1e-12)
        #expect(Clustering.adjustedRandIndex([0, 0, 1, 1], [5, 5, 2, 2]) == 1)
    }

    @Test func internalIndicesMatchScikitLearn() {
        let x = F.matrix("iris_x"), labels = F.ints("kmeans_labels")
        #expect(abs((Clustering.calinskiHarabasz(x, labels) ?? 0) / (F.root["kmeans_calinski_harabasz"] as? Double ?? 1) - 1) < 1e-12)
        #expect(abs((Clustering.daviesBouldin(x, labels) ?? 0) - (F.root["kmeans_davies_bouldin"] as? Double ?? 0)) < 1e-12)
    }

    @Test func silhouetteMatchesScikitLearn() throws {
        let x = F.matrix("iris_x")
        let s = Clustering.silhouette(try DistanceMatrix(x, .euclidean), F.ints("kmeans_labels"))
        #expect(abs((s ?? 0) - (F.root["kmeans_silhouette"] as? Double ?? 1)) < 1e-9)
    }

    @Test func kMeansPlusPlusFindsTheIrisClusters() throws {
        let x = F.matrix("iris_x")
        let clusters = Clustering.kMeans(x, clusters: 3, seed: 7)
        // Restarts find a partition at least as tight as the one from the first three examples.
        let centers = clusters.centers ?? []
        let inertia = x.indices.reduce(0.0) { $0 + squaredDistance(x[$1], centers[clusters.labels[$1]]) }
        #expect(inertia <= (F.root["kmeans_inertia"] as? Double ?? 0) + 1e-9)
        #expect(Clustering.adjustedRandIndex(clusters.labels, F.ints("iris_y")) > 0.7)
        // Automatic: the silhouette prefers two clusters on iris (setosa apart), as scikit-learn's score does.
        let d = try DistanceMatrix(x, .euclidean)
        let best = Clustering.bestBySilhouette(d, most: 6) { Clustering.kMeans(x, clusters: $0, seed: 7) }
        #expect(best.count == 2)
    }

    @Test func dbscanMatchesScikitLearn() throws {
        let d = try DistanceMatrix(F.matrix("moons_x"), .euclidean)
        let ours = try Clustering.dbscan(d, radius: 0.3, minimum: 5).labels
        let theirs = F.ints("dbscan_labels")
        #expect(ours.map { $0 < 0 } == theirs.map { $0 < 0 })
        #expect(Clustering.adjustedRandIndex(ours, theirs) == 1)
    }

    @Test(arguments: Linkage.allCases)
    func agglomerationMatchesScikitLearn(_ linkage: Linkage) throws {
        let d = try DistanceMatrix(F.matrix("iris_x"), .euclidean)
        let ours = try Clustering.agglomerate(d, clusters: 3, linkage: linkage).labels
        #expect(Clustering.adjustedRandIndex(ours, F.ints("agglomerate_" + linkage.rawValue.lowercased())) == 1, "\(linkage)")
    }

    @Test func kMedoidsAndMixtureRecoverIris() throws {
        let x = F.matrix("iris_x"), truth = F.ints("iris_y")
        let medoids = try Clustering.kMedoids(DistanceMatrix(x, .euclidean), clusters: 3, seed: 3)
        #expect(Clustering.adjustedRandIndex(medoids.labels, truth) > 0.7)
        let mixture = try GaussianMixture.fit(x, components: 3, seed: 3)
        let labels = x.map { r in let p = mixture.responsibilities(r); return p.indices.max { p[$0] < p[$1] } ?? 0 }
        #expect(Clustering.adjustedRandIndex(labels, truth) > 0.85)
    }

    @Test func principalComponentsMatchScikitLearn() throws {
        let x = F.matrix("iris_x")
        let pca = try LinearReducer.principalComponents(x, dimensions: 3)
        for (a, b) in zip(pca.components, F.matrix("pca_components")) { for (u, v) in zip(a, b) { #expect(abs(u - v) < 1e-9) } }
        for (a, b) in zip(pca.variances, F.numbers("pca_variance")) { #expect(abs(a - b) < 1e-9) }
        for (row, expected) in zip(x.prefix(5), F.matrix("pca_transformed")) {
            for (u, v) in zip(pca.reduce(row), expected) { #expect(abs(u - v) < 1e-9) }
        }
        let two = try LinearReducer.principalComponents(x, dimensions: 2)
        for (u, v) in zip(two.reconstruct(two.reduce(x[0])), F.numbers("pca_reconstructed")) { #expect(abs(u - v) < 1e-9) }
        // More features than examples (the Gram-matrix route): the same components as the transpose route.
        let wide = Array(x.prefix(3)), tall = wide + wide
        let a = try LinearReducer.principalComponents(wide, dimensions: 2), b = try LinearReducer.principalComponents(tall, dimensions: 2)
        for (u, v) in zip(a.components.flatMap { $0 }, b.components.flatMap { $0 }) { #expect(abs(u - v) < 1e-9) }
    }

    @Test func latentSemanticAnalysisMatchesScikitLearn() throws {
        let lsa = try LinearReducer.latentSemantic(F.matrix("lsa_x"), dimensions: 2)
        for (a, b) in zip(lsa.variances.map { $0.squareRoot() }, F.numbers("lsa_singular")) { #expect(abs(a - b) < 1e-9) }
    }

    @Test func isomapMatchesScikitLearn() throws {
        let iso = try Isomap(F.matrix("isomap_x"), dimensions: 2, neighbours: 8)
        for (a, b) in zip(iso.embedding, F.matrix("isomap_embedding")) { for (u, v) in zip(a, b) { #expect(abs(u - v) < 1e-6) } }
        for (x, b) in zip(F.matrix("isomap_new"), F.matrix("isomap_new_embedding")) {
            for (u, v) in zip(iso.reduce(x), b) { #expect(abs(u - v) < 1e-6) }
        }
    }

    @Test func tsneKeepsClustersApart() throws {
        // Three well-separated blobs in 10 dimensions stay separated in the plane.
        var g = SeededGenerator(seed: 5)
        var x: [[Double]] = [], labels: [Int] = []
        for c in 0..<3 { for _ in 0..<30 { x.append((0..<10).map { j in Double(j == c ? 10 : 0) + g.normal() }); labels.append(c) } }
        let y = try TSNE.embed(x, perplexity: 10, rounds: 500)
        let found = Clustering.kMeans(y, clusters: 3, seed: 1)
        #expect(Clustering.adjustedRandIndex(found.labels, labels) == 1)
    }

    @Test func nearestMatchesScikitLearn() {
        let x = F.matrix("nearest_x")
        for (q, expected) in zip(F.matrix("nearest_queries"), F.matrix("nearest_4")) {
            #expect(NearestSearch.nearest(x.map { VectorDistance.euclidean($0, q) }, count: 4, radius: nil) == expected.map { Int($0) })
        }
        let q = F.matrix("nearest_queries")[0]
        #expect(NearestSearch.nearest(x.map { VectorDistance.euclidean($0, q) }, count: nil, radius: 0.6) == F.ints("nearest_radius"))
    }

    @Test func densitiesMatchSciPy() throws {
        let kde = try LearnedDensity.fit(F.numbers("kde_x").map { [$0] }, method: .kernelDensity, seed: 1)
        for (x, p) in zip(F.numbers("kde_at"), F.numbers("kde_pdf")) { #expect(abs(exp(kde.logDensity([x])) - p) < 1e-12) }
        let normal = try LearnedDensity.fit(F.matrix("normal_x"), method: .multinormal, seed: 1)
        for (x, p) in zip(F.matrix("normal_at"), F.numbers("normal_pdf")) { #expect(abs(exp(normal.logDensity(x)) / p - 1) < 1e-9) }
        // Two well-separated groups: the automatic choice is not the single Gaussian.
        let chosen = try LearnedDensity.automatic(F.numbers("kde_x").map { [$0] }, seed: 1)
        #expect(chosen.method != .multinormal)
        var g = SeededGenerator(seed: 3)
        let samples = (0..<4000).map { _ in chosen.sample(&g)[0] }
        #expect(abs(Double(samples.filter { $0 > 2.5 }.count) / 4000 - 0.4) < 0.03)
    }

    @Test func levenshtein() {
        #expect(editDistance(Array("kitten"), Array("sitting")) == 3)
        #expect(editDistance(Array(""), Array("abc")) == 3)
    }
}
