import CoreKernel
import Foundation
import Language
import Testing

extension KernelSuite {
    /// Every message nets issues from a template has a text: no `-- Message text not found --`
    /// (issue 21). The sources and the standard library are read at test time and every tag
    /// issued without a composed text is looked up where the kernel would look it up.
    @Suite struct MessageTexts {
        static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()

        /// The files under a folder of the repository with an extension, with their text.
        static func files(_ folder: String, _ ext: String) -> [(path: String, text: String)] {
            let base = root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
            return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == ext }.compactMap { url in
                (try? String(contentsOf: url, encoding: .utf8)).map { (url.path, $0) }
            }
        }

        static func matches(_ pattern: String, _ text: String) -> [[String]] {
            guard let re = try? NSRegularExpression(pattern: pattern) else { return [] }
            let ns = text as NSString
            return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { m in
                (0..<m.numberOfRanges).map { i in
                    m.range(at: i).location == NSNotFound ? "" : ns.substring(with: m.range(at: i))
                }
            }
        }

        /// Whether `symbol::tag` or `General::tag` has a text; a lower-case name is a variable of
        /// the standard library (`Message[f::insuff, ...]`), which any symbol's text may serve.
        static func hasText(_ symbol: String, _ tag: String) -> Bool {
            sharedKernel.session.run {
                if Symbol.intern("General").messages[tag] != nil { return true }
                if let first = symbol.first, first.isLowercase { return Symbol.all.contains { $0.messages[tag] != nil } }
                return Symbol.lookup(symbol)?.messages[tag] != nil
            }
        }

        /// Tags issued with templates: `(file, symbols that may hold the text, tag)`. A
        /// `c.message("tag", ...)` in a Swift file is issued under the builtin being called, so
        /// its text must be General's or one of that file's builtins'; `issue(Symbol.intern("X"),
        /// "tag", ...)` and `Message[X::tag, ...]` name their symbol.
        static func issued() -> [(file: String, symbols: [String], tag: String)] {
            var out: [(String, [String], String)] = []
            for (path, text) in files("Sources", "swift") {
                let builtins = matches(#"Builtin\("([^"]+)""#, text).map { $0[1] }
                // `.message("tag", args)` and `.message(cond ? "a" : "b", args)`, not `text:`.
                for m in matches(#"\.message\((?:[^"(),]*\?\s*)?"(\w+)"(?:\s*:\s*"(\w+)")?\s*(,\s*(text:)?|\))"#, text)
                where m[4] != "text:" {
                    out.append((path, builtins, m[1]))
                    if !m[2].isEmpty { out.append((path, builtins, m[2])) }
                }
                for m in matches(#"issue\((?:Symbol\.intern\("([^"]+)"\)|Sym\.(\w+)|(\w+)),\s*"(\w+)",\s*\["#, text) {
                    let named = m[1].isEmpty ? m[2] : m[1]
                    out.append((path, named.isEmpty ? builtins : [named], m[4]))
                }
            }
            for (path, text) in files("stdlib", "nets") {
                for m in matches(#"Message\[(\$?\w+)::(\w+)"#, text) { out.append((path, [m[1]], m[2])) }
                for m in matches(#"Message\[MessageName\[\w+, "(\w+)"\]"#, text) { out.append((path, ["General"], m[1])) }
            }
            return out
        }

        @Test func everyIssuedTagHasAText() {
            let all = Self.issued()
            // The walk finds the messages (a broken pattern would find none and pass).
            #expect(all.count > 120, "only \(all.count) tags found")
            #expect(all.contains { $0.tag == "argx" } && all.contains { $0.tag == "write" } && all.contains { $0.tag == "notfound" })
            let missing = all.filter { t in !t.symbols.contains { Self.hasText($0, t.tag) } && !Self.hasText("General", t.tag) }
                .map { "\(($0.file as NSString).lastPathComponent): \($0.symbols.count == 1 ? $0.symbols[0] : "?")::\($0.tag)" }
            #expect(Set(missing).sorted() == [])
        }

        /// Messages learners met with no text or the wrong number (issue 21).
        static let cases: [(String, [String])] = [
            ("f[x_ := x]", ["SetDelayed::write: Tag Pattern in x_ is Protected."]),
            ("StringRepeat[\"a\"]", ["StringRepeat::argtu: StringRepeat called with 1 argument; 2 or 3 arguments are expected."]),
            ("StringJoin[]; Join[{1}]; Outer[f]", ["Outer::argmu: Outer called with 1 argument; 3 or more arguments are expected."]),
            ("Insert[{1, 2}, x, 7]", ["Insert::ins: Cannot insert at position 7 in {1, 2}."]),
        ]

        @Test(arguments: cases)
        func says(_ input: String, _ expected: [String]) {
            #expect(run(input).messages == expected, "\(input)")
        }
    }
}
