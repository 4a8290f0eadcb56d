import CoreKernel
import Foundation
import Graphics
import Imaging
import Language

/// Reading `Graphics[primitives, options]` into the render model: directives scope over the rest
/// of their list, `Style[...]` and `{...}` open a scope, and options set the frame around.
struct GraphicsReader {
    /// Insets and nested lists go at most this deep.
    static let maxDepth = 64

    /// The figure of a `Graphics[...]` (or `Legended[Graphics[...], legend]`) expression.
    static func figure(_ e: Expr, depth: Int = 0) throws -> Figure {
        guard depth < 8 else { throw GraphicsError("pictures are inset in each other too deeply") }
        if e.hasHead(sym("Legended")), e.args.count == 2 {
            var f = try figure(e.args[0], depth: depth + 1)
            f.legend += legendEntries(e.args[1])
            return f
        }
        guard e.hasHead(sym("Graphics")), let first = e.args.first else {
            throw GraphicsError("\(short(e)) is not a Graphics expression")
        }
        var f = Figure()
        var items: [Item] = []
        try primitives(first, Style(), &items, depth: 0, insets: depth)
        f.items = items
        var options: [String: Expr] = [:]
        for o in e.args.dropFirst() { collectOptions(o, into: &options) }
        try apply(options, to: &f)
        return f
    }

    /// Whether an expression is a picture the renderer draws.
    static func isGraphics(_ e: Expr) -> Bool {
        if e.hasHead(sym("Legended")), e.args.count == 2 { return isGraphics(e.args[0]) }
        return e.hasHead(sym("Graphics")) && !e.args.isEmpty
    }

    // MARK: primitives and directives

