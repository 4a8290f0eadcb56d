import CoreKernel
import Language
import Testing

/// One documented example: the function it documents, its input and the OutputForm of its result.
struct Example: Sendable, CustomTestStringConvertible {
    let name: String
    let input: String
    let output: String
    var testDescription: String { "\(name): \(input)" }
}

extension KernelSuite {
    /// Every builtin's examples, and every function of the `.nets` standard library's, run against
    /// the results the Wolfram Language gives.
    @Suite struct Examples {
        static let builtinExamples: [Example] = CoreLibrary.builtins.flatMap { b in
            b.examples.map { Example(name: b.name, input: $0.input, output: $0.output) }
        }

        @Test(.serialized, arguments: builtinExamples)
        func builtinExample(_ e: Example) {
            let t = run(e.input)
            #expect((t.syntaxError ?? t.result) == e.output, "\(e.input)")
            #expect(t.messages.isEmpty, "\(e.input): \(t.messages)")
        }

        @Test func everyBuiltinHasAnExample() {
            let missing = CoreLibrary.builtins.filter { $0.examples.isEmpty }.map(\.name)
            #expect(missing.isEmpty, "builtins without an example: \(missing.joined(separator: ", "))")
            let undocumented = CoreLibrary.builtins.filter { !$0.documentedUsage.contains("Example:") }.map(\.name)
            #expect(undocumented.isEmpty, "usage without an example: \(undocumented.joined(separator: ", "))")
        }

        @Test(.serialized, arguments: StandardLibraryExamples.core)
        func standardLibraryExample(_ input: String, _ output: String) {
            let t = run(input)
            #expect((t.syntaxError ?? t.result) == output, "\(input)")
            #expect(t.messages.isEmpty, "\(input): \(t.messages)")
        }

        /// Each function the `.nets` files give a usage has an example in its usage and a row in
        /// the table above.
        @Test func everyStandardLibraryFunctionHasAnExample() {
            let names = StandardLibraryExamples.documentedNames
            #expect(names.count > 10)
            let inTable = StandardLibraryExamples.core.map(\.0).joined(separator: "\n")
            for name in names {
                #expect(eval("StringContainsQ[\(name)::usage, \"Example:\"]") == "True", "\(name)::usage")
                // A function appears called; a constant (its usage never calls it: MachinePrecision) by name.
                let constant = !eval("\(name)::usage").contains(name + "[")
                #expect(inTable.contains(name + "[") || constant && inTable.contains(name), "\(name) has no example in StandardLibraryExamples.core")
            }
        }

        @Test(.serialized, arguments: StandardLibraryExamples.argumentCounts)
        func argumentCount(_ input: String, _ message: String) {
            let t = run(input)
            #expect(t.messages == [message], "\(input)")
            #expect(t.result == input, "\(input)")
        }

        /// `$$` helpers of the `.nets` files exist but are not listed.
        @Test func privateHelpersAreHidden() {
            #expect(eval("Length[DownValues[$$argCount]] > 0") == "True")
            #expect(eval("Select[Names[\"*\"], StringStartsQ[#, \"$$\"] &]") == "{}")
            #expect(eval("Names[\"$$*\"]") == "{}")
            #expect(!isPrivateName("$Version") && isPrivateName("$$argCount"))
        }
    }
}

/// Examples of the functions defined in `stdlib/CoreKernel/*.nets`, with the Wolfram Language's results.
enum StandardLibraryExamples {
    /// Names given a `::usage` in the core library's `.nets` files.
    static var documentedNames: [String] {
        CoreLibrary.sources.flatMap { source in
            source.text.split(separator: "\n").compactMap { line -> String? in
                guard let r = line.range(of: "::usage") else { return nil }
                let name = String(line[line.startIndex..<r.lowerBound])
                return isSymbolName(name) ? name : nil
            }
        }
    }

