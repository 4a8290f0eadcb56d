import Foundation

/// A k-d tree for exact nearest-neighbour search under the Euclidean distance. Each node splits
/// its points at the median of the coordinate of widest spread; leaves hold at most 16 points.
/// A query descends to the query's leaf first and visits another branch only when the splitting
/// plane is nearer than the k-th best distance so far, so in a few dimensions a query costs
/// about log n distance evaluations instead of n. Results are the same as an exhaustive scan's:
/// nearest first, equal distances in index order.
public struct KDTree: Sendable {
    /// A node: its points are `order[start..<end]`; a leaf has no axis.
    struct Node: Sendable {
        var start: Int, end: Int
        var axis: Int = -1
        var split: Double = 0
        var left: Int = -1, right: Int = -1
    }

    public let dimension: Int
    public var count: Int { order.count }
    /// The points' coordinates in tree order, flat.
    private let coordinates: [Double]
    /// The original index of each point in tree order.
    private let order: [Int]
    private let nodes: [Node]

    /// The tree over points of one length; nil when there are none, their lengths differ, or a
    /// coordinate is not finite.
    public init?(_ points: [[Double]], leafSize: Int = 16) {
        guard let d = points.first?.count, d > 0, points.allSatisfy({ $0.count == d && $0.allSatisfy(\.isFinite) }) else { return nil }
        dimension = d
        var order = Array(points.indices)
        var nodes: [Node] = []
        nodes.reserveCapacity(2 * points.count / Swift.max(leafSize, 1) + 2)
        func build(_ start: Int, _ end: Int) -> Int {
            let id = nodes.count
            nodes.append(Node(start: start, end: end))
            guard end - start > Swift.max(leafSize, 1) else { return id }
            var axis = 0, widest = -1.0
            for j in 0..<d {
                var lo = Double.infinity, hi = -Double.infinity
                for i in start..<end { let v = points[order[i]][j]; lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
                if hi - lo > widest { widest = hi - lo; axis = j }
            }
            guard widest > 0 else { return id }  // all the points coincide: one leaf
            order[start..<end].sort { (points[$0][axis], $0) < (points[$1][axis], $1) }
            let middle = (start + end) / 2
            nodes[id].axis = axis
            nodes[id].split = points[order[middle]][axis]
            let left = build(start, middle)
            let right = build(middle, end)
            nodes[id].left = left
            nodes[id].right = right
            return id
        }
        _ = build(0, points.count)
        self.order = order
        self.nodes = nodes
        coordinates = order.flatMap { points[$0] }
    }

    /// The `k` points nearest `query` with their squared distances, nearest first (equal
    /// distances in index order), leaving out the point `excluding`; `evaluations` counts the
    /// distances computed.
    public func nearest(_ query: [Double], count k: Int, excluding: Int? = nil, evaluations: inout Int) -> [(index: Int, distance: Double)] {
        guard k > 0, query.count == dimension, !nodes.isEmpty else { return [] }
        var best: [(index: Int, distance: Double)] = []
        best.reserveCapacity(Swift.min(k, count) + 1)
        var evaluated = 0
        coordinates.withUnsafeBufferPointer { xs in
            func visit(_ id: Int) {
                let node = nodes[id]
                if node.axis < 0 {
                    for p in node.start..<node.end where order[p] != excluding {
                        var s = 0.0
                        for j in 0..<dimension { let t = xs[p * dimension + j] - query[j]; s += t * t }
                        evaluated += 1
                        let i = order[p]
                        if best.count == k, let last = best.last, (s, i) >= (last.distance, last.index) { continue }
                        let at = best.firstIndex { (s, i) < ($0.distance, $0.index) } ?? best.count
                        best.insert((i, s), at: at)
                        if best.count > k { best.removeLast() }
                    }
                    return
                }
                let offset = query[node.axis] - node.split
                let (near, far) = offset < 0 ? (node.left, node.right) : (node.right, node.left)
                visit(near)
                // The far side can hold a point at least |offset| away: look only when that could
                // beat (or tie) the k-th best.
                if best.count < k || offset * offset <= (best.last?.distance ?? .infinity) { visit(far) }
            }
            visit(0)
        }
        evaluations += evaluated
        return best
    }

    /// The `k` nearest points and their squared distances (see `nearest(_:count:excluding:evaluations:)`).
    public func nearest(_ query: [Double], count k: Int, excluding: Int? = nil) -> [(index: Int, distance: Double)] {
        var ignored = 0
        return nearest(query, count: k, excluding: excluding, evaluations: &ignored)
    }

    /// Every point within squared distance `radius2` of `query` (inclusive), with its squared
    /// distance, nearest first, equal distances in index order.
    public func within(_ query: [Double], squaredRadius radius2: Double) -> [(index: Int, distance: Double)] {
        guard query.count == dimension, !nodes.isEmpty, !radius2.isNaN else { return [] }
        var found: [(index: Int, distance: Double)] = []
        coordinates.withUnsafeBufferPointer { xs in
            func visit(_ id: Int) {
                let node = nodes[id]
                if node.axis < 0 {
                    for p in node.start..<node.end {
                        var s = 0.0
                        for j in 0..<dimension { let t = xs[p * dimension + j] - query[j]; s += t * t }
                        if s <= radius2 { found.append((order[p], s)) }
                    }
                    return
                }
                let offset = query[node.axis] - node.split
                let (near, far) = offset < 0 ? (node.left, node.right) : (node.right, node.left)
                visit(near)
                if offset * offset <= radius2 { visit(far) }
            }
            visit(0)
        }
        return found.sorted { ($0.distance, $0.index) < ($1.distance, $1.index) }
    }

    /// Whether a tree pays for itself: points of a few dimensions (at most 12), enough of them.
    public static func suits(count n: Int, dimension d: Int) -> Bool { n >= 64 && d >= 1 && d <= 12 }
}
