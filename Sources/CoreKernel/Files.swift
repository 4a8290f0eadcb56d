import Foundation
import Language
import OrderedCollections

/// Splits CSV or TSV text into rows of fields, with quoted fields; numbers become numbers.
/// `checkpoint` hears the fraction read every 16 rows, and may throw to stop (an interrupt).
package func parseDelimited(_ text: String, separator: Character, checkpoint: (_ fraction: Double) throws -> Void = { _ in }) rethrows -> Expr {
    let sep = separator.asciiValue ?? UInt8(ascii: ",")
    let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
    var rows: [Expr] = []
    var field: [UInt8] = [], row: [Expr] = []
    var quoted = false, wasQuoted = false
    func endField() {
        if !wasQuoted, let i = integer(field) {
            row.append(.integer(i))
            field.removeAll(keepingCapacity: true)
            return
        }
        let s = String(decoding: field, as: UTF8.self)
        if !wasQuoted, let i = Int(s.trimmingCharacters(in: .whitespaces)) { row.append(.integer(i)) }
        else if !wasQuoted, let d = Double(s.trimmingCharacters(in: .whitespaces)), !field.isEmpty { row.append(.real(d)) }
        else { row.append(.string(s)) }
        field.removeAll(keepingCapacity: true)
        wasQuoted = false
    }
    var bytes = Array(text.utf8)
    if bytes.last != newline { bytes.append(newline) }
    var i = 0
    while i < bytes.count {
        let ch = bytes[i]
        if quoted {
            if ch == quote {
                if i + 1 < bytes.count && bytes[i + 1] == quote { field.append(quote); i += 1 } else { quoted = false }
            } else {
                field.append(ch)
            }
        } else if ch == quote && field.isEmpty {
            quoted = true
            wasQuoted = true
        } else if ch == sep {
            endField()
        } else if ch == newline {
            endField()
            rows.append(.list(row))
            row = []
            if rows.count % 16 == 0 { try checkpoint(Double(i) / Double(bytes.count)) }
        } else if ch != cr {
            field.append(ch)
        }
        i += 1
    }
    return .list(rows)
}

/// Digits with an optional minus sign as an Int, read directly from the bytes (most fields of
/// numeric CSV); nil for anything else, which the general conversion then reads.
private func integer(_ f: [UInt8]) -> Int? {
    guard !f.isEmpty, f.count <= 18 else { return nil }
    let negative = f[0] == UInt8(ascii: "-")
    var i = negative ? 1 : 0
    guard i < f.count else { return nil }
    var v = 0
    while i < f.count {
        let d = f[i] &- UInt8(ascii: "0")
        guard d < 10 else { return nil }
        v = v * 10 + Int(d)
        i += 1
    }
    return negative ? -v : v
}

private func formatDelimited(_ e: Expr, separator: String, _ c: Call) throws -> String {
    let rows = e.listItems ?? [e]
    var pulse = Pulse(c)
    return try rows.map { r in
        try pulse.beat()
        return (r.listItems ?? [r]).map { f -> String in
            if let s = f.asString {
                return s.contains(separator) || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
            }
            if case .real(let d) = f { return Printer.fullReal(d).replacingOccurrences(of: "*^", with: "e") }
            return OutputForm.string(f)
        }.joined(separator: separator)
    }.joined(separator: "\n") + "\n"
}

/// A file error raised by a format's reader or writer, issued as `Import::tag` / `Export::tag`.
public struct FileError: Error, CustomStringConvertible {
    public var tag: String
    public var description: String
    public init(_ tag: String, _ description: String) {
        self.tag = tag
        self.description = description
    }
}

/// Runs a format's reader or writer; a `FileError` becomes a message and `$Failed`. Errors of
/// lower modules are turned into messages by the error reporters libraries register.
func fileOperation(_ c: Call, _ body: () throws -> Expr?) throws -> Expr? {
    do {
        return try body()
    } catch let e as ControlFlow {
        throw e
    } catch {
        report(error, c)
        return .failed
    }
}

/// Error reporters of the installed libraries: each turns its module's errors into a message and
/// answers whether it did. CoreKernel's own `FileError` is reported first.
public enum ErrorReporters {
    nonisolated(unsafe) static var all: [(Error, Call) -> Bool] = []

    public static func register(_ reporter: @escaping (Error, Call) -> Bool) { all.append(reporter) }
}

