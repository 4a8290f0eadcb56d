import CoreKernel
import Foundation
import Graphics
import Language

/// Numeric values of an expression as its variables take values, as `Block` binds them; messages
/// of points where the function is undefined are kept quiet (the plot leaves a gap there).
struct Sampler {
    let c: Call
    let body: Expr
    let variables: [Symbol]

    func value(_ xs: Double...) throws -> Double { try values(xs).first ?? .nan }

    /// The values at a point: one per function when the body evaluates to a list.
    func values(_ xs: [Double]) throws -> [Double] {
        let saved = variables.map { ($0, $0.ownValue, $0.downValues) }
        let messages = c.evaluator.messages
        messages.quietDepth += 1
        defer {
            messages.quietDepth -= 1
            for (s, o, d) in saved { s.ownValue = o; s.downValues = d }
        }
        for (s, x) in zip(variables, xs) { s.ownValue = .real(x); s.downValues = [] }
        try c.evaluator.checkInterrupt()
        let v = try c.evaluate(body)
        if let d = v.doubleValue { return [d] }
        func numeric(_ e: Expr) throws -> Double { try e.doubleValue ?? c.evaluate(.call(sym("N"), [e])).doubleValue ?? .nan }
        if let items = v.listItems { return try items.map(numeric) }
        return [try numeric(v)]
    }
}

/// `{x, a, b}`: the variable and its range, or nil with a message.
func iterator(_ e: Expr, _ c: Call) -> (Symbol, Double, Double)? {
    guard let xs = e.listItems, xs.count == 3, let s = xs[0].asSymbol,
          let a = (try? c.evaluate(.call(sym("N"), [xs[1]])))?.doubleValue,
          let b = (try? c.evaluate(.call(sym("N"), [xs[2]])))?.doubleValue, a.isFinite, b.isFinite, a < b else {
        c.message("pllim", text: "Range specification \(short(e)) is not of the form {x, xmin, xmax}.")
        return nil
    }
    return (s, a, b)
}

extension PlotBuilder {
    /// The functions of a plot: a literal list, or an expression that evaluates to one.
    func functions(_ e: Expr) -> [Expr] {
        if let xs = e.listItems { return xs }
        if e.hasHead(sym("Evaluate")), let inner = e.args.first, let v = try? c.evaluate(inner), let xs = v.listItems { return xs }
        return [e]
    }

    /// Plot: each function sampled adaptively (more points where it bends), broken at poles.
    func plot(_ f: Expr, _ spec: Expr) throws -> Expr? {
        guard let (x, a, b) = iterator(spec, c) else { return nil }
        let fs = functions(f)
        let points = Swift.max(8, Swift.min(option("PlotPoints")?.intValue ?? 50, 2000))
        let depth = Swift.max(0, Swift.min(option("MaxRecursion")?.intValue ?? 4, 8))
        var series: [Series] = []
        var even: [Double] = []
        for g in fs {
            let sampler = Sampler(c: c, body: g, variables: [x])
            var (pts, grid) = try adaptive(sampler, a, b, points: points, depth: depth)
            even += grid.filter(\.isFinite)
            if !(given["Exclusions"]?.isSymbol(Sym.None) ?? false) { pts = try breakAtPoles(pts, sampler) }
            series.append(Series(points: pts.map { (x: $0.0, y: $0.1) }))
        }
        let ys = series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        let yr = plotRangeY(ys, even: even)
        let (prims, styles) = dataPrimitives(series, joined: [true], baseline: yr.contains(0) ? 0 : yr.lowerBound)
        let defaults: [(String, Expr)] = [
            ("AspectRatio", .real(1 / 1.618033988749895)), ("Axes", .list([.symbol(Sym.True), .symbol(Sym.True)])),
            ("PlotRange", .list([PlotBuilder.rangeExpr(a...b), PlotBuilder.rangeExpr(filled(yr, 0))])),
            ("PlotRangePadding", head("Scaled", .real(0.02))),
        ]
        var labels = legendLabels(series, expressions: fs)
        if labels == nil, given["PlotLegends"]?.isSymbol(Sym.Automatic) == true { labels = fs.map { .string(OutputForm.string($0)) } }
        return graphics(prims, defaults, legend: labels.map { ("LineLegend", styles, $0) })
    }

