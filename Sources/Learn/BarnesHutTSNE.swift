import Foundation
import Tensor

/// The Barnes–Hut approximation of t-SNE's gradient in the plane (van der Maaten 2014;
/// scikit-learn's default `method="barnes_hut"`, angle 0.5): affinities only between each
/// example and its 3·perplexity nearest neighbours, and the repulsion of far groups of points
/// taken from their centre of mass in a quadtree. O(n log n) a round instead of O(n²).
enum BarnesHut {
    /// Symmetric sparse joint probabilities: row i's neighbours and p_ij.
    struct Affinities: Sendable {
        let columns: [[Int]]
        let values: [[Double]]
    }

    /// p_j|i over each example's ⌊3 · perplexity⌋ + 1 nearest neighbours, calibrated as the exact
    /// affinities are, then (P + Pᵀ) / 2n.
    static func affinities(_ x: [[Double]], perplexity: Double, interrupt: () throws -> Void) throws -> Affinities {
        let n = x.count
        let k = Swift.min(n - 1, Int(3 * perplexity + 1))
        let near = try NearestSearch.neighbours(x, count: k)
        try interrupt()
        let target = log(Swift.max(perplexity, 1.0001))
        var rows = [[Int: Double]](repeating: [:], count: n)
        for i in 0..<n {
            let p = TSNE.calibrated(near[i].map(\.distance), target)
            for (e, q) in zip(near[i], p) {
                rows[i][e.index, default: 0] += q / Double(2 * n)
                rows[e.index][i, default: 0] += q / Double(2 * n)
            }
        }
        let sorted = rows.map { $0.sorted { $0.key < $1.key } }
        return Affinities(columns: sorted.map { $0.map(\.key) }, values: sorted.map { $0.map(\.value) })
    }

    /// The gradient of the KL divergence at the flat n x 2 embedding y, with the attraction
    /// multiplied by `exaggeration`.
    static func gradient(_ y: [Double], _ p: Affinities, exaggeration: Double, angle: Double = 0.5) throws -> [Double] {
        let n = y.count / 2
        let tree = QuadTree(y)
        let chunks = Swift.max(1, Swift.min(4 * Parallel.cores, n))
        let per = (n + chunks - 1) / chunks
        let parts = try parallelMap(chunks) { c -> (forces: [Double], z: Double) in
            let lo = c * per, hi = Swift.min(n, lo + per)
            var forces = [Double](repeating: 0, count: 2 * Swift.max(hi - lo, 0))
            var z = 0.0
            for i in lo..<Swift.max(lo, hi) {
                let (fx, fy, zi) = tree.repulsion(i, y[2 * i], y[2 * i + 1], angle: angle)
                forces[2 * (i - lo)] = fx
                forces[2 * (i - lo) + 1] = fy
                z += zi
            }
            return (forces, z)
        }
        let z = Swift.max(parts.reduce(0) { $0 + $1.z }, 1e-300)
        var grad = [Double](repeating: 0, count: 2 * n)
        for (c, part) in parts.enumerated() {
            for (e, f) in part.forces.enumerated() { grad[2 * c * per + e] = -f / z }
        }
        for i in 0..<n {
            for (j, pij) in zip(p.columns[i], p.values[i]) {
                let dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1]
                let q = 1 / (1 + dx * dx + dy * dy)
                grad[2 * i] += exaggeration * pij * q * dx
                grad[2 * i + 1] += exaggeration * pij * q * dy
            }
        }
        return grad.map { 4 * $0 }
    }
}

/// A quadtree over points in the plane holding each cell's point count and centre of mass.
struct QuadTree: Sendable {
    struct Cell: Sendable {
        var x0: Double, y0: Double, size: Double
        var mass = 0.0, sx = 0.0, sy = 0.0
        /// The first of four children, or −1 for a leaf.
        var child = -1
        /// The one point of a leaf (−1 when empty or, at the depth limit, several).
        var point = -1
        var depth = 0
    }

    private(set) var cells: [Cell]
    static let maxDepth = 40

    init(_ y: [Double]) {
        let n = y.count / 2
        var lo = (Double.infinity, Double.infinity), hi = (-Double.infinity, -Double.infinity)
        for i in 0..<n {
            lo = (Swift.min(lo.0, y[2 * i]), Swift.min(lo.1, y[2 * i + 1]))
            hi = (Swift.max(hi.0, y[2 * i]), Swift.max(hi.1, y[2 * i + 1]))
        }
        let size = Swift.max(hi.0 - lo.0, hi.1 - lo.1, 1e-12) * (1 + 1e-9)
        cells = [Cell(x0: n > 0 ? lo.0 : 0, y0: n > 0 ? lo.1 : 0, size: size)]
        for i in 0..<n { insert(i, y[2 * i], y[2 * i + 1]) }
    }

    private func quadrant(_ c: Int, _ px: Double, _ py: Double) -> Int {
        let half = cells[c].size / 2
        return (px >= cells[c].x0 + half ? 1 : 0) + (py >= cells[c].y0 + half ? 2 : 0)
    }

    private mutating func split(_ c: Int) {
        let half = cells[c].size / 2, first = cells.count
        for q in 0..<4 {
            cells.append(Cell(x0: cells[c].x0 + (q & 1 == 1 ? half : 0), y0: cells[c].y0 + (q & 2 == 2 ? half : 0), size: half,
                              depth: cells[c].depth + 1))
        }
        cells[c].child = first
    }

    private mutating func insert(_ i: Int, _ px: Double, _ py: Double) {
        var c = 0
        while true {
            if cells[c].child < 0 {
                if cells[c].mass == 0 {
                    cells[c].point = i
                    break
                }
                if cells[c].depth >= QuadTree.maxDepth {
                    cells[c].point = -1
                    break
                }
                // Move the leaf's point into a child, then go on down with the new one.
                let old = cells[c].point, ox = cells[c].sx, oy = cells[c].sy
                split(c)
                cells[c].point = -1
                let q = cells[c].child + quadrant(c, ox, oy)
                cells[q].mass = 1
                cells[q].sx = ox
                cells[q].sy = oy
                cells[q].point = old
            }
            cells[c].mass += 1
            cells[c].sx += px
            cells[c].sy += py
            c = cells[c].child + quadrant(c, px, py)
        }
        cells[c].mass += 1
        cells[c].sx += px
        cells[c].sy += py
    }

    /// Σ_j q_ij² (y_i − y_j) and Σ_j q_ij (unnormalized q = 1 / (1 + d²)) over the other points,
    /// cells seen from farther than size / angle taken whole.
    func repulsion(_ i: Int, _ px: Double, _ py: Double, angle: Double) -> (Double, Double, Double) {
        var fx = 0.0, fy = 0.0, z = 0.0
        var stack = [0]
        while let c = stack.popLast() {
            let cell = cells[c]
            if cell.mass == 0 || (cell.child < 0 && cell.point == i) { continue }
            let dx = px - cell.sx / cell.mass, dy = py - cell.sy / cell.mass
            let d2 = dx * dx + dy * dy
            if cell.child < 0 || cell.size * cell.size < angle * angle * d2 {
                // A lump at the depth limit may hold i itself, at distance 0: it adds no force.
                let mass = cell.child < 0 && cell.point < 0 && d2 < 1e-24 ? cell.mass - 1 : cell.mass
                let q = 1 / (1 + d2)
                z += mass * q
                fx += mass * q * q * dx
                fy += mass * q * q * dy
            } else {
                for k in 0..<4 { stack.append(cell.child + k) }
            }
        }
        return (fx, fy, z)
    }
}
