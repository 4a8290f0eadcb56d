import CoreKernel
import Language

/// The one kernel (the core library alone, no tensors) the tests share: symbols are global to the process, so kernel tests run in
/// one serialized suite and clear what they define.
nonisolated(unsafe) let sharedKernel = Kernel()

/// Evaluates source and returns the OutputForm of the last result.
func eval(_ source: String) -> String {
    Kernel.exclusive {
        sharedKernel.clearUserSymbols()
        let t = sharedKernel.capture(source, timeLimit: 30)
        return t.syntaxError ?? t.result
    }
}

/// Evaluates source and returns the transcript (printed lines, messages, result).
func run(_ source: String) -> Transcript {
    Kernel.exclusive {
        sharedKernel.clearUserSymbols()
        return sharedKernel.capture(source, timeLimit: 30)
    }
}
