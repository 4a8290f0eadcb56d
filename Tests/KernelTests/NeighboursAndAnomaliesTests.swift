import Foundation
import Testing

extension KernelSuite {
    /// Nearest-neighbour methods on data too large for a quadratic search, anomaly detection with
    /// an outlier in its data, DBSCAN's automatic radius, exact least squares and conditional
    /// synthesis of missing values, as a user calls them.
    @Suite struct NeighboursAndAnomalies {
        /// 30,000 examples in 2-d: a search that scanned every example for every training example
        /// (as Predict's residuals and Classify's cross-validation do) would need 9 x 10^8 distances,
        /// minutes in a debug build, beyond the session's 30-second limit per test.
        static let large = "SeedRandom[3]; xs = RandomReal[{0, 10}, {30000, 2}];"

        @Test func predictNearestNeighborsOnThirtyThousandExamples() {
            let t = run(Self.large + " p = Predict[xs -> (Sin[#[[1]]] + #[[2]] & /@ xs), Method -> \"NearestNeighbors\"]; {p, Abs[p[{1., 2.}] - (Sin[1.] + 2.)] < 0.2}")
            #expect(t.messages.isEmpty, "\(t.messages)")
            #expect(t.result == "{PredictorFunction[<NearestNeighbors, 30000 examples>], True}")
        }

        @Test func classifyAndNearestOnThirtyThousandExamples() {
            let t = run(Self.large + " c = Classify[xs -> (If[#[[1]] > 5, \"right\", \"left\"] & /@ xs), Method -> \"NearestNeighbors\"]; " +
                        "m = ClassifierMeasurements[c, Thread[xs[[;; 3000]] -> (If[#[[1]] > 5, \"right\", \"left\"] & /@ xs[[;; 3000]])], \"Accuracy\"]; " +
                        "nf = Nearest[xs -> \"Index\"]; {c[{7., 1.}], m > 0.98, nf[xs[[;; 2000]], 1] == List /@ Range[2000]}")
            #expect(t.messages.isEmpty, "\(t.messages)")
            #expect(t.result == "{right, True, True}")
        }

        @Test(arguments: [
            // The outlier in the data is found by the detector learned from that data.
            ("d = AnomalyDetection[{1, 2, 1.5, 2.2, 1.1, 50}]; FindAnomalies[d, {1, 2, 1.5, 2.2, 1.1, 50}]", "{50}"),
            ("FindAnomalies[{1, 2, 1.5, 2.2, 1.1, 50}]", "{50}"),
            ("DeleteAnomalies[{1, 2, 1.5, 2.2, 1.1, 50}]", "{1, 2, 1.5, 2.2, 1.1}"),
            ("FindAnomalies[{1, 2, 1.5, 2.2, 1.1, 50}, Method -> \"KernelDensityEstimation\"]", "{50}"),
            ("SeedRandom[2]; FindAnomalies[Append[RandomReal[NormalDistribution[], 200], 9.]]", "{9.}"),
            // A detector made from a given distribution models it as it is.
            ("AnomalyDetection[LearnDistribution[{1, 2, 1.5, 2.2, 1.1, 50}, Method -> \"Multinormal\"]][50]", "False"),
            ("FindClusters[{1, 2, 3, 10, 11, 12}, Method -> \"DBSCAN\"]", "{{1, 2, 3}, {10, 11, 12}}"),
            ("FindClusters[{1., 2., 3., 4., 20., 21., 22., 23.}, Method -> \"DBSCAN\"]", "{{1., 2., 3., 4.}, {20., 21., 22., 23.}}"),
            ("Predict[{1 -> 2., 2 -> 4., 3 -> 6.}, 5]", "10."),
            ("Predict[{{1, 1} -> 2., {2, 2} -> 4., {3, 3} -> 6.}, {5, 5}]", "10."),
            ("Predict[{{1, 0} -> 1., {2, 0} -> 2., {3, 0} -> 3.}, {4, 0}]", "4."),
        ])
        func userCases(_ input: String, _ expected: String) {
            let t = run(input)
            #expect(t.messages.isEmpty, "\(input): \(t.messages)")
            #expect(t.result == expected, "\(input)")
        }

        /// y = 2x exactly: a missing y is drawn near 2x (the multinormal's conditional deviation
        /// is tiny), not copied from the nearest complete example.
        @Test func missingValuesAreDrawnConditionally() {
            let t = run("SeedRandom[4]; s = SynthesizeMissingValues[Append[Table[{x, 2 x}, {x, 1., 20}], {7.5, Missing[]}], Method -> \"Multinormal\"]; Abs[s[[-1, 2]] - 15.] < 0.01")
            #expect(t.messages.isEmpty, "\(t.messages)")
            #expect(t.result == "True")
        }
    }
}
