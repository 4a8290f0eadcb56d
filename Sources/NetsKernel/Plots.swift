import CoreKernel
import Foundation
import Graphics
import Language
import OrderedCollections

/// The options of Graphics a plot passes through to the picture it makes.
let graphicsOptionNames = ["PlotRange", "AspectRatio", "Axes", "AxesLabel", "AxesOrigin", "Frame", "FrameLabel", "FrameTicks",
                           "PlotLabel", "GridLines", "Background", "ImageSize", "ImagePadding", "Ticks", "PlotRangePadding",
                           "ImageResolution"]

/// Options every plot takes: the Graphics ones and the styling of its data.
let plotOptions: [(String, Expr)] = (graphicsOptionNames + ["PlotStyle", "PlotLegends", "PlotMarkers", "Joined", "Filling", "PlotTheme",
                                                            "ChartLabels", "ChartStyle", "ColorFunction", "PlotPoints", "MaxRecursion",
                                                            "Exclusions", "Contours", "Mesh", "ContourStyle", "Spacings"])
    .map { ($0, Expr.symbol(Sym.Automatic)) }

/// One data set of a plot: its points (a non-finite y breaks a line), error bars, and its name.
struct Series {
    var points: [(x: Double, y: Double)] = []
    /// Error bars: x, low, high.
    var errors: [(Double, Double, Double)] = []
    var name: Expr? = nil
}

func real(_ d: Double) -> Expr { d.isFinite ? .real(d) : .symbol(Sym.Indeterminate) }
func pointExpr(_ x: Double, _ y: Double) -> Expr { .list([real(x), real(y)]) }
func head(_ name: String, _ args: Expr...) -> Expr { .call(sym(name), args) }

/// Building plots: reading data forms and options, and assembling `Graphics[...]` in Wolfram's
/// default style.
struct PlotBuilder {
    let c: Call
    /// Options given in the call (explicit values only).
    let given: [String: Expr]

    init(_ c: Call) {
        self.c = c
        given = c.options(from: c.positional.count)
    }

    func option(_ name: String) -> Expr? {
        guard let v = given[name], !v.isSymbol(Sym.Automatic) else { return nil }
        return v
    }

    // MARK: data forms

    /// The data with exact numeric quantities (`Sin[1/5]`, `Pi`) as reals.
    func numericized(_ e: Expr, depth: Int = 0) throws -> Expr {
        if e.doubleValue != nil || depth > 64 { return e }
        // NumericArrays plot as the lists they hold.
        if case .native = e, let t = e.asTensor, t.rank >= 1 { return exprFromTensor(t) }
        if let items = e.listItems { return .list(try items.map { try numericized($0, depth: depth + 1) }) }
        if let a = e.asAssociation {
            var out = OrderedDictionary<Expr, Expr>()
            for (k, v) in a.entries { out[k] = try numericized(v, depth: depth + 1) }
            return .association(AssociationBox(out))
        }
        if e.hasHead(Sym.Around) || e.hasHead(Sym.Missing) || e.isAtom { return e }
        let n = try c.evaluate(.call(sym("N"), [e]))
        return n.doubleValue != nil ? n : e
    }

    /// `{y...}`, `{{x, y}...}`, several of those, or an association of named ones.
    func series(_ raw: Expr) throws -> [Series] {
        let data = try numericized(raw)
        if let a = data.asAssociation {
            return try a.entries.map { k, v in
                guard var s = try single(v) else { throw GraphicsError("the data for \(short(k)) is not a list of numbers or of {x, y} pairs") }
                s.name = k
                return s
            }
        }
        guard let items = data.listItems else { throw GraphicsError("\(short(data)) is not a list of numbers, of {x, y} pairs, or several such lists") }
        if let s = try single(data) { return [s] }
        return try items.map { d in
            guard let s = try single(d) else { throw GraphicsError("\(short(d)) is not a list of numbers or of {x, y} pairs") }
            return s
        }
    }

    /// One data set, or nil when the list is not one (it may hold several).
    func single(_ data: Expr) throws -> Series? {
        guard let items = data.listItems else { return nil }
        guard admits(items.count, bytesEach: 64, c) else { throw GraphicsError("there are too many points to plot") }
        var s = Series()
        let pairs = !items.isEmpty && items.allSatisfy { $0.listItems?.count == 2 && $0.listItems?.allSatisfy(isValue) == true }
        if !pairs, !items.allSatisfy(isValue) { return nil }
        for (k, item) in items.enumerated() {
            let (x, yExpr) = pairs ? (item.args[0].doubleValue ?? .nan, item.args[1]) : (Double(k + 1), item)
            if yExpr.hasHead(Sym.Around), yExpr.args.count == 2, let v = yExpr.args[0].doubleValue, let e = yExpr.args[1].doubleValue {
                s.points.append((x, v))
                s.errors.append((x, v - e, v + e))
            } else {
                s.points.append((x, yExpr.doubleValue ?? .nan))
            }
        }
        return s
    }

