import Tensor

/// `CatenateLayer[]`: the inputs joined along their first dimension; `CatenateLayer[n]` along
/// level n (negative n counts from the last level).
///
/// - Inputs: any number of arrays of one rank that agree except at the joined level. Output:
///   the same, with the joined level's lengths summed.
/// - No arrays; the gradient is the output's split back.
struct CatenateLayer: LayerOperator, Codable {
    /// The joined level, 1-based (negative from the end); nil is 1 (files before levels hold none).
    var level: Int?

    static let specKey = "catenate"

    var kind: LayerKind { (level ?? 1) == 1 ? .catenate : .catenateAt(level ?? 1) }
    var name: String { "CatenateLayer" }
    var inputCount: Int? { nil }

    func fixSizes(arrays: [String: Tensor]) throws {
        guard let level else { return }
        guard level != 0, level >= -64, level <= 64 else {
            throw NetError("invspec", "CatenateLayer's level counts from 1 (or from -1 at the end) up to 64, not \(level)")
        }
    }

    /// The joined level of an example of `rank` levels, 0-based.
    func axis(rank: Int) throws -> Int {
        let l = level ?? 1, a = l > 0 ? l - 1 : rank + l
        guard a >= 0, a < rank else { throw NetError.incompatible("CatenateLayer joins level \(l), but its inputs have \(rank) level\(rank == 1 ? "" : "s")") }
        return a
    }

    /// The output dimensions for inputs of dimensions `shapes` (each example's).
    func outputShape(_ shapes: [Shape]) throws -> Shape {
        guard let first = shapes.first else { throw NetError("eval", "CatenateLayer got no input") }
        let a = try axis(rank: first.count)
        for s in shapes {
            var x = s, y = first
            guard s.count == first.count else { throw NetError.incompatible("CatenateLayer inputs \(describe(first)) and \(describe(s)) differ in rank") }
            x[a] = 0
            y[a] = 0
            guard x == y else { throw NetError.incompatible("CatenateLayer inputs \(describe(first)) and \(describe(s)) differ beyond the joined level") }
        }
        var out = first
        out[a] = try shapes.map { $0[a] }.reduce(0, Sizes.add)
        return out
    }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        let known = shapes.inputs.compactMap { $0 }
        guard known.count == shapes.inputs.count, !known.isEmpty else { return }
        try shapes.setOutput(try outputShape(known))
    }

    /// For batches of `shapes`: the number of blocks (everything before the joined level, batch
    /// included) and each input's block length.
    private func blocks(_ shapes: [[Int]]) throws -> (outer: Int, sizes: [Int]) {
        guard let first = shapes.first, first.count >= 2 else { throw NetError("eval", "CatenateLayer needs inputs of at least one dimension") }
        let a = try axis(rank: first.count - 1) + 1
        guard shapes.allSatisfy({ $0.count == first.count && Array($0[..<a]) == Array(first[..<a]) }) else {
            throw NetError("eval", "CatenateLayer inputs differ before the joined level (or in their batch)")
        }
        return (first[..<a].reduce(1, *), shapes.map { $0[a...].reduce(1, *) })
    }

    /// The inputs' blocks interleaved: block b of input 0, block b of input 1, ...
    private static func join(_ xs: [UnsafePointer<Float>], outer: Int, sizes: [Int], into y: UnsafeMutablePointer<Float>) {
        var offset = 0
        for b in 0..<outer {
            for (p, size) in zip(xs, sizes) {
                (y + offset).update(from: p + b * size, count: size)
                offset += size
            }
        }
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        let shapes = xs.map(\.shape), (outer, sizes) = try blocks(shapes)
        let out = [shapes[0][0]] + (try outputShape(shapes.map { Array($0.dropFirst()) }))
        let values = xs.map(\.values)
        var y = [Float]()
        y.reserveCapacity(outer * sizes.reduce(0, +))
        for b in 0..<outer {
            for (x, size) in zip(values, sizes) { y.append(contentsOf: x[(b * size)..<((b + 1) * size)]) }
        }
        return try Tensor(shape: out, values: y)
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let shapes = xs.map(\.shape), (outer, sizes) = try blocks(shapes)
        return (try forward(xs, layer), { dy in
            let v = dy.values, width = sizes.reduce(0, +)
            var start = 0
            return try zip(shapes, sizes).map { s, size in
                var out = [Float](repeating: 0, count: outer * size)
                for b in 0..<outer { for j in 0..<size { out[b * size + j] = v[b * width + start + j] } }
                start += size
                return try Tensor(shape: s, values: out)
            }
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? { Planned(operation: self) }

    private struct Planned: PlannedOperation {
        let operation: CatenateLayer

        func outputShape(_ xs: [[Int]]) throws -> [Int] {
            guard let first = xs.first, !first.isEmpty else { throw NetError("eval", "CatenateLayer got no input") }
            return [first[0]] + (try operation.outputShape(xs.map { Array($0.dropFirst()) }))
        }

        func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                     _ scratch: Scratch) throws {
            let (outer, sizes) = try operation.blocks(shapes)
            CatenateLayer.join(xs, outer: outer, sizes: sizes, into: y)
        }
    }
}
