/// A zip archive held in memory (wheels are zips; so are PyTorch's new-style checkpoints):
/// the central directory is read once, members are inflated on demand and checked against
/// their CRC.
///
/// Validates, before use, every count, offset and length against the file: the end record
/// (the last one whose comment fits the file, searched in the last 64 KiB + 22 bytes); the
/// ZIP64 locator and end record when the end record's fields are saturated (64-bit values that
/// do not fit an Int, i.e. "negative" ones, are refused); that the central directory lies
/// inside the file before the end records and can hold the entry count (46 bytes an entry);
/// each entry's signature, name, extra fields (each sub-field inside its extra block; a
/// ZIP64 extra field must supply every saturated size or offset) and comment inside the
/// directory; each member's local header and data inside the file.
/// Limits: stored (method 0) and deflated (8) members only; encrypted members are refused;
/// a deflated member inflates to at most its declared size (an error the moment it would
/// exceed it, or if it falls short) and at most `limit` bytes (default 1 GiB); a stored
/// member's sizes must agree; the CRC-32 of every member read is checked.
public struct ZipArchive {
    public struct Entry: Sendable {
        public let name: String
        let method: Int
        let flags: Int
        let compressedSize: Int
        public let size: Int
        let crc: UInt32
        let headerOffset: Int
    }

    let bytes: [UInt8]
    public let entries: [Entry]
    /// The first entry of each name.
    let index: [String: Int]

    static func damaged(_ why: String) -> FormatError { FormatError("zip", "not a valid zip archive: \(why)") }

