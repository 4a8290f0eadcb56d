import Foundation
import Language

/// Splits CSV or TSV text into rows of fields, with quoted fields; numbers become numbers.
func parseDelimited(_ text: String, separator: Character) -> Expr {
    var rows: [Expr] = []
    var field = "", row: [Expr] = []
    var quoted = false, wasQuoted = false
    func endField() {
        if !wasQuoted, let i = Int(field.trimmingCharacters(in: .whitespaces)) { row.append(.integer(i)) }
        else if !wasQuoted, let d = Double(field.trimmingCharacters(in: .whitespaces)), !field.isEmpty { row.append(.real(d)) }
        else { row.append(.string(field)) }
        field = ""
        wasQuoted = false
    }
    var chars = Array(text)
    if chars.last != "\n" { chars.append("\n") }
    var i = 0
    while i < chars.count {
        let ch = chars[i]
        if quoted {
            if ch == "\"" {
                if i + 1 < chars.count && chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
            } else {
                field.append(ch)
            }
        } else if ch == "\"" && field.isEmpty {
            quoted = true
            wasQuoted = true
        } else if ch == separator {
            endField()
        } else if ch == "\n" || ch == "\r\n" {
            endField()
            rows.append(.list(row))
            row = []
        } else if ch != "\r" {
            field.append(ch)
        }
        i += 1
    }
    return .list(rows)
}

private func formatDelimited(_ e: Expr, separator: String) -> String {
    let rows = e.listItems ?? [e]
    return rows.map { r in
        (r.listItems ?? [r]).map { f -> String in
            if let s = f.asString {
                return s.contains(separator) || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
            }
            if case .real(let d) = f { return Printer.fullReal(d).replacingOccurrences(of: "*^", with: "e") }
            return OutputForm.string(f)
        }.joined(separator: separator)
    }.joined(separator: "\n") + "\n"
}

/// The format named by an explicit element or by the file's extension.
func fileFormat(_ path: String, _ explicit: Expr?) -> String {
    if let f = explicit?.asString { return f.uppercased() }
    switch (path as NSString).pathExtension.lowercased() {
    case "csv": return "CSV"
    case "tsv", "tab": return "TSV"
    case "txt", "text", "md": return "TEXT"
    case "nets", "m", "wl": return "PACKAGE"
    case "json": return "JSON"
    case "jpg", "jpeg": return "JPEG"
    case "png": return "PNG"
    case "wlnet", "safetensors": return "WLNET"
    case "wmlf": return "WMLF"
    default: return "TEXT"
    }
}

func expandPath(_ p: String) -> String { (p as NSString).expandingTildeInPath }

