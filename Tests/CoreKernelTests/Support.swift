import Foundation
import CoreKernel
import Language

/// The one kernel (the core library alone, no tensors) the tests share: the tests of this target run in
/// one serialized suite and clear what they define.
nonisolated(unsafe) let sharedKernel = Kernel()

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

/// The tests of this target share one kernel (one session) and take turns on it; other targets'
/// kernels have sessions of their own and run beside it.
private let turn = NSRecursiveLock()

func exclusive<T>(_ body: () throws -> T) rethrows -> T {
    turn.lock()
    defer { turn.unlock() }
    return try body()
}
