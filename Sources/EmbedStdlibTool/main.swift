import Foundation

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(status)
}

// Usage: EmbedStdlibTool OUTPUT.swift FILE.nets...
// Writes a Swift file defining `stdlibSources`, the name and text of each file.
let args = CommandLine.arguments
guard args.count >= 2 else { fail("usage: EmbedStdlibTool OUTPUT.swift FILE.nets...", status: 2) }
var out = "// Generated from stdlib/TARGET/*.nets by the EmbedStdlib plugin. Do not edit.\n"
out += "let stdlibSources: [(name: String, text: String)] = [\n"
for path in args.dropFirst(2) {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        fail("EmbedStdlibTool: cannot read \(path)", status: 1)
    }
    let name = (path as NSString).lastPathComponent
    // A raw string literal with enough #s that the text cannot end it.
    var hashes = "#"
    while text.contains("\"" + hashes) { hashes += "#" }
    out += "    (\"\(name)\", \(hashes)\"\"\"\n\(text)\n\"\"\"\(hashes)),\n"
}
out += "]\n"
do {
    try out.write(toFile: args[1], atomically: true, encoding: .utf8)
} catch {
    fail("EmbedStdlibTool: cannot write \(args[1])", status: 1)
}
