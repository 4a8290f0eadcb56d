import Foundation
import Testing
import Learn

/// ROC curves and their areas against scikit-learn's `roc_curve` and `roc_auc_score`
/// (Fixtures/make_roc_fixtures.py): distinct scores, tied scores, and a larger set.
@Suite struct ROCTests {
    nonisolated(unsafe) static let cases: [[String: Any]] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/roc.json")
        return ((try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [[String: Any]]) ?? []
    }()

    @Test func curvesAndAreasMatchScikitLearn() throws {
        #expect(Self.cases.count == 3)
        for c in Self.cases {
            let scores = c["scores"] as? [Double] ?? [], positive = c["positive"] as? [Bool] ?? []
            let curve = try #require(ROC.curve(scores: scores, positive: positive))
            let fpr = c["fpr"] as? [Double] ?? [], tpr = c["tpr"] as? [Double] ?? []
            #expect(curve.count == fpr.count, "\(scores.count) scores")
            for (p, (f, t)) in zip(curve, zip(fpr, tpr)) {
                #expect(abs(p.fpr - f) < 1e-12 && abs(p.tpr - t) < 1e-12, "\(p) vs \((f, t))")
            }
            #expect(abs(ROC.area(curve) - (c["auc"] as? Double ?? -1)) < 1e-12)
        }
    }

    @Test func oneSidedOrMismatchedDataHasNoCurve() {
        #expect(ROC.curve(scores: [0.1, 0.9], positive: [true, true]) == nil)
        #expect(ROC.curve(scores: [0.1], positive: [true, false]) == nil)
        // Scores that are not numbers count as the lowest and do not stall the sweep.
        let c = ROC.curve(scores: [.nan, 0.5, .nan], positive: [false, true, true])
        #expect(c.map { $0.map(\.tpr) } == [0, 0.5, 1])
    }
}
