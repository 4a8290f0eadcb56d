import CoreKernel
import Foundation
@testable import NetsKernel
import LearnKernel
import Testing

extension KernelSuite {
    /// Sequence layers and text encoders from the language, NetMeasurements, and the small
    /// fixes that came with them (printing, encoder forms, validation, progress lines).
    @Suite struct SequenceNets {
        @Test func elementwiseLayersPrintTheirFunction() {
            #expect(eval("ElementwiseLayer[Ramp]") == "ElementwiseLayer[Ramp]")
            #expect(eval("ElementwiseLayer[\"SELU\"]") == "ElementwiseLayer[\"SELU\"]")
            #expect(eval("ElementwiseLayer[Sin[2 #] + 1 &]") == "ElementwiseLayer[Sin[2 #] + 1 &]")
            let table = eval("Information[NetChain[{LinearLayer[2], Ramp}, \"Input\" -> 3]]")
            #expect(table.contains("ElementwiseLayer[Ramp]"), "\(table)")
            #expect(!table.contains("ElementwiseLayer[<"), "\(table)")
        }

        @Test func imageEncoderTakesColorSpaceAsThirdArgument() {
            #expect(eval("NetEncoder[{\"Image\", {28, 28}, \"Grayscale\"}]") == "NetEncoder[<Image, 28x28 Grayscale>]")
            #expect(eval("Information[NetChain[{FlattenLayer[]}, \"Input\" -> NetEncoder[{\"Image\", {4, 3}, \"Grayscale\"}]], \"OutputPorts\"]") == "<|Output -> {12}|>")
            let t = run("NetEncoder[{\"Image\", {28, 28}, \"CMYK\"}]")
            #expect(t.result == "$Failed" && t.messages.count == 1)
        }

        @Test func validationSetScaled() {
            let rounds = eval("Length[NetTrain[LinearLayer[1, \"Input\" -> 1], Table[{x} -> {2 x}, {x, 1., 20}], \"ValidationLossList\", ValidationSet -> Scaled[0.1], MaxTrainingRounds -> 3, TrainingProgressReporting -> None]]")
            #expect(rounds == "3")
            // Even a small data set keeps one example for validation.
            #expect(eval("Length[NetTrain[LinearLayer[1, \"Input\" -> 1], {{1.} -> {2.}, {2.} -> {4.}, {3.} -> {6.}}, \"ValidationLossList\", ValidationSet -> Scaled[0.1], MaxTrainingRounds -> 2, TrainingProgressReporting -> None]]") == "2")
        }

        @Test func progressLinesWhenNotATerminal() {
            var every = RoundLines(interval: 0)
            #expect(every.line(round: 1, rounds: 2, loss: 0.5, validation: nil, elapsed: 0.1) == "Round 1/2: loss 0.5, 0.1 s")
            #expect(every.line(round: 2, rounds: 2, loss: 0.25, validation: 0.3, elapsed: 0.2) == "Round 2/2: loss 0.25, validation loss 0.3, 0.2 s")
            // A short training prints nothing; a long one a line every interval and the last round.
            var lines = RoundLines(interval: 5)
            let printed = (1...10).compactMap { r in lines.line(round: r, rounds: 10, loss: 1, validation: nil, elapsed: Double(r) * 1.5) }
            #expect(printed == ["Round 4/10: loss 1, 6.0 s", "Round 8/10: loss 1, 12.0 s", "Round 10/10: loss 1, 15.0 s"])
            var short = RoundLines(interval: 5)
            #expect((1...3).compactMap { short.line(round: $0, rounds: 3, loss: 1, validation: nil, elapsed: Double($0)) } == [])
        }

