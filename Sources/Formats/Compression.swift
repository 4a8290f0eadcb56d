@preconcurrency import CZlib

/// Decompression through zlib: raw deflate (zip members) and gzip files.
public enum Inflate {
    /// Inflates `data`; `gzip` selects the gzip wrapper, otherwise raw deflate. `expected` sizes
    /// the output when known.
    public static func inflate(_ data: ArraySlice<UInt8>, gzip: Bool, expected: Int? = nil) throws -> [UInt8] {
        var stream = z_stream()
        let bits: Int32 = gzip ? 16 + MAX_WBITS : -MAX_WBITS
        guard inflateInit2_(&stream, bits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw FormatError("inflate", "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        // The expected size comes from the archive; trust it only as far as deflate's ratio allows.
        let guess = Swift.min(expected ?? data.count * 4, data.count * 1032 + 1024)
        var out = [UInt8](repeating: 0, count: Swift.max(guess, 1024))
        var produced = 0
        var status: Int32 = Z_OK
        try data.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            repeat {
                if produced == out.count { out.append(contentsOf: [UInt8](repeating: 0, count: out.count)) }
                try out.withUnsafeMutableBufferPointer { buffer in
                    guard let base = buffer.baseAddress else { return }
                    stream.next_out = base + produced
                    stream.avail_out = UInt32(Swift.min(buffer.count - produced, Int(UInt32.max)))
                    let before = stream.avail_out
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced += Int(before - stream.avail_out)
                    if status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR {
                        throw FormatError("inflate", "the compressed data is damaged")
                    }
                    if status == Z_BUF_ERROR && stream.avail_in == 0 {
                        throw FormatError("inflate", "the compressed data is cut off")
                    }
                }
            } while status != Z_STREAM_END
        }
        return Array(out.prefix(produced))
    }

    /// CRC-32 of bytes, as zip and gzip record it.
    public static func crc32(_ data: ArraySlice<UInt8>) -> UInt32 {
        data.withUnsafeBufferPointer { p in
            UInt32(CZlib.crc32(0, p.baseAddress, UInt32(p.count)))
        }
    }
}
