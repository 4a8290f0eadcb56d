/// Geometric and color operations on images.
extension Image {
    /// The image scaled to `width` x `height`: each output pixel averages the input area it
    /// covers when shrinking, and is interpolated bilinearly when growing.
    public func resized(width w: Int, height h: Int) throws -> Image {
        guard w > 0, h > 0, w <= 1 << 15, h <= 1 << 15 else { throw ImagingError("cannot resize to \(w)x\(h)") }
        if w == width && h == height { return self }
        let ch = channels
        // Separable: rows first, then columns.
        let across = Image.weights(from: width, to: w)
        var rows = [Float](repeating: 0, count: height * w * ch)
        for y in 0..<height {
            for (j, taps) in across.enumerated() {
                for c in 0..<ch {
                    var acc: Float = 0
                    for (i, wt) in taps { acc += wt * pixels[(y * width + i) * ch + c] }
                    rows[(y * w + j) * ch + c] = acc
                }
            }
        }
        let down = Image.weights(from: height, to: h)
        var out = [Float](repeating: 0, count: h * w * ch)
        for (j, taps) in down.enumerated() {
            for (i, wt) in taps {
                let src = i * w * ch, dst = j * w * ch
                for k in 0..<(w * ch) { out[dst + k] += wt * rows[src + k] }
            }
        }
        return try Image(width: w, height: h, channels: ch, pixels: out)
    }

    /// For each output position, the input positions and weights that make it.
    static func weights(from n: Int, to m: Int) -> [[(Int, Float)]] {
        let scale = Double(n) / Double(m)
        return (0..<m).map { j in
            if m < n {
                // Area average over [j * scale, (j + 1) * scale).
                let lo = Double(j) * scale, hi = Double(j + 1) * scale
                var taps: [(Int, Float)] = []
                var i = Int(lo)
                while Double(i) < hi && i < n {
                    let overlap = Swift.min(hi, Double(i + 1)) - Swift.max(lo, Double(i))
                    if overlap > 0 { taps.append((i, Float(overlap / scale))) }
                    i += 1
                }
                return taps
            }
            // Bilinear, pixel centres aligned.
            let x = Swift.max(0, Swift.min(Double(n - 1), (Double(j) + 0.5) * scale - 0.5))
            let i0 = Int(x), i1 = Swift.min(i0 + 1, n - 1)
            let f = Float(x - Double(i0))
            return i0 == i1 ? [(i0, Float(1))] : [(i0, 1 - f), (i1, f)]
        }
    }

    /// The part of the image from column `x` and row `y` (top-left origin), `w` x `h` pixels;
    /// the rectangle is clipped to the image.
    public func cropped(x: Int, y: Int, width w: Int, height h: Int) throws -> Image {
        let x0 = Swift.max(0, x), y0 = Swift.max(0, y)
        let x1 = Swift.min(width, x + w), y1 = Swift.min(height, y + h)
        guard x1 > x0, y1 > y0 else { throw ImagingError("the crop \(w)x\(h) at (\(x), \(y)) lies outside a \(width)x\(height) image") }
        var out: [Float] = []
        out.reserveCapacity((x1 - x0) * (y1 - y0) * channels)
        for row in y0..<y1 {
            out.append(contentsOf: pixels[((row * width + x0) * channels)..<((row * width + x1) * channels)])
        }
        return try Image(width: x1 - x0, height: y1 - y0, channels: channels, pixels: out)
    }

    /// The image with margins of a constant value added (negative margins crop).
    public func padded(left: Int, right: Int, top: Int, bottom: Int, value: Float = 0) throws -> Image {
        let w = width + left + right, h = height + top + bottom
        guard w > 0, h > 0, w <= 1 << 15, h <= 1 << 15 else { throw ImagingError("padding gives an empty or huge image") }
        var out = [Float](repeating: value, count: w * h * channels)
        for y in 0..<height where y + top >= 0 && y + top < h {
            for x in 0..<width where x + left >= 0 && x + left < w {
                for c in 0..<channels { out[((y + top) * w + x + left) * channels + c] = sample(x, y, c) }
            }
        }
        return try Image(width: w, height: h, channels: channels, pixels: out)
    }

    /// The image in another color space; alpha is dropped. Gray from RGB uses the Rec. 601 luma
    /// weights, as the Wolfram Language does.
    public func converted(to space: ColorSpace) throws -> Image {
        let n = width * height
        switch space {
        case .grayscale:
            if channels == 1 { return self }
            var out = [Float](repeating: 0, count: n)
            for p in 0..<n {
                let base = p * channels
                out[p] = channels >= 3 ? 0.299 * pixels[base] + 0.587 * pixels[base + 1] + 0.114 * pixels[base + 2] : pixels[base]
            }
            return try Image(width: width, height: height, channels: 1, pixels: out)
        case .rgb:
            if channels == 3 { return self }
            var out = [Float](repeating: 0, count: n * 3)
            for p in 0..<n {
                for c in 0..<3 { out[p * 3 + c] = pixels[p * channels + (channels >= 3 ? c : 0)] }
            }
            return try Image(width: width, height: height, channels: 3, pixels: out)
        }
    }

    /// The largest centred part with the aspect ratio of `w` x `h`.
    public func centerCropped(aspect w: Int, _ h: Int) throws -> Image {
        let target = Double(w) / Double(h), own = Double(width) / Double(height)
        if abs(target - own) < 1e-9 { return self }
        if own > target {
            let cw = Swift.max(1, Int((Double(height) * target).rounded()))
            return try cropped(x: (width - cw) / 2, y: 0, width: cw, height: height)
        }
        let ch = Swift.max(1, Int((Double(width) / target).rounded()))
        return try cropped(x: 0, y: (height - ch) / 2, width: width, height: ch)
    }

    /// The image rotated or mirrored as an EXIF orientation tag (1-8) says, so it displays upright.
    public func orientedUpright(exif orientation: Int) throws -> Image {
        guard (2...8).contains(orientation) else { return self }
        let transposed = orientation >= 5
        let w = transposed ? height : width, h = transposed ? width : height
        var out = [Float](repeating: 0, count: pixels.count)
        for y in 0..<h {
            for x in 0..<w {
                // Source coordinates of output (x, y) for each orientation.
                let (sx, sy): (Int, Int)
                switch orientation {
                case 2: (sx, sy) = (width - 1 - x, y)
                case 3: (sx, sy) = (width - 1 - x, height - 1 - y)
                case 4: (sx, sy) = (x, height - 1 - y)
                case 5: (sx, sy) = (y, x)
                case 6: (sx, sy) = (y, height - 1 - x)
                case 7: (sx, sy) = (width - 1 - y, height - 1 - x)
                default: (sx, sy) = (width - 1 - y, x)
                }
                for c in 0..<channels { out[(y * w + x) * channels + c] = sample(sx, sy, c) }
            }
        }
        return try Image(width: w, height: h, channels: channels, pixels: out)
    }
}
