import Foundation

/// Exhaustive nearest-neighbour search: the indices of the items nearest a query, given the
/// query's distance to each item.
public enum NearestSearch {
    /// The indices of the `k` nearest items (all of them when k is nil) that lie within `radius`
    /// (inclusive; no bound when nil), nearest first, ties in index order.
    public static func nearest(_ distances: [Double], count k: Int?, radius: Double?) -> [Int] {
        var candidates = distances.indices.filter { i in distances[i].isNaN == false && (radius.map { distances[i] <= $0 } ?? true) }
        let take = Swift.max(0, Swift.min(k ?? candidates.count, candidates.count))
        guard take > 0 else { return [] }
        let before: (Int, Int) -> Bool = { (distances[$0], $0) < (distances[$1], $1) }
        if take < candidates.count / 8 {
            // A bounded insertion list: O(n k) instead of sorting everything.
            var best: [Int] = []
            for i in candidates {
                if best.count == take, let last = best.last, !before(i, last) { continue }
                let at = best.firstIndex { before(i, $0) } ?? best.count
                best.insert(i, at: at)
                if best.count > take { best.removeLast() }
            }
            return best
        }
        candidates.sort(by: before)
        return Array(candidates.prefix(take))
    }
}
