import Foundation

/// A live single-line display for long work (training, downloads) on a terminal: the line is
/// rewritten in place and cleared when the work ends. When standard output is not a terminal
/// nothing is written, so scripts and pipes never see escape codes.
package final class ProgressLine {
    package static var isTerminal: Bool { isatty(STDOUT_FILENO) != 0 }

    /// A front end that shows progress its own way (the Jupyter kernel: one display updated in
    /// place) instead of the terminal line: called with a line's id and its text, and with nil
    /// text when the work ends.
    nonisolated(unsafe) public static var display: ((_ id: Int, _ text: String?) -> Void)?
    nonisolated(unsafe) private static var nextID = 0

    package init() {
        ProgressLine.nextID += 1
        id = ProgressLine.nextID
    }
    private let id: Int
    private var shown = false
    private var last = Date.distantPast

    /// Shows `text`, at most ten times a second unless `force`.
    package func update(_ text: String, force: Bool = false) {
        guard ProgressLine.display != nil || ProgressLine.isTerminal else { return }
        let now = Date()
        guard force || now.timeIntervalSince(last) >= 0.1 else { return }
        last = now
        shown = true
        if let display = ProgressLine.display { return display(id, text) }
        fflush(nil)
        FileHandle.standardOutput.write(("\r\u{1B}[2K" + text).data(using: .utf8) ?? Data())
    }

    /// Clears the line.
    package func finish() {
        guard shown else { return }
        shown = false
        if let display = ProgressLine.display { return display(id, nil) }
        FileHandle.standardOutput.write("\r\u{1B}[2K".data(using: .utf8) ?? Data())
    }

    /// `1m05s`, `12.3s`.
    package static func duration(_ s: Double) -> String {
        guard s.isFinite else { return "?" }
        if s >= 60 { return "\(Int(s) / 60)m\(String(format: "%02d", Int(s) % 60))s" }
        return String(format: "%.1fs", s)
    }

    /// A bar of `width` cells, `fraction` full.
    package static func bar(_ fraction: Double, width: Int = 20) -> String {
        let full = Swift.max(0, Swift.min(width, Int((fraction * Double(width)).rounded(.down))))
        return "[" + String(repeating: "=", count: full) + (full < width ? ">" : "") + String(repeating: " ", count: Swift.max(0, width - full - 1)) + "]"
    }
}
