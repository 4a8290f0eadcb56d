import CoreKernel
import Foundation
import Language
import NetsKernel
import Testing

extension KernelSuite {
    /// Each plot function with its data forms, drawn at one pixel a point and compared with a
    /// golden picture (Fixtures/plots/NAME.png) with a tolerance: a moved tick, a lost data set,
    /// another colour or a missing legend does not fit in it; the antialiasing of another Cairo
    /// does. After a deliberate change of looks, look at the pictures and record them again with
    /// `GRAPHICS_RECORD=1 swift test --skip-build --filter PlotGolden`.
    @Suite struct PlotGolden {
        typealias Pixels = (width: Int, height: Int, channels: Int, bytes: [UInt8])

        static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/plots")

        /// Data made without randomness, so that every machine draws the same picture.
        static let setup = "wave = Table[{x, Sin[x] + 0.3 Cos[3 x]}, {x, 0, 10, 0.25}]; " +
            "values = Table[N[Mod[17 k, 23] + Mod[k, 5]] / 4, {k, 200}]; "

        static let cases: [(name: String, input: String)] = [
            ("listplot-values", "ListPlot[{1, 4, 9, 16, 25, 36}]"),
            ("listplot-pairs", "ListPlot[wave, AxesLabel -> {\"x\", \"y\"}]"),
            ("listplot-sets", "ListPlot[{Table[k^2, {k, 10}], Table[100 - k^2, {k, 10}]}, PlotMarkers -> Automatic]"),
            ("listplot-association", "ListPlot[<|\"train\" -> Table[{k, k + Mod[k, 3]}, {k, 10}], \"test\" -> Table[{k, k - Mod[k, 4]}, {k, 10}]|>]"),
            ("listplot-around", "ListPlot[Table[Around[k^1.5, 1 + k/4], {k, 10}], PlotTheme -> \"Detailed\"]"),
            ("listlineplot-filling", "ListLinePlot[{Table[Sin[k/5], {k, 60}], Table[Cos[k/5], {k, 60}]}, Filling -> Axis, PlotLegends -> {\"sin\", \"cos\"}]"),
            ("listlogplot", "ListLogPlot[Table[{k, 2^k}, {k, 0, 20}], Joined -> True, PlotStyle -> Red]"),
            ("plot-expressions", "Plot[{Sin[x], Cos[x]}, {x, 0, 2 Pi}, PlotLegends -> \"Expressions\"]"),
            ("plot-poles", "Plot[Tan[x], {x, -3, 3}]"),
            ("parametricplot", "ParametricPlot[{Sin[2 t], Cos[3 t]}, {t, 0, 2 Pi}]"),
            ("histogram-counts", "Histogram[values]"),
            ("histogram-pdf", "Histogram[values, {1}, \"PDF\"]"),
            ("barchart-association", "BarChart[<|\"cats\" -> 12, \"dogs\" -> 17, \"birds\" -> 5|>]"),
            ("barchart-groups", "BarChart[{{1, 2, 3}, {2, 3, 1}}, PlotLegends -> {\"2025\", \"2026\"}]"),
            ("piechart", "PieChart[{30, 20, 10, 40}, ChartLabels -> {\"a\", \"b\", \"c\", \"d\"}]"),
            ("boxwhiskerchart", "BoxWhiskerChart[<|\"a\" -> values, \"b\" -> 2 values - 5|>]"),
            ("densityplot", "DensityPlot[Sin[x] Cos[y], {x, -3, 3}, {y, -3, 3}, PlotPoints -> 30]"),
            ("contourplot", "ContourPlot[Sin[x] Cos[y], {x, -3, 3}, {y, -3, 3}, PlotPoints -> 30]"),
            ("contourplot-equation", "ContourPlot[x^2 + 2 y^2 == 2, {x, -2, 2}, {y, -2, 2}]"),
            ("arrayplot", "ArrayPlot[Table[Mod[i + j, 3]/2, {i, 12}, {j, 16}]]"),
            ("matrixplot", "MatrixPlot[Table[Sin[i/3.] Cos[j/4.], {i, 20}, {j, 20}]]"),
            ("graphicsgrid", "GraphicsGrid[{{Plot[Sin[x], {x, 0, 6}], PieChart[{1, 2, 3}]}, {ListPlot[Range[10]^2], Graphics[{Red, Disk[]}]}}]"),
            ("featurespaceplot", "FeatureSpacePlot[<|\"near\" -> Table[{Mod[k, 7], Mod[3 k, 5], 1, k/20.}, {k, 20}], \"far\" -> Table[{9 + Mod[k, 4], 8 + Mod[2 k, 7], 0, k/10.}, {k, 20}]|>]"),
            ("confusionmatrix", "ClassifierMeasurements[Classify[{1 -> \"setosa\", 1.3 -> \"setosa\", 2 -> \"versicolor\", 2.4 -> \"versicolor\", 3 -> \"virginica\", 3.3 -> \"virginica\"}], " +
                "{1.1 -> \"setosa\", 2.6 -> \"versicolor\", 2.8 -> \"virginica\", 3.1 -> \"virginica\", 1.9 -> \"setosa\"}, \"ConfusionMatrixPlot\"]"),
            ("graphics-primitives", "Graphics[{EdgeForm[Black], FaceForm[LightGray], Rectangle[{0, 0}, {2, 1}], Red, Disk[{1, 0.5}, 0.3], Blue, Thick, Dashed, " +
                "Line[{{0, 0}, {2, 1}}], Black, Arrow[{{0.2, 0.9}, {0.8, 0.6}}], Text[Style[\"label\", 14], {1.5, 0.85}], Opacity[0.5], Hue[0.3], " +
                "Disk[{1.6, 0.3}, 0.2]}, Frame -> True, GridLines -> Automatic, PlotLabel -> \"primitives\"]"),
            ("netgraph-full", "Information[NetGraph[<|\"block\" -> NetChain[{LinearLayer[8], Ramp}], \"skip\" -> LinearLayer[8], \"sum\" -> TotalLayer[]|>, " +
                "{NetPort[\"Input\"] -> \"block\", NetPort[\"Input\"] -> \"skip\", {\"block\", \"skip\"} -> \"sum\"}, \"Input\" -> 4], \"FullSummaryGraphic\"]"),
        ]

