import Foundation
import Testing
@testable import Learn
import Randomness

/// scikit-learn's and umap-learn's embeddings and boosted trees
/// (Fixtures/embedding/make_embedding_fixtures.py).
enum EmbeddingFixture {
    nonisolated(unsafe) static let root: [String: Any] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/embedding/embedding.json")
        return ((try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [String: Any]) ?? [:]
    }()
    static func matrix(_ k: String) -> [[Double]] { root[k] as? [[Double]] ?? [] }
    static func ints(_ k: String) -> [Int] { root[k] as? [Int] ?? [] }
    static func numbers(_ k: String) -> [Double] { root[k] as? [Double] ?? [] }
    static func number(_ k: String) -> Double { root[k] as? Double ?? .nan }
}

@Suite struct EmbeddingTests {
    typealias F = EmbeddingFixture

    @Test func trustworthinessMatchesScikitLearn() throws {
        let x = F.matrix("digits_x")
        #expect(x.count == 400)
        let pca = try LinearReducer.principalComponents(x, dimensions: 2)
        // The digits' integer pixels put some neighbours at equal distances, which NumPy's argsort
        // may rank in another order: a rank or two apart, about 1e-5 here.
        #expect(abs(trustworthiness(x, x.map(pca.reduce)) - F.number("pca_trustworthiness")) < 1e-4)
        #expect(trustworthiness(x, x) == 1)
    }

    @Test func curveParametersMatchUMAP() {
        for (minDistance, key) in [(0.1, "umap_ab_01"), (0.5, "umap_ab_05")] {
            let (a, b) = UMAP.curve(minDistance: minDistance, spread: 1)
            let expected = F.numbers(key)
            #expect(expected.count == 2)
            #expect(abs(a - (expected.first ?? 0)) < 0.01 * (expected.first ?? 1), "a for \(minDistance)")
            #expect(abs(b - (expected.last ?? 0)) < 0.01, "b for \(minDistance)")
        }
    }

    @Test func umapKeepsNeighbourhoodsAsUmapLearnDoes() throws {
        let x = F.matrix("digits_x")
        let u = try UMAP(x, dimensions: 2, seed: 1)
        let t = trustworthiness(x, u.embedding)
        // umap-learn's own embedding of the same data, within a point; far above the linear projection.
        #expect(t > F.number("umap_trustworthiness") - 0.01, "\(t)")
        #expect(t > F.number("pca_trustworthiness") + 0.1)
        // A training example placed again lands among its neighbours.
        let again = u.reduce(x[0])
        let nearest = u.embedding.indices.min { squaredDistance(u.embedding[$0], again) < squaredDistance(u.embedding[$1], again) }
        #expect(F.ints("digits_y")[nearest ?? 1] == F.ints("digits_y")[0])
    }

    @Test func barnesHutTSNEKeepsNeighbourhoodsAsScikitLearnDoes() throws {
        // 400 examples: the exact gradient; the same data doubled (with a small shift) goes past
        // barnesHutFrom and uses the quadtree.
        let x = F.matrix("digits_x")
        let exact = try TSNE.embed(x)
        #expect(trustworthiness(x, exact) > F.number("tsne_trustworthiness") - 0.01)
        var g = SeededGenerator(seed: 3)
        let doubled = x + x.map { $0.map { $0 + 0.1 * g.normal() } }
        #expect(doubled.count >= TSNE.barnesHutFrom)
        let approximate = try TSNE.embed(doubled)
        #expect(trustworthiness(Array(doubled.prefix(400)), Array(approximate.prefix(400))) > F.number("tsne_trustworthiness") - 0.02)
    }

    @Test func quadTreeSumsMatchDirectSums() {
        var g = SeededGenerator(seed: 9)
        let y = (0..<300).flatMap { _ in [g.normal() * 5, g.normal() * 5] }
        let tree = QuadTree(y)
        for i in [0, 17, 299] {
            var fx = 0.0, fy = 0.0, z = 0.0
            for j in 0..<300 where j != i {
                let dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
                let q = 1 / (1 + dx * dx + dy * dy)
                z += q; fx += q * q * dx; fy += q * q * dy
            }
            let exact = tree.repulsion(i, y[2 * i], y[2 * i + 1], angle: 0)
            #expect(abs(exact.0 - fx) < 1e-9 && abs(exact.1 - fy) < 1e-9 && abs(exact.2 - z) < 1e-9)
            let rough = tree.repulsion(i, y[2 * i], y[2 * i + 1], angle: 0.5)
            #expect(abs(rough.2 - z) < 0.05 * z)
        }
    }

    @Test func gradientBoostingMatchesScikitLearnAccuracy() throws {
        let c = try Learn.fit(.gradientBoostedTrees, F.matrix("boost_x"), F.ints("boost_y"), classes: 3)
        let tx = F.matrix("boost_tx"), ty = F.ints("boost_ty")
        #expect(tx.count == 300)
        let right = zip(tx, ty).filter { x, y in let p = c.probabilities(x); return p.indices.max { p[$0] < p[$1] } == y }.count
        #expect(Double(right) / Double(tx.count) > F.number("boost_accuracy") - 0.03, "\(right)")
        // Saved and read back, it gives the same probabilities.
        let copy = try JSONDecoder().decode(TrainedClassifier.self, from: try JSONEncoder().encode(c))
        #expect(copy.probabilities(tx[0]) == c.probabilities(tx[0]))
    }

    @Test func gradientBoostingOnTwoClasses() throws {
        let x = F.matrix("boost_x"), y = F.ints("boost_y").map { $0 == 2 ? 1 : 0 }
        let c = try Learn.fit(.gradientBoostedTrees, x, y, classes: 2)
        let right = zip(x, y).filter { x, y in let p = c.probabilities(x); return (p[1] > 0.5 ? 1 : 0) == y }.count
        #expect(Double(right) / Double(x.count) > 0.9)
    }

    @Test func histogramForestMatchesScikitLearnAccuracy() throws {
        let c = try Learn.fit(.randomForest, F.matrix("boost_x"), F.ints("boost_y"), classes: 3)
        let tx = F.matrix("boost_tx"), ty = F.ints("boost_ty")
        let right = zip(tx, ty).filter { x, y in let p = c.probabilities(x); return p.indices.max { p[$0] < p[$1] } == y }.count
        #expect(Double(right) / Double(tx.count) > F.number("forest_accuracy") - 0.03, "\(right)")
    }

    @Test func binsCutBetweenDistinctValuesAndAtQuantiles() {
        let few = BinnedFeatures([[1], [2], [2], [5]])
        #expect(few.cuts == [[1.5, 3.5]])
        #expect(few.codes == [0, 1, 1, 2])
        let many = BinnedFeatures((0..<1000).map { [Double($0)] }, maxBins: 10)
        #expect(many.bins(0) == 10)
        #expect(Set(many.codes).count == 10)
    }

    @Test func autoEncoderReconstructsAPlane() throws {
        // Points on a plane in 4 dimensions: two codes reconstruct them.
        var g = SeededGenerator(seed: 4)
        let x = (0..<200).map { _ -> [Double] in
            let a = g.normal(), b = g.normal()
            return [a, b, a + b, a - 2 * b]
        }
        let ae = try AutoEncoder(x, dimensions: 2, rounds: 150)
        #expect(ae.loss < 0.05, "\(ae.loss)")
        let back = try ae.reconstruct(try ae.reduce(x[0]))
        #expect(zip(back, x[0]).allSatisfy { abs($0 - $1) < 0.5 }, "\(back) \(x[0])")
    }
}
