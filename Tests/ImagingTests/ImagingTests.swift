import Foundation
import Imaging
import Testing

/// Images and Pillow's decodings of them (Fixtures/make_image_fixtures.py).
enum ImageFixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    nonisolated(unsafe) static let root: [String: Any] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("images.json")),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return json
    }()

    static func bytes(_ file: String) -> [UInt8] {
        [UInt8]((try? Data(contentsOf: folder.appendingPathComponent(file))) ?? Data())
    }

    static func reference(_ name: String) -> (width: Int, height: Int, values: [Float]) {
        let r = root[name] as? [String: Any] ?? [:]
        return (r["width"] as? Int ?? 0, r["height"] as? Int ?? 0, (r["values"] as? [Double] ?? []).map(Float.init))
    }
}

func matches(_ image: Image, _ name: String, tolerance: Float) -> Bool {
    let r = ImageFixture.reference(name)
    guard image.width == r.width, image.height == r.height, image.pixels.count == r.values.count else { return false }
    return zip(image.pixels, r.values).allSatisfy { abs($0 - $1) <= tolerance }
}

@Suite struct ImagingTests {
    @Test(arguments: [("rgb.png", "rgb", 3), ("gray.png", "gray", 1), ("rgba.png", "rgba", 4)])
    func decodesPNG(file: String, name: String, channels: Int) throws {
        let image = try Image.decode(ImageFixture.bytes(file))
        #expect(image.channels == channels)
        #expect(matches(image, name, tolerance: 1e-6))
    }

    @Test func decodesJPEGLikePillow() throws {
        let image = try Image.decode(ImageFixture.bytes("photo.jpg"))
        #expect(image.channels == 3)
        #expect(matches(image, "photo", tolerance: 2.0 / 255))
    }

    @Test func appliesEXIFOrientation() throws {
        let image = try Image.decode(ImageFixture.bytes("sideways.jpg"))
        #expect(image.width == 32 && image.height == 24)
        #expect(matches(image, "upright", tolerance: 2.0 / 255))
    }

    @Test func pngRoundTripIsExact() throws {
        let image = try Image.decode(ImageFixture.bytes("rgba.png"))
        #expect(try Image.decode(image.encoded(as: .png)) == image)
    }

    @Test func jpegRoundTripIsClose() throws {
        let image = try Image.decode(ImageFixture.bytes("photo.jpg"))
        let again = try Image.decode(image.encoded(as: .jpeg, quality: 98))
        #expect(zip(again.pixels, image.pixels).allSatisfy { abs($0 - $1) < 0.05 })
    }

    @Test func shrinkingAveragesAreas() throws {
        let image = try Image.decode(ImageFixture.bytes("rgb.png"))
        #expect(matches(try image.resized(width: 3, height: 2), "rgb_shrunk", tolerance: 1.0 / 255))
    }

    @Test func growingInterpolates() throws {
        let image = try Image.decode(ImageFixture.bytes("rgb.png"))
        #expect(matches(try image.resized(width: 11, height: 9), "rgb_grown", tolerance: 1.0 / 255))
    }

    @Test(arguments: ["truncated.png", "missing.png"])
    func damagedFilesThrow(file: String) {
        #expect(throws: ImagingError.self) { try Image.decode(ImageFixture.bytes(file)) }
    }

    @Test func randomBytesNeverTrap() {
        var bytes = ImageFixture.bytes("photo.jpg")
        var state: UInt64 = 1129
        for _ in 0..<200 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let i = Int(state >> 33) % bytes.count
            bytes[i] = UInt8(truncatingIfNeeded: state >> 13)
            _ = try? Image.decode(bytes)
            _ = try? Image.decode(Array(bytes.prefix(i)))
        }
    }

    @Test func cropPadConvert() throws {
        let image = try Image.decode(ImageFixture.bytes("rgb.png"))
        let crop = try image.cropped(x: 1, y: 1, width: 3, height: 2)
        #expect(crop.width == 3 && crop.height == 2)
        #expect(crop.pixels[0] == image.pixels[(1 * 7 + 1) * 3])
        let padded = try image.padded(left: 2, right: 1, top: 0, bottom: 3)
        #expect(padded.width == 10 && padded.height == 8 && padded.pixels[0] == 0)
        let gray = try image.converted(to: .grayscale)
        let p = image.pixels
        #expect(abs(gray.pixels[0] - (0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2])) < 1e-6)
        #expect(throws: ImagingError.self) { try image.cropped(x: 9, y: 0, width: 2, height: 2) }
    }
}
