import Tensor

/// `PoolingLayer[kernel]`: the max, mean or total of each window, channel by channel.
///
/// - Input: {c, h, w}. Output: {c, h', w'}, h' and w' from the window (`WindowSpec.outputSize`).
/// - No arrays.
struct PoolingLayer: LayerOperator, Codable {
    var window: WindowSpec
    var function: Pooling.Function

    static let specKey = "pooling"

    private enum CodingKeys: String, CodingKey { case window = "_0", function = "_1" }
    var kind: LayerKind { .pooling(window, function) }
    var name: String { "PoolingLayer" }

    func fixSizes(arrays: [String: Tensor]) throws { try window.validate() }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        guard let x = shapes.input else { return }
        try window.checkInput(x, of: name)
        let (ho, wo) = try window.outputSize(x)
        try shapes.setOutput([x[0], ho, wo])
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        let x = try input(xs)
        guard x.rank == 4 else { throw NetError("eval", "PoolingLayer needs {channels, height, width} inputs") }
        return try Pooling.forward(x, function, window: try window.window(x.shape[2], x.shape[3]))
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs), f = function
        guard x.rank == 4 else { throw NetError("eval", "PoolingLayer needs {channels, height, width} inputs") }
        let win = try window.window(x.shape[2], x.shape[3])
        let y = try Pooling.forward(x, f, window: win)
        return (y, { dy in step.needInput ? [try Pooling.backward(x, f, window: win, gradient: dy)] : [nil] })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? { Planned(window: window, function: function) }

    private struct Planned: PlannedOperation {
        let window: WindowSpec
        let function: Pooling.Function

        func outputShape(_ xs: [[Int]]) throws -> [Int] {
            let x = xs[0]
            guard x.count == 4 else { throw NetError("eval", "pooling needs {channels, height, width} inputs") }
            let (ho, wo) = try window.window(x[2], x[3]).output(x[2], x[3])
            return [x[0], x[1], ho, wo]
        }

        func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                     _ scratch: Scratch) throws {
            try Pooling.inference(xs[0], shape: shapes[0], function, window: try window.window(shapes[0][2], shapes[0][3]), output: y)
        }
    }
}
