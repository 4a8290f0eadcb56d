import Dispatch
import Foundation
import Synchronization

/// The one progress facility of long work (downloads, data decoding, feature extraction, model
/// search, training), shown as standard output allows:
/// - on a terminal, a live line rewritten in place (once the work has taken half a second) and
///   cleared when the work ends;
/// - when standard output is not a terminal (a script's output redirected to a file, a pipe),
///   a plain line on standard error once the work has taken `plainDelay` seconds, then one every
///   `plainInterval` seconds, so logs show what ran long and no escape codes;
/// - in a notebook, through `display` (one display updated in place).
///
/// `NETS_PROGRESS` = `live`, `plain` or `off` overrides the choice; `NETS_PROGRESS_EVERY=s` sets
/// both the delay and the interval of plain lines (default 2 and 5 seconds).
package final class ProgressLine: @unchecked Sendable {
    package enum Mode: Sendable { case live, plain, off }

    package static var isTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

    /// How progress is shown in this process (read once).
    package static let mode: Mode = {
        switch ProcessInfo.processInfo.environment["NETS_PROGRESS"]?.lowercased() {
        case "live": return .live
        case "plain": return .plain
        case "off", "0", "no": return .off
        default: return isTerminal ? .live : .plain
        }
    }()

    private static let every: Double? = ProcessInfo.processInfo.environment["NETS_PROGRESS_EVERY"].flatMap(Double.init).map { Swift.max(0, $0) }
    /// Seconds of work before the first plain line.
    package static var plainDelay: Double { every ?? 2 }
    /// Seconds between plain lines.
    package static var plainInterval: Double { every ?? 5 }

    /// A front end that shows progress its own way (the Jupyter kernel: one display updated in
    /// place) instead of the terminal line: called with a line's id and its text, and with nil
    /// text when the work ends.
    nonisolated(unsafe) public static var display: ((_ id: Int, _ text: String?) -> Void)?
    /// Lines of work under way, outermost first: only the innermost shows (reading a file
    /// within a longer step shows the reading; the step's line comes back when it ends).
    private static let active = Mutex<(next: Int, ids: [Int])>((0, []))

    package init() {
        id = ProgressLine.active.withLock { state in
            state.next += 1
            state.ids.append(state.next)
            return state.next
        }
    }

    deinit { ProgressLine.active.withLock { $0.ids.removeAll { $0 == id } } }

    private var isInnermost: Bool { ProgressLine.active.withLock { $0.ids.last == id } }
    private let id: Int
    private let started = Date()
    private let lock = NSLock()
    private var shown = false
    private var finished = false
    private var last = Date.distantPast

    /// Shows `text`: live at most ten times a second unless `force`; as a plain line when the
    /// delay and the interval have passed.
    package func update(_ text: String, force: Bool = false) {
        lock.lock()
        defer { lock.unlock() }
        guard !finished, isInnermost else { return }
        let now = Date()
        if let display = ProgressLine.display {
            guard force || now.timeIntervalSince(last) >= 0.1 else { return }
            last = now
            shown = true
            return display(id, text)
        }
        switch ProgressLine.mode {
        case .off:
            return
        case .live:
            // Work done within half a second shows nothing, so quick calls leave no flicker.
            guard now.timeIntervalSince(started) >= 0.5, force || now.timeIntervalSince(last) >= 0.1 else { return }
            last = now
            shown = true
            fflush(nil)
            FileHandle.standardOutput.write(("\r\u{1B}[2K" + text).data(using: .utf8) ?? Data())
        case .plain:
            guard now.timeIntervalSince(started) >= ProgressLine.plainDelay,
                  now.timeIntervalSince(last) >= Swift.max(ProgressLine.plainInterval, 0.1) else { return }
            last = now
            fflush(nil)
            FileHandle.standardError.write((text + "\n").data(using: .utf8) ?? Data())
        }
    }

    /// Clears the line; later updates show nothing.
    package func finish() {
        lock.lock()
        defer { lock.unlock() }
        if !finished { ProgressLine.active.withLock { $0.ids.removeAll { $0 == id } } }
        finished = true
        guard shown else { return }
        shown = false
        if let display = ProgressLine.display { return display(id, nil) }
        FileHandle.standardOutput.write("\r\u{1B}[2K".data(using: .utf8) ?? Data())
    }

    /// Runs `work`, a step that reports no progress of its own (decoding a data set, fitting a
    /// model), under the line `text 3.2s`, shown once the step has taken a second and updated
    /// while it runs (from a timer, so the step itself need not call anything).
    package static func step<T>(_ text: String, _ work: () throws -> T) rethrows -> T {
        try step(SharedText(text), work)
    }

    /// `step` with a text that may change while the step runs (`Monitor`).
    package static func step<T>(_ text: SharedText, _ work: () throws -> T) rethrows -> T {
        let line = ProgressLine()
        let start = Date()
        let timer = DispatchSource.makeTimerSource(queue: .global())
        if display == nil {
            timer.schedule(deadline: .now() + 1, repeating: 0.25)
            timer.setEventHandler { line.update("\(text.value) \(duration(Date().timeIntervalSince(start)))") }
        } else {
            // A notebook's display is updated from the evaluating thread only.
            line.update(text.value + "...")
        }
        timer.resume()
        defer {
            timer.cancel()
            line.finish()
        }
        return try work()
    }

    /// `1m05s`, `12.3s`.
    package static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        if s >= 60 { return "\(Int(s) / 60)m\(String(format: "%02d", Int(s) % 60))s" }
        return String(format: "%.1fs", s)
    }

    /// `812 KB`, `45.1 MB`: a byte count as a person reads it (powers of 1000).
    package static func bytes(_ n: Int) -> String {
        let x = Double(n)
        if x >= 1e9 { return String(format: "%.2f GB", x / 1e9) }
        if x >= 1e6 { return String(format: "%.1f MB", x / 1e6) }
        if x >= 1e3 { return String(format: "%.0f KB", x / 1e3) }
        return "\(n) B"
    }

    /// A bar of `width` cells, `fraction` full.
    package static func bar(_ fraction: Double, width: Int = 20) -> String {
        let full = Swift.max(0, Swift.min(width, Int((fraction * Double(width)).rounded(.down))))
        return "[" + String(repeating: "=", count: full) + (full < width ? ">" : "") + String(repeating: " ", count: Swift.max(0, width - full - 1)) + "]"
    }
}

/// A text one thread sets and another reads (what a progress line shows).
package final class SharedText: Sendable {
    private let storage: Mutex<String>
    package init(_ text: String) { storage = Mutex(text) }
    package var value: String {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
