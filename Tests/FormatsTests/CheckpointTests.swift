import Foundation
import Formats
import Tensor
import Testing

/// nets' own PyTorch checkpoint reader against checkpoints torch.save wrote
/// (Fixtures/make_checkpoint_fixtures.py), and hostile pickles it must refuse.
@Suite struct CheckpointTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func bytes(_ name: String) -> [UInt8] { [UInt8]((try? Data(contentsOf: folder.appendingPathComponent(name))) ?? Data()) }

    @Test(arguments: ["small_zip.pth", "small_legacy.pth"])
    func readsBothFormats(_ file: String) throws {
        let expected = (try? JSONSerialization.jsonObject(with: Data(contentsOf: Self.folder.appendingPathComponent("checkpoints.json")))) as? [String: [String: Any]] ?? [:]
        let entries = try TorchCheckpoint.read(Self.bytes(file))
        #expect(entries.map(\.name) == ["layer.weight", "layer.bias", "bn.running_var", "bn.num_batches_tracked", "half", "transposed"])
        for (name, t) in entries {
            let e = expected[name] ?? [:]
            #expect(t.shape == (e["shape"] as? [Int] ?? [-1]), "\(name)")
            let values = (e["values"] as? [Double] ?? []).map(Float.init)
            #expect(t.values == values, "\(name)")
        }
    }

    /// A pickle that calls os.system, one with an opcode no state dict uses (INST), and one
    /// that builds an unexpected class through STACK_GLOBAL.
    @Test(arguments: [
        Array("\u{80}\u{02}cos\nsystem\nX\u{04}\u{00}\u{00}\u{00}echo\u{85}R.".utf8),
        Array("\u{80}\u{02}(ios\nsystem\nX\u{02}\u{00}\u{00}\u{00}ls.".utf8),
        Array("\u{80}\u{04}\u{8C}\u{08}builtins\u{8C}\u{04}eval\u{93}.".utf8),
    ])
    func refusesCode(_ pickle: [UInt8]) {
        #expect(throws: FormatError.self) { _ = try Unpickler(pickle).load() }
    }

    @Test func refusesCodeInsideACheckpointZip() throws {
        // The zip checkpoint with its data.pkl replaced by a pickle naming subprocess.Popen.
        let evil = Array("\u{80}\u{02}csubprocess\nPopen\n)R.".utf8)
        #expect(throws: FormatError.self) { _ = try TorchCheckpoint.read([0x80, 0x02, 0x8A, 0x01, 0x00, 0x2E] + evil) }
    }

    @Test func damagedCheckpointsThrow() {
        let good = Self.bytes("small_legacy.pth")
        #expect(throws: FormatError.self) { _ = try TorchCheckpoint.read(Array(good.prefix(good.count / 2))) }
        var state: UInt64 = 3
        for _ in 0..<300 {
            var copy = Self.bytes(state % 2 == 0 ? "small_zip.pth" : "small_legacy.pth")
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let i = Int(state >> 33) % copy.count
            copy[i] = UInt8(truncatingIfNeeded: state >> 7)
            _ = try? TorchCheckpoint.read(copy)
        }
    }
}