    /// `depth` counts nested lists, `insets` pictures inset in pictures.
    static func primitives(_ e: Expr, _ style: Style, _ out: inout [Item], depth: Int, insets: Int) throws {
        guard depth < maxDepth else { throw GraphicsError("the primitives are nested too deeply") }
        if let items = e.listItems {
            var st = style
            for x in items {
                if directive(x, &st) { continue }
                try primitives(x, st, &out, depth: depth + 1, insets: insets)
            }
            return
        }
        guard let head = e.headSymbol?.name else { return }
        let a = e.args
        switch head {
        case "Style", "Directive":
            guard !a.isEmpty else { return }
            var st = style
            if head == "Directive" { return }
            for d in a.dropFirst().flatMap({ $0.listItems ?? [$0] }) { _ = directive(d, &st) }
            try primitives(a[0], st, &out, depth: depth + 1, insets: insets)
        case "Point":
            guard let p = a.first else { return }
            if let q = point(p) { out.append(Item(.points([q]), style)) } else if let ps = points(p) { out.append(Item(.points(ps), style)) }
        case "Line":
            guard let p = a.first else { return }
            if let ps = points(p) { out.append(Item(.line(ps), style)) }
            else if let lines = p.listItems { for l in lines { if let ps = points(l) { out.append(Item(.line(ps), style)) } } }
        case "Polygon":
            guard let p = a.first else { return }
            if let ps = points(p) { out.append(Item(.polygon(ps), style)) }
            else if let polys = p.listItems { for l in polys { if let ps = points(l) { out.append(Item(.polygon(ps), style)) } } }
        case "Rectangle":
            let lo = a.first.flatMap(point) ?? Point(0, 0)
            let hi = a.count > 1 ? point(a[1]) ?? Point(lo.x + 1, lo.y + 1) : Point(lo.x + 1, lo.y + 1)
            out.append(Item(.rectangle(lo, hi), style))
        case "Disk", "Circle":
            let c = a.first.flatMap(point) ?? Point(0, 0)
            var (rx, ry) = (1.0, 1.0)
            if a.count > 1 {
                if let r = a[1].doubleValue { (rx, ry) = (r, r) } else if let r = point(a[1]) { (rx, ry) = (r.x, r.y) }
            }
            guard rx.isFinite, ry.isFinite, rx >= 0, ry >= 0 else { return }
            var angles: (Double, Double)?
            if a.count > 2, let t = point(a[2]) { angles = (t.x, t.y) }
            if head == "Disk" { out.append(Item(.disk(c, rx: rx, ry: ry, angles: angles), style)) }
            else if let (a0, a1) = angles {
                let n = 90
                let arc = (0...n).map { k -> Graphics.Point in
                    let t = a0 + (a1 - a0) * Double(k) / Double(n)
                    return Point(c.x + rx * cos(t), c.y + ry * sin(t))
                }
                out.append(Item(.line(arc), style))
            } else { out.append(Item(.circle(c, rx: rx, ry: ry), style)) }
        case "Arrow":
            guard let p = a.first, let ps = points(p) else { return }
            out.append(Item(.arrow(ps), style))
        case "Text":
            guard let content = a.first else { return }
            var st = style
            let text = label(content, &st)
            let pos = a.count > 1 ? point(a[1]) ?? Point(0, 0) : Point(0, 0)
            let offset = a.count > 2 ? point(a[2]) ?? Point(0, 0) : Point(0, 0)
            // Text[expr, pos, offset, {dx, dy}]: written along the direction.
            let direction = a.count > 3 ? point(a[3]) ?? Point(1, 0) : Point(1, 0)
            out.append(Item(.text(text, pos, offset: offset, angle: atan2(direction.y, direction.x)), st))
        case "Inset":
            guard let content = a.first else { return }
            let pos = a.count > 1 ? point(a[1]) ?? Point(0, 0) : Point(0, 0)
            var size = Point(1, 1)
            if a.count > 3 {
                if let s = point(a[3]) { size = s } else if let w = a[3].doubleValue { size = Point(w, w) }
            }
            if let im = content.asImageValue {
                if a.count <= 3 || a[3].doubleValue != nil { size.y = size.x * Double(im.height) / Double(im.width) }
                let half = Point(size.x / 2, size.y / 2)
                out.append(Item(.raster(try raster(im), Point(pos.x - half.x, pos.y - half.y), Point(pos.x + half.x, pos.y + half.y), smooth: true), style))
            } else if isGraphics(content) {
                let inner = try figure(content, depth: insets + 1)
                let half = Point(size.x / 2, size.y / 2)
                out.append(Item(.inset(inner, Point(pos.x - half.x, pos.y - half.y), Point(pos.x + half.x, pos.y + half.y)), style))
            } else {
                var st = style
                out.append(Item(.text(label(content, &st), pos, offset: Point(0, 0), angle: 0), st))
            }
        case "Raster":
            // Raster[{{v...}...}]: rows from the bottom, gray levels or RGB triples in 0..1.
            guard let rows = a.first?.listItems, !rows.isEmpty else { return }
            let lo = a.count > 1 ? a[1].listItems.flatMap { $0.count == 2 ? point($0[0]) : nil } : nil
            let hi = a.count > 1 ? a[1].listItems.flatMap { $0.count == 2 ? point($0[1]) : nil } : nil
            guard let r = rasterFromRows(rows) else { return }
            out.append(Item(.raster(r, lo ?? Point(0, 0), hi ?? Point(Double(r.width), Double(r.height)), smooth: false), style))
        case "Graphics", "Tooltip", "Annotation", "Labeled":
            // A tooltip or annotation is drawn as what it wraps.
            if let inner = a.first { try primitives(inner, style, &out, depth: depth + 1, insets: insets) }
        default:
            return
        }
    }

