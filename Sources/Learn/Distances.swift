import Foundation
import Resources

/// The distances between feature vectors that clustering, nearest-neighbour search and
/// dimension reduction take, by their names in the language.
public enum VectorDistance: String, CaseIterable, Sendable {
    case euclidean = "EuclideanDistance"
    case squaredEuclidean = "SquaredEuclideanDistance"
    case manhattan = "ManhattanDistance"
    case chessboard = "ChessboardDistance"
    case cosine = "CosineDistance"

    /// The distance between two vectors of the same length.
    public func callAsFunction(_ a: [Double], _ b: [Double]) -> Double {
        let n = Swift.min(a.count, b.count)
        switch self {
        case .euclidean: return squaredDistance(a, b).squareRoot()
        case .squaredEuclidean: return squaredDistance(a, b)
        case .manhattan:
            var s = 0.0
            for i in 0..<n { s += abs(a[i] - b[i]) }
            return s
        case .chessboard:
            var s = 0.0
            for i in 0..<n { s = Swift.max(s, abs(a[i] - b[i])) }
            return s
        case .cosine:
            var ab = 0.0, aa = 0.0, bb = 0.0
            for i in 0..<n { ab += a[i] * b[i]; aa += a[i] * a[i]; bb += b[i] * b[i] }
            guard aa > 0, bb > 0 else { return 0 }
            return 1 - ab / (aa * bb).squareRoot()
        }
    }
}

/// ‖a − b‖².
@inline(__always) public func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in 0..<Swift.min(a.count, b.count) {
        let d = a[i] - b[i]
        s += d * d
    }
    return s
}

/// The Levenshtein distance: the fewest insertions, deletions and substitutions that turn one
/// sequence into the other (two rows of the dynamic programme, so memory is linear).
public func editDistance<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count), current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

/// All pairwise distances of n items, symmetric with a zero diagonal, stored in full.
public struct DistanceMatrix: Sendable {
    public let count: Int
    public private(set) var values: [Double]

    /// The distances `distance(i, j)` for i < j; refused (LearnError "nomem") beyond the memory limit.
    public init(count n: Int, _ distance: (Int, Int) throws -> Double) throws {
        guard let size = ResourcePolicy.count([n, n]), ResourcePolicy.admits(size, bytesEach: 8) else {
            throw LearnError("nomem", "the \(n) x \(n) distances between the examples do not fit in memory")
        }
        count = n
        values = [Double](repeating: 0, count: size)
        for i in 0..<n {
            for j in (i + 1)..<Swift.max(i + 1, n) {
                let d = try distance(i, j)
                values[i * n + j] = d
                values[j * n + i] = d
            }
        }
    }

    /// The distances between vectors under a vector distance.
    public init(_ x: [[Double]], _ distance: VectorDistance) throws {
        try self.init(count: x.count) { distance(x[$0], x[$1]) }
    }

    @inline(__always) public subscript(i: Int, j: Int) -> Double { values[i * count + j] }
}
