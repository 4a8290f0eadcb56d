import Foundation
import Testing
@testable import Learn

/// scikit-learn's regressions on Friedman's first problem (Fixtures/regression/make_fixtures.py):
/// the data and each reference model's test R².
enum RegressionFixture {
    nonisolated(unsafe) static let root: [String: Any] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/regression/regression.json")
        return ((try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [String: Any]) ?? [:]
    }()
    static func matrix(_ k: String) -> [[Double]] { root[k] as? [[Double]] ?? [] }
    static func values(_ k: String) -> [Double] { root[k] as? [Double] ?? [] }
    static func r2(_ model: String) -> Double { (root["r2"] as? [String: Double])?[model] ?? .nan }

    /// The test R² of a predictor trained on the training half.
    static func testR2(_ p: TrainedPredictor) -> Double {
        let y = values("test_y"), mean = y.reduce(0, +) / Double(y.count)
        let residual = zip(matrix("test_x"), y).reduce(0.0) { s, e in let d = p.predict(e.0) - e.1; return s + d * d }
        let total = y.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) }
        return 1 - residual / total
    }
}

@Suite struct RegressionTests {
    @Test func boostedTreesMatchScikitLearnOnQuality() throws {
        let p = try Learn.fitPredictor(.gradientBoostedTrees, RegressionFixture.matrix("train_x"), RegressionFixture.values("train_y"))
        let ours = RegressionFixture.testR2(p), theirs = RegressionFixture.r2("HistGradientBoostingRegressor")
        #expect(ours > theirs - 0.03, "R² \(ours) against scikit-learn's \(theirs)")
    }

    @Test func neuralNetworkMatchesScikitLearnOnQuality() throws {
        let p = try Learn.fitPredictor(.neuralNetwork, RegressionFixture.matrix("train_x"), RegressionFixture.values("train_y"))
        let ours = RegressionFixture.testR2(p), theirs = RegressionFixture.r2("MLPRegressor")
        #expect(ours > theirs - 0.05, "R² \(ours) against scikit-learn's \(theirs)")
    }

    @Test func automaticSearchPrefersANonlinearMethodHere() throws {
        let (best, errors) = try Learn.choosePredictor(RegressionFixture.matrix("train_x"), RegressionFixture.values("train_y"),
                                                       candidates: [.linearRegression, .nearestNeighbors, .gradientBoostedTrees])
        #expect(best == .gradientBoostedTrees, "\(errors)")
        #expect(errors.count == 3)
    }

    /// The analytic gradient of the Gaussian process's likelihood agrees with central differences.
    @Test(arguments: [[0.0, 0.0, 0.0], [0.5, -0.7, -3.0], [-1.0, 1.2, -1.0]])
    func gaussianProcessGradientIsAnalytic(_ t: [Double]) throws {
        let x = Array(RegressionFixture.matrix("train_x").prefix(40).map(Standardizer(RegressionFixture.matrix("train_x")).apply))
        let y = Array(RegressionFixture.values("train_y").prefix(40)), mean = y.reduce(0, +) / 40
        var squared = [Double](repeating: 0, count: 1600)
        for i in 0..<40 { for j in 0..<40 { squared[i * 40 + j] = zip(x[i], x[j]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } } }
        let likelihood = GaussianProcessModel.Likelihood(squared: squared, n: 40, z: y.map { ($0 - mean) / 5 })
        let analytic = try likelihood.gradient(t)
        let numeric = try Optimization.gradient(likelihood.value, t, at: try likelihood.value(t))
        for (a, b) in zip(analytic, numeric) { #expect(abs(a - b) < 1e-4 * Swift.max(1, abs(b)), "\(analytic) vs \(numeric)") }
    }
}

/// scikit-learn's RBF support vector machine on iris and two moons
/// (Fixtures/svm/make_fixtures.py): the data and the test accuracy.
@Suite struct SupportVectorMachineTests {
    nonisolated(unsafe) static let root: [String: Any] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/svm/svm.json")
        return ((try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [String: Any]) ?? [:]
    }()

    @Test(arguments: ["iris", "moons"])
    func accuracyMatchesScikitLearn(_ name: String) throws {
        let data = try #require(Self.root[name] as? [String: Any])
        let x = try #require(data["train_x"] as? [[Double]]), y = try #require(data["train_y"] as? [Int])
        let tx = try #require(data["test_x"] as? [[Double]]), ty = try #require(data["test_y"] as? [Int])
        let theirs = try #require(data["accuracy"] as? Double)
        let c = try Learn.fit(.supportVectorMachine, x, y, classes: Set(y).count)
        let right = zip(tx, ty).filter { x, y in let p = c.probabilities(x); return p.indices.max { p[$0] < p[$1] } == y }.count
        let ours = Double(right) / Double(ty.count)
        #expect(ours >= theirs - 0.03, "\(name): accuracy \(ours) against scikit-learn's \(theirs)")
    }

    @Test func tooManyExamplesAreRefused() {
        let x = (0..<(SupportVectorMachine.maximumExamples + 1)).map { [Double($0)] }
        #expect(throws: LearnError.self) { try Learn.fit(.supportVectorMachine, x, x.indices.map { $0 % 2 }, classes: 2) }
    }
}
