import Foundation
import Testing
@testable import Learn
import Randomness
import Tensor

/// Conditional sampling and typical examples of learned densities, against NumPy
/// (Fixtures/conditional/make_conditional_fixtures.py).
@Suite struct DensityConditioningTests {
    nonisolated(unsafe) static let root: [String: Any] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/conditional/conditional.json")
        return ((try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [String: Any]) ?? [:]
    }()

    static func cases(_ k: String) -> [(known: Double, mean: Double, sd: Double)] {
        (root[k] as? [[String: Double]] ?? []).map { ($0["known"] ?? .nan, $0["mean"] ?? .nan, $0["sd"] ?? .nan) }
    }

    /// 20,000 draws of the second variable given the first: their mean within 0.03 and their
    /// deviation within 3% of the conditional distribution's.
    @Test(arguments: [DensityMethod.multinormal, .kernelDensity])
    func conditionalDrawsMatchNumPy(_ method: DensityMethod) throws {
        let data = Self.root["data"] as? [[Double]] ?? []
        let cases = Self.cases(method == .multinormal ? "multinormal" : "kde")
        #expect(data.count == 60 && cases.count == 3)
        let density = try LearnedDensity.fit(data, method: method, seed: 1)
        var g = SeededGenerator(seed: 5)
        for c in cases {
            let draws = (0..<20_000).map { _ in density.conditionalSample([c.known, nil], &g) }
            #expect(draws.allSatisfy { $0[0] == c.known })
            let values = draws.map { $0[1] }
            let mean = values.reduce(0, +) / Double(values.count)
            let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
            #expect(abs(mean - c.mean) < 0.03, "\(method) at \(c.known): mean \(mean) vs \(c.mean)")
            #expect(abs(sd / c.sd - 1) < 0.03, "\(method) at \(c.known): sd \(sd) vs \(c.sd)")
        }
    }

    @Test func aKnownExampleIsKeptAndAnUnknownOneIsSampled() throws {
        let density = try LearnedDensity.fit([[1, 2], [2, 3], [3, 5], [4, 4]], method: .multinormal, seed: 1)
        var g = SeededGenerator(seed: 2)
        #expect(density.conditionalSample([1.5, 2.5], &g) == [1.5, 2.5])
        #expect(density.conditionalSample([nil, nil], &g).count == 2)
        #expect(density.conditionalSample([nil], &g).count == 2)
    }

    /// The outlier of the data is judged by the density of the others, so it cannot mask itself.
    @Test(arguments: [DensityMethod.multinormal, .kernelDensity])
    func typicalExamplesLeaveOutTheOutlier(_ method: DensityMethod) throws {
        let x: [[Double]] = [[1], [2], [1.5], [2.2], [1.1], [50]]
        let kept = try LearnedDensity.typicalExamples(x, method: method, threshold: 0.001, seed: 1)
        #expect(kept == [[1], [2], [1.5], [2.2], [1.1]])
        // Too few to judge: all kept.
        #expect(try LearnedDensity.typicalExamples([[1, 1], [2, 2], [9, 9]], method: method, threshold: 0.001, seed: 1).count == 3)
    }
}
