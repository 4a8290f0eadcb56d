import CoreKernel
import Foundation
import Graphics
import Language

/// Pictures of learning: the confusion matrix of a classifier and the loss of a training run.
public enum LearningPlots {
    /// A confusion matrix (rows: actual classes, columns: predicted) as a Graphics expression:
    /// right predictions in blues and wrong ones in reds, by their share of the row, with counts,
    /// class names that are never cut, row and column totals, and axis titles. Laid out in pixel
    /// units from the measured text.
    public static func confusionMatrix(_ m: [[Int]], labels: [String]) -> Expr {
        let k = m.count
        guard k > 0, labels.count == k, m.allSatisfy({ $0.count == k }) else { return head("Graphics", .list([])) }
        let font = 13.0, small = 11.0
        let labelWidths = labels.map { TextMetrics.width($0, size: font) }
        let widest = labelWidths.max() ?? 0
        let counts = m.flatMap { $0 }
        let rowTotals = m.map { $0.reduce(0, +) }
        let colTotals = (0..<k).map { j in m.reduce(0) { $0 + $1[j] } }
        let countWidth = (counts + rowTotals + colTotals).map { TextMetrics.width(String($0), size: font) }.max() ?? 10
        let cell = k > 20 ? max(24, countWidth + 8) : max(48, countWidth + 16)
        let rotated = widest > cell - 6
        let columnHeight = rotated ? widest + 10 : 20
        let title = 24.0, pad = 10.0
        let left = pad + title + widest + 10
        let totalsWidth = countWidth + 16
        let bottom = pad + 20
        let grid = Double(k) * cell
        let width = left + grid + totalsWidth + pad
        let height = bottom + grid + columnHeight + title + pad
        let top = bottom + grid
        var prims: [Expr] = []
        let blue = Palette.Gradient([Color(0.97, 0.98, 1), Color(0.6, 0.73, 0.88), Color(0.16, 0.34, 0.62)])
        let red = Palette.Gradient([Color(1, 0.97, 0.96), Color(0.96, 0.66, 0.55), Color(0.75, 0.2, 0.14)])
        for i in 0..<k {
            for j in 0..<k {
                let share = Double(m[i][j]) / Double(max(rowTotals[i], 1))
                let color = m[i][j] == 0 ? Color(gray: 0.985) : i == j ? blue(share) : red(0.15 + 0.85 * share.squareRoot())
                let x = left + Double(j) * cell, y = top - Double(i + 1) * cell
                prims.append(.list([rgb(color), head("EdgeForm", head("GrayLevel", .real(1))), head("Rectangle", pointExpr(x, y), pointExpr(x + cell, y + cell))]))
                let ink = color.luminance < 0.5 ? head("GrayLevel", .integer(1)) : head("GrayLevel", .real(0.15))
                prims.append(head("Text", head("Style", .string(String(m[i][j])), real(font), ink), pointExpr(x + cell / 2, y + cell / 2)))
            }
            // The actual class, right-aligned before its row; its total after it.
            let yc = top - (Double(i) + 0.5) * cell
            prims.append(head("Text", head("Style", .string(labels[i]), real(font), head("GrayLevel", .real(0.15))), pointExpr(left - 6, yc), pointExpr(1, 0)))
            prims.append(head("Text", head("Style", .string(String(rowTotals[i])), real(small), head("GrayLevel", .real(0.45))), pointExpr(left + grid + 8, yc), pointExpr(-1, 0)))
        }
        for j in 0..<k {
            let xc = left + (Double(j) + 0.5) * cell
            let label = head("Style", .string(labels[j]), real(font), head("GrayLevel", .real(0.15)))
            if rotated {
                prims.append(head("Text", label, pointExpr(xc, top + 6), pointExpr(-1, 0), pointExpr(0, 1)))
            } else {
                prims.append(head("Text", label, pointExpr(xc, top + 6), pointExpr(0, -1)))
            }
            prims.append(head("Text", head("Style", .string(String(colTotals[j])), real(small), head("GrayLevel", .real(0.45))), pointExpr(xc, bottom - 6), pointExpr(0, 1)))
        }
        let titleStyle = head("GrayLevel", .real(0.3))
        prims.append(head("Text", head("Style", .string("predicted class"), real(font), titleStyle), pointExpr(left + grid / 2, height - pad), pointExpr(0, 1)))
        prims.append(head("Text", head("Style", .string("actual class"), real(font), titleStyle), pointExpr(pad, bottom + grid / 2), pointExpr(0, 1), pointExpr(0, 1)))
        let options: [Expr] = [
            .rule(.symbol(sym("PlotRange")), .list([.list([.integer(0), real(width)]), .list([.integer(0), real(height)])])),
            .rule(.symbol(sym("PlotRangePadding")), .symbol(Sym.None)), .rule(.symbol(sym("ImagePadding")), .integer(0)),
            .rule(.symbol(sym("ImageSize")), real(width)), .rule(.symbol(sym("AspectRatio")), real(height / width)),
        ]
        return .call(sym("Graphics"), [.list(prims)] + options)
    }

