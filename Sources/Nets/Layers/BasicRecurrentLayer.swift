import Foundation
import Tensor

/// `BasicRecurrentLayer[n]`: `s_t = Tanh[W_x . x_t + W_s . s_{t-1} + b]`, from `s_0 = 0`.
///
/// - Input: a sequence of vectors {T, k}. Output: the states {T, n}.
/// - Arrays: `InputWeights` {n, k}, `StateWeights` {n, n}, `Biases` {n}.
struct BasicRecurrentLayer: RecurrentLayer, Codable {
    typealias Cell = Tanh
    var units: Int

    static let specKey = "basicRecurrent"

    private enum CodingKeys: String, CodingKey { case units = "_0" }
    var kind: LayerKind { .basicRecurrent(units) }
    var name: String { "BasicRecurrentLayer" }

    /// One unnamed gate through Tanh.
    enum Tanh: RecurrentCell {
        static let gates = [""]
        static let kernel = RecurrentKernels.Cell.tanh
        static let readsStateInputs = false
        static let hasCellState = false

        static func step(_ x: SIMD4<Float>, _ s: SIMD4<Float>, _ state: Float, _ cell: Float) -> (gates: SIMD4<Float>, state: Float, cell: Float) {
            let y = hyperbolicTangent(x[0] + s[0])
            return (SIMD4(y, 0, 0, 0), y, 0)
        }

        static func stepBackward(_ a: SIMD4<Float>, _ s: SIMD4<Float>, _ state: Float, _ cell: Float, _ newCell: Float, dState: Float, dCell: Float)
            -> (dx: SIMD4<Float>, ds: SIMD4<Float>, dState: Float, dCell: Float) {
            let d = dState * (1 - a[0] * a[0])
            return (SIMD4(d, 0, 0, 0), SIMD4(d, 0, 0, 0), 0, 0)
        }
    }
}
