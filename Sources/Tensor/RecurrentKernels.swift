import CKernels
import Foundation

/// The fused recurrent cells of `CKernels` (recurrent.h): one time step of a block of examples,
/// the gate arithmetic eight units at a time with exp in registers. Each call returns false,
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

    /// e^x for each value by the vector kernel (within 2 ulp for |x| < 87), or nil when the CPU
    /// lacks AVX2 and FMA (whether or not the vector kernels are turned off: this is for tests).
    public static func exp(_ x: [Float]) -> [Float]? {
        var y = [Float](repeating: 0, count: x.count)
        let ran = x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                guard let a = xp.baseAddress, let b = yp.baseAddress else { return xp.isEmpty && nets_cpu_vector_level() >= 1 }
                return nets_exp_vector(a, b, xp.count) != 0
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

    /// A matrix B (k x n) packed in panels of 32 columns for `multiply`: a recurrence's state
    /// weights, packed once and multiplied at every step.
    public struct PackedMatrix: Sendable {
        public let k: Int, n: Int
        let panels: Storage

        /// Packs B, given row-major k x n or, when `transposed`, as its transpose (n x k).
        public init(_ b: UnsafePointer<Float>, k: Int, n: Int, transposed: Bool) {
            (self.k, self.n) = (k, n)
            panels = Storage(count: nets_panel32_count(k, n))
            nets_pack_panel32(b, k, n, transposed ? 1 : 0, panels.pointer)
        }

        /// C = A B, or C + A B when `accumulate`, for A (m x k) and C (m x n), row-major and
        /// contiguous; false (C untouched) when the AVX-512 kernel does not run here.
        public func multiply(m: Int, _ a: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>, accumulate: Bool) -> Bool {
            nets_gemm_panel32(m, n, k, a, k, panels.pointer, c, n, accumulate ? 1 : 0) != 0
        }
    }
}