        @Test func textEncoders() {
            #expect(eval("NetEncoder[{\"Characters\", \"abc\"}][\"cabz\"]") == "{3., 1., 2., 4.}")
            #expect(eval("NetEncoder[{\"Characters\", {\"a\", \"b\"}, \"UnitVector\"}][\"ba\"]") == "{{0., 1., 0.}, {1., 0., 0.}}")
            #expect(eval("NetEncoder[{\"Characters\", \"ab\", \"TargetLength\" -> 4}][\"abbab\"]") == "{1., 2., 2., 1.}")
            #expect(eval("NetEncoder[{\"Characters\", \"ab\", \"TargetLength\" -> 3}][\"a\"]") == "{1., 3., 3.}")
            #expect(eval("NetEncoder[{\"Characters\", \"ab\", \"IgnoreCase\" -> True}][\"AB\"]") == "{1., 2.}")
            #expect(eval("Length[NetEncoder[\"Characters\"][\"Hi there\"]]") == "8")
            #expect(eval("NetEncoder[{\"Characters\", \"ab\"}][{\"ab\", \"b\"}]") == "{{1., 2.}, {2.}}")
            // Words and punctuation are tokens; unknown tokens get d + 1; case is ignored.
            #expect(eval("NetEncoder[{\"Tokens\", {\"the\", \"cat\", \"sat\", \".\"}}][\"The cat sat on the mat.\"]") == "{1., 2., 3., 5., 1., 5., 4.}")
            #expect(eval("NetEncoder[{\"Class\", {a, b, c}, \"UnitVector\"}][b]") == "{0., 1., 0.}")
            #expect(eval("NetEncoder[{\"Class\", {a, b, c}}][c]") == "3.")
            for bad in ["{\"Tokens\"}", "{\"Characters\", {}}", "{\"Characters\", \"aa\"}", "{\"Characters\", \"ab\", \"TargetLength\" -> 0}",
                        "{\"Characters\", \"ab\", \"Foo\" -> 1}", "{\"Class\", {a}, \"Bits\"}"] {
                let t = run("NetEncoder[\(bad)]")
                #expect(t.result == "$Failed" && t.messages.count == 1, "\(bad): \(t.messages)")
            }
        }

        @Test func sequenceLayersFromTheLanguage() {
            #expect(eval("SequenceLastLayer[][{{1., 2.}, {3., 4.}, {5., 6.}}]") == "{5., 6.}")
            #expect(eval("SequenceReverseLayer[][{1., 2., 3.}]") == "{3., 2., 1.}")
            // s1 = Tanh[{1, 1}], s2 = Tanh[{2, 2} + s1].
            #expect(eval("BasicRecurrentLayer[2, \"InputWeights\" -> {{1, 2, 3}, {1, 2, 3}}, \"StateWeights\" -> {{1, 0}, {0, 1}}, \"Biases\" -> {0, 0}][{{1, 0, 0}, {0, 1, 0}}]")
                    == "{{0.761594, 0.761594}, {0.992046, 0.992046}}")
            #expect(eval("AggregationLayer[Max, 1][{{1., 8.}, {3., 4.}}]") == "{3., 8.}")
            #expect(eval("AggregationLayer[Total, 1][{{1., 8.}, {3., 4.}}]") == "{4., 12.}")
            #expect(eval("Information[LongShortTermMemoryLayer[3, \"Input\" -> {5, 2}], \"OutputPorts\"]") == "<|Output -> {5, 3}|>")
            #expect(eval("Information[GatedRecurrentLayer[3, \"Input\" -> {5, 2}], \"ArraysTotalElementCount\"]") == "54")
            #expect(eval("NetInitialize[EmbeddingLayer[2, 3], RandomSeeding -> 1][{1, 1}] // Dimensions") == "{2, 2}")
            // An EmbeddingLayer after a text encoder embeds its codes, unknown ones included.
            #expect(eval("Information[NetChain[{EmbeddingLayer[4]}, \"Input\" -> NetEncoder[{\"Characters\", \"abc\", \"TargetLength\" -> 5}]], \"ArraysTotalElementCount\"]") == "16")
            for bad in ["EmbeddingLayer[]", "EmbeddingLayer[0]", "LongShortTermMemoryLayer[]", "BasicRecurrentLayer[-2]",
                        "SequenceMostLayer[\"Input\" -> {1}]", "BasicRecurrentLayer[2, \"InputWeights\" -> {{1, 2, 3}}]",
                        "BasicRecurrentLayer[2, \"StateWeights\" -> {{1, 2}}]", "BasicRecurrentLayer[2, \"Biases\" -> {1}]",
                        "GatedRecurrentLayer[2, \"InputGateInputWeights\" -> {{1, 2}, {3, 4}}, \"ResetGateInputWeights\" -> {{1, 2, 3}, {3, 4, 5}}]", "LongShortTermMemoryLayer[2, \"Input\" -> 3]", "SequenceLastLayer[2]", "AggregationLayer[Max, 2]"] {
                let t = run(bad)
                #expect(t.result == "$Failed" && t.messages.count == 1, "\(bad): \(t.messages) \(t.result)")
            }
            let t = run("NetInitialize[EmbeddingLayer[2, 3], RandomSeeding -> 1][{1, 4}]")
            #expect(t.result == "$Failed" && t.messages.count == 1, "\(t.messages)")
        }

