import Foundation
import Testing
@testable import Graphics

/// Drawing: the three file formats from the same code, pixels where they belong, and golden
/// pictures compared with a tolerance (Fixtures/*.png; `GRAPHICS_RECORD=1` rewrites them).
@Suite struct RenderTests {
    static func redDisk() -> Figure {
        var st = Style()
        st.color = Color(1, 0, 0)
        var f = Figure(items: [Item(.disk(Point(0, 0), rx: 1, ry: 1, angles: nil), st)])
        f.imageSize = (100, nil)
        f.rangePadding = 0
        return f
    }

    static func samplePlot() -> Figure {
        var f = Figure()
        for k in 0..<2 {
            var st = Style()
            st.color = Palette.color(k)
            st.thickness = .absolute(1.6)
            f.items.append(Item(.line((0...60).map { i in let x = Double(i) / 10; return Point(x, k == 0 ? sin(x) : cos(x)) }), st))
        }
        f.axes = (true, true)
        f.aspectRatio = 1 / 1.618
        f.legend = [LegendEntry("sin", f.items[0].style, .line), LegendEntry("cos", f.items[1].style, .line)]
        return f
    }

    static func framedBars() -> Figure {
        var f = Figure()
        var st = Style()
        st.face = Palette.bar
        st.edge = Style.Edge(color: Color(gray: 0.4), thickness: .absolute(0.5))
        for (i, h) in [3.0, 5, 2, 7].enumerated() { f.items.append(Item(.rectangle(Point(Double(i), 0), Point(Double(i) + 0.8, h)), st)) }
        f.frame = true
        f.frameLabel = ("class", "count")
        f.plotLabel = "Bars"
        f.gridLines = (.none, .automatic)
        f.aspectRatio = 0.6
        return f
    }

    @Test func pngSvgAndPdfComeFromTheSameDrawing() throws {
        let f = Self.samplePlot()
        let png = try f.encoded(as: .png)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let pdf = try f.encoded(as: .pdf)
        #expect(String(decoding: pdf.prefix(5), as: UTF8.self) == "%PDF-")
        let svg = String(decoding: try f.encoded(as: .svg), as: UTF8.self)
        #expect(svg.contains("<svg"))
        #expect(svg.contains("width=\"360pt\""))
        // Two curves, the axes and the legend samples are paths; text is drawn as glyphs.
        #expect(svg.components(separatedBy: "<path").count > 10)
        #expect(svg.contains("<symbol") || svg.contains("glyph"))
        #expect(svg.hasSuffix("</svg>\n"))
    }

    @Test func pixelsLandWhereTheFigureSays() throws {
        let r = try Self.redDisk().rasterized()
        #expect(r.width == 100 && r.height == 100)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] { let o = (y * r.width + x) * 4; return Array(r.bytes[o..<(o + 4)]) }
        #expect(pixel(50, 50) == [255, 0, 0, 255])
        #expect(pixel(2, 2) == [255, 255, 255, 255])
    }

    @Test func rasterPrimitivesAreStretchedOverTheirRectangle() throws {
        guard let checker = Raster(width: 2, height: 1, channels: 3, bytes: [0, 0, 0, 255, 255, 255]) else { Issue.record("raster"); return }
        var f = Figure(items: [Item(.raster(checker, Point(0, 0), Point(2, 1), smooth: false))])
        f.imageSize = (100, nil)
        f.rangePadding = 0
        let r = try f.rasterized()
        #expect(r.bytes[(25 * r.width + 25) * 4] == 0)
        #expect(r.bytes[(25 * r.width + 75) * 4] == 255)
    }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The share of pixels whose colour differs by more than a little, and the mean difference.
    static func difference(_ a: Raster, _ b: Raster) -> (share: Double, mean: Double)? {
        guard a.width == b.width, a.height == b.height, a.channels == b.channels else { return nil }
        var differing = 0, total = 0.0
        for p in 0..<(a.width * a.height) {
            var d = 0
            for k in 0..<a.channels { d = max(d, abs(Int(a.bytes[p * a.channels + k]) - Int(b.bytes[p * b.channels + k]))) }
            if d > 48 { differing += 1 }
            total += Double(d)
        }
        let n = Double(a.width * a.height)
        return (Double(differing) / n, total / n)
    }

    /// Golden pictures at one pixel a point, and the plot at two (`plot@2x`, as Export and the
    /// notebooks draw PNGs): record them again with GRAPHICS_RECORD=1 after a deliberate change.
    @Test(arguments: ["plot", "bars", "disk", "plot@2x"])
    func matchesGoldenPicture(_ name: String) throws {
        let scale = name.hasSuffix("@2x") ? 2.0 : 1.0
        let base = name.replacingOccurrences(of: "@2x", with: "")
        let figure = base == "plot" ? Self.samplePlot() : base == "bars" ? Self.framedBars() : Self.redDisk()
        let path = Self.fixtures.appendingPathComponent("\(name).png").path
        if ProcessInfo.processInfo.environment["GRAPHICS_RECORD"] == "1" {
            try Data(figure.encoded(as: .png, scale: scale)).write(to: URL(fileURLWithPath: path))
        }
        let drawn = try figure.rasterized(scale: scale)
        guard let golden = Raster.png(atPath: path) else { Issue.record("no golden picture at \(path)"); return }
        guard let d = Self.difference(drawn, golden) else { Issue.record("\(name): \(drawn.width)x\(drawn.height), golden \(golden.width)x\(golden.height)"); return }
        // Font hinting and antialiasing may differ a little between Cairo and FreeType versions;
        // a moved tick, a lost curve or another colour does not fit in this.
        #expect(d.share < 0.003, "\(name): \(d.share * 100)% of pixels differ")
        #expect(d.mean < 3, "\(name): mean difference \(d.mean)")
    }

    @Test func theToleranceCatchesAChangedPicture() throws {
        var recoloured = Self.samplePlot()
        recoloured.items[1].style.color = Color(0, 0.8, 0)
        let a = try Self.samplePlot().rasterized(), b = try recoloured.rasterized()
        guard let d = Self.difference(a, b) else { Issue.record("sizes differ"); return }
        #expect(d.share >= 0.003 || d.mean >= 3, "a recoloured curve: \(d.share * 100)% of pixels differ")
    }
}
