import CoreKernel
import Foundation
import Imaging
import Language
import Tensor

/// An image from `Image[...]` data: a matrix (gray) or a height x width x channels array.
func imageFromArray(_ e: Expr) throws -> Image {
    guard let t = e.asTensor else { throw ImagingError("the data is not a rectangular array of numbers") }
    switch t.rank {
    case 2: return try Image(width: t.shape[1], height: t.shape[0], channels: 1, pixels: t.values)
    case 3: return try Image(width: t.shape[1], height: t.shape[0], channels: t.shape[2], pixels: t.values)
    default: throw ImagingError("image data must be a matrix or a height x width x channels array, not of rank \(t.rank)")
    }
}

/// `{w, h}`, `w` (height by aspect ratio) or `{w, Automatic}` / `{Automatic, h}`.
private func targetSize(_ e: Expr, _ im: Image) throws -> (Int, Int) {
    func scaled(_ w: Int?, _ h: Int?) throws -> (Int, Int) {
        switch (w, h) {
        case let (w?, h?): return (w, h)
        case let (w?, nil): return (w, Swift.max(1, Int((Double(w) * Double(im.height) / Double(im.width)).rounded())))
        case let (nil, h?): return (Swift.max(1, Int((Double(h) * Double(im.width) / Double(im.height)).rounded())), h)
        default: throw ImagingError("no size given")
        }
    }
    if let w = e.intValue { return try scaled(w, nil) }
    if let xs = e.listItems, xs.count == 2 { return try scaled(xs[0].intValue, xs[1].intValue) }
    throw ImagingError("\(InputForm.string(e)) is not a size: give a width, {width, height} or {width, Automatic}")
}

private func image(_ c: Call, _ i: Int = 0) throws -> Image {
    guard i < c.count, let im = c[i].asImage else { throw ImagingError("an image is expected at position \(i + 1)") }
    return im
}

