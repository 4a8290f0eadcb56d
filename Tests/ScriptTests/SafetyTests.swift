import Foundation
import Testing

/// A `nets` process whose output (stdout and stderr merged) goes to a file that can be read while
/// it runs; every wait has a deadline, and a process still running at the end is killed.
final class Running: @unchecked Sendable {
    let process = Process()
    let outputPath: String

    init(_ args: [String], environment: [String: String] = [:], stdin: String? = nil,
         directory: URL = ScriptTests.scriptsDir, executable: URL = ScriptTests.binary) throws {
        outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("nets-out-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: outputPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.executableURL = executable
        process.arguments = args
        process.currentDirectoryURL = directory
        process.standardOutput = handle
        process.standardError = handle
        var env = ProcessInfo.processInfo.environment
        // Plain progress lines come when work takes long, which varies with the machine's load:
        // off unless a test asks for them.
        env["NETS_PROGRESS"] = "off"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let input = Pipe()
        process.standardInput = input
        try process.run()
        try handle.close()
        if let stdin { input.fileHandleForWriting.write(stdin.data(using: .utf8) ?? Data()) }
        try input.fileHandleForWriting.close()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: outputPath)
    }

    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }

    /// Waits until the output contains `marker`; false when the time is up.
    func waitFor(_ marker: String, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if output.contains(marker) { return true }
            usleep(20_000)
        }
        return false
    }

    /// Waits for the process to end; nil (and the process killed) if it has not after `seconds`.
    func exitStatus(within seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }
}

/// SIGINT and SIGTERM in scripts, standard input and `-c`: the evaluation is aborted, not the
/// process, and the exit status says which signal came.
@Suite struct SignalTests {
    static let loop = "x = 0; Print[\"started\"]; While[True, x++]"

    /// Runs `script` from a file, sends `signal` once it has printed "started" and `delay`
    /// microseconds more have passed, and gives what it printed and its exit status (nil if it
    /// had not ended after `seconds`).
    static func signalled(_ script: String, _ signal: Int32, delay: useconds_t = 200_000,
                          seconds: Double = 30) throws -> (output: String, status: Int32?) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nets-signals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try script.write(to: dir.appendingPathComponent("s.nets"), atomically: true, encoding: .utf8)
        let r = try Running(["s.nets"], directory: dir)
        #expect(r.waitFor("started"))
        usleep(delay)
        r.send(signal)
        let status = r.exitStatus(within: seconds)
        return (r.output, status)
    }

    @Test func interruptAbortsTheEvaluationAndTheScriptGoesOn() throws {
        let r = try Self.signalled(Self.loop + "\nPrint[\"after \", x > 0]\n", SIGINT)
        #expect(r.status == 130)
        #expect(r.output.contains("Out[1]= $Aborted"))
        #expect(r.output.contains("after True"))
    }

    @Test func interruptOnStandardInputAndDashC() throws {
        let fromStdin = try Running([], stdin: Self.loop + "\nPrint[\"after\"]\n")
        let oneShot = try Running(["-c", Self.loop])
        #expect(fromStdin.waitFor("started"))
        #expect(oneShot.waitFor("started"))
        usleep(200_000)
        fromStdin.send(SIGINT)
        oneShot.send(SIGINT)
        #expect(fromStdin.exitStatus(within: 20) == 130)
        #expect(fromStdin.output.contains("after"))
        #expect(oneShot.exitStatus(within: 20) == 130)
        #expect(oneShot.output.contains("$Aborted"))
    }

    /// The first SIGINT is caught by CheckAbort and the loop goes on; the second ends nets.
    @Test func aSecondInterruptExitsAtOnce() throws {
        let r = try Running(["-c", "Print[\"started\"]; While[True, CheckAbort[While[True, x++], Print[\"caught\"]]]"])
        #expect(r.waitFor("started"))
        usleep(200_000)
        r.send(SIGINT)
        #expect(r.waitFor("caught", seconds: 20))
        r.send(SIGINT)
        #expect(r.exitStatus(within: 10) == 130)
    }

    @Test func terminateAbortsAndStopsTheScript() throws {
        let r = try Self.signalled(Self.loop + "\nPrint[\"after\"]\n", SIGTERM)
        #expect(r.status == 143)
        #expect(r.output.contains("Out[1]= $Aborted"))
        #expect(!r.output.contains("after"))
    }

    /// NetTrain stops after its batch and gives back the net; the rest of the script uses it.
    @Test func interruptStopsTrainingInAScriptAndKeepsTheNet() throws {
        let script = """
            net = NetChain[{LinearLayer[16], Tanh, LinearLayer[2], SoftmaxLayer[]}, "Input" -> 2];
            data = Table[{i/100., 1 - i/100.} -> Mod[i, 2] + 1, {i, 200}];
            r = (Print["started"]; NetTrain[net, data, MaxTrainingRounds -> 1000000]);
            Print["kept ", r]

            """
        // Well into training (a signal before it starts aborts the whole NetTrain call).
        let r = try Self.signalled(script, SIGINT, delay: 2_000_000)
        #expect(r.status == 130)
        #expect(r.output.contains("NetTrain::interrupted"))
        #expect(r.output.contains("kept NetChain[<4 layers>]"))
    }
}

