import Foundation

/// Where everything of a figure goes: the picture's size, the plot region within it, the ranges
/// it shows and the ticks of each axis. Computed once, then drawn.
public struct Layout: Sendable {
    public var width: Double
    public var height: Double
    /// The plot region in pixels, y down.
    public var plotX: Double, plotY: Double, plotW: Double, plotH: Double
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var xTicks: [(Double, String)]
    public var yTicks: [(Double, String)]
    public var xMinor: [Double]
    public var yMinor: [Double]
    /// Where the axes cross, in data coordinates.
    public var origin: Point
    /// Whether each range was given (primitives are clipped to it exactly) or computed.
    var explicitRange: Bool

    func px(_ x: Double) -> Double { plotX + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * plotW }
    func py(_ y: Double) -> Double { plotY + (yRange.upperBound - y) / (yRange.upperBound - yRange.lowerBound) * plotH }
}

/// Sizes of the furniture around a plot, in pixels.
enum Furniture {
    static let tickFont = 10.0
    static let labelFont = 11.0
    static let titleFont = 12.0
    static let majorTick = 4.0
    static let minorTick = 2.0
    static let axisColor = Color(gray: 0.55)
    static let tickLabelColor = Color(gray: 0.3)
    static let gridColor = Color(gray: 0.88)
    static let legendSample = 20.0
}

extension Figure {
    /// The bounds of the items, or nil when there are none with finite coordinates.
    func dataBounds() -> (x: ClosedRange<Double>, y: ClosedRange<Double>)? {
        var xs: (Double, Double) = (.infinity, -.infinity), ys = xs
        func add(_ p: Point) {
            guard p.isFinite else { return }
            xs = (Swift.min(xs.0, p.x), Swift.max(xs.1, p.x))
            ys = (Swift.min(ys.0, p.y), Swift.max(ys.1, p.y))
        }
        for item in items {
            switch item.primitive {
            case .points(let ps), .line(let ps), .polygon(let ps), .arrow(let ps): ps.forEach(add)
            case .rectangle(let a, let b), .raster(_, let a, let b, _), .inset(_, let a, let b): add(a); add(b)
            case .disk(let c, let rx, let ry, _), .circle(let c, let rx, let ry):
                add(Point(c.x - rx, c.y - ry)); add(Point(c.x + rx, c.y + ry))
            case .text(_, let p, _, _): add(p)
            }
        }
        guard xs.0 <= xs.1, ys.0 <= ys.1 else { return nil }
        return (xs.0...xs.1, ys.0...ys.1)
    }

    /// A range with room around it: a fraction of its extent each side; a single value widens.
    static func padded(_ r: ClosedRange<Double>, _ fraction: Double) -> ClosedRange<Double> {
        let span = r.upperBound - r.lowerBound
        guard span > 0, span.isFinite else {
            let v = r.lowerBound.isFinite ? r.lowerBound : 0
            let d = v == 0 ? 1 : abs(v) * 0.1
            return (v - d)...(v + d)
        }
        return (r.lowerBound - span * fraction)...(r.upperBound + span * fraction)
    }

