import CoreKernel
import LearnKernel
import NetsKernel
import Randomness
import Testing

/// The kernel the nets and learning tests share (see KernelSession.swift): the three libraries.
nonisolated(unsafe) let sharedKernel = Kernel(libraries: [NetsLibrary.self, LearnLibrary.self])

/// The nets and learning libraries' tests, serialized because they share one session.
@Suite(.serialized) struct KernelSuite {}

extension SeededGenerator {
    /// A number in 0..<n, for choosing fuzz inputs (the same inputs on every run).
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
}
