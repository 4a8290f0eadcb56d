import Foundation
import Imaging
import Testing

/// PNGs written by the tests: chunks with their CRCs, image data in zlib streams.
enum PNGFile {
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return Streams.bigEndian32(UInt32(data.count)) + body + Streams.bigEndian32(Streams.crc32(body))
    }

    static func header(width: Int, height: Int, depth: UInt8 = 8, color: UInt8 = 2, interlace: UInt8 = 0) -> [UInt8] {
        chunk("IHDR", Streams.bigEndian32(UInt32(truncatingIfNeeded: width)) + Streams.bigEndian32(UInt32(truncatingIfNeeded: height))
              + [depth, color, 0, 0, interlace])
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A PNG of these chunks between the header and IEND.
    static func file(_ header: [UInt8], _ chunks: [[UInt8]]) -> [UInt8] {
        signature + header + chunks.joined() + chunk("IEND", [])
    }

    /// `bytes` with every whole chunk's CRC recomputed, so that mutants get past libpng's
    /// checksums to the decoder.
    static func fixingCRCs(_ bytes: [UInt8]) -> [UInt8] {
        var b = bytes
        var i = 8
        while i + 12 <= b.count {
            let length = b[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) }
            guard length <= b.count - i - 12 else { break }
            let crc = Streams.bigEndian32(Streams.crc32(Array(b[(i + 4)..<(i + 8 + length)])))
            b.replaceSubrange((i + 8 + length)..<(i + 12 + length), with: crc)
            i += 12 + length
        }
        return b
    }

    /// An all-zero 8-bit image: `height` rows of a filter byte and `width` x `channels` zeros,
    /// at deflate's best ratio.
    static func zeros(width: Int, height: Int, color: UInt8 = 2, channels: Int = 3) -> [UInt8] {
        let n = height * (1 + width * channels)
        return file(header(width: width, height: height, color: color), [chunk("IDAT", Streams.zlib(Streams.zeros(n), adler: Streams.adler32Zeros(n)))])
    }

    /// An 8-bit image from its rows (each with its filter byte), stored uncompressed.
    static func rows(_ data: [UInt8], width: Int, height: Int, depth: UInt8 = 8, color: UInt8, extra: [[UInt8]] = [], interlace: UInt8 = 0) -> [UInt8] {
        file(header(width: width, height: height, depth: depth, color: color, interlace: interlace),
             extra + [chunk("IDAT", Streams.zlib(Streams.stored(data), adler: Streams.adler32(data)))])
    }
}

/// Hostile and damaged images: an ImagingError, never a trap, a hang or a huge allocation.
@Suite struct HostileImageTests {
    static func isImagingError(_ body: () throws -> Void) -> Bool {
        do { try body(); return false } catch is ImagingError { return true } catch { return false }
    }

    /// Why decoding `bytes` was refused, or nil if it decoded or failed otherwise.
    static func refusal(_ bytes: [UInt8]) -> String? {
        do { _ = try Image.decode(bytes); return nil } catch let e as ImagingError { return e.description } catch { return nil }
    }

