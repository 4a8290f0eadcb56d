import Foundation
import LearnKernel
import Testing

/// One reference value SymPy computed (Fixtures/calculus/make_fixtures.py wrote them to
/// Fixtures/calculus/calculus.json): a definite integral, a limit or a series coefficient.
struct CalculusReference: Decodable, CustomTestStringConvertible, Sendable {
    let kind: String
    let input: String
    let a: String
    let b: String
    let expected: Double

    var testDescription: String { "\(kind) \(input) \(a) \(b)" }

    static let all: [CalculusReference] = fixture("Fixtures/calculus/calculus.json")
}

extension KernelSuite {
    /// Integrate, Limit, Series and NIntegrate, which the learning library defines beside D: the
    /// Wolfram Language's results for its documented examples (OutputForm, and InputForm as
    /// `nets -c` prints it), its messages for misuse, and SymPy's values.
    @Suite struct Calculus {
        @Test(.serialized, arguments: [
            // Series: SeriesData printed as Wolfram prints it; Normal; SeriesCoefficient.
            ("Series[Exp[x], {x, 0, 3}]", "1 + x + x^2/2 + x^3/6 + O[x]^4"),
            ("Normal[Series[Exp[x], {x, 0, 3}]]", "1 + x + x^2/2 + x^3/6"),
            ("Series[Sin[x], {x, 0, 5}]", "x - x^3/6 + x^5/120 + O[x]^6"),
            ("Series[Cos[x], {x, 0, 4}]", "1 - x^2/2 + x^4/24 + O[x]^5"),
            ("Series[1/(1 - x), {x, 0, 3}]", "1 + x + x^2 + x^3 + O[x]^4"),
            ("Series[Sin[x]/x, {x, 0, 4}]", "1 - x^2/6 + x^4/120 + O[x]^5"),
            ("Series[1/Sin[x], {x, 0, 3}]", "1/x + x/6 + 7 x^3/360 + O[x]^4"),
            ("Series[Log[1 + x], {x, 0, 3}]", "x - x^2/2 + x^3/3 + O[x]^4"),
            ("Series[x^2, {x, 0, 1}]", "O[x]^2"),
            ("Series[a, {x, 0, 3}]", "a"),
            ("Series[1 + x + x^2, {x, 0, 5}]", "1 + x + x^2 + O[x]^6"),
            ("InputForm[Series[Exp[x], {x, 0, 3}]]", "SeriesData[x, 0, {1, 1, 1/2, 1/6}, 0, 4, 1]"),
            ("InputForm[Series[Sin[x], {x, 0, 4}]]", "SeriesData[x, 0, {1, 0, -1/6}, 1, 5, 1]"),
            ("Normal[Series[Exp[x], {x, 1, 2}]]", "E + E (-1 + x) + E (-1 + x)^2/2"),
            ("Series[Exp[x], {x, 1, 1}]", "E + E (x - 1) + O[x - 1]^2"),
            ("Normal[Series[Exp[1/x], {x, Infinity, 2}]]", "1 + 1/(2 x^2) + 1/x"),
            ("SeriesCoefficient[Exp[x], {x, 0, 3}]", "1/6"),
            ("SeriesCoefficient[Series[Sin[x], {x, 0, 5}], 3]", "-1/6"),
            ("SeriesCoefficient[Series[Sin[x], {x, 0, 5}], 9]", "Indeterminate"),
            ("Normal[Series[Exp[a x], {x, 0, 2}]]", "1 + a x + a^2 x^2/2"),
            // Limit.
            ("Limit[Sin[x]/x, x -> 0]", "1"),
            ("Limit[(x^2 - 1)/(x - 1), x -> 1]", "2"),
            ("Limit[x^2 + 3, x -> 2]", "7"),
            ("Limit[1/x, x -> 0]", "Indeterminate"),
            ("Limit[1/x, x -> 0, Direction -> \"FromAbove\"]", "Infinity"),
            ("Limit[1/x, x -> 0, Direction -> \"FromBelow\"]", "-Infinity"),
            ("Limit[1/x, x -> 0, Direction -> -1]", "Infinity"),
            ("Limit[1/x^2, x -> 0]", "Infinity"),
            ("Limit[(1 + 1/x)^x, x -> Infinity]", "E"),
            ("Limit[Exp[-x], x -> Infinity]", "0"),
            ("Limit[Exp[x], x -> -Infinity]", "0"),
            ("Limit[x Exp[-x], x -> Infinity]", "0"),
            ("Limit[Sin[1/x], x -> 0]", "Indeterminate"),
            ("Limit[Sin[x], x -> Infinity]", "Indeterminate"),
            ("Limit[Sin[x]/x, x -> Infinity]", "0"),
            ("Limit[x Sin[1/x], x -> 0]", "0"),
            ("Limit[Log[x], x -> 0]", "-Infinity"),
            ("Limit[x^x, x -> 0]", "1"),
            ("Limit[(3 x^2 + 1)/(x^2 - 5), x -> Infinity]", "3"),
            ("Limit[(3 x^3 + 1)/(x^2 - 5), x -> -Infinity]", "-Infinity"),
            ("Limit[ArcTan[x], x -> -Infinity]", "-Pi/2"),
            ("Limit[Sqrt[x^2 + x] - x, x -> Infinity]", "1/2"),
            ("Limit[{Sin[x]/x, Cos[x]}, x -> 0]", "{1, 1}"),
            ("Limit[a x, x -> 2]", "2 a"),
            ("Limit[f[x], x -> 0]", "Limit[f[x], x -> 0]"),
            ("Limit[Abs[x]/x, x -> 0]", "Limit[Abs[x]/x, x -> 0]"),
            // Integrate: indefinite, in Wolfram's forms.
            ("Integrate[x^2, x]", "x^3/3"),
            ("Integrate[Sin[x], x]", "-Cos[x]"),
            ("Integrate[Cos[x], x]", "Sin[x]"),
            ("Integrate[1/x, x]", "Log[x]"),
            ("Integrate[Exp[x], x]", "E^x"),
            ("Integrate[3 x^2 + 2 x + 1, x]", "x + x^2 + x^3"),
            ("Integrate[a x^n, x]", "a x^(1 + n)/(1 + n)"),
            ("Integrate[Log[x], x]", "-x + x Log[x]"),
            ("Integrate[x Exp[x], x]", "E^x (-1 + x)"),
            ("Integrate[x^2 Exp[x], x]", "E^x (2 - 2 x + x^2)"),
            ("Integrate[x Sin[x], x]", "-(x Cos[x]) + Sin[x]"),
            ("Integrate[1/(1 + x^2), x]", "ArcTan[x]"),
            ("Integrate[x/(1 + x^2), x]", "Log[1 + x^2]/2"),
            ("Integrate[1/Sqrt[1 - x^2], x]", "ArcSin[x]"),
            ("Integrate[Tan[x], x]", "-Log[Cos[x]]"),
            ("Integrate[Exp[-x^2], x]", "Sqrt[Pi] Erf[x]/2"),
            ("Integrate[Sin[x]^2, x]", "x/2 - Sin[2 x]/4"),
            ("Integrate[Exp[x] Sin[x], x]", "E^x (-Cos[x] + Sin[x])/2"),
            ("Integrate[x Log[x], x]", "-x^2/4 + x^2 Log[x]/2"),
            ("Integrate[Log[x]/x, x]", "Log[x]^2/2"),
            ("Integrate[Sqrt[x], x]", "2 x^(3/2)/3"),
            ("Integrate[{x, x^2}, x]", "{x^2/2, x^3/3}"),
            ("Integrate[x y, x, y]", "x^2 y^2/4"),
            ("Integrate[f[x], x]", "Integrate[f[x], x]"),
            ("Integrate[Sin[Sin[x]], x]", "Integrate[Sin[Sin[x]], x]"),
            // Definite integrals.
            ("Integrate[x^2, {x, 0, 1}]", "1/3"),
            ("Integrate[Sin[x], {x, 0, Pi}]", "2"),
            ("Integrate[Exp[-x^2], {x, -Infinity, Infinity}]", "Sqrt[Pi]"),
            ("Integrate[Exp[-x], {x, 0, Infinity}]", "1"),
            ("Integrate[1/x^2, {x, 1, Infinity}]", "1"),
            ("Integrate[1/(1 + x^2), {x, -Infinity, Infinity}]", "Pi"),
            ("Integrate[x^2, {x, 0, a}]", "a^3/3"),
            ("Integrate[Log[x], {x, 0, 1}]", "-1"),
            ("Integrate[x y, {x, 0, 1}, {y, 0, 2}]", "1"),
            ("Integrate[Tan[x], {x, 0, 1}]", "-Log[Cos[1]]"),
            ("Integrate[Tan[x], {x, 0, 2}]", "Integrate[Tan[x], {x, 0, 2}]"),
            ("Limit[(E^x - E^(-x))/(E^x + E^(-x)), x -> Infinity]", "1"),
            // NIntegrate.
            ("NIntegrate[x^2, {x, 0, 3}]", "9."),
            ("NIntegrate[Exp[-x^2], {x, -Infinity, Infinity}]", "1.77245"),
            ("NIntegrate[Sin[Sin[x]], {x, 0, 1}]", "0.430606"),
            ("NIntegrate[1/Sqrt[x], {x, 0, 1}]", "2."),
        ])
        func calculus(_ input: String, _ expected: String) {
            let t = run(input)
            #expect((t.syntaxError ?? t.result) == expected, "\(input)")
            #expect(t.messages.isEmpty, "\(input): \(t.messages)")
        }