    /// Samples on an even grid, then halves the intervals where the midpoint is off the chord.
    /// Gives the points and the values on the even grid (which judge the automatic range).
    func adaptive(_ s: Sampler, _ a: Double, _ b: Double, points: Int, depth: Int) throws -> ([(Double, Double)], [Double]) {
        var pts: [(Double, Double)] = try (0..<points).map { k in
            let x = a + (b - a) * Double(k) / Double(points - 1)
            return (x, try s.value(x))
        }
        let grid = pts.map(\.1)
        for _ in 0..<depth {
            let ys = pts.map(\.1).filter(\.isFinite)
            let span = Swift.max((ys.max() ?? 1) - (ys.min() ?? 0), 1e-12)
            var next: [(Double, Double)] = [pts[0]]
            var added = 0
            for (p, q) in zip(pts, pts.dropFirst()) {
                let mx = (p.0 + q.0) / 2
                if pts.count + added < 5000 {
                    let my = try s.value(mx)
                    let bent = !(p.1.isFinite && q.1.isFinite && my.isFinite) || abs(my - (p.1 + q.1) / 2) > 0.002 * span
                    if bent && !(p.1.isNaN && q.1.isNaN) { next.append((mx, my)); added += 1 }
                }
                next.append(q)
            }
            pts = next
            if added == 0 { break }
        }
        return (pts, grid)
    }

    /// Inserts a gap where the function jumps through infinity: a sign change with the midpoint
    /// beyond both ends.
    func breakAtPoles(_ pts: [(Double, Double)], _ s: Sampler) throws -> [(Double, Double)] {
        var out: [(Double, Double)] = []
        for (k, p) in pts.enumerated() {
            if k > 0 {
                let q = pts[k - 1]
                if q.1.isFinite, p.1.isFinite, q.1.sign != p.1.sign, abs(p.1 - q.1) > 1e-9 {
                    let m = try s.value((p.0 + q.0) / 2)
                    if !m.isFinite || m > Swift.max(p.1, q.1) || m < Swift.min(p.1, q.1) { out.append(((p.0 + q.0) / 2, .nan)) }
                }
            }
            out.append(p)
        }
        return out
    }

    /// The vertical range: PlotRange's, everything (All), or the bulk of the values (Automatic)
    /// so a pole does not flatten the rest.
    func plotRangeY(_ ys: [Double], even: [Double]) -> ClosedRange<Double> {
        guard let lo = ys.min(), let hi = ys.max() else { return -1...1 }
        if given["PlotRange"]?.isSymbol(Sym.All) == true { return lo...hi }
        let sorted = (even.isEmpty ? ys : even).sorted()
        func q(_ p: Double) -> Double { sorted[Swift.min(sorted.count - 1, Swift.max(0, Int(p * Double(sorted.count - 1))))] }
        let bulk = q(0.95) - q(0.05)
        if bulk > 0, hi - lo > 8 * bulk {
            return Swift.max(lo, q(0.05) - bulk * 0.6)...Swift.min(hi, q(0.95) + bulk * 0.6)
        }
        return lo...hi
    }

    /// ParametricPlot: curves {fx, fy} as t runs over its range.
    func parametricPlot(_ f: Expr, _ spec: Expr) throws -> Expr? {
        guard let (t, a, b) = iterator(spec, c) else { return nil }
        var curves: [Expr] = [f]
        if let xs = f.listItems, xs.allSatisfy({ $0.listItems?.count == 2 }) { curves = xs }
        let n = Swift.max(20, Swift.min(option("PlotPoints")?.intValue ?? 400, 5000))
        var series: [Series] = []
        for curve in curves {
            let sampler = Sampler(c: c, body: curve, variables: [t])
            let pts = try (0..<n).map { k -> (x: Double, y: Double) in
                let v = try sampler.values([a + (b - a) * Double(k) / Double(n - 1)])
                return v.count == 2 ? (v[0], v[1]) : (.nan, .nan)
            }
            series.append(Series(points: pts))
        }
        let (prims, styles) = dataPrimitives(series, joined: [true], baseline: 0)
        let defaults: [(String, Expr)] = [("AspectRatio", .symbol(Sym.Automatic)), ("Axes", .list([.symbol(Sym.True), .symbol(Sym.True)])),
                                          ("Frame", .symbol(Sym.True)), ("PlotRangePadding", head("Scaled", .real(0.02)))]
        return graphics(prims, defaults, legend: legendLabels(series).map { ("LineLegend", styles, $0) })
    }

