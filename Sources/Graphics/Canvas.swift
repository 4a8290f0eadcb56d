import CCairo
import Foundation

/// A failure to make a picture: never a trap.
public struct GraphicsError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The file formats a figure is drawn to.
public enum OutputFormat: String, Sendable, CaseIterable {
    case png, svg, pdf
}

/// A Cairo drawing context in pixel coordinates (y down), with the few operations figures need.
/// Text is set in DejaVu Sans through Cairo's font selection.
final class Canvas {
    let cr: OpaquePointer
    static let fontFamily = "DejaVu Sans"

    init(_ cr: OpaquePointer) {
        self.cr = cr
        cairo_select_font_face(cr, Canvas.fontFamily, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
    }

    func setColor(_ c: Color) { cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha) }

    func setLine(width: Double, dashes: [Double] = []) {
        cairo_set_line_width(cr, Swift.max(width, 0.1))
        if dashes.isEmpty { cairo_set_dash(cr, nil, 0, 0) } else { dashes.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32($0.count), 0) } }
    }

    func path(_ points: [(Double, Double)], closed: Bool = false) {
        cairo_new_path(cr)
        for (k, p) in points.enumerated() {
            if k == 0 { cairo_move_to(cr, p.0, p.1) } else { cairo_line_to(cr, p.0, p.1) }
        }
        if closed { cairo_close_path(cr) }
    }

    func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ color: Color, width: Double = 1) {
        setColor(color)
        setLine(width: width)
        path([(x0, y0), (x1, y1)])
        cairo_stroke(cr)
    }

    func rectangle(_ x: Double, _ y: Double, _ w: Double, _ h: Double) {
        cairo_new_path(cr)
        cairo_rectangle(cr, x, y, w, h)
    }

    func fill(_ color: Color, preserve: Bool = false) {
        setColor(color)
        if preserve { cairo_fill_preserve(cr) } else { cairo_fill(cr) }
    }

    func stroke(_ color: Color, width: Double, dashes: [Double] = []) {
        setColor(color)
        setLine(width: width, dashes: dashes)
        cairo_stroke(cr)
    }

    func setFont(size: Double, bold: Bool = false) {
        cairo_select_font_face(cr, Canvas.fontFamily, CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
    }

    /// Width of a line of text and the font's ascent and descent, at the current font.
    func measure(_ s: String) -> (width: Double, ascent: Double, descent: Double) {
        var te = cairo_text_extents_t()
        var fe = cairo_font_extents_t()
        cairo_text_extents(cr, s, &te)
        cairo_font_extents(cr, &fe)
        return (te.x_advance, fe.ascent, fe.descent)
    }

    func textSize(_ s: String, size: Double, bold: Bool = false) -> (width: Double, height: Double) {
        setFont(size: size, bold: bold)
        let m = measure(s)
        return (m.width, m.ascent + m.descent)
    }

    /// Draws text anchored at (x, y): `ax`, `ay` in -1...1 place the anchor at the text's left
    /// (-1), centre (0) or right (1), and bottom (-1), middle (0) or top (1); turned by `angle`
    /// radians counter-clockwise.
    func text(_ s: String, _ x: Double, _ y: Double, ax: Double = 0, ay: Double = 0, angle: Double = 0,
              size: Double = 11, color: Color = .black, bold: Bool = false) {
        guard !s.isEmpty else { return }
        setFont(size: size, bold: bold)
        setColor(color)
        let lines = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let m = measure("Hg")
        let lineHeight = m.ascent + m.descent
        let total = lineHeight * Double(lines.count)
        cairo_save(cr)
        cairo_translate(cr, x, y)
        cairo_rotate(cr, -angle)
        for (k, line) in lines.enumerated() {
            let w = measure(line).width
            let left = -w / 2 - ax * w / 2
            let top = -total / 2 + ay * total / 2
            cairo_move_to(cr, left, top + Double(k) * lineHeight + m.ascent)
            cairo_show_text(cr, line)
        }
        cairo_restore(cr)
    }

    /// Width and height of possibly several lines of text.
    func blockSize(_ s: String, size: Double, bold: Bool = false) -> (width: Double, height: Double) {
        guard !s.isEmpty else { return (0, 0) }
        setFont(size: size, bold: bold)
        let lines = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let m = measure("Hg")
        return (lines.map { measure($0).width }.max() ?? 0, (m.ascent + m.descent) * Double(lines.count))
    }

    /// Paints a raster over the rectangle from (x, y), w x h pixels.
    func draw(_ r: Raster, x: Double, y: Double, w: Double, h: Double, smooth: Bool) {
        let stride = Int(cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, Int32(r.width)))
        guard stride > 0, let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(r.width), Int32(r.height)) else { return }
        defer { cairo_surface_destroy(surface) }
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { return }
        for row in 0..<r.height {
            for col in 0..<r.width {
                let i = (row * r.width + col) * r.channels
                let (red, green, blue, alpha): (UInt8, UInt8, UInt8, UInt8)
                switch r.channels {
                case 1: (red, green, blue, alpha) = (r.bytes[i], r.bytes[i], r.bytes[i], 255)
                case 2: (red, green, blue, alpha) = (r.bytes[i], r.bytes[i], r.bytes[i], r.bytes[i + 1])
                case 3: (red, green, blue, alpha) = (r.bytes[i], r.bytes[i + 1], r.bytes[i + 2], 255)
                default: (red, green, blue, alpha) = (r.bytes[i], r.bytes[i + 1], r.bytes[i + 2], r.bytes[i + 3])
                }
                func pre(_ v: UInt8) -> UInt8 { UInt8((UInt32(v) * UInt32(alpha) + 127) / 255) }
                let word = UInt32(alpha) << 24 | UInt32(pre(red)) << 16 | UInt32(pre(green)) << 8 | UInt32(pre(blue))
                (data + row * stride).withMemoryRebound(to: UInt32.self, capacity: r.width) { $0[col] = word }
            }
        }
        cairo_surface_mark_dirty(surface)
        cairo_save(cr)
        cairo_rectangle(cr, x, y, w, h)
        cairo_clip(cr)
        cairo_translate(cr, x, y)
        cairo_scale(cr, w / Double(r.width), h / Double(r.height))
        cairo_set_source_surface(cr, surface, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), smooth ? CAIRO_FILTER_BILINEAR : CAIRO_FILTER_NEAREST)
        cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD)
        cairo_paint(cr)
        cairo_restore(cr)
    }
}

