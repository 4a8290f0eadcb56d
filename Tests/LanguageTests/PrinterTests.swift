import CoreKernel
import Language
import Testing

@Suite struct PrinterTests {
    static let reals: [(Double, String)] = [
        (2.0, "2."), (1.5, "1.5"), (1.0 / 3.0, "0.333333"), (123.456, "123.456"),
        (100000.0, "100000."), (1_000_000.0, "1.*^6"), (123456789.0, "1.23457*^8"),
        (0.00001, "0.00001"), (0.000001, "1.*^-6"), (-2.5, "-2.5"), (0.0, "0."),
        (3.14159265, "3.14159"), (2.0 / 3.0, "0.666667"),
    ]

    @Test(arguments: reals)
    func shortReals(_ d: Double, _ expected: String) {
        #expect(Printer.shortReal(d) == expected)
    }

    static let fullReals: [(Double, String)] = [
        (0.1, "0.1"), (2.0, "2."), (1e20, "1.*^20"), (1.0 / 3.0, "0.3333333333333333"), (-1.5e-7, "-1.5*^-7"),
    ]

    @Test(arguments: fullReals)
    func inputFormReals(_ d: Double, _ expected: String) {
        #expect(Printer.fullReal(d) == expected)
    }

    static let arounds: [(Double, Double, String)] = [
        (0.88, 0.0912, "0.88 \u{00B1} 0.09"),
        (0.875, 0.15, "0.88 \u{00B1} 0.15"),
        (12.345, 1.2, "12.3 \u{00B1} 1.2"),
        (1234.0, 56.0, "1230 \u{00B1} 60"),
        (0.5, 0.02, "0.50 \u{00B1} 0.02"),
    ]

    @Test(arguments: arounds)
    func aroundPrinting(_ v: Double, _ u: Double, _ expected: String) {
        #expect(Printer.around(.real(v), .real(u)) == expected)
    }

    static let forms: [(String, String, String)] = [
        ("{1, \"a\", b}", "{1, a, b}", "{1, \"a\", b}"),
        ("a -> b", "a -> b", "a -> b"),
        ("Plus[a, Times[-1, b]]", "a - b", "a - b"),
        ("Times[2, x]", "2 x", "2*x"),
        ("Times[-1, x]", "-x", "-x"),
        ("Power[x, -1]", "1/x", "x^(-1)"),
        ("Times[a, Power[b, -1]]", "a/b", "a/b"),
        ("Power[Plus[a, b], 2]", "(a + b)^2", "(a + b)^2"),
        ("Times[Plus[a, b], c]", "(a + b) c", "(a + b)*c"),
        ("f[x_, y_Integer]", "f[x_, y_Integer]", "f[x_, y_Integer]"),
        ("Function[Power[Slot[1], 2]]", "#1^2 & ", "#1^2 & "),
        ("Part[l, 1]", "l[[1]]", "l[[1]]"),
        ("Missing[\"KeyAbsent\", b]", "Missing[KeyAbsent, b]", "Missing[\"KeyAbsent\", b]"),
        ("Hold[Plus[1, 1]]", "Hold[1 + 1]", "Hold[1 + 1]"),
        ("HoldForm[Plus[1, 1]]", "1 + 1", "HoldForm[1 + 1]"),
        ("Rule[a, Rule[b, c]]", "a -> b -> c", "a -> b -> c"),
        ("Rule[Rule[a, b], c]", "(a -> b) -> c", "(a -> b) -> c"),
        ("And[a, Or[b, c]]", "a && (b || c)", "a && (b || c)"),
    ]

    @Test(arguments: forms)
    func outputAndInputForm(_ full: String, _ output: String, _ input: String) throws {
        let e = try Parser.parseExpression(full)
        #expect(OutputForm.string(e) == output)
        #expect(InputForm.string(e) == input)
    }

    @Test func squareRoots() {
        let half = Numbers.rational(1, 2) ?? .null
        #expect(OutputForm.string(.call(Sym.Power, [.integer(2), half])) == "Sqrt[2]")
        #expect(OutputForm.string(half) == "1/2")
        #expect(FullForm.string(half) == "Rational[1, 2]")
    }

