import Formats

/// Small files of each format, written by the tests: pickles opcode by opcode, zip archives
/// (optionally with ZIP64 end records), PyTorch checkpoints of both layouts, npy and IDX.
enum Build {
    // MARK: Pickles

    /// Pickle opcodes, as `Pickle` appends them.
    struct Pickle {
        var bytes: [UInt8] = [0x80, 0x02]

        mutating func op(_ code: UInt8, _ args: [UInt8] = []) { bytes += [code] + args }
        mutating func string(_ s: String) {
            let u = Array(s.utf8)
            op(0x58, Streams.littleEndian32(UInt32(u.count)) + u)
        }
        /// BININT, or LONG1 of 8 bytes outside Int32.
        mutating func int(_ v: Int) {
            if let small = Int32(exactly: v) { op(0x4A, Streams.littleEndian32(UInt32(bitPattern: small))) } else { op(0x8A, [8] + u64(UInt64(bitPattern: Int64(v)))) }
        }
        mutating func put(_ k: Int) { op(0x72, Streams.littleEndian32(UInt32(k))) }
        mutating func get(_ k: Int) { op(0x6A, Streams.littleEndian32(UInt32(k))) }
        mutating func global(_ module: String, _ name: String) { op(0x63, Array((module + "\n" + name + "\n").utf8)) }
        mutating func mark() { op(0x28) }
        mutating func tuple() { op(0x74) }
        mutating func stop() { op(0x2E) }

        /// A tensor view of storage `key` (element count `count`); the storage object is
        /// memoized under `memo` the first time and shared afterwards.
        mutating func tensor(key: String, count: Int, offset: Int, shape: [Int], strides: [Int], memo: Int, first: Bool) {
            global("torch._utils", "_rebuild_tensor_v2")
            mark()
            if first {
                mark(); string("storage"); global("torch", "FloatStorage"); string(key); string("cpu"); int(count); tuple()
                op(0x51)  // BINPERSID
                put(memo)
            } else {
                get(memo)
            }
            int(offset)
            mark(); for d in shape { int(d) }; tuple()
            mark(); for s in strides { int(s) }; tuple()
            op(0x89)  // False
            global("collections", "OrderedDict"); op(0x29); op(0x52)
            tuple()
            op(0x52)  // REDUCE
        }

        /// A state dict pickle: {name: tensor view} for each view, all of storage "0".
        static func stateDict(_ views: [(name: String, offset: Int, shape: [Int], strides: [Int])], storageCount: Int) -> [UInt8] {
            var p = Pickle()
            p.op(0x7D)  // EMPTY_DICT
            for (i, v) in views.enumerated() {
                p.string(v.name)
                p.tensor(key: "0", count: storageCount, offset: v.offset, shape: v.shape, strides: v.strides, memo: 0, first: i == 0)
                p.op(0x73)  // SETITEM
            }
            p.stop()
            return p.bytes
        }
    }

    // MARK: Zip

    struct Member {
        var name: String
        var body: [UInt8]
        var method = 0
        var size: Int
        var crc: UInt32

        /// A stored member.
        init(_ name: String, _ data: [UInt8]) {
            self.name = name
            body = data
            size = data.count
            crc = Streams.crc32(data)
        }

        /// A member with a deflate body and the size and CRC it declares.
        init(_ name: String, deflated: [UInt8], size: Int, crc: UInt32) {
            self.name = name
            body = deflated
            method = 8
            self.size = size
            self.crc = crc
        }
    }

