import CoreKernel
import Foundation
import Graphics
import Language

/// The style of histogram and bar chart bars: Wolfram's pale orange with a thin gray edge.
func barStyle(_ k: Int, several: Bool) -> Expr {
    let fill = several ? paletteColor(k) : rgb(Palette.bar)
    return head("Directive", fill, head("EdgeForm", .list([head("Opacity", .real(0.6)), head("GrayLevel", .real(0.35)), head("AbsoluteThickness", .real(0.5))])))
}

extension PlotBuilder {
    /// The numbers of a data set, or nil.
    func numbers(_ e: Expr) -> [Double]? {
        guard let xs = ((try? numericized(e)) ?? e).listItems else { return nil }
        let ds = xs.compactMap(\.doubleValue)
        return ds.count == xs.count ? ds : nil
    }

    /// Histogram: counts (or "PDF", "Probability") in bins of a round width.
    func histogram(_ data: Expr, _ bins: Expr?, _ height: Expr?) throws -> Expr? {
        var sets: [(Expr?, [Double])] = []
        if let a = data.asAssociation { for (k, v) in a.entries { guard let ds = numbers(v) else { return nil }; sets.append((k, ds)) } }
        else if let ds = numbers(data) { sets = [(nil, ds)] }
        else if let xs = data.listItems, let all = Optional(xs.compactMap(numbers)), all.count == xs.count { sets = all.map { (nil, $0) } }
        else { throw GraphicsError("\(short(data)) is not a list of numbers or several such lists") }
        let values = sets.flatMap(\.1).filter(\.isFinite)
        guard let lo = values.min(), let hi = values.max() else { return graphics([], [("Axes", .symbol(Sym.True))]) }
        let width = binWidth(values, lo, hi, bins)
        guard width > 0, width.isFinite, (hi - lo) / width < 100_000 else { throw GraphicsError("the bin specification gives too many bins") }
        var start = (lo / width).rounded(.down) * width
        var end = (hi / width).rounded(.down) * width + width
        if let b = bins?.realValues, b.count == 3 { start = b[0]; end = b[1] }
        let count = Swift.max(1, Int(((end - start) / width).rounded()))
        var prims: [Expr] = [], styles: [Expr] = []
        var top = 0.0
        for (k, (_, ds)) in sets.enumerated() {
            var counts = [Double](repeating: 0, count: count)
            for d in ds where d.isFinite {
                let i = Int(((d - start) / width).rounded(.down))
                if i >= 0 && i < count { counts[i] += 1 } else if i == count && d <= end { counts[count - 1] += 1 }
            }
            let n = Double(Swift.max(ds.count, 1))
            switch height?.asString {
            case "PDF": counts = counts.map { $0 / n / width }
            case "Probability": counts = counts.map { $0 / n }
            default: break
            }
            top = Swift.max(top, counts.max() ?? 0)
            let st = barStyle(k, several: sets.count > 1)
            styles.append(st)
            let rects: [Expr] = counts.enumerated().compactMap { i, h in
                guard h > 0 else { return nil }
                // Counts stay integers, as Wolfram gives them.
                let top: Expr = height?.asString == nil ? .integer(Int(h)) : real(h)
                return head("Rectangle", pointExpr(start + Double(i) * width, 0), .list([real(start + Double(i + 1) * width), top]))
            }
            prims.append(.list([st] + (sets.count > 1 ? [head("Opacity", .real(0.5))] : []) + rects))
        }
        let defaults: [(String, Expr)] = [
            ("AspectRatio", .real(1 / 1.618033988749895)), ("Axes", .list([.symbol(Sym.True), .symbol(Sym.True)])),
            ("PlotRange", .list([PlotBuilder.rangeExpr(start...end), PlotBuilder.rangeExpr(0...Swift.max(top, 1e-12))])),
            ("PlotRangePadding", head("Scaled", .real(0.02))), ("AxesOrigin", pointExpr(start, 0)),
        ]
        return graphics(prims, defaults, legend: legendLabels(sets.map { Series(name: $0.0) }).map { ("SwatchLegend", styles, $0) })
    }

