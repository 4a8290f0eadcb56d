import CCairo
import Foundation

extension Figure {
    /// The figure drawn to a PNG, SVG or PDF file's bytes; PNGs `scale` times the pixel size.
    public func encoded(as format: OutputFormat, scale: Double = 1) throws -> [UInt8] {
        let layout = try measuredLayout()
        return try Surfaces.encode(format, width: layout.width, height: layout.height, scale: scale) { canvas in
            draw(on: canvas, layout, depth: 0, opaque: true)
        }
    }

    /// The figure as pixels (RGBA).
    public func rasterized(scale: Double = 1) throws -> Raster {
        let layout = try measuredLayout()
        return try Surfaces.raster(width: layout.width, height: layout.height, scale: scale) { canvas in
            draw(on: canvas, layout, depth: 0, opaque: true)
        }
    }

    /// The layout the figure is drawn with: size, plot region, ranges and ticks.
    public func measuredLayout() throws -> Layout {
        guard let layout = Surfaces.measuring({ self.layout($0) }) else { throw GraphicsError("Cairo could not measure text") }
        try Surfaces.checkSize(layout.width, layout.height)
        return layout
    }

    /// The largest scale up to `wanted` at which the figure stays within the size limits of a
    /// picture, but at least 1.
    public func fittingScale(_ wanted: Double) throws -> Double {
        let l = try measuredLayout()
        let fits = Swift.min(Surfaces.maxSide / l.width, Surfaces.maxSide / l.height, (Surfaces.maxPixels / (l.width * l.height)).squareRoot())
        return Swift.max(1, Swift.min(wanted, fits))
    }

    /// Insets nest at most this deep.
    static let maxDepth = 6

    func draw(on canvas: Canvas, _ l: Layout, depth: Int, opaque: Bool) {
        let cr = canvas.cr
        if let bg = background ?? (opaque ? .white : nil) {
            canvas.rectangle(0, 0, l.width, l.height)
            canvas.fill(bg)
        }
        drawGrid(canvas, l)
        cairo_save(cr)
        let slack = l.explicitRange ? 0.5 : 6
        canvas.rectangle(l.plotX - slack, l.plotY - slack, l.plotW + 2 * slack, l.plotH + 2 * slack)
        cairo_clip(cr)
        for item in items { drawItem(item, canvas, l, depth: depth) }
        cairo_restore(cr)
        if frame { drawFrame(canvas, l) } else { drawAxes(canvas, l) }
        if let t = plotLabel {
            canvas.text(t, l.plotX + l.plotW / 2, 6, ay: 1, size: Furniture.titleFont, color: Color(gray: 0.2))
        }
        drawLegend(canvas, l)
    }

    private func drawGrid(_ canvas: Canvas, _ l: Layout) {
        func lines(_ spec: TickSpec, automatic: [(Double, String)]) -> [Double] {
            switch spec {
            case .none: return []
            case .automatic: return automatic.map(\.0)
            case .explicit(let ts): return ts.map(\.0)
            }
        }
        let autoX = l.xTicks.isEmpty ? Figure.ticks(.automatic, l.xRange, length: l.plotW, log: false, canvas: canvas, horizontal: true).0 : l.xTicks
        let autoY = l.yTicks.isEmpty ? Figure.ticks(.automatic, l.yRange, length: l.plotH, log: logY, canvas: canvas, horizontal: false).0 : l.yTicks
        for x in lines(gridLines.x, automatic: autoX) where l.xRange.contains(x) {
            canvas.line(l.px(x), l.plotY, l.px(x), l.plotY + l.plotH, Furniture.gridColor)
        }
        for y in lines(gridLines.y, automatic: autoY) where l.yRange.contains(y) {
            canvas.line(l.plotX, l.py(y), l.plotX + l.plotW, l.py(y), Furniture.gridColor)
        }
    }

    private func drawAxes(_ canvas: Canvas, _ l: Layout) {
        let o = l.origin
        let xAxisY = l.py(Swift.min(Swift.max(o.y, l.yRange.lowerBound), l.yRange.upperBound))
        let yAxisX = l.px(Swift.min(Swift.max(o.x, l.xRange.lowerBound), l.xRange.upperBound))
        let color = Furniture.axisColor
        if axes.x {
            canvas.line(l.plotX, xAxisY, l.plotX + l.plotW, xAxisY, color)
            for x in l.xMinor { canvas.line(l.px(x), xAxisY, l.px(x), xAxisY - Furniture.minorTick, color, width: 0.6) }
            for (x, label) in l.xTicks {
                canvas.line(l.px(x), xAxisY, l.px(x), xAxisY - Furniture.majorTick, color)
                if axes.y && abs(x - o.x) < 1e-9 * Swift.max(1, abs(x)) && xAxisY < l.plotY + l.plotH - 1 { continue }
                canvas.text(label, l.px(x), xAxisY + 3, ay: 1, size: Furniture.tickFont, color: Furniture.tickLabelColor)
            }
            if let t = axesLabel.x { canvas.text(t, l.plotX + l.plotW + 6, xAxisY, ax: -1, size: Furniture.labelFont, color: Color(gray: 0.2)) }
        }
        if axes.y {
            canvas.line(yAxisX, l.plotY, yAxisX, l.plotY + l.plotH, color)
            for y in l.yMinor { canvas.line(yAxisX, l.py(y), yAxisX + Furniture.minorTick, l.py(y), color, width: 0.6) }
            for (y, label) in l.yTicks {
                canvas.line(yAxisX, l.py(y), yAxisX + Furniture.majorTick, l.py(y), color)
                if axes.x && abs(y - o.y) < 1e-9 * Swift.max(1, abs(y)) && yAxisX > l.plotX + 1 { continue }
                canvas.text(label, yAxisX - 3, l.py(y), ax: 1, size: Furniture.tickFont, color: Furniture.tickLabelColor)
            }
            if let t = axesLabel.y { canvas.text(t, yAxisX, l.plotY - 4, ay: -1, size: Furniture.labelFont, color: Color(gray: 0.2)) }
        }
    }