    static func u16(_ v: Int) -> [UInt8] { [UInt8(truncatingIfNeeded: v), UInt8(truncatingIfNeeded: v >> 8)] }
    static func u32(_ v: Int) -> [UInt8] { Streams.littleEndian32(UInt32(truncatingIfNeeded: v)) }
    static func u64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }

    /// Where the parts of a written archive are, for tests that damage them.
    struct ZipLayout {
        var bytes: [UInt8]
        var directory: Int
        var end: Int
        var zip64Record: Int?
        var zip64Locator: Int?
    }

    /// A zip archive of `members`; with `zip64`, the end record's fields are saturated and a
    /// ZIP64 end record and locator hold the real ones.
    static func zipLayout(_ members: [Member], zip64: Bool = false) -> ZipLayout {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for m in members {
            let name = Array(m.name.utf8)
            let header = out.count
            out += u32(0x0403_4B50) + u16(20) + u16(0) + u16(m.method) + u16(0) + u16(0)
            out += u32(Int(m.crc)) + u32(m.body.count) + u32(m.size) + u16(name.count) + u16(0) + name + m.body
            central += u32(0x0201_4B50) + u16(20) + u16(20) + u16(0) + u16(m.method) + u16(0) + u16(0)
            central += u32(Int(m.crc)) + u32(m.body.count) + u32(m.size) + u16(name.count) + u16(0) + u16(0)
            central += u16(0) + u16(0) + u32(0) + u32(header) + name
        }
        let directory = out.count
        out += central
        var record: Int?, locator: Int?
        if zip64 {
            record = out.count
            out += u32(0x0606_4B50) + u64(44) + u16(45) + u16(45) + u32(0) + u32(0)
            out += u64(UInt64(members.count)) + u64(UInt64(members.count)) + u64(UInt64(central.count)) + u64(UInt64(directory))
            locator = out.count
            out += u32(0x0706_4B50) + u32(0) + u64(UInt64(record ?? 0)) + u32(1)
        }
        let end = out.count
        out += u32(0x0605_4B50) + u16(0) + u16(0)
        out += zip64 ? u16(0xFFFF) + u16(0xFFFF) + u32(0xFFFF_FFFF) + u32(0xFFFF_FFFF)
            : u16(members.count) + u16(members.count) + u32(central.count) + u32(directory)
        out += u16(0)
        return ZipLayout(bytes: out, directory: directory, end: end, zip64Record: record, zip64Locator: locator)
    }

    static func zip(_ members: [Member], zip64: Bool = false) -> [UInt8] { zipLayout(members, zip64: zip64).bytes }

    // MARK: Checkpoints

    /// A zip-format checkpoint: `archive/data.pkl` and the storage `archive/data/0`.
    static func zipCheckpoint(pickle: [UInt8], storage: [UInt8]) -> [UInt8] {
        zip([Member("archive/data.pkl", pickle), Member("archive/data/0", storage)])
    }

    /// A legacy checkpoint: magic, protocol and system-info pickles, the root pickle, the
    /// storage key list, then each storage as an 8-byte element count and its bytes.
    static func legacyCheckpoint(root: [UInt8], storages: [(key: String, count: Int, bytes: [UInt8])]) -> [UInt8] {
        var magic = Pickle(); magic.op(0x8A, [10] + [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]); magic.stop()
        var version = Pickle(); version.int(1001); version.stop()
        var info = Pickle(); info.op(0x7D); info.stop()
        var keys = Pickle(); keys.op(0x5D); keys.mark(); for s in storages { keys.string(s.key) }; keys.op(0x65); keys.stop()
        var out = magic.bytes + version.bytes + info.bytes + root + keys.bytes
        for s in storages { out += u64(UInt64(bitPattern: Int64(s.count))) + s.bytes }
        return out
    }

    static func floats(_ values: [Float]) -> [UInt8] { values.flatMap { Streams.littleEndian32($0.bitPattern) } }

    // MARK: Arrays

    /// An .npy file (version 1) with this header dict text and data.
    static func npy(header: String, data: [UInt8], major: UInt8 = 1) -> [UInt8] {
        var h = Array(header.utf8)
        let prefix = major == 1 ? 10 : 12
        while (prefix + h.count + 1) % 64 != 0 { h.append(0x20) }
        h.append(0x0A)
        let length = major == 1 ? u16(h.count) : u32(h.count)
        return [0x93] + Array("NUMPY".utf8) + [major, 0] + length + h + data
    }

    static func npy(descr: String, shape: String, data: [UInt8], fortran: Bool = false) -> [UInt8] {
        npy(header: "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }", data: data)
    }

    /// An IDX file of this element type byte, dimensions and data.
    static func idx(type: UInt8, shape: [Int], data: [UInt8]) -> [UInt8] {
        [0, 0, type, UInt8(shape.count)] + shape.flatMap { Streams.bigEndian32(UInt32(truncatingIfNeeded: $0)) } + data
    }
}
