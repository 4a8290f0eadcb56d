import Foundation
import CoreKernel
import NetsKernel
import LearnKernel
import Language
import Randomness
import Testing

/// The one kernel the tests share: symbols are global to the process, so kernel tests run in
/// one serialized suite and clear what they define.
nonisolated(unsafe) let sharedKernel = Kernel(libraries: [NetsLibrary.self, LearnLibrary.self])

/// Evaluates source and returns the OutputForm of the last result.
func eval(_ source: String) -> String {
    exclusive {
        sharedKernel.clearUserSymbols()
        let t = sharedKernel.capture(source, timeLimit: 30)
        return t.syntaxError ?? t.result
    }
}

/// Evaluates source and returns the transcript (printed lines, messages, result).
func run(_ source: String) -> Transcript {
    exclusive {
        sharedKernel.clearUserSymbols()
        return sharedKernel.capture(source, timeLimit: 30)
    }
}

/// The nets and learning libraries' tests, serialized because they share global symbols.
@Suite(.serialized) struct KernelSuite {}

extension SeededGenerator {
    /// A number in 0..<n, for choosing fuzz inputs (the same inputs on every run).
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
}

/// The tests of this target share one kernel (one session) and take turns on it; other targets'
/// kernels have sessions of their own and run beside it.
private let turn = NSRecursiveLock()

func exclusive<T>(_ body: () throws -> T) rethrows -> T {
    turn.lock()
    defer { turn.unlock() }
    return try body()
}
