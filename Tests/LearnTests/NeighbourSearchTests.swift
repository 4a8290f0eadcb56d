import Foundation
import Testing
@testable import Learn
import Randomness
import Tensor

/// The k-d tree against an exhaustive scan, and the cost of the nearest-neighbour methods on
/// large data counted in distance evaluations.
@Suite struct NeighbourSearchTests {
    /// Points on a coarse grid, so equal distances (ties) are common.
    static func grid(_ n: Int, _ d: Int, seed: UInt64) -> [[Double]] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { _ in (0..<d).map { _ in Double(g.next() % 9) } }
    }

    /// The k nearest by sorting every distance: nearest first, equal distances in index order.
    static func exhaustive(_ points: [[Double]], _ q: [Double], _ k: Int, excluding: Int? = nil) -> [(Int, Double)] {
        points.indices.filter { $0 != excluding }.map { ($0, squaredDistance(points[$0], q)) }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(k).map { $0 }
    }

    @Test(arguments: [1, 2, 3, 5])
    func treeFindsWhatAScanFinds(_ d: Int) throws {
        let points = Self.grid(500, d, seed: UInt64(d))
        let tree = try #require(KDTree(points))
        for (j, q) in Self.grid(60, d, seed: 99).enumerated() {
            for k in [1, 7, 40] {
                let got = tree.nearest(q, count: k, excluding: j % 2 == 0 ? j : nil)
                let want = Self.exhaustive(points, q, k, excluding: j % 2 == 0 ? j : nil)
                #expect(got.map(\.index) == want.map(\.0), "d \(d), query \(j), k \(k)")
                #expect(got.map(\.distance) == want.map(\.1))
            }
            let within = tree.within(q, squaredRadius: 4)
            let want = points.indices.filter { squaredDistance(points[$0], q) <= 4 }
            #expect(within.map(\.index).sorted() == want)
        }
    }

    @Test func badPointsMakeNoTree() {
        #expect(KDTree([]) == nil)
        #expect(KDTree([[1, 2], [3]]) == nil)
        #expect(KDTree([[1], [.nan]]) == nil)
        #expect(KDTree([[1], [2]])?.nearest([1, 2], count: 1).isEmpty == true)
    }

    /// 30,000 examples each asking for its 10 nearest others: a quadratic search would evaluate
    /// 9 x 10^8 distances; the tree stays within a few hundred per query.
    @Test func thirtyThousandQueriesCostFarLessThanQuadratic() throws {
        var g = SeededGenerator(seed: 7)
        let points = (0..<30_000).map { _ in [g.normal(), g.normal()] }
        let set = PointSet(points)
        var evaluations = 0
        for i in points.indices { _ = set.nearest(points[i], count: 10, excluding: i, evaluations: &evaluations) }
        #expect(evaluations < 30_000 * 200, "\(evaluations) distance evaluations")
        #expect(evaluations >= 30_000 * 10)
    }

    /// Predict's nearest neighbours on 30,000 examples: fitting (with its residuals) and 1000
    /// predictions, which took minutes when every prediction scanned every example.
    @Test func nearestNeighborsPredictorOnThirtyThousandExamples() throws {
        var g = SeededGenerator(seed: 8)
        let x = (0..<30_000).map { _ in [g.unit() * 10, g.unit() * 10] }
        let y = x.map { sin($0[0]) + $0[1] }
        let p = try Learn.fitPredictor(.nearestNeighbors, x, y)
        var worst = 0.0
        for q in x.prefix(1000) { worst = Swift.max(worst, abs(p.predict(q) - (sin(q[0]) + q[1]))) }
        #expect(worst < 0.3, "\(worst)")
    }

    /// The classifier's neighbours agree with an exhaustive vote.
    @Test func nearestNeighborsClassifierVotesLikeAScan() throws {
        let x = Self.grid(400, 2, seed: 3), y = x.map { Int($0[0] + $0[1]) % 3 }
        let c = try Learn.fit(.nearestNeighbors, x, y, classes: 3)
        let model = try #require(c.model as? NearestNeighbors)
        for q in Self.grid(30, 2, seed: 4) {
            let z = c.standardizer.apply(q)
            var counts = [Double](repeating: 0.1 / 3, count: 3)
            for (i, _) in Self.exhaustive(model.points, z, model.k) { counts[model.labels[i]] += 1 }
            let total = counts.reduce(0, +)
            #expect(c.probabilities(q) == counts.map { $0 / total })
        }
    }
}
