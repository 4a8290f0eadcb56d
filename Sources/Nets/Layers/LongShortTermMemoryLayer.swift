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

        private static func gates(_ a: SIMD4<Float>) -> (i: Float, o: Float, f: Float, m: Float) {
            (logistic(a[0]), logistic(a[1]), logistic(a[2]), hyperbolicTangent(a[3]))
        }

        static func step(_ x: SIMD4<Float>, _ s: SIMD4<Float>, _ state: Float, _ cell: Float) -> (state: Float, cell: Float) {
            let g = gates(x + s)
            let c = g.f * cell + g.i * g.m
            return (g.o * hyperbolicTangent(c), c)
        }

        static func stepBackward(_ x: SIMD4<Float>, _ s: SIMD4<Float>, _ state: Float, _ cell: Float, dState: Float, dCell: Float)
            -> (dx: SIMD4<Float>, ds: SIMD4<Float>, dState: Float, dCell: Float) {
            let g = gates(x + s)
            let c = g.f * cell + g.i * g.m, tc = hyperbolicTangent(c)
            let dc = dCell + dState * g.o * (1 - tc * tc)
            let d = SIMD4(dc * g.m * g.i * (1 - g.i), dState * tc * g.o * (1 - g.o), dc * cell * g.f * (1 - g.f), dc * g.i * (1 - g.m * g.m))
            return (d, d, 0, dc * g.f)
        }
    }
}
