import CKernels
import Testing
@testable import Tensor

/// The AVX2 flat depthwise kernel (`nets_depthwise3x3_flat_avx2`: small stride-1 planes as one
/// run of positions, a masked load per tap) against a direct double-precision sum with its
/// epilogue: MobileNet's 7 x 7 and 14 x 14 planes, asymmetric padding (0 above and 2 below, 2
/// left and 0 right), a plane of exactly 256 positions, a column one wide, a plane shorter than
/// a vector, two images (plane p uses channel p % channels), a range of planes inside the
/// layer, no bias, no residual. Sentinels around the written planes catch stores outside them.
@Suite struct FlatDepthwiseTests {
    struct Case: CustomStringConvertible, Sendable {
        let planes: Int, channels: Int, h: Int, w: Int
        var pad: (top: Int, left: Int) = (1, 1)
        var range: Range<Int>? = nil
        var bias = true, residual = true
        var activation: Int32 = Int32(NETS_RELU6.rawValue)
        var description: String { "\(planes) planes (\(channels) channels) of \(h)x\(w), pad \(pad)\(range.map { ", planes \($0)" } ?? "")" }
    }

    static let cases: [Case] = [
        Case(planes: 40, channels: 40, h: 7, w: 7), Case(planes: 24, channels: 24, h: 14, w: 14),
        Case(planes: 6, channels: 3, h: 9, w: 13, pad: (0, 2), activation: Int32(NETS_RELU.rawValue)),
        Case(planes: 5, channels: 5, h: 11, w: 6, pad: (2, 0)),
        Case(planes: 3, channels: 3, h: 16, w: 16, bias: false, residual: false, activation: Int32(NETS_NONE.rawValue)),
        Case(planes: 2, channels: 2, h: 5, w: 1), Case(planes: 4, channels: 2, h: 2, w: 3),
        Case(planes: 30, channels: 10, h: 7, w: 7, range: 7..<23),
    ]

    @Test(arguments: cases)
    func matchesDirectSum(_ c: Case) throws {
        guard VectorKernels.active else { return }
        var g = SeededGenerator(seed: UInt64(c.planes * 97 + c.h * 13 + c.w))
        func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float(g.normal()) } }
        let plane = c.h * c.w, range = c.range ?? 0..<c.planes
        let x = random(c.planes * plane), k = random(9 * c.channels), bias = random(c.channels), residual = random(c.planes * plane)
        var y = [Float](repeating: .nan, count: c.planes * plane)
        let done = bias.withUnsafeBufferPointer { b in
            residual.withUnsafeBufferPointer { r in
                nets_depthwise3x3_flat_avx2(x, range.lowerBound, range.upperBound, c.channels, c.h, c.w, k,
                                            c.bias ? b.baseAddress : nil, c.pad.top, c.pad.left, &y, c.h, c.w,
                                            c.residual ? r.baseAddress : nil, c.activation)
            }
        }
        #expect(done == 1)
        var worst = 0.0
        for p in 0..<c.planes {
            let ch = p % c.channels
            for oy in 0..<c.h {
                for ox in 0..<c.w {
                    let v = y[p * plane + oy * c.w + ox]
                    guard range.contains(p) else {
                        #expect(v.isNaN, "wrote plane \(p) outside the range")
                        continue
                    }
                    var acc = (c.bias ? Double(bias[ch]) : 0) + (c.residual ? Double(residual[p * plane + oy * c.w + ox]) : 0)
                    for t in 0..<9 {
                        let iy = oy + t / 3 - c.pad.top, ix = ox + t % 3 - c.pad.left
                        guard iy >= 0, iy < c.h, ix >= 0, ix < c.w else { continue }
                        acc += Double(k[9 * ch + t]) * Double(x[p * plane + iy * c.w + ix])
                    }
                    if c.activation == Int32(NETS_RELU.rawValue) { acc = Swift.max(acc, 0) }
                    if c.activation == Int32(NETS_RELU6.rawValue) { acc = Swift.min(Swift.max(acc, 0), 6) }
                    worst = Swift.max(worst, abs(acc - Double(v)))
                }
            }
        }
        #expect(worst <= 1e-5)
    }

    /// Planes past 256 positions, output rows narrower than the input's, padding past 2: 0
    /// returned and nothing written (the caller runs the row-by-row kernel).
    @Test func refusesWhatItDoesNotHandle() {
        let x = [Float](repeating: 1, count: 17 * 17), k = [Float](repeating: 1, count: 9)
        var y = [Float](repeating: .nan, count: 17 * 17)
        #expect(nets_depthwise3x3_flat_avx2(x, 0, 1, 1, 17, 17, k, nil, 1, 1, &y, 17, 17, nil, 0) == 0)
        #expect(nets_depthwise3x3_flat_avx2(x, 0, 1, 1, 9, 9, k, nil, 1, 1, &y, 9, 8, nil, 0) == 0)
        #expect(nets_depthwise3x3_flat_avx2(x, 0, 1, 1, 9, 9, k, nil, 3, 1, &y, 9, 9, nil, 0) == 0)
        #expect(nets_depthwise3x3_flat_avx2(x, 2, 1, 1, 9, 9, k, nil, 1, 1, &y, 9, 9, nil, 0) == 0)
        #expect(y.allSatisfy { $0.isNaN })
    }
}
