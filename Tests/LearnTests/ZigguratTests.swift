import Foundation
import Randomness
import Testing
@testable import Learn

/// The ziggurat normal sampler against the normal distribution itself (its CDF through erfc).
@Suite struct ZigguratTests {
    static func phi(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    /// Kolmogorov–Smirnov distance of 200 000 draws from Φ, under the 0.1% critical value
    /// (1.95 / √n); a sampler off by a layer or a sign fails it.
    @Test func drawsFollowTheNormalCDF() {
        var g = SeededGenerator(seed: 7)
        let n = 200_000
        let xs = Distribution.normal(mean: 0, sd: 1).samples(n, using: &g).sorted()
        var d = 0.0
        for (i, x) in xs.enumerated() {
            let f = ZigguratTests.phi(x)
            d = max(d, abs(f - Double(i) / Double(n)), abs(Double(i + 1) / Double(n) - f))
        }
        #expect(d < 1.95 / Double(n).squareRoot(), "KS distance \(d)")
    }

    /// The tail beyond R (drawn by the slow path) has its share: 2 (1 - Φ(R)) of the draws,
    /// within 5 standard errors, split evenly between the two signs.
    @Test func tailsHaveTheirShare() {
        var g = SeededGenerator(seed: 11)
        let n = 1_000_000
        let xs = Distribution.normal(mean: 0, sd: 1).samples(n, using: &g)
        let p = 2 * (1 - ZigguratTests.phi(Ziggurat.r))
        let beyond = xs.filter { abs($0) > Ziggurat.r }
        let expected = p * Double(n), se = (Double(n) * p * (1 - p)).squareRoot()
        #expect(abs(Double(beyond.count) - expected) < 5 * se, "\(beyond.count) beyond R, expected \(expected)")
        let positive = beyond.filter { $0 > 0 }.count
        #expect(abs(Double(positive) - Double(beyond.count) / 2) < 5 * (Double(beyond.count) / 4).squareRoot())
        let finite = beyond.allSatisfy { $0.isFinite }
        #expect(finite)
    }

    /// The layer table: x[1] = R, decreasing to x[128] = 0, every layer of the same area.
    @Test func layersHaveEqualArea() {
        let x = Ziggurat.edges
        #expect(x.count == 129 && x[1] == Ziggurat.r && x[128] == 0)
        for i in 1..<128 {
            #expect(x[i + 1] < x[i])
            let area = x[i] * (exp(-0.5 * x[i + 1] * x[i + 1]) - exp(-0.5 * x[i] * x[i]))
            #expect(abs(area - Ziggurat.area) < 1e-9, "layer \(i): \(area)")
        }
        // The base layer: the rectangle under f(R) plus the tail beyond R.
        let r = Ziggurat.r
        let base = r * exp(-0.5 * r * r) + (Double.pi / 2).squareRoot() * erfc(r / 2.0.squareRoot())
        #expect(abs(base - Ziggurat.area) < 1e-12)
    }

    /// Mean and standard deviation reach the draws; SeedRandom repeats them.
    @Test func scaledAndRepeatable() {
        var g = SeededGenerator(seed: 3), h = SeededGenerator(seed: 3)
        let xs = Distribution.normal(mean: 10, sd: 3).samples(50_000, using: &g)
        let mean = xs.reduce(0, +) / Double(xs.count)
        let sd = (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count - 1)).squareRoot()
        #expect(abs(mean - 10) < 5 * 3 / Double(xs.count).squareRoot())
        #expect(abs(sd - 3) < 0.05)
        #expect(xs == Distribution.normal(mean: 10, sd: 3).samples(50_000, using: &h))
    }
}