    private func drawFrame(_ canvas: Canvas, _ l: Layout) {
        let color = Furniture.axisColor
        canvas.rectangle(l.plotX, l.plotY, l.plotW, l.plotH)
        canvas.stroke(color, width: 1)
        let bottom = l.plotY + l.plotH, right = l.plotX + l.plotW
        for x in l.xMinor {
            canvas.line(l.px(x), bottom, l.px(x), bottom - Furniture.minorTick, color, width: 0.6)
            canvas.line(l.px(x), l.plotY, l.px(x), l.plotY + Furniture.minorTick, color, width: 0.6)
        }
        for (x, label) in l.xTicks {
            canvas.line(l.px(x), bottom, l.px(x), bottom - Furniture.majorTick, color)
            canvas.line(l.px(x), l.plotY, l.px(x), l.plotY + Furniture.majorTick, color)
            canvas.text(label, l.px(x), bottom + 3, ay: 1, size: Furniture.tickFont, color: Furniture.tickLabelColor)
        }
        for y in l.yMinor {
            canvas.line(l.plotX, l.py(y), l.plotX + Furniture.minorTick, l.py(y), color, width: 0.6)
            canvas.line(right, l.py(y), right - Furniture.minorTick, l.py(y), color, width: 0.6)
        }
        for (y, label) in l.yTicks {
            canvas.line(l.plotX, l.py(y), l.plotX + Furniture.majorTick, l.py(y), color)
            canvas.line(right, l.py(y), right - Furniture.majorTick, l.py(y), color)
            canvas.text(label, l.plotX - 4, l.py(y), ax: 1, size: Furniture.tickFont, color: Furniture.tickLabelColor)
        }
        let tickHeight = canvas.textSize("0", size: Furniture.tickFont).height
        if let t = frameLabel.bottom {
            canvas.text(t, l.plotX + l.plotW / 2, bottom + tickHeight + 8, ay: 1, size: Furniture.labelFont, color: Color(gray: 0.2))
        }
        if let t = frameLabel.left {
            let widest = l.yTicks.map { canvas.textSize($0.1, size: Furniture.tickFont).width }.max() ?? 0
            canvas.text(t, l.plotX - widest - 10, l.plotY + l.plotH / 2, ax: 0, ay: -1, angle: .pi / 2, size: Furniture.labelFont, color: Color(gray: 0.2))
        }
    }

    private func drawLegend(_ canvas: Canvas, _ l: Layout) {
        guard !legend.isEmpty else { return }
        let rowHeight = canvas.textSize("Hg", size: Furniture.labelFont).height + 6
        let x = l.plotX + l.plotW + 14 + (axes.x && !frame ? (axesLabel.x.map { canvas.blockSize($0, size: Furniture.labelFont).width + 6 } ?? 0) : 0)
        var y = l.plotY + l.plotH / 2 - Double(legend.count) * rowHeight / 2 + rowHeight / 2
        let s = Furniture.legendSample
        for entry in legend {
            let st = entry.style
            switch entry.marker {
            case .line:
                canvas.path([(x, y), (x + s, y)])
                canvas.stroke(st.stroke, width: Swift.max(st.thickness.pixels(l.width), 1), dashes: st.dashes)
            case .point:
                let r = Swift.max(st.pointSize.pixels(l.width) / 2, 2.5)
                cairo_new_path(canvas.cr)
                cairo_arc(canvas.cr, x + s / 2, y, r, 0, 2 * .pi)
                canvas.fill(st.stroke)
            case .swatch:
                canvas.rectangle(x + 3, y - 6, s - 6, 12)
                canvas.fill(st.fill, preserve: true)
                canvas.stroke(st.edge?.color ?? Color(gray: 0.5), width: 0.7)
            }
            canvas.text(entry.label, x + s + 6, y, ax: -1, size: Furniture.labelFont, color: Color(gray: 0.2))
            y += rowHeight
        }
    }

