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
    /// Class labels to one-hot vectors.
    case classVectors([ClassLabel])
    /// Strings to sequences of character or token codes.
    case text(TextEncoder)
    /// Numeric sequences of any length whose elements have the given shape (`"Input" ->
    /// {"Varying", k}`), passed through as they are.
    case sequence(element: Shape)

    /// The shape of one encoded example; nil for sequences of varying length.
    public var shape: Shape? {
        switch self {
        case .image(let e): return e.shape
        case .classes: return []
        case .classVectors(let l): return [l.count]
        case .text(let t): return t.shape
        case .sequence: return nil
        }
    }

    /// The number of distinct indices the encoder gives (what an EmbeddingLayer after it
    /// embeds), or nil when it does not give indices.
    public var indexCount: Int? {
        switch self {
        case .classes(let l): return l.count
        case .text(let t) where t.form == .index: return t.count
        default: return nil
        }
    }
}

/// The "Characters" and "Tokens" encoders: a string becomes the codes 1...n of its characters
/// or tokens in the vocabulary, n + 1 for anything not in it (and for padding up to
/// `targetLength`); with `form` `.unitVector`, the one-hot vectors of those codes.
public struct TextEncoder: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case characters = "Characters", tokens = "Tokens" }
    public enum Form: String, Sendable, Codable { case index = "Index", unitVector = "UnitVector" }

    public var kind: Kind
    /// Characters (one each) or tokens, in code order.
    public var vocabulary: [String]
    public var form: Form
    public var ignoreCase: Bool
    /// Sequences cut or padded to this length; nil: as long as the input.
    public var targetLength: Int?

    public init(kind: Kind, vocabulary: [String], form: Form = .index, ignoreCase: Bool, targetLength: Int? = nil) throws {
        guard !vocabulary.isEmpty else { throw NetError("invspec", "a \(kind.rawValue) encoder needs a non-empty vocabulary") }
        guard Set(vocabulary).count == vocabulary.count else { throw NetError("invspec", "the vocabulary of a \(kind.rawValue) encoder has repeated entries") }
        if let n = targetLength, n <= 0 || n > 1 << 24 { throw NetError("invspec", "\"TargetLength\" must be a positive integer or All") }
        if kind == .characters, let bad = vocabulary.first(where: { $0.count != 1 }) {
            throw NetError("invspec", "\(quoted(bad)) is not a single character")
        }
        self.kind = kind
        self.vocabulary = ignoreCase ? vocabulary.map { $0.lowercased() } : vocabulary
        self.form = form
        self.ignoreCase = ignoreCase
        self.targetLength = targetLength
    }

    /// The characters of `NetEncoder["Characters"]`: tab, newline and printable ASCII.
    public static let asciiCharacters: [String] = ["\t", "\n"] + (32...126).map { String(UnicodeScalar(UInt8($0))) }

    /// Codes 1...n for the vocabulary and n + 1 for the rest.
    public var count: Int { vocabulary.count + 1 }

    public var shape: Shape? {
        guard let n = targetLength else { return nil }
        return form == .index ? [n] : [n, count]
    }

    /// A string's tokens: runs of letters, digits and apostrophes, and each other
    /// non-whitespace character on its own.
    public static func tokens(_ text: String) -> [String] {
        var out: [String] = [], word = ""
        for ch in text {
            if ch.isLetter || ch.isNumber || ch == "'" || ch == "_" { word.append(ch); continue }
            if !word.isEmpty { out.append(word); word = "" }
            if !ch.isWhitespace { out.append(String(ch)) }
        }
        if !word.isEmpty { out.append(word) }
        return out
    }

    /// The codes of a string.
    public func codes(_ text: String) -> [Int] {
        let source = ignoreCase ? text.lowercased() : text
        let pieces = kind == .characters ? source.map(String.init) : Self.tokens(source)
        let index = Dictionary(vocabulary.enumerated().map { ($0.element, $0.offset + 1) }, uniquingKeysWith: { a, _ in a })
        var codes = pieces.map { index[$0] ?? count }
        if let n = targetLength { codes = Array(codes.prefix(n)) + Array(repeating: count, count: Swift.max(0, n - codes.count)) }
        return codes
    }

    /// The string encoded: {T} codes or {T, n + 1} one-hot rows. An empty string is an error
    /// unless a target length pads it.
    public func encode(_ text: String) throws -> Tensor {
        let c = codes(text)
        guard !c.isEmpty else { throw NetError("netinput", "the string has no \(kind == .characters ? "characters" : "tokens") to encode") }
        guard form == .unitVector else { return try Tensor(shape: [c.count], values: c.map(Float.init)) }
        var values = [Float](repeating: 0, count: try Sizes.count([c.count, count], "the encoded string"))
        for (i, k) in c.enumerated() { values[i * count + k - 1] = 1 }
        return try Tensor(shape: [c.count, count], values: values)
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
