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

/// Writes bytes to a file through a temporary file in the same folder and a rename, so a failed or
/// interrupted write never leaves a damaged file in place of the old one.
public func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
}
