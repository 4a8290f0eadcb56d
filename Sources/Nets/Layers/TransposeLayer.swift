import Tensor

/// `TransposeLayer[perm]`: each example's levels reordered as `Transpose[x, perm]` reorders them:
/// level k of the input is level `perm[[k]]` of the output, levels after the permutation's length
/// unchanged. `TransposeLayer[]` swaps the first two levels ({2, 1}).
///
/// - Input: an array of rank at least n, the permutation's length. Output: the same values, levels
///   permuted.
/// - No arrays; the gradient is the output's gradient permuted back.
struct TransposeLayer: LayerOperator, Codable {
    /// 1-based: input level k becomes output level `permutation[k - 1]`.
    var permutation: [Int]

    static let specKey = "transpose"
    private enum CodingKeys: String, CodingKey { case permutation = "_0" }
    var kind: LayerKind { .transpose(permutation) }
    var name: String { "TransposeLayer" }

    /// Whether `p` is a permutation of 1, ..., n for some n of at least 2.
    static func isPermutation(_ p: [Int]) -> Bool { p.count >= 2 && p.sorted() == Array(1...p.count) }

    /// 0-based, for an input of `rank` levels: output level i is input level `order(rank)[i]`.
    func order(_ rank: Int) -> [Int] {
        var o = [Int](repeating: 0, count: permutation.count)
        for (k, p) in permutation.enumerated() { o[p - 1] = k }
        return o + Array(permutation.count..<Swift.max(rank, permutation.count))
    }

    /// The inverse of `order`: input level k is output level `inverse(rank)[k]`.
    func inverse(_ rank: Int) -> [Int] { permutation.map { $0 - 1 } + Array(permutation.count..<Swift.max(rank, permutation.count)) }

    func fixSizes(arrays: [String: Tensor]) throws {
        guard Self.isPermutation(permutation) else { throw NetError("invspec", "TransposeLayer needs a permutation of {1, ..., n}, not {\(permutation.map(String.init).joined(separator: ", "))}") }
    }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        let n = permutation.count
        if let x = shapes.input {
            guard x.count >= n else { throw NetError.incompatible("TransposeLayer permutes \(n) levels, but the input is \(describe(x))") }
            try shapes.setOutput(order(x.count).map { x[$0] })
        }
        if let y = shapes.output {
            guard y.count >= n else { throw NetError.incompatible("TransposeLayer permutes \(n) levels, but the output is \(describe(y))") }
            try shapes.setInput(inverse(y.count).map { y[$0] })
        }
    }

    /// The batch with each example's levels moved by `levels` (result level i is level `levels[i]`).
    private func permuted(_ x: Tensor, _ levels: (Int) -> [Int]) throws -> Tensor {
        guard x.rank > permutation.count else { throw NetError("eval", "TransposeLayer permutes \(permutation.count) levels, not \(x.rank - 1)") }
        return try x.permuted([0] + levels(x.rank - 1).map { $0 + 1 })
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor { try permuted(input(xs), order) }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        (try forward(xs, layer), { [self] dy in [try permuted(dy, inverse)] })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? {
        let operation = self
        return ReferenceStep(layer: layer) { xs in
            guard let x = xs.first, x.count > operation.permutation.count else {
                throw NetError("eval", "TransposeLayer permutes \(operation.permutation.count) levels")
            }
            return [x[0]] + operation.order(x.count - 1).map { x[$0 + 1] }
        }
    }
}
