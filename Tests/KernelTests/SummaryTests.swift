import Testing

extension KernelSuite {
    /// What a learner sees of nets, learners and their results: `Information[value]` summaries
    /// (fields and tables in text), `value["Properties"]`, `Options[value]`, a clear message for
    /// `value[[1]]`, and the text forms of images and arrays.
    @Suite struct Summaries {
        static let classifier = "c = Classify[{1 -> a, 2 -> a, 3 -> a, 7 -> b, 8 -> b, 9 -> b}];"
        static let predictor = "p = Predict[{1 -> 2., 2 -> 4., 3 -> 6.1, 4 -> 7.9}];"

        @Test func chainSummaryListsLayersWithoutRepeatingTheirPositions() {
            let text = eval("Information[NetInitialize[NetChain[{LinearLayer[5], Ramp, LinearLayer[2]}, \"Input\" -> 3]]]")
            let lines = text.split(separator: "\n").map(String.init)
            #expect(lines.first == "NetChain[<3 layers>]", "\(text)")
            #expect(text.contains("Input:      vector of size 3") && text.contains("Output:     vector of size 2"), "\(text)")
            #expect(text.contains("Parameters: 32"), "\(text)")
            let header = lines.first { $0.contains("type") && $0.contains("output") } ?? ""
            #expect(header.split(separator: " ") == ["#", "type", "output", "parameters"], "\(text)")
            let first = lines.first { $0.contains("LinearLayer") } ?? ""
            #expect(first.split(separator: " ").map(String.init) == ["1", "LinearLayer", "vector", "of", "size", "5", "20"], "\(text)")
            #expect(text.contains("ElementwiseLayer[Ramp]"), "\(text)")
            #expect(eval("Information[LinearLayer[2]]").contains("Initialized: no"))
        }

        @Test func namedChainShowsNames() {
            let text = eval("Information[NetChain[<|\"hidden\" -> LinearLayer[4], \"act\" -> Tanh|>, \"Input\" -> 2]]")
            #expect(text.contains("name") && text.contains("hidden") && text.contains("act"), "\(text)")
        }

        @Test func graphSummaryListsEdges() {
            let text = eval("""
                Information[NetGraph[<|"lin" -> LinearLayer[3], "relu" -> Ramp, "add" -> TotalLayer[]|>,
                  {"lin" -> "relu", {"relu", "lin"} -> "add"}, "Input" -> 3]]
                """)
            #expect(text.contains("Nodes:") && text.contains("Edges:"), "\(text)")
            let edges = text.components(separatedBy: "Edges:").last ?? ""
            let rows = edges.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
            #expect(rows.contains("Input lin"), "\(text)")
            #expect(rows.contains("lin relu"), "\(text)")
            #expect(rows.contains("relu add (input 1)") && rows.contains("lin add (input 2)"), "\(text)")
            #expect(rows.contains("add Output"), "\(text)")
        }

        @Test func classifierSummary() {
            let text = eval(Self.classifier + " Information[c]")
            #expect(text.hasPrefix("ClassifierFunction\n"), "\(text)")
            for field in ["Input type:        Numerical", "Classes:           a, b", "Training examples: 6", "Accuracy:          1."] {
                #expect(text.contains(field), "\(field) in \(text)")
            }
            #expect(eval("c = Classify[{1 -> a, 2 -> b}, Method -> \"NaiveBayes\"]; Information[c]").contains("Accuracy:          not measured"))
            #expect(eval(Self.classifier + " c[\"Properties\"]") == eval(Self.classifier + " Information[c, \"Properties\"]"))
            #expect(eval(Self.classifier + " Information[c, \"ExampleNumber\"]") == "6")
        }

        @Test func optionsOfLearners() {
            #expect(eval("c = Classify[{1 -> a, 2 -> b}, Method -> \"NaiveBayes\"]; Options[c, Method]") == "{Method -> NaiveBayes}")
            #expect(eval("c = Classify[{1 -> a, 2 -> b}, Method -> \"NaiveBayes\"]; Options[c]") == "{Method -> NaiveBayes, FeatureExtractor -> Identity, IndeterminateThreshold -> 0., ClassPriors -> Automatic}")
            #expect(eval(Self.predictor + " Method /. Options[p]") == "LinearRegression")
        }

