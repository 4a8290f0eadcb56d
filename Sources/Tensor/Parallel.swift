import CKernels
import Dispatch
import Foundation

/// The runtime's parallel loops. A loop inside `Parallel.jobs` runs on its job's thread, so a
/// caller can run independent jobs (say, one image each) on every core with the kernels inside
/// them serial, instead of every kernel splitting its own work and waiting at its end.
public enum Parallel {
    /// The cores the runtime uses: `NETS_THREADS` when set to a positive number, else the
    /// machine's.
    public static let cores: Int = {
        if let s = ProcessInfo.processInfo.environment["NETS_THREADS"], let n = Int(s), n > 0 { return n }
        return Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Cores available to a loop started here: 1 inside a job or another loop.
    public static var workers: Int { nets_serial() != 0 ? 1 : cores }

    /// body(0..<n), spread over the cores (inline inside a job, inside another loop's iteration,
    /// or for a single iteration).
    public static func forEach(_ n: Int, _ body: @Sendable (Int) -> Void) {
        if n <= 1 || nets_serial() != 0 || cores == 1 {
            for i in 0..<n { body(i) }
            return
        }
        if SpinPool.shared.run(n, body) { return }
        // The helpers are busy with another thread's loop: libdispatch's threads, with loops
        // inside an iteration inline here too.
        DispatchQueue.concurrentPerform(iterations: n) { i in
            nets_serial_begin()
            defer { nets_serial_end() }
            body(i)
        }
    }

    /// body(0..<n) as independent jobs across the cores, each running its parallel loops inline.
    /// OpenBLAS runs single-threaded meanwhile.
    public static func jobs(_ n: Int, _ body: @Sendable (Int) -> Void) {
        BLAS.singleThreaded {
            forEach(n) { i in
                nets_serial_begin()
                defer { nets_serial_end() }
                body(i)
            }
        }
    }
}

/// The AVX2 + FMA kernels (the `CKernels` target), used when the CPU has those instructions;
/// elsewhere, or when turned off, the portable Swift kernels do the same work.
public enum VectorKernels {
    /// Whether the vector kernels run now.
    public static var active: Bool { nets_vector_kernels() != 0 }

    /// Turns them on (where the CPU allows) or off; tests use this to check one against the other.
    public static func use(_ on: Bool) { nets_set_vector_kernels(on ? 1 : 0) }
}
