import Tensor

/// What `PaddingLayer[{{m1, n1}, ...}, "Padding" -> p]` adds and with what.
public struct PaddingSpec: Sendable, Equatable, Codable {
    /// What fills the new elements: a constant, the nearest edge element ("Fixed"), the
    /// elements mirrored about the edge ("Reflected"), or the array repeated ("Periodic").
    public enum Fill: Sendable, Equatable, Codable { case value(Float), fixed, reflected, periodic }

    /// Elements added before and after each level, from the first (later levels unpadded).
    public var margins: [[Int]]
    public var fill: Fill

    public init(margins: [[Int]], fill: Fill = .value(0)) {
        self.margins = margins
        self.fill = fill
    }

    /// The largest margin a level may get.
    public static let maxMargin = 1 << 16

    /// The dimensions of an example of dimensions `x`, padded.
    public func outputShape(_ x: Shape) throws -> Shape {
        guard margins.count <= x.count else {
            throw NetError.incompatible("PaddingLayer pads \(margins.count) levels, but the input is \(describe(x))")
        }
        var y = x
        for (k, m) in margins.enumerated() {
            y[k] = x[k] + m[0] + m[1]
            if case .reflected = fill, m.contains(where: { $0 >= x[k] }) {
                throw NetError.incompatible("a reflected margin must be shorter than the level it mirrors (\(x[k]))")
            }
        }
        try Sizes.count(y, "the padded array")
        return y
    }
}

/// `PaddingLayer[{{m1, n1}, {m2, n2}, ...}]`: each level k of each example extended by m_k
/// elements before and n_k after (zeros, or per `"Padding"`).
///
/// - Input: an array of rank at least the number of margins. Output: the padded array.
/// - No arrays; the gradient of every copied element flows back to the element it copies.
struct PaddingLayer: SeparableLevelsLayer, Codable {
    var spec: PaddingSpec

    static let specKey = "padding"
    private enum CodingKeys: String, CodingKey { case spec = "_0" }
    var kind: LayerKind { .padding(spec) }
    var name: String { "PaddingLayer" }

    func fixSizes(arrays: [String: Tensor]) throws {
        guard !spec.margins.isEmpty, spec.margins.count <= 64,
              spec.margins.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0 >= 0 && $0 <= PaddingSpec.maxMargin } }) else {
            throw NetError("invspec", "PaddingLayer needs pairs {before, after} of margins between 0 and \(PaddingSpec.maxMargin), for 1 to 64 levels")
        }
        if case .value(let v) = spec.fill, !v.isFinite { throw NetError("invspec", "PaddingLayer's padding value must be a finite number") }
    }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        if let x = shapes.input { try shapes.setOutput(try spec.outputShape(x)) }
    }

    /// The input position each output position of a level of length `n` copies (-1: the constant).
    func sources(_ n: Int, before: Int, after: Int) -> [Int] {
        (0..<(n + before + after)).map { o in
            let i = o - before
            if i >= 0 && i < n { return i }
            switch spec.fill {
            case .value: return -1
            case .fixed: return Swift.min(Swift.max(i, 0), n - 1)
            case .reflected: return i < 0 ? -i : 2 * (n - 1) - i
            case .periodic: return ((i % n) + n) % n
            }
        }
    }

    func outputShape(_ x: Shape) throws -> Shape { try spec.outputShape(x) }

    /// The levels padded one after another over a batch of `shape`.
    func levels(for shape: [Int]) throws -> SeparableLevels {
        let levels = spec.margins.enumerated().filter { $0.element != [0, 0] }.map { k, m in
            SeparableLevels.Level(axis: k + 1, n: shape[k + 1], taps: sources(shape[k + 1], before: m[0], after: m[1]).map(SeparableLevels.Tap.copy))
        }
        let constant: Float = { if case .value(let v) = spec.fill { return v } else { return 0 } }()
        return SeparableLevels(levels: levels, fill: constant)
    }
}
