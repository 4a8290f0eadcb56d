/// A colour with straight (not premultiplied) alpha, each component in 0...1.
public struct Color: Sendable, Equatable, Hashable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double

    public init(_ red: Double, _ green: Double, _ blue: Double, _ alpha: Double = 1) {
        self.red = Color.clamp(red)
        self.green = Color.clamp(green)
        self.blue = Color.clamp(blue)
        self.alpha = Color.clamp(alpha)
    }

    public init(gray: Double, alpha: Double = 1) { self.init(gray, gray, gray, alpha) }

    /// From hue, saturation and brightness, each in 0...1 (the hue wraps around), as `Hue[h, s, b]`.
    public init(hue: Double, saturation: Double = 1, brightness: Double = 1, alpha: Double = 1) {
        let h = (hue - hue.rounded(.down)) * 6
        let s = Color.clamp(saturation), v = Color.clamp(brightness)
        let i = Int(h) % 6, f = h - Double(Int(h))
        let p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f))
        switch i {
        case 0: self.init(v, t, p, alpha)
        case 1: self.init(q, v, p, alpha)
        case 2: self.init(p, v, t, alpha)
        case 3: self.init(p, q, v, alpha)
        case 4: self.init(t, p, v, alpha)
        default: self.init(v, p, q, alpha)
        }
    }

    static func clamp(_ x: Double) -> Double { x.isNaN ? 0 : Swift.min(Swift.max(x, 0), 1) }

    public static let black = Color(gray: 0)
    public static let white = Color(gray: 1)

    /// This colour with its alpha multiplied by `opacity`.
    public func withOpacity(_ opacity: Double) -> Color { Color(red, green, blue, alpha * opacity) }

    /// The colour a fraction `t` of the way to `other`.
    public func mixed(with other: Color, _ t: Double) -> Color {
        let t = Color.clamp(t)
        return Color(red + (other.red - red) * t, green + (other.green - green) * t,
                     blue + (other.blue - blue) * t, alpha + (other.alpha - alpha) * t)
    }

    /// Relative luminance, for choosing dark or light text over a fill.
    public var luminance: Double { 0.2126 * red + 0.7152 * green + 0.0722 * blue }
}

/// Colour schemes: Wolfram's default plot palette (`ColorData[97]`) and the gradients plots use.
public enum Palette {
    /// The first colours of Wolfram's default plot palette, `ColorData[97]`; the list repeats.
    public static let standard: [Color] = [
        Color(0.368417, 0.506779, 0.709798), Color(0.880722, 0.611041, 0.142051),
        Color(0.560181, 0.691569, 0.194885), Color(0.922526, 0.385626, 0.209179),
        Color(0.528488, 0.470624, 0.701351), Color(0.772079, 0.431554, 0.102387),
        Color(0.363898, 0.618501, 0.782349), Color(1, 0.75, 0),
        Color(0.647624, 0.37816, 0.614037), Color(0.571589, 0.586483, 0),
        Color(0.915, 0.3325, 0.2125), Color(0.400822, 0.522007, 0.85),
        Color(0.972829, 0.621644, 0.073362), Color(0.736783, 0.358, 0.503027),
        Color(0.280264, 0.715, 0.429209),
    ]

    /// The k-th colour (from 0) of the default palette, cycling.
    public static func color(_ k: Int) -> Color { standard[((k % standard.count) + standard.count) % standard.count] }

    /// The fill of histogram and bar chart bars.
    public static let bar = Color(0.987148, 0.8073604, 0.4947004)

    /// A gradient: evenly spaced stops, looked up with linear interpolation.
    public struct Gradient: Sendable {
        public let stops: [Color]
        public init(_ stops: [Color]) { self.stops = stops.isEmpty ? [.black, .white] : stops }
        public func callAsFunction(_ t: Double) -> Color {
            let t = Color.clamp(t) * Double(stops.count - 1)
            let i = Swift.min(Int(t), stops.count - 2)
            guard i >= 0, stops.count > 1 else { return stops[0] }
            return stops[i].mixed(with: stops[i + 1], t - Double(i))
        }
    }

    /// DensityPlot and ContourPlot: dark blue through pale to orange, low to high.
    public static let density = Gradient([
        Color(0.178927, 0.305394, 0.50785), Color(0.386526, 0.481138, 0.70498),
        Color(0.625293, 0.686555, 0.835003), Color(0.929412, 0.909804, 0.843137),
        Color(0.977082, 0.745131, 0.489542), Color(0.903052, 0.52037, 0.205401),
    ])

    /// MatrixPlot: blue for negative, white for zero, dark orange to brown for positive values.
    public static let matrixNegative = Gradient([Color.white, Color(0.545, 0.7, 0.87), Color(0.16, 0.34, 0.62)])
    public static let matrixPositive = Gradient([Color.white, Color(0.99, 0.8, 0.5), Color(0.86, 0.45, 0.1), Color(0.55, 0.2, 0.05)])
}
