import Foundation
import Testing

/// The REPL's history file shared by concurrent sessions.
@Suite struct HistoryTests {
    final class Results: @unchecked Sendable {
        let lock = NSLock()
        var failures: [String] = []
        func fail(_ s: String) { lock.lock(); failures.append(s); lock.unlock() }
    }

    static func entries(_ path: String) -> [String]? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").map(String.init)
    }

    /// Two sessions type at once into a history file that is at its size limit, so that it is
    /// trimmed (rewritten) while the other session appends: every entry of both stays, the file
    /// is never seen shorter than the limit, and it stays private (0600).
    @Test func concurrentSessionsKeepEveryEntry() throws {
        let path = REPLTests.historyPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let old = (0..<1095).map { "old\($0)" }
        try (["_HiStOrY_V2_"] + old).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        let results = Results()
        let perSession = 30
        let watching = Results()
        var smallest = Int.max
        var sawTrim = false
        let done = DispatchGroup()
        for session in 0..<2 {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                do {
                    let t = try Terminal(environment: ["NETS_HISTORY": path])
                    defer { t.finish() }
                    guard t.waitFor("In[1]:= ", seconds: 30) else { return results.fail("session \(session) did not start") }
                    for i in 1...perSession {
                        t.send("s\(session)x\(i) = \(i)\r")
                        if !t.waitFor("Out[\(i)]= \(i)", seconds: 20) { return results.fail("session \(session) stopped at \(i)") }
                    }
                } catch {
                    results.fail("session \(session): \(error)")
                }
            }
        }
        // Watch the file while the sessions write.
        let deadline = Date().addingTimeInterval(120)
        while done.wait(timeout: .now() + .milliseconds(2)) == .timedOut && Date() < deadline {
            guard let lines = Self.entries(path) else { watching.fail("the history file vanished"); continue }
            smallest = min(smallest, lines.count - 1)
            if !lines.contains("old0") { sawTrim = true }
            if lines.first != "_HiStOrY_V2_" { watching.fail("the header is missing") }
        }
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(results.failures.isEmpty, "\(results.failures)")
        #expect(watching.failures.isEmpty, "\(Set(watching.failures))")
        #expect(smallest >= 1000)
        let lines = Self.entries(path) ?? []
        for session in 0..<2 {
            for i in 1...perSession { #expect(lines.contains("s\(session)x\(i) = \(i)")) }
        }
        #expect(sawTrim || !lines.contains("old0"))
        #expect(lines.count - 1 >= 1000 && lines.count - 1 <= 1100)
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
        #expect(mode == 0o600)
    }

    /// Entries with newlines and backslashes come back as they were typed.
    @Test func multiLineEntriesSurviveARestart() throws {
        let path = REPLTests.historyPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let t = try Terminal(environment: ["NETS_HISTORY": path])
            #expect(t.waitFor("In[1]:= "))
            t.send("{\"a\\\\b\",\r")
            t.send("2}\r")
            #expect(t.waitFor("Out[1]= {a\\b, 2}"))
            t.finish()
        }
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        #expect(saved == "_HiStOrY_V2_\n{\"a\\134\\134b\",\\0122}\n")
        let t = try Terminal(environment: ["NETS_HISTORY": path])
        defer { t.finish() }
        #expect(t.waitFor("In[1]:= "))
        t.send("\u{1B}[A\r")
        #expect(t.waitFor("Out[1]= {a\\b, 2}"))
    }
}