/// Bytes a Cairo stream writes, collected.
private final class ByteSink {
    var bytes: [UInt8] = []
}

private let appendToSink: cairo_write_func_t = { closure, data, length in
    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    return CAIRO_STATUS_SUCCESS
}

enum Surfaces {
    /// Largest side of a picture, in pixels, and the most pixels one may have.
    static let maxSide = 8192.0
    static let maxPixels = 40_000_000.0

    static func checkSize(_ w: Double, _ h: Double) throws {
        guard w.isFinite, h.isFinite, w >= 1, h >= 1, w <= maxSide, h <= maxSide, w * h <= maxPixels else {
            throw GraphicsError("a picture of \(Int(w.isFinite ? w : -1))x\(Int(h.isFinite ? h : -1)) pixels is too large or empty (at most \(Int(maxSide)) a side)")
        }
    }

    /// Draws with `body` on a surface of the format, w x h (pixels, or points for SVG/PDF), and
    /// gives the file's bytes. PNG is drawn `scale` times larger.
    static func encode(_ format: OutputFormat, width w: Double, height h: Double, scale: Double = 1,
                       _ body: (Canvas) -> Void) throws -> [UInt8] {
        try checkSize(w * scale, h * scale)
        let sink = ByteSink()
        let closure = Unmanaged.passUnretained(sink).toOpaque()
        let surface: OpaquePointer?
        switch format {
        case .png: surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32((w * scale).rounded(.up)), Int32((h * scale).rounded(.up)))
        case .svg: surface = cairo_svg_surface_create_for_stream(appendToSink, closure, w, h)
        case .pdf: surface = cairo_pdf_surface_create_for_stream(appendToSink, closure, w, h)
        }
        guard let surface, cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { throw GraphicsError("Cairo could not make a \(format.rawValue) surface") }
        defer { cairo_surface_destroy(surface) }
        guard let cr = cairo_create(surface) else { throw GraphicsError("Cairo could not draw") }
        if format == .png { cairo_scale(cr, scale, scale) }
        body(Canvas(cr))
        cairo_destroy(cr)
        if format == .png {
            guard cairo_surface_write_to_png_stream(surface, appendToSink, closure) == CAIRO_STATUS_SUCCESS else { throw GraphicsError("Cairo could not write the PNG") }
        } else {
            cairo_surface_finish(surface)
        }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { throw GraphicsError("Cairo could not finish the \(format.rawValue) file") }
        return withExtendedLifetime(sink) { sink.bytes }
    }

    /// Draws on an image surface and gives its pixels as 8-bit RGBA, un-premultiplied.
    static func raster(width w: Double, height h: Double, scale: Double = 1, _ body: (Canvas) -> Void) throws -> Raster {
        try checkSize(w * scale, h * scale)
        let pw = Int((w * scale).rounded(.up)), ph = Int((h * scale).rounded(.up))
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(pw), Int32(ph)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { throw GraphicsError("Cairo could not make an image surface") }
        defer { cairo_surface_destroy(surface) }
        guard let cr = cairo_create(surface) else { throw GraphicsError("Cairo could not draw") }
        cairo_scale(cr, scale, scale)
        body(Canvas(cr))
        cairo_destroy(cr)
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        guard let data = cairo_image_surface_get_data(surface) else { throw GraphicsError("Cairo gave no pixels") }
        var bytes = [UInt8](repeating: 0, count: pw * ph * 4)
        for row in 0..<ph {
            (data + row * stride).withMemoryRebound(to: UInt32.self, capacity: pw) { words in
                for col in 0..<pw {
                    let v = words[col]
                    let a = UInt32(v >> 24)
                    func un(_ c: UInt32) -> UInt8 { a == 0 ? 0 : UInt8(Swift.min(255, (c * 255 + a / 2) / a)) }
                    let o = (row * pw + col) * 4
                    bytes[o] = un((v >> 16) & 255)
                    bytes[o + 1] = un((v >> 8) & 255)
                    bytes[o + 2] = un(v & 255)
                    bytes[o + 3] = UInt8(a)
                }
            }
        }
        guard let r = Raster(width: pw, height: ph, channels: 4, bytes: bytes) else { throw GraphicsError("the picture is too large") }
        return r
    }

    /// A context to measure text on before the picture's size is known.
    static func measuring<T>(_ body: (Canvas) -> T) -> T? {
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1) else { return nil }
        defer { cairo_surface_destroy(surface) }
        guard let cr = cairo_create(surface) else { return nil }
        defer { cairo_destroy(cr) }
        return body(Canvas(cr))
    }
}

