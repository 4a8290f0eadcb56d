import CoreKernel
import Foundation
import Graphics
import Language

extension Kernel {
    static var plotBuiltins: [Builtin] {
        /// A plot's implementation: failures give a message and $Failed, wrong shapes stay unevaluated.
        func plotting(_ c: Call, _ body: (PlotBuilder) throws -> Expr?) -> Expr? {
            netOperation(c) { try body(PlotBuilder(c)) } ?? nil
        }
        let options = plotOptions
        return [
            Builtin("ListPlot", [], usage: "ListPlot[{y1, y2, ...}] plots points at x = 1, 2, ...; ListPlot[{{x1, y1}, ...}] at the given coordinates; ListPlot[{data1, data2}] or ListPlot[<|\"a\" -> data1, ...|>] several data sets in the palette's colours (an association's keys make the legend). Around[y, e] values get error bars. Options: PlotStyle, PlotLegends, PlotMarkers, Joined, Filling, PlotTheme and those of Graphics. Example: ListPlot[{1, 4, 9}] gives -Graphics-.",
                    arity: .exactly(1), options: options, examples: [("ListPlot[{1, 4, 9}]", "-Graphics-"), ("ListPlot[<|\"a\" -> {1, 2}, \"b\" -> {2, 1}|>]", "-Graphics-")]) { c in
                plotting(c) { try $0.listPlot(c[0], joinedByDefault: false) }
            },
            Builtin("ListLinePlot", [], usage: "ListLinePlot[data] plots data as lines through the points, in the data forms ListPlot takes. Example: ListLinePlot[{1, 3, 2}] gives -Graphics-.",
                    arity: .exactly(1), options: options, examples: [("ListLinePlot[{1, 3, 2}]", "-Graphics-")]) { c in
                plotting(c) { try $0.listPlot(c[0], joinedByDefault: true) }
            },
            Builtin("ListLogPlot", [], usage: "ListLogPlot[data] plots data with a logarithmic vertical axis (values that are not positive are left out). Example: ListLogPlot[{1, 10, 100}] gives -Graphics-.",
                    arity: .exactly(1), options: options, examples: [("ListLogPlot[{1, 10, 100}]", "-Graphics-")]) { c in
                plotting(c) { try $0.listPlot(c[0], joinedByDefault: false, log: true) }
            },
            Builtin("Plot", [.holdAll, .protected], usage: "Plot[f, {x, xmin, xmax}] plots f as x runs from xmin to xmax, sampling more where it bends and breaking at poles; Plot[{f1, f2}, ...] several functions. PlotRange -> All shows every value, Automatic (the default) the bulk of them, {ymin, ymax} a range. Example: Plot[Sin[x], {x, 0, 2 Pi}] gives -Graphics-.",
                    arity: .exactly(2), options: options, examples: [("Plot[Sin[x], {x, 0, 2 Pi}]", "-Graphics-")]) { c in
                plotting(c) { try $0.plot(c[0], c[1]) }
            },
            Builtin("ParametricPlot", [.holdAll, .protected], usage: "ParametricPlot[{fx, fy}, {t, tmin, tmax}] plots the curve of points {fx, fy} as t runs over the range; a list of such pairs draws several. Example: ParametricPlot[{Cos[t], Sin[t]}, {t, 0, 2 Pi}] gives -Graphics-.",
                    arity: .exactly(2), options: options, examples: [("ParametricPlot[{Cos[t], Sin[t]}, {t, 0, 2 Pi}]", "-Graphics-")]) { c in
                plotting(c) { try $0.parametricPlot(c[0], c[1]) }
            },
            Builtin("Histogram", [], usage: "Histogram[data] draws the counts of the values in bins of a round width chosen from the data; Histogram[data, n] about n bins, Histogram[data, {dx}] bins dx wide, {min, max, dx} also the range; Histogram[data, bins, \"PDF\"] or \"Probability\" scales the heights. Several data sets overlap. Example: Histogram[{1, 2, 2, 3, 3, 3}] gives -Graphics-.",
                    arity: .between(1, 3), options: options, examples: [("Histogram[{1, 2, 2, 3, 3, 3}]", "-Graphics-")]) { c in
                plotting(c) { try $0.histogram(c[0], c.positional.count > 1 && !c[1].isSymbol(Sym.Automatic) ? c[1] : nil, c.positional.count > 2 ? c[2] : nil) }
            },
            Builtin("BarChart", [], usage: "BarChart[{y1, y2, ...}] draws a bar for each value; BarChart[{data1, data2}] groups of bars; an association's keys or ChartLabels -> {...} label the bars. Example: BarChart[{3, 1, 2}] gives -Graphics-.",
                    arity: .exactly(1), options: options, examples: [("BarChart[{3, 1, 2}]", "-Graphics-")]) { c in
                plotting(c) { try $0.barChart(c[0]) }
            },
            Builtin("PieChart", [], usage: "PieChart[{y1, y2, ...}] draws sectors in proportion to the values; ChartLabels -> {...} or an association's keys label them. Example: PieChart[{1, 2, 3}] gives -Graphics-.",
                    arity: .exactly(1), options: options, examples: [("PieChart[{1, 2, 3}]", "-Graphics-")]) { c in
                plotting(c) { try $0.pieChart(c[0]) }
            },
            Builtin("BoxWhiskerChart", [], usage: "BoxWhiskerChart[data] draws a box from the first to the third quartile with the median across it, whiskers to the furthest values within 1.5 box lengths and the outliers beyond; BoxWhiskerChart[{data1, data2}] or an association draws one per data set. Example: BoxWhiskerChart[{1, 2, 3, 4, 10}] gives -Graphics-.",
                    arity: .exactly(1), options: options, examples: [("BoxWhiskerChart[{1, 2, 3, 4, 10}]", "-Graphics-")]) { c in
                plotting(c) { try $0.boxWhiskerChart(c[0]) }
            },
            Builtin("FeatureSpacePlot", [], usage: "FeatureSpacePlot[{v1, v2, ...}] plots numeric vectors as points in two dimensions (the first two principal components of longer vectors); <|class -> {vectors}|> or {v -> class, ...} colours them by class with a legend. Example: FeatureSpacePlot[{{1, 2, 3}, {2, 3, 1}, {3, 1, 2}}] gives -Graphics-.",
                    arity: .exactly(1), options: options, examples: [("FeatureSpacePlot[{{1, 2, 3}, {2, 3, 1}, {3, 1, 2}}]", "-Graphics-")]) { c in
                plotting(c) { try $0.featureSpacePlot(c[0]) }
            },
            Builtin("ImageCollage", [], usage: "ImageCollage[{image1, image2, ...}] lays images (or pictures) out in a near-square grid as one image. Example: ImageCollage[{Image[{{0, 1}}], Image[{{1, 0}}]}] is an image.",
                    arity: .exactly(1), options: options, examples: [("Head[ImageCollage[{Image[{{0, 1}}], Image[{{1, 0}}]}]]", "Image")]) { c in
                plotting(c) { try $0.imageCollage(c[0]) }
            },
            Builtin("ArrayPlot", [], usage: "ArrayPlot[matrix] draws each value as a gray cell, 0 white to 1 black (other ranges scaled), the first row at the top. Example: ArrayPlot[{{0, 1}, {1, 0}}] gives -Graphics-.",
                    arity: .exactly(1), options: options, examples: [("ArrayPlot[{{0, 1}, {1, 0}}]", "-Graphics-")]) { c in
                plotting(c) { try $0.arrayPlot(c[0], matrixStyle: false) }
            },
            Builtin("MatrixPlot", [], usage: "MatrixPlot[matrix] draws each value as a coloured cell: white for zero, orange to brown for positive and blue for negative values, with row and column numbers. Example: MatrixPlot[{{1, -1}, {0, 2}}] gives -Graphics-.",
                    arity: .exactly(1), options: options, examples: [("MatrixPlot[{{1, -1}, {0, 2}}]", "-Graphics-")]) { c in
                plotting(c) { try $0.arrayPlot(c[0], matrixStyle: true) }
            },
            Builtin("DensityPlot", [.holdAll, .protected], usage: "DensityPlot[f, {x, xmin, xmax}, {y, ymin, ymax}] colours the region by the value of f, low dark blue to high orange. Example: DensityPlot[x y, {x, -1, 1}, {y, -1, 1}] gives -Graphics-.",
                    arity: .exactly(3), options: options, examples: [("DensityPlot[x y, {x, -1, 1}, {y, -1, 1}]", "-Graphics-")]) { c in
                plotting(c) { try $0.densityPlot(c[0], c[1], c[2]) }
            },
            Builtin("ContourPlot", [.holdAll, .protected], usage: "ContourPlot[f, {x, xmin, xmax}, {y, ymin, ymax}] shades the bands between contour levels of f and draws the contours; ContourPlot[lhs == rhs, ...] draws the curve where they are equal (a decision boundary). Contours -> n or a list of levels. Example: ContourPlot[x^2 + y^2, {x, -1, 1}, {y, -1, 1}] gives -Graphics-.",
                    arity: .exactly(3), options: options, examples: [("ContourPlot[x^2 + y^2, {x, -1, 1}, {y, -1, 1}]", "-Graphics-")]) { c in
                plotting(c) { try $0.contourPlot(c[0], c[1], c[2]) }
            },
            Builtin("GraphicsGrid", [], usage: "GraphicsGrid[{{g11, g12, ...}, ...}] lays pictures out in a grid of equal cells. Example: GraphicsGrid[{{Graphics[Disk[]], Graphics[Circle[]]}}] gives -Graphics-.",
                    arity: .exactly(1), options: options, examples: [("GraphicsGrid[{{Graphics[Disk[]], Graphics[Circle[]]}}]", "-Graphics-")]) { c in
                guard let rows = c[0].listItems?.map({ $0.listItems ?? [$0] }) else { return nil }
                return plotting(c) { try $0.graphicsGrid(rows) }
            },
            Builtin("GraphicsRow", [], usage: "GraphicsRow[{g1, g2, ...}] lays pictures out side by side. Example: GraphicsRow[{Graphics[Disk[]], Graphics[Circle[]]}] gives -Graphics-.",
                    arity: .exactly(1), options: options, examples: [("GraphicsRow[{Graphics[Disk[]], Graphics[Circle[]]}]", "-Graphics-")]) { c in
                guard let items = c[0].listItems else { return nil }
                return plotting(c) { try $0.graphicsGrid([items]) }
            },
            Builtin("GraphicsColumn", [], usage: "GraphicsColumn[{g1, g2, ...}] lays pictures out one above the other. Example: GraphicsColumn[{Graphics[Disk[]], Graphics[Circle[]]}] gives -Graphics-.",
                    arity: .exactly(1), options: options, examples: [("GraphicsColumn[{Graphics[Disk[]], Graphics[Circle[]]}]", "-Graphics-")]) { c in
                guard let items = c[0].listItems else { return nil }
                return plotting(c) { try $0.graphicsGrid(items.map { [$0] }) }
            },
        ]
    }
}
