import Foundation
import Formats
import Tensor
import Testing

/// Hostile and damaged files: each must give a FormatError (or a correct result), never a
/// trap, a hang, a huge allocation or runaway memory.
@Suite struct HostileFileTests {
    static func isFormatError(_ body: () throws -> Void) -> Bool {
        do { try body(); return false } catch is FormatError { return true } catch { return false }
    }

    // MARK: Hand-written streams

    @Test func handWrittenDeflateStreamsInflate() throws {
        for n in [1, 2, 3, 4, 5, 258, 259, 260, 261, 262, 1000, 65_536, 100_003] {
            let out = try Inflate.inflate(Streams.zeros(n)[...], gzip: false, expected: n)
            #expect(out.count == n && out.allSatisfy { $0 == 0 }, "\(n)")
        }
        let data = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        #expect(try Inflate.inflate(Streams.gzip(data)[...], gzip: true) == data)
        #expect(Inflate.crc32(data[...]) == Streams.crc32(data))
    }

    // MARK: Pickles

    /// A legacy checkpoint whose root pickle is `root` (no storages).
    static func legacy(_ root: Build.Pickle) -> [UInt8] { Build.legacyCheckpoint(root: root.bytes, storages: []) }

    @Test func listThatContainsItself() throws {
        var p = Build.Pickle()
        p.op(0x5D); p.put(0); p.get(0); p.op(0x61); p.stop()  // l = []; l.append(l)
        let u = Unpickler(p.bytes)
        let root = try u.load()
        var visits = 0
        u.walk(root) { _ in visits += 1 }
        #expect(visits == 2)
        #expect(u.items(root).map { $0.count } == 1)
        #expect(Self.isFormatError { _ = try TorchCheckpoint.read(Self.legacy(p)) })
    }

    @Test func dictThatContainsItself() throws {
        for key in ["a", "state_dict"] {
            var p = Build.Pickle()
            p.op(0x7D); p.put(0); p.string(key); p.get(0); p.op(0x73); p.stop()  // d = {}; d[key] = d
            #expect(Self.isFormatError { _ = try TorchCheckpoint.read(Self.legacy(p)) }, "\(key)")
            #expect(Self.isFormatError { _ = try TorchCheckpoint.read(Build.zipCheckpoint(pickle: p.bytes, storage: [])) }, "\(key)")
        }
    }

    /// t0 = (None,); t(k+1) = (tk, tk): 2^64 paths through 65 tuples.
    static func sharedTuples(levels: Int) -> Build.Pickle {
        var p = Build.Pickle()
        p.op(0x4E); p.op(0x85); p.put(0)
        for k in 1...levels { p.get(k - 1); p.get(k - 1); p.op(0x86); p.put(k) }
        return p
    }

    @Test func sharedTupleDAGIsNotExpanded() throws {
        var p = Self.sharedTuples(levels: 64)
        p.stop()
        let u = Unpickler(p.bytes)
        let root = try u.load()
        var visits = 0
        u.walk(root) { _ in visits += 1 }
        #expect(visits <= 3 * 66)
        // As a checkpoint's root (walked for storage sizes), and inside a state dict.
        #expect(Self.isFormatError { _ = try TorchCheckpoint.read(Self.legacy(p)) })
        var q = Build.Pickle()
        q.op(0x7D); q.string("x")
        q.bytes += Self.sharedTuples(levels: 64).bytes.dropFirst(2)
        q.op(0x73); q.stop()
        #expect(Self.isFormatError { _ = try TorchCheckpoint.read(Self.legacy(q)) })
    }

    @Test func tenMillionNestedTuplesHitTheDepthLimit() {
        var bytes = [UInt8](repeating: 0x85, count: 10_000_003)
        bytes[0] = 0x80; bytes[1] = 0x02; bytes[2] = 0x4E; bytes[10_000_002] = 0x2E
        #expect(Self.isFormatError { _ = try Unpickler(bytes).load() })
        #expect(Self.isFormatError { _ = try TorchCheckpoint.read(Build.legacyCheckpoint(root: bytes, storages: [])) })
    }

    @Test func nestedListsAndDictsHitTheDepthLimit() {
        // l0 = []; l(k+1) = [lk], built with APPEND after the inner list is complete.
        var p = Build.Pickle()
        for _ in 0..<2000 { p.op(0x5D) }
        for _ in 0..<1999 { p.op(0x61) }
        p.stop()
        #expect(Self.isFormatError { _ = try Unpickler(p.bytes).load() })
    }

