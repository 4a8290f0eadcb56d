import Tensor

/// A plan step that runs a layer's reference forward pass on the step's inputs: for layers
/// whose work is one call into a kernel (attention, normalization, mapped layers), where a
/// dedicated plan step would repeat the forward pass.
struct ReferenceStep: PlannedOperation {
    let layer: Layer
    /// The output's shape (batch included) for the inputs' shapes.
    let shape: @Sendable ([[Int]]) throws -> [Int]

    func outputShape(_ xs: [[Int]]) throws -> [Int] { try shape(xs) }

    func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                 _ scratch: Scratch) throws {
        let inputs = try zip(xs, shapes).map { p, s in
            try Tensor(shape: s, values: Array(UnsafeBufferPointer(start: p, count: s.reduce(1, *))))
        }
        let out = try layer.forward(inputs)
        guard out.shape == yShape else { throw NetError("eval", "\(layer.kind.name) gave \(describe(out.shape)) for \(describe(yShape))") }
        out.withUnsafeBufferPointer { p in
            guard let b = p.baseAddress else { return }
            y.update(from: b, count: out.count)
        }
    }
}