    /// Values of f on an n x n grid over the ranges, rows from the bottom.
    func grid(_ f: Expr, _ xs: (Symbol, Double, Double), _ ys: (Symbol, Double, Double), n: Int) throws -> [[Double]] {
        let sampler = Sampler(c: c, body: f, variables: [xs.0, ys.0])
        return try (0..<n).map { i in
            let y = ys.1 + (ys.2 - ys.1) * Double(i) / Double(n - 1)
            return try (0..<n).map { j in try sampler.value(xs.1 + (xs.2 - xs.1) * Double(j) / Double(n - 1), y) }
        }
    }

    /// A grid resampled bilinearly to m x m, rows from the bottom.
    func resample(_ g: [[Double]], _ m: Int) -> [[Double]] {
        let n = g.count
        return (0..<m).map { i in
            let fy = Double(i) / Double(m - 1) * Double(n - 1)
            let i0 = Swift.min(Int(fy), n - 2), ty = fy - Double(i0)
            return (0..<m).map { j in
                let fx = Double(j) / Double(m - 1) * Double(n - 1)
                let j0 = Swift.min(Int(fx), n - 2), tx = fx - Double(j0)
                let a = g[i0][j0] * (1 - tx) + g[i0][j0 + 1] * tx
                let b = g[i0 + 1][j0] * (1 - tx) + g[i0 + 1][j0 + 1] * tx
                return a * (1 - ty) + b * ty
            }
        }
    }

    /// A raster of colours over the rectangle, rows from the bottom.
    func colorRaster(_ rows: [[Color]], _ x: (Double, Double), _ y: (Double, Double)) -> Expr {
        func r(_ d: Double) -> Expr { .real((d * 1000).rounded() / 1000) }
        return head("Raster", .list(rows.map { .list($0.map { .list([r($0.red), r($0.green), r($0.blue)]) }) }),
                    .list([pointExpr(x.0, y.0), pointExpr(x.1, y.1)]))
    }

    /// DensityPlot: f's values as colours, low dark blue to high orange.
    func densityPlot(_ f: Expr, _ xs: Expr, _ ys: Expr) throws -> Expr? {
        guard let xi = iterator(xs, c), let yi = iterator(ys, c) else { return nil }
        let n = Swift.max(4, Swift.min(option("PlotPoints")?.intValue ?? 40, 200))
        let g = try grid(f, xi, yi, n: n)
        let finite = g.flatMap { $0 }.filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 1
        let fine = resample(g, 160)
        let rows = fine.map { $0.map { v in v.isFinite ? Palette.density((v - lo) / Swift.max(hi - lo, 1e-300)) : Color.white } }
        let defaults: [(String, Expr)] = [("AspectRatio", .integer(1)), ("Frame", .symbol(Sym.True)),
                                          ("PlotRangePadding", .symbol(Sym.None))]
        return graphics([colorRaster(rows, (xi.1, xi.2), (yi.1, yi.2))], defaults)
    }

