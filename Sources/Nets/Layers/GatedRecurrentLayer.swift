import Foundation
import Tensor

/// `GatedRecurrentLayer[n]`, Wolfram's variant of the GRU (Chung et al. 2014), from `s_0 = 0`:
///
///     i_t = LogisticSigmoid[W_ix . x_t + W_is . s_{t-1} + b_i]        input gate
///     r_t = LogisticSigmoid[W_rx . x_t + W_rs . s_{t-1} + b_r]        reset gate
///     m_t = Tanh[W_mx . x_t + r_t * (W_ms . s_{t-1}) + b_m]           memory gate
///     s_t = (1 - i_t) * m_t + i_t * s_{t-1}
///
/// - Input: a sequence of vectors {T, k}. Output: the states {T, n}.
/// - Arrays: `InputGateInputWeights` {n, k}, `InputGateStateWeights` {n, n}, `InputGateBiases`
///   {n}, and the same for `ResetGate` and `MemoryGate`.
struct GatedRecurrentLayer: RecurrentLayer, Codable {
    typealias Cell = GRU
    var units: Int

    static let specKey = "gatedRecurrent"

    private enum CodingKeys: String, CodingKey { case units = "_0" }
    var kind: LayerKind { .gatedRecurrent(units) }
    var name: String { "GatedRecurrentLayer" }

    enum GRU: RecurrentCell {
        static let gates = ["InputGate", "ResetGate", "MemoryGate"]
        static let kernel = RecurrentKernels.Cell.gru
        static let readsStateInputs = true
        static let hasCellState = false

        static func step(_ x: SIMD4<Float>, _ s: SIMD4<Float>, _ state: Float, _ cell: Float) -> (gates: SIMD4<Float>, state: Float, cell: Float) {
            let i = logistic(x[0] + s[0]), r = logistic(x[1] + s[1]), m = hyperbolicTangent(x[2] + r * s[2])
            return (SIMD4(i, r, m, 0), (1 - i) * m + i * state, 0)
        }

        static func stepBackward(_ a: SIMD4<Float>, _ s: SIMD4<Float>, _ state: Float, _ cell: Float, _ newCell: Float, dState: Float, dCell: Float)
            -> (dx: SIMD4<Float>, ds: SIMD4<Float>, dState: Float, dCell: Float) {
            let (i, r, m) = (a[0], a[1], a[2])
            let di = dState * (state - m) * i * (1 - i)
            let dm = dState * (1 - i) * (1 - m * m)
            let dr = dm * s[2] * r * (1 - r)
            return (SIMD4(di, dr, dm, 0), SIMD4(di, dr, dm * r, 0), dState * i, 0)
        }
    }
}
