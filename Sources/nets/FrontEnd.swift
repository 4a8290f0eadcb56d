import Dispatch
import Foundation
import CoreKernel
import LearnKernel
import NetsKernel
import Language

/// Runs scripts and one-shot code against a kernel, printing results like notebook cells.
struct FrontEnd {
    let kernel: Kernel
    /// SIGINT and SIGTERM while scripts and one-shot code run (the REPL has its own handling).
    let signals: ScriptSignals?

    init(kernel: Kernel, signals: ScriptSignals? = nil) {
        self.kernel = kernel
        self.signals = signals
        kernel.evaluator.printer = { line in
            FileHandle.standardOutput.write((line + "\n").data(using: .utf8) ?? Data())
        }
        kernel.evaluator.messages.beforeWrite = {}
    }

    /// `nets -c`: evaluates everything, prints the last result unless it is Null.
    func runOneShot(_ code: String) -> Int32 {
        var last: Expr = .null
        signals?.evaluating = true
        let error = kernel.evaluateEach(code) { _, result in
            last = result
            if signals?.terminated == true && !result.isNull { write(ResultForm.string(result)) }
            signals?.stopIfTerminated()
        }
        if let error {
            writeError(error.description)
            return signals?.status ?? 1
        }
        if !last.isNull { write(ResultForm.string(last)) }
        if let status = signals?.status { return status }
        return last.isSymbol(Sym.Aborted) ? 1 : 0
    }

    func runScriptFile(_ path: String, plain: Bool) -> Int32 {
        guard let data = FileManager.default.contents(atPath: path) else {
            writeError("nets: cannot open \(path)")
            return 2
        }
        return runScript(String(decoding: data, as: UTF8.self), name: path, plain: plain)
    }

    /// Evaluates a script expression by expression; stops at a syntax error (status 1).
    func runScript(_ text: String, name: String, plain: Bool) -> Int32 {
        var status: Int32 = 0
        signals?.evaluating = true
        let error = kernel.evaluateEach(text) { n, result in
            if result.isSymbol(Sym.Aborted) { status = 1 }
            if !result.isNull {
                write(OutputCell.text(result, line: plain ? nil : n) + (plain ? "" : "\n"))
            }
            signals?.stopIfTerminated()
        }
        if let error {
            writeError("\(name): " + error.description)
            return signals?.status ?? 1
        }
        return signals?.status ?? status
    }

    func write(_ s: String) {
        FileHandle.standardOutput.write((s + "\n").data(using: .utf8) ?? Data())
    }

    func writeError(_ s: String) {
        FileHandle.standardError.write((s + "\n").data(using: .utf8) ?? Data())
    }
}

/// SIGINT and SIGTERM while a script (a file or standard input) or `nets -c` runs. The first
/// signal aborts the current evaluation through the evaluator's interrupt flag, as Ctrl-C does in
/// the REPL (NetTrain then stops after its batch and returns the net trained so far). After SIGINT
/// the script goes on with its next expression; after SIGTERM it stops once the aborted result is
/// shown. Either way nets then exits with 128 + the signal's number (130, 143). A second signal,
/// or one that comes before evaluation has begun, exits at once.
///
/// Signals are delivered to dispatch sources, not handlers, so no Swift code runs in signal
/// context.
final class ScriptSignals: @unchecked Sendable {
    private let interrupt: InterruptFlag
    private let lock = NSLock()
    private var received: Int32 = 0
    private var _evaluating = false
    private var sources: [DispatchSourceSignal] = []

    init(interrupt: InterruptFlag) {
        self.interrupt = interrupt
    }

    /// Starts listening, and returns once both sources are registered: a signal before that
    /// takes its default action (the process ends at once, as nothing has been evaluated yet).
    /// The signals are not set to SIG_IGN first, as Apple's documentation suggests: on Linux,
    /// libdispatch installs its own handler when a source registers (it blocks the signal and
    /// re-raises it into a signalfd), and a signal that came in while it was ignored would be lost.
    func start() {
        let registered = DispatchSemaphore(value: 0)
        for number in [SIGINT, SIGTERM] {
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in self?.handle(number) }
            source.setRegistrationHandler { registered.signal() }
            source.resume()
            sources.append(source)
        }
        for _ in sources { registered.wait() }
    }

    /// Whether evaluation has begun (before that, a signal exits at once).
    var evaluating: Bool {
        get { lock.lock(); defer { lock.unlock() }; return _evaluating }
        set { lock.lock(); _evaluating = newValue; lock.unlock() }
    }

    /// 128 + the number of the signal received, if one was.
    var status: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return received == 0 ? nil : 128 + received
    }

    private func handle(_ number: Int32) {
        lock.lock()
        let first = received == 0 && _evaluating
        if received == 0 { received = number }
        lock.unlock()
        if first {
            interrupt.set()
        } else {
            fflush(nil)
            PendingWrites.removeAll()
            _exit(128 + number)
        }
    }

    /// Whether SIGTERM was received.
    var terminated: Bool { status == 128 + SIGTERM }

    /// After SIGTERM, once the aborted evaluation's result is shown: exits with 143.
    func stopIfTerminated() {
        guard terminated else { return }
        fflush(nil)
        exit(128 + SIGTERM)
    }
}
