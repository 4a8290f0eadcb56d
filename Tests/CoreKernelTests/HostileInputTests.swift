import CoreKernel
import Testing

extension KernelSuite {
    /// The reliability issue's reproducers for the core library: integers at the edges, absurd
    /// sizes, deep structures and huge numbers give a message and an answer, never a trap, a
    /// hang or an unbounded allocation. A trap would end the test process, so each case can fail.
    @Suite struct HostileInputs {
        /// Input, and a message tag the answer must carry (nil: any answer without a crash).
        static let cases: [(String, String?)] = [
            ("Take[{1, 2, 3}, -2^63]", "Take::take"),
            ("Drop[{1, 2, 3}, -2^63]", "Drop::drop"),
            ("StringTake[\"abc\", -2^63]", "StringTake::take"),
            ("StringDrop[\"abc\", -2^63]", "StringDrop::drop"),
            ("Take[Range[10], {1, -1, 2^62}]", nil),
            ("Range[0, 1, 10^-300.]", "Range::range"),
            ("Range[0, 10^300., 1]", "Range::range"),
            ("Range[0, -2^63, -1]", "Range::range"),
            ("Range[-2^62, 2^62]", "Range::range"),
            ("Table[i, {i, 1, 10^300}]", "Table::iterb"),
            ("Table[0, {2^62}]", "Table::iterb"),
            ("Do[Null, {i, -10^300, 0, 1}]", "Do::iterb"),
            ("PadLeft[{1}, 2^62]", "PadLeft::nomem"),
            ("PadRight[{1}, 2^62]", "PadRight::nomem"),
            ("Outer[f, Range[10^5], Range[10^5]]", "Outer::nomem"),
            ("Tuples[{1, 2}, 2^62]", "Tuples::nomem"),
            ("StringRepeat[\"ab\", 2^62]", "StringRepeat::nomem"),
            ("Array[f, 10^12]", "Array::nomem"),
            ("StringPadLeft[\"a\", 2^62]", "StringPadLeft::nomem"),
            ("ConstantArray[0, {2^31, 2^31, 4}]", "ConstantArray::ilsnn"),
            ("Subsets[{a, b, c}, {3, 1}]", nil),
            ("Subsets[{a, b, c}, -5]", nil),
            ("Floor[1.*^300] > 0", nil),
            ("Nest[f, x, 10^7]", "$RecursionLimit::reclim"),
            ("Fold[f, x, Range[10^5]]", "$RecursionLimit::reclim"),
            ("NestList[f, x, 10^5] // Length", "$RecursionLimit::reclim"),
            ("StringLength[ToString[2^(10^6)]] < 100", nil),
            ("Mod[2^(10^6), 10^10]", nil),
            ("IntegerQ[1*^999999999]", nil),
            // Found by scripts/fuzz.
            ("FileNameJoin[{}] == \"\"", nil),
            ("2^-9223372036854775808", nil),
            ("f[n_] := n^-2^63; f /@ Range[5]", nil),
            ("RandomReal[0, 10^9]", "RandomReal::array"),
            ("RandomReal[1.2, 2^32]", "RandomReal::array"),
            ("RandomInteger[5, {2^40, 2^40}]", "RandomInteger::array"),
            ("Table[, {}]", "Table::itform"),
            ("DirectoryName[\".\"] == \"\"", nil),
            ("Quotient[2^1.*^300, 3]", nil),
            ("Quotient[1.*^300, 7.]", nil),
            ("Head[-2^63^(10^6)]", nil),
        ]

        @Test(arguments: cases)
        func answers(_ input: String, _ tag: String?) {
            let t = run(input)
            #expect(t.syntaxError != nil || !t.result.isEmpty, "\(input): no answer")
            if let tag { #expect(t.messages.contains { $0.hasPrefix(tag + ":") }, "\(input): \(t.messages)") }
        }

        @Test func bigIntegersRoundTripThroughText() {
            // A 5,000-digit literal parses and prints back exactly (both by halving).
            let digits = String((0..<5000).map { Character(String(($0 * 7 + 3) % 10)) }).drop { $0 == "0" }
            #expect(eval(String(digits)) == String(digits))
            #expect(eval("StringLength[ToString[\(digits)]]") == "\(digits.count)")
            #expect(eval("ToString[2^(10^6)]") == "99006562<<301012>>2747109376")
        }

        @Test func deepExpressionsPrint() {
            let t = run("ToString[Fold[g, x, Range[900]], InputForm] // StringLength")
            #expect(Int(t.result) ?? 0 > 900, "\(t.result) \(t.messages)")
        }
    }
}