    /// Computes the layout, measuring text on the canvas. `box` is the size to fill (an inset's),
    /// overriding ImageSize.
    func layout(_ canvas: Canvas, box: (Double, Double)? = nil) -> Layout {
        let bounds = dataBounds()
        let pad = rangePadding ?? 0.02
        var xr = xRange.map { rangePadding == nil ? $0 : Figure.padded($0, pad) } ?? Figure.padded(bounds?.x ?? 0...1, pad)
        var yr = yRange.map { rangePadding == nil ? $0 : Figure.padded($0, pad) } ?? Figure.padded(bounds?.y ?? 0...1, pad)
        if xr.upperBound - xr.lowerBound <= 0 || !(xr.upperBound - xr.lowerBound).isFinite { xr = Figure.padded(xr.lowerBound...xr.lowerBound, 0) }
        if yr.upperBound - yr.lowerBound <= 0 || !(yr.upperBound - yr.lowerBound).isFinite { yr = Figure.padded(yr.lowerBound...yr.lowerBound, 0) }
        let ratio = Swift.min(Swift.max(aspectRatio ?? (yr.upperBound - yr.lowerBound) / (xr.upperBound - xr.lowerBound), 0.02), 50)

        // On a logarithmic axis 0 is the value 1, not a place for the other axis.
        let origin = axesOrigin ?? Point(xr.contains(0) ? 0 : xr.lowerBound, yr.contains(0) && !logY ? 0 : yr.lowerBound)
        let showX = axes.x || frame, showY = axes.y || frame
        let tickHeight = canvas.textSize("0", size: Furniture.tickFont).height

        // The width first; the height follows from the aspect ratio.
        let requested = box ?? (imageSize.width ?? imageSize.height.map { $0 / ratio } ?? Figure.defaultWidth, imageSize.height ?? .nan)
        var width = Swift.max(requested.0, 20)

        // Ticks depend on the plot's size and margins on the ticks: guess, then settle.
        var margins = (left: 8.0, right: 8.0, top: 8.0, bottom: 8.0)
        var xTicks: [(Double, String)] = [], yTicks: [(Double, String)] = []
        var xMinor: [Double] = [], yMinor: [Double] = []
        var plotW = width - 16, plotH = plotW * ratio
        for _ in 0..<3 {
            (xTicks, xMinor) = showX ? Figure.ticks(ticks.x, xr, length: plotW, log: false, canvas: canvas, horizontal: true) : ([], [])
            (yTicks, yMinor) = showY ? Figure.ticks(ticks.y, yr, length: plotH, log: logY, canvas: canvas, horizontal: false) : ([], [])
            if let pad = imagePadding {
                margins = (pad, pad, pad, pad)
            } else {
                let yLabelWidth = yTicks.map { canvas.textSize($0.1, size: Furniture.tickFont).width }.max() ?? 0
                let lastX = xTicks.last.map { canvas.textSize($0.1, size: Furniture.tickFont).width / 2 } ?? 0
                // A bare picture keeps a pixel of margin; axes and frames room for their labels.
                let bare = !showX && !showY
                margins.left = showY ? yLabelWidth + Furniture.majorTick + 6 : bare ? 1 : 6
                margins.bottom = showX ? tickHeight + Furniture.majorTick + 6 : bare ? 1 : 6
                margins.right = bare ? 1 : Swift.max(8, lastX + 2)
                margins.top = showY && !yTicks.isEmpty ? tickHeight / 2 + 4 : bare ? 1 : 6
                if frame {
                    if let l = frameLabel.bottom { margins.bottom += canvas.blockSize(l, size: Furniture.labelFont).height + 4 }
                    if let l = frameLabel.left { margins.left += canvas.blockSize(l, size: Furniture.labelFont).height + 6 }
                }
                if axes.x, !frame, let l = axesLabel.x { margins.right += canvas.blockSize(l, size: Furniture.labelFont).width + 6 }
                if axes.y, !frame, let l = axesLabel.y {
                    let size = canvas.blockSize(l, size: Furniture.labelFont)
                    margins.top += size.height + 4
                    margins.left = Swift.max(margins.left, size.width / 2 + 2)
                }
                if let l = plotLabel { margins.top += canvas.blockSize(l, size: Furniture.titleFont).height + 8 }
                if !legend.isEmpty {
                    let w = legend.map { canvas.blockSize($0.label, size: Furniture.labelFont).width }.max() ?? 0
                    margins.right += w + Furniture.legendSample + 22
                }
                if showY, !frame, xr.lowerBound < origin.x {
                    // The vertical axis stands inside: its labels need no margin, the first
                    // horizontal label half its width.
                    let firstX = xTicks.first.map { canvas.textSize($0.1, size: Furniture.tickFont).width / 2 } ?? 0
                    margins.left = Swift.max(firstX + 2, 8, margins.left - (origin.x - xr.lowerBound) / (xr.upperBound - xr.lowerBound) * plotW)
                }
            }
            plotW = Swift.max(width - margins.left - margins.right, 10)
            plotH = plotW * ratio
            if requested.1.isFinite {
                let available = Swift.max(requested.1 - margins.top - margins.bottom, 10)
                if plotH > available { plotH = available; plotW = plotH / ratio }
            }
        }
        var height = plotH + margins.top + margins.bottom
        var left = margins.left
        if requested.1.isFinite {
            // A given height: centre the plot region in the spare room.
            let spareX = width - margins.left - margins.right - plotW
            left += spareX / 2
            height = Swift.max(requested.1, 20)
        } else if box == nil, imageSize.width == nil, imageSize.height != nil {
            width = plotW + margins.left + margins.right
        }
        let top = requested.1.isFinite ? margins.top + (height - margins.top - margins.bottom - plotH) / 2 : margins.top
        return Layout(width: width, height: height, plotX: left, plotY: top, plotW: plotW, plotH: plotH,
                      xRange: xr, yRange: yr, xTicks: xTicks, yTicks: yTicks, xMinor: xMinor, yMinor: yMinor,
                      origin: origin, explicitRange: xRange != nil || yRange != nil)
    }

