import Tensor

/// A map applied to an array one level at a time: each level, viewed as {outer, n, inner}, becomes
/// {outer, m, inner}, every output position along it a blend of at most two input positions. What
/// `ResizeLayer` (linear or nearest resampling) and `PaddingLayer` (copies of edge, mirrored or
/// periodic elements, or a constant) do, and their gradients: the same walk transposed, levels in
/// reverse order.
struct SeparableLevels {
    /// Where one output position along a level reads: `(1 - weight) * x[first] + weight * x[second]`,
    /// or the fill value when `first` is negative.
    struct Tap {
        var first: Int
        var second: Int
        var weight: Float

        /// A copy of input position `i` (the fill when `i` is negative).
        static func copy(_ i: Int) -> Tap { Tap(first: i, second: i, weight: 0) }
    }

    /// One level of a batch's shape: its place in the shape, its input length, and a tap per output position.
    struct Level {
        var axis: Int
        var n: Int
        var taps: [Tap]
        var m: Int { taps.count }
    }

    var levels: [Level]
    /// What a tap with a negative position writes (forward only; its gradient goes nowhere).
    var fill: Float = 0

    /// The levels applied in order to `values` of batch `shape`; with `transposed`, `values` is the
    /// gradient of the output and the result the gradient of the input.
    func run(_ values: [Float], _ shape: [Int], transposed: Bool) -> [Float] {
        var v = values, dims = shape
        if transposed { for level in levels { dims[level.axis] = level.m } }
        for level in transposed ? levels.reversed() : levels {
            let outer = dims[..<level.axis].reduce(1, *), inner = dims[(level.axis + 1)...].reduce(1, *)
            v = step(v, level, outer: outer, inner: inner, transposed: transposed)
            dims[level.axis] = transposed ? level.n : level.m
        }
        return v
    }

    /// One level: {outer, n, inner} to {outer, m, inner}; transposed, the gradient back from
    /// {outer, m, inner} to {outer, n, inner}.
    private func step(_ x: [Float], _ level: Level, outer: Int, inner: Int, transposed: Bool) -> [Float] {
        let (from, to) = transposed ? (level.m, level.n) : (level.n, level.m)
        var y = [Float](repeating: transposed ? 0 : fill, count: outer * to * inner)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in
                guard let src = xp.baseAddress, let dst = yp.baseAddress else { return }
                for b in 0..<outer {
                    let xb = src + b * from * inner, yb = dst + b * to * inner
                    for (o, tap) in level.taps.enumerated() where tap.first >= 0 {
                        let w = tap.weight
                        if transposed {
                            let d = xb + o * inner, a = yb + tap.first * inner, c = yb + tap.second * inner
                            for j in 0..<inner { a[j] += (1 - w) * d[j]; c[j] += w * d[j] }
                        } else {
                            let a = xb + tap.first * inner, c = xb + tap.second * inner, r = yb + o * inner
                            for j in 0..<inner { r[j] = (1 - w) * a[j] + w * c[j] }
                        }
                    }
                }
            }
        }
        return y
    }
}

/// A layer that is one `SeparableLevels` walk over its input (`ResizeLayer`, `PaddingLayer`):
/// it says how an example's dimensions change and which levels a batch's shape walks, and gets
/// its forward pass, its gradient (the walk transposed) and its inference step from here.
protocol SeparableLevelsLayer: LayerOperator {
    /// The dimensions of an output example for an input example of dimensions `x`.
    func outputShape(_ x: Shape) throws -> Shape
    /// The walk over a batch of `shape` ({batch, ...}), once `outputShape` has accepted its examples.
    func levels(for shape: [Int]) throws -> SeparableLevels
}

extension SeparableLevelsLayer {
    /// The output batch's shape for an input batch of `shape`.
    private func batchShape(_ shape: [Int]) throws -> [Int] {
        guard let batch = shape.first else { throw NetError("eval", "\(name) got no batch") }
        return [batch] + (try outputShape(Array(shape.dropFirst())))
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        let x = try input(xs)
        let shape = try batchShape(x.shape)  // checks the input's rank before the walk indexes it
        return try Tensor(shape: shape, values: try levels(for: x.shape).run(x.values, x.shape, transposed: false))
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let x = try input(xs)
        return (try forward(xs, layer), { [self] dy in
            guard step.needInput else { return [nil] }
            return [try Tensor(shape: x.shape, values: try levels(for: x.shape).run(dy.values, x.shape, transposed: true))]
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? {
        let operation = self
        return ReferenceStep(layer: layer) { xs in try operation.batchShape(xs.first ?? []) }
    }
}