/// Issues a message for an error of a builtin's lower layers: `FileError`, or whatever an
/// installed library's reporter recognises, else `f::eval`.
public func report(_ error: Error, _ c: Call) {
    // An abort (or a Throw) is no error of the builtin: it leaves it once the builtin returns.
    if let flow = error as? ControlFlow {
        c.evaluator.caughtFlow = flow
        return
    }
    if let e = error as? FileError {
        c.message(e.tag, text: sentence(e.description))
        return
    }
    for r in ErrorReporters.all where r(error, c) { return }
    c.message("eval", text: "\(error)")
}

/// `f::nomem`: a size beyond the memory limit (`ResourcePolicy.memoryLimit`, `NETS_MEMORY_LIMIT`).
public func nomem(_ c: Call) {
    c.message("nomem", text: "The current computation was aborted because there was insufficient memory available to complete the computation.")
}

/// A description as a message sentence: capital first letter and a full stop (none after a
/// question, as in "Did you mean ...?"). A first word of one letter other than "a" is a value
/// (a class `c`, a variable `x`), not English, and keeps its case.
public func sentence(_ s: String) -> String {
    let end = s.hasSuffix(".") || s.hasSuffix("?") ? "" : "."
    return capitalized(s) + end
}

/// The text with a capital first letter, unless its first word is a one-letter value (`c`).
public func capitalized(_ s: String) -> String {
    let first = s.prefix { $0 != " " && $0 != ":" && $0 != "," }
    if first.count == 1, first != "a" { return s }
    return s.prefix(1).uppercased() + s.dropFirst()
}

/// An expression in InputForm, cut to about 60 characters, for messages.
public func short(_ e: Expr) -> String {
    let s = InputForm.string(e)
    return s.count > 60 ? String(s.prefix(57)) + "..." : s
}

/// JSON as associations, lists, strings, numbers, True/False and Null.
package func exprFromJSON(_ v: Any) -> Expr {
    switch v {
    case let d as [String: Any]:
        return .association(OrderedDictionary(uniqueKeysWithValues: d.keys.sorted { (Int($0) ?? Int.max, $0) < (Int($1) ?? Int.max, $1) }.map { (Expr.string($0), exprFromJSON(d[$0] ?? NSNull())) }))
    case let a as [Any]: return .list(a.map(exprFromJSON))
    case let s as String: return .string(s)
    case let n as NSNumber:
        let type = String(cString: n.objCType)
        if type == "c" || type == "B" { return n.boolValue ? .symbol(Sym.True) : .symbol(Sym.False) }
        if n.doubleValue.rounded() == n.doubleValue && abs(n.doubleValue) < 1e15 && !"\(n)".contains(".") { return .integer(n.intValue) }
        return .real(n.doubleValue)
    default: return .null
    }
}

/// JSON text as an expression; invalid JSON throws.
package func parseJSON(_ bytes: [UInt8]) throws -> Expr {
    guard let v = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else {
        throw FileError("fmterr", "the data is not valid JSON")
    }
    return exprFromJSON(v)
}

/// The formats of the language's own library.
var coreFormats: [FileFormat] { [
    FileFormat("TEXT", extensions: ["txt", "text", "md"], summary: "the file as one string",
               importer: { path, _ in .string(try readText(path)) },
               exporter: { path, e, _ in try writeText(e.asString ?? OutputForm.string(e), path) }),
    FileFormat("STRING", summary: "the file as one string",
               importer: { path, _ in .string(try readText(path)) },
               exporter: { path, e, _ in try writeText(e.asString ?? OutputForm.string(e), path) }),
    FileFormat("LINES", summary: "the non-empty lines, as a list of strings",
               importer: { path, _ in .strings(try readText(path).split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }) },
               exporter: { path, e, _ in try writeText((e.listItems ?? [e]).map { $0.asString ?? OutputForm.string($0) }.joined(separator: "\n") + "\n", path) }),
    FileFormat("CSV", extensions: ["csv"], summary: "comma-separated rows; numbers become numbers",
               importer: { path, c in try parseDelimited(try readText(path), separator: ",") { _ in try c.evaluator.checkInterrupt() } },
               exporter: { path, e, c in try writeText(try formatDelimited(e, separator: ",", c), path) }),
    FileFormat("TSV", extensions: ["tsv", "tab"], summary: "tab-separated rows",
               importer: { path, c in try parseDelimited(try readText(path), separator: "\t") { _ in try c.evaluator.checkInterrupt() } },
               exporter: { path, e, c in try writeText(try formatDelimited(e, separator: "\t", c), path) }),
    FileFormat("JSON", extensions: ["json"], summary: "JSON as associations, lists, strings, numbers, True, False and Null",
               importer: { path, _ in try parseJSON(try readFile(path)) }),
    FileFormat("RAWJSON", summary: "the same as JSON", importer: { path, _ in try parseJSON(try readFile(path)) }),
    FileFormat("PACKAGE", extensions: ["nets", "m", "wl"], summary: "code: Import evaluates it as Get does; Export writes the expression in InputForm",
               importer: { path, _ in .call(Symbol.intern("Get"), [.string(path)]) },
               exporter: { path, e, _ in try writeText(InputForm.string(e) + "\n", path) }),
] }

