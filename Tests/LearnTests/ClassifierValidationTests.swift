import Foundation
import Testing
@testable import Learn

/// `TrainedClassifier.validate` (run by the decoder): a classifier whose sizes disagree with its
/// class and feature counts is refused, so applying one never indexes out of range.
@Suite struct ClassifierValidationTests {
    static let x: [[Double]] = [[1, 2], [2, 1], [1, 1], [8, 9], [9, 8], [9, 9], [5, 5], [5, 6], [6, 5]]
    static let y = [0, 0, 0, 1, 1, 1, 2, 2, 2]

    /// The classifier through JSON with one edit to its model.
    static func reread(_ c: TrainedClassifier, _ edit: (inout [String: Any]) -> Void) throws -> TrainedClassifier {
        var json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(c)) as? [String: Any])
        edit(&json)
        return try JSONDecoder().decode(TrainedClassifier.self, from: JSONSerialization.data(withJSONObject: json))
    }

    @Test func trainedClassifiersValidate() throws {
        for m in ClassifierMethod.allCases {
            let c = try Learn.fit(m, Self.x, Self.y, classes: 3)
            try c.validate()
            let back = try Self.reread(c) { _ in }
            #expect(back.probabilities([1.5, 2]).count == 3, "\(m)")
        }
    }

    @Test func treesWithBadIndicesAreRefused() throws {
        let leaf = DecisionTree.Node.leaf([0.5, 0.25, 0.25])
        for f in [-1, 2, Int.max] {
            let tree = DecisionTree(root: .split(feature: f, threshold: 0, left: leaf, right: leaf))
            #expect(throws: LearnError.self) { try tree.validate(classes: 3, features: 2) }
        }
        #expect(throws: LearnError.self) { try DecisionTree(root: .leaf([1])).validate(classes: 3, features: 2) }
        #expect(throws: LearnError.self) {
            try DecisionTree(root: .split(feature: 0, threshold: .nan, left: leaf, right: leaf)).validate(classes: 3, features: 2)
        }
        var deep = leaf
        for _ in 0...DecisionTree.maxDepth { deep = .split(feature: 0, threshold: 0, left: deep, right: leaf) }
        #expect(throws: LearnError.self) { try DecisionTree(root: deep).validate(classes: 3, features: 2) }
        try DecisionTree(root: .split(feature: 1, threshold: 0, left: leaf, right: leaf)).validate(classes: 3, features: 2)
    }

    @Test func modelsWhoseSizesDisagreeAreRefused() throws {
        let knn = try Learn.fit(.nearestNeighbors, Self.x, Self.y, classes: 3)
        for (key, value) in [("k", 0 as Any), ("k", -3), ("labels", [0, 0, 0, 1, 1, 1, 2, 2, 9]), ("points", [[1.0]]), ("classes", 4)] {
            #expect(throws: LearnError.self, "\(key) = \(value)") {
                _ = try Self.reread(knn) { json in
                    var model = json["model"] as? [String: Any] ?? [:]
                    model[key] = value
                    json["model"] = model
                }
            }
        }
        let lr = try Learn.fit(.logisticRegression, Self.x, Self.y, classes: 3)
        for edit: (inout [String: Any]) -> Void in [
            { $0["priors"] = [Double]() }, { $0["classCount"] = 0 }, { $0["classCount"] = 2 },
            { json in var s = json["standardizer"] as? [String: Any] ?? [:]; s["scale"] = [1.0]; json["standardizer"] = s },
            { json in var m = json["model"] as? [String: Any] ?? [:]; m["weights"] = [[1.0, 2.0]]; json["model"] = m },
        ] {
            #expect(throws: LearnError.self) { _ = try Self.reread(lr, edit) }
        }
    }
}
