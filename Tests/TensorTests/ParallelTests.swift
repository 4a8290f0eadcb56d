import Dispatch
import Foundation
import Synchronization
import Testing
@testable import Tensor

/// The runtime's parallel loops: every iteration runs exactly once, loops inside loops run
/// inline, and loops started from several threads at once all finish.
@Suite struct ParallelTests {
    final class Counts: @unchecked Sendable {
        let slots: UnsafeMutableBufferPointer<Atomic<Int>>
        init(_ n: Int) {
            slots = .allocate(capacity: n)
            for i in 0..<n { (slots.baseAddress! + i).initialize(to: Atomic(0)) }
        }
        func hit(_ i: Int) { slots[i].wrappingAdd(1, ordering: .relaxed) }
        func all(equal v: Int) -> Bool { slots.indices.allSatisfy { slots[$0].load(ordering: .relaxed) == v } }
        deinit { slots.deallocate() }
    }

    @Test(arguments: [1, 2, 3, 17, 1000])
    func everyIterationRunsOnce(_ n: Int) {
        let counts = Counts(n)
        for _ in 0..<50 { Parallel.forEach(n) { counts.hit($0) } }
        #expect(counts.all(equal: 50))
    }

    @Test func nestedLoopsRunInline() {
        let counts = Counts(64)
        Parallel.forEach(8) { i in
            #expect(Parallel.workers == 1)
            Parallel.forEach(8) { j in counts.hit(i * 8 + j) }
        }
        #expect(counts.all(equal: 1))
        Parallel.jobs(4) { i in
            #expect(Parallel.workers == 1)
            Parallel.forEach(16) { j in counts.hit(i * 16 + j) }
        }
        #expect(counts.all(equal: 2))
    }

    @Test func loopsFromSeveralThreadsAllFinish() {
        let counts = Counts(4 * 100)
        DispatchQueue.concurrentPerform(iterations: 4) { t in
            for r in 0..<100 {
                // Some of these find the helpers busy and run on libdispatch: nested loops are
                // inline there too.
                Parallel.forEach(5) { _ in
                    #expect(Parallel.workers == 1)
                    counts.hit(t * 100 + r)
                }
            }
        }
        #expect(counts.all(equal: 5))
    }

    /// While another thread's loop holds the helpers, a loop runs on libdispatch, its nested
    /// loops still inline.
    @Test func aBusyPoolFallsBack() {
        let started = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let holder = Thread {
            Parallel.forEach(2) { i in
                if i == 0 { started.signal(); release.wait() }
            }
        }
        holder.start()
        started.wait()
        let counts = Counts(12)
        Parallel.forEach(3) { i in
            #expect(Parallel.workers == 1)
            Parallel.forEach(4) { j in counts.hit(i * 4 + j) }
        }
        release.signal()
        #expect(counts.all(equal: 1))
    }

    /// A participant takes its own contiguous share of a loop first, in order, then the others'
    /// (so consecutive loops that split alike give each core the same part of the data); with
    /// the other participants away it still runs every iteration once.
    @Test(arguments: [(10, 2), (3, 4), (7, 3), (0, 2)])
    func aParticipantTakesItsShareFirst(_ count: Int, _ shares: Int) {
        final class Order: @unchecked Sendable { var seen: [Int] = [] }
        for me in 0..<shares {
            let order = Order()
            let region = Region(count: count, shares: shares) { order.seen.append($0) }
            region.work(me)
            let own = me * count / shares..<(me + 1) * count / shares
            #expect(Array(order.seen.prefix(own.count)) == Array(own))
            #expect(order.seen.sorted() == Array(0..<count))
            #expect(region.unfinished.load(ordering: .relaxed) == 0)
        }
    }
}