    /// The bin width: given (`{dx}`, `{min, max, dx}`), about n bins (`n`), or a round width
    /// near the Freedman-Diaconis rule.
    func binWidth(_ values: [Double], _ lo: Double, _ hi: Double, _ spec: Expr?) -> Double {
        if let b = spec?.realValues {
            if b.count == 1 { return b[0] }
            if b.count == 3 { return b[2] }
        }
        if let n = spec?.intValue, n > 0 { return Ticks.niceStep(span: hi - lo, target: n) }
        let sorted = values.sorted()
        let iqr = sorted[sorted.count * 3 / 4] - sorted[sorted.count / 4]
        let fd = 2 * iqr / cbrt(Double(sorted.count))
        let raw = fd > 0 ? fd : (hi - lo) / 10
        let n = Swift.max(1, Swift.min(Int(((hi - lo) / Swift.max(raw, 1e-300)).rounded()), 100))
        let w = Ticks.niceStep(span: hi - lo, target: n)
        return w > 0 ? w : 1
    }

    /// BarChart: one bar per value, grouped for several data sets, labelled with ChartLabels or
    /// an association's keys.
    func barChart(_ data: Expr) throws -> Expr? {
        var groups: [[Double]] = []
        var labels: [Expr]? = option("ChartLabels")?.listItems
        if let a = data.asAssociation {
            for (_, v) in a.entries { guard let d = v.doubleValue ?? nil else { return nil }; groups.append([d]) }
            if labels == nil { labels = Array(a.entries.keys) }
        } else if let ds = numbers(data) { groups = ds.map { [$0] } }
        else if let xs = data.listItems, xs.allSatisfy({ numbers($0) != nil }) {
            // Several data sets: groups of bars, the k-th bar of each group from the k-th set.
            let sets = xs.compactMap(numbers)
            let n = sets.map(\.count).max() ?? 0
            groups = (0..<n).map { i in sets.map { i < $0.count ? $0[i] : 0 } }
        } else { throw GraphicsError("\(short(data)) is not a list of numbers or several such lists") }
        let several = (groups.first?.count ?? 1) > 1
        var prims: [Expr] = [], ticks: [Expr] = []
        // Bars of a group stand side by side; groups (single bars) a quarter of a bar apart.
        let gap = 0.25
        var x = gap
        var lo = 0.0, hi = 0.0
        for (i, g) in groups.enumerated() {
            let start = x
            for (k, v) in g.enumerated() {
                let st = several ? barStyle(k, several: true) : (option("ChartStyle").map { head("Directive", barStyle(0, several: false), $0) } ?? barStyle(0, several: false))
                prims.append(.list([st, head("Rectangle", pointExpr(x, 0), pointExpr(x + 1, v))]))
                lo = Swift.min(lo, v); hi = Swift.max(hi, v)
                x += 1
            }
            if let labels, i < labels.count { ticks.append(.list([real((start + x) / 2), labels[i]])) }
            x += gap
        }
        let defaults: [(String, Expr)] = [
            ("AspectRatio", .real(1 / 1.618033988749895)), ("Axes", .list([.symbol(Sym.True), .symbol(Sym.True)])),
            ("PlotRange", .list([PlotBuilder.rangeExpr(0...x), PlotBuilder.rangeExpr(lo...Swift.max(hi, lo + 1e-12))])),
            ("PlotRangePadding", head("Scaled", .real(0.02))), ("AxesOrigin", pointExpr(0, 0)),
            // The baseline is an axis; its ticks are the bars' labels (none without labels).
            ("Ticks", .list([ticks.isEmpty ? .symbol(Sym.None) : .list(ticks), .symbol(Sym.Automatic)])),
        ]
        let legendStyles = (0..<(groups.first?.count ?? 0)).map { barStyle($0, several: true) }
        let legend = several ? option("PlotLegends")?.listItems.map { ("SwatchLegend", legendStyles, $0) } : nil
        return graphics(prims, defaults, legend: legend)
    }