extension Kernel {
    static var fileBuiltins: [Builtin] {
        [
            Builtin("Directory", [], usage: "Directory[] gives the current working directory.") { _ in
                .string(FileManager.default.currentDirectoryPath)
            },
            Builtin("SetDirectory", [], usage: "SetDirectory[dir] makes dir the current working directory.") { c in
                guard c.count == 1, let d = c[0].asString else { return c.argCount(1) }
                guard FileManager.default.changeCurrentDirectoryPath(expandPath(d)) else {
                    c.message("cdir", c[0])
                    return .failed
                }
                return .string(FileManager.default.currentDirectoryPath)
            },
            Builtin("FileNameJoin", [], usage: "FileNameJoin[{\"dir\", \"sub\", \"file\"}] joins path parts.") { c in
                guard c.count == 1, let parts = c[0].listItems?.compactMap({ $0.asString }) else { return nil }
                return .string(NSString.path(withComponents: parts))
            },
            Builtin("FileNameSplit", [], usage: "FileNameSplit[path] splits a path into its parts.") { c in
                guard c.count == 1, let p = c[0].asString else { return nil }
                return .strings((p as NSString).pathComponents.filter { $0 != "/" })
            },
            Builtin("FileNameTake", [], usage: "FileNameTake[path] gives the last part of a path.") { c in
                guard c.count >= 1, let p = c[0].asString else { return nil }
                return .string((p as NSString).lastPathComponent)
            },
            Builtin("DirectoryName", [], usage: "DirectoryName[path] gives the directory part of a path.") { c in
                guard c.count == 1, let p = c[0].asString else { return nil }
                let d = (p as NSString).deletingLastPathComponent
                return .string(d.isEmpty ? "" : d + "/")
            },
            Builtin("FileBaseName", [], usage: "FileBaseName[path] gives the file name without directory or extension.") { c in
                guard c.count == 1, let p = c[0].asString else { return nil }
                return .string(((p as NSString).lastPathComponent as NSString).deletingPathExtension)
            },
            Builtin("FileExtension", [], usage: "FileExtension[path] gives the file extension.") { c in
                guard c.count == 1, let p = c[0].asString else { return nil }
                return .string((p as NSString).pathExtension)
            },
            Builtin("FileExistsQ", [], usage: "FileExistsQ[path] gives True if the file or directory exists.") { c in
                guard c.count == 1, let p = c[0].asString else { return nil }
                return .bool(FileManager.default.fileExists(atPath: expandPath(p)))
            },
            Builtin("DirectoryQ", [], usage: "DirectoryQ[path] gives True if path is a directory.") { c in
                guard c.count == 1, let p = c[0].asString else { return nil }
                var isDir: ObjCBool = false
                return .bool(FileManager.default.fileExists(atPath: expandPath(p), isDirectory: &isDir) && isDir.boolValue)
            },
            Builtin("CreateDirectory", [], usage: "CreateDirectory[dir] creates a directory (and its parents).") { c in
                guard c.count == 1, let p = c[0].asString else { return nil }
                do { try FileManager.default.createDirectory(atPath: expandPath(p), withIntermediateDirectories: true) } catch {
                    c.message("filex", c[0])
                    return .failed
                }
                return c[0]
            },
            Builtin("DeleteFile", [], usage: "DeleteFile[file] deletes a file.") { c in
                guard c.count == 1, let p = c[0].asString else { return nil }
                do { try FileManager.default.removeItem(atPath: expandPath(p)) } catch {
                    c.message("nffil", c.whole)
                    return .failed
                }
                return .null
            },
            Builtin("FileNames", [], usage: "FileNames[] lists files in the current directory; FileNames[pattern] those matching a * wildcard; FileNames[pattern, dir] in dir; FileNames[pattern, dir, Infinity] recursively.") { c in
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
            Builtin("Environment", [], usage: "Environment[\"VAR\"] gives the value of an environment variable, or $Failed.") { c in
                guard c.count == 1, let n = c[0].asString else { return nil }
                return ProcessInfo.processInfo.environment[n].map { .string($0) } ?? .failed
            },
            Builtin("ReadString", [], usage: "ReadString[file] gives the contents of a file as a string.") { c in
                guard c.count >= 1, let p = c[0].asString else { return nil }
                guard let s = try? String(contentsOfFile: expandPath(p), encoding: .utf8) else { c.message("noopen", c[0]); return .failed }
                return .string(s)
            },
            Builtin("WriteString", [], usage: "WriteString[file, s1, s2, ...] appends the strings to a file.") { c in
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
            Builtin("Get", [], usage: "Get[\"file.nets\"] or << file reads and evaluates a file of code, giving the last result.") { c in
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
            Builtin("Import", [], usage: "Import[file] reads a file by its extension: text (.txt), CSV, TSV, or code (.nets); Import[file, format] names the format (\"Text\", \"Lines\", \"CSV\", \"TSV\", \"String\").") { c in
                guard c.count >= 1, let p = c[0].asString else { c.message("fstr", c.args.first ?? .null); return .failed }
                let path = expandPath(p)
                guard FileManager.default.fileExists(atPath: path) else { c.message("nffil", c[0]); return .failed }
                let format = fileFormat(p, c.count >= 2 ? c[1] : nil)
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { c.message("fmt", .string(format)); return .failed }
                switch format {
                case "TEXT", "STRING": return .string(text)
                case "LINES": return .strings(text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty })
                case "CSV": return parseDelimited(text, separator: ",")
                case "TSV": return parseDelimited(text, separator: "\t")
                case "PACKAGE": return .call(Symbol.intern("Get"), [c[0]])
                default:
                    c.message("fmt", .string(format))
                    return .failed
                }
            },
            Builtin("Export", [], usage: "Export[file, expr] writes expr in the format of the file's extension (text, CSV, TSV); Export[file, expr, format] names it.") { c in
                guard c.count >= 2, let p = c[0].asString else { c.message("fstr", c.args.first ?? .null); return .failed }
                let format = fileFormat(p, c.count >= 3 ? c[2] : nil)
                var text: String
                switch format {
                case "CSV": text = formatDelimited(c[1], separator: ",")
                case "TSV": text = formatDelimited(c[1], separator: "\t")
                case "LINES": text = (c[1].listItems ?? [c[1]]).map { $0.asString ?? OutputForm.string($0) }.joined(separator: "\n") + "\n"
                case "TEXT", "STRING": text = c[1].asString ?? OutputForm.string(c[1])
                case "PACKAGE": text = InputForm.string(c[1]) + "\n"
                default:
                    c.message("fmt", .string(format))
                    return .failed
                }
                do { try text.write(toFile: expandPath(p), atomically: true, encoding: .utf8) } catch {
                    c.message("noopen", c[0])
                    return .failed
                }
                return c[0]
            },
        ]
    }
}
