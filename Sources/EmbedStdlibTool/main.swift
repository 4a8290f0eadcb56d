import Foundation

// Usage: EmbedStdlibTool OUTPUT.swift FILE.nets...
// Writes a Swift file defining `stdlibSources`, the name and text of each file.
let args = CommandLine.arguments
guard args.count >= 2 else {
    FileHandle.standardError.write("usage: EmbedStdlibTool OUTPUT.swift FILE.nets...\n".data(using: .utf8)!)
    exit(2)
}
var out = "// Generated from stdlib/*.nets by the EmbedStdlib plugin. Do not edit.\n"
out += "let stdlibSources: [(name: String, text: String)] = [\n"
for path in args.dropFirst(2) {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        FileHandle.standardError.write("EmbedStdlibTool: cannot read \(path)\n".data(using: .utf8)!)
        exit(1)
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
    FileHandle.standardError.write("EmbedStdlibTool: cannot write \(args[1])\n".data(using: .utf8)!)
    exit(1)
}
