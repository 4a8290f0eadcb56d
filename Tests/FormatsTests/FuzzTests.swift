import Foundation
import Formats
import Tensor
import Testing

/// Deterministic fuzzing of every reader: a few thousand seeded mutants (Mutator) of real small
/// files each. A reader must return or throw a FormatError; a trap would end the test run.
@Suite struct FuzzTests {
    /// 5,000 by default; NETS_FUZZ_MUTANTS asks for a longer run by hand.
    static let mutants = Int(ProcessInfo.processInfo.environment["NETS_FUZZ_MUTANTS"] ?? "") ?? 5000

    /// Runs `read` on the mutants of `seeds`; any error but a FormatError is an issue.
    static func fuzz(_ seeds: [[UInt8]], seed: UInt64, _ read: ([UInt8]) throws -> Void) {
        var unexpected = 0
        Mutator.fuzz(seeds, count: mutants, seed: seed) { bytes in
            do { try read(bytes) } catch is FormatError {} catch {
                unexpected += 1
                if unexpected <= 3 { Issue.record("not a FormatError: \(error) for \(bytes.prefix(64))") }
            }
        }
        // The seeds themselves are readable.
        for s in seeds { #expect(throws: Never.self) { try read(s) } }
    }

    static let checkpoints = ["small_zip.pth", "small_legacy.pth"].map(CheckpointTests.bytes)

    static var generatedCheckpoints: [[UInt8]] {
        let views = [("a", 0, [2, 3], [3, 1]), ("b", 1, [2, 2], [1, 2]), ("c", 0, [6], [1])]
        let storage = Build.floats((0..<6).map(Float.init))
        let pickle = Build.Pickle.stateDict(views, storageCount: 6)
        return [Build.zipCheckpoint(pickle: pickle, storage: storage),
                Build.legacyCheckpoint(root: pickle, storages: [("0", 6, storage)])]
    }

    @Test func checkpoints() {
        Self.fuzz(Self.checkpoints + Self.generatedCheckpoints, seed: 1) { _ = try TorchCheckpoint.read($0, limit: 64 << 20) }
    }

    @Test func pickles() throws {
        let fromZip = try ZipArchive(Self.checkpoints[0])
        let pkl = try #require(fromZip.entries.first { $0.name.hasSuffix("data.pkl") })
        let views = [("a", 0, [2, 3], [3, 1]), ("b", 1, [2, 2], [1, 2])]
        var cyclic = Build.Pickle()
        cyclic.op(0x5D); cyclic.put(0); cyclic.get(0); cyclic.op(0x61); cyclic.op(0x7D); cyclic.put(1); cyclic.op(0x86); cyclic.stop()
        let seeds = [try fromZip.read(pkl), Build.Pickle.stateDict(views, storageCount: 6), cyclic.bytes]
        Self.fuzz(seeds, seed: 2) { bytes in
            let u = Unpickler(bytes)
            let root = try u.load()
            var visits = 0
            u.walk(root) { _ in visits += 1 }
        }
    }

    static var archives: [[UInt8]] {
        let text = Array("the quick brown fox jumps over the lazy dog\n".utf8)
        let zeros = [UInt8](repeating: 0, count: 5000)
        let members = [Build.Member("a.txt", text), Build.Member("dir/zeros", deflated: Streams.zeros(5000), size: 5000, crc: Streams.crc32(zeros)),
                       Build.Member("s", deflated: Streams.stored(text), size: text.count, crc: Streams.crc32(text))]
        return [Build.zip(members), Build.zip(members, zip64: true), checkpoints[0]]
    }

    @Test func zipArchives() {
        Self.fuzz(Self.archives, seed: 3) { bytes in
            let zip = try ZipArchive(bytes)
            for e in zip.entries { _ = try? zip.read(e, limit: 1 << 20) }
            if let e = zip.entries.first { _ = try zip.read(e.name, limit: 1 << 20) }
        }
    }

    @Test func gzipAndDeflate() {
        let csv = Array("x,y\n1,2\n3,4\n".utf8)
        let zeros = [UInt8](repeating: 0, count: 20_000)
        let seeds = [Streams.gzip(csv), Streams.gzip(Streams.zeros(20_000), crc: Streams.crc32(zeros), length: 20_000),
                     Streams.gzip(csv) + Streams.gzip(csv)]
        Self.fuzz(seeds, seed: 4) { bytes in
            _ = try Inflate.inflate(bytes[...], gzip: true, limit: 4 << 20)
        }
        Self.fuzz([Streams.zeros(20_000), Streams.stored(csv)], seed: 5) { _ = try Inflate.inflate($0[...], gzip: false, limit: 4 << 20) }
        Self.fuzz([Streams.zeros(20_000)], seed: 9) { _ = try Inflate.inflate($0[...], gzip: false, expected: 20_000) }
    }

    @Test func npy() {
        let seeds = [
            Build.npy(descr: "<f4", shape: "(2, 3)", data: Build.floats([1, 2, 3, 4, 5, 6])),
            Build.npy(descr: ">i2", shape: "(2,)", data: [0, 1, 0xFF, 0xFF]),
            Build.npy(descr: "|u1", shape: "()", data: [9]),
            Build.npy(header: "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }", data: Build.u64(2.5.bitPattern), major: 2),
        ]
        Self.fuzz(seeds, seed: 6) { _ = try NumPyArray.read($0) }
    }

    @Test func idx() {
        let seeds = [
            Build.idx(type: 0x08, shape: [2, 3], data: [1, 2, 3, 4, 5, 6]),
            Build.idx(type: 0x0D, shape: [2], data: Array(Build.floats([1, 2]).reversed())),
            Build.idx(type: 0x0E, shape: [1, 1, 1], data: Build.u64(1)),
        ]
        Self.fuzz(seeds, seed: 7) { _ = try IDXArray.read($0) }
        // Gzipped, as -ubyte.gz files are.
        Self.fuzz(seeds.map { Streams.gzip($0) }, seed: 8) { _ = try IDXArray.read(Inflate.inflate($0[...], gzip: true, limit: 1 << 20)) }
    }
}
