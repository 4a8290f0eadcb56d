import Foundation
import Testing

/// A script's long results are abbreviated in its standard output (`$OutputSizeLimit`), as the
/// REPL's are; `nets -c` prints results whole, as wolframscript does.
@Suite struct OutputElisionTests {
    static func runScript(_ text: String) throws -> ScriptTests.Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nets-elision-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("long.nets")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return try ScriptTests.nets([file.path], directory: dir)
    }

    @Test func longListIsElidedInAScript() throws {
        let r = try Self.runScript("Range[10000]\nLength[%]\n")
        let lines = r.output.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.utf8.count < 1000, "\(r.output)")
        #expect(lines.first?.hasPrefix("Out[1]= {1, 2, 3, ") == true, "\(r.output)")
        #expect(lines.first?.hasSuffix(", 9999, 10000}") == true && lines.first?.contains("<<") == true, "\(r.output)")
        #expect(!r.output.contains(", 5000, "), "\(r.output)")
        #expect(lines.count > 1 && lines[1].contains("$OutputSizeLimit"), "\(r.output)")
        // The result itself is whole.
        #expect(lines.last == "Out[2]= 10000", "\(r.output)")
    }

    @Test func sizeLimitCanBeRaised() throws {
        let r = try Self.runScript("$OutputSizeLimit = Infinity;\nRange[10000]\n")
        #expect(r.output.contains(", 5000, ") && !r.output.contains("<<"), "\(r.output.prefix(300))")
    }

    @Test func oneShotCodePrintsWhole() throws {
        let r = try ScriptTests.nets(["-c", "Range[3000]"])
        #expect(r.output.contains(", 1500, ") && !r.output.contains("<<"), "\(r.output.prefix(300))")
    }

    /// The same at a terminal: the REPL shortens a long result and says how to see it all;
    /// a table prints under its `Out[n]//TableForm=` label.
    @Test func replShortensLongResults() throws {
        let history = FileManager.default.temporaryDirectory.appendingPathComponent("nets-history-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: history) }
        let t = try Terminal(environment: ["NETS_HISTORY": history])
        defer { t.finish() }
        #expect(t.waitFor("In[1]:= "))
        t.send("Range[10000]\r")
        #expect(t.waitFor("Large output shortened"))
        #expect(t.waitFor("In[2]:= "))
        #expect(t.output.contains("Out[1]= {1, 2, 3, ") && t.output.contains("<<") && !t.output.contains(", 5000, "), "\(t.output)")
        t.send("TableForm[{{1, 2}, {3, 4}}]\r")
        #expect(t.waitFor("Out[2]//TableForm= 1   2"))
        #expect(t.waitFor("                   3   4"))
        t.send("Quit[]\r")
        #expect(t.waitForExit(seconds: 10))
    }
}