    /// PieChart: sectors in proportion to the values, clockwise from the left as Wolfram's are.
    func pieChart(_ data: Expr) throws -> Expr? {
        var values: [Double] = []
        var labels: [Expr]? = option("ChartLabels")?.listItems
        if let a = data.asAssociation {
            values = a.entries.values.compactMap(\.doubleValue)
            if labels == nil { labels = Array(a.entries.keys) }
        } else if let ds = numbers(data) { values = ds } else { throw GraphicsError("\(short(data)) is not a list of numbers") }
        let total = values.filter { $0 > 0 }.reduce(0, +)
        guard total > 0 else { return graphics([], [("AspectRatio", .integer(1))]) }
        var prims: [Expr] = [], styles: [Expr] = []
        var angle = Double.pi
        for (k, v) in values.enumerated() where v > 0 {
            let sweep = 2 * Double.pi * v / total
            let st = head("Directive", paletteColor(k), head("EdgeForm", .list([head("GrayLevel", .real(1)), head("AbsoluteThickness", .real(1))])))
            styles.append(st)
            prims.append(.list([st, head("Disk", pointExpr(0, 0), .integer(1), .list([real(angle - sweep), real(angle)]))]))
            if let labels, k < labels.count {
                let mid = angle - sweep / 2
                prims.append(head("Text", head("Style", labels[k], .integer(11), head("GrayLevel", .real(0.15))), pointExpr(0.65 * cos(mid), 0.65 * sin(mid))))
            }
            angle -= sweep
        }
        let defaults: [(String, Expr)] = [("AspectRatio", .integer(1)), ("Axes", .symbol(Sym.False)),
                                          ("PlotRange", .list([.list([.real(-1.05), .real(1.05)]), .list([.real(-1.05), .real(1.05)])]))]
        return graphics(prims, defaults, legend: option("PlotLegends")?.listItems.map { ("SwatchLegend", styles, $0) })
    }

    /// The rows of a matrix of numbers (missing values as NaN).
    func matrix(_ e: Expr) throws -> [[Double]] {
        if let t = e.asTensor, t.rank == 2 {
            let (r, k) = (t.shape[0], t.shape[1])
            return (0..<r).map { i in (0..<k).map { Double(t.values[i * k + $0]) } }
        }
        guard let rows = e.listItems, let w = rows.first?.listItems?.count, w > 0,
              rows.allSatisfy({ $0.listItems?.count == w }) else { throw GraphicsError("\(short(e)) is not a matrix") }
        guard admits(rows.count * w, bytesEach: 64, c) else { throw GraphicsError("the matrix is too large to plot") }
        return rows.map { $0.args.map { $0.doubleValue ?? .nan } }
    }

    /// ArrayPlot (gray levels, 0 white to 1 black) and MatrixPlot (blue negative, white zero,
    /// orange to brown positive), rows from the top, framed with row and column numbers.
    func arrayPlot(_ data: Expr, matrixStyle: Bool) throws -> Expr {
        let m = try matrix(data)
        let rows = m.count, cols = m.first?.count ?? 0
        let finite = m.flatMap { $0 }.filter(\.isFinite)
        let big = Swift.max(finite.map(abs).max() ?? 1, 1e-300)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 1
        let colors: [[Color]] = m.reversed().map { $0.map { v in
            guard v.isFinite else { return Color(gray: 0.9) }
            if matrixStyle { return v >= 0 ? Palette.matrixPositive(v / big) : Palette.matrixNegative(-v / big) }
            let t = lo >= 0 && hi <= 1 ? v : (v - lo) / Swift.max(hi - lo, 1e-300)
            return Color(gray: 1 - t)
        } }
        let raster = colorRaster(colors, (0, Double(cols)), (0, Double(rows)))
        func ticks(_ n: Int, flip: Bool) -> Expr {
            let step = Swift.max(1, Ticks.niceStep(span: Double(n), target: 5).rounded())
            var ks = Swift.stride(from: 1, through: n, by: Int(step)).map { $0 }
            if step > 1 { ks = [1] + Swift.stride(from: Int(step), through: n, by: Int(step)).map { $0 } }
            return .list(ks.map { k in .list([real(flip ? Double(n - k) + 0.5 : Double(k) - 0.5), .integer(k)]) })
        }
        var defaults: [(String, Expr)] = [
            ("AspectRatio", real(Double(rows) / Double(Swift.max(cols, 1)))), ("Frame", .symbol(Sym.True)),
            ("PlotRange", .list([.list([.integer(0), .integer(cols)]), .list([.integer(0), .integer(rows)])])),
            ("PlotRangePadding", .symbol(Sym.None)),
        ]
        defaults.append(("FrameTicks", matrixStyle ? .list([ticks(cols, flip: false), ticks(rows, flip: true)]) : .symbol(Sym.None)))
        return graphics([raster], defaults)
    }

