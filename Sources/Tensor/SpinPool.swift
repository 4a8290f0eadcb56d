import CKernels
import Dispatch
import Foundation
import Synchronization

/// One parallel loop: its body and iteration counters. Every participant takes iterations until
/// none are left; the caller clears `body` once all of them have finished, so the body (which
/// only lives for the caller's call) is never reached afterwards.
///
/// `@unchecked Sendable`: `body` is written before the region is published and after every
/// iteration has finished, and only read in between.
final class Region: @unchecked Sendable {
    var body: ((Int) -> Void)?
    let count: Int
    let next = Atomic<Int>(0)
    let unfinished: Atomic<Int>

    init(count: Int, body: @escaping (Int) -> Void) {
        self.count = count
        self.body = body
        unfinished = Atomic(count)
    }

    func work() {
        while true {
            let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard i < count else { return }
            body?(i)
            unfinished.wrappingSubtract(1, ordering: .releasing)
        }
    }
}

/// Helper threads (one per extra core) that wait for parallel loops by spinning for a moment
/// before they sleep. A loop then starts on every core in well under a microsecond, where
/// libdispatch wakes a parked thread for each loop (tens of microseconds): a single image through
/// MobileNet runs about a hundred loops, most of them shorter than a millisecond.
///
/// `@unchecked Sendable`: `current` is guarded by `lock`, sleeping by `wake`; the rest are atomics.
final class SpinPool: @unchecked Sendable {
    static let shared = SpinPool(helpers: Parallel.cores - 1)

    /// How long an idle helper spins before it sleeps.
    static let spinNanoseconds: UInt64 = 200_000

    let helpers: Int
    private let lock = NSLock()
    private var current: Region?
    private let generation = Atomic<Int>(0)
    private let inUse = Atomic<Bool>(false)
    private let sleepers = Atomic<Int>(0)
    private let wake = NSCondition()

    init(helpers: Int) {
        self.helpers = helpers
        for _ in 0..<helpers {
            let t = Thread { [unowned self] in self.serve() }
            t.name = "nets-worker"
            t.stackSize = 8 << 20  // whole inference plans run here (Parallel.jobs), as on a main thread
            t.start()
        }
    }

    /// Runs body(0..<n) on the calling thread and the helpers; false, with nothing run, when
    /// another thread's loop holds the pool.
    func run(_ n: Int, _ body: (Int) -> Void) -> Bool {
        guard helpers > 0, inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            return false
        }
        defer { inUse.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            let region = Region(count: n, body: body)
            lock.lock()
            current = region
            lock.unlock()
            generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wake.lock()
                wake.broadcast()
                wake.unlock()
            }
            nets_serial_begin()
            region.work()
            nets_serial_end()
            while region.unfinished.load(ordering: .acquiring) > 0 { nets_spin_pause() }
            region.body = nil
            lock.lock()
            current = nil
            lock.unlock()
        }
        return true
    }

    /// A helper's life: wait for the next region (spinning, then sleeping), take its iterations.
    /// Loops started from inside an iteration run inline.
    private func serve() {
        nets_serial_begin()
        var seen = 0
        while true {
            var started = DispatchTime.now().uptimeNanoseconds
            var spins = 0
            while generation.load(ordering: .sequentiallyConsistent) == seen {
                nets_spin_pause()
                spins += 1
                if spins & 255 != 0 || DispatchTime.now().uptimeNanoseconds - started < Self.spinNanoseconds { continue }
                // Asleep until a region starts: the poster broadcasts when it sees a sleeper,
                // and a sleeper counted too late for it sees the new generation instead.
                sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
                wake.lock()
                while generation.load(ordering: .sequentiallyConsistent) == seen { wake.wait() }
                wake.unlock()
                sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
                started = DispatchTime.now().uptimeNanoseconds
            }
            seen = generation.load(ordering: .sequentiallyConsistent)
            lock.lock()
            let region = current
            lock.unlock()
            region?.work()
        }
    }
}