    /// Applies a directive to the style; false when the expression is not one.
    static func directive(_ e: Expr, _ st: inout Style) -> Bool {
        if let c = color(e) {
            // A colour replaces the colour (and the face colour); an opacity given before stays.
            st.color = c
            st.face = nil
            if c.alpha < 1 { st.opacity = c.alpha; st.color.alpha = 1 }
            return true
        }
        if case .symbol(let s) = e {
            switch s.name {
            case "Dashed": st.dashes = [6, 4]; return true
            case "Dotted": st.dashes = [1.5, 3]; return true
            case "DotDashed": st.dashes = [6, 3, 1.5, 3]; return true
            case "Thick": st.thickness = .absolute(2); return true
            case "Thin": st.thickness = .absolute(0.5); return true
            case "Bold": st.bold = true; return true
            default: return false
            }
        }
        guard let head = e.headSymbol?.name else { return false }
        let a = e.args
        switch head {
        case "Directive":
            for d in a.flatMap({ $0.listItems ?? [$0] }) { _ = directive(d, &st) }
        case "Opacity":
            guard let o = a.first?.doubleValue else { return false }
            st.opacity = Swift.min(Swift.max(o, 0), 1)
            if a.count > 1, let c = color(a[1]) { st.color = c }
        case "PointSize":
            st.pointSize = .scaled(size(a.first, small: 0.008, medium: 0.012, large: 0.02) ?? 0.008)
        case "AbsolutePointSize":
            st.pointSize = .absolute(size(a.first, small: 2, medium: 3, large: 5) ?? 3)
        case "Thickness":
            st.thickness = .scaled(size(a.first, small: 0.002, medium: 0.004, large: 0.008) ?? 0.002)
        case "AbsoluteThickness":
            st.thickness = .absolute(size(a.first, small: 0.5, medium: 1, large: 2) ?? 1)
        case "Dashing":
            if let d = a.first?.doubleValue { st.dashes = [d * 360, d * 360] }
            else if let ds = a.first?.realValues, !ds.isEmpty { st.dashes = ds.map { Swift.max($0 * 360, 0.5) } }
            else { st.dashes = [] }
        case "EdgeForm":
            if let d = a.first, d.isSymbol(Sym.None) { st.edge = nil; return true }
            var inner = Style()
            inner.thickness = .absolute(1)
            for d in a.flatMap({ $0.listItems ?? [$0] }) { _ = directive(d, &inner) }
            var edge = Style.Edge(color: inner.color.withOpacity(inner.opacity), thickness: inner.thickness)
            edge.dashes = inner.dashes
            st.edge = a.isEmpty ? Style.Edge(color: .black) : edge
        case "FaceForm":
            var inner = Style()
            for d in a.flatMap({ $0.listItems ?? [$0] }) { _ = directive(d, &inner) }
            st.face = inner.color.withOpacity(inner.opacity)
        case "FontSize":
            if let s = a.first?.doubleValue, s > 0, s < 500 { st.fontSize = s }
        default:
            return false
        }
        return true
    }

    /// Small, Medium, Large, Tiny or a number.
    static func size(_ e: Expr?, small: Double, medium: Double, large: Double) -> Double? {
        guard let e else { return nil }
        if let d = e.doubleValue, d.isFinite, d >= 0 { return Swift.min(d, 1000) }
        switch e.asSymbol?.name {
        case "Tiny": return small / 2
        case "Small": return small
        case "Medium": return medium
        case "Large": return large
        default: return nil
        }
    }

    /// `RGBColor[r, g, b]`, `RGBColor[{r, g, b}]`, `Hue[h, s, b]`, `GrayLevel[g]`, with alpha.
    static func color(_ e: Expr) -> Color? {
        guard let head = e.headSymbol?.name else { return nil }
        var a = e.args.compactMap(\.doubleValue)
        if e.args.count == 1, let xs = e.args[0].realValues, xs.count > 1 { a = xs }
        else if a.count != e.args.count { return nil }
        switch (head, a.count) {
        case ("RGBColor", 3): return Color(a[0], a[1], a[2])
        case ("RGBColor", 4): return Color(a[0], a[1], a[2], a[3])
        case ("GrayLevel", 1): return Color(gray: a[0])
        case ("GrayLevel", 2): return Color(gray: a[0], alpha: a[1])
        case ("Hue", 1): return Color(hue: a[0])
        case ("Hue", 3): return Color(hue: a[0], saturation: a[1], brightness: a[2])
        case ("Hue", 4): return Color(hue: a[0], saturation: a[1], brightness: a[2], alpha: a[3])
        default: return nil
        }
    }

    static func point(_ e: Expr) -> Graphics.Point? {
        guard let xs = e.listItems, xs.count == 2, let x = xs[0].doubleValue, let y = xs[1].doubleValue else { return nil }
        return Point(x, y)
    }

    static func points(_ e: Expr) -> [Graphics.Point]? {
        guard let xs = e.listItems else { return nil }
        var out: [Graphics.Point] = []
        out.reserveCapacity(xs.count)
        for x in xs {
            guard let items = x.listItems, items.count == 2, items[0].listItems == nil, items[1].listItems == nil else { return nil }
            // A missing or symbolic coordinate breaks a line rather than dropping the whole of it.
            out.append(Point(items[0].doubleValue ?? .nan, items[1].doubleValue ?? .nan))
        }
        return out
    }

