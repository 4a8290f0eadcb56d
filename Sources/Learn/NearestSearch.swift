@preconcurrency import COpenBLAS
import Foundation
import Resources
import Tensor

/// Exhaustive nearest-neighbour search: the indices of the items nearest a query, given the
/// query's distance to each item.
public enum NearestSearch {
    /// The indices of the `k` nearest items (all of them when k is nil) that lie within `radius`
    /// (inclusive; no bound when nil), nearest first, ties in index order.
    public static func nearest(_ distances: [Double], count k: Int?, radius: Double?) -> [Int] {
        let admitted = { (d: Double) in !d.isNaN && (radius.map { d <= $0 } ?? true) }
        if let k, k < distances.count / 8 {
            // A bounded insertion list: O(n k) at worst, and most candidates fail the first comparison.
            guard k > 0 else { return [] }
            var best: [Int] = []
            best.reserveCapacity(k + 1)
            for (i, d) in distances.enumerated() where admitted(d) {
                if best.count == k, let last = best.last, d >= distances[last] { continue }
                let at = best.firstIndex { d < distances[$0] } ?? best.count
                best.insert(i, at: at)
                if best.count > k { best.removeLast() }
            }
            return best
        }
        var candidates = distances.indices.filter { admitted(distances[$0]) }
        let take = Swift.max(0, Swift.min(k ?? candidates.count, candidates.count))
        guard take > 0 else { return [] }
        candidates.sort { (distances[$0], $0) < (distances[$1], $1) }
        return Array(candidates.prefix(take))
    }

    /// Euclidean distances from each query to each point (queries x points), by
    /// ‖q − p‖² = ‖q‖² − 2 q·p + ‖p‖² with the products from GEMM, 256 queries at a time.
    public static func euclideanDistances(_ queries: [[Double]], _ points: [[Double]], each: ([Double]) throws -> Void) rethrows {
        let d = points.first?.count ?? 0, m = points.count
        guard d > 0, m > 0 else {
            for q in queries { try each(points.map { VectorDistance.euclidean($0, q) }) }
            return
        }
        let flat = points.flatMap { $0 }
        let norms = points.map { $0.reduce(0) { $0 + $1 * $1 } }
        var start = 0
        while start < queries.count {
            let block = Array(queries[start..<Swift.min(start + 256, queries.count)])
            let b = block.count
            let q = block.flatMap { $0 }
            var products = [Double](repeating: 0, count: b * m)
            q.withUnsafeBufferPointer { qp in
                flat.withUnsafeBufferPointer { pp in
                    products.withUnsafeMutableBufferPointer { out in
                        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(b), Int32(m), Int32(d), 1, qp.baseAddress, Int32(d), pp.baseAddress, Int32(d), 0, out.baseAddress, Int32(m))
                    }
                }
            }
            for r in 0..<b {
                let qn = block[r].reduce(0) { $0 + $1 * $1 }
                try each((0..<m).map { Swift.max(qn - 2 * products[r * m + $0] + norms[$0], 0).squareRoot() })
            }
            start += b
        }
    }
}

extension NearestSearch {
    /// Each example's k nearest other examples with their squared Euclidean distances, nearest
    /// first (ties in index order).
    public static func neighbours(_ x: [[Double]], count k: Int) throws -> [[(index: Int, distance: Double)]] {
        try nearest(of: x, among: x, count: k, skippingSelf: true)
    }

    /// Queries a job takes at a time, and points a tile of products spans: a job's tile of
    /// 256 x 512 products (1 MB) stays in cache between the GEMM that writes it and the selection
    /// that reads it, and is reused for every stretch of points.
    static let tileRows = 256, tileColumns = 512

