import CoreKernel
import Foundation
import Testing

/// Canonical order, exact values of elementary functions, complex numbers, polynomial algebra,
/// dates and character names: input -> OutputForm tables. Each case is a Wolfram documentation
/// example or follows from Wolfram's documented rules (Sort's notes on canonical order, Expand's
/// and Solve's examples); none is nets' own output copied back.
enum AlgebraExamples {
    /// Symbols and polynomial terms come before other expressions; monomials from their last
    /// variable down (`Expand[(a + b) (c + d)]` is `a c + b c + a d + b d` in Wolfram).
    static let order: [(String, String)] = [
        ("Sort[{f[x], x}]", "{x, f[x]}"),
        ("x*f[x]", "x f[x]"),
        ("f[x] + x", "x + f[x]"),
        ("Sort[{y, x^2}]", "{x^2, y}"),
        ("x^2 Cos[x] + 2 x Sin[x]", "2 x Sin[x] + x^2 Cos[x]"),
        ("c (a + b)", "(a + b) c"),
        ("(1 + x) x", "x (1 + x)"),
        ("-(a + b)", "-a - b"),
        ("1 - (x - 1)", "2 - x"),
        ("(a + b) - (a + b)", "0"),
        ("Sin[x] + x Cos[x]", "x Cos[x] + Sin[x]"),
        ("Sort[{b, a^2, a}]", "{a, a^2, b}"),
        ("Sort[{2 x, x}]", "{x, 2 x}"),
        ("Sort[{g[a], f[a, b]}]", "{g[a], f[a, b]}"),
        ("Sort[{\"b\", a, 1, f[a]}]", "{1, b, a, f[a]}"),
        ("x Sqrt[2]", "Sqrt[2] x"),
        ("x + 1/x", "1/x + x"),
        ("b + a z", "b + a z"),
        ("Cos[x] Sin[x] + 3", "3 + Cos[x] Sin[x]"),
        ("ToString[(b^2*Pi^2)/6, InputForm]", "(b^2*Pi^2)/6"),
        ("Expand[(a + b) (c + d)]", "a c + b c + a d + b d"),
        ("Expand[(1 + x + y)^2]", "1 + 2 x + x^2 + 2 y + 2 x y + y^2"),
        ("Expand[(x + y)^3]", "x^3 + 3 x^2 y + 3 x y^2 + y^3"),
    ]

    /// Exact values at multiples of Pi/6 and Pi/4, inverse functions, symmetries, exact logarithms.
    static let exact: [(String, String)] = [
        ("Sin[Pi/2]", "1"), ("Cos[Pi/3]", "1/2"), ("Sin[Pi/4]", "1/Sqrt[2]"), ("Sin[Pi/3]", "Sqrt[3]/2"),
        ("Cos[Pi]", "-1"), ("Sin[7 Pi/6]", "-1/2"), ("ToString[Cos[3 Pi/4], InputForm]", "-(1/Sqrt[2])"), ("Sin[2 Pi]", "0"),
        ("Cos[Pi/2]", "0"), ("Tan[Pi/4]", "1"), ("Tan[Pi/6]", "1/Sqrt[3]"), ("Tan[Pi/3]", "Sqrt[3]"),
        ("Tan[Pi/2]", "ComplexInfinity"), ("Sin[Pi/5]", "Sin[Pi/5]"), ("Sin[-x]", "-Sin[x]"), ("Cos[-x]", "Cos[x]"),
        ("ArcSin[1]", "Pi/2"), ("ArcSin[1/2]", "Pi/6"), ("ArcSin[-1/2]", "-Pi/6"), ("ArcCos[0]", "Pi/2"),
        ("ArcCos[-1]", "Pi"), ("ArcCos[1/2]", "Pi/3"), ("ArcTan[1]", "Pi/4"), ("ArcTan[Sqrt[3]]", "Pi/3"),
        ("ArcTan[Infinity]", "Pi/2"), ("ArcSin[Sqrt[3]/2]", "Pi/3"),
        ("Log[2, 8]", "3"), ("Log[E^3]", "3"), ("Log[10, 1/1000]", "-3"), ("Log[2, 10]", "Log[10]/Log[2]"),
    ]

