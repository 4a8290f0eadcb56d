@preconcurrency import CEditLine
import Dispatch
import Foundation
import CoreKernel
import LearnKernel
import NetsKernel
import Language

/// The interactive session: `In[n]:=` prompts read with libedit (line editing, Ctrl-R search,
/// Tab completion), multi-line input while an expression is incomplete, `Out[n]=` results, a
/// persistent history, and Ctrl-C to abort an evaluation.
struct REPL {
    let kernel: Kernel
    let history: HistoryFile

    init(kernel: Kernel) {
        self.kernel = kernel
        history = HistoryFile()
    }

    func run() -> Int32 {
        let front = FrontEnd(kernel: kernel)
        // Signals and the input hook are set before libedit initializes (it reads them then).
        let interrupts = InterruptWatcher(kernel: kernel)
        interrupts.start()
        rl_catch_signals = 0
        rl_getc_function = { _ in InterruptWatcher.readKey() }
        Completion.install(kernel: kernel)
        history.load()
        write("nets \(Kernel.version) \u{2014} the Wolfram Language's neural-net idioms. "
              + "?Sym for help, Quit[] or Ctrl-D to leave.\n\n")
        while true {
            let n = kernel.line
            let prompt = "In[\(n)]:= "
            guard let text = readInput(prompt: prompt) else {
                write("\n")
                return 0
            }
            if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { continue }
            history.add(text)
            interrupts.evaluating = true
            let error = kernel.evaluateEach(text) { line, result in
                fflush(nil)
                // After Ctrl-C the terminal echoed ^C; start the result on a line of its own.
                if interrupts.takeInterrupted() { write("\n") }
                write(result.isNull ? "\n" : OutputCell.text(result, line: line) + "\n\n")
                InlinePictures.show(result, write)
            }
            interrupts.evaluating = false
            if let error { front.writeError(error.description + "\n") }
        }
    }

    /// Reads one input, continuing over several lines while brackets, strings or comments are
    /// open or the line ends with an operator; continuation lines are marked `...`, aligned with
    /// the end of the `In[n]:=` prompt. Ctrl-C drops the whole pending input (an empty string
    /// comes back). Nil at end of input (Ctrl-D on an empty line).
    func readInput(prompt: String) -> String? {
        guard var text = readLine(prompt: prompt) else { return nil }
        if InterruptWatcher.takeCancelled() { return "" }
        let continuation = REPL.continuationPrompt(after: prompt)
        while true {
            var parser = Parser(text)
            do {
                while try parser.next() != nil {}
                return text
            } catch let e as ParseError where e.incomplete {
                guard let more = readLine(prompt: continuation) else { return text }
                if InterruptWatcher.takeCancelled() { return "" }
                text += "\n" + more
            } catch {
                return text
            }
        }
    }

    /// `...` right-aligned under `prompt`, so continued text starts in the column of the first
    /// line's (`In[12]:= ` gives `     ... `).
    static func continuationPrompt(after prompt: String) -> String {
        String(repeating: " ", count: max(0, prompt.count - 4)) + "... "
    }

    func readLine(prompt: String) -> String? {
        InterruptWatcher.drainWakeups()
        guard let cLine = readline(prompt) else { return nil }
        defer { free(cLine) }
        return String(cString: cLine)
    }

    func write(_ s: String) {
        FileHandle.standardOutput.write(s.data(using: .utf8) ?? Data())
    }
}

/// The history file: loaded at start, and appended after every input (so nothing is lost if the
/// process is killed) under an exclusive lock (flock), so concurrent sessions keep all their
/// entries. Past `limit + slack` entries it is trimmed to the last `limit`, written to a temporary
/// file (mode 0600) that is then renamed over it: the file is never seen truncated. A session
/// that waited for the lock of a file renamed away meanwhile locks the new one. The format is
/// libedit's (a `_HiStOrY_V2_` line, then one entry a line with `\`, newlines and other control
/// characters escaped as `\ooo`). `NETS_HISTORY` names another file.
struct HistoryFile {
    let path: String
    let limit = 1000
    let slack = 100
    static let header = "_HiStOrY_V2_"

    init() {
        if let p = ProcessInfo.processInfo.environment["NETS_HISTORY"], !p.isEmpty {
            path = p
        } else {
            path = NSHomeDirectory() + "/.local/state/nets/history"
        }
    }

