import Tensor

/// One level's part in `PartLayer[spec]`, as `Part` reads it: an element (the level goes), a span
/// `i;;j;;k`, a list of elements, or `All`. Positions are 1-based; negative ones count from the end.
public enum PartSpec: Sendable, Equatable, Codable {
    case element(Int)
    /// `from;;to;;step`; `to` nil is `All` (the last element, or the first when `step` is negative).
    case span(from: Int, to: Int?, step: Int)
    case elements([Int])
    case all
}

extension PartSpec {
    /// Longest list of positions a level spec may name, and most blocks a PartLayer may take.
    public static let maxPositions = 1 << 24
}

/// `PartLayer[spec]`: the part of each example that `Part[x, spec...]` takes. `PartLayer[i]` drops
/// the first level, `PartLayer[i;;j;;k]` keeps it, `PartLayer[{s1, s2, ...}]` takes `sk` at level k.
///
/// - Input: an array of rank at least the number of level specs. Output: the chosen elements,
///   without the levels given as single elements.
/// - No arrays; the gradient is the output's gradient put back where its elements came from.
struct PartLayer: LayerOperator, Codable {
    var specs: [PartSpec]

    static let specKey = "part"
    private enum CodingKeys: String, CodingKey { case specs = "_0" }
    var kind: LayerKind { .part(specs) }
    var name: String { "PartLayer" }

    func fixSizes(arrays: [String: Tensor]) throws {
        guard !specs.isEmpty, specs.count <= 64 else { throw NetError("invspec", "PartLayer needs between 1 and 64 level specifications") }
        for s in specs {
            switch s {
            case .element(let i): guard i != 0 else { throw NetError("invspec", "PartLayer positions count from 1 (or from -1 at the end), not 0") }
            case .span(let from, let to, let step):
                guard from != 0, to != 0, step != 0 else { throw NetError("invspec", "a span in PartLayer needs nonzero positions and step") }
            case .elements(let list):
                guard !list.isEmpty, list.count <= PartSpec.maxPositions, !list.contains(0) else {
                    throw NetError("invspec", "a list of positions in PartLayer needs between 1 and \(PartSpec.maxPositions) nonzero positions")
                }
            case .all: break
            }
        }
    }

    /// The 0-based positions of level `k` that the spec takes from a level of length `n`.
    static func positions(_ s: PartSpec, _ n: Int) throws -> [Int] {
        func at(_ i: Int) throws -> Int {
            let p = i < 0 ? n + i : i - 1
            guard p >= 0, p < n else { throw NetError.incompatible("PartLayer asks for position \(i) of a level of length \(n)") }
            return p
        }
        switch s {
        case .element(let i): return [try at(i)]
        case .elements(let list): return try list.map(at)
        case .all: return Array(0..<n)
        case .span(let from, let to, let step):
            let a = try at(from), b = try to.map(at) ?? (step > 0 ? n - 1 : 0)
            guard step > 0 ? a <= b : a >= b else {
                throw NetError.incompatible("PartLayer's span \(from);;\(to.map(String.init) ?? "All");;\(step) takes no element of a level of length \(n)")
            }
            return Array(stride(from: a, through: b, by: step))
        }
    }

    /// For an example of dimensions `x`: the flat offset of the first value of each output block
    /// (in output order), the length of a block (the levels after the specs), and the output's
    /// dimensions.
    func selection(_ x: Shape) throws -> (offsets: [Int], width: Int, shape: Shape) {
        guard x.count >= specs.count else {
            throw NetError.incompatible("PartLayer takes parts of \(specs.count) level\(specs.count == 1 ? "" : "s"), but the input is \(describe(x))")
        }
        try Sizes.count(x, "the input")
        let width = x.dropFirst(specs.count).reduce(1, *)
        var offsets = [0], shape: Shape = []
        // The distance between neighbours of level k (within the example's checked size).
        var strides = [Int](repeating: width, count: specs.count)
        for k in (0..<specs.count).reversed().dropFirst() { strides[k] = strides[k + 1] * x[k + 1] }
        for (k, s) in specs.enumerated() {
            let p = try Self.positions(s, x[k])
            guard offsets.count.multipliedReportingOverflow(by: p.count).partialValue <= PartSpec.maxPositions else {
                throw NetError("eval", "PartLayer's output would have more than \(PartSpec.maxPositions) blocks")
            }
            offsets = offsets.flatMap { o in p.map { o + $0 * strides[k] } }
            if case .element = s { continue }
            shape.append(p.count)
        }
        return (offsets, width, shape + x.dropFirst(specs.count))
    }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        if let x = shapes.input { try shapes.setOutput(try selection(x).shape) }
    }

    /// The selection for a batch `{n, ...}`; a padded batch of sequences is refused when the
    /// first level is cut (the cut would count the padding).
    private func batchSelection(_ x: Tensor) throws -> (offsets: [Int], width: Int, shape: Shape) {
        guard x.rank >= 1 else { throw NetError("eval", "PartLayer got no batch") }
        if x.rank > 1, specs.first != .all, SequenceMask.lengths(batch: x.shape[0], steps: x.shape[1]) != nil {
            throw NetError("eval", "PartLayer cannot cut sequences of different lengths in one batch (use SequenceLastLayer, SequenceMostLayer or SequenceRestLayer)")
        }
        return try selection(Array(x.shape.dropFirst()))
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        let x = try input(xs), picked = try batchSelection(x)
        let n = x.batchCount, inner = x.count / Swift.max(n, 1), w = picked.width
        var out = [Float](repeating: 0, count: n * picked.offsets.count * w)
        x.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                guard let src = v.baseAddress, let dst = o.baseAddress else { return }
                var r = 0
                for e in 0..<n {
                    for offset in picked.offsets {
                        (dst + r * w).update(from: src + e * inner + offset, count: w)
                        r += 1
                    }
                }
            }
        }
        return try Tensor(shape: [n] + picked.shape, values: out)
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs), picked = try batchSelection(x)
        return (try forward(xs, layer), { dy in
            guard step.needInput else { return [nil] }
            let n = x.batchCount, inner = x.count / Swift.max(n, 1), w = picked.width, g = dy.values
            var dx = [Float](repeating: 0, count: x.count)
            var r = 0
            for e in 0..<n {
                for offset in picked.offsets {
                    for j in 0..<w { dx[e * inner + offset + j] += g[r * w + j] }
                    r += 1
                }
            }
            return [try Tensor(shape: x.shape, values: dx)]
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? {
        let operation = self
        return ReferenceStep(layer: layer) { xs in
            guard let x = xs.first, !x.isEmpty else { throw NetError("eval", "PartLayer got no batch") }
            return [x[0]] + (try operation.selection(Array(x.dropFirst())).shape)
        }
    }
}
