import Imaging
import Language
@testable import LearnKernel
import NetsKernel
import Testing

/// The session's cache of features a net extracted: examples seen before are not run again.
@Suite struct FeatureCacheTests {
    func image(_ v: Float) throws -> Expr { .image(try Image(width: 2, height: 2, channels: 1, pixels: [v, 0, 0, v])) }

    @Test func runsOnlyTheNewExamples() throws {
        let cache = FeatureCache()
        var runs: [[Expr]] = []
        func features(_ xs: [Expr]) -> [Expr] { runs.append(xs); return xs.map { .list([$0, .integer(1)]) } }
        let a = try image(1), b = try image(0.5), c = Expr.string("c")
        let first = try cache.extract([a, b], key: "net", owner: 0, run: features)
        // Equal images made anew are the same examples.
        let second = try cache.extract([try image(0.5), c, try image(1)], key: "net", owner: 0, run: features)
        #expect(runs == [[a, b], [c]])
        #expect(first == [.list([a, .integer(1)]), .list([b, .integer(1)])])
        #expect(second == [.list([b, .integer(1)]), .list([c, .integer(1)]), .list([a, .integer(1)])])
        #expect(cache.size == 3)
        // Another net sees everything anew; nothing to run when all are known.
        _ = try cache.extract([a], key: "other net", owner: 0, run: features)
        _ = try cache.extract([a, b, c], key: "net", owner: 0, run: features)
        #expect(runs.count == 3)
        #expect(cache.size == 4)
    }

    @Test func aFailedRunCachesNothing() throws {
        struct Failure: Error {}
        let cache = FeatureCache()
        #expect(throws: Failure.self) { try cache.extract([.string("x")], key: "net", owner: 0) { _ in throw Failure() } }
        #expect(cache.size == 0)
    }
}