/// Text measured in DejaVu Sans, for callers that lay out pictures in pixel units.
public enum TextMetrics {
    /// The width in pixels of one line of text at a size in points.
    public static func width(_ s: String, size: Double, bold: Bool = false) -> Double {
        Surfaces.measuring { $0.textSize(s, size: size, bold: bold).width } ?? Double(s.count) * size * 0.6
    }
}

extension Raster {
    /// The pixels of a PNG file as RGBA, read by Cairo; nil when it cannot be read.
    public static func png(atPath path: String) -> Raster? {
        guard let surface = cairo_image_surface_create_from_png(path) else { return nil }
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { return nil }
        let w = Double(cairo_image_surface_get_width(surface)), h = Double(cairo_image_surface_get_height(surface))
        return try? Surfaces.raster(width: w, height: h) { canvas in
            cairo_set_source_surface(canvas.cr, surface, 0, 0)
            cairo_paint(canvas.cr)
        }
    }
}

extension Raster {
    /// The RGB raster of this one laid over white (alpha dropped).
    public func overWhite() -> Raster {
        guard channels == 4 else { return self }
        var out = [UInt8](repeating: 255, count: width * height * 3)
        bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<(width * height) {
                    let a = UInt32(src[i * 4 + 3])
                    for k in 0..<3 { dst[i * 3 + k] = UInt8((UInt32(src[i * 4 + k]) * a + 255 * (255 - a) + 127) / 255) }
                }
            }
        }
        return Raster(width: width, height: height, channels: 3, bytes: out) ?? self
    }
}
