import Imaging
import Tensor

/// How an image becomes the array a net takes: resized to `width` x `height` (stretched,
/// fitted with padding, or cropped to fill), converted to the color space, scaled to 0...1,
/// then `(x - mean) / sqrt(variance)` per channel.
public struct ImageEncoder: Sendable, Equatable, Codable {
    public enum Method: String, Sendable, Codable { case stretch = "Stretch", fit = "Fit", fill = "Fill" }

    public var width: Int
    public var height: Int
    public var colorSpace: Image.ColorSpace
    /// Per-channel mean to subtract, or nil.
    public var mean: [Float]?
    /// Per-channel variance to divide by (its square root), or nil.
    public var variance: [Float]?
    public var method: Method

    public init(width: Int = 128, height: Int = 128, colorSpace: Image.ColorSpace = .rgb, mean: [Float]? = nil,
                variance: [Float]? = nil, method: Method = .stretch) throws {
        guard width > 0, height > 0, width <= 8192, height <= 8192 else { throw NetError("invspec", "an image encoder's size must be positive, not \(width)x\(height)") }
        let channels = colorSpace == .rgb ? 3 : 1
        for v in [mean, variance] {
            if let v, v.count != channels { throw NetError("invspec", "MeanImage and VarianceImage need \(channels) values for \(colorSpace.rawValue)") }
        }
        self.width = width
        self.height = height
        self.colorSpace = colorSpace
        self.mean = mean
        self.variance = variance
        self.method = method
    }

    public var channels: Int { colorSpace == .rgb ? 3 : 1 }
    public var shape: Shape { [channels, height, width] }

    /// The image as a channels x height x width array.
    public func encode(_ image: Image) throws -> Tensor {
        var im = try image.converted(to: colorSpace)
        switch method {
        case .stretch: break
        case .fill: im = try im.centerCropped(aspect: width, height)
        case .fit:
            let scale = Swift.min(Double(width) / Double(im.width), Double(height) / Double(im.height))
            let w = Swift.max(1, Int((Double(im.width) * scale).rounded())), h = Swift.max(1, Int((Double(im.height) * scale).rounded()))
            im = try im.resized(width: w, height: h)
            im = try im.padded(left: (width - w) / 2, right: width - w - (width - w) / 2, top: (height - h) / 2, bottom: height - h - (height - h) / 2)
        }
        im = try im.resized(width: width, height: height)
        let c = channels, plane = width * height
        var out = [Float](repeating: 0, count: c * plane)
        for ch in 0..<c {
            let m = mean?[ch] ?? 0, s = variance.map { 1 / $0[ch].squareRoot() } ?? 1
            for p in 0..<plane { out[ch * plane + p] = (im.pixels[p * c + ch] - m) * s }
        }
        return try Tensor(shape: shape, values: out)
    }
}

/// A class label of an encoder or decoder. Nets knows nothing of the language's expressions, so a
/// label is its key (the label in the language's input form: what net files store, and what
/// identifies it) and, when the language made the label, the value itself, carried opaquely so
/// labels are never re-parsed. A label read from a file has only its key.
public struct ClassLabel: Sendable, Hashable, Codable, CustomStringConvertible {
    public let key: String
    public let value: (any Sendable)?

    public init(key: String, value: (any Sendable)? = nil) {
        self.key = key
        self.value = value
    }

    public static func == (a: ClassLabel, b: ClassLabel) -> Bool { a.key == b.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }
    public var description: String { key }

    public init(from decoder: Swift.Decoder) throws {
        key = try decoder.singleValueContainer().decode(String.self)
        value = nil
    }

    public func encode(to encoder: Swift.Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(key)
    }
}

/// What turns data into arrays at a net's input.
public enum Encoder: Sendable, Equatable, Codable {
    case image(ImageEncoder)
    /// Class labels to indices.
    case classes([ClassLabel])

    public var shape: Shape {
        switch self {
        case .image(let e): return e.shape
        case .classes: return []
        }
    }
}

/// What turns a net's output back into data.
public enum Decoder: Sendable, Equatable, Codable {
    /// Probability vectors to class labels.
    case classes([ClassLabel])

    public var shape: Shape {
        switch self {
        case .classes(let labels): return [labels.count]
        }
    }
}

extension ClassLabel: ExpressibleByStringLiteral {
    /// A label with only its key, as a file gives it.
    public init(stringLiteral key: String) { self.init(key: key) }
}
