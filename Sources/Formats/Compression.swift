@preconcurrency import CZlib

/// Decompression through zlib: raw deflate (zip members) and gzip files.
///
/// Limits: the output never exceeds `limit` bytes (default `defaultLimit`, 1 GiB) nor, when the
/// caller knows it, the `expected` size (a zip member's declared size): inflation stops and
/// throws as soon as one more byte would be produced. A declared size deflate cannot reach
/// from the input (more than 1032 output bytes per input byte, deflate's largest ratio) is
/// refused before anything is allocated, and the buffer grows by doubling only as the output
/// does. Damaged, cut-off or dictionary-needing streams throw. Gzip: concatenated members are
/// read in turn (their total is what the limit bounds) and each member's CRC and length are
/// checked by zlib; bytes after the last member that do not start another are ignored, as
/// gzip does.
public enum Inflate {
    /// The default cap on an inflated output: 1 GiB.
    public static let defaultLimit = 1 << 30

    /// Deflate's largest expansion: a 258-byte match costs at least 2 bits.
    static let maximumRatio = 1032

    /// Inflates `data`; `gzip` selects the gzip wrapper, otherwise raw deflate. With `expected`,
    /// the output must be exactly that many bytes; it may never exceed `limit`.
    public static func inflate(_ data: ArraySlice<UInt8>, gzip: Bool, expected: Int? = nil, limit: Int = defaultLimit) throws -> [UInt8] {
        func damaged(_ why: String) -> FormatError { FormatError("inflate", "the compressed data \(why)") }
        let reachable = data.count.multipliedReportingOverflow(by: maximumRatio)
        let ceiling = reachable.overflow ? Int.max - 1 : reachable.partialValue + maximumRatio
        if let expected {
            guard expected >= 0, expected <= limit else { throw damaged("declares \(expected) bytes, more than the limit of \(limit)") }
            guard expected <= ceiling else { throw damaged("declares \(expected) bytes, more than \(data.count) compressed bytes can hold") }
        }
        // The most output allowed; the buffer goes one byte past it to see an overflow.
        let cap = Swift.max(0, Swift.min(expected ?? limit, ceiling))
        var out = [UInt8](repeating: 0, count: Swift.min(cap, Swift.max(expected ?? 0, 1 << 16, Swift.min(data.count, cap / 4) * 4)) + 1)
        var stream = z_stream()
        let bits: Int32 = gzip ? 16 + MAX_WBITS : -MAX_WBITS
        guard inflateInit2_(&stream, bits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw FormatError("inflate", "zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var produced = 0
        var consumed = 0
        try data.withUnsafeBufferPointer { input in
            guard let inputBase = input.baseAddress else { throw damaged("is empty") }
            while true {
                if produced == out.count {
                    guard out.count <= cap else { throw damaged("inflates to more than \(cap) bytes") }
                    out.append(contentsOf: repeatElement(0, count: Swift.min(out.count, cap + 1 - out.count)))
                }
                if stream.avail_in == 0 {
                    let chunk = Swift.min(input.count - consumed, Int(UInt32.max))
                    stream.next_in = UnsafeMutablePointer(mutating: inputBase + consumed)
                    stream.avail_in = UInt32(chunk)
                    consumed += chunk
                }
                let status: Int32 = out.withUnsafeMutableBufferPointer { buffer in
                    guard let base = buffer.baseAddress else { return Z_MEM_ERROR }
                    stream.next_out = base + produced
                    stream.avail_out = UInt32(Swift.min(buffer.count - produced, Int(UInt32.max)))
                    let before = stream.avail_out
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced += Int(before - stream.avail_out)
                    return status
                }
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    // Another gzip member may follow.
                    let left = Int(stream.avail_in) + (input.count - consumed)
                    let next = input.count - left
                    if gzip, left >= 2, input[next] == 0x1F, input[next + 1] == 0x8B {
                        guard inflateReset(&stream) == Z_OK else { throw damaged("has a damaged gzip member") }
                        continue
                    }
                case Z_BUF_ERROR:
                    // No progress was possible: room or input ran out (refilled above), or the end.
                    if stream.avail_out == 0 || (stream.avail_in == 0 && consumed < input.count) { continue }
                    throw damaged(stream.avail_in == 0 ? "is cut off" : "is damaged")
                case Z_NEED_DICT:
                    throw damaged("needs a preset dictionary")
                default:
                    throw damaged("is damaged")
                }
                break
            }
        }
        if produced > cap { throw damaged("inflates to more than \(cap) bytes") }
        if let expected, produced != expected { throw damaged("inflates to \(produced) bytes, not the declared \(expected)") }
        out.removeSubrange(produced...)
        return out
    }

    /// CRC-32 of bytes, as zip and gzip record it.
    public static func crc32(_ data: ArraySlice<UInt8>) -> UInt32 {
        data.withUnsafeBufferPointer { p in
            var crc: uLong = 0
            var offset = 0
            repeat {
                let chunk = Swift.min(p.count - offset, Int(UInt32.max))
                crc = CZlib.crc32(crc, p.baseAddress.map { $0 + offset }, UInt32(chunk))
                offset += chunk
            } while offset < p.count
            return UInt32(truncatingIfNeeded: crc)
        }
    }
}
