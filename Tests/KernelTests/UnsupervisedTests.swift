import Foundation
import Learn
import Testing

extension KernelSuite {
    /// FindClusters, ClusterClassify, DimensionReduce, Nearest and their kin, as a user calls them,
    /// against scikit-learn (Tests/LearnTests/Fixtures/unsupervised/make_fixtures.py).
    @Suite struct Unsupervised {
        nonisolated(unsafe) static let fixture = fixtureObject("../LearnTests/Fixtures/unsupervised/unsupervised.json") as? [String: Any] ?? [:]

        static func matrix(_ k: String) -> [[Double]] { fixture[k] as? [[Double]] ?? [] }
        static func ints(_ k: String) -> [Int] { fixture[k] as? [Int] ?? [] }

        /// A matrix as the language writes it.
        static func literal(_ m: [[Double]]) -> String {
            "{" + m.map { "{" + $0.map { String($0).replacingOccurrences(of: "e", with: "*^") }.joined(separator: ", ") + "}" }.joined(separator: ", ") + "}"
        }

        /// Numbers in printed output.
        static func numbers(_ s: String) -> [Double] {
            s.split(whereSeparator: { ",{} <|>".contains($0) }).compactMap { Double($0.replacingOccurrences(of: "*^", with: "e")) }
        }

        /// The partition FindClusters prints for `data -> Range[n]`, as a label per example.
        static func labels(_ printed: String, count n: Int) -> [Int] {
            var labels = [Int](repeating: -1, count: n)
            let groups = printed.dropFirst().dropLast().components(separatedBy: "}, {")
            for (g, text) in groups.enumerated() {
                for i in numbers(text) { if Int(i) >= 1 && Int(i) <= n { labels[Int(i) - 1] = g } }
            }
            return labels
        }

        @Test func findClustersRecoversIris() {
            let x = Self.literal(Self.matrix("iris_x"))
            let out = eval("FindClusters[\(x) -> Range[150], 3]")
            let found = Self.labels(out, count: 150)
            #expect(!found.contains(-1))
            // Standardized k-means on iris: scikit-learn's adjusted Rand index is 0.62 there.
            #expect(Clustering.adjustedRandIndex(found, Self.ints("iris_y")) > 0.6, "\(out)")
            let mixture = Self.labels(eval("FindClusters[\(x) -> Range[150], 3, Method -> \"GaussianMixture\"]"), count: 150)
            #expect(Clustering.adjustedRandIndex(mixture, Self.ints("iris_y")) > 0.85)
        }

        @Test func dbscanMatchesScikitLearn() {
            let x = Self.literal(Self.matrix("moons_x"))
            let out = eval("FindClusters[\(x) -> Range[200], Method -> {\"DBSCAN\", \"NeighborhoodRadius\" -> 0.3, \"NeighborsNumber\" -> 5}]")
            let found = Self.labels(out, count: 200)
            let theirs = Self.ints("dbscan_labels")
            // Noise is FindClusters' last group; scikit-learn labels it -1.
            let noiseGroup = theirs.contains(-1) ? found.max() ?? 0 : -2
            #expect(Clustering.adjustedRandIndex(found.map { $0 == noiseGroup ? -1 : $0 }, theirs) == 1)
        }

        @Test(arguments: ["Single", "Complete", "Average", "Ward"])
        func agglomerationMatchesScikitLearn(_ linkage: String) {
            let x = Self.literal(Self.matrix("iris_x"))
            let out = eval("FindClusters[\(x) -> Range[150], 3, Method -> {\"Agglomerate\", \"Linkage\" -> \"\(linkage)\"}, DistanceFunction -> EuclideanDistance]")
            #expect(Clustering.adjustedRandIndex(Self.labels(out, count: 150), Self.ints("agglomerate_" + linkage.lowercased())) == 1, "\(linkage)")
        }

        @Test func clusterClassifyAssignsNewData() {
            #expect(eval("c = ClusterClassify[{1, 2, 3, 10, 11, 12}, 2]; c[{0, 2.5, 9, 15}]") == "{1, 1, 2, 2}")
            #expect(eval("c = ClusterClassify[{\"cat\", \"bat\", \"elephant\", \"elegant\"}, 2]; c[{\"hat\", \"elephants\"}]") == "{1, 2}")
            let p = eval("c = ClusterClassify[{1, 2, 3, 10, 11, 12}, 2]; c[6, \"Probabilities\"]")
            let ps = Self.numbers(p)
            #expect(ps.count == 4 && abs(ps[1] + ps[3] - 1) < 1e-9 && ps[1] > ps[3], "\(p)")
        }