private func readFile(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { throw FileError("noopen", "cannot read \(path)") }
    return [UInt8](data)
}

private func readText(_ path: String) throws -> String {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw FileError("fmt", "the file \(path) is not UTF-8 text")
    }
    return text
}

private func writeText(_ text: String, _ path: String) throws -> Bool {
    do { try writeAtomically(Array(text.utf8), to: path) } catch { throw FileError("noopen", "cannot write \(path)") }
    return true
}

package func expandPath(_ p: String) -> String { (p as NSString).expandingTildeInPath }

extension Kernel {
    static var fileBuiltins: [Builtin] {
        [
            Builtin("Directory", [], usage: "Directory[] gives the current working directory.", examples: [("StringQ[Directory[]]", "True")]) { _ in
                .string(FileManager.default.currentDirectoryPath)
            },
            Builtin("SetDirectory", [], usage: "SetDirectory[dir] makes dir the current working directory.", examples: [("d = Directory[]; SetDirectory[d] == d", "True")]) { c in
                guard c.count == 1, let d = c[0].asString else { return c.argCount(1) }
                guard FileManager.default.changeCurrentDirectoryPath(expandPath(d)) else {
                    c.message("cdir", c[0])
                    return .failed
                }
                return .string(FileManager.default.currentDirectoryPath)
            },
            Builtin("FileNameJoin", [], usage: "FileNameJoin[{\"dir\", \"sub\", \"file\"}] joins path parts.", examples: [("FileNameJoin[{\"a\", \"b\", \"c.txt\"}]", "a/b/c.txt")]) { c in
                guard c.count == 1, let parts = c[0].listItems?.compactMap({ $0.asString }) else { return nil }
                guard !parts.isEmpty else { return .string("") }
                return .string(NSString.path(withComponents: parts))
            },
            Builtin("FileNameSplit", [], usage: "FileNameSplit[path] splits a path into its parts.", examples: [("FileNameSplit[\"a/b/c.txt\"]", "{a, b, c.txt}")]) { c in
                guard c.count == 1, let p = c[0].asString else { return nil }
                return .strings((p as NSString).pathComponents.filter { $0 != "/" })
            },
            Builtin("FileNameTake", [], usage: "FileNameTake[path] gives the last part of a path.", examples: [("FileNameTake[\"a/b/c.txt\"]", "c.txt")]) { c in
                guard c.count >= 1, let p = c[0].asString else { return nil }
                return .string((p as NSString).lastPathComponent)
            },
            Builtin("DirectoryName", [], usage: "DirectoryName[path] gives the directory part of a path.", examples: [("DirectoryName[\"a/b/c.txt\"]", "a/b/")]) { c in
                guard c.count == 1, let p = c[0].asString else { return nil }
                // The text up to the last slash (Foundation's path functions trap on some names).
                guard let slash = p.lastIndex(of: "/") else { return .string("") }
                return .string(String(p[...slash]))
            },
            Builtin("FileBaseName", [], usage: "FileBaseName[path] gives the file name without directory or extension.", examples: [("FileBaseName[\"a/b/c.txt\"]", "c")]) { c in
                guard c.count == 1, let p = c[0].asString else { return nil }
                return .string(((p as NSString).lastPathComponent as NSString).deletingPathExtension)
            },
            Builtin("FileExtension", [], usage: "FileExtension[path] gives the file extension.", examples: [("FileExtension[\"a/b/c.txt\"]", "txt")]) { c in
                guard c.count == 1, let p = c[0].asString else { return nil }
                return .string((p as NSString).pathExtension)
            },
            Builtin("FileExistsQ", [], usage: "FileExistsQ[path] gives True if the file or directory exists.", examples: [("FileExistsQ[$TemporaryDirectory]", "True")]) { c in
                guard c.count == 1, let p = c[0].asString else { return nil }
                return .bool(FileManager.default.fileExists(atPath: expandPath(p)))
            },
            Builtin("DirectoryQ", [], usage: "DirectoryQ[path] gives True if path is a directory.", examples: [("DirectoryQ[$TemporaryDirectory]", "True")]) { c in
                guard c.count == 1, let p = c[0].asString else { return nil }
                var isDir: ObjCBool = false
                return .bool(FileManager.default.fileExists(atPath: expandPath(p), isDirectory: &isDir) && isDir.boolValue)
            },
            Builtin("CreateDirectory", [], usage: "CreateDirectory[dir] creates a directory (and its parents).", examples: [("d = FileNameJoin[{$TemporaryDirectory, \"nets-example-\" <> ToString[RandomInteger[10^9]]}]; CreateDirectory[d]; r = DirectoryQ[d]; DeleteFile[d]; r", "True")]) { c in
                guard c.count == 1, let p = c[0].asString else { return nil }
                do { try FileManager.default.createDirectory(atPath: expandPath(p), withIntermediateDirectories: true) } catch {
                    c.message("filex", c[0])
                    return .failed
                }
                return c[0]
            },
            Builtin("DeleteFile", [], usage: "DeleteFile[file] deletes a file.", examples: [("f = FileNameJoin[{$TemporaryDirectory, \"nets-example-delete.txt\"}]; WriteString[f, \"x\"]; DeleteFile[f]; FileExistsQ[f]", "False")]) { c in
                guard c.count == 1, let p = c[0].asString else { return nil }
                do { try FileManager.default.removeItem(atPath: expandPath(p)) } catch {
                    c.message("nffil", c.whole)
                    return .failed
                }
                return .null
            },
            Builtin("FileNames", [], usage: "FileNames[] lists files in the current directory; FileNames[pattern] those matching a * wildcard; FileNames[pattern, dir] in dir; FileNames[pattern, dir, Infinity] recursively.", examples: [("d = FileNameJoin[{$TemporaryDirectory, \"nets-example-\" <> ToString[RandomInteger[10^9]]}]; CreateDirectory[d]; WriteString[FileNameJoin[{d, \"a.txt\"}], \"x\"]; r = FileNameTake /@ FileNames[\"*.txt\", d]; DeleteFile[FileNameJoin[{d, \"a.txt\"}]]; DeleteFile[d]; r", "{a.txt}")]) { c in
                let pattern = c.count >= 1 ? (c[0].asString ?? "*") : "*"
                let dirs: [String] = c.count >= 2 ? ((c[1].listItems ?? [c[1]]).compactMap { $0.asString }) : ["."]
                let deep = c.count >= 3
                var out: [String] = []
                for d in dirs {
                    let base = expandPath(d)
                    let fm = FileManager.default
                    let entries: [String]
                    if deep { entries = (fm.enumerator(atPath: base)?.allObjects as? [String]) ?? [] }
                    else { entries = (try? fm.contentsOfDirectory(atPath: base)) ?? [] }
                    for e in entries where wildcardMatch(pattern, (e as NSString).lastPathComponent) || wildcardMatch(pattern, e) {
                        out.append(d == "." && c.count < 2 ? e : (d as NSString).appendingPathComponent(e))
                    }
                }
                return .strings(out.sorted())
            },
            Builtin("Environment", [], usage: "Environment[\"VAR\"] gives the value of an environment variable, or $Failed.", examples: [("StringQ[Environment[\"PATH\"]]", "True")]) { c in
                guard c.count == 1, let n = c[0].asString else { return nil }
                return ProcessInfo.processInfo.environment[n].map { .string($0) } ?? .failed
            },
            Builtin("ReadString", [], usage: "ReadString[file] gives the contents of a file as a string.", examples: [("f = FileNameJoin[{$TemporaryDirectory, \"nets-example-read.txt\"}]; WriteString[f, \"hello\"]; r = ReadString[f]; DeleteFile[f]; r", "hello")]) { c in
                guard c.count >= 1, let p = c[0].asString else { return nil }
                guard let s = try? String(contentsOfFile: expandPath(p), encoding: .utf8) else { c.message("noopen", c[0]); return .failed }
                return .string(s)
            },
            Builtin("WriteString", [], usage: "WriteString[file, s1, s2, ...] appends the strings to a file.", examples: [("f = FileNameJoin[{$TemporaryDirectory, \"nets-example-write.txt\"}]; WriteString[f, \"a\", \"b\"]; r = ReadString[f]; DeleteFile[f]; r", "ab")]) { c in
                guard c.count >= 1, let p = c[0].asString else { return nil }
                let text = c.args.dropFirst().map { $0.asString ?? OutputForm.string($0) }.joined()
                let path = expandPath(p)
                if let h = FileHandle(forWritingAtPath: path) {
                    h.seekToEndOfFile()
                    h.write(text.data(using: .utf8) ?? Data())
                    h.closeFile()
                } else if !FileManager.default.createFile(atPath: path, contents: text.data(using: .utf8)) {
                    c.message("noopen", c[0])
                    return .failed
                }
                return .null
            },
            Builtin("Get", [], usage: "Get[\"file.nets\"] or << file reads and evaluates a file of code, giving the last result.", messages: ["noopen": "Cannot open `1`."], examples: [("f = FileNameJoin[{$TemporaryDirectory, \"nets-example-get.nets\"}]; WriteString[f, \"1 + 1\"]; r = Get[f]; DeleteFile[f]; r", "2")]) { c in
                guard c.count == 1, let p = c[0].asString else { return nil }
                guard let text = try? String(contentsOfFile: expandPath(p), encoding: .utf8) else { c.message("noopen", c[0]); return .failed }
                do {
                    var last: Expr = .null
                    for e in try Parser.parseProgram(text) { last = try c.evaluate(e) }
                    return last
                } catch let e as ParseError {
                    c.evaluator.messages.sink("Syntax::sntx: \(p): \(e.message) (line \(e.line), column \(e.column)).")
                    return .failed
                }
            },
            Builtin("Import", [], usage: FileFormats.importUsage, arity: .between(1, 2),
                    messages: ["fmt": "Cannot import data as `1` format.", "nffil": "File `1` not found during Import."], examples: [("f = FileNameJoin[{$TemporaryDirectory, \"nets-example-import.txt\"}]; Export[f, \"hello\", \"Text\"]; r = Import[f, \"Text\"]; DeleteFile[f]; r", "hello")]) { c in
                guard let p = c[0].asString, !p.isEmpty else { c.message("fstr", c[0]); return .failed }
                let path = expandPath(p)
                guard FileManager.default.fileExists(atPath: path) else { c.message("nffil", c[0]); return .failed }
                guard let format = FileFormats.format(p, c.count == 2 ? c[1] : nil) ?? (c.count == 2 ? nil : FileFormats.format(p, .string("TEXT"))),
                      let read = format.importer else {
                    c.message("fmt", c.count == 2 ? c[1] : .string((p as NSString).pathExtension.uppercased()))
                    return .failed
                }
                return try fileOperation(c) { try read(path, c) }
            },
            Builtin("Export", [], usage: FileFormats.exportUsage, arity: .between(2, 3),
                    options: [("ImageResolution", .symbol(Sym.Automatic))],
                    messages: ["fmt": "Cannot export data as `1` format.", "noopen": "Cannot open `1`."], examples: [("f = FileNameJoin[{$TemporaryDirectory, \"nets-example-export.txt\"}]; r = Export[f, \"hello\", \"Text\"] == f; DeleteFile[f]; r", "True")]) { c in
                guard let p = c[0].asString, !p.isEmpty else { c.message("fstr", c[0]); return .failed }
                // Options (ImageResolution, read by the picture formats) follow the data.
                let formatGiven = c.count - Swift.min(c.trailingOptionCount, c.count - 2) == 3
                guard let format = FileFormats.format(p, formatGiven ? c[2] : nil) ?? (formatGiven ? nil : FileFormats.format(p, .string("TEXT"))),
                      let write = format.exporter else {
                    c.message("fmt", formatGiven ? c[2] : .string((p as NSString).pathExtension.uppercased()))
                    return .failed
                }
                let written = try fileOperation(c) { try write(expandPath(p), c[1], c) ? .null : nil }
                guard let written else {
                    c.message("fmtval", text: "\(short(c[1])) cannot be exported as \(format.name).")
                    return .failed
                }
                return written.isSymbol(Sym.Failed) ? written : c[0]
            },
        ]
    }
}
