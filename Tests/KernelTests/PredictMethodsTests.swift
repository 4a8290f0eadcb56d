import Foundation
import Testing

extension KernelSuite {
    /// Predict's boosted trees, network and automatic search, Classify's PerformanceGoal, and
    /// anomaly detection, as a user calls them; the methods' quality against scikit-learn is
    /// tested in Tests/LearnTests/RegressionTests.swift.
    @Suite struct PredictMethods {
        /// y = x² + noise on 200 points: the trees and the network follow the curve, a line cannot.
        static let curve = "SeedRandom[7]; xs = RandomReal[{-2, 2}, 200]; data = Thread[xs -> xs^2 + RandomReal[{-0.1, 0.1}, 200]];"

        @Test(arguments: ["GradientBoostedTrees", "NeuralNetwork"])
        func nonlinearMethodsFollowACurve(_ method: String) {
            let t = run(Self.curve + " p = Predict[data, Method -> \"\(method)\"]; {p, Abs[p[1.5] - 2.25] < 0.3, Abs[p[0.] - 0.] < 0.3}")
            #expect(t.messages.isEmpty, "\(t.messages)")
            #expect(t.result == "{PredictorFunction[<\(method), 200 examples>], True, True}")
        }

        @Test func automaticPicksANonlinearMethodForACurve() {
            let t = run(Self.curve + " Information[Predict[data], \"Method\"]")
            #expect(["RandomForest", "GradientBoostedTrees", "NearestNeighbors"].contains(t.result), "\(t.result) \(t.messages)")
            #expect(eval(Self.curve + " Information[Predict[data, PerformanceGoal -> \"Speed\"], \"Method\"]") == "NearestNeighbors")
            // A line stays a line.
            #expect(eval("Information[Predict[Table[x -> 2 x + 1., {x, 20}]], \"Method\"]") == "LinearRegression")
        }

        @Test(arguments: [
            ("Predict[{1 -> 2., 2 -> 4., 3 -> 6.}, 2.5]", "5."),
            ("Predict[{1 -> 2., 2 -> 4., 3 -> 6.}, {1.5, 2.5}]", "{3., 5.}"),
            ("Information[Classify[Table[x -> If[x > 30, a, b], {x, 60}], PerformanceGoal -> \"Speed\"], \"Method\"] =!= \"RandomForest\"", "True"),
            ("Predict[<|1 -> 2., 2 -> 4., 3 -> 6.|>, 2.5]", "5."),
            ("Predict[{{1, 2.}, {2, 4.}, {3, 6.}} -> 2, 2.5]", "5."),
            ("Predict[{{2., 1}, {4., 2}, {6., 3}} -> 1, 2.5]", "5."),
            ("m = PredictorMeasurements[Predict[{1 -> 2., 2 -> 4.5, 3 -> 6.}], {4 -> 9., 5 -> 10.}]; {Round[m[\"MeanDeviation\"], 0.001], ImageDimensions[m[\"ResidualPlot\"]], StringContainsQ[m[\"Report\"], \"R squared\"]}", "{0.5, {320, 320}, True}"),
            ("c = Classify[{1 -> ill, 2 -> well, 3 -> well, 4 -> ill, 5 -> well, 6 -> ill, 7 -> ill, 1.5 -> well}, Method -> \"LogisticRegression\"]; p = c[3.5, \"Probabilities\"]; u = c[3.5, \"ExpectedUtilities\"]; {p[ill] < p[well], Keys[u] === Keys[p], Max[Abs[Values[u] - Values[p]]] < 10^-6}", "{True, True, True}"),
            ("c = Classify[{1 -> ill, 2 -> well, 3 -> well, 4 -> ill, 5 -> well, 6 -> ill, 7 -> ill, 1.5 -> well}, Method -> \"LogisticRegression\", UtilityFunction -> <|ill -> <|well -> -10|>|>]; {c[3.5], Round[c[3.5, \"ExpectedUtilities\"][well] + 10 c[3.5, {\"Probability\", ill}] - c[3.5, \"Probabilities\"][well], 10^-5]}", "{ill, 0.}"),
            ("c = Classify[{1 -> a, 2 -> a, 3 -> a, 4 -> b, 5 -> b, 6 -> b}, Method -> \"LogisticRegression\"]; ClassifierMeasurements[c, {1 -> a, 3.4 -> b, 6 -> b}, \"WorstClassifiedExamples\"][[1]]", "3.4 -> b"),
            ("Classify[{1 -> a, 2 -> a, 3 -> a, 7 -> b, 8 -> b, 9 -> b}, Method -> \"SupportVectorMachine\"][{1.5, 8.5}]", "{a, b}"),
            ("AnomalyDetection[{1, 2, 3, 4, 5, 6}, Method -> \"Multinormal\"][{3, 100}]", "{False, True}"),
            ("d = AnomalyDetection[{1, 2, 3, 4, 5, 6}, Method -> \"Multinormal\"]; {d[100], d[3, \"RarerProbability\"] > 0.5}", "{True, True}"),
            ("DeleteAnomalies[Append[Range[20], 100], Method -> \"Multinormal\"] == Range[20]", "True"),
            ("DeleteAnomalies[AnomalyDetection[Range[20], Method -> \"Multinormal\", AcceptanceThreshold -> 0.2], {10, 1, 40}]", "{10}"),
            ("FindAnomalies[Append[Range[20], 100], Method -> \"Multinormal\"]", "{100}"),
            ("SeedRandom[1]; s = SynthesizeMissingValues[Table[{x, 2 x}, {x, 1., 40}] ~Join~ {{10, Missing[]}}]; {Length[s], FreeQ[s, _Missing], Abs[s[[-1, 2]] - 20] < 6}", "{41, True, True}"),
            ("SeedRandom[1]; s = SynthesizeMissingValues[{1., 2., 3., Missing[], 2.5}]; {Length[s], NumberQ[s[[4]]]}", "{5, True}"),
        ])
        func examples(_ input: String, _ expected: String) {
            let t = run(input)
            #expect(t.result == expected, "\(input): \(t.messages)")
        }

        @Test(arguments: [
            ("Predict[{1 -> 2., 2 -> 4., 3 -> 6.}, Method -> \"Nonsense\"]", "Predict::method"),
            ("AnomalyDetection[{1, 2, 3}, AcceptanceThreshold -> 2]", "AnomalyDetection::thr"),
            ("SynthesizeMissingValues[{Missing[], Missing[]}]", "SynthesizeMissingValues::none"),
            ("DeleteAnomalies[]", "DeleteAnomalies::argt"),
            ("Classify[{1 -> a, 2 -> b}, UtilityFunction -> <|c -> <|a -> 1|>|>]", "Classify::utility"),
            ("Predict[{{1, 2.}, {2, 4.}} -> 5]", "Predict::data"),
        ])
        func badInputGivesAMessage(_ input: String, _ tag: String) {
            let t = run(input)
            #expect(t.messages.contains { $0.hasPrefix(tag + ":") }, "\(input): \(t.messages)")
        }
    }
}
