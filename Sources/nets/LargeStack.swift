import Foundation

/// Runs `body` on a thread with a large stack, so that deep (but bounded) recursion in the
/// evaluator never overflows, and waits for it.
func runOnLargeStack(_ body: @escaping @Sendable () -> Void) {
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        body()
        done.signal()
    }
    thread.stackSize = 1 << 30
    thread.start()
    done.wait()
}
