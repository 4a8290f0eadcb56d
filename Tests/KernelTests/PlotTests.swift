import CoreKernel
import Foundation
import LearnKernel
import NetsKernel
import Randomness
import Testing

extension KernelSuite {
    /// Graphics and plots: symbolic pictures that print as -Graphics-, each plot with its data
    /// forms, the files Export writes, and bad input answered with messages.
    @Suite struct Plots {
        static let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nets-plot-tests-\(getpid())").path

        @Test func graphicsStaysSymbolicAndPrintsAsAPlaceholder() {
            #expect(eval("Graphics[{Red, Disk[]}]") == "-Graphics-")
            #expect(eval("InputForm[Graphics[{Red, Disk[]}]]") == "Graphics[{RGBColor[1, 0, 0], Disk[]}]")
            #expect(eval("Head[ListPlot[{1, 2}]]") == "Graphics")
            #expect(eval("Head[ListPlot[<|\"a\" -> {1, 2}|>]]") == "Legended")
            #expect(eval("ListPlot[<|\"a\" -> {1, 2}|>]") == "-Graphics-")
            #expect(eval("{Red, Blue, ColorData[97][1], ColorData[97, \"ColorList\"][[2]]}") ==
                    "{RGBColor[1, 0, 0], RGBColor[0, 0, 1], RGBColor[0.368417, 0.506779, 0.709798], RGBColor[0.880722, 0.611041, 0.142051]}")
        }