    /// GraphicsGrid: pictures in rows and columns, each in a cell of the same size.
    func graphicsGrid(_ rows: [[Expr]]) throws -> Expr? {
        let cols = rows.map(\.count).max() ?? 0
        guard cols > 0, rows.allSatisfy({ $0.allSatisfy { GraphicsReader.isGraphics($0) || $0.isNull } }) else { return nil }
        let aspect = rows.flatMap { $0 }.compactMap { g in (try? GraphicsReader.figure(g)).flatMap { f in f.aspectRatio } }.first ?? 0.618
        let cell = 300.0
        var prims: [Expr] = []
        for (i, row) in rows.enumerated() {
            for (j, g) in row.enumerated() where !g.isNull {
                prims.append(head("Inset", g, pointExpr(Double(j) + 0.5, (Double(rows.count - i) - 0.5) * aspect), .symbol(sym("Center")), pointExpr(1, aspect)))
            }
        }
        let defaults: [(String, Expr)] = [
            ("PlotRange", .list([.list([.integer(0), .integer(cols)]), .list([.integer(0), real(Double(rows.count) * aspect)])])),
            ("AspectRatio", real(Double(rows.count) * aspect / Double(cols))), ("PlotRangePadding", .symbol(Sym.None)),
            ("ImagePadding", .integer(0)), ("ImageSize", real(cell * Double(cols))),
        ]
        return graphics(prims, defaults)
    }
}

