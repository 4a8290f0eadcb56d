import CKernels
import Foundation
import Synchronization

/// The weights of a 1x1 convolution or a linear layer (O x K) packed once, when an inference
/// plan is built, for the channel-blocked kernel: blocks of 16 output channels, each block's
/// weights input channel by input channel (16 floats each), biases padded to the blocks. The
/// kernel then reads its weights as one sequential stream, never packing them per call.
///
/// `@unchecked Sendable`: the buffers are written in `init` and only read afterwards.
public final class PackedWeights: @unchecked Sendable {
    public let outputs: Int
    public let inputs: Int
    private let weights: UnsafeMutablePointer<Float>
    private let biases: UnsafeMutablePointer<Float>

    /// Packs `w` (O x K, or O x K x 1 x 1) and its biases (O, or none); nil when the vector
    /// kernels do not run on this machine, or for an empty matrix.
    public init?(_ w: Tensor, biases b: Tensor?) {
        guard PackedWeights.preferred, w.rank >= 2, w.shape.dropFirst(2).allSatisfy({ $0 == 1 }),
              w.shape[0] > 0, w.shape[1] > 0, b.map({ $0.count == w.shape[0] }) ?? true else { return nil }
        outputs = w.shape[0]
        inputs = w.shape[1]
        let padded = (outputs + 15) / 16 * 16
        weights = .allocate(capacity: nets_pack_oc16_count(outputs, inputs))
        nets_pack_oc16(w.storage.pointer, outputs, inputs, weights)
        biases = .allocate(capacity: padded)
        biases.initialize(repeating: 0, count: padded)
        if let b { biases.update(from: b.storage.pointer, count: outputs) }
    }

    /// Whether layers pack their weights for the channel-blocked kernels rather than calling
    /// OpenBLAS's GEMM: on AVX-512 CPUs the AVX-512 kernel (which beats OpenBLAS's SkylakeX GEMM
    /// on these shapes, packing nothing per call); on AVX2 CPUs the AVX2 kernel, unless OpenBLAS
    /// runs AVX-512 kernels there. `NETS_PACKED_KERNELS=0|1` decides instead (for benchmarks
    /// and tests).
    public static var preferred: Bool { VectorKernels.active && beatsBLAS }

    private static let beatsBLAS: Bool = {
        if let choice = ProcessInfo.processInfo.environment["NETS_PACKED_KERNELS"] { return choice != "0" }
        return wide || !["SkylakeX", "Cooperlake", "SapphireRapids"].contains(BLAS.coreName)
    }()

    /// Whether the AVX-512 kernel runs on this CPU.
    static let wide = nets_cpu_vector_level() >= 2

    /// Fewest positions for which the AVX-512 kernel (sixteen positions to a vector) beats the
    /// AVX2 one (vectorised over output channels); fewer, as in a linear layer's single row,
    /// take the AVX2 kernel.
    static let widePositions = 16

    /// Images with fewer positions than this (7 x 7) take the AVX-512 kernel vectorised over
    /// output channels: 49 positions fill four position vectors to three quarters.
    /// `NETS_CHANNEL_VECTOR_BELOW` changes it (0 turns the kernel off), for benchmarks.
    static let channelVectorBelow: Int = {
        ProcessInfo.processInfo.environment["NETS_CHANNEL_VECTOR_BELOW"].flatMap { Int($0) } ?? 64
    }()

    /// On CPUs without AVX-512, whether a 1x1 convolution over images of `size` positions takes
    /// the AVX2 kernel vectorised over positions (`nets_pointwise_positions_avx2`) rather than
    /// the one vectorised over output channels, whose epilogue stores each tile's outputs one
    /// at a time. One core, AMD EPYC (AVX2), best of 30 (ms, positions against channels):
    /// 16->96 at 112 x 112 0.59 / 1.37, 24->144 at 56 x 56 0.28 / 0.56, 144->24 0.35 / 0.41,
    /// 32->192 at 28 x 28 0.11 / 0.21; at 14 x 14 the expansions 64->384 0.11 / 0.16 and 96->576
    /// 0.24 / 0.30 but the projections 384->64 0.13 / 0.11 and 576->96 0.32 / 0.31; at 7 x 7
    /// 160->960 0.24 / 0.23, 960->320 0.55 / 0.45. So: from 256 positions, and from 64 for
    /// expansions (no more inputs than outputs). `NETS_POSITION_VECTOR_FROM` moves the 64
    /// (0 for every size, a large number to keep the channel kernel), for benchmarks.
    func vectorisesPositions(_ size: Int) -> Bool {
        size >= 256 || (size >= PackedWeights.positionVectorFrom && inputs <= outputs)
    }

