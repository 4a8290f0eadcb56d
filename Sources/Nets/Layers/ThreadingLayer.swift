import Foundation
import Tensor

/// What `ThreadingLayer[f, bspec]` computes and how it matches shapes.
public struct ThreadingSpec: Sendable, Equatable, Codable {
    /// The function threaded over corresponding elements: Plus, Times, Min and Max take any
    /// number of inputs (folded from the left), Subtract, Divide and Power two.
    public enum Function: String, Sendable, Codable, CaseIterable {
        case plus = "Plus", subtract = "Subtract", times = "Times", divide = "Divide", power = "Power", min = "Min", max = "Max"

        /// Whether it takes exactly two inputs.
        public var isBinary: Bool { [.subtract, .divide, .power].contains(self) }
    }

    public var function: Function
    /// Whether inputs of the same rank may differ in dimensions of length 1, which are
    /// replicated (Automatic); otherwise every input has the output's shape (None).
    public var broadcasting: Bool

    public init(function: Function, broadcasting: Bool = true) {
        self.function = function
        self.broadcasting = broadcasting
    }
}

/// `ThreadingLayer[f]`: f applied to corresponding elements of its inputs, arrays of the same
/// rank whose dimensions agree or are 1 (replicated to the largest).
///
/// - Inputs: two or more arrays (exactly two for Subtract, Divide and Power). Output: the
///   broadcast shape.
/// - No arrays; each input's gradient is the partial derivative of f times the output's
///   gradient, summed over the dimensions that were replicated.
struct ThreadingLayer: LayerOperator, Codable {
    var spec: ThreadingSpec

    static let specKey = "threading"
    private enum CodingKeys: String, CodingKey { case spec = "_0" }
    var kind: LayerKind { .threading(spec) }
    var name: String { "ThreadingLayer" }
    var inputCount: Int? { spec.function.isBinary ? 2 : nil }

