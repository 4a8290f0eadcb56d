import Foundation
import Tensor

/// Feature columns cut into at most 255 bins of about equal counts (LightGBM's and
/// scikit-learn's histogram binning): a column with few distinct values gets one bin per value,
/// cut halfway between neighbours; otherwise the cuts are quantiles. Trees grown on the bins
/// compare a bin code with a cut instead of sorting values at every node, and keep the cut's
/// value as their threshold so they apply to raw features.
struct BinnedFeatures: Sendable {
    let count: Int
    let features: Int
    /// Column-major bin codes: `codes[f * count + i]` is example i's bin of feature f.
    let codes: [UInt8]
    /// Per feature, the cut values: bin b holds the values `<= cuts[f][b]` (and above the previous cut).
    let cuts: [[Double]]

    init(_ x: [[Double]], maxBins: Int = 255) {
        let n = x.count, d = x.first?.count ?? 0
        var codes = [UInt8](repeating: 0, count: n * d)
        var cuts: [[Double]] = []
        let bins = Swift.max(2, Swift.min(maxBins, 255))
        for f in 0..<d {
            let column = x.map { $0[f] }
            var distinct = column.sorted()
            distinct = distinct.enumerated().filter { $0.offset == 0 || $0.element != distinct[$0.offset - 1] }.map(\.element)
            var c: [Double]
            if distinct.count <= bins {
                c = (0..<Swift.max(distinct.count - 1, 0)).map { (distinct[$0] + distinct[$0 + 1]) / 2 }
            } else {
                let sorted = column.sorted()
                c = (1..<bins).map { q in
                    let at = Double(q) / Double(bins) * Double(sorted.count - 1)
                    let lo = Int(at), hi = Swift.min(lo + 1, sorted.count - 1), w = at - Double(lo)
                    return sorted[lo] * (1 - w) + sorted[hi] * w
                }
                c = c.enumerated().filter { $0.offset == 0 || $0.element != c[$0.offset - 1] }.map(\.element)
            }
            for i in 0..<n { codes[f * n + i] = UInt8(BinnedFeatures.bin(column[i], c)) }
            cuts.append(c)
        }
        count = n
        features = d
        self.codes = codes
        self.cuts = cuts
    }

    /// The first bin whose cut is at least v (binary search); the last bin past every cut.
    static func bin(_ v: Double, _ cuts: [Double]) -> Int {
        var lo = 0, hi = cuts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cuts[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The number of bins of feature f.
    func bins(_ f: Int) -> Int { cuts[f].count + 1 }
}

/// One result slot per parallel job, written by that job alone.
final class Slots<T>: @unchecked Sendable {
    private let values: UnsafeMutableBufferPointer<T?>
    init(_ n: Int) {
        values = .allocate(capacity: n)
        values.initialize(repeating: nil)
    }
    deinit {
        values.deinitialize()
        values.deallocate()
    }
    subscript(i: Int) -> T? {
        get { values[i] }
        set { values[i] = newValue }
    }
    var all: [T?] { Array(values) }
}

/// Runs body(0..<n) on every core (each job serial inside), and gives the results in order;
/// the first error thrown, if any, is rethrown.
func parallelMap<T>(_ n: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
    let slots = Slots<Result<T, any Error>>(n)
    let next = Counter()
    Parallel.jobs(Swift.min(Parallel.cores, n)) { _ in
        while let i = next.take(below: n) {
            slots[i] = Result { try body(i) }
        }
    }
    return try slots.all.map { r in
        guard let r else { throw LearnError("interrupt", "a job did not run") }
        return try r.get()
    }
}

/// `body` over consecutive parts of `xs` and the results joined in order: the parts on every core
/// when `parallel` and there are enough examples to pay for it, else all of `xs` at once.
func batched<T>(_ xs: [[Double]], parallel: Bool, _ body: @escaping @Sendable (ArraySlice<[Double]>) -> [T]) -> [T] {
    guard parallel, xs.count >= 512, Parallel.cores > 1 else { return body(xs[...]) }
    let parts = Parallel.cores * 4, size = (xs.count + parts - 1) / parts
    let chunks = (try? parallelMap(parts) { part -> [T] in
        let start = Swift.min(part * size, xs.count), end = Swift.min(start + size, xs.count)
        return body(xs[start..<end])
    }) ?? [body(xs[...])]
    return chunks.flatMap { $0 }
}

/// A shared counter handing out job numbers.
final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func take(below n: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < n else { return nil }
        value += 1
        return value - 1
    }
}