        @Test(arguments: ["svg", "pdf", "png"])
        func exportWritesEachFormat(_ ext: String) throws {
            try FileManager.default.createDirectory(atPath: Self.folder, withIntermediateDirectories: true)
            let path = "\(Self.folder)/plot.\(ext)"
            #expect(eval("Export[\"\(path)\", Plot[Sin[x], {x, 0, 6}]]") == path)
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            switch ext {
            case "svg": #expect(String(decoding: bytes.prefix(200), as: UTF8.self).contains("<svg"))
            case "pdf": #expect(bytes.starts(with: Array("%PDF-".utf8)))
            default: #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            }
            // The PNG reads back as an image of twice the picture's size in points, or of the
            // ImageResolution given (72 dpi: one pixel a point).
            if ext == "png" {
                #expect(eval("ImageDimensions[Import[\"\(path)\"]]") == "{720, 475}")
                #expect(eval("Export[\"\(path)\", Plot[Sin[x], {x, 0, 6}], ImageResolution -> 72]") == path)
                #expect(eval("ImageDimensions[Import[\"\(path)\"]]") == "{360, 238}")
                #expect(eval("Export[\"\(path)\", Plot[Sin[x], {x, 0, 6}, ImageResolution -> 216], \"PNG\"]") == path)
                #expect(eval("ImageDimensions[Import[\"\(path)\"]]") == "{1080, 712}")
            }
        }

        @Test func graphicsServesWhereAnImageIsExpected() {
            #expect(eval("ImageDimensions[Rasterize[Graphics[Disk[], ImageSize -> 120]]]") == "{120, 120}")
            #expect(eval("ImageDimensions[Graphics[Disk[], ImageSize -> 80]]") == "{80, 80}")
            #expect(eval("ImageChannels[ImageResize[Graphics[Disk[], ImageSize -> 80], 40]]") == "3")
        }

        @Test func listPlotDataForms() {
            func points(_ input: String) -> String { eval("Length /@ Cases[\(input), Point[p_] :> p, Infinity]") }
            #expect(points("ListPlot[{1, 4, 9}]") == "{3}")
            #expect(points("ListPlot[{{1, 1}, {2, 4}, {3, 9}, {4, 16}}]") == "{4}")
            #expect(points("ListPlot[{{1, 2, 3}, {3, 2}}]") == "{3, 2}")
            #expect(points("ListPlot[<|\"a\" -> {1, 2}, \"b\" -> {{1, 1}, {2, 2}, {3, 3}}|>]") == "{2, 3}")
            // The first point of {y...} data stands at x = 1.
            #expect(eval("Cases[ListPlot[{5, 6}], Point[p_] :> p[[1]], Infinity]") == "{{1., 5.}}")
            // Keys make the legend; Around values error bars.
            #expect(eval("Last[ListPlot[<|\"a\" -> {1, 2}, \"b\" -> {2, 1}|>]][[2]]") == "{a, b}")
            #expect(eval("Length[Cases[ListPlot[{Around[1, 0.1], Around[2, 0.2]}], Line[_], Infinity]]") == "1")
            #expect(eval("Count[ListLinePlot[{1, 2, 3}], _Line, Infinity]") == "1")
            #expect(eval("Count[ListPlot[{1, 2, 3}, Joined -> True, PlotMarkers -> Automatic], _Text, Infinity]") == "3")
            #expect(eval("Count[ListPlot[{1, 2, 3}, Filling -> Axis], _Polygon, Infinity]") == "1")
        }

        @Test func plotSamplesAdaptivelyAndBreaksAtPoles() {
            // More points where the curve bends than on a straight line.
            let bends = Int(eval("Length[Cases[Plot[Sin[10 x], {x, 0, 3}], Line[p_] :> p, Infinity][[1]]]")) ?? 0
            let straight = Int(eval("Length[Cases[Plot[2 x, {x, 0, 3}], Line[p_] :> p, Infinity][[1]]]")) ?? 0
            #expect(bends > straight)
            #expect(straight >= 50)
            #expect(eval("Count[Plot[Tan[x], {x, -3, 3}], Indeterminate, Infinity] >= 2") == "True")
            #expect(eval("Count[Plot[{Sin[x], Cos[x]}, {x, 0, 1}], _Line, Infinity]") == "2")
            // The automatic range leaves out the pole's huge values; All keeps them.
            #expect(eval("Abs[Last[Cases[Plot[Tan[x], {x, -3, 3}], (PlotRange -> r_) :> r, Infinity][[1]]][[2]]] < 100") == "True")
            #expect(eval("Cases[Plot[Tan[x], {x, -3, 3}, PlotRange -> All], (PlotRange -> r_) :> r, Infinity]") == "{All}")
            #expect(eval("Cases[Plot[x, {x, 0, 1}, PlotRange -> {-2, 2}], (PlotRange -> r_) :> r, Infinity]") == "{{-2, 2}}")
        }

        @Test func histogramCountsEveryValue() {
            let heights = "Total[Cases[Histogram[%DATA%], Rectangle[{_, _}, {_, h_}] :> h, Infinity]]"
            #expect(eval(heights.replacingOccurrences(of: "%DATA%", with: "{1, 2, 2, 3, 3, 3, 4.5}")) == "7")
            #expect(eval("Length[Cases[Histogram[{1, 2, 2, 3}, {1}], _Rectangle, Infinity]]") == "3")
            // As a density the bars' areas add up to one.
            #expect(eval("Total[Cases[Histogram[{1, 2, 2, 3, 7}, {2}, \"PDF\"], Rectangle[{a_, _}, {b_, h_}] :> (b - a) h, Infinity]]") == "1.")
        }

        @Test func chartsAndArrays() {
            #expect(eval("Length[Cases[BarChart[{3, 1, 2}], _Rectangle, Infinity]]") == "3")
            #expect(eval("Length[Cases[BarChart[{{1, 2}, {3, 4}, {5, 6}}], _Rectangle, Infinity]]") == "6")
            #expect(eval("Cases[BarChart[<|\"x\" -> 1, \"y\" -> 2|>], (Ticks -> {t_, _}) :> t[[All, 2]], Infinity]") == "{{x, y}}")
            #expect(eval("Length[Cases[PieChart[{1, 2, 3}], Disk[_, _, _], Infinity]]") == "3")
            #expect(eval("Dimensions[Cases[MatrixPlot[{{1, 2, 3}, {4, 5, 6}}], Raster[r_, ___] :> r, Infinity][[1]]]") == "{2, 3, 3}")
            #expect(eval("Cases[ArrayPlot[{{0, 1}}], Raster[r_, ___] :> r, Infinity]") == "{{{{1., 1., 1.}, {0., 0., 0.}}}}")
            #expect(eval("Head[DensityPlot[x y, {x, 0, 1}, {y, 0, 1}, PlotPoints -> 5]]") == "Graphics")
            #expect(eval("Count[ContourPlot[x^2 + y^2 == 1, {x, -2, 2}, {y, -2, 2}, PlotPoints -> 20], _Raster, Infinity]") == "0")
            #expect(eval("Length[Cases[GraphicsGrid[{{Graphics[Disk[]], Graphics[Circle[]]}, {Graphics[Disk[]], Null}}], _Inset, Infinity]]") == "3")
        }

        @Test func boxesFeatureSpaceAndCollages() {
            // Quartiles of 1..9 with an outlier: the box is 3..7 with the median 5 across it.
            #expect(eval("Cases[BoxWhiskerChart[{1, 2, 3, 4, 5, 6, 7, 8, 9, 40}], Rectangle[{_, a_}, {_, b_}] :> {a, b}, Infinity]") == "{{3.25, 7.75}}")
            #expect(eval("Cases[BoxWhiskerChart[{1, 2, 3, 4, 5, 6, 7, 8, 9, 40}], Point[p_] :> p[[All, 2]], Infinity]") == "{{40.}}")
            // Four-dimensional vectors that vary along one direction project onto a line.
            let plot = "FeatureSpacePlot[<|\"a\" -> Table[{t, 2 t, -t, 0.5 t}, {t, 0, 1, 0.25}], \"b\" -> Table[{t, 2 t, -t, 0.5 t}, {t, 2, 3, 0.5}]|>]"
            #expect(eval("Head[\(plot)]") == "Legended")
            #expect(eval("Max[Abs[Cases[\(plot), Point[p_] :> p[[All, 2]], Infinity] // Flatten]] < 10^-6") == "True")
            #expect(eval("ImageDimensions[ImageCollage[Table[Image[ConstantArray[k/4, {10, 20}]], {k, 4}], ImageSize -> 400]]") == "{400, 200}")
        }

        @Test func showCombinesWithTheFirstOptions() {
            #expect(eval("Show[Graphics[Point[{0, 0}], Axes -> True], Graphics[Circle[]]]") == "-Graphics-")
            #expect(eval("InputForm[Show[Graphics[Point[{0, 0}], Axes -> True], Graphics[Circle[], Frame -> True]]]") ==
                    "Graphics[{Point[{0, 0}], Circle[]}, Axes -> True]")
        }

