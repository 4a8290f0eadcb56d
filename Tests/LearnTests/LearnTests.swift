import Foundation
import Testing
@testable import Learn

/// scikit-learn's logistic regression on iris (Fixtures/make_learn_fixtures.py).
enum LearnFixture {
    nonisolated(unsafe) static let root: [String: Any] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/learn.json")
        return ((try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [String: Any]) ?? [:]
    }()
    static func matrix(_ k: String) -> [[Double]] { root[k] as? [[Double]] ?? [] }
    static func ints(_ k: String) -> [Int] { root[k] as? [Int] ?? [] }
}

@Suite struct LearnTests {
    @Test func logisticRegressionMatchesScikitLearn() throws {
        let c = try Learn.fit(.logisticRegression, LearnFixture.matrix("train_x"), LearnFixture.ints("train_y"), classes: 3)
        let model = try #require(c.model as? LogisticRegression)
        // Multinomial coefficients are defined up to a shift shared by all classes; both fits
        // center them (the L2 penalty does), so they compare directly.
        for (ours, theirs) in zip(model.weights, LearnFixture.matrix("coef")) {
            for (a, b) in zip(ours, theirs) { #expect(abs(a - b) < 1e-3, "\(a) vs \(b)") }
        }
        let intercepts = LearnFixture.root["intercept"] as? [Double] ?? []
        for (a, b) in zip(model.intercepts, intercepts) { #expect(abs(a - b) < 1e-3) }
        for (x, expected) in zip(LearnFixture.matrix("test_x"), LearnFixture.matrix("test_probabilities")) {
            for (a, b) in zip(c.probabilities(x), expected) { #expect(abs(a - b) < 1e-3) }
        }
    }

    @Test(arguments: ClassifierMethod.allCases)
    func everyMethodLearnsIris(_ method: ClassifierMethod) throws {
        let c = try Learn.fit(method, LearnFixture.matrix("train_x"), LearnFixture.ints("train_y"), classes: 3)
        let test = LearnFixture.matrix("test_x"), labels = LearnFixture.ints("test_y")
        let right = zip(test, labels).filter { x, y in let p = c.probabilities(x); return p.indices.max { p[$0] < p[$1] } == y }.count
        #expect(Double(right) / Double(labels.count) >= 0.85, "\(method): \(right)/\(labels.count)")
    }

    @Test func crossValidationPicksAGoodMethod() throws {
        let (best, scores) = try Learn.chooseMethod(LearnFixture.matrix("train_x"), LearnFixture.ints("train_y"), classes: 3,
                                                   candidates: [.logisticRegression, .nearestNeighbors, .naiveBayes, .randomForest])
        #expect((scores[best] ?? 0) >= 0.9)
        #expect(scores.values.allSatisfy { (scores[best] ?? 0) >= $0 })
    }

    @Test func badDataThrows() {
        #expect(throws: LearnError.self) { try Learn.fit(.logisticRegression, [[1], [2]], [0, 0], classes: 1) }
        #expect(throws: LearnError.self) { try Learn.fit(.naiveBayes, [[1], [2, 3]], [0, 1], classes: 2) }
        #expect(throws: LearnError.self) { try Learn.fit(.randomForest, [], [], classes: 2) }
        #expect(throws: LearnError.self) { try Learn.fit(.nearestNeighbors, [[Double.nan], [1]], [0, 1], classes: 2) }
    }
}