    @Test func inputFormReparses() throws {
        for text in ["{1, 2.5, \"s\\n\", a -> b}", "f[x_, y___] := g[x, {y}]", "a - 2 b/c^3", "<|1 -> {2}, \"k\" -> x|>"] {
            let e = try Parser.parseExpression(text)
            let again = try Parser.parseExpression(InputForm.string(e))
            #expect(FullForm.string(again) == FullForm.string(e))
        }
    }
}

/// InputForm as the Wolfram Language writes it (`ToString[e, InputForm]`, `wolframscript -code`):
/// input -> InputForm of the evaluated result, cases from the Wolfram documentation's examples.
@Suite(.serialized) struct WolframInputFormTests {
    nonisolated(unsafe) static let kernel = Kernel()

    /// The last result of evaluating source in a kernel of the core library.
    static func evaluated(_ source: String) -> Expr {
        var last: Expr = .null
        kernel.evaluateEach(source) { _, r in last = r }
        return last
    }

    static let cases: [(String, String)] = [
        ("2 x", "2*x"), ("1/a", "a^(-1)"), ("x^-2", "x^(-2)"), ("b^2 Pi^2/6", "(b^2*Pi^2)/6"),
        ("1/Sqrt[2]", "1/Sqrt[2]"), ("x/Sqrt[2]", "x/Sqrt[2]"), ("-t/(1 - t)", "-(t/(1 - t))"),
        ("x^2 + 2 x + 1", "1 + 2*x + x^2"), ("-x/2", "-1/2*x"), ("-Pi/2", "-1/2*Pi"), ("x/2", "x/2"), ("3 x/2", "(3*x)/2"),
        ("x/(2 y)", "x/(2*y)"), ("-a b", "-(a*b)"), ("-2 a b", "-2*a*b"), ("-1/x", "-x^(-1)"),
        ("1/(a b)", "1/(a*b)"), ("x^(1/3)", "x^(1/3)"), ("Exp[-x]", "E^(-x)"), ("a/b", "a/b"), ("-a/b", "-(a/b)"),
        ("(a + b)/c", "(a + b)/c"), ("Hold[(a + b)*c]", "Hold[(a + b)*c]"), ("a - b", "a - b"), ("x - y/2", "x - y/2"),
        ("N[Pi]", "3.141592653589793"), ("N[1/3]", "0.3333333333333333"), ("1.*^-20", "1.*^-20"),
        ("Hold[1;;3]", "Hold[1 ;; 3]"), ("Hold[;;3]", "Hold[1 ;; 3]"), ("Hold[2;;]", "Hold[2 ;; All]"),
        ("Hold[1;;-1;;2]", "Hold[1 ;; -1 ;; 2]"), ("Hold[l[[1;;3]]]", "Hold[l[[1 ;; 3]]]"),
        ("Hold[a < b <= c]", "Hold[a < b <= c]"), ("a -> b", "a -> b"), ("<|a -> 1|>", "<|a -> 1|>"),
        ("{\"a\", 1}", "{\"a\", 1}"), ("Hold[x_?NumericQ : 2]", "Hold[x_?(NumericQ:2)]"),
        ("ToString[-t/(1 - t), InputForm]", "\"-(t/(1 - t))\""),
    ]

    @Test(arguments: cases)
    func inputForm(_ input: String, _ expected: String) {
        #expect(InputForm.string(Self.evaluated(input)) == expected, "\(input)")
    }

    static let reals: [(Double, String)] = [
        (Double.pi, "3.141592653589793"), (1e-20, "1.*^-20"), (1e6, "1.*^6"), (123456.5, "123456.5"),
        (0.00001, "0.00001"), (1.0 / 3.0, "0.3333333333333333"), (1073741824.0, "1.073741824*^9"),
    ]

    @Test(arguments: reals)
    func machineReals(_ d: Double, _ expected: String) {
        #expect(Printer.fullReal(d) == expected)
    }