    /// Ticks of one axis and its minor ticks: explicit, or nice values spaced so labels do not
    /// collide (horizontal labels need their width and a gap, vertical ones their height).
    static func ticks(_ spec: TickSpec, _ r: ClosedRange<Double>, length: Double, log: Bool,
                      canvas: Canvas, horizontal: Bool) -> ([(Double, String)], [Double]) {
        switch spec {
        case .none: return ([], [])
        case .explicit(let ts): return (ts.filter { r.contains($0.0) }, [])
        case .automatic: break
        }
        let span = r.upperBound - r.lowerBound
        if log, span < 2.5 { return (logTicksWithinDecades(r), logMinor(r)) }
        var target = Swift.max(3, Swift.min(horizontal ? 7 : 5, Int(length / (horizontal ? 75 : 45))))
        while true {
            var step = Ticks.niceStep(span: span, target: target)
            if log { step = Swift.max(1, step.rounded()) }
            let values = Ticks.major(r, step: step)
            let labels = log ? Ticks.powerLabels(values) : Ticks.labels(values, step: step)
            let room = step / span * length
            let needed = horizontal ? (labels.map { canvas.textSize($0, size: Furniture.tickFont).width }.max() ?? 0) + 8
                                    : canvas.textSize("0", size: Furniture.tickFont).height + 6
            if room >= needed || target <= 2 {
                let minor = log ? logMinor(r) : Ticks.minor(r, step: step)
                return (Array(zip(values, labels)), minor)
            }
            target -= 1
        }
    }

    /// Ticks of a logarithmic axis spanning few decades: 1, 2 and 5 (or every digit) times the
    /// powers of ten, labelled with their values.
    static func logTicksWithinDecades(_ r: ClosedRange<Double>) -> [(Double, String)] {
        let mantissas: [Double] = r.upperBound - r.lowerBound < 0.7 ? [1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9] : [1, 2, 5]
        var out: [(Double, String)] = []
        var k = r.lowerBound.rounded(.down)
        while k <= r.upperBound.rounded(.up) {
            for m in mantissas {
                let v = k + log10(m)
                if r.contains(v) { out.append((v, String(format: "%g", m * pow(10, k)))) }
            }
            k += 1
        }
        return out
    }

    /// Minor ticks of a logarithmic axis: log10 of 2...9 times each power of ten in range.
    static func logMinor(_ r: ClosedRange<Double>) -> [Double] {
        guard r.upperBound - r.lowerBound < 12 else { return [] }
        var out: [Double] = []
        var k = r.lowerBound.rounded(.down)
        while k <= r.upperBound {
            for m in 2...9 { let v = k + log10(Double(m)); if r.contains(v) { out.append(v) } }
            k += 1
        }
        return out
    }
}