    func load() {
        stifle_history(Int32(limit))
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
        }
        for entry in entries(of: readFile()).suffix(limit) { add_history(entry) }
    }

    func add(_ entry: String) {
        add_history(entry)
        append(entry)
    }

    /// The file's text ("" if there is none).
    func readFile() -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    func entries(of text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true)
            .filter { $0 != Self.header }
            .map { Self.decode(Substring($0)) }
    }

    /// Appends one entry under the lock; trims the file when it has grown past the limit.
    func append(_ entry: String) {
        // A few attempts: each retry means another session renamed a trimmed file into place.
        for _ in 0..<20 {
            let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return }
            defer { close(fd) }
            while flock(fd, LOCK_EX) != 0 {
                if errno != EINTR { return }
            }
            var held = stat(), named = stat()
            guard fstat(fd, &held) == 0, stat(path, &named) == 0,
                  held.st_ino == named.st_ino, held.st_dev == named.st_dev else { continue }
            let text = (held.st_size == 0 ? Self.header + "\n" : "") + Self.encode(entry) + "\n"
            guard Self.writeAll(fd, Array(text.utf8)) else { return }
            trim()
            return
        }
    }

    /// With the lock held: rewrites the file with its last `limit` entries if it has more than
    /// `limit + slack`, through a temporary file renamed over it.
    func trim() {
        let all = entries(of: readFile())
        guard all.count > limit + slack else { return }
        let text = ([Self.header] + all.suffix(limit).map(Self.encode)).joined(separator: "\n") + "\n"
        var template = Array((path + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { b in b.baseAddress.map { mkstemp($0) } ?? -1 }
        guard fd >= 0 else { return }
        let temporary = template.withUnsafeBufferPointer { b in b.baseAddress.map { String(cString: $0) } ?? "" }
        _ = fchmod(fd, 0o600)
        let written = Self.writeAll(fd, Array(text.utf8)) && fsync(fd) == 0
        close(fd)
        if !written || rename(temporary, path) != 0 { _ = unlink(temporary) }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// One entry as one line: `\` and control characters as `\ooo` (UTF-8 stays as it is).
    static func encode(_ entry: String) -> String {
        var out: [UInt8] = []
        for byte in entry.utf8 {
            if byte == 0x5C || byte < 0x20 || byte == 0x7F {
                out += [0x5C, 0x30 + (byte >> 6), 0x30 + ((byte >> 3) & 7), 0x30 + (byte & 7)]
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Undoes libedit's escapes (strvis): `\ooo`, `\\`, `\n`-style letters, `\M-c`, `\^c`.
    static func decode(_ line: Substring) -> String {
        var bytes: [UInt8] = []
        let u = Array(line.utf8)
        var i = 0
        func octal(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x37 }
        while i < u.count {
            guard u[i] == 0x5C, i + 1 < u.count else { bytes.append(u[i]); i += 1; continue }
            let c = u[i + 1]
            if octal(c) {
                var value = 0, j = i + 1
                while j < u.count && j < i + 4 && octal(u[j]) { value = value * 8 + Int(u[j] - 0x30); j += 1 }
                bytes.append(UInt8(truncatingIfNeeded: value))
                i = j
                continue
            }
            i += 2
            switch c {
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "s"): bytes.append(0x20)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "a"): bytes.append(0x07)
            case UInt8(ascii: "v"): bytes.append(0x0B)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "E"): bytes.append(0x1B)
            case UInt8(ascii: "^"):
                if i < u.count { bytes.append(u[i] == UInt8(ascii: "?") ? 0x7F : u[i] & 0x1F); i += 1 }
            case UInt8(ascii: "M"):
                if i + 1 < u.count && u[i] == UInt8(ascii: "-") {
                    bytes.append(u[i + 1] | 0x80); i += 2
                } else if i + 1 < u.count && u[i] == UInt8(ascii: "^") {
                    bytes.append((u[i + 1] == UInt8(ascii: "?") ? 0x7F : u[i + 1] & 0x1F) | 0x80); i += 2
                }
            default: bytes.append(c)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Ctrl-C: during an evaluation it aborts the evaluation (the evaluator returns `$Aborted`); at
/// the prompt it drops the input typed so far, continuation lines included. SIGINT is delivered
/// to a dispatch source, not a signal handler, so no Swift code runs in signal context; at the
/// prompt the source wakes libedit's key reader through a pipe, and the reader answers with
/// Ctrl-U (kill line) and then Return, marking the line as cancelled.
final class InterruptWatcher: @unchecked Sendable {
    let kernel: Kernel
    private let lock = NSLock()
    private var _evaluating = false
    private var _interrupted = false
    private var source: DispatchSourceSignal?
    /// Read and write ends of the wake-up pipe.
    nonisolated(unsafe) static var wakeup: (Int32, Int32) = (-1, -1)

    init(kernel: Kernel) {
        self.kernel = kernel
        var fds: [Int32] = [0, 0]
        if pipe(&fds) == 0 {
            InterruptWatcher.wakeup = (fds[0], fds[1])
            _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
        }
    }

    /// Set when Ctrl-C ended the line being read: the key reader owes libedit a Return, and the
    /// line it returns is dropped. Touched only on the thread that reads input.
    nonisolated(unsafe) private static var cancelled = false
    nonisolated(unsafe) private static var owesReturn = false

    /// Whether Ctrl-C cancelled the line just read (cleared by asking).
    static func takeCancelled() -> Bool {
        defer { cancelled = false }
        return cancelled
    }

    /// libedit's key reader: one byte of standard input; after Ctrl-C at the prompt, Ctrl-U and
    /// then Return; -1 at end of input.
    static func readKey() -> Int32 {
        if owesReturn {
            owesReturn = false
            return 0x0D
        }
        while true {
            var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wakeup.0, events: Int16(POLLIN), revents: 0)]
            let n = poll(&fds, wakeup.0 >= 0 ? 2 : 1, -1)
            if n < 0 { if errno == EINTR { continue }; return -1 }
            if fds[1].revents & Int16(POLLIN) != 0 {
                drainWakeups()
                FileHandle.standardOutput.write("^C".data(using: .utf8) ?? Data())
                cancelled = true
                owesReturn = true
                return 0x15
            }
            var byte: UInt8 = 0
            let r = read(STDIN_FILENO, &byte, 1)
            if r == 1 { return Int32(byte) }
            if r < 0 && errno == EINTR { continue }
            return -1
        }
    }

    static func drainWakeups() {
        guard wakeup.0 >= 0 else { return }
        var buf = [UInt8](repeating: 0, count: 64)
        while read(wakeup.0, &buf, buf.count) > 0 {}
    }

    var evaluating: Bool {
        get { lock.lock(); defer { lock.unlock() }; return _evaluating }
        set { lock.lock(); _evaluating = newValue; lock.unlock() }
    }

    /// Whether Ctrl-C interrupted an evaluation since the last call.
    func takeInterrupted() -> Bool {
        lock.lock()
        defer { _interrupted = false; lock.unlock() }
        return _interrupted
    }

    /// Starts listening, and returns once the source is registered. SIGINT is not set to SIG_IGN
    /// first (see ScriptSignals.start: on Linux libdispatch installs its own handler when the
    /// source registers, and a signal ignored meanwhile would be lost).
    func start() {
        let registered = DispatchSemaphore(value: 0)
        let s = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        s.setRegistrationHandler { registered.signal() }
        s.setEventHandler { [weak self] in
            guard let self else { return }
            if self.evaluating {
                self.lock.lock()
                self._interrupted = true
                self.lock.unlock()
                self.kernel.evaluator.interrupt.set()
            } else if InterruptWatcher.wakeup.1 >= 0 {
                var byte: UInt8 = 1
                _ = write(InterruptWatcher.wakeup.1, &byte, 1)
            }
        }
        s.resume()
        source = s
        registered.wait()
    }
}

/// Tab completion of symbol names (builtins and user definitions), and of model names inside
/// `NetModel["...`.
enum Completion {
    nonisolated(unsafe) static var kernel: Kernel?
    nonisolated(unsafe) static var candidates: [String] = []
    nonisolated(unsafe) static var next = 0

    static func install(kernel: Kernel) {
        Completion.kernel = kernel
        rl_readline_name = UnsafePointer(strdup("nets"))
        rl_completion_append_character = 0
        rl_basic_word_break_characters = UnsafePointer(strdup(" \t\n\"\\'`@><=;|&{([,+-*/^~!?:.#%]})"))
        rl_attempted_completion_function = { text, start, _ in
            guard let text else { return nil }
            let prefix = String(cString: text)
            let before = rl_line_buffer.map { String(cString: $0) } ?? ""
            let head = String(before.utf8.prefix(Int(start))) ?? ""
            Completion.candidates = Completion.matches(prefix: prefix, context: head)
            Completion.next = 0
            rl_attempted_completion_over = 1
            if Completion.candidates.isEmpty { return nil }
            return rl_completion_matches(text) { _, _ in
                guard Completion.next < Completion.candidates.count else { return nil }
                defer { Completion.next += 1 }
                return strdup(Completion.candidates[Completion.next])
            }
        }
    }

    /// Names that complete `prefix`: model names after `NetModel["`, symbol names otherwise.
    static func matches(prefix: String, context: String) -> [String] {
        if context.hasSuffix("NetModel[\"") {
            guard let k = kernel, let names = k.session.run({ try? k.evaluator.evaluate(Expr(Symbol.intern("NetModel"))) })?.listItems
            else { return [] }
            return names.compactMap(\.asString).filter { $0.hasPrefix(prefix) }.sorted()
        }
        if prefix.isEmpty { return [] }
        // The session's own names (the user's definitions) and the system's, without private helpers.
        let visible = kernel?.session.run { Symbol.all } ?? Symbol.all
        return visible.filter { s in
            !s.isTemporary && !isPrivateName(s.name) && s.name.hasPrefix(prefix)
                && (s.builtin != nil || s.usage != nil || s.hasDefinitions || s.attributes.contains(.protected))
        }.map(\.name).sorted()
    }
}