        /// `nets -c` prints InputForm, as wolframscript does.
        @Test(.serialized, arguments: [
            ("ToString[Integrate[x^2, x], InputForm]", "x^3/3"),
            ("ToString[Integrate[Sin[x], x], InputForm]", "-Cos[x]"),
            ("ToString[Integrate[Exp[2 x + 1], x], InputForm]", "E^(1 + 2*x)/2"),
            ("ToString[Integrate[Exp[2 x], x], InputForm]", "E^(2*x)/2"),
            ("ToString[Normal[Series[Exp[x], {x, 0, 3}]], InputForm]", "1 + x + x^2/2 + x^3/6"),
            ("ToString[Series[Exp[x], {x, 0, 3}], InputForm]", "SeriesData[x, 0, {1, 1, 1/2, 1/6}, 0, 4, 1]"),
        ])
        func inputForm(_ input: String, _ expected: String) {
            #expect(eval(input) == expected, "\(input)")
        }

        /// Misuse gives Wolfram's message and the call back unevaluated.
        @Test(.serialized, arguments: [
            ("Integrate[x, {x, 1}]", "Integrate[x, {x, 1}]", "Integrate::ilim"),
            ("Integrate[x, 2]", "Integrate[x, 2]", "Integrate::ilim"),
            ("Integrate[1/x, {x, -1, 1}]", "Integrate[1/x, {x, -1, 1}]", "Integrate::idiv"),
            ("Integrate[1/x, {x, 1, Infinity}]", "Integrate[1/x, {x, 1, Infinity}]", "Integrate::idiv"),
            ("Series[Exp[x], {x, 0}]", "Series[E^x, {x, 0}]", "Series::sspec"),
            ("Series[Exp[x], {x, 0, 1.5}]", "Series[E^x, {x, 0, 1.5}]", "Series::serlim"),
            ("Limit[x, 0]", "Limit[x, 0]", "Limit::lim"),
            ("Limit[x, x -> 0, Direction -> up]", "Limit[x, x -> 0, Direction -> up]", "Limit::ldir"),
            ("NIntegrate[x, {x, 0, a}]", "NIntegrate[x, {x, 0, a}]", "NIntegrate::nlim"),
            ("NIntegrate[f[x], {x, 0, 1}]", "NIntegrate[f[x], {x, 0, 1}]", "NIntegrate::inumr"),
        ])
        func misuse(_ input: String, _ expected: String, _ tag: String) {
            let t = run(input)
            #expect(t.result == expected, "\(input)")
            #expect(t.messages.count == 1 && t.messages.first?.contains(tag) == true, "\(input): \(t.messages)")
        }