    /// The smallest image (positions) whose expansions vectorise over positions (`vectorisesPositions`).
    static let positionVectorFrom: Int = {
        ProcessInfo.processInfo.environment["NETS_POSITION_VECTOR_FROM"].flatMap { Int($0) } ?? 64
    }()

    deinit {
        weights.deallocate()
        biases.deallocate()
    }

    /// Blocks of 16 output channels.
    public var blocks: Int { (outputs + 15) / 16 }

    /// y = act(W x + biases + residual) for output-channel blocks `blocks` and positions
    /// `positions`: x is K x positions (row stride `ldx`), y and the residual O x positions (row
    /// strides `ldy`). False, with nothing written, when the kernel does not take the arguments.
    func apply(_ x: UnsafePointer<Float>, ldx: Int, positions: Range<Int>, blocks: Range<Int>,
               _ y: UnsafeMutablePointer<Float>, ldy: Int, residual: UnsafePointer<Float>?, activation: Int32) -> Bool {
        if PackedWeights.wide && positions.count >= PackedWeights.widePositions && ldy < PackedWeights.channelVectorBelow
            && VectorKernels.active,
           nets_pointwise_channels_avx512(weights, biases, outputs, inputs, x, ldx, positions.lowerBound, positions.upperBound,
                                          y, ldy, residual, ldy, activation, blocks.lowerBound, blocks.upperBound) != 0 {
            return true
        }
        if PackedWeights.wide && positions.count >= PackedWeights.widePositions && VectorKernels.active,
           nets_pointwise_avx512(weights, biases, outputs, inputs, x, ldx, positions.lowerBound, positions.upperBound,
                                 y, ldy, residual, ldy, activation, blocks.lowerBound, blocks.upperBound) != 0 {
            return true
        }
        if !PackedWeights.wide && positions.count >= 16 && vectorisesPositions(ldy),
           nets_pointwise_positions_avx2(weights, biases, outputs, inputs, x, ldx, positions.lowerBound, positions.upperBound,
                                         y, ldy, residual, ldy, activation, blocks.lowerBound, blocks.upperBound) != 0 {
            return true
        }
        return nets_pointwise_oc16(weights, biases, outputs, inputs, x, ldx, positions.lowerBound, positions.upperBound,
                            y, ldy, residual, ldy, activation, blocks.lowerBound, blocks.upperBound) != 0
    }

    /// The product for a batch of row vectors, as a linear layer takes them: y (N x O) = x (N x K)
    /// Wᵀ + biases, the output blocks spread over the cores. False when the kernel does not run.
    public func linear(_ x: UnsafePointer<Float>, rows n: Int, _ y: UnsafeMutablePointer<Float>) -> Bool {
        let input = UnsafeSendable(x), output = UnsafeSendable(y)
        let parts = Swift.min(Parallel.workers, blocks), per = (blocks + parts - 1) / Swift.max(parts, 1)
        var ok = true
        for i in 0..<n {
            let done = Atomic(true)
            Parallel.forEach(parts) { part in
                let range = part * per..<Swift.min(blocks, (part + 1) * per)
                if range.isEmpty { return }
                // Row i read as K positions of one channel each: the single position's stride is 1.
                if !self.apply(input.value + i * inputs, ldx: 1, positions: 0..<1, blocks: range,
                               output.value + i * outputs, ldy: 1, residual: nil, activation: Int32(NETS_NONE.rawValue)) {
                    done.store(false, ordering: .relaxed)
                }
            }
            ok = ok && done.load(ordering: .relaxed)
        }
        return ok
    }
}