    /// ROC curves (false positive rate against true positive rate), one a class in the default
    /// palette with a legend when there are several, over the dashed diagonal of guessing.
    public static func rocCurves(_ curves: [(label: String, points: [(fpr: Double, tpr: Double)])]) -> Expr {
        var prims: [Expr] = [.list([head("GrayLevel", .real(0.6)), .symbol(sym("Dashed")), head("Line", .list([pointExpr(0, 0), pointExpr(1, 1)]))])]
        for (k, curve) in curves.enumerated() {
            prims.append(.list([paletteColor(k), head("AbsoluteThickness", .real(1.6)),
                                head("Line", .list(curve.points.map { pointExpr($0.fpr, $0.tpr) }))]))
        }
        let g = Expr.call(sym("Graphics"), [.list(prims),
            // A little beyond 0 and 1, so a curve along an edge is not hidden by the frame.
            .rule(.symbol(sym("PlotRange")), .list([.list([real(-0.015), real(1.015)]), .list([real(-0.015), real(1.015)])])),
            .rule(.symbol(sym("AspectRatio")), .integer(1)), .rule(.symbol(sym("Frame")), .symbol(Sym.True)),
            .rule(.symbol(sym("GridLines")), .symbol(Sym.Automatic)),
            .rule(.symbol(sym("FrameLabel")), .list([.string("false positive rate"), .string("true positive rate")])),
            .rule(.symbol(sym("ImageSize")), .integer(300))])
        guard curves.count > 1 || curves.first.map({ !$0.label.isEmpty }) == true else { return g }
        return head("Legended", g, head("LineLegend", .list(curves.indices.map(paletteColor)), .list(curves.map { .string($0.label) })))
    }

    /// The losses of a training run by round, on a logarithmic axis, with the validation losses
    /// when there are some.
    public static func lossEvolution(_ losses: [Double], validation: [Double], _ c: Call) throws -> Expr {
        try evolution(losses, validation: validation, measurement: "loss", plot: "ListLogPlot", c)
    }

    /// The error rates of a classifier's training run by round (training and validation), as
    /// percentages on a linear axis from 0.
    public static func errorRateEvolution(_ rates: [Double], validation: [Double], _ c: Call) throws -> Expr {
        let top = Swift.max((rates + validation).filter(\.isFinite).max() ?? 0, 0.01) * 100
        return try evolution(rates.map { 100 * $0 }, validation: validation.map { 100 * $0 }, measurement: "error rate (%)", plot: "ListLinePlot", c,
                             extra: [.rule(.symbol(sym("PlotRange")), .list([.integer(0), real(top * 1.05)]))])
    }

    /// A measurement by round as a joined plot with a frame and grid lines, one curve for
    /// training and one for validation (with a legend) when there are validation values.
    static func evolution(_ values: [Double], validation: [Double], measurement: String, plot: String, _ c: Call, extra: [Expr] = []) throws -> Expr {
        var sets: [(Expr, Expr)] = [(.string("training"), .list(values.map(real)))]
        if !validation.isEmpty { sets.append((.string("validation"), .list(validation.map(real)))) }
        let data: Expr = sets.count == 1 ? sets[0].1 : .call(Sym.Association, sets.map { .rule($0.0, $0.1) })
        return try c.evaluate(.call(sym(plot), [
            data, .rule(.symbol(sym("Joined")), .symbol(Sym.True)), .rule(.symbol(sym("Frame")), .symbol(Sym.True)),
            .rule(.symbol(sym("FrameLabel")), .list([.string("training rounds"), .string(measurement)])),
            .rule(.symbol(sym("GridLines")), .symbol(Sym.Automatic)),
        ] + extra))
    }
}