    /// ContourPlot: bands of f's values between nice contour levels, with the contour lines;
    /// `lhs == rhs` draws the one curve where they are equal.
    func contourPlot(_ f: Expr, _ xs: Expr, _ ys: Expr) throws -> Expr? {
        guard let xi = iterator(xs, c), let yi = iterator(ys, c) else { return nil }
        let n = Swift.max(4, Swift.min(option("PlotPoints")?.intValue ?? 50, 200))
        let equation = f.hasHead(sym("Equal")) && f.args.count == 2
        let body = equation ? Expr.call(Sym.Plus, [f.args[0], .call(Sym.Times, [.integer(-1), f.args[1]])]) : f
        let g = try grid(body, xi, yi, n: n)
        let finite = g.flatMap { $0 }.filter(\.isFinite)
        let lo = finite.min() ?? 0, hi = finite.max() ?? 1
        var levels: [Double]
        if equation { levels = [0] }
        else if let k = option("Contours")?.intValue, k > 0, k < 100 {
            let step = (hi - lo) / Double(k + 1)
            levels = (1...k).map { (i: Int) -> Double in lo + step * Double(i) }
        }
        else if let given = option("Contours")?.realValues { levels = given }
        else { levels = Ticks.major(lo...hi, target: 9).filter { $0 > lo && $0 < hi } }
        var prims: [Expr] = []
        if !equation {
            let fine = resample(g, 200)
            let bands = levels.count + 1
            let rows = fine.map { $0.map { v -> Color in
                guard v.isFinite else { return .white }
                let band = levels.firstIndex { v < $0 } ?? levels.count
                return Palette.density((Double(band) + 0.5) / Double(bands))
            } }
            prims.append(colorRaster(rows, (xi.1, xi.2), (yi.1, yi.2)))
        }
        let lineStyle: Expr = equation ? head("Directive", paletteColor(0), head("AbsoluteThickness", .real(1.6)))
                                       : head("Directive", head("GrayLevel", .real(0)), head("Opacity", .real(0.4)), head("AbsoluteThickness", .real(0.8)))
        var lines: [Expr] = []
        for level in levels {
            for seg in marchingSquares(g, level: level, x: (xi.1, xi.2), y: (yi.1, yi.2)) {
                lines.append(.list([pointExpr(seg.0.0, seg.0.1), pointExpr(seg.1.0, seg.1.1)]))
            }
        }
        prims.append(.list([option("ContourStyle") ?? lineStyle, head("Line", .list(lines))]))
        let defaults: [(String, Expr)] = [("AspectRatio", .integer(1)), ("Frame", .symbol(Sym.True)),
                                          ("PlotRange", .list([PlotBuilder.rangeExpr(xi.1...xi.2), PlotBuilder.rangeExpr(yi.1...yi.2)])),
                                          ("PlotRangePadding", .symbol(Sym.None))]
        return graphics(prims, defaults)
    }

    /// Segments of the curve where the grid's (bilinear) surface crosses the level.
    func marchingSquares(_ g: [[Double]], level: Double, x: (Double, Double), y: (Double, Double)) -> [((Double, Double), (Double, Double))] {
        let n = g.count, m = g.first?.count ?? 0
        guard n > 1, m > 1 else { return [] }
        let dx = (x.1 - x.0) / Double(m - 1), dy = (y.1 - y.0) / Double(n - 1)
        var out: [((Double, Double), (Double, Double))] = []
        for i in 0..<(n - 1) {
            for j in 0..<(m - 1) {
                let v = [g[i][j], g[i][j + 1], g[i + 1][j + 1], g[i + 1][j]]
                guard v.allSatisfy(\.isFinite) else { continue }
                let corners = [(x.0 + Double(j) * dx, y.0 + Double(i) * dy), (x.0 + Double(j + 1) * dx, y.0 + Double(i) * dy),
                               (x.0 + Double(j + 1) * dx, y.0 + Double(i + 1) * dy), (x.0 + Double(j) * dx, y.0 + Double(i + 1) * dy)]
                var crossings: [(Double, Double)] = []
                for e in 0..<4 {
                    let a = v[e] - level, b = v[(e + 1) % 4] - level
                    if (a < 0) != (b < 0) {
                        let t = a / (a - b)
                        let p = corners[e], q = corners[(e + 1) % 4]
                        crossings.append((p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t))
                    }
                }
                if crossings.count == 2 { out.append((crossings[0], crossings[1])) }
                else if crossings.count == 4 { out.append((crossings[0], crossings[1])); out.append((crossings[2], crossings[3])) }
            }
        }
        return out
    }
}