    @Test func stackAndMemoAreBounded() {
        // 2^21 NONEs: more than the stack may hold.
        var bytes: [UInt8] = [0x80, 0x02] + repeatElement(0x4E, count: 1 << 21)
        bytes.append(0x2E)
        #expect(Self.isFormatError { _ = try Unpickler(bytes).load() })
        // Popping below a mark, a missing mark, a STOP inside a mark, an unknown memo entry.
        for pickle: [UInt8] in [[0x80, 0x02, 0x4E, 0x28, 0x85, 0x2E], [0x80, 0x02, 0x74, 0x2E], [0x80, 0x02, 0x28, 0x4E, 0x2E],
                                [0x80, 0x02, 0x68, 0x05, 0x2E], [0x80, 0x02, 0x94, 0x2E], [0x80, 0x02, 0x58, 0xFF, 0xFF, 0xFF, 0xFF]] {
            #expect(Self.isFormatError { _ = try Unpickler(pickle).load() }, "\(pickle)")
        }
        // Starting past the end.
        #expect(Self.isFormatError { _ = try Unpickler([0x2E], at: 5).load() })
    }

    /// 2,000 tensors viewing one 4 MB storage.
    @Test func tensorsShareTheirStorage() throws {
        let count = 1 << 20
        let storage = Build.floats((0..<count).map { Float($0 % 1000) })
        let whole = (0..<2000).map { ("w\($0)", 0, [1024, 1024], [1024, 1]) }
        let bytes = Build.zipCheckpoint(pickle: Build.Pickle.stateDict(whole, storageCount: count), storage: storage)
        let entries = try TorchCheckpoint.read(bytes, limit: 64 << 20)
        #expect(entries.count == 2000)
        #expect(entries.allSatisfy { $0.tensor.storage === entries[0].tensor.storage })
        #expect(entries[1999].tensor.shape == [1024, 1024])
        #expect(try entries[7].tensor.element([1, 2]) == Float(1026 % 1000))
        // Views that are not the whole storage are copies: 2,000 of them would be 8 GB.
        let shifted = (0..<2000).map { ("s\($0)", 1, [count - 1], [1]) }
        let copies = Build.zipCheckpoint(pickle: Build.Pickle.stateDict(shifted, storageCount: count), storage: storage)
        #expect(Self.isFormatError { _ = try TorchCheckpoint.read(copies, limit: 64 << 20) })
        let few = Build.zipCheckpoint(pickle: Build.Pickle.stateDict(Array(shifted.prefix(3)), storageCount: count), storage: storage)
        let read = try TorchCheckpoint.read(few, limit: 64 << 20)
        #expect(read.count == 3 && read[2].tensor.values.first == 1)
        // The same through the legacy layout.
        let legacy = Build.legacyCheckpoint(root: Build.Pickle.stateDict(whole, storageCount: count), storages: [("0", count, storage)])
        let fromLegacy = try TorchCheckpoint.read(legacy, limit: 64 << 20)
        #expect(fromLegacy.count == 2000 && fromLegacy.allSatisfy { $0.tensor.storage === fromLegacy[0].tensor.storage })
        #expect(TorchCheckpoint.defaultLimit == 2 << 30)
    }

    @Test func byteOrderIsHonoured() throws {
        let pickle = Build.Pickle.stateDict([("w", 0, [2], [1])], storageCount: 2)
        let big = Build.floats([1, 2]).enumerated().map { i, _ in Build.floats([1, 2])[(i / 4) * 4 + 3 - i % 4] }
        func checkpoint(_ order: String, _ storage: [UInt8]) -> [UInt8] {
            Build.zip([Build.Member("archive/data.pkl", pickle), Build.Member("archive/byteorder", Array(order.utf8)), Build.Member("archive/data/0", storage)])
        }
        #expect(try TorchCheckpoint.read(checkpoint("big", big))[0].tensor.values == [1, 2])
        #expect(try TorchCheckpoint.read(checkpoint("little", Build.floats([1, 2])))[0].tensor.values == [1, 2])
        #expect(Self.isFormatError { _ = try TorchCheckpoint.read(checkpoint("middle", big)) })
    }

