import Foundation
import Testing

/// A REPL session on a pseudo-terminal, for end-to-end cases of what a person at a terminal
/// sees: type an input and read what the terminal showed for it up to the next prompt,
/// interrupt a running evaluation and time how long it took to stop. Built on `Terminal`;
/// every wait has a deadline, and the session is killed when it is finished or released.
///
///     let s = try REPLSession()
///     #expect(s.enter("1 + 1").contains("Out[1]= 2"))
final class REPLSession {
    let terminal: Terminal
    /// The number of the next `In[n]:=` prompt.
    private(set) var line = 1
    private let history: String
    /// Where (in UTF-8 bytes of the terminal's output) the current input's part begins.
    private var mark = 0

    /// Starts `nets` (with a history file of its own) and waits for its first prompt.
    init(environment: [String: String] = [:]) throws {
        history = FileManager.default.temporaryDirectory.appendingPathComponent("nets-history-\(UUID().uuidString)").path
        var env = ["NETS_HISTORY": history]
        for (k, v) in environment { env[k] = v }
        terminal = try Terminal(environment: env)
        #expect(terminal.waitFor("In[1]:= "), "no first prompt")
        mark = terminal.output.utf8.count
    }

    deinit { finish() }

    func finish() {
        terminal.finish()
        try? FileManager.default.removeItem(atPath: history)
    }

    /// Everything the terminal showed since the current input was typed.
    var shown: String { String(decoding: terminal.output.utf8.dropFirst(mark), as: UTF8.self) }

    /// Types `text` (lines ended by Return) without waiting.
    func type(_ text: String) {
        mark = terminal.output.utf8.count
        terminal.send(text)
    }

    /// Types one input (Return added) and returns what the terminal showed until the next
    /// prompt; nil when no prompt came within `seconds`.
    @discardableResult
    func enter(_ input: String, seconds: Double = 60) -> String? {
        type(input + "\r")
        return waitForPrompt(seconds: seconds) ? shown : nil
    }

    /// Waits for the next `In[n]:=` prompt (the one after the current input).
    func waitForPrompt(seconds: Double = 60) -> Bool {
        guard waitFor("In[\(line + 1)]:= ", seconds: seconds) else { return false }
        line += 1
        return true
    }

    /// Waits until `marker` shows after the current input was typed.
    func waitFor(_ marker: String, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            _ = terminal.waitFor(marker, count: Int.max, seconds: 0.02)
            if shown.contains(marker) { return true }
        }
        return false
    }

    /// Sends Ctrl-C (SIGINT, as the terminal does when Ctrl-C is typed during an evaluation)
    /// and gives the seconds until `marker` showed; nil if it did not within `seconds`.
    func interrupt(until marker: String = "$Aborted", seconds: Double = 5) -> Double? {
        let sent = Date()
        kill(terminal.process.processIdentifier, SIGINT)
        guard waitFor(marker, seconds: seconds) else { return nil }
        return Date().timeIntervalSince(sent)
    }

    /// Runs `input`, which must print `started` first and then work for a long time; sends
    /// Ctrl-C `after` seconds later and gives the latency until `$Aborted` showed (nil if it did
    /// not within `seconds`), having waited for the next prompt.
    func interrupted(_ input: String, after: Double = 1, seconds: Double = 5) -> Double? {
        type(input + "\r")
        guard waitFor("started", seconds: 120) else { return nil }
        usleep(useconds_t(after * 1e6))
        let latency = interrupt(seconds: seconds)
        guard waitForPrompt(seconds: 30) else { return nil }
        return latency
    }
}

/// Latencies measured by the interrupt cases, printed for the record (not asserted: CI load
/// varies; the cases only bound them generously).
enum Latencies {
    static func record(_ name: String, _ seconds: Double?) {
        print("interrupt latency \(name): " + (seconds.map { String(format: "%.3f s", $0) } ?? "none"))
    }
}
