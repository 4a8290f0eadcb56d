import CoreKernel
import Foundation
import Language

// Shared by the kernel test targets (linked into each as a symbolic link); each target declares
// its own `sharedKernel` with the libraries it tests.

/// Evaluates source in the target's kernel, with its definitions cleared first, and returns the
/// OutputForm of the last result (or the syntax error).
func eval(_ source: String) -> String {
    let t = run(source)
    return t.syntaxError ?? t.result
}

/// Evaluates source and returns the transcript (printed lines, messages, result).
func run(_ source: String) -> Transcript {
    exclusive {
        sharedKernel.clearUserSymbols()
        return sharedKernel.capture(source, timeLimit: 30)
    }
}

/// The tests of a target share one kernel (one session) and take turns on it; other targets'
/// kernels have sessions of their own and run beside it.
private let turn = NSRecursiveLock()

func exclusive<T>(_ body: () throws -> T) rethrows -> T {
    turn.lock()
    defer { turn.unlock() }
    return try body()
}