    @Test func tensorViewsAreCheckedAgainstTheirStorage() throws {
        let storage = Build.floats((0..<12).map(Float.init))
        let views: [(String, Int, [Int], [Int])] = [
            ("past", 0, [13], [1]), ("offset", 12, [1], [1]), ("stride", 0, [2, 2], [11, 1]),
            ("overflow", 0, [2, 2], [Int(Int32.max), 1]), ("huge", 0, [1 << 40, 1 << 40], [0, 0]),
            ("wrap", 0, [3, 2], [Int.max / 2, 1]), ("product", 0, [1 << 40, 1 << 40, 0], [0, 0, 0]), ("big", 0, [1 << 40], [0]),
        ]
        for v in views {
            let bytes = Build.zipCheckpoint(pickle: Build.Pickle.stateDict([v], storageCount: 12), storage: storage)
            #expect(Self.isFormatError { _ = try TorchCheckpoint.read(bytes) }, "\(v.0)")
        }
        // Transposed, size-1 dimensions with any stride, and an empty view are fine.
        let good: [(String, Int, [Int], [Int])] = [("t", 0, [4, 3], [1, 4]), ("one", 2, [1, 3], [1_000_000, 1]), ("empty", 0, [0, 5], [5, 1])]
        let bytes = Build.zipCheckpoint(pickle: Build.Pickle.stateDict(good, storageCount: 12), storage: storage)
        let read = try TorchCheckpoint.read(bytes)
        #expect(read[0].tensor.values == [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11])
        #expect(read[1].tensor.values == [2, 3, 4])
        #expect(read[2].tensor.shape == [0, 5])
    }

    @Test func legacyStorageCountsAreChecked() {
        let root = Build.Pickle.stateDict([("w", 0, [2], [1])], storageCount: 2)
        for count in [-1, 3, Int.max, Int.max / 2] {
            let bytes = Build.legacyCheckpoint(root: root, storages: [("0", count, Build.floats([1, 2]))])
            #expect(Self.isFormatError { _ = try TorchCheckpoint.read(bytes) }, "\(count)")
        }
    }

    // MARK: Zip and ZIP64

    static let members = [Build.Member("a.txt", Array("hello".utf8)), Build.Member("b/c.bin", [1, 2, 3, 4])]

    @Test func writtenArchivesRead() throws {
        for zip64 in [false, true] {
            let zip = try ZipArchive(Build.zip(Self.members, zip64: zip64))
            #expect(zip.entries.map(\.name) == ["a.txt", "b/c.bin"])
            #expect(try zip.read("b/c.bin") == [1, 2, 3, 4])
        }
    }

    /// Damages one field of a written archive; every damage must be refused on opening or on
    /// reading each member.
    static func refused(_ bytes: [UInt8]) -> Bool {
        isFormatError {
            let zip = try ZipArchive(bytes)
            for e in zip.entries { _ = try zip.read(e) }
        }
    }

    static func patch(_ b: [UInt8], _ at: Int, _ value: [UInt8]) -> [UInt8] {
        var b = b
        for (i, x) in value.enumerated() where at + i < b.count { b[at + i] = x }
        return b
    }

    @Test func endRecordOffsetsAndCountsAreValidated() {
        let z = Build.zipLayout(Self.members)
        let damages: [(Int, [UInt8])] = [
            (z.end + 10, Build.u16(3)), (z.end + 10, Build.u16(0xFFFF)),           // more entries than the directory has
            (z.end + 12, Build.u32(0x7FFF_FFFF)), (z.end + 12, Build.u32(-1)),      // directory size
            (z.end + 16, Build.u32(0x7FFF_FFFF)), (z.end + 16, Build.u32(-1)),      // directory offset
            (z.end + 16, Build.u32(z.directory + 1)),
            (z.directory + 42, Build.u32(0xFFFF_FFF0)), (z.directory + 42, Build.u32(z.directory)), // a header offset
            (z.directory + 20, Build.u32(0x7FFF_FFFF)),                             // compressed size
            (z.directory + 28, Build.u16(0xFFFF)), (z.directory + 30, Build.u16(0xFFFF)), // name and extra lengths
            (z.directory + 16, Build.u32(0x1234)),                                  // CRC
            (z.directory + 10, Build.u16(12)),                                      // an unsupported method
            (z.directory + 8, Build.u16(1)),                                        // encrypted
            (26, Build.u16(0xFFFF)), (0, Build.u32(0)),                             // the local header
        ]
        for (at, value) in damages {
            #expect(Self.refused(Self.patch(z.bytes, at, value)), "at \(at): \(value)")
        }
        #expect(Self.refused(Array(z.bytes.prefix(z.end))))
        #expect(Self.refused([]))
        #expect(Self.refused(Array(z.bytes.prefix(21))))
    }