extension PlotBuilder {
    /// BoxWhiskerChart: for each data set a box from the first to the third quartile with the
    /// median across it, whiskers to the furthest values within 1.5 box lengths, and the values
    /// beyond them as points.
    func boxWhiskerChart(_ data: Expr) throws -> Expr? {
        var sets: [[Double]] = []
        var labels: [Expr]? = option("ChartLabels")?.listItems
        if let a = data.asAssociation {
            for (_, v) in a.entries { guard let ds = numbers(v) else { return nil }; sets.append(ds) }
            if labels == nil { labels = Array(a.entries.keys) }
        } else if let ds = numbers(data) { sets = [ds] }
        else if let xs = data.listItems, xs.allSatisfy({ numbers($0) != nil }) { sets = xs.compactMap(numbers) }
        else { throw GraphicsError("\(short(data)) is not a list of numbers or several such lists") }
        var prims: [Expr] = [], ticks: [Expr] = []
        var lo = Double.infinity, hi = -Double.infinity
        let width = 0.6
        for (k, raw) in sets.enumerated() {
            let ds = raw.filter(\.isFinite).sorted()
            guard !ds.isEmpty else { continue }
            func quantile(_ p: Double) -> Double {
                let h = p * Double(ds.count - 1)
                let i = Int(h.rounded(.down)), j = Swift.min(i + 1, ds.count - 1)
                return ds[i] + (ds[j] - ds[i]) * (h - Double(i))
            }
            let q1 = quantile(0.25), median = quantile(0.5), q3 = quantile(0.75)
            let fence = 1.5 * (q3 - q1)
            let low = ds.first { $0 >= q1 - fence } ?? q1, high = ds.last { $0 <= q3 + fence } ?? q3
            let outliers = ds.filter { $0 < low || $0 > high }
            let x = Double(k + 1)
            let edge = head("GrayLevel", .real(0.35))
            prims.append(.list([barStyle(0, several: false), head("Rectangle", pointExpr(x - width / 2, q1), pointExpr(x + width / 2, q3))]))
            prims.append(.list([edge, head("AbsoluteThickness", .real(1)),
                                head("Line", .list([.list([pointExpr(x, q3), pointExpr(x, high)]), .list([pointExpr(x, q1), pointExpr(x, low)]),
                                                    .list([pointExpr(x - width / 4, high), pointExpr(x + width / 4, high)]),
                                                    .list([pointExpr(x - width / 4, low), pointExpr(x + width / 4, low)])])),
                                head("AbsoluteThickness", .real(2)), head("Line", .list([pointExpr(x - width / 2, median), pointExpr(x + width / 2, median)]))]))
            if !outliers.isEmpty { prims.append(.list([edge, head("PointSize", .real(0.01)), head("Point", .list(outliers.map { pointExpr(x, $0) }))])) }
            if let labels, k < labels.count { ticks.append(.list([real(x), labels[k]])) }
            lo = Swift.min(lo, ds[0]); hi = Swift.max(hi, ds[ds.count - 1])
        }
        guard lo <= hi else { return graphics([], [("Axes", .symbol(Sym.True))]) }
        let defaults: [(String, Expr)] = [
            ("AspectRatio", .real(1 / 1.618033988749895)), ("Frame", .symbol(Sym.True)),
            ("PlotRange", .list([PlotBuilder.rangeExpr(0.4...(Double(sets.count) + 0.6)), PlotBuilder.rangeExpr(lo...Swift.max(hi, lo + 1e-12))])),
            ("PlotRangePadding", head("Scaled", .real(0.04))),
            ("FrameTicks", .list([ticks.isEmpty ? .symbol(Sym.None) : .list(ticks), .symbol(Sym.Automatic)])),
        ]
        return graphics(prims, defaults)
    }

    /// FeatureSpacePlot: examples as points in two dimensions (their first two principal
    /// components when they have more), coloured by class for `<|class -> {vectors}|>` or
    /// `{vector -> class, ...}`.
    func featureSpacePlot(_ data: Expr) throws -> Expr? {
        var groups: [(Expr?, [[Double]])] = []
        func vectors(_ e: Expr) -> [[Double]]? {
            guard let xs = e.listItems else { return nil }
            let vs = xs.compactMap { x -> [Double]? in (try? numericized(x))?.realValues.flatMap { $0.count >= 2 ? $0 : nil } }
            return vs.count == xs.count && !vs.isEmpty ? vs : nil
        }
        if let a = data.asAssociation {
            for (k, v) in a.entries { guard let vs = vectors(v) else { return nil }; groups.append((k, vs)) }
        } else if let xs = data.listItems, !xs.isEmpty, xs.allSatisfy({ $0.hasHead(Sym.Rule) && $0.args.count == 2 }) {
            var byClass: [(Expr, [Expr])] = []
            for r in xs {
                if let i = byClass.firstIndex(where: { $0.0 == r.args[1] }) { byClass[i].1.append(r.args[0]) } else { byClass.append((r.args[1], [r.args[0]])) }
            }
            for (k, v) in byClass { guard let vs = vectors(.list(v)) else { return nil }; groups.append((k, vs)) }
        } else if let vs = vectors(data) { groups = [(nil, vs)] }
        else { throw GraphicsError("\(short(data)) is not a list of numeric vectors, {vector -> class, ...} or <|class -> {vectors}|>") }
        let dims = Set(groups.flatMap { $0.1.map(\.count) })
        guard dims.count == 1, let d = dims.first else { throw GraphicsError("the vectors are not all of one length") }
        let all = groups.flatMap(\.1)
        let project = d == 2 ? { (v: [Double]) in (v[0], v[1]) } : principalPlane(all)
        let series = groups.map { g in Series(points: g.1.map { let p = project($0); return (x: p.0, y: p.1) }, name: g.0) }
        let (prims, styles) = dataPrimitives(series, joined: [false], baseline: 0)
        let defaults: [(String, Expr)] = [("AspectRatio", .integer(1)), ("Frame", .symbol(Sym.True)),
                                          ("FrameTicks", .symbol(Sym.None)), ("PlotRangePadding", head("Scaled", .real(0.05)))]
        return graphics(prims, defaults, legend: legendLabels(series).map { ("PointLegend", styles, $0) })
    }