        /// A NumericArray's rows, columns, spans and lists of positions are NumericArrays again;
        /// an element is a number; a span past the end is `Part::partw`.
        @Test func partsOfANumericArray() {
            let na = "na = NumericArray[{{1, 2}, {3, 4}, {5, 6}}, \"Real32\"];"
            #expect(eval(na + " na[[2 ;; 3]]") == "NumericArray[<Real32, 2x2>]")
            #expect(eval(na + " Normal[na[[All, 2]]]") == "{2., 4., 6.}")
            #expect(eval(na + " Normal[na[[{3, 1}, 1]]]") == "{5., 1.}")
            #expect(eval(na + " na[[-1, -1]]") == "6.")
            #expect(eval(na + " Normal[na[[2]]]") == "{3., 4.}")
            let missing = run(na + " na[[5 ;; 6]]")
            #expect(missing.messages.count == 1 && (missing.messages.first ?? "").hasPrefix("Part::partw:"), "\(missing.messages)")
        }

        /// A ClassifierFunction takes parts as Wolfram's `ClassifierFunction[<|...|>]`; a part it
        /// lacks is `Part::partw`, not a crash.
        @Test func partOfAnObjectIsAMessageNotACrash() {
            let t = run(Self.classifier + " c[[1]]")
            #expect(t.messages.isEmpty, "\(t.messages)")
            #expect(t.result.hasPrefix("<|Method -> RandomForest, Classes -> {a, b}"), "\(t.result)")
            let missing = run(Self.classifier + " c[[2]]")
            #expect(missing.messages.count == 1 && (missing.messages.first ?? "").hasPrefix("Part::partw:"), "\(missing.messages)")
            #expect(missing.result == "ClassifierFunction[<RandomForest, 2 classes>][[2]]", "\(missing.result)")
        }

        @Test func predictorInformationIsItsSummary() {
            let text = eval(Self.predictor + " Information[p]")
            #expect(!text.contains("Global`") && text.hasPrefix("PredictorFunction\n"), "\(text)")
            #expect(text.contains("Training examples:           4") && text.contains("Input type:                  Numerical"), "\(text)")
            #expect(eval(Self.predictor + " Information[p, \"ExampleNumber\"]") == "4")
            #expect(eval(Self.predictor + " p[\"Properties\"]").contains("Method"))
        }

        @Test func measurementsSummaryHasConfusionMatrix() {
            let text = eval(Self.classifier + " Information[ClassifierMeasurements[c, {1 -> a, 9 -> b, 8 -> a}]]")
            #expect(text.contains("Test examples: 3") && text.contains("Accuracy:      0.666667"), "\(text)")
            #expect(text.contains("Confusion matrix"), "\(text)")
            let rows = text.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
            #expect(rows.contains("a 1 1") && rows.contains("b 0 1"), "\(text)")
        }

        @Test func trainingResultsSummary() {
            let text = eval("r = NetTrain[LinearLayer[1, \"Input\" -> 1], {{1.} -> {2.}, {2.} -> {4.}}, All, MaxTrainingRounds -> 2, TrainingProgressReporting -> None]; Information[r]")
            #expect(text.hasPrefix("NetTrainResultsObject\n") && text.contains("Rounds:") && text.contains("TrainedNet"), "\(text)")
            #expect(eval("r = NetTrain[LinearLayer[1, \"Input\" -> 1], {{1.} -> {2.}}, All, MaxTrainingRounds -> 1, TrainingProgressReporting -> None]; MemberQ[r[\"Properties\"], \"TrainedNet\"]") == "True")
        }

        @Test func fittedModelSummary() {
            let text = eval("Information[LinearModelFit[{{1, 2.1}, {2, 3.9}, {3, 6.2}}, x, x]]")
            #expect(text.hasPrefix("FittedModel\n") && text.contains("Data points: 3") && text.contains("Estimate"), "\(text)")
        }

        @Test func imagesAndArraysPrintAsSummaries() {
            #expect(eval("Image[{{0, 1}, {1, 0}}]") == "-Image- (2x2 Grayscale)")
            #expect(eval("{Image[{{0, 1}, {1, 0}}]}") == "{-Image- (2x2 Grayscale)}")
            #expect(eval("NetExtract[NetInitialize[LinearLayer[2, \"Input\" -> 3]], \"Weights\"]") == "NumericArray[<Real32, 2x3>]")
            #expect(eval("Information[Image[{{0, 1}, {1, 0}}]]").contains("Color space: Grayscale"))
        }
    }
}
