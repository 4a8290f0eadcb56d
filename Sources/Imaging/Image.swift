/// A raster image: `width` x `height` pixels of `channels` interleaved Float32 samples in 0...1,
/// rows from the top. Gray images have 1 channel, RGB 3, RGB with alpha 4.
public struct Image: Sendable, Equatable {
    public enum ColorSpace: String, Sendable, Codable { case grayscale = "Grayscale", rgb = "RGB" }

    public let width: Int
    public let height: Int
    public let channels: Int
    /// Samples, row-major and interleaved: pixel (x, y) channel c is at `(y * width + x) * channels + c`.
    public internal(set) var pixels: [Float]

    public init(width: Int, height: Int, channels: Int, pixels: [Float]) throws {
        guard width > 0, height > 0, (1...4).contains(channels) else {
            throw ImagingError("an image needs positive dimensions and 1 to 4 channels, not \(width)x\(height)x\(channels)")
        }
        let (area, o1) = width.multipliedReportingOverflow(by: height)
        let (samples, o2) = area.multipliedReportingOverflow(by: channels)
        guard !o1, !o2, pixels.count == samples else {
            throw ImagingError("\(pixels.count) samples do not fill a \(width)x\(height) image of \(channels) channels")
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// An image from 8-bit samples.
    public init(width: Int, height: Int, channels: Int, bytes: [UInt8]) throws {
        try self.init(width: width, height: height, channels: channels, pixels: bytes.map { Float($0) / 255 })
    }

    public var colorSpace: ColorSpace { channels <= 2 ? .grayscale : .rgb }
    public var hasAlpha: Bool { channels == 2 || channels == 4 }

    /// Samples rounded to 8 bits.
    public var bytes: [UInt8] {
        pixels.map { UInt8((Swift.min(Swift.max($0, 0), 1) * 255).rounded()) }
    }

    /// "224x224 RGB" style description.
    public var summary: String {
        "\(width)x\(height) \(colorSpace.rawValue)\(hasAlpha ? "A" : "")"
    }

    @inline(__always) func sample(_ x: Int, _ y: Int, _ c: Int) -> Float { pixels[(y * width + x) * channels + c] }
}

/// A described failure of an image operation; never a trap.
public struct ImagingError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