        /// Images are clustered and reduced through the pretrained network's features, as Classify does.
        @Test func imagesGoThroughTheNetworkFeatures() {
            let script = """
                img = ImageResize[ExampleData[{"TestImage", "Chelsea"}], 64]; negative[i_] := Image[1 - ImageData[i]];
                imgs = {img, ImageResize[img, 48], negative[img], negative[ImageResize[img, 56]]};
                c = ClusterClassify[imgs, 2]; r = DimensionReduction[imgs, 2];
                {FindClusters[imgs -> Range[4], 2], c[{negative[ImageResize[img, 40]], ImageResize[img, 40]}], Dimensions[r[img]], Dimensions[r[imgs]]}
                """
            let t = exclusive {
                sharedKernel.clearUserSymbols()
                return sharedKernel.capture(script, timeLimit: 600)
            }
            #expect(t.result == "{{{1, 2}, {3, 4}}, {2, 1}, {2}, {4, 2}}", "\(t.messages)")
            #expect(eval("FindClusters[{\"a\", \"bb\", \"cccccc\", \"ddddddd\"}, 2, FeatureExtractor -> StringLength]") == "{{a, bb}, {cccccc, ddddddd}}")
        }

        @Test func seedingIsRepeatable() {
            let data = "RandomReal[1, {40, 2}]"
            #expect(eval("SeedRandom[4]; d = \(data); a = FindClusters[d, 4, RandomSeeding -> Automatic]; SeedRandom[9]; b = FindClusters[d, 4, RandomSeeding -> Automatic]; SeedRandom[9]; b === FindClusters[d, 4, RandomSeeding -> Automatic]") == "True")
            #expect(eval("SeedRandom[4]; d = \(data); FindClusters[d, 4] === FindClusters[d, 4]") == "True")
        }

