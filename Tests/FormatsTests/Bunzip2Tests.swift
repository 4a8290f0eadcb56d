@testable import Formats
import Testing

/// bzip2 through libbz2: Python's bz2.compress(b"nets reads bzip2\\n" * 3), two streams in a
/// row, a damaged copy, and the size limit.
@Suite struct Bunzip2Tests {
    static let compressed: [UInt8] = [66, 90, 104, 57, 49, 65, 89, 38, 83, 89, 39, 174, 5, 169, 0, 0, 16, 89, 128, 0, 16, 64, 0, 16, 0, 54, 33, 92, 16, 32, 0, 35, 63, 245, 84, 15, 73, 234, 120, 132, 0, 0, 233, 92, 63, 124, 245, 10, 83, 18, 180, 45, 137, 99, 98, 238, 72, 167, 10, 18, 4, 245, 192, 181, 32]
    static let text = Array(String(repeating: "nets reads bzip2\n", count: 3).utf8)

    @Test func decompresses() throws {
        #expect(try Bunzip2.decompress(Bunzip2Tests.compressed[...]) == Bunzip2Tests.text)
        #expect(try Bunzip2.decompress((Bunzip2Tests.compressed + Bunzip2Tests.compressed)[...]) == Bunzip2Tests.text + Bunzip2Tests.text)
    }

    @Test func refusesDamagedCutAndOversizedData() {
        var damaged = Bunzip2Tests.compressed
        damaged[damaged.count / 2] ^= 0xFF
        #expect(throws: FormatError.self) { try Bunzip2.decompress(damaged[...]) }
        #expect(throws: FormatError.self) { try Bunzip2.decompress(Bunzip2Tests.compressed.dropLast(8)) }
        #expect(throws: FormatError.self) { try Bunzip2.decompress(Bunzip2Tests.compressed[...], limit: 10) }
        #expect(throws: FormatError.self) { try Bunzip2.decompress([0x1F, 0x8B, 0, 0][...]) }
    }
}