    static let results: [(String, String)] = [
        ("\"abc\"", "abc"), ("{\"a\"}", "{\"a\"}"), ("FullForm[a - b]", "Plus[a, Times[-1, b]]"),
        ("InputForm[x/2]", "x/2"), ("TableForm[{{1, 2}, {3, 4}}]", "1   2\n\n3   4"),
        ("MatrixForm[{{1, 22}, {333, 4}}]", "1     22\n\n333   4"), ("2 x", "2*x"),
    ]

    @Test(arguments: results)
    func oneShotResults(_ input: String, _ expected: String) {
        #expect(ResultForm.string(Self.evaluated(input)) == expected, "\(input)")
    }

    @Test func outputFormGroupsANegatedProduct() {
        #expect(OutputForm.string(Self.evaluated("-a b")) == "-(a b)")
        #expect(OutputForm.string(Self.evaluated("Hold[1;;3]")) == "Hold[1;;3]")
    }
}

/// Abbreviated outputs (`Short`, `Shallow`, results past `$OutputSizeLimit`) and the forms that
/// print in two dimensions.
@Suite(.serialized) struct ElisionAndLayoutTests {
    static func shown(_ source: String) -> String { OutputForm.string(WolframInputFormTests.evaluated(source)) }

    static let range10000 = Expr.list((1...10_000).map { .integer($0) })

    @Test func shortKeepsBothEndsOnOneLine() {
        let text = OutputForm.string(Skeletons.short(Self.range10000))
        #expect(text.hasPrefix("{1, 2, 3, "), "\(text)")
        #expect(text.hasSuffix(", 9998, 9999, 10000}"), "\(text)")
        #expect(text.count <= Skeletons.pageWidth, "\(text)")
        // The skeleton counts exactly the elements left out.
        let shownCount = text.split(separator: ",").count - 1
        #expect(text.contains("<<\(10_000 - shownCount)>>"), "\(text)")
    }

    @Test func shortWithMoreLinesShowsMore() {
        let one = OutputForm.string(Skeletons.short(Self.range10000, lines: 1))
        let five = OutputForm.string(Skeletons.short(Self.range10000, lines: 5))
        #expect(five.count > 3 * one.count && five.count <= 5 * Skeletons.pageWidth, "\(five)")
    }

    @Test func shortDescendsIntoALongOnlyElement() {
        let text = OutputForm.string(Skeletons.short(.list([Self.range10000])))
        #expect(text.hasPrefix("{{1, 2, ") && text.hasSuffix("9999, 10000}}") && text.contains("<<"), "\(text)")
    }

    @Test func shortLeavesShortExpressionsAlone() {
        #expect(Self.shown("Short[{1, 2, 3}]") == "{1, 2, 3}")
        #expect(Self.shown("Short[Range[200]]").count <= Skeletons.pageWidth)
        #expect(Self.shown("Short[Range[200], 3]").contains("<<"))
    }

    @Test func shortAbbreviatesLongStringsAndAssociations() {
        let s = OutputForm.string(Skeletons.short(.string(String(repeating: "a", count: 500))))
        #expect(s.contains("<<") && s.count < 100, "\(s)")
        #expect(Self.shown("Short[AssociationThread[Range[300], Range[300]]]").hasPrefix("<|1 -> 1, "))
        #expect(Self.shown("Short[AssociationThread[Range[300], Range[300]]]").hasSuffix("300 -> 300|>"))
    }

    static let shallowCases: [(String, String)] = [
        ("Shallow[Range[15]]", "{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, <<5>>}"),
        ("Shallow[Range[15], {4, 5}]", "{1, 2, 3, 4, 5, <<10>>}"),
        ("Shallow[{1, {2, {3, {4, {5, 6}}}}}]", "{1, {2, {3, {4, <<2>>}}}}"),
        ("Shallow[{{1, 2}, {3, 4}}, 1]", "{<<2>>, <<2>>}"),
        ("Shallow[f[g[h[k[x]]]], {2, Infinity}]", "f[g[<<1>>]]"),
        ("Shallow[Range[15], {Infinity, Infinity}]", "{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}"),
        ("Skeleton[7]", "<<7>>"),
    ]

