import CoreKernel
import Foundation
import Testing

/// The number-theory builtins against SymPy: `Fixtures/number_theory.json` holds input -> OutputForm
/// pairs made by `Fixtures/number_theory.py` (digits, primes, factoring, totient, divisors,
/// Fibonacci, PowerMod, the simplest fraction within a tolerance).
enum NumberTheoryFixture {
    static let cases = fixtureCases("number_theory.json")

    /// Misuse and limits: the message and that the expression stays unevaluated.
    static let misuse: [(String, String)] = [
        ("IntegerDigits[10, 1]", "IntegerDigits::ibase: Base 1 is not an integer greater than 1."),
        ("Prime[0]", "Prime::intpp: Positive integer argument expected in Prime[0]."),
        ("Prime[10^15]", "Prime::large: Prime[1000000000000000] is beyond the largest prime nets computes (50000000)."),
        ("QuotientRemainder[7, 0]", "QuotientRemainder::divz: The argument 0 in QuotientRemainder[7, 0] should be nonzero."),
        ("PowerMod[2, -1, 4]", "PowerMod::ninv: 2 is not invertible modulo 4."),
    ]
}

extension KernelSuite {
    @Suite struct NumberTheory {
        @Test func fixtureIsThere() {
            #expect(NumberTheoryFixture.cases.count > 60)
        }

        @Test(.serialized, arguments: NumberTheoryFixture.cases)
        func agreesWithSymPy(_ input: String, _ output: String) {
            let t = run(input)
            #expect(t.result == output, "\(input)")
            #expect(t.messages.isEmpty, "\(input): \(t.messages)")
        }

        @Test(.serialized, arguments: NumberTheoryFixture.misuse)
        func misuse(_ input: String, _ message: String) {
            let t = run(input)
            #expect(t.messages == [message], "\(input)")
            #expect(t.result.hasPrefix(String(input.prefix(while: { $0 != "[" }))), "\(input) stays unevaluated: \(t.result)")
        }

        @Test func levelsCountFromTheAtoms() {
            #expect(eval("Level[{a, {b}}, {-1}]") == "{a, b}")
            #expect(eval("Level[{a, {b}}, -1]") == "{a, b, {b}}")
            #expect(eval("Map[f, {{1, 2}, {3}}, {-2}]") == "{f[{1, 2}], f[{3}]}")
            #expect(eval("Cases[{1, {2, {3}}}, _Integer, {-1}]") == "{1, 2, 3}")
            #expect(eval("Level[{{a, b}, {c}}, {-2, -1}]") == "{a, b, {a, b}, c, {c}}")
            #expect(eval("Depth[Nest[List, 1, 500]]") == "501")
        }

        @Test func partitionWithOverhang() {
            #expect(eval("Partition[{a, b, c, d}, 3, 3, {1, 1}]") == "{{a, b, c}, {d, a, b}}")
            #expect(eval("Partition[{a, b, c, d, e}, 2, 2, 1, {}]") == "{{a, b}, {c, d}, {e}}")
            #expect(eval("Partition[Range[10^5], 2, 1, 1, x] // Length") == "100000")
        }

        @Test func replaceListFindsEveryMatch() {
            #expect(eval("ReplaceList[{a, b, c}, {x__, y__} :> {{x}, {y}}]") == "{{{a}, {b, c}}, {{a, b}, {c}}}")
            #expect(eval("ReplaceList[f[1, 2], {f[x_, y_] :> x + y, f[x_, y_] :> x y}]") == "{3, 2}")
            #expect(eval("ReplaceList[a, b -> c]") == "{}")
        }
    }
}
