/// A point in the coordinates of a figure's data.
public struct Point: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
    public var isFinite: Bool { x.isFinite && y.isFinite }
}

/// A length given in pixels (`AbsoluteThickness`, `AbsolutePointSize`) or as a fraction of the
/// figure's width (`Thickness`, `PointSize`).
public enum Length: Sendable, Equatable {
    case absolute(Double)
    case scaled(Double)

    func pixels(_ width: Double) -> Double {
        switch self {
        case .absolute(let p): return p
        case .scaled(let f): return f * width
        }
    }
}

/// How a primitive is drawn: the graphics directives in force where it stands.
public struct Style: Sendable, Equatable {
    public var color: Color = .black
    public var opacity: Double = 1
    public var pointSize: Length = .scaled(0.008)
    public var thickness: Length = .absolute(1)
    /// Dash lengths in pixels, alternately on and off; empty for a solid line.
    public var dashes: [Double] = []
    /// Filled shapes' outline (`EdgeForm`): nil draws none.
    public var edge: Edge? = nil
    /// Filled shapes' colour (`FaceForm`) when it differs from the colour of lines and points.
    public var face: Color? = nil
    /// Text size in points.
    public var fontSize: Double = 11
    public var bold = false

    public struct Edge: Sendable, Equatable {
        public var color: Color
        public var thickness: Length
        public var dashes: [Double] = []
        public init(color: Color, thickness: Length = .absolute(1)) { self.color = color; self.thickness = thickness }
    }

    public init() {}

    var fill: Color { (face ?? color).withOpacity(opacity) }
    var stroke: Color { color.withOpacity(opacity) }
}

/// A raster of 8-bit samples, rows from the top: 1 (gray), 2 (gray, alpha), 3 (RGB) or 4 (RGBA)
/// channels. Images placed in a figure (`Inset`, `Raster`) and what rasterizing gives.
public struct Raster: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public let bytes: [UInt8]

    /// Nil unless the samples fill `width` x `height` x `channels` exactly.
    public init?(width: Int, height: Int, channels: Int, bytes: [UInt8]) {
        guard width > 0, height > 0, (1...4).contains(channels),
              width <= 1 << 15, height <= 1 << 15, bytes.count == width * height * channels else { return nil }
        self.width = width
        self.height = height
        self.channels = channels
        self.bytes = bytes
    }
}

/// A shape of a figure, in data coordinates.
public indirect enum Primitive: Sendable {
    case points([Point])
    case line([Point])
    case polygon([Point])
    case rectangle(Point, Point)
    /// A filled ellipse, or a sector of it between two angles (radians, counter-clockwise from +x).
    case disk(Point, rx: Double, ry: Double, angles: (Double, Double)?)
    case circle(Point, rx: Double, ry: Double)
    case arrow([Point])
    /// Text centred at a point, moved by `offset` (each -1...1: -1 puts the text's left or bottom
    /// edge at the point), turned by `angle` radians.
    case text(String, Point, offset: Point, angle: Double)
    /// A raster stretched over the rectangle between two corners.
    case raster(Raster, Point, Point, smooth: Bool)
    /// A whole figure drawn into the rectangle between two corners (keeping its aspect ratio).
    case inset(Figure, Point, Point)
}

/// A primitive with the style it is drawn in.
public struct Item: Sendable {
    public var primitive: Primitive
    public var style: Style
    public init(_ primitive: Primitive, _ style: Style = Style()) {
        self.primitive = primitive
        self.style = style
    }
}

/// Ticks or grid lines of one axis.
public enum TickSpec: Sendable {
    case none
    case automatic
    /// Positions and their labels (an empty label draws the tick alone).
    case explicit([(Double, String)])
}

/// An entry of a legend: its label and what stands beside it.
public struct LegendEntry: Sendable {
    public enum Marker: Sendable { case line, point, swatch }
    public var label: String
    public var style: Style
    public var marker: Marker
    public init(_ label: String, _ style: Style, _ marker: Marker) {
        self.label = label
        self.style = style
        self.marker = marker
    }
}

/// A picture: primitives in data coordinates and the options that frame them, the render model of
/// `Graphics[...]`. Everything a renderer needs; nothing about the language.
public struct Figure: Sendable {
    public var items: [Item] = []
    /// Explicit ranges; nil computes the range from the items.
    public var xRange: ClosedRange<Double>? = nil
    public var yRange: ClosedRange<Double>? = nil
    /// Padding around the ranges, as a fraction of their extent (each side); nil pads computed
    /// ranges by 2% and leaves given ones as they are.
    public var rangePadding: Double? = nil
    /// Height over width of the plot region; nil keeps the data's own proportions.
    public var aspectRatio: Double? = nil
    public var axes = (x: false, y: false)
    public var axesLabel: (x: String?, y: String?) = (nil, nil)
    /// Where the axes cross; nil chooses (0 when it is in range, else the low end).
    public var axesOrigin: Point? = nil
    public var frame = false
    public var frameLabel: (bottom: String?, left: String?) = (nil, nil)
    public var plotLabel: String? = nil
    public var ticks: (x: TickSpec, y: TickSpec) = (.automatic, .automatic)
    public var gridLines: (x: TickSpec, y: TickSpec) = (.none, .none)
    /// Vertical-axis ticks read as powers of ten of the data (ListLogPlot).
    public var logY = false
    public var background: Color? = nil
    /// Width and height of the whole picture in points (printer's points, 1/72 inch); nil chooses.
    public var imageSize: (width: Double?, height: Double?) = (nil, nil)
    /// `ImageResolution`: pixels per inch of the picture's PNGs and rasters; nil leaves it to the
    /// caller (two pixels a point for PNG files, one for images).
    public var resolution: Double? = nil
    /// Space between the plot region and the picture's edge; nil leaves room for the labels.
    public var imagePadding: Double? = nil
    public var legend: [LegendEntry] = []

    public init(items: [Item] = []) { self.items = items }

    /// The default width of a picture in points.
    public static let defaultWidth = 360.0
}
