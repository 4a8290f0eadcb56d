import Tensor

/// `CatenateLayer[]`: the inputs joined along their first dimension.
///
/// - Inputs: any number of shapes {c_i, rest...} that agree beyond the first dimension.
///   Output: {sum of c_i, rest...}.
/// - No arrays.
struct CatenateLayer: LayerOperator, Codable {
    static let specKey = "catenate"

    var kind: LayerKind { .catenate }
    var name: String { "CatenateLayer" }
    var inputCount: Int? { nil }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        let known = shapes.inputs.compactMap { $0 }
        guard known.count == shapes.inputs.count, let first = known.first else { return }
        for s in known where s.count != first.count || Array(s.dropFirst()) != Array(first.dropFirst()) {
            throw NetError.incompatible("CatenateLayer inputs \(describe(first)) and \(describe(s)) differ beyond the first dimension")
        }
        let lead = try known.map { $0.first ?? 1 }.reduce(0, Sizes.add)
        try shapes.setOutput([lead] + first.dropFirst())
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        let n = try input(xs).batchCount
        var perItem: [[Float]] = Array(repeating: [], count: n)
        for x in xs {
            guard x.batchCount == n else { throw NetError("eval", "CatenateLayer inputs have different batch sizes") }
            let size = x.count / Swift.max(n, 1)
            let v = x.values
            for i in 0..<n { perItem[i].append(contentsOf: v[(i * size)..<((i + 1) * size)]) }
        }
        let rest = xs.map { Array($0.shape.dropFirst()) }
        let lead = rest.map { $0.first ?? 1 }.reduce(0, +)
        return try Tensor(shape: [n, lead] + (rest[0].dropFirst()), values: perItem.flatMap { $0 })
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let shapes = xs.map(\.shape)
        return (try forward(xs, layer), { dy in try Self.split(dy, shapes) })
    }

    /// The gradient of a catenation split back into its inputs' shapes (along axis 1).
    private static func split(_ dy: Tensor, _ shapes: [[Int]]) throws -> [Tensor?] {
        let n = dy.batchCount, per = dy.count / Swift.max(n, 1)
        let v = dy.values
        var offset = 0
        return try shapes.map { s in
            let size = s.dropFirst().reduce(1, *)
            var out: [Float] = []
            out.reserveCapacity(n * size)
            for i in 0..<n { out.append(contentsOf: v[(i * per + offset)..<(i * per + offset + size)]) }
            offset += size
            return try Tensor(shape: s, values: out)
        }
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? { Planned() }

    private struct Planned: PlannedOperation {
        func outputShape(_ xs: [[Int]]) throws -> [Int] {
            guard xs.allSatisfy({ $0.count >= 2 }) else { throw NetError("eval", "CatenateLayer needs inputs of at least one dimension") }
            return [xs[0][0], xs.map { $0[1] }.reduce(0, +)] + xs[0].dropFirst(2)
        }

        func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                     _ scratch: Scratch) throws {
            var offset = 0
            for i in 0..<shapes[0][0] {
                for (p, s) in zip(xs, shapes) {
                    let size = s.dropFirst().reduce(1, *)
                    (y + offset).update(from: p + i * size, count: size)
                    offset += size
                }
            }
        }
    }
}
