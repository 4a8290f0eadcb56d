import Foundation
import Testing

/// Drives `nets` through a pseudo-terminal, as a person at a terminal would.
final class Terminal {
    let process = Process()
    let master: FileHandle
    private var buffer = Data()

    init(environment: [String: String]) throws {
        var masterFD: Int32 = 0, slaveFD: Int32 = 0
        guard openpty(&masterFD, &slaveFD, nil, nil, nil) == 0 else { throw POSIXError(.ENOTTY) }
        master = FileHandle(fileDescriptor: masterFD, closeOnDealloc: true)
        let slave = FileHandle(fileDescriptor: slaveFD, closeOnDealloc: true)
        process.executableURL = ScriptTests.binary
        process.standardInput = slave
        process.standardOutput = slave
        process.standardError = slave
        var env = ProcessInfo.processInfo.environment
        env["TERM"] = "xterm"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        try process.run()
        _ = fcntl(masterFD, F_SETFL, fcntl(masterFD, F_GETFL) | O_NONBLOCK)
    }

    /// Types text (a raw write to the terminal's master side).
    func send(_ text: String) {
        let bytes = Array(text.utf8)
        let fd = master.fileDescriptor
        var offset = 0
        let deadline = Date().addingTimeInterval(5)
        while offset < bytes.count && Date() < deadline {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n > 0 { offset += n } else { usleep(5_000) }
        }
    }

    /// Reads until `marker` has appeared `count` times in all output so far, or the time is up.
    @discardableResult
    func waitFor(_ marker: String, count: Int = 1, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = read(master.fileDescriptor, &chunk, chunk.count)
            if n > 0 { buffer.append(contentsOf: chunk[0..<n]) }
            if output.components(separatedBy: marker).count - 1 >= count { return true }
            if n <= 0 { usleep(10_000) }
        }
        return false
    }

    var output: String { String(decoding: buffer, as: UTF8.self) }

    /// Waits for the process to end by itself; false (and the process killed) if it has not
    /// after `seconds`.
    func waitForExit(seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            finish()
            return false
        }
        process.waitUntilExit()
        return true
    }

    /// Ends the session (SIGKILL: the test runner may block gentler signals for its children).
    func finish() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

@Suite(.serialized) struct REPLTests {
    static func historyPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("nets-history-\(UUID().uuidString)").path
    }

    @Test func sessionNumberingHistoryMessagesHelpAndCompletion() throws {
        let history = Self.historyPath()
        defer { try? FileManager.default.removeItem(atPath: history) }
        let t = try Terminal(environment: ["NETS_HISTORY": history])
        defer { t.finish() }
        #expect(t.waitFor("In[1]:= "))
        t.send("1 + 1\r")
        #expect(t.waitFor("Out[1]= 2"))
        #expect(t.waitFor("In[2]:= "))
        t.send("% + 10\r")
        #expect(t.waitFor("Out[2]= 12"))
        // A definition over several lines: the continuation prompt `...` ends where In[3]:= does.
        t.send("sq[x_] :=\r")
        #expect(t.waitFor(":=\r\n    ... "))
        t.send("x^2\r")
        #expect(t.waitFor("In[4]:= "))
        t.send("sq[%2]\r")
        #expect(t.waitFor("Out[4]= 144"))
        // A message comes before the Out line.
        t.send("{1, 2}[[5]]\r")
        #expect(t.waitFor("Out[5]= {1, 2}[[5]]"))
        let messageAt = t.output.range(of: "Part::partw: Part 5 of {1, 2} does not exist.")
        let outAt = t.output.range(of: "Out[5]=")
        #expect(messageAt != nil && outAt != nil && messageAt!.lowerBound < outAt!.lowerBound)
        t.send("?Map\r")
        #expect(t.waitFor("applies f to each element"))
        // Tab completes a builtin's name.
        t.send("StringJoi\t[\"a\", \"b\"]\r")
        #expect(t.waitFor("Out[7]= ab"))
        t.send("Quit[]\r")
        #expect(t.waitForExit(seconds: 10))
        #expect(t.process.terminationStatus == 0)
        let saved = try String(contentsOfFile: history, encoding: .utf8)
        #expect(saved.contains("sq[%2]"))
    }

    @Test func controlCAbortsAndTheSessionGoesOn() throws {
        let history = Self.historyPath()
        defer { try? FileManager.default.removeItem(atPath: history) }
        let t = try Terminal(environment: ["NETS_HISTORY": history])
        defer { t.finish() }
        #expect(t.waitFor("In[1]:= "))
        t.send("keep = 42;\r")
        #expect(t.waitFor("In[2]:= "))
        t.send("While[True, 1]\r")
        usleep(300_000)
        let sent = Date()
        kill(t.process.processIdentifier, SIGINT)
        #expect(t.waitFor("$Aborted", seconds: 5))
        #expect(Date().timeIntervalSince(sent) < 1.0)
        #expect(t.waitFor("In[3]:= "))
        t.send("keep + 1\r")
        #expect(t.waitFor("Out[3]= 43"))
        // Ctrl-C at the prompt clears the line instead of ending the session.
        t.send("garbage")
        usleep(200_000)
        kill(t.process.processIdentifier, SIGINT)
        usleep(200_000)
        t.send("2 + 2\r")
        #expect(t.waitFor("Out[4]= 4"))
        // Ctrl-D on an empty line leaves with status 0. Sent once the prompt is up: typed while
        // the terminal is still in cooked mode between lines, the tty driver would consume it.
        #expect(t.waitFor("In[5]:= "))
        t.send("\u{4}")
        #expect(t.waitForExit(seconds: 10))
        #expect(t.process.terminationStatus == 0)
    }

    /// Training on a terminal shows a live progress line; Ctrl-C stops it after the current batch
    /// and the net trained so far comes back.
    @Test func controlCStopsTrainingAndReturnsTheNet() throws {
        let history = Self.historyPath()
        defer { try? FileManager.default.removeItem(atPath: history) }
        let t = try Terminal(environment: ["NETS_HISTORY": history])
        defer { t.finish() }
        #expect(t.waitFor("In[1]:= "))
        t.send("net = NetChain[{LinearLayer[16], Tanh, LinearLayer[2], SoftmaxLayer[]}, \"Input\" -> 2];\r")
        #expect(t.waitFor("In[2]:= "))
        t.send("r = NetTrain[net, Table[{i/100., 1 - i/100.} -> Mod[i, 2] + 1, {i, 200}], MaxTrainingRounds -> 1000000];\r")
        #expect(t.waitFor("examples/s", seconds: 20))
        #expect(t.output.contains("Round "))
        kill(t.process.processIdentifier, SIGINT)
        #expect(t.waitFor("NetTrain::interrupted", seconds: 10))
        #expect(t.waitFor("In[3]:= "))
        t.send("r\r")
        #expect(t.waitFor("Out[3]= NetChain[<4 layers>]"))
    }

    @Test func historySurvivesARestart() throws {
        let history = Self.historyPath()
        defer { try? FileManager.default.removeItem(atPath: history) }
        do {
            let t = try Terminal(environment: ["NETS_HISTORY": history])
            #expect(t.waitFor("In[1]:= "))
            t.send("remembered = 7 * 6\r")
            #expect(t.waitFor("Out[1]= 42"))
            t.finish()
        }
        let t = try Terminal(environment: ["NETS_HISTORY": history])
        defer { t.finish() }
        #expect(t.waitFor("In[1]:= "))
        // Up arrow recalls the previous session's input.
        t.send("\u{1B}[A\r")
        #expect(t.waitFor("Out[1]= 42"))
    }
}