    @Test func writtenPNGsDecode() throws {
        for file in ["rgb.png", "gray.png", "rgba.png"] { #expect(PNGFile.fixingCRCs(ImageFixture.bytes(file)) == ImageFixture.bytes(file)) }
        let gray = try Image.decode(PNGFile.zeros(width: 64, height: 32, color: 0, channels: 1))
        #expect(gray.width == 64 && gray.height == 32 && gray.channels == 1 && gray.pixels.allSatisfy { $0 == 0 })
        // A palette with transparency, and 16-bit RGB.
        let palette = PNGFile.rows([0, 0, 1], width: 2, height: 1, color: 3,
                                   extra: [PNGFile.chunk("PLTE", [255, 0, 0, 0, 0, 255]), PNGFile.chunk("tRNS", [128])])
        let p = try Image.decode(palette)
        #expect(p.channels == 4 && p.bytes == [255, 0, 0, 128, 0, 0, 255, 255])
        let deep = try Image.decode(PNGFile.rows([0, 0x12, 0x34, 0xAB, 0xCD, 0xFF, 0xFF], width: 1, height: 1, depth: 16, color: 2))
        #expect(deep.bytes == [0x12, 0xAB, 0xFF])
    }

    /// 16384 x 16384 RGB of zeros: under 1 MB of file, 805 MB of samples, 3.2 GB as Float32.
    @Test func allZeroPNGOf16384SquaredIsRefusedFromItsHeader() {
        let bomb = PNGFile.zeros(width: 16384, height: 16384)
        #expect(bomb.count < 1 << 20)
        let start = Date()
        #expect(throws: ImagingError.self) { try Image.decode(bomb) }
        #expect(Date().timeIntervalSince(start) < 5)
        // Sides past what libpng is allowed to read.
        for (w, h) in [(Int(Int32.max), 1), (1, 1 << 30), (0, 5)] {
            #expect(Self.isImagingError { _ = try Image.decode(PNGFile.file(PNGFile.header(width: w, height: h), [])) }, "\(w)x\(h)")
        }
    }

    @Test func decodeBudgetCountsTheFloatCopies() throws {
        let png = PNGFile.zeros(width: 1024, height: 1024)
        #expect(try Image.decode(png).width == 1024)
        // 3 Mi samples x (1 byte decoded + 4 bytes Float32) = 15 MiB.
        #expect(throws: ImagingError.self) { try Image.decode(png, budget: 15 << 20 - 1) }
        #expect(try Image.decode(png, budget: 15 << 20).height == 1024)
        let jpeg = ImageFixture.bytes("photo.jpg")
        #expect(throws: ImagingError.self) { try Image.decode(jpeg, budget: 1000) }
        #expect(Image.defaultDecodeBudget == 1 << 30)
    }

    /// The JPEG's size in its start-of-frame marker set to `width` x `height`.
    static func jpeg(_ bytes: [UInt8], width: Int, height: Int) -> [UInt8] {
        var b = bytes
        var i = 2
        while i + 9 < b.count, b[i] == 0xFF {
            let marker = b[i + 1], length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            if (0xC0...0xC2).contains(marker) {
                b[i + 5] = UInt8(height >> 8); b[i + 6] = UInt8(height & 0xFF)
                b[i + 7] = UInt8(width >> 8); b[i + 8] = UInt8(width & 0xFF)
                return b
            }
            i += 2 + length
        }
        return b
    }

    @Test func jpegClaiming16384SquaredIsRefusedFromItsHeader() {
        let claimed = Self.jpeg(ImageFixture.bytes("photo.jpg"), width: 16384, height: 16384)
        #expect(claimed != ImageFixture.bytes("photo.jpg"))
        let start = Date()
        #expect(Self.refusal(claimed)?.contains("budget") == true)
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(Self.isImagingError { _ = try Image.decode(Self.jpeg(ImageFixture.bytes("photo.jpg"), width: 65535, height: 65535)) })
        #expect(Self.isImagingError { _ = try Image.decode(Self.jpeg(ImageFixture.bytes("photo.jpg"), width: 0, height: 10)) })
    }

    /// A JPEG with its last scan (from its SOS marker to the EOI) repeated `times` more times.
    static func repeatingLastScan(_ b: [UInt8], times: Int) -> [UInt8] {
        guard let sos = (0..<(b.count - 1)).last(where: { b[$0] == 0xFF && b[$0 + 1] == 0xDA }) else { return b }
        let end = b.count - 2
        return Array(b[..<end]) + Array(repeating: Array(b[sos..<end]), count: times).joined() + [0xFF, 0xD9]
    }

    @Test func progressiveJPEGScansAreLimited() throws {
        let photo = try Image.decode(ImageFixture.bytes("photo.jpg"))
        let progressive = try photo.encoded(as: .jpeg, quality: 95, progressive: true)
        #expect(try Image.decode(progressive).width == photo.width)
        // Repeated refinement scans are bogus but readable, up to 1000 scans in all.
        #expect(try Image.decode(Self.repeatingLastScan(progressive, times: 900)).width == photo.width)
        let start = Date()
        #expect(Self.refusal(Self.repeatingLastScan(progressive, times: 5000))?.contains("scans") == true)
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test(arguments: ["rgb.png", "gray.png", "rgba.png", "photo.jpg", "sideways.jpg"])
    func everyTruncationThrows(file: String) {
        let bytes = ImageFixture.bytes(file)
        // PNGs may lose their IEND chunk (12 bytes) and still hold the whole image; Pillow reads those too.
        let keep = file.hasSuffix(".png") ? bytes.count - 12 : bytes.count
        for n in 0..<keep {
            #expect(Self.isImagingError { _ = try Image.decode(Array(bytes.prefix(n))) }, "\(file) cut at \(n)")
        }
    }

    @Test func damagedChunksThrow() {
        var crc = ImageFixture.bytes("rgb.png")
        crc[29] ^= 0xFF  // the IHDR's CRC
        #expect(throws: ImagingError.self) { try Image.decode(crc) }
        let noData = PNGFile.file(PNGFile.header(width: 4, height: 4), [])
        #expect(throws: ImagingError.self) { try Image.decode(noData) }
        let shortData = PNGFile.rows([0, 1, 2, 3], width: 4, height: 4, color: 2)
        #expect(throws: ImagingError.self) { try Image.decode(shortData) }
    }

    @Test func compressedTextBombIsCapped() {
        // A zTXt chunk inflating to 64 MB beside a 1x1 image: libpng drops it past its cap.
        let n = 64 << 20
        let text = PNGFile.chunk("zTXt", Array("Comment".utf8) + [0, 0] + Streams.zlib(Streams.zeros(n), adler: Streams.adler32Zeros(n)))
        let png = PNGFile.rows([0, 1, 2, 3], width: 1, height: 1, color: 2, extra: [text])
        let start = Date()
        _ = try? Image.decode(png)
        #expect(Date().timeIntervalSince(start) < 5)
    }

    /// Seeded mutants of each fixture and a few written PNGs; every decode returns or throws an
    /// ImagingError.
    @Test func fuzz() {
        let mutants = Int(ProcessInfo.processInfo.environment["NETS_FUZZ_MUTANTS"] ?? "") ?? 5000
        let palette = PNGFile.rows([0, 0, 1, 1, 0], width: 4, height: 1, depth: 2, color: 3,
                                   extra: [PNGFile.chunk("PLTE", [255, 0, 0, 0, 0, 255]), PNGFile.chunk("tRNS", [128])])
        let interlaced = PNGFile.rows([UInt8](repeating: 0, count: 60), width: 3, height: 3, color: 2, interlace: 1)
        let pngs = ["rgb.png", "gray.png", "rgba.png"].map(ImageFixture.bytes) + [palette, interlaced, PNGFile.zeros(width: 40, height: 30)]
        let photo = ImageFixture.bytes("photo.jpg")
        let progressive = (try? Image.decode(photo).encoded(as: .jpeg, progressive: true)) ?? []
        let jpegs = [photo, ImageFixture.bytes("sideways.jpg"), progressive]
        let cases: [([[UInt8]], UInt64, ([UInt8]) -> [UInt8])] = [(pngs, 11, { $0 }), (pngs, 13, PNGFile.fixingCRCs), (jpegs, 12, { $0 })]
        for (seeds, seed, fix) in cases {
            var unexpected = 0
            Mutator.fuzz(seeds, count: mutants, seed: seed) { bytes in
                do { _ = try Image.decode(fix(bytes), budget: 8 << 20) } catch is ImagingError {} catch {
                    unexpected += 1
                    if unexpected <= 3 { Issue.record("not an ImagingError: \(error)") }
                }
            }
        }
    }
}