    /// A number, an `Around`, or a missing value (which leaves a gap).
    func isValue(_ e: Expr) -> Bool {
        e.doubleValue != nil || e.hasHead(Sym.Around) || e.hasHead(Sym.Missing) || e.isSymbol(Sym.None) || e.isSymbol(Sym.Indeterminate)
    }

    // MARK: styles

    /// The directive for data set k: PlotStyle's (cycled) or the palette's.
    func style(_ k: Int) -> Expr {
        if let s = option("PlotStyle") {
            if let xs = s.listItems, !xs.isEmpty { return head("Directive", paletteColor(k), xs[k % xs.count]) }
            return head("Directive", paletteColor(k), s)
        }
        return paletteColor(k)
    }

    /// The legend labels: PlotLegends' list, the association's keys, or the given expressions.
    func legendLabels(_ series: [Series], expressions: [Expr]? = nil) -> [Expr]? {
        let spec = given["PlotLegends"]
        if let spec, spec.isSymbol(Sym.None) { return nil }
        if let xs = spec?.listItems { return xs }
        if spec?.asString == "Expressions", let e = expressions { return e.map { .string(OutputForm.string($0)) } }
        if spec == nil || spec?.isSymbol(Sym.Automatic) == true {
            let names = series.compactMap(\.name)
            if names.count == series.count, !names.isEmpty { return names }
        }
        return nil
    }

    /// The theme's options: "Detailed" adds a frame and grid lines, "Scientific" a frame.
    func themeOptions() -> [Expr] {
        switch option("PlotTheme")?.asString {
        case "Detailed": return [.rule(.symbol(sym("Frame")), .symbol(Sym.True)), .rule(.symbol(sym("GridLines")), .symbol(Sym.Automatic))]
        case "Scientific", "Classic": return [.rule(.symbol(sym("Frame")), .symbol(Sym.True))]
        case "Business": return [.rule(.symbol(sym("GridLines")), .list([.symbol(Sym.None), .symbol(Sym.Automatic)]))]
        default: return []
        }
    }

    /// The Graphics options given, then the theme's, then the plot's defaults.
    func graphicsOptions(_ defaults: [(String, Expr)]) -> [Expr] {
        var out: [Expr] = []
        for name in graphicsOptionNames { if let v = given[name] { out.append(.rule(.symbol(sym(name)), v)) } }
        out += themeOptions()
        for (name, v) in defaults where given[name] == nil { out.append(.rule(.symbol(sym(name)), v)) }
        return out
    }

    /// `Graphics[primitives, options]`, wrapped in `Legended` when there is a legend.
    func graphics(_ primitives: [Expr], _ defaults: [(String, Expr)], legend: (String, [Expr], [Expr])? = nil) -> Expr {
        let g = Expr.call(sym("Graphics"), [.list(primitives)] + graphicsOptions(defaults))
        guard let (kind, styles, labels) = legend, !labels.isEmpty else { return g }
        return head("Legended", g, .call(sym(kind), [.list(Array(styles.prefix(labels.count))), .list(labels)]))
    }

    // MARK: ranges

    static func bounds(_ series: [Series]) -> (ClosedRange<Double>, ClosedRange<Double>)? {
        var xs = (Double.infinity, -Double.infinity), ys = xs
        for s in series {
            for p in s.points where p.x.isFinite && p.y.isFinite {
                xs = (min(xs.0, p.x), max(xs.1, p.x)); ys = (min(ys.0, p.y), max(ys.1, p.y))
            }
            for e in s.errors { ys = (min(ys.0, e.1), max(ys.1, e.2)) }
        }
        guard xs.0 <= xs.1, ys.0 <= ys.1 else { return nil }
        return (xs.0...xs.1, ys.0...ys.1)
    }

    static func rangeExpr(_ r: ClosedRange<Double>) -> Expr { .list([real(r.lowerBound), real(r.upperBound)]) }

    // MARK: point and line plots