    /// The text of a label, taking size, weight and colour from `Style[text, ...]`.
    static func label(_ e: Expr, _ st: inout Style) -> String {
        if e.hasHead(sym("Style")), let first = e.args.first {
            for d in e.args.dropFirst() {
                if let s = d.doubleValue, s > 0, s < 500 { st.fontSize = s } else { _ = directive(d, &st) }
            }
            return label(first, &st)
        }
        return OutputForm.string(e)
    }

    static func labelText(_ e: Expr) -> String? {
        if e.isSymbol(Sym.None) || e.isSymbol(Sym.Automatic) || e.isNull { return nil }
        var st = Style()
        return label(e, &st)
    }

    // MARK: rasters

    static func raster(_ im: Image) throws -> Raster {
        guard let r = Raster(width: im.width, height: im.height, channels: im.channels, bytes: im.bytes) else {
            throw GraphicsError("the image is too large to place in a picture")
        }
        return r
    }

    /// Rows of gray levels or colour triples, the first row at the bottom.
    static func rasterFromRows(_ rows: [Expr]) -> Raster? {
        let h = rows.count
        guard let w = rows.first?.listItems?.count, w > 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(w * h * 3)
        func byte(_ d: Double) -> UInt8 { UInt8((Swift.min(Swift.max(d.isNaN ? 0 : d, 0), 1) * 255).rounded()) }
        for row in rows.reversed() {
            guard let cells = row.listItems, cells.count == w else { return nil }
            for cell in cells {
                if let g = cell.doubleValue { bytes += [byte(g), byte(g), byte(g)] }
                else if let c = color(cell) ?? cell.realValues.flatMap({ $0.count == 3 ? Color($0[0], $0[1], $0[2]) : nil }) {
                    bytes += [byte(c.red), byte(c.green), byte(c.blue)]
                } else { bytes += [255, 255, 255] }
            }
        }
        return Raster(width: w, height: h, channels: 3, bytes: bytes)
    }

    // MARK: options

    static func apply(_ o: [String: Expr], to f: inout Figure) throws {
        if let r = o["PlotRange"] { plotRange(r, &f) }
        if let p = o["PlotRangePadding"] {
            if p.isSymbol(Sym.None) { f.rangePadding = 0 }
            else if p.hasHead(sym("Scaled")), let d = p.args.first?.doubleValue { f.rangePadding = d }
            else if let d = p.doubleValue { f.rangePadding = d }
        }
        if let r = o["AspectRatio"] {
            if let d = r.doubleValue, d > 0, d.isFinite { f.aspectRatio = d }
            else if r.isSymbol(sym("Full")) { f.aspectRatio = nil }
        }
        if let a = o["Axes"] {
            if let xs = a.listItems, xs.count == 2 { f.axes = (xs[0].isTrue, xs[1].isTrue) } else { f.axes = (a.isTrue, a.isTrue) }
        }
        if let l = o["AxesLabel"] {
            if let xs = l.listItems, xs.count == 2 { f.axesLabel = (labelText(xs[0]), labelText(xs[1])) }
            else { f.axesLabel = (nil, labelText(l)) }
        }
        if let p = o["AxesOrigin"], let q = point(p) { f.axesOrigin = q }
        if let fr = o["Frame"] {
            f.frame = fr.isTrue || flatten(fr).contains { $0.isTrue }
        }
        if let l = o["FrameLabel"] {
            if let xs = l.listItems, xs.count == 2 {
                if let b = xs[1].listItems, let lr = xs[0].listItems, b.count == 2, lr.count == 2 {
                    f.frameLabel = (labelText(b[0]), labelText(lr[0]))
                } else { f.frameLabel = (labelText(xs[0]), labelText(xs[1])) }
            } else { f.frameLabel = (labelText(l), nil) }
        }
        if let l = o["PlotLabel"] { f.plotLabel = labelText(l) }
        if let g = o["GridLines"] {
            if let xs = g.listItems, xs.count == 2 { f.gridLines = (tickSpec(xs[0]), tickSpec(xs[1])) }
            else { f.gridLines = (tickSpec(g), tickSpec(g)) }
        }
        for name in ["Ticks", "FrameTicks"] {
            guard let t = o[name] else { continue }
            if let xs = t.listItems, xs.count == 2, !xs.contains(where: { $0.doubleValue != nil }) { f.ticks = (tickSpec(xs[0]), tickSpec(xs[1])) }
            else { f.ticks = (tickSpec(t), tickSpec(t)) }
        }
        if let s = o["ScalingFunctions"], let xs = s.listItems, xs.count == 2, xs[1].asString == "Log" { f.logY = true }
        if let b = o["Background"] { f.background = color(b) }
        if let s = o["ImageSize"] { f.imageSize = imageSize(s) }
        if let r = o["ImageResolution"], let dpi = resolution(r) { f.resolution = dpi }
        if let p = o["ImagePadding"], let d = p.doubleValue, d >= 0, d < 2000 { f.imagePadding = d }
    }

