/// Pixels as DEC sixel graphics, for terminals that draw them inline (xterm with a VT340
/// terminal type, foot, mlterm, WezTerm, Windows Terminal, Konsole...): colours reduced to a
/// 6x7x6 cube of 252 registers, the picture cut into bands six pixels high, each band one run-
/// length-encoded row of sixels per colour it uses.
enum Sixel {
    /// The largest side drawn; larger pictures are sampled down to fit.
    static let maxSide = 2000

    /// The escape sequence that draws `bytes` (rows of `channels` 1 to 4 bytes a pixel, gray,
    /// gray and alpha, RGB or RGBA; alpha blended over white).
    static func encode(width: Int, height: Int, channels: Int, bytes: [UInt8]) -> String? {
        guard width > 0, height > 0, (1...4).contains(channels), bytes.count >= width * height * channels else { return nil }
        // Sampling step that brings the picture within maxSide.
        let step = Swift.max(1, (Swift.max(width, height) + maxSide - 1) / maxSide)
        let w = width / step, h = height / step
        guard w > 0, h > 0 else { return nil }
        var index = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                let o = ((y * step) * width + x * step) * channels
                var r, g, b: Double
                if channels <= 2 { r = Double(bytes[o]); g = r; b = r } else { r = Double(bytes[o]); g = Double(bytes[o + 1]); b = Double(bytes[o + 2]) }
                if channels == 2 || channels == 4 {
                    let a = Double(bytes[o + channels - 1]) / 255
                    r = r * a + 255 * (1 - a); g = g * a + 255 * (1 - a); b = b * a + 255 * (1 - a)
                }
                let ri = Int((r / 255 * 5).rounded()), gi = Int((g / 255 * 6).rounded()), bi = Int((b / 255 * 5).rounded())
                index[y * w + x] = UInt8(ri * 42 + gi * 6 + bi)
            }
        }
        var out = "\u{1B}Pq\"1;1;\(w);\(h)"
        for ri in 0...5 {
            for gi in 0...6 {
                for bi in 0...5 {
                    out += "#\(ri * 42 + gi * 6 + bi);2;\(ri * 20);\((gi * 100 + 3) / 6);\(bi * 20)"
                }
            }
        }
        var band = 0
        while band < h {
            let rows = Swift.min(6, h - band)
            var used = Set<UInt8>()
            for y in band..<(band + rows) { for x in 0..<w { used.insert(index[y * w + x]) } }
            for (k, color) in used.sorted().enumerated() {
                if k > 0 { out += "$" }
                out += "#\(color)"
                var run = 0, last: UInt8 = 0
                func flush() {
                    guard run > 0 else { return }
                    let c = String(UnicodeScalar(63 + last))
                    out += run > 3 ? "!\(run)" + c : String(repeating: c, count: run)
                }
                for x in 0..<w {
                    var bits: UInt8 = 0
                    for dy in 0..<rows where index[(band + dy) * w + x] == color { bits |= 1 << dy }
                    if bits == last { run += 1 } else { flush(); last = bits; run = 1 }
                }
                flush()
            }
            out += "-"
            band += 6
        }
        return out + "\u{1B}\\"
    }
}