    /// The projection onto the first two principal components (power iteration with deflation).
    func principalPlane(_ xs: [[Double]]) -> ([Double]) -> (Double, Double) {
        let d = xs[0].count, n = Double(xs.count)
        let mean = (0..<d).map { j in xs.reduce(0) { $0 + $1[j] } / n }
        var cov = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for x in xs {
            for i in 0..<d { let a = x[i] - mean[i]; for j in 0..<d { cov[i][j] += a * (x[j] - mean[j]) / n } }
        }
        /// The leading eigenvector of m, kept orthogonal to `against`.
        func top(_ m: [[Double]], against: [Double]? = nil) -> [Double] {
            func orthogonal(_ x: [Double]) -> [Double] {
                guard let a = against else { return x }
                let dot = zip(x, a).reduce(0) { $0 + $1.0 * $1.1 }
                return zip(x, a).map { $0 - dot * $1 }
            }
            var v = orthogonal((0..<d).map { 1 + Double($0) / Double(d) })
            for _ in 0..<200 {
                var w = orthogonal((0..<d).map { i in (0..<d).reduce(0) { $0 + m[i][$1] * v[$1] } })
                let norm = w.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 1e-12 else { return (0..<d).map { _ in 0 } }
                w = w.map { $0 / norm }
                v = w
            }
            return v
        }
        let u = top(cov)
        let lambda = (0..<d).reduce(0.0) { acc, i in acc + u[i] * (0..<d).reduce(0) { $0 + cov[i][$1] * u[$1] } }
        let deflated = (0..<d).map { i in (0..<d).map { j in cov[i][j] - lambda * u[i] * u[j] } }
        let w = top(deflated, against: u)
        return { v in
            let c = (0..<d).map { v[$0] - mean[$0] }
            return (zip(c, u).reduce(0) { $0 + $1.0 * $1.1 }, zip(c, w).reduce(0) { $0 + $1.0 * $1.1 })
        }
    }

    /// ImageCollage: images in a grid of near-square shape, each scaled into a cell of the
    /// first one's proportions, as one image.
    func imageCollage(_ data: Expr) throws -> Expr? {
        guard let items = data.listItems ?? data.asAssociation.map({ Array($0.entries.values) }), !items.isEmpty,
              items.allSatisfy({ $0.asImageValue != nil || GraphicsReader.isGraphics($0) }) else { return nil }
        let cols = Int(Double(items.count).squareRoot().rounded(.up))
        let rows = (items.count + cols - 1) / cols
        let first = items[0].asImage
        let aspect = first.map { Double($0.height) / Double($0.width) } ?? 0.618
        var prims: [Expr] = []
        for (k, im) in items.enumerated() {
            let i = k / cols, j = k % cols
            prims.append(head("Inset", im, pointExpr(Double(j) + 0.5, (Double(rows - i) - 0.5) * aspect), .symbol(sym("Center")), pointExpr(0.96, 0.96 * aspect)))
        }
        let g = Expr.call(sym("Graphics"), [.list(prims),
            .rule(.symbol(sym("PlotRange")), .list([.list([.integer(0), .integer(cols)]), .list([.integer(0), real(Double(rows) * aspect)])])),
            .rule(.symbol(sym("PlotRangePadding")), .symbol(Sym.None)), .rule(.symbol(sym("ImagePadding")), .integer(0)),
            .rule(.symbol(sym("AspectRatio")), real(Double(rows) * aspect / Double(cols))),
            .rule(.symbol(sym("ImageSize")), given["ImageSize"] ?? real(Swift.min(200 * Double(cols), 800)))])
        return .image(try GraphicsImages.image(g))
    }
}
