import Foundation
import Testing

/// End-to-end tests: run the built `nets` binary as a user would.
@Suite struct ScriptTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let scriptsDir = packageRoot.appendingPathComponent("Tests/Scripts")

    /// The `nets` executable next to this test bundle (or `NETS_TEST_BINARY`, e.g. a release
    /// build, to read the interrupt latencies of the binary users run).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["NETS_TEST_BINARY"], FileManager.default.isExecutableFile(atPath: path) {
            return URL(fileURLWithPath: path)
        }
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for dir in [bundleDir, bundleDir.deletingLastPathComponent(), packageRoot.appendingPathComponent(".build/debug")] {
            let candidate = dir.appendingPathComponent("nets")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return packageRoot.appendingPathComponent(".build/debug/nets")
    }

    struct Result {
        var output: String
        var status: Int32
    }

    /// Runs nets with arguments and optional standard input; output is stdout and stderr merged
    /// in the order written. A run that has not ended after five minutes is killed.
    static func nets(_ args: [String], stdin: String? = nil, directory: URL = scriptsDir) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        p.currentDirectoryURL = directory
        // Golden outputs do not depend on how long work takes: no progress lines.
        p.environment = ProcessInfo.processInfo.environment.merging(["NETS_PROGRESS": "off"]) { $1 }
        let merged = FileManager.default.temporaryDirectory.appendingPathComponent("nets-\(UUID().uuidString).txt")
        FileManager.default.createFile(atPath: merged.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: merged) }
        let mergedHandle = try FileHandle(forWritingTo: merged)
        p.standardOutput = mergedHandle
        p.standardError = mergedHandle
        let input = Pipe()
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(stdin.data(using: .utf8) ?? Data()) }
        try input.fileHandleForWriting.close()
        // Bounded: a run that hangs is killed after five minutes and fails its test.
        let deadline = Date().addingTimeInterval(300)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning { p.terminate(); usleep(200_000); if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        p.waitUntilExit()
        try mergedHandle.close()
        let text = (try? String(contentsOf: merged, encoding: .utf8)) ?? ""
        return Result(output: text, status: p.terminationStatus)
    }

    static var scripts: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: scriptsDir.path)) ?? [])
            .filter { $0.hasSuffix(".nets") }.sorted()
    }

    /// Each `Tests/Scripts/NAME.nets` prints exactly `NAME.out` and exits with `NAME.status`.
    @Test(arguments: scripts)
    func script(_ name: String) throws {
        let base = String(name.dropLast(5))
        let expected = try String(contentsOf: Self.scriptsDir.appendingPathComponent(base + ".out"), encoding: .utf8)
        let status = try String(contentsOf: Self.scriptsDir.appendingPathComponent(base + ".status"), encoding: .utf8)
        let r = try Self.nets([name])
        #expect(r.output == expected)
        #expect(String(r.status) == status.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static let oneShot: [(String, String)] = [
        ("{1, 2, 3}[[2]]", "2\n"),
        ("Map[#^2 &, Range[5]]", "{1, 4, 9, 16, 25}\n"),
        ("2^100", "1267650600228229401496703205376\n"),
        ("x = {10, 20, 30}; x[[5]]", "Part::partw: Part 5 of {10, 20, 30} does not exist.\n{10, 20, 30}[[5]]\n"),
        ("<|\"a\" -> 1|>[\"b\"]", "Missing[\"KeyAbsent\", \"b\"]\n"),
        ("f[x_] := x^2; f /@ {1, 2}", "{1, 4}\n"),
        ("Select[Range[10], EvenQ]", "{2, 4, 6, 8, 10}\n"),
        ("Print[1]; Print[2]", "1\n2\n"),
        ("x = 1;", ""),
        ("N[1/3]", "0.3333333333333333\n"),
    ]

    /// `nets -c` prints as `wolframscript -code` does: InputForm, strings bare, forms as
    /// themselves (outputs as the Wolfram documentation shows them).
    static let wolframscriptResults: [(String, String)] = [
        ("2 x", "2*x"), ("1/a", "a^(-1)"), ("b^2 Pi^2/6", "(b^2*Pi^2)/6"), ("1/Sqrt[2]", "1/Sqrt[2]"),
        ("-t/(1 - t)", "-(t/(1 - t))"), ("x^2 + 2 x + 1", "1 + 2*x + x^2"), ("N[Pi]", "3.141592653589793"),
        ("1.*^-20", "1.*^-20"), ("N[10^6]", "1.*^6"), ("\"abc\"", "abc"), ("{\"a\", 1}", "{\"a\", 1}"),
        ("StringReverse[\"hello\"]", "olleh"), ("a -> b", "a -> b"), ("<|a -> 1|>", "<|a -> 1|>"),
        ("FullForm[a - b]", "Plus[a, Times[-1, b]]"), ("InputForm[x/2]", "x/2"), ("ToString[x/2, InputForm]", "x/2"),
        ("TableForm[{{1, 2}, {3, 4}}]", "1   2\n\n3   4"), ("MatrixForm[{{1, 22}, {333, 4}}]", "1     22\n\n333   4"),
        ("Hold[1;;3]", "Hold[1 ;; 3]"), ("Hold[;;]", "Hold[1 ;; All]"), ("-x/2", "-1/2*x"), ("x/(2 y)", "x/(2*y)"),
        ("-a b", "-(a*b)"), ("2 > 1 == True", "1 == True"), ("NumberForm[N[Pi], 10]", "3.141592654"),
        ("TeXForm[x^2 + Sqrt[y]]", "x^2+\\sqrt{y}"), ("N[GoldenRatio]", "1.618033988749895"),
        ("BaseForm[10, 2]", "2^^1010"),
    ]

    @Test(arguments: wolframscriptResults)
    func dashCPrintsLikeWolframscript(_ code: String, _ expected: String) throws {
        let r = try Self.nets(["-c", code])
        #expect(r.output == expected + "\n")
    }

    @Test(arguments: oneShot)
    func dashC(_ code: String, _ expected: String) throws {
        let r = try Self.nets(["-c", code])
        #expect(r.output == expected)
        #expect(r.status == 0)
    }

    @Test func exitStatus() throws {
        #expect(try Self.nets(["-c", "Abort[]"]).status == 1)
        #expect(try Self.nets(["-c", "1 +* 2"]).status == 1)
        #expect(try Self.nets(["--no-such-flag"]).status == 2)
        #expect(try Self.nets(["no-such-file.nets"]).status == 2)
        let help = try Self.nets(["--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("-c"))
        #expect(help.output.contains("--plain"))
    }

    @Test func syntaxErrorNamesLineAndColumn() throws {
        let r = try Self.nets(["-c", "f[1,\n  2}"])
        #expect(r.status == 1)
        #expect(r.output.contains("line 2, column 4"))
        #expect(r.output.contains("    2}\n     ^"))
    }

    @Test func standardInputIsAScript() throws {
        let r = try Self.nets([], stdin: "1 + 1\nPrint[\"hi\"]\n3\n")
        #expect(r.output == "Out[1]= 2\n\nhi\nOut[3]= 3\n\n")
        #expect(r.status == 0)
    }

    @Test func plainOutputAndArguments() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nets-args-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "Length[$ScriptCommandLine]\nLast[$ScriptCommandLine]\n".write(to: dir.appendingPathComponent("a.nets"), atomically: true, encoding: .utf8)
        let r = try Self.nets(["--plain", "a.nets", "one", "two"], directory: dir)
        #expect(r.output == "3\ntwo\n")
    }
}