    static let complex: [(String, String)] = [
        ("(1 + 2 I) (3 - I)", "5 + 5 I"), ("Sqrt[-4]", "2 I"), ("I^2", "-1"), ("Re[3 + 4 I]", "3"),
        ("Im[3 + 4 I]", "4"), ("Abs[3 + 4 I]", "5"), ("Conjugate[3 + 4 I]", "3 - 4 I"), ("Arg[I]", "Pi/2"),
        ("Arg[1 + I]", "Pi/4"), ("Exp[I Pi]", "-1"), ("E^(I Pi/2)", "I"), ("1/(1 + I)", "1/2 - I/2"),
        ("Sqrt[-2.]", "0. + 1.41421 I"), ("Log[-1]", "I Pi"), ("Head[I]", "Complex"), ("NumberQ[2 + I]", "True"),
        ("2 I x", "2 I x"), ("ToString[(1 + 2 I) (3 - I), InputForm]", "5 + 5*I"), ("FullForm[1 - I]", "Complex[1, -1]"),
        ("Sqrt[-9] + 1", "1 + 3 I"),
    ]

    static let algebra: [(String, String)] = [
        ("Expand[(x + 1)^2]", "1 + 2 x + x^2"),
        ("ToString[Expand[(x + 1)^2/y], InputForm]", "y^(-1) + (2*x)/y + x^2/y"),
        ("Expand[{(a + b)^2, x (x + 1)}]", "{a^2 + 2 a b + b^2, x + x^2}"),
        ("Variables[x^2 + a y + 3]", "{a, x, y}"),
        ("Coefficient[(x + 2)^2, x]", "4"),
        ("Coefficient[a x^2 + b x + c, x, 2]", "a"),
        ("Coefficient[a x^2 + b x + c, x, 0]", "c"),
        ("Exponent[x^3 + 2 x + 1, x]", "3"),
        ("CoefficientList[(1 + x)^3, x]", "{1, 3, 3, 1}"),
        ("Collect[a x + b x + c, x]", "c + (a + b) x"),
        ("Collect[(1 + a + x)^2, x]", "1 + 2 a + a^2 + (2 + 2 a) x + x^2"),
        ("Factor[x^2 - 1]", "(-1 + x) (1 + x)"),
        ("Factor[x^3 - x]", "x (-1 + x) (1 + x)"),
        ("Factor[2 x^2 - 2]", "2 (-1 + x) (1 + x)"),
        ("Factor[x^2 + 2 x + 1]", "(1 + x)^2"),
        ("Factor[x^2 + 1]", "1 + x^2"),
        ("Factor[6 x^2 - 5 x + 1]", "(-1 + 2 x) (-1 + 3 x)"),
        ("Together[1/x + 1/y]", "(x + y)/(x y)"),
        ("Together[1/x + 1/(1 + x)]", "(1 + 2 x)/(x (1 + x))"),
        ("Together[a/b + c/d]", "(b c + a d)/(b d)"),
        ("Together[(x^2 - 1)/(x - 1)]", "1 + x"),
        ("Cancel[(x^2 - 1)/(x - 1)]", "1 + x"),
        ("Cancel[(x^2 + 3 x + 2)/(x^2 + 4 x + 3)]", "(2 + x)/(3 + x)"),
        ("Simplify[(x^2 - 1)/(x - 1)]", "1 + x"),
        ("Apart[1/((x + 1) (x + 2)), x]", "1/(1 + x) - 1/(2 + x)"),
        ("Simplify[x (x + 1) - x^2]", "x"),
        ("Simplify[Sin[x]^2 + Cos[x]^2]", "1"),
        ("Solve[x^2 - 3 x + 2 == 0, x]", "{{x -> 1}, {x -> 2}}"),
        ("Solve[2 x + 3 == 7, x]", "{{x -> 2}}"),
        ("Solve[x^2 == 2, x]", "{{x -> -Sqrt[2]}, {x -> Sqrt[2]}}"),
        ("Solve[x^2 + x - 1 == 0, x]", "{{x -> (-1 - Sqrt[5])/2}, {x -> (-1 + Sqrt[5])/2}}"),
        ("Solve[x^2 + 4 == 0, x]", "{{x -> -2 I}, {x -> 2 I}}"),
        ("ToString[Solve[a x + b == 0, x], InputForm]", "{{x -> -(b/a)}}"),
        ("Solve[x^3 - 6 x^2 + 11 x - 6 == 0, x]", "{{x -> 1}, {x -> 2}, {x -> 3}}"),
        ("Solve[{x + y == 3, x - y == 1}, {x, y}]", "{{x -> 2, y -> 1}}"),
        ("Solve[{2 x + y == 5, x + 3 y == 5}, {x, y}]", "{{x -> 2, y -> 1}}"),
        ("Solve[x + 1 == x, x]", "{}"),
        ("Expand[(x + y)^100000]", "(x + y)^100000"),
        ("Length[Expand[(1 + x)^20]]", "21"),
        ("Factor[x^2 - 10^30]", "-1000000000000000000000000000000 + x^2"),
    ]