    /// Each query's k nearest points with their squared Euclidean distances, nearest first (ties
    /// in index order). A job takes 256 queries and walks the points 512 at a time: one GEMM
    /// gives the products q·p of the tile, ‖q − p‖² = ‖q‖² − 2 q·p + ‖p‖², and each query keeps
    /// a bounded insertion list of its nearest so far; the jobs go on every core. With
    /// `skippingSelf` the queries are the points and each leaves itself out.
    public static func nearest(of queries: [[Double]], among x: [[Double]], count k: Int,
                               skippingSelf: Bool = false) throws -> [[(index: Int, distance: Double)]] {
        let n = x.count, d = x.first?.count ?? 0, q = queries.count
        let take = Swift.max(0, Swift.min(k, skippingSelf ? n - 1 : n))
        guard n > 0, d > 0, take > 0, x.allSatisfy({ $0.count == d }), queries.allSatisfy({ $0.count == d }) else { return queries.map { _ in [] } }
        let rows = tileRows, columns = tileColumns
        // The points and queries as flat copies, each job's tile, and the answers.
        guard let copies = ResourcePolicy.count([skippingSelf ? n : n + q, d + 1]),
              let tiles = ResourcePolicy.count([Parallel.cores, rows, columns]), let answers = ResourcePolicy.count([q, take, 2]),
              case let (sum, o1) = copies.addingReportingOverflow(tiles), !o1,
              case let (size, o2) = sum.addingReportingOverflow(answers), !o2, ResourcePolicy.admits(size, bytesEach: 8) else {
            throw LearnError("nomem", "the nearest neighbours of \(q) queries among \(n) examples do not fit in memory")
        }
        var flat = [Double](), queryFlat = [Double]()
        flat.reserveCapacity(n * d)
        for p in x { flat.append(contentsOf: p) }
        if !skippingSelf {
            queryFlat.reserveCapacity(q * d)
            for p in queries { queryFlat.append(contentsOf: p) }
        }
        let norms = x.map { $0.reduce(0) { $0 + $1 * $1 } }
        let queryNorms = skippingSelf ? norms : queries.map { $0.reduce(0) { $0 + $1 * $1 } }
        let points = flat, asked = skippingSelf ? flat : queryFlat
        let parts = try parallelMap((q + rows - 1) / rows) { block -> [[(index: Int, distance: Double)]] in
            let start = block * rows, b = Swift.min(rows, q - start)
            var best = [[(index: Int, distance: Double)]](repeating: [], count: b)
            for r in 0..<b { best[r].reserveCapacity(take + 1) }
            var worst = [Double](repeating: .infinity, count: b)
            var tile = [Double](repeating: 0, count: b * Swift.min(columns, n))
            asked.withUnsafeBufferPointer { a in
                points.withUnsafeBufferPointer { p in
                    norms.withUnsafeBufferPointer { norms in
                        tile.withUnsafeMutableBufferPointer { products in
                            for first in stride(from: 0, to: n, by: columns) {
                                let w = Swift.min(columns, n - first)
                                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(b), Int32(w), Int32(d), 1, a.baseAddress.map { $0 + start * d },
                                            Int32(d), p.baseAddress.map { $0 + first * d }, Int32(d), 0, products.baseAddress, Int32(w))
                                for r in 0..<b {
                                    let i = start + r, row = r * w, own = queryNorms[i]
                                    var bound = worst[r]
                                    /// A bounded insertion list of the nearest so far.
                                    func consider(_ j: Int) {
                                        let dj = Swift.max(own - 2 * products[row + j] + norms[first + j], 0)
                                        if dj >= bound || (skippingSelf && first + j == i) { return }
                                        let at = best[r].firstIndex { dj < $0.distance } ?? best[r].count
                                        best[r].insert((first + j, dj), at: at)
                                        if best[r].count > take { best[r].removeLast() }
                                        if best[r].count == take { bound = best[r][take - 1].distance }
                                    }
                                    // Four candidates at a time: most fail the comparison with the
                                    // bound together, and only a group with one that passes is
                                    // looked at one by one.
                                    var j = 0
                                    if let pp = products.baseAddress, let np = norms.baseAddress {
                                        let base = UnsafeRawPointer(pp + row), normBase = UnsafeRawPointer(np + first)
                                        while j + 4 <= w {
                                            let p4 = base.loadUnaligned(fromByteOffset: j * 8, as: SIMD4<Double>.self)
                                            let n4 = normBase.loadUnaligned(fromByteOffset: j * 8, as: SIMD4<Double>.self)
                                            let d4 = own - 2 * p4 + n4
                                            if any(d4 .< SIMD4(repeating: bound)) { for c in j..<(j + 4) { consider(c) } }
                                            j += 4
                                        }
                                    }
                                    while j < w { consider(j); j += 1 }
                                    worst[r] = bound
                                }
                            }
                        }
                    }
                }
            }
            return best
        }
        return parts.flatMap { $0 }
    }
}

/// Points to find a query's nearest among: through a k-d tree when they have a few dimensions
/// (`KDTree.suits`), else by an exhaustive scan. Either way the answer is the same: the k
/// nearest with their squared Euclidean distances, nearest first, equal distances in index order.
public struct PointSet: Sendable {
    public let points: [[Double]]
    let tree: KDTree?

    public init(_ points: [[Double]]) {
        self.points = points
        tree = KDTree.suits(count: points.count, dimension: points.first?.count ?? 0) ? KDTree(points) : nil
    }

    /// The `k` points nearest `query` (leaving out the point `excluding`); `evaluations` counts
    /// the distances computed.
    public func nearest(_ query: [Double], count k: Int, excluding: Int? = nil, evaluations: inout Int) -> [(index: Int, distance: Double)] {
        if let tree { return tree.nearest(query, count: k, excluding: excluding, evaluations: &evaluations) }
        guard k > 0 else { return [] }
        var best: [(index: Int, distance: Double)] = []
        best.reserveCapacity(Swift.min(k, points.count) + 1)
        for (i, p) in points.enumerated() where i != excluding {
            let s = squaredDistance(p, query)
            if best.count == k, let last = best.last, s >= last.distance { continue }
            let at = best.firstIndex { s < $0.distance } ?? best.count
            best.insert((i, s), at: at)
            if best.count > k { best.removeLast() }
        }
        evaluations += points.count - (excluding.map { $0 >= 0 && $0 < points.count ? 1 : 0 } ?? 0)
        return best
    }

    /// The `k` nearest points and their squared distances.
    public func nearest(_ query: [Double], count k: Int, excluding: Int? = nil) -> [(index: Int, distance: Double)] {
        var ignored = 0
        return nearest(query, count: k, excluding: excluding, evaluations: &ignored)
    }
}