extension Kernel {
    static var imageBuiltins: [Builtin] {
        [
            Builtin("Image", [], usage: "Image[data] makes an image from a matrix of gray levels or a height x width x channels array of values in 0..1. Example: Image[{{0, 1}, {1, 0}}] is a 2x2 grayscale image.", arity: .atLeast(1), examples: [("Image[{{0, 1}, {1, 0}}]", "-Image- (2x2 Grayscale)")]) { c in
                if GraphicsReader.isGraphics(c[0]) { return netOperation(c) { .image(try GraphicsImages.image(c[0])) } }
                if c[0].asImage != nil { return c[0] }
                return netOperation(c) { .image(try imageFromArray(c[0])) }
            },
            Builtin("ImageData", [], usage: "ImageData[image] gives the pixel values: a height x width x channels array (a matrix for gray images), values 0..1. Example: ImageData[Image[{{0, 1}, {1, 0}}]] gives {{0., 1.}, {1., 0.}}.", arity: .atLeast(1), examples: [("ImageData[Image[{{0, 1}, {1, 0}}]]", "{{0., 1.}, {1., 0.}}")]) { c in
                return netOperation(c) {
                    let im = try image(c)
                    let shape = im.channels == 1 ? [im.height, im.width] : [im.height, im.width, im.channels]
                    return try exprFromTensor(try Tensor(shape: shape, values: im.pixels), c)
                }
            },
            Builtin("ImageDimensions", [], usage: "ImageDimensions[image] gives {width, height}. Example: ImageDimensions[Image[ConstantArray[0, {3, 5}]]] gives {5, 3}.", arity: .exactly(1), examples: [("ImageDimensions[Image[ConstantArray[0, {3, 5}]]]", "{5, 3}")]) { c in
                return netOperation(c) { let im = try image(c); return .ints([im.width, im.height]) }
            },
            Builtin("ImageChannels", [], usage: "ImageChannels[image] gives the number of channels. Example: ImageChannels[Image[ConstantArray[0, {3, 5, 3}]]] gives 3.", arity: .exactly(1), examples: [("ImageChannels[Image[ConstantArray[0, {3, 5, 3}]]]", "3")]) { c in
                return netOperation(c) { .integer(try image(c).channels) }
            },
            Builtin("ImageColorSpace", [], usage: "ImageColorSpace[image] gives \"Grayscale\" or \"RGB\". Example: ImageColorSpace[Image[ConstantArray[0, {3, 5, 3}]]] gives \"RGB\".", arity: .exactly(1), examples: [("ImageColorSpace[Image[ConstantArray[0, {3, 5, 3}]]]", "RGB")]) { c in
                return netOperation(c) { .string(try image(c).colorSpace.rawValue) }
            },
            Builtin("ImageResize", [], usage: "ImageResize[image, w] scales to width w keeping the aspect ratio; ImageResize[image, {w, h}] to w x h. Shrinking averages areas, growing interpolates. Example: ImageResize[img, 2] of a 4x4 image is 2x2.", arity: .exactly(2), examples: [("ImageDimensions[ImageResize[Image[ConstantArray[0, {4, 4}]], 2]]", "{2, 2}")]) { c in
                return netOperation(c) {
                    let im = try image(c)
                    let (w, h) = try targetSize(c[1], im)
                    // A big resize takes seconds: on a thread of its own, so Ctrl-C returns at once.
                    return .image(try awaitingInterrupt(c) { try im.resized(width: w, height: h) })
                }
            },
            Builtin("ImageCrop", [], usage: "ImageCrop[image, {w, h}] crops to w x h about the centre; ImageCrop[image, w] to a width. Example: ImageCrop[img, {2, 2}] keeps the central 2x2 pixels.", arity: .exactly(2), examples: [("ImageDimensions[ImageCrop[Image[ConstantArray[0, {4, 6}]], {2, 2}]]", "{2, 2}")]) { c in
                return netOperation(c) {
                    let im = try image(c)
                    var (w, h) = try targetSize(c[1], im)
                    if c[1].intValue != nil { h = im.height }
                    w = Swift.min(w, im.width)
                    h = Swift.min(h, im.height)
                    return .image(try im.cropped(x: (im.width - w) / 2, y: (im.height - h) / 2, width: w, height: h))
                }
            },
            Builtin("ImageTake", [], usage: "ImageTake[image, n] gives the first n rows (-n: the last n); ImageTake[image, {r1, r2}] rows r1 through r2 (negative counting from the end); ImageTake[image, rows, cols] also columns. Example: ImageData[ImageTake[Image[{{0, 1}, {1, 0}}], 1]] gives {{0., 1.}}.",
                    arity: .between(2, 3), examples: [("ImageData[ImageTake[Image[{{0, 1}, {1, 0}}], 1]]", "{{0., 1.}}")]) { c in
                return netOperation(c) {
                    let im = try image(c)
                    /// (first, count) of the rows or columns a spec names, within n.
                    func span(_ e: Expr, _ n: Int) throws -> (Int, Int) {
                        if let k = e.intValue { return k >= 0 ? (0, Swift.min(k, n)) : (Swift.max(n + k, 0), Swift.min(-k, n)) }
                        guard let xs = e.listItems, xs.count == 2, var a = xs[0].intValue, var b = xs[1].intValue else {
                            throw ImagingError("\(InputForm.string(e)) is not a count n or a range {first, last}")
                        }
                        if a < 0 { a += n + 1 }
                        if b < 0 { b += n + 1 }
                        guard a >= 1, b >= a, a <= n else { throw ImagingError("\(InputForm.string(e)) is not a range within 1 to \(n)") }
                        return (a - 1, Swift.min(b, n) - a + 1)
                    }
                    let rows = try span(c[1], im.height)
                    let cols = c.count == 3 ? try span(c[2], im.width) : (0, im.width)
                    return .image(try im.cropped(x: cols.0, y: rows.0, width: cols.1, height: rows.1))
                }
            },
            Builtin("ImagePad", [], usage: "ImagePad[image, m] adds a border of m pixels (black); ImagePad[image, m, v] of value v; negative m crops. Example: ImagePad[img, 1] of a 2x2 image is 4x4.", arity: .between(2, 3), examples: [("ImageDimensions[ImagePad[Image[ConstantArray[0, {2, 2}]], 1]]", "{4, 4}")]) { c in
                return netOperation(c) {
                    let im = try image(c)
                    guard let m = c[1].intValue else { throw ImagingError("the margin must be an integer") }
                    let v = c.count == 3 ? Float(c[2].doubleValue ?? 0) : 0
                    return .image(try im.padded(left: m, right: m, top: m, bottom: m, value: v))
                }
            },
            Builtin("ColorConvert", [], usage: "ColorConvert[image, \"Grayscale\"] or ColorConvert[image, \"RGB\"] converts the color space. Example: ColorConvert[img, \"RGB\"] of a grayscale image has 3 channels.", arity: .exactly(2), examples: [("ImageChannels[ColorConvert[Image[ConstantArray[0, {2, 2}]], \"RGB\"]]", "3")]) { c in
                return netOperation(c) {
                    guard let space = Image.ColorSpace(rawValue: c[1].asString ?? "") else { throw ImagingError("the color space must be \"Grayscale\" or \"RGB\"") }
                    return .image(try image(c).converted(to: space))
                }
            },
            Builtin("ConformImages", [], usage: "ConformImages[{images...}, {w, h}] resizes (cropping to fill) and converts images to a common size and color space; ConformImages[images] uses the first image's.", arity: .between(1, 2)) { c in
                return netOperation(c) {
                    guard let items = c[0].listItems else { throw ImagingError("a list of images is expected") }
                    let images = try items.map { e -> Image in
                        guard let im = e.asImage else { throw ImagingError("\(short(e)) is not an image") }
                        return im
                    }
                    guard let first = images.first else { return .list([]) }
                    let (w, h) = c.count == 2 ? try targetSize(c[1], first) : (first.width, first.height)
                    return .list(try images.map { im in
                        .image(try im.converted(to: first.colorSpace).centerCropped(aspect: w, h).resized(width: w, height: h))
                    })
                }
            },
            Builtin("Thumbnail", [], usage: "Thumbnail[image] shrinks an image to at most 150 pixels on its longer side; Thumbnail[image, n] to n.", arity: .between(1, 2)) { c in
                return netOperation(c) {
                    let im = try image(c)
                    let n = c.count == 2 ? (c[1].intValue ?? 150) : 150
                    let scale = Swift.min(1, Double(n) / Double(Swift.max(im.width, im.height)))
                    return .image(try im.resized(width: Swift.max(1, Int((Double(im.width) * scale).rounded())),
                                                 height: Swift.max(1, Int((Double(im.height) * scale).rounded()))))
                }
            },
            Builtin("ArrayImages", [], usage: "ArrayImages[array, {h, w}, max] makes one image per row of a matrix (the first h*w values, gray) or per slice of an N x h x w (gray) or N x h x w x 3 (RGB) array, with values divided by max. Example: ArrayImages[{{0, 1, 1, 0}, {1, 0, 0, 1}}, {2, 2}, 1] gives two 2x2 images.", examples: [("Length[ArrayImages[{{0, 1, 1, 0}, {1, 0, 0, 1}}, {2, 2}, 1]]", "2")]) { c in
                guard c.count == 3, let t = c[0].asTensor, let m = c[2].doubleValue, m > 0 else { return c.argCount(3) }
                return netOperation(c) {
                    guard let dims = c[1].listItems?.compactMap(\.intValue), dims.count == 2, dims.allSatisfy({ $0 > 0 }) else {
                        throw ImagingError("the image size must be {height, width}")
                    }
                    let (h, w) = (dims[0], dims[1])
                    let n = t.shape.first ?? 0, per = t.count / Swift.max(n, 1)
                    let channels = t.rank == 4 ? t.shape[3] : 1
                    guard per >= h * w * channels else { throw ImagingError("rows of \(per) values cannot hold \(h)x\(w) images") }
                    let v = t.values, scale = Float(1 / m)
                    return .list(try (0..<n).map { i in
                        let start = i * per
                        return .image(try Image(width: w, height: h, channels: channels, pixels: v[start..<(start + h * w * channels)].map { $0 * scale }))
                    })
                }
            },
        ]
    }
}
