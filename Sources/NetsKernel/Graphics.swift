import CoreKernel
import Foundation
import Graphics
import Imaging
import Language
import Nets

/// Pictures: `Graphics[...]` stays a symbolic expression (printed `-Graphics-`); Cairo draws it
/// when it is exported, rasterized or used as an image.
enum GraphicsImages {
    /// Pixels a point of the PNGs that Export writes and front ends show, unless the picture or
    /// the call gives an `ImageResolution`: two, so pictures stay sharp on high-density screens
    /// and slides (a 360-point plot is 720 pixels wide). Images (`Rasterize`) keep one.
    static let pngScale = 2.0

    /// The picture as an RGB image over white (its background where it has one): one pixel a
    /// point, or `resolution` pixels an inch, or `rasterSize` pixels wide.
    static func image(_ e: Expr, resolution: Double? = nil, rasterSize: Double? = nil) throws -> Image {
        let f = try GraphicsReader.figure(e)
        var scale = (resolution ?? f.resolution).map { $0 / 72 } ?? 1
        if let n = rasterSize { scale = n / Swift.max(try f.measuredLayout().width, 1) }
        let r = try f.rasterized(scale: scale).overWhite()
        return try Image(width: r.width, height: r.height, channels: r.channels, bytes: r.bytes)
    }

    /// The bytes of the picture as a file of the format; PNGs at `resolution` pixels an inch
    /// (the picture's own `ImageResolution`, or `pngScale` pixels a point).
    /// A picture too large to draw at `pngScale` is drawn at the largest scale that fits, at
    /// least one pixel a point.
    static func file(_ e: Expr, _ format: OutputFormat, resolution: Double? = nil) throws -> [UInt8] {
        let f = try GraphicsReader.figure(e)
        if let dpi = resolution ?? f.resolution { return try f.encoded(as: format, scale: dpi / 72) }
        guard format == .png else { return try f.encoded(as: format) }
        return try f.encoded(as: format, scale: try f.fittingScale(pngScale))
    }

    /// A format's writer: a Graphics expression drawn to the format, PNG at the `ImageResolution`
    /// the call gives.
    static func writer(_ format: OutputFormat) -> (String, Expr, Call) throws -> Bool {
        { path, e, c in
            guard GraphicsReader.isGraphics(e) else { return false }
            let bytes: [UInt8]
            let resolution = GraphicsReader.resolution(c.option("ImageResolution"))
            do { bytes = try file(e, format, resolution: resolution) } catch { throw FileError("noopen", "cannot draw the picture: \(error)") }
            do { try writeAtomically(bytes, to: path) } catch { throw FileError("noopen", "cannot write \(quoted(path))") }
            return true
        }
    }
}

/// SVG and PDF, written from Graphics expressions.
var graphicsFormats: [FileFormat] {
    [
        FileFormat("SVG", extensions: ["svg"], summary: "a Graphics expression as scalable vector graphics (Cairo)", exporter: GraphicsImages.writer(.svg)),
        FileFormat("PDF", extensions: ["pdf"], summary: "a Graphics expression as a PDF page (Cairo)", exporter: GraphicsImages.writer(.pdf)),
    ]
}

/// The 15 colours of `ColorData[97]` as `RGBColor` expressions.
func paletteColor(_ k: Int) -> Expr { rgb(Palette.color(k)) }

func rgb(_ c: Color) -> Expr {
    func r(_ d: Double) -> Expr { d == d.rounded() ? .integer(Int(d)) : .real((d * 1e6).rounded() / 1e6) }
    let base: [Expr] = [r(c.red), r(c.green), r(c.blue)]
    return .call(sym("RGBColor"), c.alpha < 1 ? base + [r(c.alpha)] : base)
}