    static let core: [(String, String)] = [
        // issue 18 additions (functional.nets, lists.nets, strings.nets)
        ("ComposeList[{f, g}, x]", "{x, f[x], g[f[x]]}"), ("ListCorrelate[{a, b}, {x, y, z}]", "{a x + b y, a y + b z}"),
        ("ListConvolve[{1, 1}, {1, 2, 3}]", "{3, 5}"), ("StringExtract[\"a b c\", 2]", "b"),
        // algebra.nets
        ("Variables[x^2 + a y]", "{a, x, y}"), ("Expand[(x + 1)^2]", "1 + 2 x + x^2"), ("Coefficient[(x + 2)^2, x]", "4"),
        ("Exponent[x^3 + 2 x + 1, x]", "3"), ("CoefficientList[(1 + x)^3, x]", "{1, 3, 3, 1}"),
        ("Collect[a x + b x + c, x]", "c + (a + b) x"), ("Factor[x^3 - x]", "x (-1 + x) (1 + x)"),
        ("Together[1/x + 1/y]", "(x + y)/(x y)"), ("Cancel[(x^2 - 1)/(x - 1)]", "1 + x"),
        ("Apart[1/((x + 1) (x + 2)), x]", "1/(1 + x) - 1/(2 + x)"), ("Simplify[x (x + 1) - x^2]", "x"),
        ("Solve[x^2 - 3 x + 2 == 0, x]", "{{x -> 1}, {x -> 2}}"), ("Now[[2]]", "Instant"),
        ("FactorTerms[3 + 6 x + 3 x^2]", "3 (1 + 2 x + x^2)"), ("Zeta[2]", "Pi^2/6"), ("BernoulliB[4]", "-1/30"),
        ("NSum[1/2^n, {n, 0, Infinity}]", "2."),
        // conformance.nets, precision.nets
        ("DeleteAdjacentDuplicates[{1, 1, 2, 1}]", "{1, 2, 1}"), ("a /. Dispatch[{a -> 1}]", "1"),
        ("LengthWhile[{1, 2, 5, 1}, # < 3 &]", "2"), ("TakeWhile[{1, 2, 5, 1}, # < 3 &]", "{1, 2}"),
        ("Precision[1.5] === MachinePrecision", "True"), ("Round[$MachinePrecision]", "16"),
        ("SelectFirst[{1, 4, 6, 7}, EvenQ]", "4"), ("StringDelete[\"abcabc\", \"b\"]", "acac"),
        ("StringDelete[\"aAbB\", \"a\", IgnoreCase -> True]", "bB"),
        // associations.nets
        ("KeyValueMap[f, <|a -> 1, b -> 2|>]", "{f[a, 1], f[b, 2]}"), ("KeyValueMap[f, {a -> 1}]", "{f[a, 1]}"),
        ("AssociationMap[StringLength, {\"ab\", \"c\"}]", "<|ab -> 2, c -> 1|>"),
        ("AssociationMap[Reverse, <|a -> 1|>]", "<|1 -> a|>"),
        // core.nets
        ("Take[{a, b, c}, UpTo[5]]", "{a, b, c}"), ("Between[3, {1, 5}]", "True"),
        ("Implies[False, x]", "True"), ("Implies[True, x]", "x"), ("Implies[x, True]", "True"), ("Implies[x, y]", "Implies[x, y]"),
        ("Boole[{True, False}]", "{1, 0}"), ("Boole[x]", "Boole[x]"),
        ("AllTrue[{2, 4, 6}, EvenQ]", "True"), ("AllTrue[{2, 3}, EvenQ]", "False"), ("AllTrue[EvenQ][<|a -> 2|>]", "True"),
        ("AnyTrue[{1, 2, 3}, EvenQ]", "True"), ("AnyTrue[{}, EvenQ]", "False"),
        ("NoneTrue[{1, 3, 5}, EvenQ]", "True"), ("NoneTrue[{1, 2}, EvenQ]", "False"),
        // lists.nets
        ("TakeDrop[{a, b, c, d}, 2]", "{{a, b}, {c, d}}"), ("TakeDrop[{a, b, c, d}, -1]", "{{d}, {a, b, c}}"),
        ("Differences[{1, 4, 9, 16}]", "{3, 5, 7}"), ("Differences[{1, 4, 9, 16}, 2]", "{2, 2}"), ("Differences[{a}]", "{}"),
        ("Riffle[{a, b, c}, x]", "{a, x, b, x, c}"), ("Riffle[{a, b, c}, {x, y, z}]", "{a, x, b, y, c, z}"),
        ("Riffle[{a, b, c, d}, {x, y}]", "{a, x, b, y, c, x, d}"), ("Riffle[{a}, x]", "{a}"),
        ("MinMax[{3, 1, 2}]", "{1, 3}"), ("MinMax[{3, 1, 2}, 1]", "{0, 4}"),
        ("Counts[{a, b, a}]", "<|a -> 2, b -> 1|>"), ("CountsBy[{1, 2, 3}, OddQ]", "<|True -> 2, False -> 1|>"),
        ("GatherBy[{1, 2, 3, 4}, EvenQ]", "{{1, 3}, {2, 4}}"), ("DeleteDuplicatesBy[{1, 2, 3, 4}, EvenQ]", "{1, 2}"),
        ("DeleteMissing[{1, Missing[], 2}]", "{1, 2}"), ("DeleteMissing[<|a -> Missing[], b -> 1|>]", "<|b -> 1|>"),
        ("Pick[{a, b, c}, {True, False, True}]", "{a, c}"), ("Pick[{{1, 2}, {3, 4}}, {{True, False}, {False, True}}]", "{{1}, {4}}"),
        ("Pick[{{1, 2}, {3, 4}}, {{1, 0}, {0, 1}}, 1]", "{{1}, {4}}"), ("Pick[{{1, 2}, {3, 4}}, {True, {False, True}}]", "{{1, 2}, {4}}"),
        ("RotateLeft[{{1, 2, 3}, {4, 5, 6}}, {1, 1}]", "{{5, 6, 4}, {2, 3, 1}}"), ("RotateRight[{{1, 2, 3}, {4, 5, 6}}, {1, 1}]", "{{6, 4, 5}, {3, 1, 2}}"),
        ("Tr[{{1, 2}, {3, 4}}]", "5"), ("Tr[{{1, 2}, {3, 4}}, List]", "{1, 4}"), ("Tr[{1, 2, 3}]", "6"),
        ("Tr[{{1, 2, 3}, {4, 5, 6}}]", "6"), ("Tr[{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}}, List, 2]", "{{1, 2}, {7, 8}}"),
        ("ArrayDepth[{{1, 2}, {3, 4}}]", "2"), ("ArrayDepth[{{1, 2}, {3}}]", "1"), ("ArrayDepth[x]", "0"),
        ("MaximalBy[{-3, 1, 2, 3}, Abs]", "{-3, 3}"), ("MinimalBy[{-3, 1, 2, -1}, Abs]", "{1, -1}"),
        // statistics.nets
        ("Mean[{1, 2, 3, 4}]", "5/2"), ("Median[{3, 1, 4, 2}]", "5/2"), ("Median[{{1, 2}, {3, 4}, {5, 6}}]", "{3, 4}"),
        ("Variance[{1, 2, 3, 4}]", "5/3"), ("StandardDeviation[{1, 2, 3}]", "1"), ("RootMeanSquare[{1, 7}]", "5"),
        ("Standardize[{1, 2, 3}]", "{-1, 0, 1}"), ("Standardize[{{1, 2}, {3, 5}}]", "{{-0.707107, -0.707107}, {0.707107, 0.707107}}"),
        ("Covariance[{1, 2, 3}, {2, 4, 7}]", "5/2"), ("Covariance[{{1, 2}, {3, 4}, {5, 9}}]", "{{4, 7}, {7, 13}}"),
        ("Correlation[{1, 2, 3}, {2, 4, 6}]", "1"), ("Quantile[{1, 2, 3, 4, 5}, 1/2]", "3"), ("Quantile[{1, 2, 3, 4}, {1/4, 3/4}]", "{1, 3}"),
        ("Quartiles[{1, 2, 3, 4}]", "{3/2, 5/2, 7/2}"), ("InterquartileRange[{1, 2, 3, 4}]", "2"), ("MeanDeviation[{1, 2, 3, 4}]", "1"),
        ("Commonest[{a, b, a, c, b, a}]", "{a}"),
        ("Norm[{3, 4}]", "5"), ("Norm[{1, -2, 3}, Infinity]", "3"), ("Norm[{3, 4}, 1]", "7"), ("Norm[-2]", "2"),
        ("Normalize[{3, 4}]", "{3/5, 4/5}"), ("EuclideanDistance[{0, 0}, {3, 4}]", "5"),
        // strings.nets
        ("StringRepeat[\"ab\", 3]", "ababab"), ("StringRepeat[\"ab\", 3, 5]", "ababa"), ("StringRepeat[\"ab\", 0]", ""),
    ] + LibraryExamples.documented

    /// Wrong argument counts: the standard messages, and the call stays unevaluated.
    static let argumentCounts: [(String, String)] = [
        ("TakeDrop[{1, 2}]", "TakeDrop::argr: TakeDrop called with 1 argument; 2 arguments are expected."),
        ("Boole[]", "Boole::argx: Boole called with 0 arguments; 1 argument is expected."),
        ("MinMax[1, 2, 3]", "MinMax::argt: MinMax called with 3 arguments; 1 or 2 arguments are expected."),
        ("StringRepeat[x]", "StringRepeat::argtu: StringRepeat called with 1 argument; 2 or 3 arguments are expected."),
    ]
}
