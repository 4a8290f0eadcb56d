import Foundation
import Tensor

/// `LongShortTermMemoryLayer[n]`, from `s_0 = c_0 = 0`:
///
///     i_t = LogisticSigmoid[W_ix . x_t + W_is . s_{t-1} + b_i]        input gate
///     o_t = LogisticSigmoid[W_ox . x_t + W_os . s_{t-1} + b_o]        output gate
///     f_t = LogisticSigmoid[W_fx . x_t + W_fs . s_{t-1} + b_f]        forget gate
///     m_t = Tanh[W_mx . x_t + W_ms . s_{t-1} + b_m]                   memory gate
///     c_t = f_t * c_{t-1} + i_t * m_t                                 cell state
///     s_t = o_t * Tanh[c_t]                                           state
///
/// - Input: a sequence of vectors {T, k}. Output: the states {T, n}.
/// - Arrays: `InputGateInputWeights` {n, k}, `InputGateStateWeights` {n, n}, `InputGateBiases`
///   {n}, and the same for `OutputGate`, `ForgetGate` and `MemoryGate`.
struct LongShortTermMemoryLayer: RecurrentLayer, Codable {
    typealias Cell = LSTM
    var units: Int

    static let specKey = "longShortTermMemory"

    private enum CodingKeys: String, CodingKey { case units = "_0" }
    var kind: LayerKind { .longShortTermMemory(units) }
    var name: String { "LongShortTermMemoryLayer" }

    enum LSTM: RecurrentCell {
        static let gates = ["InputGate", "OutputGate", "ForgetGate", "MemoryGate"]
        static let kernel = RecurrentKernels.Cell.lstm
        static let readsStateInputs = false
        static let hasCellState = true

        static func step(_ x: SIMD4<Float>, _ s: SIMD4<Float>, _ state: Float, _ cell: Float) -> (gates: SIMD4<Float>, state: Float, cell: Float) {
            let a = x + s
            let (i, o, f, m) = (logistic(a[0]), logistic(a[1]), logistic(a[2]), hyperbolicTangent(a[3]))
            let c = f * cell + i * m
            return (SIMD4(i, o, f, m), o * hyperbolicTangent(c), c)
        }

        static func stepBackward(_ a: SIMD4<Float>, _ s: SIMD4<Float>, _ state: Float, _ cell: Float, _ newCell: Float, dState: Float, dCell: Float)
            -> (dx: SIMD4<Float>, ds: SIMD4<Float>, dState: Float, dCell: Float) {
            let (i, o, f, m) = (a[0], a[1], a[2], a[3]), tc = hyperbolicTangent(newCell)
            let dc = dCell + dState * o * (1 - tc * tc)
            let d = SIMD4(dc * m * i * (1 - i), dState * tc * o * (1 - o), dc * cell * f * (1 - f), dc * i * (1 - m * m))
            return (d, d, 0, dc * f)
        }
    }
}