extension Kernel {
    static var graphicsBuiltins: [Builtin] {
        func directive(_ name: String, _ usage: String, _ example: String, gives output: String? = nil) -> Builtin {
            Builtin(name, [.protected], usage: usage, examples: [(example, output ?? example)])
        }
        return [
            Builtin("Graphics", [.protected], usage: "Graphics[primitives, options] is a two-dimensional picture of points, lines, polygons, disks, text... under directives such as colours and thickness; it prints as -Graphics- and is drawn by Export, Rasterize and the REPL. Example: Graphics[{Red, Disk[]}] gives -Graphics-.",
                    examples: [("Graphics[{Red, Disk[]}]", "-Graphics-"), ("Head[Graphics[Line[{{0, 0}, {1, 1}}]]]", "Graphics")]),
            Builtin("Show", [], usage: "Show[g1, g2, ..., options] combines pictures into one, with the first one's options (and those given). Example: Show[Graphics[Point[{0, 0}]], Graphics[Circle[]]] gives -Graphics-.",
                    arity: .atLeast(1), examples: [("Show[Graphics[Point[{0, 0}]], Graphics[Circle[]]]", "-Graphics-")]) { c in
                var prims: [Expr] = [], opts: [Expr] = [], legends: [Expr] = []
                var first = true
                for a in c.args {
                    if isOptionRule(a) { opts.insert(a, at: 0); continue }
                    let parts = a.listItems ?? [a]
                    for g in parts {
                        var g = g
                        if g.hasHead(sym("Legended")), g.args.count == 2 { legends.append(g.args[1]); g = g.args[0] }
                        guard GraphicsReader.isGraphics(g) else { return nil }
                        prims.append(g.args[0])
                        if first { opts += g.args.dropFirst(); first = false }
                    }
                }
                guard !prims.isEmpty else { return nil }
                let g = Expr.call(sym("Graphics"), [.list(prims)] + opts)
                guard !legends.isEmpty else { return g }
                return .call(sym("Legended"), [g, mergedLegend(legends)])
            },
            Builtin("Rasterize", [], usage: "Rasterize[g] draws a Graphics expression as an RGB Image, one pixel a point; RasterSize -> n makes it n pixels wide and ImageResolution -> dpi gives dpi/72 pixels a point. Example: ImageDimensions[Rasterize[Graphics[Disk[], ImageSize -> 100]]] gives {100, 100}.",
                    arity: .between(1, 2), options: [("RasterSize", .symbol(Sym.Automatic)), ("ImageResolution", .symbol(Sym.Automatic))],
                    examples: [("ImageDimensions[Rasterize[Graphics[Disk[], ImageSize -> 100]]]", "{100, 100}"),
                               ("ImageDimensions[Rasterize[Graphics[Disk[], ImageSize -> 100], RasterSize -> 250]]", "{250, 250}"),
                               ("ImageDimensions[Rasterize[Graphics[Disk[], ImageSize -> 100], ImageResolution -> 144]]", "{200, 200}")]) { c in
                if c[0].asImageValue != nil { return c[0] }
                guard GraphicsReader.isGraphics(c[0]) else { c.message("notg", text: "\(short(c[0])) is not a Graphics expression."); return nil }
                let size = c.option("RasterSize"), dpi = c.option("ImageResolution")
                let width = size.doubleValue.flatMap { $0.isFinite && $0 >= 1 && $0 <= 8192 ? $0 : nil }
                let resolution = GraphicsReader.resolution(dpi)
                if width == nil && !size.isSymbol(Sym.Automatic) { c.message("rasz", text: "RasterSize -> \(short(size)) should be a width in pixels from 1 to 8192."); return nil }
                if resolution == nil && !dpi.isSymbol(Sym.Automatic) { c.message("imgres", text: "ImageResolution -> \(short(dpi)) should be pixels per inch from 7.2 to 1152."); return nil }
                return netOperation(c) { .image(try GraphicsImages.image(c[0], resolution: resolution, rasterSize: width)) }
            },
            Builtin("ColorData", [], usage: "ColorData[97] is the default plot palette; ColorData[97][k] or ColorData[97, k] is its k-th colour and ColorData[97, \"ColorList\"] its colours. Example: ColorData[97][1] gives RGBColor[0.368417, 0.506779, 0.709798].",
                    arity: .between(1, 2), examples: [("ColorData[97, 2]", "RGBColor[0.880722, 0.611041, 0.142051]"), ("ColorData[97][1]", "RGBColor[0.368417, 0.506779, 0.709798]")]) { c in
                guard c[0].intValue == 97, c.count == 2 else { return nil }
                if let k = c[1].intValue { return paletteColor(k - 1) }
                if c[1].asString == "ColorList" { return .list((0..<Palette.standard.count).map(paletteColor)) }
                return nil
            } subValue: { c in
                guard case .normal(let f) = c.head, f.args.count == 1, f.args[0].intValue == 97, c.count == 1, let k = c[0].intValue else { return nil }
                return paletteColor(k - 1)
            },
            directive("RGBColor", "RGBColor[r, g, b] is a colour of red, green and blue parts in 0..1 (a fourth is opacity); Red, Blue, ... are RGBColor values.", "RGBColor[1, 0, 0]"),
            directive("Hue", "Hue[h] is a fully saturated colour of hue h in 0..1; Hue[h, s, b] gives saturation and brightness.", "Hue[0.5]"),
            directive("GrayLevel", "GrayLevel[g] is a gray from 0 (black) to 1 (white).", "GrayLevel[0.5]"),
            directive("Opacity", "Opacity[a] makes what follows a transparent (0) to opaque (1); Opacity[a, color] a colour.", "Opacity[0.5]"),
            directive("PointSize", "PointSize[d] draws points d times the picture's width across; Small, Medium and Large also.", "PointSize[0.02]"),
            directive("AbsolutePointSize", "AbsolutePointSize[d] draws points d pixels across.", "AbsolutePointSize[4]"),
            directive("Thickness", "Thickness[t] draws lines t times the picture's width thick.", "Thickness[0.01]"),
            directive("AbsoluteThickness", "AbsoluteThickness[d] draws lines d pixels thick.", "AbsoluteThickness[2]"),
            directive("Dashing", "Dashing[{a, b}] draws lines dashed, a on and b off (fractions of the width); Dashed, Dotted and DotDashed are common dashings.", "Dashing[{0.02, 0.01}]"),
            directive("EdgeForm", "EdgeForm[directives] draws the outlines of filled shapes with the directives; EdgeForm[None] draws none.", "EdgeForm[GrayLevel[0]]"),
            directive("FaceForm", "FaceForm[directives] fills shapes with the directives, leaving lines and points as they are.", "FaceForm[GrayLevel[0.8]]"),
            directive("Directive", "Directive[d1, d2, ...] is several graphics directives taken together.", "Directive[RGBColor[1, 0, 0], Thick]"),
            directive("Point", "Point[{x, y}] is a point, Point[{{x1, y1}, ...}] several.", "Point[{0, 0}]"),
            directive("Line", "Line[{{x1, y1}, ...}] is a line through the points; Line[{line1, line2}] several lines.", "Line[{{0, 0}, {1, 1}}]"),
            directive("Polygon", "Polygon[{{x1, y1}, ...}] is a filled polygon.", "Polygon[{{0, 0}, {1, 0}, {0, 1}}]"),
            directive("Rectangle", "Rectangle[{x1, y1}, {x2, y2}] is a filled rectangle between opposite corners; Rectangle[{x, y}] a unit square.", "Rectangle[{0, 0}, {2, 1}]"),
            directive("Disk", "Disk[{x, y}, r] is a filled disk; Disk[] the unit disk; Disk[c, {rx, ry}] an ellipse; Disk[c, r, {a1, a2}] a sector.", "Disk[{0, 0}, 1]"),
            directive("Circle", "Circle[{x, y}, r] is a circle; Circle[c, r, {a1, a2}] an arc.", "Circle[{0, 0}, 1]"),
            directive("Arrow", "Arrow[{{x1, y1}, {x2, y2}}] is an arrow from the first point to the last.", "Arrow[{{0, 0}, {1, 1}}]"),
            directive("Text", "Text[expr, {x, y}] writes expr centred at the point; Text[expr, pos, {dx, dy}] with an offset (-1 puts its left or bottom at the point).", "Text[\"a\", {0, 0}]", gives: "Text[a, {0, 0}]"),
            directive("Inset", "Inset[obj, pos, Center, size] places an image or a picture centred at pos, size wide.", "Inset[\"a\", {0, 0}]", gives: "Inset[a, {0, 0}]"),
            directive("Legended", "Legended[g, legend] is a picture with a legend beside it.", "InputForm[Legended[x, y]]", gives: "Legended[x, y]"),
            directive("LineLegend", "LineLegend[{styles}, {labels}] is a legend of line samples.", "LineLegend[{RGBColor[1, 0, 0]}, {\"a\"}]", gives: "LineLegend[{RGBColor[1, 0, 0]}, {a}]"),
            directive("PointLegend", "PointLegend[{styles}, {labels}] is a legend of point samples.", "PointLegend[{RGBColor[1, 0, 0]}, {\"a\"}]", gives: "PointLegend[{RGBColor[1, 0, 0]}, {a}]"),
            directive("SwatchLegend", "SwatchLegend[{styles}, {labels}] is a legend of colour swatches.", "SwatchLegend[{RGBColor[1, 0, 0]}, {\"a\"}]", gives: "SwatchLegend[{RGBColor[1, 0, 0]}, {a}]"),
            // Heads that graphics code writes and the renderer reads, inert as in the Wolfram
            // Language: calling them is not an unimplemented function.
            directive("Style", "Style[expr, directives] is expr shown with the directives: a font size, Bold, a colour; in a picture Style[primitives, directives] draws the primitives with them.", "InputForm[Style[\"a\", 14]]", gives: "Style[\"a\", 14]"),
            directive("Scaled", "Scaled[d] is d as a fraction of the plot range, as in PlotRangePadding -> Scaled[0.05] or ValidationSet -> Scaled[0.2] (a fraction of the data).", "Scaled[0.05]"),
            directive("Offset", "Offset[{dx, dy}, pos] is pos moved by dx, dy printer's points.", "Offset[{2, 2}, {0, 0}]"),
            directive("Raster", "Raster[{{v11, ...}, ...}] is an array of gray levels (or RGB triples) in 0..1 drawn as cells, the first row at the bottom; Raster[array, {{x1, y1}, {x2, y2}}] over that rectangle.", "Raster[{{0, 1}, {1, 0}}]"),
            directive("Arrowheads", "Arrowheads[s] draws the heads of the arrows that follow s times the picture's width.", "Arrowheads[0.05]"),
            directive("Tooltip", "Tooltip[expr, label] is expr with a label shown on hovering; in pictures drawn to files, expr alone.", "InputForm[Tooltip[Disk[], \"a\"]]", gives: "Tooltip[Disk[], \"a\"]"),
            directive("Annotation", "Annotation[expr, data] is expr with data attached; it is drawn as expr.", "Annotation[Disk[], 1]"),
            Builtin("Blend", [], usage: "Blend[{c1, c2}, t] is the colour a fraction t of the way from c1 to c2 (in RGB); Blend[{c1, c2, ...}, t] runs through several colours as t goes from 0 to 1; Blend[{c1, c2}] is halfway. Example: Blend[{Red, Blue}, 0.5] gives RGBColor[0.5, 0, 0.5].",
                    arity: .between(1, 2), examples: [("Blend[{Red, Blue}, 0.5]", "RGBColor[0.5, 0, 0.5]"), ("Blend[{Black, White}]", "RGBColor[0.5, 0.5, 0.5]")]) { c in
                guard let colors = c[0].listItems?.compactMap(GraphicsReader.color), colors.count == c[0].listItems?.count, !colors.isEmpty else { return nil }
                let t = c.positional.count > 1 ? c[1].doubleValue : 0.5
                guard let t, t.isFinite else { return nil }
                return rgb(blend(colors, t))
            },
            Builtin("Darker", [], usage: "Darker[color] is the colour a third of the way to black; Darker[color, f] a fraction f of the way. Example: Darker[White, 0.5] gives RGBColor[0.5, 0.5, 0.5].",
                    arity: .between(1, 2), examples: [("Darker[White, 0.5]", "RGBColor[0.5, 0.5, 0.5]"), ("Darker[Red]", "RGBColor[0.666667, 0, 0]")]) { c in
                shaded(c, toward: Color(0, 0, 0))
            },
            Builtin("Lighter", [], usage: "Lighter[color] is the colour a third of the way to white; Lighter[color, f] a fraction f of the way. Example: Lighter[Black, 0.5] gives RGBColor[0.5, 0.5, 0.5].",
                    arity: .between(1, 2), examples: [("Lighter[Black, 0.5]", "RGBColor[0.5, 0.5, 0.5]"), ("Lighter[Red]", "RGBColor[1, 0.333333, 0.333333]")]) { c in
                shaded(c, toward: Color(1, 1, 1))
            },
        ]
    }
}

