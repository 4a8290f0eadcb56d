@preconcurrency import CBzip2

/// Decompression of bzip2 files through libbz2 (data sets in wheels ship as `.csv.bz2`).
///
/// Limits: the output never exceeds `limit` bytes (default 1 GiB); decompression stops and
/// throws as soon as one more byte would be produced, and the buffer grows by doubling only as
/// the output does. Damaged or cut-off streams throw (libbz2 checks every block's CRC).
/// Concatenated streams are read in turn, as `bunzip2` does; bytes after the last stream that
/// do not start another are ignored.
public enum Bunzip2 {
    /// Whether bytes start like a bzip2 stream: `BZh` and a block-size digit.
    public static func isBzip2(_ data: ArraySlice<UInt8>) -> Bool {
        data.count >= 4 && Array(data.prefix(3)) == [0x42, 0x5A, 0x68] && (0x31...0x39).contains(data[data.startIndex + 3])
    }

    /// The decompressed bytes of `data`, at most `limit` of them.
    public static func decompress(_ data: ArraySlice<UInt8>, limit: Int = Inflate.defaultLimit) throws -> [UInt8] {
        func damaged(_ why: String) -> FormatError { FormatError("bunzip2", "the compressed data \(why)") }
        guard isBzip2(data) else { throw damaged("is not a bzip2 stream") }
        let cap = Swift.max(0, limit)
        var out = [UInt8](repeating: 0, count: Swift.min(cap, Swift.max(1 << 16, Swift.min(data.count, cap / 8) * 8)) + 1)
        var produced = 0
        var start = data.startIndex
        // One stream at a time; another may follow the first.
        while start < data.endIndex, isBzip2(data[start...]) {
            var stream = bz_stream()
            guard BZ2_bzDecompressInit(&stream, 0, 0) == BZ_OK else { throw FormatError("bunzip2", "libbz2 could not start") }
            defer { BZ2_bzDecompressEnd(&stream) }
            let used: Int = try data[start...].withUnsafeBufferPointer { input in
                guard let inputBase = input.baseAddress else { throw damaged("is empty") }
                var consumed = 0
                while true {
                    if produced == out.count {
                        guard out.count <= cap else { throw damaged("decompresses to more than \(cap) bytes") }
                        out.append(contentsOf: repeatElement(0, count: Swift.min(out.count, cap + 1 - out.count)))
                    }
                    if stream.avail_in == 0 {
                        let chunk = Swift.min(input.count - consumed, Int(UInt32.max))
                        stream.next_in = UnsafeMutableRawPointer(mutating: inputBase + consumed).assumingMemoryBound(to: CChar.self)
                        stream.avail_in = UInt32(chunk)
                        consumed += chunk
                    }
                    let status: Int32 = out.withUnsafeMutableBufferPointer { buffer in
                        guard let base = buffer.baseAddress else { return BZ_MEM_ERROR }
                        stream.next_out = UnsafeMutableRawPointer(base + produced).assumingMemoryBound(to: CChar.self)
                        stream.avail_out = UInt32(Swift.min(buffer.count - produced, Int(UInt32.max)))
                        let before = stream.avail_out
                        let status = BZ2_bzDecompress(&stream)
                        produced += Int(before - stream.avail_out)
                        return status
                    }
                    switch status {
                    case BZ_STREAM_END:
                        return consumed - Int(stream.avail_in)
                    case BZ_OK:
                        // No input left and no room used up: the stream is cut off.
                        if stream.avail_in == 0 && consumed == input.count && stream.avail_out > 0 { throw damaged("is cut off") }
                        continue
                    case BZ_MEM_ERROR:
                        throw FormatError("bunzip2", "libbz2 ran out of memory")
                    default:
                        throw damaged("is damaged")
                    }
                }
            }
            start += used
        }
        if produced > cap { throw damaged("decompresses to more than \(cap) bytes") }
        out.removeSubrange(produced...)
        return out
    }
}
