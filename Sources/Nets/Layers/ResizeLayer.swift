import Tensor

/// What `ResizeLayer[{d1, ..., dn}, opts]` resizes to and how it resamples.
public struct ResizeSpec: Sendable, Equatable, Codable {
    /// The new length of one resized level.
    public enum Dimension: Sendable, Equatable, Codable {
        case size(Int)
        /// A ratio of the input's length (the output has the length rounded down, at least 1).
        case scaled(Double)
        case all
    }

    public enum Resampling: String, Sendable, Codable { case linear = "Linear", nearest = "Nearest" }

    /// Where samples sit, as `ArrayResample`'s schemes put them: `point` puts the first and last
    /// samples on the first and last input values (PyTorch's align_corners); `bin` treats each
    /// value as the centre of a bin of equal width (ONNX's half_pixel).
    public enum Scheme: String, Sendable, Codable { case point = "Point", bin = "Bin" }

    public var dimensions: [Dimension]
    public var resampling: Resampling
    public var scheme: Scheme
    /// Whether the channels are the last level rather than the first.
    public var interleaving: Bool

    public init(dimensions: [Dimension], resampling: Resampling = .linear, scheme: Scheme? = nil, interleaving: Bool = false) {
        self.dimensions = dimensions
        self.resampling = resampling
        // Wolfram's automatic scheme: point sampling for linear resampling, bins for nearest.
        self.scheme = scheme ?? (resampling == .linear ? .point : .bin)
        self.interleaving = interleaving
    }
}

extension ResizeSpec {
    /// Longest resized level.
    public static let maxLength = 1 << 20

    /// The levels of an example that are resized (0-based).
    public func axes(rank: Int) throws -> [Int] {
        let n = dimensions.count
        guard rank == n + 1 else {
            throw NetError.incompatible("ResizeLayer resizes \(n) level\(n == 1 ? "" : "s") of an array of rank \(n + 1), not of rank \(rank)")
        }
        return interleaving ? Array(0..<n) : Array(1...n)
    }

    /// The output dimensions for an example of dimensions `x`.
    public func outputShape(_ x: Shape) throws -> Shape {
        var y = x
        for (d, axis) in zip(dimensions, try axes(rank: x.count)) {
            switch d {
            case .size(let n): y[axis] = n
            case .scaled(let r): y[axis] = Swift.max(1, Int((Double(x[axis]) * r + 1e-9).rounded(.down)))
            case .all: break
            }
            guard y[axis] <= Self.maxLength else { throw NetError("eval", "ResizeLayer would make a level of length \(y[axis]), more than \(ResizeSpec.maxLength)") }
        }
        try Sizes.count(y, "the resized array")
        return y
    }
}

/// `ResizeLayer[{d1, ..., dn}]`: each example's n spatial levels resampled to new lengths,
/// piecewise linearly or to the nearest value, the channel level (first, or last when
/// interleaved) unchanged.
///
/// - Input: an array of rank n + 1. Output: the same rank, spatial lengths resized.
/// - No arrays. Resampling is separable: one level after another, each output value a weighted
///   sum of two neighbours; the gradient is the transpose of each step, in reverse order.
struct ResizeLayer: SeparableLevelsLayer, Codable {
    var spec: ResizeSpec

    static let specKey = "resize"
    private enum CodingKeys: String, CodingKey { case spec = "_0" }
    var kind: LayerKind { .resize(spec) }
    var name: String { "ResizeLayer" }

    func fixSizes(arrays: [String: Tensor]) throws {
        guard !spec.dimensions.isEmpty, spec.dimensions.count <= 3 else { throw NetError("invspec", "ResizeLayer resizes 1 to 3 levels") }
        for d in spec.dimensions {
            switch d {
            case .size(let n):
                guard n > 0, n <= ResizeSpec.maxLength else { throw NetError("invspec", "ResizeLayer's sizes must be between 1 and \(ResizeSpec.maxLength), not \(n)") }
            case .scaled(let r): guard r.isFinite, r > 0, r <= 1024 else { throw NetError("invspec", "ResizeLayer's Scaled ratios must be positive and at most 1024") }
            case .all: break
            }
        }
    }

    func inferShapes(_ shapes: inout LayerShapes, arrays: [String: Tensor]) throws {
        if let x = shapes.input { try shapes.setOutput(try spec.outputShape(x)) }
    }

    /// For one level of length `n` resized to `m`: each output position's two input neighbours
    /// and the weight of the second.
    func taps(_ n: Int, _ m: Int) -> [SeparableLevels.Tap] {
        let ratio = spec.scheme == .point ? (m > 1 ? Double(n - 1) / Double(m - 1) : 0) : Double(n) / Double(m)
        return (0..<m).map { o in
            switch (spec.resampling, spec.scheme) {
            case (.nearest, .point):
                return .copy(Swift.min(n - 1, Int((Double(o) * ratio).rounded())))
            case (.nearest, .bin):
                return .copy(Swift.min(n - 1, Int(((Double(o) + 0.5) * ratio).rounded(.down))))
            case (.linear, _):
                let c = spec.scheme == .point ? Double(o) * ratio : Swift.max(0, (Double(o) + 0.5) * ratio - 0.5)
                let i = Swift.min(n - 1, Int(c.rounded(.down)))
                return SeparableLevels.Tap(first: i, second: Swift.min(i + 1, n - 1), weight: Float(c - Double(i)))
            }
        }
    }

    /// Each resized level of a batch `shape` ({batch, ...}), in order: the level's place in the
    /// batch's shape, its lengths before and after.
    private func steps(_ shape: [Int]) throws -> [(axis: Int, n: Int, m: Int)] {
        let x = Array(shape.dropFirst()), y = try spec.outputShape(x)
        return try spec.axes(rank: x.count).filter { x[$0] != y[$0] }.map { (axis: $0 + 1, n: x[$0], m: y[$0]) }
    }

    func outputShape(_ x: Shape) throws -> Shape { try spec.outputShape(x) }

    /// The resized levels of a batch of `shape`, one after another.
    func levels(for shape: [Int]) throws -> SeparableLevels {
        SeparableLevels(levels: try steps(shape).map { s in SeparableLevels.Level(axis: s.axis, n: s.n, taps: taps(s.n, s.m)) })
    }
}
