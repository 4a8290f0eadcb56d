import Testing
@testable import Tensor

/// The single-pass 3x3 depthwise rows (vector interior, scalar borders) against a direct
/// double-precision sum, on widths that exercise both regions.
@Suite struct DepthwiseTests {
    static let cases: [(h: Int, w: Int, stride: Int, pad: Int)] = [(9, 37, 1, 1), (12, 40, 2, 1), (7, 19, 1, 0), (8, 33, 2, 0), (5, 8, 1, 1), (16, 17, 2, 1)]

    @Test(arguments: 0..<6)
    func matchesDirectSum(_ index: Int) throws {
        let (h, w, stride, pad) = Self.cases[index]
        let c = 3
        var g = SeededGenerator(seed: UInt64(index + 1))
        let x = try Tensor(shape: [2, c, h, w], values: (0..<(2 * c * h * w)).map { _ in Float(g.normal()) })
        let k = try Tensor(shape: [c, 1, 3, 3], values: (0..<(c * 9)).map { _ in Float(g.normal()) })
        let win = Window(kernel: (3, 3), stride: (stride, stride), padding: (pad, pad, pad, pad))
        let y = try Convolution.forward(x, weights: k, biases: nil, window: win, groups: c)
        let (ho, wo) = try win.output(h, w)
        let xv = x.values, kv = k.values, yv = y.values
        var worst = 0.0
        for n in 0..<2 {
            for ch in 0..<c {
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        var acc = 0.0
                        for ki in 0..<3 {
                            for kj in 0..<3 {
                                let iy = oy * stride - pad + ki, ix = ox * stride - pad + kj
                                if iy >= 0 && iy < h && ix >= 0 && ix < w {
                                    acc += Double(kv[ch * 9 + ki * 3 + kj]) * Double(xv[((n * c + ch) * h + iy) * w + ix])
                                }
                            }
                        }
                        worst = max(worst, abs(acc - Double(yv[((n * c + ch) * ho + oy) * wo + ox])))
                    }
                }
            }
        }
        #expect(worst < 1e-4)
    }

    /// Strided convolutions through im2col tiles (vector and scalar copies, tile edges inside
    /// rows) against a direct double-precision sum.
    @Test(arguments: [(1, 3, 70, 61), (2, 2, 45, 80), (1, 1, 5, 300)])
    func stridedConvolutionMatchesDirectSum(stride: Int, pad: Int, h: Int, w: Int) throws {
        let c = 3, o = 4, n = 2
        var g = SeededGenerator(seed: UInt64(h * w))
        let x = try Tensor(shape: [n, c, h, w], values: (0..<(n * c * h * w)).map { _ in Float(g.normal()) })
        let k = try Tensor(shape: [o, c, 3, 3], values: (0..<(o * c * 9)).map { _ in Float(g.normal()) })
        let win = Window(kernel: (3, 3), stride: (stride, stride), padding: (pad, pad, pad, pad))
        let y = try Convolution.forward(x, weights: k, biases: nil, window: win)
        let (ho, wo) = try win.output(h, w)
        let xv = x.values, kv = k.values, yv = y.values
        var worst = 0.0
        for i in 0..<n {
            for oc in 0..<o {
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        var acc = 0.0
                        for ch in 0..<c {
                            for ki in 0..<3 {
                                for kj in 0..<3 {
                                    let iy = oy * stride - pad + ki, ix = ox * stride - pad + kj
                                    if iy >= 0 && iy < h && ix >= 0 && ix < w {
                                        acc += Double(kv[((oc * c + ch) * 3 + ki) * 3 + kj]) * Double(xv[((i * c + ch) * h + iy) * w + ix])
                                    }
                                }
                            }
                        }
                        worst = max(worst, abs(acc - Double(yv[((i * o + oc) * ho + oy) * wo + ox])))
                    }
                }
            }
        }
        #expect(worst < 1e-3)
    }
}
