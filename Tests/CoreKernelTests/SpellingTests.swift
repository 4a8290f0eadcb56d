@testable import CoreKernel
import Language
import Testing

extension KernelSuite {
    /// `General::spell1`, `General::spell` and `General::nobuiltin`, as the Wolfram Language
    /// reports unknown names.
    @Suite struct Spelling {
        static let messages: [(String, [String])] = [
            ("Lenght[{1, 2}]", ["General::spell1: Possible spelling error: new symbol name \"Lenght\" is similar to existing symbol \"Length\"."]),
            // Said once, when the symbol is made, even inside Quiet (the parser makes it).
            ("Lenght = 2; Lenght + Lenght", ["General::spell1: Possible spelling error: new symbol name \"Lenght\" is similar to existing symbol \"Length\"."]),
            ("Quiet[Selcet]", ["General::spell1: Possible spelling error: new symbol name \"Selcet\" is similar to existing symbol \"Select\"."]),
            ("Foo", ["General::spell1: Possible spelling error: new symbol name \"Foo\" is similar to existing symbol \"For\"."]),
            ("Sot", ["General::spell: Possible spelling error: new symbol name \"Sot\" is similar to existing symbols {Cot, Dot, Not, Set, Slot, Sort, Sow}."]),
            // A defined symbol counts as existing.
            ("data1 = 1;\ndata2 = 2", ["General::spell1: Possible spelling error: new symbol name \"data2\" is similar to existing symbol \"data1\"."]),
            // Learners' names: short, lower case, or only a capital away from a builtin.
            ("data = {1, 2}; net = 3; x1 = 2; model = 4; image = 5; list = 6; labels = 7; loss = 8; xs = 9", []),
            ("f[lenght_] := lenght; f[2]", []),
            ("Length[{1}]", []),
            // A Wolfram function nets lacks says so once, when called.
            ("ParallelTable[i, {i, 3}]; ParallelTable[i, {i, 2}]",
             ["General::nobuiltin: \"ParallelTable\" is a Wolfram Language function that nets does not implement."]),
            ("ParallelTable", []),
            ("ParallelTable[x_] := x; ParallelTable[3]", []),
        ]

        @Test(arguments: messages)
        func reports(_ input: String, _ expected: [String]) {
            #expect(run(input).messages == expected, "\(input)")
        }

        @Test func theWolframNamesAreRead() {
            #expect(CoreKernel.Spelling.wolframNames.count > 6000)
            for name in ["Length", "Table", "NetChain", "ParallelTable", "Dataset", "GoldenRatio", "$Aborted"] {
                #expect(CoreKernel.Spelling.wolframNames.contains(name), "\(name)")
            }
            #expect(!CoreKernel.Spelling.wolframNames.contains("Lenght"))
        }

        /// The binary search start-up uses agrees with the set on every name and on near misses.
        @Test func theSortedSearchAgreesWithTheSet() {
            for name in CoreKernel.Spelling.wolframNames {
                #expect(CoreKernel.Spelling.isWolframName(name), "\(name)")
                #expect(!CoreKernel.Spelling.isWolframName(name + "x") || CoreKernel.Spelling.wolframNames.contains(name + "x"), "\(name)x")
            }
            for name in ["", "$", "Lenght", "ZoomFactorz", "$Abort", "aaa", "zzz"] {
                #expect(!CoreKernel.Spelling.isWolframName(name), "\(name)")
            }
        }
    }

    /// Semantics the Wolfram Language documents and nets had wrong (issue 18, item 5).
    @Suite struct WolframSemantics {
        static let cases: [(String, String)] = [
            ("FullForm[Hold[x_?NumericQ : 2]]", "Hold[PatternTest[Pattern[x, Blank[]], Pattern[NumericQ, 2]]]"),
            ("f[x_?NumericQ : 2] := x; {f[], f[3], f[\"a\"]}", "{f[], f[3], f[a]}"),
            ("MatchQ[3, x_?NumericQ : 2]", "False"),
            ("g[x : (_?NumericQ) : 2] := x; {g[], g[3], g[\"a\"]}", "{2, 3, g[a]}"),
            ("FullForm[Hold[2 > 1 == True]]", "Hold[Inequality[2, Greater, 1, Equal, True]]"),
            ("2 > 1 == True", "1 == True"),
            ("Inequality[1, Less, 2, Less, x]", "2 < x"),
            ("Inequality[x, Less, 1, Less, 2, Less, y]", "x < 1 && 2 < y"),
            ("Inequality[1, Less, 2, Greater, 3]", "False"),
            ("Switch[2, 1, a, 1 + 1, b, _, c]", "b"),
            ("Table[If[i == 2, Return[1], i], {i, 3}]", "{1, Return[1], 3}"),
            ("Table[If[j == 2, Return[0], j], {i, 2}, {j, 2}]", "{{1, Return[0]}, {1, Return[0]}}"),
            ("h[x_] := (Return[x]; 0); Table[h[i], {i, 2}]", "{1, 2}"),
            ("Do[If[i == 2, Return[7]], {i, 3}]", "7"),
            ("{Unevaluated[1 + 2], 3}", "{Unevaluated[1 + 2], 3}"),
            ("f[Unevaluated[1 + 2]]", "f[Unevaluated[1 + 2]]"),
            ("Length[Unevaluated[1 + 2]]", "2"),
            ("a = <|\"x\" -> <|\"y\" -> 5|>|>; a[\"x\", \"y\"]", "5"),
            ("a = <|\"x\" -> <|\"y\" -> 5|>|>; a[\"z\", \"y\"]", "Missing[KeyAbsent, z]"),
            ("a = <|\"x\" -> <|\"y\" -> 5|>|>; a[\"x\", \"q\"]", "Missing[KeyAbsent, q]"),
        ]

        @Test(.serialized, arguments: cases)
        func evaluates(_ input: String, _ expected: String) {
            #expect(eval(input) == expected, "\(input)")
        }
    }
}