        @Test func principalComponentsMatchScikitLearn() {
            let x = Self.literal(Self.matrix("iris_x"))
            let ours = Self.numbers(eval("InputForm[Take[DimensionReduce[\(x), 3, Method -> \"PrincipalComponentsAnalysis\"], 5]]"))
            let theirs = Self.matrix("pca_transformed").flatMap { $0 }
            #expect(ours.count == theirs.count)
            for (a, b) in zip(ours, theirs) { #expect(abs(a - b) < 1e-6) }
            let reconstructed = Self.numbers(eval("InputForm[DimensionReduction[\(x), 2][\(x)[[1]], \"ReconstructedData\"]]"))
            for (a, b) in zip(reconstructed, Self.fixture["pca_reconstructed"] as? [Double] ?? []) { #expect(abs(a - b) < 1e-6) }
            #expect(eval("DimensionReduction[\(x), 2]") == "DimensionReducerFunction[<PrincipalComponentsAnalysis, 4 -> 2>]")
        }

        @Test func isomapMatchesScikitLearn() {
            let x = Self.literal(Self.matrix("isomap_x"))
            let ours = Self.numbers(eval("InputForm[DimensionReduce[\(x), 2, Method -> {\"Isomap\", \"NeighborsNumber\" -> 8}]]"))
            let theirs = Self.matrix("isomap_embedding").flatMap { $0 }
            #expect(ours.count == theirs.count)
            for (a, b) in zip(ours, theirs) { #expect(abs(a - b) < 1e-6) }
        }

        @Test func textsReduceBySemanticAnalysis() {
            let out = eval("DimensionReduction[{\"the cat sat\", \"the dog sat\", \"a cat ran\", \"stocks fell\", \"stocks rose sharply\"}, 2]")
            #expect(out == "DimensionReducerFunction[<LatentSemanticAnalysis, 10 -> 2>]")
        }

        @Test func nearestMatchesScikitLearn() {
            let x = Self.literal(Self.matrix("nearest_x"))
            for (q, expected) in zip(Self.matrix("nearest_queries"), Self.matrix("nearest_4")) {
                let out = eval("Nearest[\(x) -> \"Index\", \(Self.literal([q]))[[1]], 4]")
                #expect(Self.numbers(out) == expected.map { $0 + 1 }, "\(out)")
            }
            let q = Self.literal([Self.matrix("nearest_queries")[0]])
            #expect(Self.numbers(eval("Nearest[\(x) -> \"Index\", \(q)[[1]], {All, 0.6}]")) == Self.ints("nearest_radius").map { Double($0 + 1) })
        }

        @Test func learnedDistributionsMatchSciPy() {
            let x = "{" + (Self.fixture["kde_x"] as? [Double] ?? []).map { String($0).replacingOccurrences(of: "e", with: "*^") }.joined(separator: ", ") + "}"
            let at = (Self.fixture["kde_at"] as? [Double] ?? []).map { String($0) }.joined(separator: ", ")
            let ours = Self.numbers(eval("InputForm[PDF[LearnDistribution[\(x), Method -> \"KernelDensityEstimation\"], {\(at)}]]"))
            let theirs = Self.fixture["kde_pdf"] as? [Double] ?? []
            #expect(ours.count == theirs.count)
            for (a, b) in zip(ours, theirs) { #expect(abs(a - b) < 1e-9) }
            let v = Self.literal(Self.matrix("normal_x"))
            let normal = Self.numbers(eval("With[{ld = LearnDistribution[\(v), Method -> \"Multinormal\"]}, InputForm[PDF[ld, #] & /@ Take[\(v), 3]]]"))
            for (a, b) in zip(normal, Self.fixture["normal_pdf"] as? [Double] ?? []) { #expect(abs(a / b - 1) < 1e-9) }
            #expect(eval("ld = LearnDistribution[\(x)]; SeedRandom[5]; a = RandomVariate[ld, 4]; SeedRandom[5]; {a === RandomVariate[ld, 4], Length[a], ld}") == "{True, 4, LearnedDistribution[<GaussianMixture, 1 variable>]}")
            #expect(eval("ld = LearnDistribution[{1, 2, 3, 4, 5}, Method -> \"Multinormal\"]; {RarerProbability[ld, 3], Information[ld, \"Covariance\"]}") == "{1., 2.}")
            let t = run("LearnDistribution[{1, \"a\"}]")
            #expect(t.messages.contains { $0.hasPrefix("LearnDistribution::data:") })
        }

        @Test(arguments: [
            ("Nearest[{1, 2, 3}, 2.5]", "{2, 3}"),
            ("SeedRandom[3]; d = RandomReal[1, {500, 8}]; q = RandomReal[1, {40, 8}]; Nearest[d -> \"Index\", q, 3] === Table[Nearest[d -> \"Index\", x, 3], {x, q}]", "True"),
            ("Nearest[{1, 2, 4} -> All, 3]", "{<|Element -> 2, Index -> 2, Distance -> 1|>, <|Element -> 4, Index -> 3, Distance -> 1|>}"),
            ("Nearest[<|a -> 1, b -> 5|>, 4]", "{b}"),
            ("Nearest[{1, 2, 4}, {1.1, 3.9}]", "{{1}, {4}}"),
            ("Nearest[{\"apple\", \"maple\", \"grape\"}, \"appel\", 2]", "{apple, maple}"),
            ("Nearest[{{1, 2}, {3, 4}}, {0, 0}, DistanceFunction -> ManhattanDistance]", "{{1, 2}}"),
            ("Nearest[{1, 5, 9}, 4, DistanceFunction -> (Abs[#1 - #2]^3 &)]", "{5}"),
            ("nf = Nearest[{{1, 2}, {3, 4}, {5, 6}}]; {nf[{3, 3}, 2], nf[{{0, 0}, {9, 9}}]}", "{{{3, 4}, {1, 2}}, {{{1, 2}}, {{5, 6}}}}"),
            ("Nearest[{{1, 2}, {3, 4}, {5, 6}}]", "NearestFunction[<3 vectors of 2>]"),
            ("DistanceMatrix[{\"ab\", \"abc\", \"b\"}]", "{{0, 1, 1}, {1, 0, 2}, {1, 2, 0}}"),
            ("{ManhattanDistance[{0, 0}, {3, 4}], ChessboardDistance[{0, 0}, {3, 4}], SquaredEuclideanDistance[1, 4]}", "{7, 4, 9}"),
            ("EditDistance[\"Kitten\", \"kitten\", IgnoreCase -> True]", "0"),
            ("FindClusters[{\"cat\", \"bat\", \"rat\", \"elephant\", \"elegant\"}]", "{{cat, bat, rat}, {elephant, elegant}}"),
            ("FindClusters[<|a -> 1, b -> 2, c -> 10, d -> 11|>]", "{{a, b}, {c, d}}"),
            ("FindClusters[{1, 2, 10, 12, 3, 1, 13, 25}, UpTo[2]]", "{{1, 2, 3, 1}, {10, 12, 13, 25}}"),
            ("SeedRandom[1234]; blob[c_] := Table[c + RandomReal[{-0.7, 0.7}, 2], 30]; pts = Join[blob[{0, 0}], blob[{3, 3}], blob[{0, 4}]]; Table[Length /@ FindClusters[pts, CriterionFunction -> f], {f, {\"CalinskiHarabasz\", \"DaviesBouldin\"}}]", "{{30, 30, 30}, {30, 30, 30}}"),
            ("ClusteringComponents[{{0, 0, 9}, {0, 9, 9}}]", "{{1, 1, 2}, {1, 2, 2}}"),
            ("d = DimensionReduction[{{1, 2}, {2, 4.1}, {3, 5.9}, {4, 8}}, 1]; Round[d[{{Missing[], 6}, {2, Missing[]}}, \"ImputedData\"], 0.01]", "{{3., 6.}, {2., 4.02}}"),
            ("m = ClusteringComponents[ImageResize[ExampleData[{\"TestImage\", \"Chelsea\"}], 90], 3]; {Dimensions[m], Union[Flatten[m]]}", "{{60, 90}, {1, 2, 3}}"),
        ])
        func examples(_ input: String, _ expected: String) {
            #expect(eval(input) == expected, "\(input)")
        }

        @Test(arguments: [
            ("FindClusters[{1, 2, 3}, Method -> \"Nonsense\"]", "FindClusters::method"),
            ("FindClusters[{1, 2, 3}, 0]", "FindClusters::nclust"),
            ("FindClusters[{\"a\", \"b\"}, Method -> \"KMeans\"]", "FindClusters::method"),
            ("FindClusters[{1, {2}, \"x\"}]", "FindClusters::dist"),
            ("FindClusters[{}]", "FindClusters::data"),
            ("FindClusters[{1, 2, 3}, CriterionFunction -> \"Dunn\"]", "FindClusters::crit"),
            ("FindClusters[{\"a\", \"b\", \"c\"}, CriterionFunction -> \"DaviesBouldin\"]", "FindClusters::crit"),
            ("Nearest[{1, 2}, \"x\"]", "Nearest::query"),
            ("ClusteringComponents[3, 2]", "ClusteringComponents::data"),
            ("DimensionReduction[{{1, 2}, {3, 5}, {2, 2}}, Method -> \"TSNE\"][{1, Missing[]}, \"ImputedData\"]", "DimensionReducerFunction::impute"),
            ("EditDistance[StringJoin[Table[\"a\", 30000]], StringJoin[Table[\"b\", 30000]]]", "EditDistance::long"),
            ("Nearest[{1, 2}, 1, -1]", "Nearest::nearuns"),
            ("Nearest[{1, 2}, 1, DistanceFunction -> (\"far\" &)]", "Nearest::dist"),
            ("DimensionReduce[{{1, 2}, {3, 4}}, 7]", "DimensionReduce::dim"),
            ("DimensionReduce[{{1, 2}, {3, 4}}, Method -> \"Nonsense\"]", "DimensionReduce::method"),
            ("DimensionReduction[{{1, 2}, {3, 5}}, 1][{1, 2}, \"Nonsense\"]", "DimensionReducerFunction::prop"),
            ("DimensionReduction[{{1, 2}, {3, 5}, {2, 2}}, Method -> \"TSNE\"][{1, 2}, \"ReconstructedData\"]", "DimensionReducerFunction::recon"),
        ])
        func badInputGivesAMessage(_ input: String, _ tag: String) {
            let t = run(input)
            #expect(t.messages.contains { $0.hasPrefix(tag + ":") }, "\(input): \(t.messages)")
        }
    }
}

