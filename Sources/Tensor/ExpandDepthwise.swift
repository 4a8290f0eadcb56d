import CKernels
import Resources

/// The 1x1 expansion of an inverted-residual block (input channels to many more) and the 3x3
/// depthwise convolution that reads it, run together sixteen expanded channels at a time: a
/// block's expanded planes go to the worker's scratch (16 x 112 x 112 floats, 0.8 MB, stays in
/// its L2 cache) and the depthwise convolution reads them from there. The full expansion (96
/// channels at 112 x 112, 4.8 MB for MobileNet V2's second block) is never written to memory and
/// read back.
public struct Expansion: @unchecked Sendable {
    /// O x K (x 1 x 1) weights and their biases (the epilogue's, batch normalization folded in).
    public var weights: Tensor
    public var biases: Tensor
    public var packed: PackedWeights?
    public var activation: Activation?

    public init(weights: Tensor, biases: Tensor, packed: PackedWeights?, activation: Activation?) {
        (self.weights, self.biases, self.packed, self.activation) = (weights, biases, packed, activation)
    }
}

extension Convolution {
    /// y = depthwise(act(expand(x))) with the depthwise convolution's epilogue (biases, residual,
    /// activation): `x` is N x K x H x W, `wts` O x 1 x kh x kw over the O expanded channels, `y`
    /// N x O x Ho x Wo. Items are images x blocks of 16 expanded channels, spread over the cores.
    public static func expandDepthwise(_ x: UnsafePointer<Float>, shape xs: [Int], expansion e: Expansion, depthwise wts: Tensor,
                                       window win: Window, epilogue: Epilogue, output y: UnsafeMutablePointer<Float>,
                                       scratch: Scratch) throws {
        let o = e.weights.shape.first ?? 0
        guard xs.count == 4, e.weights.count == o * xs[1], e.biases.count == o else {
            throw TensorError.shape("expansion", xs, e.weights.shape)
        }
        let s = try shape([xs[0], o, xs[2], xs[3]], wts, win, o)
        let hw = s.h * s.w, plane = s.ho * s.wo, blocks = (o + 15) / 16, items = s.n * blocks
        let workers = Swift.min(Parallel.workers, items)
        guard ResourcePolicy.admits(16 * hw * Swift.max(workers, 1), bytesEach: 4) else {
            throw TensorError("the expanded planes of \(hw) positions do not fit in memory")
        }
        if s.n * o * hw <= smallExpansion, let packed = e.packed {
            // Small images: the whole expansion fits in the cache, and whole layers split better
            // over the cores than blocks of 16 channels do.
            scratch.reserve(workers: 1, count: s.n * o * hw)
            let middle = scratch.buffer(0)
            let es = try shape(xs, e.weights, Window(kernel: (1, 1)), 1)
            let done = e.biases.withUnsafeBufferPointer { b in
                channelBlocked(UnsafeSendable(x), es, packed, Epilogue(biases: b.baseAddress, activation: e.activation),
                               UnsafeSendable(middle), workers: Parallel.workers)
            }
            if done {
                depthwise(middle, wts.storage.pointer, s, win, y, epilogue: epilogue, wide: true)
                return
            }
        }
        scratch.reserve(workers: workers, count: 16 * hw)
        let input = UnsafeSendable(x), output = UnsafeSendable(y), kernel = UnsafeSendable(UnsafePointer(wts.storage.pointer))
        let taps = win.kernel.h * win.kernel.w
        let expandActivation = Epilogue(activation: e.activation).vectorActivation
        Parallel.forEach(workers) { worker in
            let buffer = scratch.buffer(worker)
            var item = worker
            while item < items {
                let i = item / blocks, b = item % blocks, channels = 16 * b..<Swift.min(o, 16 * b + 16)
                item += workers
                let image = input.value + i * xs[1] * hw
                var done = false
                if let act = expandActivation, let packed = e.packed {
                    // The kernel writes block b's rows 16 b rows past its output pointer: the
                    // pointer is set back so that they land at the start of the buffer.
                    done = packed.apply(image, ldx: hw, positions: 0..<hw, blocks: b..<(b + 1), buffer - 16 * b * hw, ldy: hw,
                                        residual: nil, activation: act)
                }
                if !done { expandBlock(image, xs[1], hw, e, channels: channels, into: buffer) }
                let first = i * o + channels.lowerBound
                depthwiseBlock(buffer, s, win, kernel.value + channels.lowerBound * taps, channels: channels,
                               epilogue: epilogue, output: output.value + first * plane, at: first * plane)
            }
        }
    }

    /// Expansions of at most this many floats (2 MB, the L2 cache: MobileNet's from 56 x 56 on)
    /// run whole, then the depthwise convolution over them; one core, release build, medians:
    /// fused 0.76 ms against 0.41 + 0.51 ms apart at 112 x 112, but 0.50 against 0.46 at 56 x 56
    /// and 0.24 against 0.15 at 14 x 14.
    static let smallExpansion = 1 << 19

    /// The expansion's output channels `channels` for one image (K x hw) into `buffer` (one
    /// plane per channel), by the portable code: for when the vector kernels are off.
    static func expandBlock(_ x: UnsafePointer<Float>, _ k: Int, _ hw: Int, _ e: Expansion, channels: Range<Int>,
                            into buffer: UnsafeMutablePointer<Float>) {
        let w = e.weights.storage.pointer, biases = e.biases.storage.pointer
        for (l, c) in channels.enumerated() {
            let row = buffer + l * hw
            row.update(repeating: biases[c], count: hw)
            for p in 0..<k { Lanes.axpy(w[c * k + p], x + p * hw, row, hw) }
            e.activation?.apply(row, count: hw)
        }
    }

    /// The depthwise convolution of expanded planes `channels` (at `buffer`, one plane each) into
    /// `y` (their output planes, which start at `offset` in the whole output, for the residual).
    static func depthwiseBlock(_ buffer: UnsafePointer<Float>, _ s: Shape, _ win: Window, _ k: UnsafePointer<Float>,
                               channels: Range<Int>, epilogue: Epilogue, output y: UnsafeMutablePointer<Float>, at offset: Int) {
        let count = channels.count
        let one = Shape(n: 1, c: count, h: s.h, w: s.w, o: count, ho: s.ho, wo: s.wo, groups: count, k: 9)
        var e = epilogue
        e.biases = epilogue.biases.map { $0 + channels.lowerBound }
        e.residual = epilogue.residual.map { $0 + offset }
        // Inside a worker the depthwise loop runs inline; the wide kernel for small planes.
        depthwise(buffer, k, one, win, y, epilogue: e, wide: true)
    }
}