    @Test(arguments: shallowCases)
    func shallow(_ input: String, _ expected: String) {
        #expect(Self.shown(input) == expected, "\(input)")
    }

    static let layouts: [(String, String)] = [
        ("TableForm[{{1, 2}, {3, 4}}]", "1   2\n\n3   4"),
        ("TableForm[{1, 22, 333}]", "1\n22\n333"),
        ("MatrixForm[{{1, 22}, {333, 4}}]", "1     22\n\n333   4"),
        ("Grid[{{a, bb}, {ccc, d}}]", "a   bb\nccc d"),
        ("Grid[{{1, 22}, {333, 4}}, Alignment -> Right]", "  1 22\n333  4"),
        ("Column[{1, 22, 333}]", "1\n22\n333"),
        ("Column[{1, 22, 333}, Center]", " 1\n22\n333"),
        ("Row[{a, b, c}]", "abc"),
        ("Row[{1, 2, 3}, \" | \"]", "1 | 2 | 3"),
        ("Row[{Column[{1, 2}], \" \", Column[{3, 4}]}]", "1 3\n2 4"),
        ("Grid[{{Column[{a, b}], c}}]", "a c\nb"),
    ]

    @Test(arguments: layouts)
    func twoDimensionalForms(_ input: String, _ expected: String) {
        #expect(Self.shown(input) == expected, "\(input)")
    }

    @Test func largeResultsAreAbbreviatedWithANote() {
        let text = OutputCell.text(Self.range10000, line: 3, limit: 4096)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2, "\(text)")
        #expect(lines[0].hasPrefix("Out[3]= {1, 2, 3, ") && lines[0].hasSuffix("9999, 10000}") && lines[0].contains("<<"), "\(text)")
        #expect(lines[1].contains("$OutputSizeLimit") && lines[1].contains("58894 bytes"), "\(text)")
        // Under the limit, or with no limit, the whole result prints.
        #expect(OutputCell.text(Self.range10000, line: 3, limit: nil).count > 48_000)
        #expect(OutputCell.text(.list([.integer(1)]), line: 1, limit: 4096) == "Out[1]= {1}")
    }

    @Test func outputFormsNameThemselvesAndIndentTheirLines() {
        let table = WolframInputFormTests.evaluated("TableForm[{{1, 2}, {3, 4}}]")
        #expect(OutputCell.text(table, line: 2) == "Out[2]//TableForm= 1   2\n\n                   3   4")
        #expect(OutputCell.text(table, line: nil) == "1   2\n\n3   4")
    }

    @Test func sizeLimitIsASessionVariable() {
        #expect(Self.shown("$OutputSizeLimit") == String(OutputCell.defaultSizeLimit))
        let limit = WolframInputFormTests.kernel.session.run { () -> Int? in
            WolframInputFormTests.kernel.evaluateEach("$OutputSizeLimit = 100") { _, _ in }
            defer { WolframInputFormTests.kernel.evaluateEach("$OutputSizeLimit = \(OutputCell.defaultSizeLimit)") { _, _ in } }
            return OutputCell.sizeLimit
        }
        #expect(limit == 100)
    }

    static let datasets: [(String, String)] = [
        ("Dataset[{<|\"a\" -> 1, \"b\" -> x|>, <|\"a\" -> 22, \"b\" -> y|>}]", "a   b\n-----\n1   x\n22  y"),
        ("Dataset[{1, 2}]", "1\n2"),
        ("Dataset[<|\"k\" -> 1, \"m\" -> 2|>]", "k  1\nm  2"),
        ("Dataset[Table[<|\"n\" -> i|>, {i, 25}]]", "n\n--\n" + (1...20).map(String.init).joined(separator: "\n") + "\nrows 1-20 of 25"),
    ]

    @Test(arguments: datasets)
    func datasetsPrintAsTables(_ input: String, _ expected: String) {
        #expect(Self.shown(input) == expected, "\(input)")
    }
}