/// The colour a fraction `t` (clamped to 0...1) along the colours, each step between two
/// neighbours linear in RGB and opacity.
func blend(_ colors: [Color], _ t: Double) -> Color {
    guard colors.count > 1 else { return colors.first ?? Color(0, 0, 0) }
    let x = Swift.min(Swift.max(t, 0), 1) * Double(colors.count - 1)
    let k = Swift.min(Int(x), colors.count - 2), f = x - Double(k)
    let a = colors[k], b = colors[k + 1]
    func mix(_ p: Double, _ q: Double) -> Double { p + (q - p) * f }
    return Color(mix(a.red, b.red), mix(a.green, b.green), mix(a.blue, b.blue), mix(a.alpha, b.alpha))
}

/// `Darker`/`Lighter`: the colour a fraction (default 1/3) of the way toward `target`.
private func shaded(_ c: Call, toward target: Color) -> Expr? {
    guard let color = GraphicsReader.color(c[0]) else { return nil }
    let f = c.positional.count > 1 ? c[1].doubleValue : 1.0 / 3
    guard let f, f.isFinite else { return nil }
    var goal = target
    goal.alpha = color.alpha
    return rgb(blend([color, goal], f))
}

/// Several legends of the same kind as one.
private func mergedLegend(_ legends: [Expr]) -> Expr {
    guard let first = legends.first, let head = first.headSymbol else { return .list([]) }
    var styles: [Expr] = [], labels: [Expr] = []
    for l in legends where l.args.count >= 2 {
        styles += l.args[0].listItems ?? []
        labels += l.args[1].listItems ?? []
    }
    return .call(head, [.list(styles), .list(labels)])
}