    /// The shape the inputs broadcast to, as far as they are known.
    func common(_ shapes: [Shape?], _ output: Shape?) throws -> Shape? {
        var result = output
        for case let s? in shapes {
            guard let r = result else { result = s; continue }
            guard spec.broadcasting else {
                guard r == s else { throw NetError.incompatible("ThreadingLayer inputs \(describe(r)) and \(describe(s)) differ (no broadcasting)") }
                continue
            }
            guard r.count == s.count, zip(r, s).allSatisfy({ $0 == $1 || $0 == 1 || $1 == 1 }) else {
                throw NetError.incompatible("ThreadingLayer cannot broadcast \(describe(r)) and \(describe(s)): ranks must agree and dimensions be equal or 1")
            }
            result = zip(r, s).map { Swift.max($0, $1) }
        }
        return result
    }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        guard !spec.function.isBinary || shapes.inputs.count == 2 else {
            throw NetError("invspec", "ThreadingLayer[\(spec.function.rawValue)] takes two inputs, not \(shapes.inputs.count)")
        }
        // With an output known, the inputs are only bounded by it (a dimension may be 1).
        let c = try common(shapes.inputs, nil)
        try shapes.setOutput(c)
        if !spec.broadcasting { for i in shapes.inputs.indices { try shapes.setInput(shapes.output, i) } }
    }

    /// `a f b` and its partial derivatives in a and b.
    static func apply(_ f: ThreadingSpec.Function, _ a: Float, _ b: Float) -> (value: Float, da: Float, db: Float) {
        switch f {
        case .plus: return (a + b, 1, 1)
        case .subtract: return (a - b, 1, -1)
        case .times: return (a * b, b, a)
        case .divide: return (a / b, 1 / b, -a / (b * b))
        case .power:
            let v = powf(a, b)
            return (v, b * powf(a, b - 1), a > 0 ? v * logf(a) : 0)
        case .min: return a <= b ? (a, 1, 0) : (b, 0, 1)
        case .max: return a >= b ? (a, 1, 0) : (b, 0, 1)
        }
    }

    /// `x` of batch shape `from` replicated to `to` (same rank, each dimension equal or 1).
    static func broadcast(_ x: [Float], from: [Int], to: [Int]) -> [Float] {
        guard from != to else { return x }
        let strides = strides(from, to)
        var out = [Float](repeating: 0, count: to.reduce(1, *))
        for i in out.indices { out[i] = x[source(i, to, strides)] }
        return out
    }

    /// The gradient `g` of a replicated array (batch shape `to`) summed back to shape `from`.
    static func reduce(_ g: [Float], from: [Int], to: [Int]) -> [Float] {
        guard from != to else { return g }
        let strides = strides(from, to)
        var out = [Float](repeating: 0, count: from.reduce(1, *))
        for i in g.indices { out[source(i, to, strides)] += g[i] }
        return out
    }

    /// The strides of `from` in `to`'s index space (0 where a dimension of 1 is replicated).
    private static func strides(_ from: [Int], _ to: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: from.count), s = 1
        for k in from.indices.reversed() {
            strides[k] = from[k] == 1 && to[k] != 1 ? 0 : s
            s *= from[k]
        }
        return strides
    }

    /// The offset in the smaller array of element `i` of the broadcast one.
    private static func source(_ i: Int, _ to: [Int], _ strides: [Int]) -> Int {
        var rest = i, offset = 0
        for k in to.indices.reversed() {
            offset += (rest % to[k]) * strides[k]
            rest /= to[k]
        }
        return offset
    }

    /// The inputs replicated to the common batch shape, and that shape.
    private func conformed(_ xs: [Tensor]) throws -> ([[Float]], [Int]) {
        guard xs.count >= 2 || (xs.count == 1 && !spec.function.isBinary) else {
            throw NetError("eval", "ThreadingLayer[\(spec.function.rawValue)] needs \(spec.function.isBinary ? "two inputs" : "at least one input")")
        }
        guard let shape = try common(xs.map(\.shape), nil) else { throw NetError("eval", "ThreadingLayer got no input") }
        return (xs.map { Self.broadcast($0.values, from: $0.shape, to: shape) }, shape)
    }

    func forward(_ xs: [Tensor], _ layer: Layer) throws -> Tensor {
        let (vs, shape) = try conformed(xs)
        var acc = vs[0]
        for v in vs.dropFirst() { for i in acc.indices { acc[i] = Self.apply(spec.function, acc[i], v[i]).value } }
        return try Tensor(shape: shape, values: acc)
    }

    func trainForward(_ xs: [Tensor], _ layer: Layer, _ step: TrainingStep) throws -> (Tensor, Backward) {
        let (vs, shape) = try conformed(xs), f = spec.function
        // The running result before each input joins: partials[k] is f folded over inputs 0...k.
        var partials = [vs[0]]
        for v in vs.dropFirst() {
            let a = partials[partials.count - 1]
            partials.append(a.indices.map { Self.apply(f, a[$0], v[$0]).value })
        }
        return (try Tensor(shape: shape, values: partials[partials.count - 1]), { dy in
            guard step.needInput else { return xs.map { _ in nil } }
            var g = dy.values, grads = [[Float]](repeating: [], count: vs.count)
            for k in stride(from: vs.count - 1, through: 1, by: -1) {
                let a = partials[k - 1], b = vs[k]
                var ga = g, gb = g
                for i in g.indices {
                    let d = Self.apply(f, a[i], b[i])
                    ga[i] = g[i] * d.da
                    gb[i] = g[i] * d.db
                }
                grads[k] = gb
                g = ga
            }
            grads[0] = g
            return try zip(xs, grads).map { x, gx in try Tensor(shape: x.shape, values: Self.reduce(gx, from: x.shape, to: shape)) }
        })
    }

    func planned(_ layer: Layer) throws -> (any PlannedOperation)? {
        let operation = self
        return ReferenceStep(layer: layer) { xs in
            guard let s = try operation.common(xs.map { Optional($0) }, nil) else { throw NetError("eval", "ThreadingLayer got no input") }
            return s
        }
    }
}
