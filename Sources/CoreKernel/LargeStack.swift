import Foundation
import Language

/// Runs `body` on a thread with a large stack, so that deep (but bounded) recursion in the
/// evaluator never overflows, and waits for it.
public func runOnLargeStack(_ body: @escaping @Sendable () -> Void) {
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        body()
        done.signal()
    }
    thread.stackSize = 1 << 30
    thread.start()
    done.wait()
}

/// What evaluating some source printed, said and returned.
public struct Transcript: Sendable {
    /// Print output, one entry per line.
    public var printed: [String] = []
    /// Messages, `Sym::tag: text`, one entry per line.
    public var messages: [String] = []
    /// OutputForm of the last result.
    public var result: String = ""
    /// A syntax error, if the source did not parse.
    public var syntaxError: String?
}

/// A mutable value shared with the evaluation thread (which the caller waits for).
public final class Shared<T>: @unchecked Sendable {
    public var value: T
    public init(_ value: T) { self.value = value }
}

extension Kernel {
    /// Evaluates source on a large stack and records what it printed, the messages it issued and
    /// the last result; `timeLimit` bounds the whole source. For tests and tools; the REPL and
    /// scripts print as they go.
    public func capture(_ source: String, timeLimit: Double? = nil) -> Transcript {
        let box = Shared(Transcript())
        let kernel = Shared(self)
        runOnLargeStack {
            let k = kernel.value
            let ev = k.evaluator
            let oldPrinter = ev.printer, oldSink = ev.messages.sink
            defer { ev.printer = oldPrinter; ev.messages.sink = oldSink }
            ev.printer = { box.value.printed.append(contentsOf: $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)) }
            ev.messages.sink = { box.value.messages.append($0) }
            if let t = timeLimit { ev.deadlines = [DispatchTime.now().uptimeNanoseconds + UInt64(t * 1e9)] }
            defer { ev.deadlines = [] }
            var last: Expr = .null
            if let error = k.evaluateEach(source, { _, result in last = result }) {
                box.value.syntaxError = error.description
            }
            box.value.result = OutputForm.string(last)
        }
        return box.value
    }
}