        /// The picture the input draws, at one pixel a point over white.
        static func pixels(_ input: String) -> Pixels? {
            exclusive {
                sharedKernel.clearUserSymbols()
                let box = Shared<Pixels?>(nil)
                let kernel = Shared(sharedKernel)
                runOnLargeStack {
                    var last: Expr = .null
                    _ = kernel.value.evaluateEach(input) { _, result in last = result }
                    box.value = kernel.value.session.run { picturePixels(last) }
                }
                return box.value
            }
        }

        /// The share of pixels whose colour differs by more than a little, and the mean difference
        /// (in 0...255); nil when the sizes differ.
        static func difference(_ a: Pixels, _ b: Pixels) -> (share: Double, mean: Double)? {
            guard a.width == b.width, a.height == b.height, a.channels == b.channels, a.bytes.count == b.bytes.count else { return nil }
            var differing = 0, total = 0
            for p in 0..<(a.width * a.height) {
                var d = 0
                for k in 0..<a.channels { d = max(d, abs(Int(a.bytes[p * a.channels + k]) - Int(b.bytes[p * b.channels + k]))) }
                if d > 48 { differing += 1 }
                total += d
            }
            let n = Double(max(a.width * a.height, 1))
            return (Double(differing) / n, Double(total) / n)
        }

        static func fits(_ d: (share: Double, mean: Double)) -> Bool { d.share < 0.003 && d.mean < 3 }

        @Test(arguments: cases.map(\.name))
        func matchesGoldenPicture(_ name: String) throws {
            let picture = Self.cases.first { $0.name == name }?.input ?? ""
            let input = Self.setup + picture
            let path = Self.folder.appendingPathComponent(name + ".png").path
            if ProcessInfo.processInfo.environment["GRAPHICS_RECORD"] == "1" {
                try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
                let written = run(Self.setup + "g = " + picture + "; Export[\"\(path)\", Rasterize[g]]")
                #expect(written.result == path, "\(written.messages)")
            }
            let drawn = try #require(Self.pixels(input), "\(name) draws no picture: \(run(input).messages)")
            let golden = try #require(Self.pixels("Import[\"\(path)\"]"), "no golden picture at \(path)")
            let d = try #require(Self.difference(drawn, golden), "\(name): \(drawn.width)x\(drawn.height), golden \(golden.width)x\(golden.height)")
            #expect(Self.fits(d), "\(name): \(d.share * 100)% of pixels differ, mean difference \(d.mean)")
        }

        /// The same comparison tells a picture from one with a changed colour or a lost legend.
        @Test func theToleranceCatchesAChangedPlot() throws {
            let base = "ListLinePlot[{Table[Sin[k/5], {k, 60}], Table[Cos[k/5], {k, 60}]}, Filling -> Axis"
            let a = try #require(Self.pixels(base + ", PlotLegends -> {\"sin\", \"cos\"}]"))
            let recoloured = try #require(Self.pixels(base + ", PlotLegends -> {\"sin\", \"cos\"}, PlotStyle -> {Red, Green}]"))
            let unlabelled = try #require(Self.pixels(base + "]"))
            #expect(Self.difference(a, recoloured).map(Self.fits) == false)
            #expect(Self.difference(a, unlabelled).map(Self.fits) != true)
        }
    }
}
