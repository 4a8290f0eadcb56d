import Foundation
import Language

/// A file format `Import` and `Export` know: its name, the extensions that imply it, and how it is
/// read and written. Each library declares its formats (CoreKernel text, CSV, JSON...; NetsKernel
/// images, nets, checkpoints; LearnKernel classifiers) in one table; `Import` and `Export` are one
/// builtin each that dispatches through it, and `?Import`/`?Export` list it.
public struct FileFormat {
    /// The name `Import[file, "name"]` takes, upper-cased (`"CSV"`, `"PNG"`, `"WLNET"`).
    public let name: String
    /// Lower-case extensions that imply the format (`["jpg", "jpeg"]`).
    public let extensions: [String]
    /// What the format holds, for `?Import`.
    public let summary: String
    /// Reads the file at the path (already expanded and known to exist).
    public let importer: ((_ path: String, _ c: Call) throws -> Expr)?
    /// Writes the value to the path and returns nil when the value is not of a kind this format
    /// writes (so `Export` can say so).
    public let exporter: ((_ path: String, _ value: Expr, _ c: Call) throws -> Bool)?

    public init(_ name: String, extensions: [String] = [], summary: String,
                importer: ((_ path: String, _ c: Call) throws -> Expr)? = nil,
                exporter: ((_ path: String, _ value: Expr, _ c: Call) throws -> Bool)? = nil) {
        self.name = name
        self.extensions = extensions
        self.summary = summary
        self.importer = importer
        self.exporter = exporter
    }
}

/// The formats of every installed library.
public enum FileFormats {
    nonisolated(unsafe) static var all: [FileFormat] = []

    static func register(_ formats: [FileFormat]) {
        for f in formats where !all.contains(where: { $0.name == f.name }) { all.append(f) }
    }

    /// The format named by an explicit element, or by the file's extension; nil when neither names one.
    static func format(_ path: String, _ explicit: Expr?) -> FileFormat? {
        if let name = explicit?.asString?.uppercased() {
            return all.first { $0.name == name }
        }
        let lower = path.lowercased()
        // Longest extension first, so ".csv.gz" wins over ".gz".
        var best: (FileFormat, Int)?
        for f in all {
            for e in f.extensions where lower.hasSuffix("." + e) || lower.hasSuffix(e) && e.hasPrefix("-") {
                if best == nil || e.count > best?.1 ?? 0 { best = (f, e.count) }
            }
        }
        return best?.0
    }

    /// The list `?Import` and `?Export` show.
    static func listing(_ direction: KeyPath<FileFormat, Bool>) -> String {
        all.filter { $0[keyPath: direction] }.map { f in
            let ext = f.extensions.isEmpty ? "" : " (" + f.extensions.map { $0.hasPrefix("-") ? "*" + $0 : "." + $0 }.joined(separator: ", ") + ")"
            return "  \"\(f.name)\"\(ext): \(f.summary)"
        }.joined(separator: "\n")
    }

    /// Refreshes the usage texts of `Import` and `Export` with the installed formats.
    static func describe() {
        Symbol.intern("Import").usage = importUsage + "\nFormats:\n" + listing(\.canImport)
        Symbol.intern("Export").usage = exportUsage + "\nFormats:\n" + listing(\.canExport)
    }

    static let importUsage = "Import[file] reads a file in the format its extension implies; Import[file, format] names the format. Example: Import[\"data.csv\"]"
    static let exportUsage = "Export[file, expr] writes expr in the format the file's extension implies and gives file; Export[file, expr, format] names the format. Example: Export[\"squares.csv\", Table[{i, i^2}, {i, 3}]]"
}

extension FileFormat {
    var canImport: Bool { importer != nil }
    var canExport: Bool { exporter != nil }
}

/// Writes bytes to a file through a temporary file in the same folder (`.NAME.nets-PID-N`), synced
/// and renamed over the destination, so a failed or interrupted write never leaves a damaged file
/// in place of the old one. A temporary file still open is removed by `PendingWrites.removeAll()`,
/// which the front end calls before it exits on a second signal.
public func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    let temporary = folder + "/." + url.lastPathComponent + ".nets-\(getpid())-\(PendingWrites.next())"
    PendingWrites.add(temporary)
    defer { PendingWrites.remove(temporary) }
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw FileError("noopen", "cannot write \(path)") }
    var ok = true
    bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let n = write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset)
            if n < 0 { if errno == EINTR { continue }; ok = false; return }
            offset += n
        }
    }
    ok = ok && fsync(fd) == 0
    ok = close(fd) == 0 && ok
    guard ok, rename(temporary, path) == 0 else {
        unlink(temporary)
        throw FileError("noopen", "cannot write \(path)")
    }
}

/// Temporary files of writes in progress, so an exit at once can remove them.
public enum PendingWrites {
    nonisolated(unsafe) private static var paths: Set<String> = []
    nonisolated(unsafe) private static var counter = 0
    private static let lock = NSLock()

    static func next() -> Int { lock.lock(); defer { lock.unlock() }; counter += 1; return counter }
    static func add(_ p: String) { lock.lock(); paths.insert(p); lock.unlock() }
    static func remove(_ p: String) { lock.lock(); paths.remove(p); lock.unlock() }

    /// Removes every temporary file of a write still in progress.
    public static func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        for p in paths { unlink(p) }
        paths = []
    }
}
