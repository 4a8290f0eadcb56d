import Foundation
import Testing

extension KernelSuite {
    /// Classify's two-argument shortcut, a predictor's properties, and PredictorMeasurements as an object.
    @Suite struct ClassifyPredict {
        @Test(arguments: [
            ("Classify[{1 -> a, 2 -> b, 8 -> c, 9 -> c}, 8.5]", "c"),
            ("Classify[{1 -> a, 2 -> a, 8 -> b, 9 -> b}, {0, 10}]", "{a, b}"),
            ("Head[Classify[{1 -> a, 2 -> a, 8 -> b, 9 -> b}, 1, \"Probabilities\"]]", "Association"),
            ("Classify[{\"red\" -> \"warm\", \"blue\" -> \"cold\", \"orange\" -> \"warm\"}, \"red\"]", "warm"),
            ("p = Predict[{1 -> 2., 2 -> 4., 3 -> 6.}]; Head[p[4, \"Distribution\"]]", "NormalDistribution"),
            ("p = Predict[{1 -> 2., 2 -> 4., 3 -> 6.}]; Round[p[4, \"Distribution\"][[1]], 0.001]", "8."),
            ("p = Predict[{1 -> 2., 2 -> 4., 3 -> 6.}]; Length[p[{4, 5}, \"Distribution\"]]", "2"),
            ("m = PredictorMeasurements[Predict[{1 -> 2., 2 -> 4., 3 -> 6.}], {4 -> 8., 5 -> 11.}]; {Round[m[\"Residuals\"], 0.001], m[\"RSquared\"] < 1}", "{{0., 1.}, True}"),
            ("m = PredictorMeasurements[Predict[{1 -> 2., 2 -> 4., 3 -> 6.}], {4 -> 8., 5 -> 10.}]; Round[m[{\"StandardDeviation\", \"MeanSquare\"}], 0.001]", "{0., 0.}"),
        ])
        func example(_ input: String, _ expected: String) {
            #expect(eval(input) == expected, "\(input)")
        }

        /// Texts are bags of words, not nominal values: an unseen sentence with a known word is classified by it.
        @Test func textsAreBagsOfWords() {
            let data = """
                data = {"the cat sat on the mat" -> "cat", "a cat purrs softly" -> "cat", "my cat sleeps all day" -> "cat",
                  "the kitten and the cat play" -> "cat", "the dog barks loudly" -> "dog", "a dog chased the ball" -> "dog",
                  "my dog loves walks" -> "dog", "the puppy and the dog run" -> "dog"};
                """
            for method in ["LogisticRegression", "NaiveBayes", "RandomForest"] {
                #expect(eval(data + " Classify[data, {\"my grey cat\", \"a big dog\"}, Method -> \"\(method)\"]") == "{cat, dog}", "\(method)")
            }
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("nets-text-\(UUID().uuidString).wmlf").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(eval(data + " c = Classify[data, Method -> \"LogisticRegression\"]; Export[\"\(path)\", c]; Import[\"\(path)\"][{\"my grey cat\", \"a big dog\"}]") == "{cat, dog}")
        }

        @Test func badPropertiesGiveMessages() {
            #expect(run("p = Predict[{1 -> 2., 2 -> 4., 3 -> 6.}]; p[1, \"Nope\"]").messages.contains { $0.hasPrefix("PredictorFunction::prop:") })
            #expect(run("m = PredictorMeasurements[Predict[{1 -> 2., 2 -> 4.}], {4 -> 8.}]; m[\"Nope\"]").messages.contains { $0.hasPrefix("PredictorMeasurementsObject::prop:") })
            #expect(run("PredictorMeasurements[3, {1 -> 2}]").messages.contains { $0.hasPrefix("PredictorMeasurements::arg:") })
        }
    }
}