        /// Strings of different lengths train in groups of one length and run at any length;
        /// SequenceLastLayer takes each string's true last character.
        @Test func varyingLengthStrings() {
            let t = run("""
                net = NetChain[{EmbeddingLayer[8], GatedRecurrentLayer[8], SequenceLastLayer[], LinearLayer[2], SoftmaxLayer[]},
                  "Input" -> NetEncoder[{"Characters", "ab"}], "Output" -> NetDecoder[{"Class", {"endsA", "endsB"}}]];
                data = {"a" -> "endsA", "ba" -> "endsA", "bba" -> "endsA", "abba" -> "endsA", "bbbba" -> "endsA",
                  "b" -> "endsB", "ab" -> "endsB", "aab" -> "endsB", "baab" -> "endsB", "aaaab" -> "endsB"};
                trained = NetTrain[net, data, MaxTrainingRounds -> 300, LearningRate -> 0.02, RandomSeeding -> 3, TrainingProgressReporting -> None];
                {trained[{"aaaaaab", "bbbbbba", "aba", "bab"}], NetMeasurements[trained, data, "Accuracy"]}
                """)
            #expect(t.messages == [])
            #expect(t.result == "{{endsB, endsA, endsA, endsB}, 1.}")
        }

        /// NetInitialize makes the arrays of a net on strings of varying length; its sequence
        /// shapes stay open, and it runs on any string.
        @Test func initializeVaryingLengthNet() {
            let t = run("""
                net = NetInitialize[NetChain[{EmbeddingLayer[4], LongShortTermMemoryLayer[6], SequenceLastLayer[], LinearLayer[2], SoftmaxLayer[]},
                  "Input" -> NetEncoder[{"Characters", "ab"}], "Output" -> NetDecoder[{"Class", {"x", "y"}}]], RandomSeeding -> 1];
                {Information[net, "ArraysTotalElementCount"], Length[net[{"ab", "abba", "b"}]], Information[net, "InputPorts"]}
                """)
            #expect(t.messages == [])
            #expect(t.result.hasPrefix("{290, 3, "), "\(t.result)")
        }

