import Tensor

/// `AggregationLayer[f, 1]`: the max, mean or total over the first dimension (the elements of
/// a sequence), position by position: {T, ...} in, {...} out.
///
/// - No arrays. The gradient of Max goes to the first element that reached the maximum.
struct SequenceAggregationLayer: LayerOperator, Codable {
    var function: Pooling.Function

    static let specKey = "sequenceAggregation"

    private enum CodingKeys: String, CodingKey { case function = "_0" }
    var kind: LayerKind { .sequenceAggregation(function) }
    var name: String { "AggregationLayer" }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        guard let x = shapes.input else { return }
        guard !x.isEmpty else { throw NetError.incompatible("AggregationLayer[f, 1] needs a sequence, not \(describe(x))") }
        try shapes.setOutput(Array(x.dropFirst()))
    }

    /// For a batch {n, T, ...}: the output and, per output value, the input position it came
    /// from (Max).
    /// Under a `SequenceMask`, only each example's real elements count (`lengths`).
    static func aggregate(_ x: UnsafePointer<Float>, _ shape: [Int], _ f: Pooling.Function, into y: UnsafeMutablePointer<Float>,
                          lengths: [Int]? = nil) -> [Int] {
        let n = shape[0], steps = shape.count > 1 ? shape[1] : 1, width = shape.dropFirst(2).reduce(1, *)
        var argmax = f == .max ? [Int](repeating: 0, count: n * width) : []
        for e in 0..<n {
            let count = lengths?[e] ?? steps
            for j in 0..<width {
                var acc: Float = f == .max ? -.infinity : 0, best = 0
                for t in 0..<count {
                    let i = (e * steps + t) * width + j, v = x[i]
                    if f == .max { if v > acc { acc = v; best = i } } else { acc += v }
                }
                y[e * width + j] = f == .mean ? acc / Float(Swift.max(count, 1)) : acc
                if f == .max { argmax[e * width + j] = best }
            }
        }
        return argmax
    }

    private func run(_ x: Tensor) throws -> (Tensor, [Int], [Int]?) {
        guard x.rank >= 2 else { throw NetError("eval", "AggregationLayer[f, 1] needs a sequence") }
        var y = try Tensor(shape: [x.shape[0]] + x.shape.dropFirst(2))
        let f = function, lengths = SequenceMask.lengths(batch: x.shape[0], steps: x.shape[1])
        let argmax = x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp -> [Int] in
                guard let xb = xp.baseAddress, let yb = yp.baseAddress else { return [] }
                return Self.aggregate(xb, x.shape, f, into: yb, lengths: lengths)
            }
        }
        return (y, argmax, lengths)
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor { try run(input(xs)).0 }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs), (y, argmax, lengths) = try run(x), f = function
        return (y, { dy in
            guard step.needInput else { return [nil] }
            let g = dy.values, steps = x.shape[1], width = g.count / Swift.max(x.shape[0], 1)
            var dx = [Float](repeating: 0, count: x.count)
            for (k, gk) in g.enumerated() {
                if f == .max { dx[argmax[k]] += gk; continue }
                let e = k / Swift.max(width, 1), j = k % Swift.max(width, 1), count = lengths?[e] ?? steps
                let share = f == .mean ? gk / Float(count) : gk
                for t in 0..<count { dx[(e * steps + t) * width + j] += share }
            }
            return [try Tensor(shape: x.shape, values: dx)]
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? { Planned(function: function) }

    private struct Planned: PlannedOperation {
        let function: Pooling.Function

        func outputShape(_ xs: [[Int]]) throws -> [Int] {
            guard xs[0].count >= 2 else { throw NetError("eval", "AggregationLayer[f, 1] needs a sequence") }
            return [xs[0][0]] + xs[0].dropFirst(2)
        }

        func execute(_ xs: [UnsafePointer<Float>], _ shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, _ yShape: [Int],
                     _ scratch: Scratch) throws {
            _ = SequenceAggregationLayer.aggregate(xs[0], shapes[0], function, into: y)
        }
    }
}
