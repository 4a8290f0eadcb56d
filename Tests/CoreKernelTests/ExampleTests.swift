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
            let undocumented = CoreLibrary.builtins.filter { !$0.usage.contains("Example:") }.map(\.name)
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
                #expect(inTable.contains(name + "["), "\(name) has no example in StandardLibraryExamples.core")
            }
        }

        @Test func privateHelpersAreHidden() {
            #expect(eval("Select[Names[\"*\"], StringStartsQ[#, \"$$\"] &]") == "{}")
            #expect(eval("Names[\"$$*\"]") == "{}")
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
        ("Mean[{1, 2, 3, 4}]", "5/2"),
        ("Variance[{1, 2, 3, 4}]", "5/3"),
        ("StandardDeviation[{1, 2, 3}]", "1"),
        ("RootMeanSquare[{3, 4}]", "5/Sqrt[2]"),
        ("Normalize[{3, 4}]", "{3/5, 4/5}"),
        ("EuclideanDistance[{0, 0}, {3, 4}]", "5"),
        ("Standardize[{1, 2, 3}]", "{-1, 0, 1}"),
        ("Commonest[{a, b, a, c, b, a}]", "{a}"),
        ("Take[{a, b, c}, UpTo[5]]", "{a, b, c}"),
        ("Between[3, {1, 5}]", "True"),
        ("Pick[{a, b, c}, {True, False, True}]", "{a, c}"),
        ("MaximalBy[{-3, 1, 2, 3}, Abs]", "{-3, 3}"),
        ("MinimalBy[{-3, 1, 2, -1}, Abs]", "{1, -1}"),
    ]
}
