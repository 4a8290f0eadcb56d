import CKernels
@preconcurrency import COpenBLAS
import Foundation

/// The fused recurrent cells of `CKernels` (recurrent.h): one time step of a block of examples,
/// the gate arithmetic eight units at a time (the LSTM's sixteen, with AVX-512) with exp in
/// registers. Each call returns false,
/// touching nothing, when the vector kernels do not run here; the caller then runs its scalar
/// cell (which the vector cells are tested against).
///
/// Rows of gate values hold gate q of unit j at `q * units + j`; every buffer is row-major with
/// `rows` rows.
public enum RecurrentKernels {
    /// The cells, with their gates in row order.
    public enum Cell: Int32, Sendable {
        /// `BasicRecurrentLayer`: one gate, s = Tanh[a].
        case tanh = 0
        /// `GatedRecurrentLayer`: input, reset, memory.
        case gru = 1
        /// `LongShortTermMemoryLayer`: input, output, forget, memory.
        case lstm = 2
    }

    /// e^x for each value by the vector kernel (within 2 ulp for |x| < 87), eight lanes at a time
    /// or, when `wide`, sixteen (the AVX-512 LSTM cell's); nil when the CPU lacks AVX2 and FMA, or
    /// AVX-512 for `wide` (whether or not the vector kernels are turned off: this is for tests).
    public static func exp(_ x: [Float], wide: Bool = false) -> [Float]? {
        var y = [Float](repeating: 0, count: x.count)
        let ran = x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                guard let a = xp.baseAddress, let b = yp.baseAddress else { return xp.isEmpty && nets_cpu_vector_level() >= (wide ? 2 : 1) }
                return nets_exp_vector(a, b, xp.count, wide ? 1 : 0) != 0
            }
        }
        return ran ? y : nil
    }

    /// One forward step: `gates` holds W_x x_t + b on entry and the gate activations on exit,
    /// `stateInputs` W_s s_{t-1}; writes s_t to `state` and, for the LSTM, c_t to `cell`
    /// (`previousCell` and `cell` are only read or written by the LSTM).
    public static func forward(_ cell: Cell, rows: Int, units: Int, gates: UnsafeMutablePointer<Float>,
                               stateInputs: UnsafePointer<Float>, previous: UnsafePointer<Float>,
                               previousCell: UnsafePointer<Float>, state: UnsafeMutablePointer<Float>,
                               cellState: UnsafeMutablePointer<Float>) -> Bool {
        nets_cell_forward(cell.rawValue, rows, units, gates, stateInputs, previous, previousCell, state, cellState) != 0
    }

    /// One backward step from the forward step's buffers. The gradient reaching s_t is
    /// `dy` (row r at `dy + r * dyStride`) plus `dNext`; `dCell` holds dC_t on entry and
    /// dC_{t-1} on exit (LSTM). Writes the gate inputs' gradients to `dGates`, those of
    /// W_s s_{t-1} to `dStateInputs` (GRU only: for the others they are `dGates`), and the part
    /// of dS_{t-1} that does not pass through W_s to `dPrevious`.
    public static func backward(_ cell: Cell, rows: Int, units: Int, gates: UnsafePointer<Float>,
                                stateInputs: UnsafePointer<Float>, previous: UnsafePointer<Float>,
                                previousCell: UnsafePointer<Float>, cellState: UnsafePointer<Float>,
                                dy: UnsafePointer<Float>, dyStride: Int, dNext: UnsafePointer<Float>,
                                dCell: UnsafeMutablePointer<Float>, dGates: UnsafeMutablePointer<Float>,
                                dStateInputs: UnsafeMutablePointer<Float>, dPrevious: UnsafeMutablePointer<Float>) -> Bool {
        nets_cell_backward(cell.rawValue, rows, units, gates, stateInputs, previous, previousCell, cellState, dy, dyStride,
                           dNext, dCell, dGates, dStateInputs, dPrevious) != 0
    }

    /// A matrix B (k x n) for the per-step products of a recurrence (its weights, packed once
    /// and multiplied at every step): in panels of 32 columns for the AVX-512 kernel where it
    /// runs (and the vector kernels are on when it is packed), else kept as given for OpenBLAS.
    public struct PackedMatrix: Sendable {
        public let k: Int, n: Int
        /// The panels, or nil where the AVX-512 kernel does not run.
        let panels: Storage?
        /// B as given (row-major k x n, or n x k when `transposed`), for OpenBLAS.
        let plain: Storage
        let transposed: Bool

        /// Packs B, given row-major k x n or, when `transposed`, as its transpose (n x k); `b` may
        /// be nil only when B is empty.
        public init(_ b: UnsafePointer<Float>?, k: Int, n: Int, transposed: Bool) {
            (self.k, self.n, self.transposed) = (k, n, transposed)
            plain = Storage(count: k * n)
            let source = b ?? UnsafePointer(plain.pointer)
            if let b, k * n > 0 { plain.pointer.update(from: b, count: k * n) }
            if nets_cpu_vector_level() >= 2 && nets_vector_kernels() != 0 {
                let p = Storage(count: nets_panel32_count(k, n))
                nets_pack_panel32(source, k, n, transposed ? 1 : 0, p.pointer)
                panels = p
            } else {
                panels = nil
            }
        }

        /// Packs B from its k n values, given as for `init(_:k:n:transposed:)` (as k = 0 when
        /// there are fewer).
        public init(_ b: [Float], k: Int, n: Int, transposed: Bool) {
            let fits = b.count >= k * n && k * n > 0
            self = b.withUnsafeBufferPointer { PackedMatrix(fits ? $0.baseAddress : nil, k: fits ? k : 0, n: n, transposed: transposed) }
        }

        /// Whether `multiply` runs the AVX-512 kernel (else OpenBLAS).
        public var vectorized: Bool { panels != nil }

        /// C = A B, or C + A B when `accumulate`, for A (m x k, row stride `lda`, k when nil)
        /// and C (m x n, row stride `ldc`, n when nil), row-major.
        public func multiply(m: Int, _ a: UnsafePointer<Float>, lda: Int? = nil, into c: UnsafeMutablePointer<Float>,
                             ldc: Int? = nil, accumulate: Bool) {
            let lda = lda ?? k, ldc = ldc ?? n
            guard m > 0, n > 0 else { return }
            if let panels, nets_gemm_panel32(m, n, k, a, lda, panels.pointer, c, ldc, accumulate ? 1 : 0) != 0 { return }
            if k == 0 {
                if !accumulate { for r in 0..<m { (c + r * ldc).initialize(repeating: 0, count: n) } }
                return
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, transposed ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a,
                        Int32(lda), plain.pointer, Int32(transposed ? k : n), accumulate ? 1 : 0, c, Int32(ldc))
        }
    }
}