        @Test func netMeasurements() {
            let fixed = "n = NetChain[{LinearLayer[2, \"Weights\" -> {{-1}, {1}}, \"Biases\" -> {0, 0}], SoftmaxLayer[]}, \"Input\" -> 1, \"Output\" -> NetDecoder[{\"Class\", {\"lo\", \"hi\"}}]]; data = {{-1} -> \"lo\", {-2} -> \"lo\", {1} -> \"hi\", {-0.5} -> \"hi\"};"
            #expect(eval(fixed + "NetMeasurements[n, data, \"Accuracy\"]") == "0.75")
            #expect(eval(fixed + "NetMeasurements[n, data, {\"ConfusionMatrix\", \"Precision\", \"Recall\", \"ErrorRate\"}]")
                    == "{{{2, 0}, {1, 1}}, <|lo -> 0.666667, hi -> 1.|>, <|lo -> 1., hi -> 0.5|>, 0.25}")
            // The loss is the mean cross-entropy: -Mean[Log[p of the true class]].
            let p = [1 / (1 + Foundation.exp(-2.0)), 1 / (1 + Foundation.exp(-4.0)), 1 / (1 + Foundation.exp(-2.0)), 1 / (1 + Foundation.exp(1.0))]
            let loss = -p.map { Foundation.log($0) }.reduce(0, +) / 4
            #expect(abs((Double(eval(fixed + "NetMeasurements[n, data, \"Loss\"]")) ?? 0) - loss) < 1e-5)
            #expect(eval(fixed + "NetMeasurements[n, data, \"Accuracy\", ComputeUncertainty -> True]").hasPrefix("0.8 ± 0.2"))
            // Regression: residuals 0 and -1.
            #expect(eval("NetMeasurements[LinearLayer[1, \"Weights\" -> {{2}}, \"Biases\" -> {0}, \"Input\" -> 1], {{1} -> {2}, {2} -> {5}}, {\"Loss\", \"MeanSquare\", \"MeanDeviation\", \"StandardDeviation\", \"RSquared\"}]")
                    == "{0.5, 0.5, 0.5, 0.707107, 0.777778}")
            for bad in ["NetMeasurements[3, {1 -> 2}, \"Accuracy\"]", fixed + "NetMeasurements[n, data, \"Foo\"]",
                        fixed + "NetMeasurements[n, {{1} -> \"maybe\"}, \"Accuracy\"]", fixed + "NetMeasurements[n, {}, \"Accuracy\"]"] {
                let t = run(bad)
                #expect(t.result == "$Failed" && t.messages.count == 1, "\(bad): \(t.messages)")
            }
        }
    

        @Test func attentionAndMapFromTheLanguage() {
            #expect(eval("Information[NetMapOperator[LinearLayer[2], \"Input\" -> {5, 3}], \"OutputPorts\"]") == "<|Output -> {5, 2}|>")
            #expect(eval("NetMapOperator[NetChain[{LinearLayer[3], Ramp}], \"Input\" -> {4, 2}]") == "NetChain[<2 layers, uninitialized>]")
            // Self-attention by "Dot": one key of weight 1/2 each; named ports in a graph.
            #expect(eval("AttentionLayer[\"Dot\"][<|\"Key\" -> {{0.}, {0.}}, \"Value\" -> {{1.}, {3.}}, \"Query\" -> {{1.}, {2.}}|>]") == "{{2.}, {2.}}")
            let graph = "g = NetGraph[<|\"q\" -> NetMapOperator[LinearLayer[4]], \"k\" -> NetMapOperator[LinearLayer[4]], \"att\" -> AttentionLayer[\"Dot\", \"ScoreRescaling\" -> \"DimensionSqrt\", \"Mask\" -> \"Causal\"], \"last\" -> SequenceLastLayer[], \"out\" -> LinearLayer[2], \"p\" -> SoftmaxLayer[]|>, {\"q\" -> NetPort[\"att\", \"Query\"], \"k\" -> NetPort[\"att\", \"Key\"], \"att\" -> \"last\" -> \"out\" -> \"p\"}, \"Input\" -> {5, 3}];"
            #expect(eval(graph + "Information[g, \"OutputPorts\"]") == "<|Output -> {2}|>")
            #expect(eval(graph + "Dimensions[NetInitialize[g, RandomSeeding -> 1][RandomReal[1, {5, 3}]]]") == "{2}")
            // It trains: the class is the sign of the sum of the elements' first entries, which the
            // last query sees through the causal attention over all of them.
            let data = "SeedRandom[3]; data = Table[With[{x = RandomReal[{-1, 1}, {5, 3}]}, x -> If[Total[x[[All, 1]]] > 0, 1, 2]], {64}];"
            let trained = eval(graph + data + "t = NetTrain[g, data, All, MaxTrainingRounds -> 30, BatchSize -> 8, LearningRate -> 0.02, RandomSeeding -> 1, TrainingProgressReporting -> None]; {First[t[\"RoundLossList\"]] > 2 Last[t[\"RoundLossList\"]]}")
            #expect(trained == "{True}")
            // The stdlib's Transformer block and LeNet, and a block on sequences of any length.
            #expect(eval("Information[TransformerEncoderBlock[8, 2, 16, \"Input\" -> {5, 8}], \"OutputPorts\"]") == "<|Output -> {5, 8}|>")
            #expect(eval("Information[LeNetArchitecture[], \"OutputPorts\"]") == "<|Output -> NetDecoder[<Class, 10 classes>]|>")
            #expect(eval("net = NetInitialize[TransformerEncoderBlock[4, 2, 8, \"Input\" -> {\"Varying\", 4}], RandomSeeding -> 1]; Dimensions /@ {net[RandomReal[1, {3, 4}]], net[RandomReal[1, {6, 4}]]}") == "{{3, 4}, {6, 4}}")
            for bad in ["AttentionLayer[\"Cosine\"]", "AttentionLayer[\"Mask\" -> \"Sideways\"]", "NormalizationLayer[0]",
                        "NetMapOperator[3]", "AttentionLayer[\"Dot\", \"Key\" -> {5, 4}, \"Query\" -> {2, 3}]"] {
                let t = run(bad)
                #expect(t.result == "$Failed" && t.messages.count == 1, "\(bad): \(t.messages)")
            }
        }

        /// NetFoldOperator: a running sum folded over a sequence, a step net with Tanh that
        /// trains, and the messages for nets it cannot fold.
        @Test func foldFromTheLanguage() {
            let sum = "fold = NetFoldOperator[NetGraph[<|\"cat\" -> CatenateLayer[], \"linear\" -> LinearLayer[1, \"Weights\" -> {{1, 1}}, \"Biases\" -> {0}]|>, {{NetPort[\"Input\"], NetPort[\"State\"]} -> \"cat\" -> \"linear\"}], \"Input\" -> {4, 1}];"
            #expect(eval(sum + "fold[{{1}, {2}, {3}, {4}}]") == "{{1.}, {3.}, {6.}, {10.}}")
            #expect(eval(sum + "Information[fold, \"ArraysTotalElementCount\"]") == "3")
            #expect(eval(sum + "NetExtract[fold, \"linear/Weights\"] // Normal") == "{{1., 1.}}")
            // Trained to keep a decaying sum s_t = x_t + s_{t-1} / 2 of the elements.
            let train = """
                step = NetGraph[<|"cat" -> CatenateLayer[], "linear" -> LinearLayer[1]|>, {{NetPort["Input"], NetPort["State"]} -> "cat" -> "linear"}];
                net = NetChain[{NetFoldOperator[step], SequenceLastLayer[]}, "Input" -> {5, 1}];
                SeedRandom[2]; data = Table[With[{x = RandomReal[{-1, 1}, {5, 1}]}, x -> {Fold[#2 + #1/2 &, 0, x[[All, 1]]]}], {40}];
                t = NetTrain[net, data, All, MaxTrainingRounds -> 200, BatchSize -> 8, LearningRate -> 0.02, RandomSeeding -> 1, TrainingProgressReporting -> None];
                {Last[t["RoundLossList"]] < First[t["RoundLossList"]]/100, Round[Normal[NetExtract[t["TrainedNet"], {1, "linear/Weights"}]], 0.05]}
                """
            let r = run(train)
            #expect(r.messages == [])
            #expect(r.result == "{True, {{1., 0.5}}}", "\(r.result)")
            for bad in ["NetFoldOperator[LinearLayer[2]]", "NetFoldOperator[NetGraph[{CatenateLayer[]}, {{NetPort[\"Input\"], NetPort[\"Other\"]} -> 1}]]",
                        "NetFoldOperator[NetGraph[{CatenateLayer[]}, {{NetPort[\"Input\"], NetPort[\"State\"]} -> 1}], {\"Output\" -> \"Input\"}]"] {
                let t = run(bad)
                #expect(t.result == "$Failed" && t.messages.count == 1, "\(bad): \(t.messages)")
            }
        }

        /// Strings of different lengths through a net that gives sequences run padded in one
        /// batch, each output cut to its string's length: the same as each string alone.
        @Test func varyingLengthSequenceOutputs() {
            let t = run("""
                net = NetInitialize[NetChain[{EmbeddingLayer[3], LongShortTermMemoryLayer[2], NetMapOperator[LinearLayer[2]]},
                  "Input" -> NetEncoder[{"Characters", "ab"}]], RandomSeeding -> 1];
                batch = net[{"ab", "abbab", "b"}];
                {Dimensions /@ batch, Max[Abs[Flatten[batch - {net["ab"], net["abbab"], net["b"]}]]] < 10^-5}
                """)
            #expect(t.messages == [])
            #expect(t.result == "{{{2, 2}, {5, 2}, {1, 2}}, True}", "\(t.result)")
        }
    }
}
