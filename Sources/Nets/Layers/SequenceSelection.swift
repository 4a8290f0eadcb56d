import Tensor

/// What `SequenceLastLayer`, `SequenceMostLayer`, `SequenceRestLayer` and
/// `SequenceReverseLayer` share: each output element is one element of the input sequence (the
/// first dimension), chosen by position; the gradient flows back to the chosen elements.
protocol SequenceSelection: LayerOperator {
    /// The input positions the output's elements come from, for a sequence of `steps` elements;
    /// nil when the sequence is too short.
    func sources(_ steps: Int) -> [Int]?
    /// Whether the output is one element rather than a sequence (SequenceLastLayer).
    var dropsSequence: Bool { get }
}

extension SequenceSelection {
    var dropsSequence: Bool { false }

    /// The output shape for an input shape {T, ...}.
    func outputShape(_ x: Shape) throws -> Shape {
        guard let steps = x.first, let s = sources(steps) else {
            throw NetError.incompatible("\(name) needs a sequence of sufficient length, not \(describe(x))")
        }
        return dropsSequence ? Array(x.dropFirst()) : [s.count] + x.dropFirst()
    }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        if let x = shapes.input { try shapes.setOutput(try outputShape(x)) }
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        let x = try input(xs)
        return try select(x, try rows(x.shape))
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs), picked = try rows(x.shape)
        return (try select(x, picked), { dy in
            guard step.needInput else { return [nil] }
            let g = dy.values, width = picked.width
            var dx = [Float](repeating: 0, count: x.count)
            for (r, source) in picked.sources.enumerated() {
                for j in 0..<width { dx[source * width + j] += g[r * width + j] }
            }
            return [try Tensor(shape: x.shape, values: dx)]
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? { PlannedSelection(selection: self) }

    /// For a batch {n, T, ...}: the flat row (example and position) of every output row, the
    /// width of a row, and the output shape. Under a `SequenceMask`, each example's positions
    /// are chosen from its real elements, and output positions past them keep their padding.
    func rows(_ shape: [Int]) throws -> (sources: [Int], width: Int, shape: [Int]) {
        guard shape.count >= 2, let s = sources(shape[1]) else {
            throw NetError("eval", "\(name) needs a sequence of sufficient length, not \(describe(Array(shape.dropFirst())))")
        }
        let n = shape[0], steps = shape[1], width = shape.dropFirst(2).reduce(1, *)
        var flat = (0..<n).flatMap { e in s.map { e * steps + $0 } }
        if let lengths = SequenceMask.lengths(batch: n, steps: steps) {
            flat = try lengths.enumerated().flatMap { e, length -> [Int] in
                guard let real = sources(length) else { throw NetError("eval", "\(name) needs a sequence of sufficient length, not \(length)") }
                return (real + (real.count..<s.count)).map { e * steps + $0 }
            }
        }
        return (flat, width, [n] + (try outputShape(Array(shape.dropFirst()))))
    }

    private func select(_ x: Tensor, _ picked: (sources: [Int], width: Int, shape: [Int])) throws -> Tensor {
        let v = x.values, w = picked.width
        var out = [Float](repeating: 0, count: picked.sources.count * w)
        for (r, source) in picked.sources.enumerated() {
            for j in 0..<w { out[r * w + j] = v[source * w + j] }
        }
        return try Tensor(shape: picked.shape, values: out)
    }
}

private struct PlannedSelection<S: SequenceSelection>: PlannedOperation {
    let selection: S

    func outputShape(_ xs: [[Int]]) throws -> [Int] { try selection.rows(xs[0]).shape }

    func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                 _ scratch: Scratch) throws {
        let picked = try selection.rows(shapes[0]), w = picked.width
        for (r, source) in picked.sources.enumerated() { (y + r * w).update(from: xs[0] + source * w, count: w) }
    }
}