        /// NIntegrate of an integrand with a non-integrable singularity says it did not converge.
        @Test func ncvb() {
            let t = run("NIntegrate[1/x, {x, 0, 1}]")
            #expect(t.messages.count == 1 && t.messages.first?.contains("NIntegrate::ncvb") == true, "\(t.messages)")
        }

        /// A deep expression is refused by the recursion bound, not a crash.
        @Test func deepIntegrand() {
            let t = run("Integrate[Nest[Sin, x, 300], x]")
            #expect(t.result.hasPrefix("Integrate["), "\(t.result)")
            let s = run("Head[Series[Nest[Sin, x, 300], {x, 0, 2}]]")
            #expect(s.result == "Series" || s.result == "SeriesData", "\(s.result)")
        }

        @Test func fixturesAreThere() {
            #expect(CalculusReference.all.count > 150)
        }

        /// Definite integrals (exact, then numeric), NIntegrate, limits and series coefficients
        /// against SymPy; every antiderivative differentiates back to its integrand.
        @Test(arguments: CalculusReference.all)
        func matchesSymPy(_ r: CalculusReference) {
            let inputs: [String]
            switch r.kind {
            case "integral":
                inputs = ["N[Integrate[\(r.input), {x, \(r.a), \(r.b)}]]", "NIntegrate[\(r.input), {x, \(r.a), \(r.b)}]"]
            case "limit":
                inputs = ["N[Limit[\(r.input), x -> \(r.a)]]"]
            default:
                inputs = ["N[SeriesCoefficient[\(r.input), {x, \(r.a), \(r.b)}]]"]
            }
            let expected = String(r.expected).replacingOccurrences(of: "e", with: "*^")
            for input in inputs {
                let t = run("With[{v = \(input)}, If[NumberQ[v], Abs[v - (\(expected))] <= 10^-7 Max[1, Abs[\(expected)]], v]]")
                #expect(t.result == "True", "\(input): \(eval(input)), SymPy \(r.expected)")
                #expect(t.messages.isEmpty, "\(input): \(t.messages)")
            }
            if r.kind == "integral" {
                // D[F, x] - f vanishes at sample points inside the range.
                let check = "With[{g = D[Integrate[\(r.input), x], x] - (\(r.input))}, Max[Abs[N[g /. x -> #]] & /@ {0.3, 0.7, 1.1}]] < 10^-9"
                #expect(eval(check) == "True", "D[Integrate[\(r.input), x], x]: \(eval("Integrate[\(r.input), x]"))")
            }
        }
    }
}