    private func drawItem(_ item: Item, _ canvas: Canvas, _ l: Layout, depth: Int) {
        let st = item.style
        let cr = canvas.cr
        let thickness = st.thickness.pixels(l.width)
        func pixel(_ p: Point) -> (Double, Double) { (l.px(p.x), l.py(p.y)) }
        func fillAndEdge() {
            canvas.fill(st.fill, preserve: st.edge != nil)
            if let e = st.edge { canvas.stroke(e.color.withOpacity(st.opacity), width: e.thickness.pixels(l.width), dashes: e.dashes) }
        }
        switch item.primitive {
        case .points(let ps):
            let r = Swift.max(st.pointSize.pixels(l.width) / 2, 0.5)
            canvas.setColor(st.stroke)
            for p in ps where p.isFinite {
                let (x, y) = pixel(p)
                cairo_new_sub_path(cr)
                cairo_arc(cr, x, y, r, 0, 2 * .pi)
            }
            cairo_fill(cr)
        case .line(let ps):
            // A line breaks at points that are not finite (a pole, a missing value).
            cairo_new_path(cr)
            var pen = false
            for p in ps {
                guard p.isFinite else { pen = false; continue }
                let (x, y) = pixel(p)
                guard abs(x) < 1e6, abs(y) < 1e6 else { pen = false; continue }
                if pen { cairo_line_to(cr, x, y) } else { cairo_move_to(cr, x, y); pen = true }
            }
            canvas.stroke(st.stroke, width: thickness, dashes: st.dashes)
        case .polygon(let ps):
            let pts = ps.filter(\.isFinite).map(pixel)
            guard pts.count >= 2 else { return }
            canvas.path(pts, closed: true)
            fillAndEdge()
        case .rectangle(let a, let b):
            let (x0, y0) = pixel(a), (x1, y1) = pixel(b)
            canvas.rectangle(Swift.min(x0, x1), Swift.min(y0, y1), abs(x1 - x0), abs(y1 - y0))
            fillAndEdge()
        case .disk(let c, let rx, let ry, let angles):
            ellipse(canvas, l, c, rx, ry, angles)
            fillAndEdge()
        case .circle(let c, let rx, let ry):
            ellipse(canvas, l, c, rx, ry, nil)
            canvas.stroke(st.stroke, width: thickness, dashes: st.dashes)
        case .arrow(let ps):
            let pts = ps.filter(\.isFinite).map(pixel)
            guard pts.count >= 2, let tip = pts.last else { return }
            let from = pts[pts.count - 2]
            let angle = atan2(tip.1 - from.1, tip.0 - from.0)
            let head = Swift.max(8, thickness * 5)
            let base = (tip.0 - head * 0.8 * cos(angle), tip.1 - head * 0.8 * sin(angle))
            canvas.path(Array(pts.dropLast()) + [base])
            canvas.stroke(st.stroke, width: thickness, dashes: st.dashes)
            canvas.path([tip, (tip.0 - head * cos(angle - 0.35), tip.1 - head * sin(angle - 0.35)),
                         (tip.0 - head * cos(angle + 0.35), tip.1 - head * sin(angle + 0.35))], closed: true)
            canvas.fill(st.stroke)
        case .text(let s, let p, let offset, let angle):
            guard p.isFinite else { return }
            let (x, y) = pixel(p)
            canvas.text(s, x, y, ax: offset.x, ay: offset.y, angle: angle, size: st.fontSize, color: st.stroke, bold: st.bold)
        case .raster(let r, let a, let b, let smooth):
            let (x0, y0) = pixel(a), (x1, y1) = pixel(b)
            canvas.draw(r, x: Swift.min(x0, x1), y: Swift.min(y0, y1), w: abs(x1 - x0), h: abs(y1 - y0), smooth: smooth)
        case .inset(let figure, let a, let b):
            guard depth < Figure.maxDepth else { return }
            let (x0, y0) = pixel(a), (x1, y1) = pixel(b)
            let w = abs(x1 - x0), h = abs(y1 - y0)
            guard w >= 4, h >= 4 else { return }
            let inner = figure.layout(canvas, box: (w, h))
            cairo_save(cr)
            cairo_translate(cr, Swift.min(x0, x1) + (w - inner.width) / 2, Swift.min(y0, y1) + (h - inner.height) / 2)
            figure.draw(on: canvas, inner, depth: depth + 1, opaque: false)
            cairo_restore(cr)
        }
    }

    private func ellipse(_ canvas: Canvas, _ l: Layout, _ c: Point, _ rx: Double, _ ry: Double, _ angles: (Double, Double)?) {
        let cr = canvas.cr
        let sx = rx / (l.xRange.upperBound - l.xRange.lowerBound) * l.plotW
        let sy = ry / (l.yRange.upperBound - l.yRange.lowerBound) * l.plotH
        guard sx > 0, sy > 0, sx.isFinite, sy.isFinite else { cairo_new_path(cr); return }
        cairo_new_path(cr)
        cairo_save(cr)
        cairo_translate(cr, l.px(c.x), l.py(c.y))
        cairo_scale(cr, sx, sy)
        if let (a0, a1) = angles {
            cairo_move_to(cr, 0, 0)
            cairo_arc_negative(cr, 0, 0, 1, -a0, -a1)
            cairo_close_path(cr)
        } else {
            cairo_arc(cr, 0, 0, 1, 0, 2 * .pi)
        }
        cairo_restore(cr)
    }
}
