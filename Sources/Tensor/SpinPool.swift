import CKernels
import Dispatch
import Foundation
import Synchronization

/// One parallel loop: its body and iteration counters. The iterations are cut into one
/// contiguous share per participant (the caller first, then each helper); a participant takes
/// its own share's iterations in order, then helps with the others' until none are left. Loops
/// that split their data alike (consecutive layers over the same positions or channels) then
/// find much of it in the cache of the core that wrote it, where one shared counter handed the
/// iterations to whichever core came first. The caller clears `body` once all of them have
/// finished, so the body (which only lives for the caller's call) is never reached afterwards.
///
/// `@unchecked Sendable`: `body` is written before the region is published and after every
/// iteration has finished, and only read in between; `cursors` are atomics, made in `init` and
/// freed in `deinit`, after every participant has left.
final class Region: @unchecked Sendable {
    var body: ((Int) -> Void)?
    let count: Int
    let unfinished: Atomic<Int>
    private let shares: Int
    /// The next iteration of each share; share p ends where share p + 1 starts.
    private let cursors: UnsafeMutablePointer<Atomic<Int>>

    init(count: Int, shares: Int, body: @escaping (Int) -> Void) {
        self.count = count
        self.body = body
        self.shares = Swift.max(1, shares)
        unfinished = Atomic(count)
        cursors = .allocate(capacity: self.shares)
        for p in 0..<self.shares { (cursors + p).initialize(to: Atomic(start(p))) }
    }

    deinit {
        cursors.deinitialize(count: shares)
        cursors.deallocate()
    }

    private func start(_ share: Int) -> Int { share * count / shares }

    /// Runs iterations as participant `me` (0 is the caller) until none are left.
    func work(_ me: Int) {
        for k in 0..<shares {
            let share = (me + k) % shares, end = start(share + 1)
            while true {
                let i = cursors[share].wrappingAdd(1, ordering: .relaxed).oldValue
                guard i < end else { break }
                body?(i)
                unfinished.wrappingSubtract(1, ordering: .releasing)
            }
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
        for h in 0..<helpers {
            let t = Thread { [unowned self] in self.serve(participant: h + 1) }
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
            let region = Region(count: n, shares: helpers + 1, body: body)
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
            region.work(0)
            nets_serial_end()
            while region.unfinished.load(ordering: .acquiring) > 0 { nets_spin_pause() }
            region.body = nil
            lock.lock()
            current = nil
            lock.unlock()
        }
        return true
    }

    /// A helper's life: wait for the next region (spinning, then sleeping), take its iterations
    /// (its own share first). Loops started from inside an iteration run inline.
    private func serve(participant: Int) {
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
            region?.work(participant)
        }
    }
}
