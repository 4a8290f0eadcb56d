/// A zip archive held in memory (wheels are zips; so are PyTorch's new-style checkpoints):
/// the central directory is read once, members are inflated on demand and checked against
/// their CRC.
public struct ZipArchive {
    public struct Entry: Sendable {
        public let name: String
        let method: Int
        let compressedSize: Int
        public let size: Int
        let crc: UInt32
        let headerOffset: Int
    }

    let bytes: [UInt8]
    public let entries: [Entry]

    public init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        func damaged(_ why: String) -> FormatError { FormatError("zip", "not a valid zip archive: \(why)") }
        // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
        guard bytes.count >= 22 else { throw damaged("too short") }
        var end = -1
        var o = bytes.count - 22
        while o >= Swift.max(0, bytes.count - 22 - 65535) {
            if bytes[o] == 0x50 && bytes[o + 1] == 0x4B && bytes[o + 2] == 5 && bytes[o + 3] == 6 { end = o; break }
            o -= 1
        }
        guard end >= 0 else { throw damaged("no end record") }
        var count = u16(end + 10)
        var offset = u32(end + 16)
        // ZIP64: sizes in the ZIP64 end record.
        if (count == 0xFFFF || offset == 0xFFFF_FFFF), end >= 20, u32(end - 20) == 0x0706_4B50 {
            let record = Int(u32(end - 20 + 8)) | Int(u32(end - 20 + 12)) << 32
            guard record + 56 <= bytes.count, u32(record) == 0x0606_4B50 else { throw damaged("bad ZIP64 record") }
            count = Int(u32(record + 32)) | Int(u32(record + 36)) << 32
            offset = Int(u32(record + 48)) | Int(u32(record + 52)) << 32
        }
        var entries: [Entry] = []
        var p = offset
        for _ in 0..<count {
            guard p + 46 <= bytes.count, u32(p) == 0x0201_4B50 else { throw damaged("bad central directory") }
            let nameLength = u16(p + 28), extraLength = u16(p + 30), commentLength = u16(p + 32)
            guard p + 46 + nameLength + extraLength <= bytes.count else { throw damaged("bad central directory") }
            let name = String(decoding: bytes[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            var compressed = u32(p + 20), size = u32(p + 24), header = u32(p + 42)
            // ZIP64 extra field for large members.
            var e = p + 46 + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = u16(e), length = u16(e + 2)
                if id == 1 {
                    var q = e + 4
                    func u64() -> Int { defer { q += 8 }; return Int(u32(q)) | Int(u32(q + 4)) << 32 }
                    if size == 0xFFFF_FFFF, q + 8 <= extraEnd { size = u64() }
                    if compressed == 0xFFFF_FFFF, q + 8 <= extraEnd { compressed = u64() }
                    if header == 0xFFFF_FFFF, q + 8 <= extraEnd { header = u64() }
                }
                e += 4 + length
            }
            guard compressed >= 0, size >= 0, header >= 0, size <= Int(Int32.max) * 4 else { throw damaged("impossible sizes for \(quoted(name))") }
            entries.append(Entry(name: name, method: u16(p + 10), compressedSize: compressed, size: size, crc: UInt32(u32(p + 16)), headerOffset: header))
            p += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
    }

    /// The member's bytes, inflated and CRC-checked.
    public func read(_ name: String) throws -> [UInt8] {
        guard let e = entries.first(where: { $0.name == name }) else { throw FormatError("zip", "the archive has no member \(quoted(name))") }
        return try read(e)
    }

    public func read(_ e: Entry) throws -> [UInt8] {
        let h = e.headerOffset
        guard h + 30 <= bytes.count, bytes[h] == 0x50, bytes[h + 1] == 0x4B, bytes[h + 2] == 3, bytes[h + 3] == 4 else {
            throw FormatError("zip", "the member \(quoted(e.name)) has no valid header")
        }
        let start = h + 30 + (Int(bytes[h + 26]) | Int(bytes[h + 27]) << 8) + (Int(bytes[h + 28]) | Int(bytes[h + 29]) << 8)
        guard e.compressedSize <= bytes.count - start else { throw FormatError("zip", "the member \(quoted(e.name)) is cut off") }
        let raw = bytes[start..<(start + e.compressedSize)]
        let data: [UInt8]
        switch e.method {
        case 0: data = Array(raw)
        case 8: data = try Inflate.inflate(raw, gzip: false, expected: e.size)
        default: throw FormatError("zip", "the member \(quoted(e.name)) uses compression method \(e.method), which is not supported")
        }
        guard data.count == e.size, Inflate.crc32(data[...]) == e.crc else {
            throw FormatError("zip", "the member \(quoted(e.name)) is damaged (size or checksum mismatch)")
        }
        return data
    }
}