/// A signal at any moment of start-up ends nets: before its signal sources are registered by
/// the default action, after that with 130 or 143. (Setting SIG_IGN before registering opened a
/// window in which a signal was dropped and an endless script ran on.)
@Suite struct StartupSignalTests {
    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalDuringStartupIsNeverLost(_ signal: Int32) throws {
        for delay: useconds_t in [0, 2_000, 5_000, 10_000, 20_000, 40_000, 80_000] {
            let r = try Running(["-c", "While[True, x++]"])
            usleep(delay)
            r.send(signal)
            let status = r.exitStatus(within: 20)
            #expect(status != nil, "delay \(delay) µs: the signal was lost and the loop ran on")
            if let status, r.process.terminationReason == .exit {
                #expect(status == 128 + signal, "delay \(delay) µs")
            }
        }
    }
}

/// Many pieces that each fit add up past the memory limit: the computation is aborted with
/// General::nomem, instead of growing until the OOM killer ends the process.
@Suite struct CumulativeMemoryTests {
    @Test(arguments: ["Length[Range[Range[10^5]]]", "Length[Table[Range[1000], {10^6}]]"])
    func aComputationThatOutgrowsTheLimitIsAborted(_ code: String) throws {
        let r = try Running(["-c", code + "; Print[\"done\"]"], environment: ["NETS_MEMORY_LIMIT": "400M"])
        #expect(r.exitStatus(within: 120) == 1)
        #expect(r.output.contains("General::nomem"))
        #expect(r.output.contains("$Aborted"))
        #expect(!r.output.contains("done"))
    }

    @Test func theNextInputRunsNormally() throws {
        let script = "Length[Range[Range[10^5]]]\nTotal[Range[10]]\n"
        let s = try Running([], environment: ["NETS_MEMORY_LIMIT": "400M"], stdin: script)
        #expect(s.exitStatus(within: 120) == 1)
        #expect(s.output.contains("Out[1]= $Aborted"))
        #expect(s.output.contains("Out[2]= 55"))
    }
}

/// `-c` takes any code, and `--` ends the options.
@Suite struct CommandLineTests {
    /// Runs nets to its end (at most a minute): output and status (nil if it had to be killed).
    static func nets(_ args: [String], directory: URL = ScriptTests.scriptsDir) throws -> (output: String, status: Int32?) {
        let r = try Running(args, directory: directory)
        let status = r.exitStatus(within: 60)
        return (r.output, status)
    }

    @Test func dashCTakesCodeThatLooksLikeAnOption() throws {
        let r = try Self.nets(["-c", "-1+3"])
        #expect(r.output == "2\n")
        #expect(r.status == 0)
        let flagLike = try Self.nets(["-c", "-x", "--plain"])
        #expect(flagLike.status == 0)
        #expect(flagLike.output == "-x\n")
        #expect(try Self.nets(["-c"]).status == 2)
    }

    @Test func doubleDashEndsTheOptions() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nets-dash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "Print[\"ran\"]; Last[$ScriptCommandLine]\n".write(to: dir.appendingPathComponent("-file.nets"), atomically: true, encoding: .utf8)
        let r = try Self.nets(["--plain", "--", "-file.nets", "-x"], directory: dir)
        #expect(r.output == "ran\n-x\n")
        #expect(r.status == 0)
        // Without --, a dash starts an option.
        #expect(try Self.nets(["-file.nets"], directory: dir).status == 2)
    }
}
