import CImageCodecs

/// Reading and writing JPEG and PNG through libjpeg-turbo and libpng.
extension Image {
    public enum FileFormat: String, Sendable { case jpeg = "JPEG", png = "PNG" }

    /// The format a file's first bytes announce, if it is one we read.
    public static func format(of bytes: [UInt8]) -> FileFormat? {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        return nil
    }

    /// The default memory budget of one decode: 1 GiB.
    public static let defaultDecodeBudget = 1 << 30

    /// Decodes a JPEG or PNG file's bytes; a JPEG's EXIF orientation is applied so the image
    /// is upright.
    ///
    /// Limits: an image is refused from its header, before any pixel is decoded, when the
    /// bytes its decode needs exceed `budget` (default 1 GiB). Each sample (width x height x
    /// channels) costs 1 byte of decode buffer and 4 of the Float32 image; 4 more when an EXIF
    /// rotation copies the image; 2 more for a JPEG (libjpeg keeps a progressive image's
    /// coefficients). So RGB PNGs of up to about 71 million pixels (8400 x 8400) pass by
    /// default, and a 16384 x 16384 PNG of 1 MB is refused. libpng's user limits cap each side
    /// as well (at most 1,000,000 pixels), and its ancillary chunks are capped (1000 chunks,
    /// 8 MB decompressed each); a JPEG of more than 1000 progressive scans is refused.
    /// Cut-off and corrupt files throw (a JPEG whose data ends early too, as in Pillow).
    public static func decode(_ bytes: [UInt8], budget: Int = defaultDecodeBudget) throws -> Image {
        guard let format = format(of: bytes) else { throw ImagingError("not a JPEG or PNG file") }
        let orientation = format == .jpeg ? exifOrientation(bytes) : nil
        let perSample = 1 + 4 + (orientation.map { $0 != 1 } == true ? 4 : 0) + (format == .jpeg ? 2 : 0)
        let maxSamples = Swift.max(budget, 0) / perSample
        var buffer = codecs_buffer()
        let status = bytes.withUnsafeBufferPointer { p in
            format == .jpeg ? codecs_decode_jpeg(p.baseAddress, p.count, maxSamples, &buffer)
                : codecs_decode_png(p.baseAddress, p.count, maxSamples, &buffer)
        }
        let image: Image
        do {
            defer { codecs_free(buffer.data) }
            guard status == 0, let data = buffer.data else { throw ImagingError("\(format.rawValue) data is damaged: \(errorText(&buffer))") }
            // Straight from the decode buffer to Float32: no intermediate byte array.
            let pixels = UnsafeBufferPointer(start: data, count: buffer.size).map { Float($0) / 255 }
            image = try Image(width: Int(buffer.width), height: Int(buffer.height), channels: Int(buffer.channels), pixels: pixels)
        }
        if let orientation { return try image.orientedUpright(exif: orientation) }
        return image
    }

    /// The image as a file in the given format (JPEG drops alpha; `progressive` writes a
    /// progressive JPEG).
    public func encoded(as format: FileFormat, quality: Int = 90, progressive: Bool = false) throws -> [UInt8] {
        let largest = format == .jpeg ? 65_500 : Int(Int32.max)
        guard width <= largest, height <= largest else { throw ImagingError("a \(width)x\(height) image is too large for \(format.rawValue)") }
        var source = self
        if format == .jpeg && hasAlpha { source = try converted(to: colorSpace) }
        let samples = source.bytes
        var buffer = codecs_buffer()
        let status = samples.withUnsafeBufferPointer { p in
            switch format {
            case .png: codecs_encode_png(p.baseAddress, Int32(width), Int32(height), Int32(source.channels), &buffer)
            case .jpeg: codecs_encode_jpeg(p.baseAddress, Int32(width), Int32(height), Int32(source.channels),
                                           Int32(Swift.min(Swift.max(quality, 1), 100)), progressive ? 1 : 0, &buffer)
            }
        }
        defer { codecs_free(buffer.data) }
        guard status == 0, let data = buffer.data else { throw ImagingError("cannot encode \(format.rawValue): \(errorText(&buffer))") }
        return Array(UnsafeBufferPointer(start: data, count: buffer.size))
    }

    /// The EXIF orientation tag (1-8) of a JPEG, if it has one.
    static func exifOrientation(_ b: [UInt8]) -> Int? {
        var i = 2
        while i + 4 <= b.count, b[i] == 0xFF {
            let marker = b[i + 1], length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            if marker == 0xDA || length < 2 { return nil }
            let start = i + 4, end = Swift.min(b.count, i + 2 + length)
            if marker == 0xE1, end - start > 14, Array(b[start..<(start + 6)]) == [0x45, 0x78, 0x69, 0x66, 0, 0] {
                return tiffOrientation(Array(b[(start + 6)..<end]))
            }
            i += 2 + length
        }
        return nil
    }

    /// Reads tag 0x0112 from the first IFD of a TIFF block.
    static func tiffOrientation(_ t: [UInt8]) -> Int? {
        guard t.count >= 8 else { return nil }
        let little = t[0] == 0x49
        func u16(_ o: Int) -> Int? {
            guard o >= 0, o + 2 <= t.count else { return nil }
            return little ? Int(t[o]) | Int(t[o + 1]) << 8 : Int(t[o]) << 8 | Int(t[o + 1])
        }
        func u32(_ o: Int) -> Int? {
            guard let a = u16(o), let b = u16(o + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard let ifd = u32(4), let entries = u16(ifd) else { return nil }
        for k in 0..<Swift.min(entries, 512) {
            let e = ifd + 2 + k * 12
            if u16(e) == 0x0112, let v = u16(e + 8), (1...8).contains(v) { return v }
        }
        return nil
    }
}

private func errorText(_ buffer: inout codecs_buffer) -> String {
    withUnsafeBytes(of: &buffer.error) { raw in
        let bytes = raw.prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
    }
}