    @Test func zip64FieldsAreValidated() throws {
        let z = Build.zipLayout(Self.members, zip64: true)
        let record = try #require(z.zip64Record), locator = try #require(z.zip64Locator)
        let huge: [[UInt8]] = [Build.u64(.max), Build.u64(1 << 63), Build.u64(1 << 62), Build.u64(UInt64(z.bytes.count))]
        for value in huge {
            for at in [locator + 8, record + 32, record + 40, record + 48] {
                #expect(Self.refused(Self.patch(z.bytes, at, value)), "at \(at): \(value)")
            }
        }
        #expect(Self.refused(Self.patch(z.bytes, record, Build.u32(0))))
        #expect(Self.refused(Self.patch(z.bytes, locator + 8, Build.u64(UInt64(record + 1)))))
    }

    /// A member whose directory entry saturates its sizes and offset and has a ZIP64 extra field.
    static func zip64Member(size: UInt64, compressed: UInt64, offset: UInt64, extraLength: Int? = nil) -> [UInt8] {
        let data: [UInt8] = [9, 8, 7]
        let name = Array("m".utf8)
        var extra = Build.u16(1) + Build.u16(24) + Build.u64(size) + Build.u64(compressed) + Build.u64(offset)
        if let extraLength { extra = Build.u16(1) + Build.u16(extraLength) + Array(extra.dropFirst(4).prefix(extraLength)) }
        var out = Build.u32(0x0403_4B50) + Build.u16(45) + Build.u16(0) + Build.u16(0) + Build.u32(0)
        out += Build.u32(Int(Streams.crc32(data))) + Build.u32(3) + Build.u32(3) + Build.u16(1) + Build.u16(0) + name + data
        let directory = out.count
        out += Build.u32(0x0201_4B50) + Build.u16(45) + Build.u16(45) + Build.u16(0) + Build.u16(0) + Build.u32(0)
        out += Build.u32(Int(Streams.crc32(data))) + Build.u32(-1) + Build.u32(-1) + Build.u16(1) + Build.u16(extra.count) + Build.u16(0)
        out += Build.u16(0) + Build.u16(0) + Build.u32(0) + Build.u32(-1) + name + extra
        let size = out.count - directory
        out += Build.u32(0x0605_4B50) + Build.u16(0) + Build.u16(0) + Build.u16(1) + Build.u16(1) + Build.u32(size) + Build.u32(directory) + Build.u16(0)
        return out
    }

