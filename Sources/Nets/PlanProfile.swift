import Foundation

/// Per-step timing of inference plans, for finding where a network's time goes:
/// `NETS_PLAN_PROFILE=1` in the environment makes every plan add each step's wall time (summed
/// over the examples and workers of a run) and print a table to standard error after each run:
/// step, kind, output shape, milliseconds, share of the run.
///
/// `@unchecked Sendable`: the totals are guarded by `lock`.
final class PlanProfile: @unchecked Sendable {
    static let enabled = ProcessInfo.processInfo.environment["NETS_PLAN_PROFILE"].map { $0 != "0" } ?? false

    private let lock = NSLock()
    private var seconds: [Double]
    private var shapes: [[Int]]

    init(steps: Int) {
        seconds = [Double](repeating: 0, count: steps)
        shapes = [[Int]](repeating: [], count: steps)
    }

    /// Adds one execution of step `i`, started at `start` (from `now()`).
    func add(_ i: Int, since start: UInt64, shape: [Int]) {
        let t = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        lock.lock()
        defer { lock.unlock() }
        guard seconds.indices.contains(i) else { return }
        seconds[i] += t
        shapes[i] = shape
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Prints the table for the run just ended (with `kinds[i]` naming step i) and starts over.
    func report(kinds: [String], wall: Double) {
        lock.lock()
        defer { lock.unlock() }
        let total = Swift.max(seconds.reduce(0, +), 1e-12)
        var text = String(format: "plan profile: %.3f ms wall, %.3f ms in steps\n", wall * 1e3, total * 1e3)
        for (i, t) in seconds.enumerated() {
            let kind = kinds.indices.contains(i) ? kinds[i] : "?"
            let shape = shapes[i].map(String.init).joined(separator: "x")
            text += String(format: "%3d  %-28@ %-18@ %8.3f ms %5.1f%%\n", i, kind as NSString, shape as NSString, t * 1e3,
                           100 * t / total)
        }
        FileHandle.standardError.write(Data(text.utf8))
        for i in seconds.indices { seconds[i] = 0 }
    }
}
