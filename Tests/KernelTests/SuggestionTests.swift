@testable import CoreKernel
import Language
import Testing

extension KernelSuite {
    /// Near-miss suggestions ("Did you mean ...?") from the one helper, `Suggestion`, and the
    /// messages that use it (issue 21, item 4).
    @Suite struct Suggestions {
        static let closest: [(String, [String], [String])] = [
            ("Stide", ["Stride", "Dilation", "PaddingSize", "Input"], ["Stride"]),
            ("mnist", ["MNIST", "FashionMNIST", "FisherIris"], ["MNIST"]),
            ("ReLu", ["ReLU", "ReLU6", "Ramp", "SELU", "ELU"], ["ReLU"]),
            ("Relu7", ["ReLU", "ReLU6", "Ramp", "SELU", "ELU"], ["ReLU", "ReLU6"]),
            ("mobilenet", ["MobileNet V2 Trained on ImageNet Competition Data", "Wolfram ImageIdentify Net V1"],
             ["MobileNet V2 Trained on ImageNet Competition Data"]),
            ("Lenght", ["Length", "Legend", "Last"], ["Length"]),
            ("Imag", ["Image", "Class", "Characters", "Tokens"], ["Image"]),
            ("xyzzy", ["Stride", "MNIST"], []),
            ("", ["Stride"], []),
            (String(repeating: "a", count: 10_000), [String(repeating: "a", count: 9_999)], []),
        ]

        @Test(arguments: closest)
        func findsCloseNames(_ word: String, _ candidates: [String], _ expected: [String]) {
            #expect(Suggestion.closest(word, among: candidates) == expected)
        }

        @Test func phrasesTheSuggestion() {
            #expect(Suggestion.didYouMean("Stide", among: ["Stride"]) == " Did you mean \"Stride\"?")
            #expect(Suggestion.didYouMean("Methd", among: ["Method"], quote: false) == " Did you mean Method?")
            #expect(Suggestion.didYouMean("Lenght", among: ["Length", "Lengths"]) == " Did you mean \"Length\" or \"Lengths\"?")
            #expect(Suggestion.didYouMean("qqqq", among: ["ReLU"]) == "")
        }

        static let messages: [(String, String)] = [
            ("ConvolutionLayer[8, 3, \"Stide\" -> 2]",
             "ConvolutionLayer::optx: Unknown option \"Stide\" in ConvolutionLayer[8, 3, \"Stide\" -> 2]. Did you mean \"Stride\"?"),
            ("PoolingLayer[2, \"Fuction\" -> Max]", "Did you mean \"Function\"?"),
            ("NetModel[\"mobilenet\"]",
             "NetModel::notmodel: There is no model named \"mobilenet\"; NetModel[] lists them. Did you mean \"MobileNet V2 Trained on ImageNet Competition Data\"?"),
            ("ElementwiseLayer[\"ReLu\"]",
             "ElementwiseLayer::invfunc: \"ReLu\" cannot be used as an elementwise function. Did you mean \"ReLU\"?"),
            ("NetEncoder[\"Imag\"]", "Did you mean \"Image\"?"),
            ("NetEncoder[{\"Image\", {28, 28}, \"ColorSpac\" -> \"Grayscale\"}]", "Did you mean \"ColorSpace\"?"),
            ("NetDecoder[{\"Clas\", {a, b}}]", "Did you mean \"Class\"?"),
            ("Classify[{1 -> a, 2 -> b}, Methd -> \"NearestNeighbors\"]", "Did you mean Method?"),
            ("NetGraph[{LinearLayer[2]}, {}, \"Inptu\" -> 3]", "NetGraph::optx: Unknown option \"Inptu\" for NetGraph. Did you mean \"Input\"?"),
            ("NetGraph[{LinearLayer[2], TotalLayer[]}, {NetPort[\"State\"] -> 2, 1 -> 2}, \"Stat\" -> 2, \"Input\" -> 3]", "Did you mean \"State\"?"),
        ]

        @Test(arguments: messages)
        func messagesSuggest(_ input: String, _ expected: String) {
            let said = run(input).messages
            #expect(said.contains { $0 == expected || (!expected.contains("::") && $0.hasSuffix(expected)) }, "\(input): \(said)")
        }
    }

    /// Messages in the Wolfram Language's words: shapes, counts, symbols as written (issue 21).
    @Suite struct MessageWording {
        static let cases: [(String, String)] = [
            // A target that does not fit the net's output, in shapes as Wolfram writes them.
            ("NetTrain[NetChain[{LinearLayer[1]}, \"Input\" -> 2], {{1., 2.} -> 3., {2., 3.} -> 4.}, MaxTrainingRounds -> 1]",
             "NetTrain::invtarget: Each target is a scalar, but the net's output is a vector of size 1."),
            ("NetTrain[NetChain[{LinearLayer[{3, 1}]}, \"Input\" -> 2], {{1., 2.} -> {1., 2., 3.}}, MaxTrainingRounds -> 1]",
             "NetTrain::invtarget: Each target is a vector of size 3, but the net's output is a 3x1 matrix."),
            ("ReshapeLayer[{2, 3, 4}, \"Input\" -> 5]",
             "ReshapeLayer::incompat: A vector of size 5 cannot be reshaped to an array of dimensions 2x3x4."),
            ("LinearLayer[4, \"Weights\" -> {{1., 2.}}]", "LinearLayer::invarr: Weights with 1 row cannot give a vector of size 4."),
            // A class symbol keeps its case.
            ("NetTrain[NetChain[{LinearLayer[2], SoftmaxLayer[]}, \"Input\" -> 1, \"Output\" -> NetDecoder[{\"Class\", {a, b}}]], {{1.} -> a, {2.} -> c}, MaxTrainingRounds -> 1]",
             "NetTrain::invtarget: The target c is not one of the classes a, b."),
        ]

        @Test(arguments: cases)
        func says(_ input: String, _ expected: String) {
            let said = run(input).messages
            #expect(said.contains(expected), "\(input): \(said)")
        }

        @Test func oneLetterValuesKeepTheirCase() {
            #expect(sentence("c is not one of the classes a, b") == "c is not one of the classes a, b.")
            #expect(sentence("a vector of size 3 cannot be reshaped") == "A vector of size 3 cannot be reshaped.")
            #expect(sentence("unknown option. Did you mean \"Stride\"?") == "Unknown option. Did you mean \"Stride\"?")
        }
    }
}