    static let missing: [(String, String)] = [
        ("SelectFirst[{1, 4, 6, 7}, EvenQ]", "4"),
        ("SelectFirst[{1, 3}, EvenQ]", "Missing[NotFound]"),
        ("SelectFirst[{1, 3}, EvenQ, none]", "none"),
        ("SelectFirst[EvenQ][{1, 2}]", "2"),
        ("StringDelete[\"abcabc\", \"b\"]", "acac"),
        ("StringDelete[{\"a1b2\", \"c3\"}, DigitCharacter]", "{ab, c}"),
        ("StringDelete[\"a\" | \"c\"][\"abcd\"]", "bd"),
        ("CharacterName[\"\\[Alpha]\"]", "Alpha"),
        ("CharacterName[\"a\", \"UnicodeName\"]", "LATIN SMALL LETTER A"),
        ("DateString[{2026, 11, 30, 23, 10, 8}]", "Mon 30 Nov 2026 23:10:08"),
        ("DateString[{2026, 11, 30}]", "Mon 30 Nov 2026"),
        ("DateString[{2024, 2, 29}, \"ISODate\"]", "2024-02-29"),
        ("DateString[{2026, 1, 5, 7, 3, 0}, \"DateTime\"]", "Monday 5 January 2026 07:03:00"),
        ("DateString[{2000, 1, 1}, {\"MonthName\", \" \", \"DayShort\", \", \", \"Year\"}]", "January 1, 2000"),
        ("DateList[{2026, 13, 1}]", "{2027, 1, 1, 0, 0, 0.}"),
        ("AbsoluteTime[{2000, 1, 1}]", "3155673600"),
        ("Take[List @@ DateObject[{2026, 11, 30}], 3]", "{{2026, 11, 30}, Day, Gregorian}"),
        ("Head[Now]", "DateObject"),
        ("StringLength[DateString[]] >= 20", "True"),
    ]

    /// Roots, coefficient lists and dates computed by `Fixtures/algebra.py` (SymPy, datetime).
    static let fixture = fixtureCases("algebra.json")

    /// Misuse: the message (Wolfram's text).
    static let misuse: [(String, String)] = [
        ("Solve[Sin[x] == 1/2, x]", "Solve::nsmet: This system cannot be solved with the methods available to Solve."),
        ("Solve[x == 1, 2]", "Solve::ivar: 2 is not a valid variable."),
        ("Expand[]", "Expand::argx: Expand called with 0 arguments; 1 argument is expected."),
    ]
}

extension KernelSuite {
    @Suite struct Algebra {
        @Test(.serialized, arguments: AlgebraExamples.order + AlgebraExamples.exact + AlgebraExamples.complex
              + AlgebraExamples.algebra + AlgebraExamples.missing)
        func example(_ input: String, _ output: String) {
            let t = run(input)
            #expect((t.syntaxError ?? t.result) == output, "\(input)")
            #expect(t.messages.isEmpty, "\(input): \(t.messages)")
        }

        @Test func fixtureIsThere() {
            #expect(AlgebraExamples.fixture.count > 50)
        }

        @Test(.serialized, arguments: AlgebraExamples.fixture)
        func agreesWithSymPyAndDatetime(_ input: String, _ output: String) {
            let t = run(input)
            #expect(t.result == output, "\(input)")
            #expect(t.messages.isEmpty, "\(input): \(t.messages)")
        }

        @Test(.serialized, arguments: AlgebraExamples.misuse)
        func misuse(_ input: String, _ message: String) {
            #expect(run(input).messages == [message], "\(input)")
        }
    }
}