    @Test func zip64ExtraFieldsAreValidated() throws {
        let good = try ZipArchive(Self.zip64Member(size: 3, compressed: 3, offset: 0))
        #expect(try good.read("m") == [9, 8, 7])
        let bad: [[UInt8]] = [
            Self.zip64Member(size: .max, compressed: 3, offset: 0), Self.zip64Member(size: 3, compressed: 1 << 63, offset: 0),
            Self.zip64Member(size: 3, compressed: 3, offset: .max), Self.zip64Member(size: 3, compressed: 3, offset: 1 << 40),
            Self.zip64Member(size: 4, compressed: 3, offset: 0), Self.zip64Member(size: 3, compressed: 3, offset: 0, extraLength: 16),
            Self.zip64Member(size: 3, compressed: 3, offset: 0, extraLength: 200),
        ]
        for b in bad { #expect(Self.refused(b)) }
    }

    // MARK: Bombs

    @Test func zipMemberStopsAtItsDeclaredSize() throws {
        // 24 bytes declared; the body would inflate to 3 GB.
        let body = Streams.zeros(3_000_000_000)
        #expect(body.count < 3_000_000)
        let zeros24 = [UInt8](repeating: 0, count: 24)
        let zip = try ZipArchive(Build.zip([Build.Member("bomb", deflated: body, size: 24, crc: Streams.crc32(zeros24))]))
        let start = Date()
        #expect(Self.isFormatError { _ = try zip.read("bomb") })
        #expect(Date().timeIntervalSince(start) < 10)
        // Declaring the 3 GB is refused by the limit, before inflating.
        let declared = try ZipArchive(Build.zip([Build.Member("bomb", deflated: body, size: 3_000_000_000, crc: 0)]))
        #expect(Self.isFormatError { _ = try declared.read("bomb") })
        // A declared size no deflate body of this length can reach.
        let small = try ZipArchive(Build.zip([Build.Member("m", deflated: Streams.zeros(10), size: 1 << 20, crc: 0)]))
        #expect(Self.isFormatError { _ = try small.read("m", limit: 1 << 30) })
        // An honest member reads; the same one with a wrong CRC or short size does not.
        let honest = Build.Member("ok", deflated: Streams.zeros(1000), size: 1000, crc: Streams.crc32([UInt8](repeating: 0, count: 1000)))
        #expect(try ZipArchive(Build.zip([honest])).read("ok").count == 1000)
        var wrong = honest
        wrong.crc ^= 1
        #expect(Self.refused(Build.zip([wrong])))
        wrong = honest
        wrong.size = 1001
        #expect(Self.refused(Build.zip([wrong])))
    }

    @Test func gzipBombIsBounded() {
        let bomb = Streams.gzip(Streams.zeros(3_000_000_000), crc: 0, length: 3_000_000_000)
        #expect(bomb.count < 3_000_000)
        let start = Date()
        #expect(Self.isFormatError { _ = try Inflate.inflate(bomb[...], gzip: true, limit: 16 << 20) })
        #expect(Date().timeIntervalSince(start) < 10)
        #expect(Inflate.defaultLimit == 1 << 30)
        // Just under and at the limit.
        let exact = Streams.gzip(Streams.zeros(1 << 20), crc: Streams.crc32([UInt8](repeating: 0, count: 1 << 20)), length: 1 << 20)
        #expect((try? Inflate.inflate(exact[...], gzip: true, limit: 1 << 20))?.count == 1 << 20)
        #expect(Self.isFormatError { _ = try Inflate.inflate(exact[...], gzip: true, limit: (1 << 20) - 1) })
    }

    @Test func gzipDamageIsDetected() {
        let data = Array("a,b\n1,2\n".utf8)
        let good = Streams.gzip(data)
        #expect((try? Inflate.inflate(good[...], gzip: true)) == data)
        // Two members in a row are read in turn.
        #expect((try? Inflate.inflate((good + good)[...], gzip: true)) == data + data)
        var badCRC = good
        badCRC[badCRC.count - 8] ^= 1
        for bad in [badCRC, Array(good.dropLast(3)), Array(good.prefix(12)), [], [0x1F, 0x8B]] {
            #expect(Self.isFormatError { _ = try Inflate.inflate(bad[...], gzip: true) }, "\(bad)")
        }
    }

    // MARK: npy

    @Test func npyShapesAreParsedStrictly() throws {
        let four = Build.floats([1, 2, 3, 4])
        #expect(try NumPyArray.read(Build.npy(descr: "<f4", shape: "(2, 2)", data: four)).values == [1, 2, 3, 4])
        #expect(try NumPyArray.read(Build.npy(descr: "<f4", shape: "(4,)", data: four)).shape == [4])
        #expect(try NumPyArray.read(Build.npy(descr: "<f4", shape: "()", data: four)).shape == [])
        #expect(try NumPyArray.read(Build.npy(descr: "<f4", shape: "(2L, 2L)", data: four)).shape == [2, 2])
        let empty = try NumPyArray.read(Build.npy(descr: "<f4", shape: "(1099511627776, 0)", data: []))
        #expect(empty.shape == [1 << 40, 0] && empty.count == 0)
        for shape in ["(2, x)", "(3)", "(-1,)", "(2,,)", "(2 2)", "[2, 2]", "(,)", "(99999999999999999999999,)", "(2, 2", "2, 2",
                      "(4294967296, 4294967296)", "(3037000500, 3037000500)", "(1048576, 1048576)", "(5,)"] {
            #expect(Self.isFormatError { _ = try NumPyArray.read(Build.npy(descr: "<f4", shape: shape, data: four)) }, "\(shape)")
        }
    }

    @Test func npyHeadersAreValidated() throws {
        let four = Build.floats([1, 2, 3, 4])
        #expect(Self.isFormatError { _ = try NumPyArray.read(Build.npy(descr: "<f4", shape: "(4,)", data: four, fortran: true)) })
        for descr in ["<c8", "|O", "<U5", "<f16", "<x4", "f", "<f4 "] {
            #expect(Self.isFormatError { _ = try NumPyArray.read(Build.npy(descr: descr, shape: "(4,)", data: four)) }, "\(descr)")
        }
        let headers = [
            "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (4,), }",
            "{'descr': '<f4', 'fortran_order': False, }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'extra': 1, }",
            "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (4,), }",
            "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (4,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), } junk",
            "{'descr': '<f\\4', 'fortran_order': False, 'shape': (4,), }",
            "", "{", "{'descr'",
        ]
        for h in headers {
            #expect(Self.isFormatError { _ = try NumPyArray.read(Build.npy(header: h, data: four)) }, "\(h)")
        }
        // Header lengths past the end, and unknown versions.
        var long = Build.npy(descr: "<f4", shape: "(4,)", data: four)
        long[8] = 0xFF; long[9] = 0xFF
        #expect(Self.isFormatError { _ = try NumPyArray.read(long) })
        var v2 = Build.npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", data: four, major: 2)
        #expect(try NumPyArray.read(v2).values == [1, 2, 3, 4])
        v2[8...11] = [0xFF, 0xFF, 0xFF, 0xFF]
        #expect(Self.isFormatError { _ = try NumPyArray.read(v2) })
        var v4 = Build.npy(descr: "<f4", shape: "(4,)", data: four)
        v4[6] = 4
        #expect(Self.isFormatError { _ = try NumPyArray.read(v4) })
    }

    @Test func npyDtypesConvert() throws {
        #expect(try NumPyArray.read(Build.npy(descr: ">i2", shape: "(2,)", data: [0xFF, 0xFE, 0x01, 0x00])).values == [-2, 256])
        #expect(try NumPyArray.read(Build.npy(descr: "|u1", shape: "(2,)", data: [7, 255])).values == [7, 255])
        #expect(try NumPyArray.read(Build.npy(descr: "|b1", shape: "(2,)", data: [1, 0])).values == [1, 0])
        #expect(try NumPyArray.read(Build.npy(descr: "<i8", shape: "(1,)", data: Build.u64(UInt64(bitPattern: -5)))).values == [-5])
        #expect(try NumPyArray.read(Build.npy(descr: "<f8", shape: "(1,)", data: Build.u64(1.5.bitPattern))).values == [1.5])
        #expect(try NumPyArray.read(Build.npy(descr: "<f2", shape: "(1,)", data: [0x00, 0x3C])).values == [1])
    }

    // MARK: IDX

    @Test func idxDimensionsAreValidated() throws {
        #expect(try IDXArray.read(Build.idx(type: 0x08, shape: [2, 2], data: [1, 2, 3, 4])).values == [1, 2, 3, 4])
        #expect(try IDXArray.read(Build.idx(type: 0x0B, shape: [1], data: [0xFF, 0xFE])).values == [-2])
        let empty = try IDXArray.read(Build.idx(type: 0x0D, shape: [0xFFFF_FFFF, 0], data: []))
        #expect(empty.count == 0)
        let bad: [[UInt8]] = [
            Build.idx(type: 0x08, shape: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], data: [1]),
            Build.idx(type: 0x0E, shape: [65_535, 65_535], data: [1, 2, 3]),
            Build.idx(type: 0x08, shape: [5], data: [1, 2]),
            Build.idx(type: 0x07, shape: [1], data: [1]),
            [0, 0, 0x08, 255, 0, 0, 0], [0, 0, 0x08], [1, 0, 0x08, 0],
        ]
        for b in bad { #expect(Self.isFormatError { _ = try IDXArray.read(b) }, "\(b.prefix(12))") }
    }

    @Test func gzippedIDXBombIsBounded() {
        let zeros = Streams.gzip(Streams.zeros(3_000_000_000), crc: 0, length: 0)
        #expect(Self.isFormatError { _ = try IDXArray.read(Inflate.inflate(zeros[...], gzip: true, limit: 8 << 20)) })
    }
}