    static func flatten(_ e: Expr) -> [Expr] { e.listItems.map { $0.flatMap(flatten) } ?? [e] }

    static func plotRange(_ r: Expr, _ f: inout Figure) {
        func range(_ e: Expr) -> ClosedRange<Double>? {
            guard let p = point(e), p.x < p.y else { return nil }
            return p.x...p.y
        }
        if let d = r.doubleValue, d > 0 { f.xRange = -d...d; f.yRange = -d...d; return }
        guard let xs = r.listItems, xs.count == 2 else { return }
        if let y = range(r) { f.yRange = y; return }
        f.xRange = range(xs[0])
        f.yRange = range(xs[1])
    }

    static func tickSpec(_ e: Expr) -> TickSpec {
        if e.isSymbol(Sym.Automatic) || e.isTrue { return .automatic }
        guard let xs = e.listItems else { return .none }
        return .explicit(xs.compactMap { x in
            if let d = x.doubleValue { return (d, Ticks.labels([d], step: Ticks.niceStep(span: abs(d) + 1e-12, target: 1)).first ?? "") }
            if let p = x.listItems, p.count >= 2, let d = p[0].doubleValue { return (d, labelText(p[1]) ?? "") }
            return nil
        })
    }

    /// An `ImageResolution` in pixels per inch, from 7.2 to 1152 (0.1 to 16 pixels a point).
    static func resolution(_ e: Expr) -> Double? {
        guard let d = e.doubleValue, d.isFinite, d >= 7.2, d <= 1152 else { return nil }
        return d
    }

    static func imageSize(_ e: Expr) -> (Double?, Double?) {
        func clamp(_ d: Double?) -> Double? { d.flatMap { $0.isFinite && $0 > 0 ? Swift.min($0, 8192) : nil } }
        if let d = e.doubleValue { return (clamp(d), nil) }
        if let xs = e.listItems, xs.count == 2 { return (clamp(xs[0].doubleValue), clamp(xs[1].doubleValue)) }
        switch e.asSymbol?.name {
        case "Tiny": return (100, nil)
        case "Small": return (180, nil)
        case "Medium": return (360, nil)
        case "Large": return (576, nil)
        default: return (nil, nil)
        }
    }

    // MARK: legends

    /// `LineLegend[{styles}, {labels}]`, `PointLegend[...]`, `SwatchLegend[...]`.
    static func legendEntries(_ e: Expr) -> [LegendEntry] {
        guard let head = e.headSymbol?.name, e.args.count >= 2,
              let styles = e.args[0].listItems, let labels = e.args[1].listItems else { return [] }
        let marker: LegendEntry.Marker = head == "PointLegend" ? .point : head == "SwatchLegend" ? .swatch : .line
        return zip(styles, labels).map { s, l in
            var st = Style()
            st.thickness = .absolute(1.6)
            st.pointSize = .absolute(6)
            _ = directive(s, &st)
            return LegendEntry(labelText(l) ?? "", st, marker)
        }
    }
}

func sym(_ name: String) -> Symbol { Symbol.intern(name) }

extension Expr {
    /// An image value, or nil (a Graphics expression is not rasterized here).
    var asImageValue: Image? {
        if case .native = self { return asImage }
        return nil
    }
}
