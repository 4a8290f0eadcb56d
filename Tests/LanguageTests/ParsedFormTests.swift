import CoreKernel
import Language
import Testing

/// The parsed form the standard library is embedded in reads back exactly what the parser made.
@Suite struct ParsedFormTests {
    static let programs: [String] = [
        "f[x_Integer?Positive, y__] /; x > 1 := {x, y} /. a_ :> a^2",
        "s = \"quote \\\" backslash \\\\ new\\nline \u{03B1}\u{1F600} (* not a comment *)\"; t = \"\"",
        "n = {0, -7, 123456789012345678901234567890, -98765432109876543210, 2*^-3, -3/4}",
        "r = {1.5, -0.25, 1.*^-300, 3.14159265358979323846264338, 1.5`20, 0``10, -2.5`30, 16^^ff.8}",
        "g[x_.] := x\n?Map\nh := (# + 1 &) /@ Range[3]; a \u{2192} b; %%",
        "",
    ]

    @Test(arguments: programs)
    func readsBackWhatTheParserMade(_ source: String) throws {
        let parsed = try Parser.parseProgram(source)
        let form = try #require(ParsedForm.encode(source: source))
        let read = try #require(ParsedForm.decode(form))
        #expect(read.error == nil)
        #expect(read.exprs.map(FullForm.string) == parsed.map(FullForm.string))
        #expect(read.exprs.count == parsed.count && zip(read.exprs, parsed).allSatisfy { $0 == $1 })
    }

    /// A syntax error ends the form, as it ends the parser: what came before it is kept, and the
    /// error's text travels with it.
    @Test func keepsTheSyntaxError() throws {
        let source = "a = 1\nb = f[1, 2}\nc = 3"
        var parser = Parser(source)
        #expect(try parser.next().map(FullForm.string) == "Set[a, 1]")
        var message = ""
        do { _ = try parser.next() } catch { message = "\(error)" }
        #expect(message.contains("Syntax::sntx"))
        let form = try #require(ParsedForm.encode(source: source))
        let read = try #require(ParsedForm.decode(form))
        #expect(read.exprs.map(FullForm.string) == ["Set[a, 1]"])
        #expect(read.error == message)
    }

    /// A damaged form is refused (the loader then parses the text), never a crash.
    @Test func refusesDamagedForms() throws {
        let form = try #require(ParsedForm.encode(source: "f[x_] := {x, \"text\", 1.5, 2^100}"))
        #expect(ParsedForm.decode(form) != nil)
        for cut in [0, 1, 3, 5, form.utf8.count / 2, form.utf8.count - 1] {
            let prefix = String(decoding: form.utf8.prefix(cut), as: UTF8.self)
            #expect(ParsedForm.decode(prefix) == nil, "cut at \(cut)")
        }
        for bad in ["", "P1;", "P2;0;0;.", "P1;1;x;1;s1;.", "P1;0;1;n99999999999;.", "P1;0;1;t999:ab.",
                    "P1;0;1;i99999999999999999999999;.", "P1;0;1;rzzzzzzzzzzzzzzzz.", "P1;0;1;x.", "P1;0;0;.extra",
                    "P1;0;1;" + String(repeating: "n1;", count: 20_000) + "i1;."] {
            #expect(ParsedForm.decode(bad) == nil, "\(bad.prefix(40))")
        }
        #expect(ParsedForm.decode("P1;1;x;1;n1;s0;i-5;.").map { $0.exprs.map(FullForm.string) } == ["x[-5]"])
        // Reading does not recurse: a head nested 20,000 deep is read (on a large stack, as
        // everything runs in nets, since releasing such an expression recurses).
        let depth = Shared<Int>(0)
        runOnLargeStack {
            guard let deep = ParsedForm.decode("P1;1;f;1;" + String(repeating: "n0;", count: 20_000) + "s0;.") else { return }
            var e = deep.exprs[0]
            while case .normal(let n) = e { e = n.head; depth.value += 1 }
        }
        #expect(depth.value == 20_000)
    }
}
