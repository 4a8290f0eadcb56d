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
    /// first (ties in index order), by GEMM over blocks of 256 rows, the blocks on every core.
    public static func neighbours(_ x: [[Double]], count k: Int) throws -> [[(index: Int, distance: Double)]] {
        let n = x.count, d = x.first?.count ?? 0
        let take = Swift.max(0, Swift.min(k, n - 1))
        guard n > 0, d > 0, take > 0 else { return x.map { _ in [] } }
        guard let size = ResourcePolicy.count([Parallel.cores * 256 + n, n + d]), ResourcePolicy.admits(size, bytesEach: 8) else {
            throw LearnError("nomem", "the nearest neighbours of \(n) examples do not fit in memory")
        }
        let flat = x.flatMap { $0 }
        let norms = x.map { $0.reduce(0) { $0 + $1 * $1 } }
        let blocks = (n + 255) / 256
        let parts = try parallelMap(blocks) { block -> [[(index: Int, distance: Double)]] in
            let start = block * 256, b = Swift.min(256, n - start)
            var products = [Double](repeating: 0, count: b * n)
            flat.withUnsafeBufferPointer { p in
                products.withUnsafeMutableBufferPointer { out in
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(b), Int32(n), Int32(d), 1, p.baseAddress.map { $0 + start * d },
                                Int32(d), p.baseAddress, Int32(d), 0, out.baseAddress, Int32(n))
                }
            }
            return (0..<b).map { r in
                let i = start + r
                // A bounded insertion list: most candidates fail the first comparison.
                var best: [(index: Int, distance: Double)] = []
                best.reserveCapacity(take + 1)
                for j in 0..<n where j != i {
                    let dj = Swift.max(norms[i] - 2 * products[r * n + j] + norms[j], 0)
                    if best.count == take, let last = best.last, dj >= last.distance { continue }
                    let at = best.firstIndex { dj < $0.distance } ?? best.count
                    best.insert((j, dj), at: at)
                    if best.count > take { best.removeLast() }
                }
                return best
            }
        }
        return parts.flatMap { $0 }
    }
}