    public init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        let damaged = ZipArchive.damaged
        func u16(_ o: Int) throws -> Int {
            guard let v = Bytes.littleInt(bytes, o, 2) else { throw damaged("a record reaches past the end of the file") }
            return v
        }
        func u32(_ o: Int) throws -> Int {
            guard let v = Bytes.littleInt(bytes, o, 4) else { throw damaged("a record reaches past the end of the file") }
            return v
        }
        func u64(_ o: Int, _ what: String) throws -> Int {
            guard let v = Bytes.little(bytes, o, 8) else { throw damaged("a record reaches past the end of the file") }
            guard let i = Int(exactly: v) else { throw damaged("the \(what) \(v) is out of range") }
            return i
        }
        // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
        guard bytes.count >= 22 else { throw damaged("too short") }
        var found: Int?
        var o = bytes.count - 22
        while o >= Swift.max(0, bytes.count - 22 - 0xFFFF) {
            if try u32(o) == 0x0605_4B50, try o + 22 + u16(o + 20) <= bytes.count { found = o; break }
            o -= 1
        }
        guard let end = found else { throw damaged("no end record") }
        var count = try u16(end + 10)
        var directorySize = try u32(end + 12)
        var directoryOffset = try u32(end + 16)
        // Where the central directory must end: at the first end record.
        var directoryLimit = end
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF, end >= 20, try u32(end - 20) == 0x0706_4B50 {
            let record = try u64(end - 20 + 8, "ZIP64 end record offset")
            guard record <= end - 20 - 56, try u32(record) == 0x0606_4B50 else { throw damaged("the ZIP64 end record is missing or misplaced") }
            count = try u64(record + 32, "ZIP64 entry count")
            directorySize = try u64(record + 40, "ZIP64 directory size")
            directoryOffset = try u64(record + 48, "ZIP64 directory offset")
            directoryLimit = record
        }
        guard directoryOffset <= directoryLimit, directorySize <= directoryLimit - directoryOffset else {
            throw damaged("the central directory (\(directorySize) bytes at \(directoryOffset)) lies outside the file")
        }
        guard count <= directorySize / 46 else { throw damaged("\(count) entries cannot fit in a \(directorySize)-byte directory") }
        let directoryEnd = directoryOffset + directorySize
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        entries.reserveCapacity(count)
        var p = directoryOffset
        for _ in 0..<count {
            guard p <= directoryEnd - 46, try u32(p) == 0x0201_4B50 else { throw damaged("bad central directory") }
            let nameLength = try u16(p + 28), extraLength = try u16(p + 30), commentLength = try u16(p + 32)
            let next = p + 46 + nameLength + extraLength + commentLength
            guard next <= directoryEnd else { throw damaged("bad central directory") }
            let name = String(decoding: bytes[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            var compressed = try u32(p + 20), size = try u32(p + 24), header = try u32(p + 42)
            // The ZIP64 extra field holds, in this order, each of size, compressed size and
            // header offset that is saturated in the directory entry.
            var wanted = [size, compressed, header].filter { $0 == 0xFFFF_FFFF }.count
            var e = p + 46 + nameLength
            let extraEnd = e + extraLength
            while e < extraEnd {
                guard e <= extraEnd - 4 else { throw damaged("a malformed extra field for \(quoted(name))") }
                let id = try u16(e), length = try u16(e + 2)
                guard length <= extraEnd - e - 4 else { throw damaged("a malformed extra field for \(quoted(name))") }
                if id == 1 {
                    var q = e + 4
                    func field(_ v: inout Int, _ what: String) throws {
                        guard v == 0xFFFF_FFFF, wanted > 0 else { return }
                        guard q <= e + 4 + length - 8 else { throw damaged("the ZIP64 field of \(quoted(name)) has no \(what)") }
                        v = try u64(q, "\(what) of \(quoted(name))")
                        q += 8
                        wanted -= 1
                    }
                    try field(&size, "size")
                    try field(&compressed, "compressed size")
                    try field(&header, "header offset")
                }
                e += 4 + length
            }
            guard wanted == 0 else { throw damaged("\(quoted(name)) has saturated sizes and no ZIP64 field") }
            guard header <= directoryOffset, compressed <= bytes.count else {
                throw damaged("impossible offset or sizes for \(quoted(name))")
            }
            if index[name] == nil { index[name] = entries.count }
            entries.append(Entry(name: name, method: try u16(p + 10), flags: try u16(p + 8), compressedSize: compressed,
                                 size: size, crc: UInt32(try u32(p + 16)), headerOffset: header))
            p = next
        }
        self.entries = entries
        self.index = index
    }

    /// The member's bytes, inflated (to at most `limit` bytes) and CRC-checked.
    public func read(_ name: String, limit: Int = Inflate.defaultLimit) throws -> [UInt8] {
        guard let i = index[name] else { throw FormatError("zip", "the archive has no member \(quoted(name))") }
        return try read(entries[i], limit: limit)
    }

    public func read(_ e: Entry, limit: Int = Inflate.defaultLimit) throws -> [UInt8] {
        func failure(_ why: String) -> FormatError { FormatError("zip", "the member \(quoted(e.name)) \(why)") }
        let h = e.headerOffset
        guard Bytes.little(bytes, h, 4) == 0x0403_4B50, let nameLength = Bytes.littleInt(bytes, h + 26, 2),
              let extraLength = Bytes.littleInt(bytes, h + 28, 2) else {
            throw failure("has no valid header")
        }
        let start = h + 30 + nameLength + extraLength
        guard start <= bytes.count, e.compressedSize <= bytes.count - start else { throw failure("is cut off") }
        guard e.flags & 1 == 0 else { throw failure("is encrypted") }
        let raw = bytes[start..<(start + e.compressedSize)]
        let data: [UInt8]
        switch e.method {
        case 0:
            guard e.size == e.compressedSize else { throw failure("is stored with two different sizes") }
            data = Array(raw)
        case 8:
            do { data = try Inflate.inflate(raw, gzip: false, expected: e.size, limit: limit) } catch let error as FormatError {
                throw failure("cannot be inflated: \(error.description)")
            }
        default: throw failure("uses compression method \(e.method), which is not supported")
        }
        guard Inflate.crc32(data[...]) == e.crc else { throw failure("is damaged (checksum mismatch)") }
        return data
    }
}
