import Foundation
import Tensor

/// `ElementwiseLayer[f]`: a function applied to every value.
///
/// - Input: any shape. Output: the input's shape.
/// - No arrays.
/// - Fusion: a runtime activation joins the epilogue of a convolution before it
///   (`EpilogueRole.activation`); a general scalar function runs as its own step.
struct ElementwiseLayer: LayerOperator, Codable {
    var function: ElementwiseFunction

    static let specKey = "elementwise"

    private enum CodingKeys: String, CodingKey { case function = "_0" }
    var kind: LayerKind { .elementwise(function) }
    var name: String { "ElementwiseLayer" }

    var impliedLoss: LossKind? { function == .activation(.sigmoid) ? .crossEntropyBinary : nil }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws { try shapes.keepShape() }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor { function.apply(try input(xs)) }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs), f = function, y = f.apply(x)
        if case .activation(let a) = f, let top = a.clampTop {
            if let source = step.pass.remake(of: x), let clamped = source.clamped(to: top) {
                // The input is a batch normalization's output, which can be made again: nothing
                // is kept (the gradient comes from the normalized values), and the output can be
                // made again too, for the layer after.
                step.pass.offer(clamped, for: y)
                return (y, { dy in step.needInput ? [try source.clampGradient(dy, top: top)] : [nil] })
            }
            // ReLU and ReLU6 take their gradient from the output, which the next layer keeps
            // anyway: the input (as big) is not kept for the backward pass.
            return (y, { dy in step.needInput ? [try Tensor.clampBackward(output: y, gradient: dy, top: top)] : [nil] })
        }
        return (y, { dy in step.needInput ? [try f.backward(input: x, gradient: dy)] : [nil] })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? { Planned(function: function) }

    private struct Planned: PlannedOperation {
        let function: ElementwiseFunction

        func outputShape(_ xs: [[Int]]) throws -> [Int] { xs[0] }

        var epilogueRole: EpilogueRole? {
            if case .activation(let a) = function { return .activation(a) }
            return nil
        }

        func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                     _ scratch: Scratch) throws {
            let count = shapes[0].reduce(1, *)
            y.update(from: xs[0], count: count)
            switch function {
            case .activation(let a): a.apply(y, count: count)
            case .scalar(let s): for i in 0..<count { y[i] = Float(s.evaluate(Double(y[i])).value) }
            }
        }
    }
}