    /// The primitives of data sets drawn as points or lines, with fillings, markers and error bars.
    func dataPrimitives(_ series: [Series], joined: [Bool], baseline: Double) -> (prims: [Expr], styles: [Expr]) {
        var prims: [Expr] = [], styles: [Expr] = []
        let n = series.reduce(0) { $0 + $1.points.count }
        let pointSize = n <= 100 ? 0.012 : n <= 1000 ? 0.009 : 0.006
        let markers = markerGlyphs()
        for (k, s) in series.enumerated() {
            let st = style(k)
            styles.append(st)
            let pts = Expr.list(s.points.map { pointExpr($0.x, $0.y) })
            if let filling = option("Filling"), !filling.isSymbol(Sym.None) {
                let to = filling.isSymbol(sym("Bottom")) ? -Double.greatestFiniteMagnitude : baseline
                for run in runs(s.points) where run.count > 1 {
                    let base = to.isFinite && to > -1e300 ? to : (PlotBuilder.bounds(series)?.1.lowerBound ?? 0)
                    let poly = run.map { pointExpr($0.x, $0.y) } + [pointExpr(run[run.count - 1].x, base), pointExpr(run[0].x, base)]
                    prims.append(.list([st, head("Opacity", .real(0.2)), head("EdgeForm", .symbol(Sym.None)), head("Polygon", .list(poly))]))
                }
            }
            var item: [Expr] = [head("Directive", head("AbsoluteThickness", .real(1.6)), head("PointSize", .real(pointSize))), st]
            if joined[k % joined.count] { item.append(head("Line", pts)) }
            if let glyphs = markers {
                let glyph = glyphs[k % glyphs.count]
                item.append(.list(s.points.filter { $0.x.isFinite && $0.y.isFinite }.map {
                    head("Text", head("Style", .string(glyph), .integer(glyph == "●" || glyph == "○" ? 10 : 9)), pointExpr($0.x, $0.y))
                }))
            } else if !joined[k % joined.count] {
                item.append(head("Point", .list(s.points.filter { $0.x.isFinite && $0.y.isFinite }.map { pointExpr($0.x, $0.y) })))
            }
            if !s.errors.isEmpty {
                item.append(head("Line", .list(s.errors.map { .list([pointExpr($0.0, $0.1), pointExpr($0.0, $0.2)]) })))
            }
            prims.append(.list(item))
        }
        return (prims, styles)
    }

    /// Glyphs for PlotMarkers: Automatic (filled shapes), "OpenMarkers", a string, or none.
    func markerGlyphs() -> [String]? {
        guard let m = given["PlotMarkers"], !m.isSymbol(Sym.None), !m.isFalse else { return nil }
        if m.isSymbol(Sym.Automatic) || m.isTrue || m.asString == "Filled" { return ["●", "■", "◆", "▲", "▼", "⬟"] }
        if m.asString == "OpenMarkers" { return ["○", "□", "◇", "△", "▽", "⬠"] }
        if let s = m.asString { return [s] }
        if let xs = m.listItems { let s = xs.compactMap(\.asString); return s.isEmpty ? nil : s }
        return nil
    }

    /// Stretches of finite points (a gap ends one).
    func runs(_ points: [(x: Double, y: Double)]) -> [[(x: Double, y: Double)]] {
        var out: [[(x: Double, y: Double)]] = [[]]
        for p in points {
            if p.x.isFinite && p.y.isFinite { out[out.count - 1].append(p) } else if !(out.last?.isEmpty ?? true) { out.append([]) }
        }
        return out.filter { !$0.isEmpty }
    }

    /// ListPlot, ListLinePlot and ListLogPlot: data sets as points or lines.
    func listPlot(_ data: Expr, joinedByDefault: Bool, log: Bool = false) throws -> Expr {
        var series = try series(data)
        if log {
            for k in series.indices {
                series[k].points = series[k].points.map { ($0.x, $0.y > 0 ? log10($0.y) : .nan) }
                series[k].errors = series[k].errors.map { ($0.0, $0.1 > 0 ? log10($0.1) : .nan, $0.2 > 0 ? log10($0.2) : .nan) }
            }
        }
        let joined: [Bool] = given["Joined"].map { j in j.listItems.map { $0.map(\.isTrue) } ?? [j.isTrue] } ?? [joinedByDefault]
        let (xr, yr) = PlotBuilder.bounds(series) ?? (0...1, 0...1)
        let baseline = log ? yr.lowerBound : (yr.contains(0) ? 0 : yr.lowerBound)
        let (prims, styles) = dataPrimitives(series, joined: joined.isEmpty ? [joinedByDefault] : joined, baseline: baseline)
        var defaults: [(String, Expr)] = [
            ("AspectRatio", .real(1 / 1.618033988749895)), ("Axes", .list([.symbol(Sym.True), .symbol(Sym.True)])),
            ("PlotRange", .list([PlotBuilder.rangeExpr(xr), PlotBuilder.rangeExpr(filled(yr, baseline))])),
            ("PlotRangePadding", head("Scaled", .real(0.02))),
        ]
        if log { defaults.append(("ScalingFunctions", .list([.symbol(Sym.None), .string("Log")]))) }
        let kind = joined.allSatisfy { $0 } ? "LineLegend" : "PointLegend"
        return graphics(prims, defaults, legend: legendLabels(series).map { (kind, styles, $0) })
    }

    /// A range stretched to take in the filling's baseline.
    func filled(_ r: ClosedRange<Double>, _ baseline: Double) -> ClosedRange<Double> {
        guard option("Filling") != nil, !(given["Filling"]?.isSymbol(Sym.None) ?? true) else { return r }
        return min(r.lowerBound, baseline)...max(r.upperBound, baseline)
    }
}