/// A result the front end shows as a picture (a Graphics expression or an image) as PNG bytes;
/// nil for other results.
public func picturePNG(_ e: Expr) -> [UInt8]? {
    if GraphicsReader.isGraphics(e) { return try? GraphicsImages.file(e, .png) }
    if case .native = e, let im = e.asImage { return try? im.encoded(as: .png) }
    return nil
}

/// A picture as an HTML `<img>` with its PNG embedded, shown at its size in points; nil unless
/// `e` is a Graphics expression.
public func pictureHTML(_ e: Expr, alt: String = "") -> String? {
    guard GraphicsReader.isGraphics(e), let f = try? GraphicsReader.figure(e), let layout = try? f.measuredLayout(),
          let png = try? GraphicsImages.file(e, .png) else { return nil }
    return "<img alt=\"\(htmlEscaped(alt))\" width=\"\(Int(layout.width.rounded()))\" src=\"data:image/png;base64,\(Data(png).base64EncodedString())\">"
}

/// A picture's pixels at one pixel a point (Graphics drawn over white, images as they are), for
/// terminals that take raw pixels (sixel); nil for other results or pictures too large to draw.
public func picturePixels(_ e: Expr) -> (width: Int, height: Int, channels: Int, bytes: [UInt8])? {
    let image: Image?
    if GraphicsReader.isGraphics(e) { image = try? GraphicsImages.image(e) } else if case .native = e { image = e.asImage } else { image = nil }
    return image.map { ($0.width, $0.height, $0.channels, $0.bytes) }
}
