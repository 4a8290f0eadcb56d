import CoreKernel
import Foundation
import LearnKernel
import NetsKernel
import Testing

extension KernelSuite {
    /// A data file never runs code: class labels and feature extractors in net and classifier
    /// files are data. Each hostile file here would write a canary file if any part of it were
    /// evaluated.
    @Suite struct DataSafety {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nets-safety-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        var canary: String { folder.appendingPathComponent("canary.txt").path }
        var code: String { "Export[\"\(canary)\", \"pwned\"]" }

        init() throws { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }

        /// A net file whose decoder's first class label is code.
        @Test func netFileLabelIsData() throws {
            let path = folder.appendingPathComponent("hostile.wlnet").path
            _ = eval("""
                Export["\(path)", NetInitialize[NetChain[{LinearLayer[2], SoftmaxLayer[]}, "Input" -> 1,
                   "Output" -> NetDecoder[{"Class", {"aaaa", "b"}}]], RandomSeeding -> 1]]
                """)
            try rewriteNetStructure(path) { $0.replacingOccurrences(of: #"\"aaaa\""#, with: jsonEscaped(code)) }
            let t = run("net = Import[\"\(path)\"]; {net[{1.}, \"TopDecisions\"], NetExtract[net, \"Output\"]}")
            #expect(!FileManager.default.fileExists(atPath: canary), "a net file label ran code")
            #expect(t.result.contains("Export["), "the hostile label comes back as text: \(t.result)")
        }

        /// A classifier file whose class label and feature extractor are code.
        @Test func classifierFileIsData() throws {
            let path = folder.appendingPathComponent("hostile.wmlf").path
            _ = eval("Export[\"\(path)\", Classify[{1 -> \"aaaa\", 2 -> \"aaaa\", 8 -> \"b\", 9 -> \"b\"}]]")
            var text = try String(contentsOfFile: path, encoding: .utf8)
            text = text.replacingOccurrences(of: #"\"aaaa\""#, with: jsonEscaped(code))
            // A feature extractor given as an expression.
            text = text.replacingOccurrences(of: #""format""#, with: "\"extractorExpression\":\"\(jsonEscaped(code + " &"))\",\"format\"")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let t = run("c = Import[\"\(path)\"]; {c[1], Information[c, \"Classes\"], Information[c, \"FeatureExtractor\"]}")
            #expect(!FileManager.default.fileExists(atPath: canary), "a classifier file ran code")
            #expect(t.messages.contains { $0.contains("heldext") }, "\(t.messages)")
            #expect(t.result.contains("Hold["), "\(t.result)")
        }

        /// Labels the language makes stay values: no round trip through text.
        @Test func labelsAreValues() {
            #expect(eval("NetInitialize[NetChain[{LinearLayer[2], SoftmaxLayer[]}, \"Input\" -> 1, \"Output\" -> NetDecoder[{\"Class\", {f[1], {2, x}}}]], RandomSeeding -> 1][{1.}, \"Probabilities\"] // Keys") == "{f[1], {2, x}}")
        }
    }
}

/// The text as the inside of a JSON string.
private func jsonEscaped(_ s: String) -> String {
    s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
}

/// Rewrites the net structure a net file keeps in its safetensors header (an 8-byte
/// little-endian length, then JSON whose `__metadata__` holds the structure as JSON text).
private func rewriteNetStructure(_ path: String, _ edit: (String) -> String) throws {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let length = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
    var header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any])
    var metadata = try #require(header["__metadata__"] as? [String: String])
    let structure = try #require(metadata["nets.structure"])
    metadata["nets.structure"] = edit(structure)
    #expect(metadata["nets.structure"] != structure, "the edit changed nothing")
    header["__metadata__"] = metadata
    var json = [UInt8](try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
    while json.count % 8 != 0 { json.append(0x20) }
    let n = json.count
    let prefix = (0..<8).map { UInt8((n >> (8 * $0)) & 0xFF) }
    try Data(prefix + json + bytes[(8 + length)...]).write(to: URL(fileURLWithPath: path))
}
