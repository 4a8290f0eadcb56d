import Foundation
import Language

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(status)
}

/// A raw Swift string literal of `text`, with enough #s that the text cannot end it.
func literal(_ text: String) -> String {
    var hashes = "#"
    while text.contains("\"" + hashes) { hashes += "#" }
    return "\(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)"
}

// Usage: EmbedStdlibTool OUTPUT.swift FILE.nets...
// Writes a Swift file defining `stdlibSources`, the name and text of each file, and
// `stdlibParsed`, the name and parsed form of each (see `ParsedForm`), which the kernel reads
// back at start-up instead of parsing the text.
let args = CommandLine.arguments
guard args.count >= 2 else { fail("usage: EmbedStdlibTool OUTPUT.swift FILE.nets...", status: 2) }
var sources = "let stdlibSources: [(name: String, text: String)] = [\n"
var parsed = "let stdlibParsed: [String: String] = [\n"
for path in args.dropFirst(2) {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        fail("EmbedStdlibTool: cannot read \(path)", status: 1)
    }
    let name = (path as NSString).lastPathComponent
    sources += "    (\"\(name)\", \(literal(text))),\n"
    // A file that is not a program (the Wolfram names, read as data) is parsed all the same:
    // a syntax error is kept in the form and reported by the kernel when it loads the file.
    guard let form = ParsedForm.encode(source: text) else { continue }
    parsed += "    \"\(name)\": \(literal(form)),\n"
}
sources += "]\n"
parsed += "]\n"
let out = "// Generated from stdlib/TARGET/*.nets by the EmbedStdlib plugin. Do not edit.\n" + sources + parsed
// An unchanged output is not written again: rewriting it would make the build recompile the whole
// kernel module whenever the tool itself was relinked (e.g. building another product).
if let old = try? String(contentsOfFile: args[1], encoding: .utf8), old == out { exit(0) }
do {
    try out.write(toFile: args[1], atomically: true, encoding: .utf8)
} catch {
    fail("EmbedStdlibTool: cannot write \(args[1])", status: 1)
}
