import Foundation
import Learn
import Testing

extension KernelSuite {
    /// UMAP, the autoencoder and gradient-boosted trees as a user calls them, against
    /// umap-learn and scikit-learn (Tests/LearnTests/Fixtures/embedding/make_embedding_fixtures.py).
    @Suite struct Embedding {
        nonisolated(unsafe) static let fixture = fixtureObject("../LearnTests/Fixtures/embedding/embedding.json") as? [String: Any] ?? [:]

        static func matrix(_ k: String) -> [[Double]] { fixture[k] as? [[Double]] ?? [] }
        static func ints(_ k: String) -> [Int] { fixture[k] as? [Int] ?? [] }
        static func number(_ k: String) -> Double { fixture[k] as? Double ?? .nan }
        static let literal = KernelSuite.Unsupervised.literal
        static let numbers = KernelSuite.Unsupervised.numbers

        @Test func umapKeepsDigitNeighbourhoods() {
            let x = Self.matrix("digits_x")
            let out = Self.numbers(eval("InputForm[DimensionReduce[\(Self.literal(x)), 2, Method -> \"UMAP\"]]"))
            #expect(out.count == 2 * x.count)
            let y = stride(from: 0, to: out.count - 1, by: 2).map { [out[$0], out[$0 + 1]] }
            #expect(trustworthiness(x, y) > Self.number("umap_trustworthiness") - 0.02)
        }

        @Test func umapReducerAppliesToNewData() {
            let x = Self.literal(Array(Self.matrix("digits_x").prefix(120)))
            #expect(eval("DimensionReduction[\(x), Method -> \"UMAP\"]") == "DimensionReducerFunction[<UMAP, 64 -> 2>]")
            #expect(eval("r = DimensionReduction[\(x), Method -> \"UMAP\"]; Dimensions[r[\(x)[[{1, 2, 3}]]]]") == "{3, 2}")
        }

        @Test func autoEncoderReconstructsData() {
            let out = Self.numbers(eval("""
                SeedRandom[2]; ab = RandomReal[{-1, 1}, {150, 2}]; x = Map[{#[[1]], #[[2]], #[[1]] + #[[2]], #[[1]] - #[[2]]} &, ab];
                r = DimensionReduction[x, 2, Method -> "AutoEncoder"];
                InputForm[Max[Abs[r[x, "ReconstructedData"] - x]]]
                """))
            #expect(out.count == 1 && (out.first ?? 1) < 0.3, "\(out)")
            #expect(eval("DimensionReduction[{{1, 2, 3}, {2, 3, 5}, {0, 1, 1}}, 1, Method -> \"AutoEncoder\"]")
                    == "DimensionReducerFunction[<AutoEncoder, 3 -> 1>]")
        }

        @Test func gradientBoostedTreesClassifyAsScikitLearnDoes() {
            let x = Self.literal(Self.matrix("boost_x")), tx = Self.literal(Self.matrix("boost_tx"))
            let y = "{" + Self.ints("boost_y").map(String.init).joined(separator: ", ") + "}"
            let predicted = Self.numbers(eval("Classify[\(x) -> \(y), Method -> \"GradientBoostedTrees\"][\(tx)]")).map(Int.init)
            let truth = Self.ints("boost_ty")
            #expect(predicted.count == truth.count)
            let accuracy = Double(zip(predicted, truth).filter { $0 == $1 }.count) / Double(Swift.max(truth.count, 1))
            #expect(accuracy > Self.number("boost_accuracy") - 0.03, "\(accuracy)")
        }

        @Test(arguments: [
            ("DimensionReduce[{{1, 2}, {3, 5}, {2, 2}, {0, 1}}, Method -> {\"UMAP\", \"NeighborsNumber\" -> 1}]", "DimensionReduce::neigh"),
            ("DimensionReduction[{{1, 2}, {3, 5}, {2, 2}, {0, 1}}, 1, Method -> \"UMAP\"][{1, 2}, \"ReconstructedData\"]", "DimensionReducerFunction::recon"),
            ("DimensionReduce[{{1, 2}}, 1, Method -> \"UMAP\"]", "DimensionReduce::data"),
        ])
        func badInputGivesAMessage(_ input: String, _ tag: String) {
            let t = run(input)
            #expect(t.messages.contains { $0.hasPrefix(tag + ":") }, "\(input): \(t.messages)")
        }
    }
}
