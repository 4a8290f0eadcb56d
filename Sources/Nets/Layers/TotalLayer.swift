import Tensor

/// `TotalLayer[]` (and `ThreadingLayer[Plus]`): the sum of the inputs.
///
/// - Inputs: any number of equal shapes. Output: that shape.
/// - No arrays.
/// - Fusion: a sum of two inputs, one of them a convolution's output, becomes that
///   convolution's residual addition (`EpilogueRole.addition`).
struct TotalLayer: LayerOperator, Codable {
    static let specKey = "total"

    var kind: LayerKind { .total }
    var name: String { "TotalLayer" }
    var inputCount: Int? { nil }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        var common = shapes.output
        for s in shapes.inputs {
            guard let m = unify(common, s) else { throw NetError.incompatible("TotalLayer inputs \(describe(common)) and \(describe(s)) differ") }
            common = m
        }
        try shapes.setOutput(common)
        for i in shapes.inputs.indices { try shapes.setInput(common, i) }
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        var sum = try input(xs)
        for y in xs.dropFirst() { sum = try sum + y }
        return sum
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let count = xs.count
        return (try forward(xs, layer), { dy in Array(repeating: dy, count: count) })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? { Planned() }

    private struct Planned: PlannedOperation {
        func outputShape(_ xs: [[Int]]) throws -> [Int] {
            guard xs.allSatisfy({ $0 == xs[0] }) else { throw NetError("eval", "TotalLayer inputs differ in shape") }
            return xs[0]
        }

        var epilogueRole: EpilogueRole? { .addition }

        func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                     _ scratch: Scratch) throws {
            let count = shapes[0].reduce(1, *)
            y.update(from: xs[0], count: count)
            for other in xs.dropFirst() { for i in 0..<count { y[i] += other[i] } }
        }
    }
}
