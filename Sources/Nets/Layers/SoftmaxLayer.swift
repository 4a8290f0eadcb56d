import Foundation
import Tensor

/// `SoftmaxLayer[]`: exponentials normalized to sum 1 along the last dimension.
///
/// - Input: any shape of at least one dimension. Output: the input's shape.
/// - No arrays. A net that ends in a softmax is trained with cross-entropy on class indices.
struct SoftmaxLayer: LayerOperator, Codable {
    static let specKey = "softmax"

    var kind: LayerKind { .softmax }
    var name: String { "SoftmaxLayer" }
    var impliedLoss: LossKind? { .crossEntropyIndex }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws { try shapes.keepShape() }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor { try input(xs).softmax() }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let y = try input(xs).softmax()
        return (y, { dy in step.needInput ? [try Tensor.softmaxBackward(output: y, gradient: dy)] : [nil] })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? { Planned() }

    private struct Planned: PlannedOperation {
        func outputShape(_ xs: [[Int]]) throws -> [Int] { xs[0] }

        func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                     _ scratch: Scratch) throws {
            let len = shapes[0].last ?? 1, rows = shapes[0].reduce(1, *) / Swift.max(len, 1)
            for r in 0..<rows {
                let src = xs[0] + r * len, dst = y + r * len
                var top = -Float.infinity
                for i in 0..<len { top = Swift.max(top, src[i]) }
                var sum: Float = 0
                for i in 0..<len { dst[i] = Foundation.exp(src[i] - top); sum += dst[i] }
                for i in 0..<len { dst[i] /= sum }
            }
        }
    }
}