        @Test func badInputGivesMessagesNotCrashes() {
            let t = run("ListPlot[\"x\"]")
            #expect(t.result == "$Failed")
            #expect(t.messages.contains { $0.hasPrefix("ListPlot::graphics:") })
            let p = run("Plot[Sin[x], {x, 1, 0}]")
            #expect(p.messages.contains { $0.hasPrefix("Plot::pllim:") })
            #expect(p.result == "Plot[Sin[x], {x, 1, 0}]")
            let huge = run("Export[\"\(Self.folder)/huge.png\", Graphics[Disk[], ImageSize -> {8000, 8000}]]")
            #expect(huge.result == "$Failed")
            #expect(run("Rasterize[42]").messages.contains { $0.hasPrefix("Rasterize::notg:") })
            #expect(eval("Head[Graphics[{Line[{{0, 0}, {x, y}}], Point[Indeterminate]}] // Rasterize]") == "Image")
            #expect(eval("Head[Plot[1/0, {x, 0, 1}]]") == "Graphics")
        }

        /// Primitives, directives and options with odd arguments are drawn or skipped, never a crash.
        @Test func oddPrimitivesAreDrawnOrSkipped() {
            var g = SeededGenerator(seed: 14)
            let heads = ["Point", "Line", "Polygon", "Rectangle", "Disk", "Circle", "Arrow", "Text", "Inset", "Raster", "Style",
                         "RGBColor", "Hue", "GrayLevel", "Opacity", "PointSize", "Thickness", "Dashing", "EdgeForm", "FaceForm", "Directive"]
            let arguments = ["", "{}", "{0, 0}", "{{0, 0}, {1, 1}}", "-1", "10^300", "Indeterminate", "x", "\"s\"", "{{{0, 0}}}",
                             "{{1, 2}, {3}}", "{0, 0}, -2", "{0, 0}, {1, 2}, {0, 7}", "Graphics[Disk[]]", "{1, 2, 3, 4, 5}", "Red"]
            let options = ["", ", PlotRange -> {1, 0}", ", ImageSize -> -5", ", AspectRatio -> 0", ", Frame -> {{True, False}, x}",
                           ", GridLines -> {{1, 2}, Automatic}", ", Ticks -> {{{0, a}}, None}", ", ImagePadding -> 10^9", ", Axes -> True"]
            for _ in 0..<60 {
                let prims = (0..<3).map { _ in "\(g.pick(heads))[\(g.pick(arguments))]" }.joined(separator: ", ")
                let input = "Head[Rasterize[Graphics[{\(prims)}\(g.pick(options))]]]"
                let result = eval(input)
                #expect(result == "Image" || result == "Rasterize" || result == "Symbol", "\(input) gave \(result)")
            }
        }

        @Test func learningPictures() {
            let setup = "m = ClassifierMeasurements[Classify[{1 -> \"setosa\", 2 -> \"versicolor\", 3 -> \"virginica\", 1.2 -> \"setosa\", 2.2 -> \"versicolor\", 3.3 -> \"virginica\"}], {1 -> \"setosa\", 2.6 -> \"versicolor\", 3.1 -> \"virginica\"}];"
            #expect(eval(setup + " m[\"ConfusionMatrixPlot\"]") == "-Graphics-")
            // Every class name is written whole.
            #expect(eval(setup + " Sort[Union[Cases[m[\"ConfusionMatrixPlot\"], Style[s_String, ___] :> s, Infinity]]]").contains("versicolor"))
            let train = "r = NetTrain[LinearLayer[1, \"Input\" -> 1], {{1.} -> {2.}, {2.} -> {4.}}, All, MaxTrainingRounds -> 3, TrainingProgressReporting -> None];"
            #expect(eval(train + " r[\"LossEvolutionPlot\"]") == "-Graphics-")
        }
    }
}
