import CoreKernel
import Foundation
import Language
import Testing

/// Arbitrary-precision reals against mpmath: `Fixtures/precision.json` holds input -> OutputForm
/// pairs made by `Fixtures/precision.py` (constants, roots, Exp, Log, the circular functions and
/// ArcTan to 20..1000 digits).
enum PrecisionFixture {
    static let cases = fixtureCases("precision.json")

    /// Precision and accuracy carried through arithmetic, from the definitions of significance
    /// arithmetic: a sum's absolute errors add, a product's relative errors add, f(x)'s accuracy
    /// is x's less log10 |f'(x)|; exact numbers have none.
    static let tracking: [(String, Double)] = [
        ("Precision[N[Pi, 50]]", 50),
        ("Precision[1.5`20 * 2]", 20),
        ("Precision[1.5`20 + 1.5`20]", 20 - log10(2) + log10(2)),
        ("Precision[Sqrt[2.`30]]", 30 + log10(2)),
        // 10^-30 and 10^-20 relative errors add
        ("Precision[N[Pi, 30] N[E, 20]]", -log10(1e-30 + 1e-20)),
        // absolute errors 3.14159 10^-30 and 2.71828 10^-20 add; the sum is 5.85987
        ("Precision[N[Pi, 30] + N[E, 20]]", log10(Double.pi + M_E) - log10(Double.pi * 1e-30 + M_E * 1e-20)),
        // cancellation: 1.0001 - 1 keeps 20 - 4 digits
        ("Precision[1.0001`20 - 1]", 20 + log10(0.0001) - log10(1.0001)),
        ("Precision[Exp[10.`20]]", 19),
        ("Precision[Log[100.`20]]", 20 + log10(log(100.0)) - 2 + 2),
        ("Accuracy[1.5``20]", 20),
        ("Accuracy[N[Pi, 30]]", 30 - log10(Double.pi)),
        ("Precision[1.5``20]", 20 + log10(1.5)),
        ("Precision[{N[Pi, 40], 1.5`25}]", 25),
        ("Precision[SetAccuracy[12.5, 3]]", 3 + log10(12.5)),
    ]

    static let printed: [(String, String)] = [
        // InputForm marks: digits to the precision, trailing zeros dropped
        ("ToString[1.5`20 * 2, InputForm]", "3.`20."),
        ("ToString[N[Pi, 20], InputForm]", "3.1415926535897932385`20."),
        ("ToString[Sqrt[2.`30], InputForm]", "1.41421356237309504880168872421`30.30102999566398"),
        ("ToString[N[10^30 Pi, 20], InputForm]", "3.1415926535897932385`20.*^30"),
        ("ToString[1.5`20 - 1.5`20, InputForm]", "0``19.522878745280337"),
        ("1.5`20 * 2", "3.0000000000000000000"),
        ("1.5`20", "1.5000000000000000000"),
        ("1.5``3", "1.50"),
        ("1.5`20*^3", "1500.0000000000000000"),
        ("1.5`20 - 1.5`20", "0.*^-20"),
        ("3.14159265358979323846264338", "3.14159265358979323846264338"),
        ("Head[1.5`20]", "Real"),
        ("NumberQ[1.5`20]", "True"),
        // a machine real mixed in gives a machine real; exact numbers keep the precision
        ("1.5`20 + 1.", "2.5"),
        ("Precision[1.5`20 + 1.]", "MachinePrecision"),
        ("Precision[1/3]", "Infinity"),
        ("Precision[x]", "Infinity"),
        ("N[Pi, MachinePrecision]", "3.14159"),
        ("Round[$MachinePrecision, 0.01]", "15.95"),
        ("SetPrecision[0.1, 20]", "0.10000000000000000555"),
        ("SetPrecision[0.5, Infinity]", "1/2"),
        ("SetPrecision[N[Pi, 30], MachinePrecision]", "3.14159"),
        ("SetPrecision[Pi, 10]", "3.141592654"),
        ("SetPrecision[1/3, 10]", "0.3333333333"),
        ("N[{1/3, x + 1/7}, 10]", "{0.3333333333, 0.1428571429 + x}"),
        ("1.5`20 < 2", "True"),
        ("1.5`20 == 3/2", "True"),
        ("Max[1.5`20, 2, 1.7`30]", "2"),
        ("Floor[N[10^20 Pi, 30]]", "314159265358979323846"),
        ("Round[2.5`20]", "2"),
        ("Log[-1.`20]", "0.*^-20 + 3.1415926535897932385 I"),
        ("(2.`20)^100", "1.26765060022822940*^30"),
        ("Exp[0``10]", "1.000000000"),
    ]

    /// Misuse: the message and the expression back.
    static let misuse: [(String, String)] = [
        ("N[Pi, -1]", "N::precbd: Requested precision -1 is not a machine-sized real number between 0 and $MaxPrecision."),
        ("N[Pi, 10^6]", "N::preclg: Requested precision 1000000 is larger than $MaxPrecision (100000.)."),
        ("SetPrecision[Pi, x]", "SetPrecision::precbd: Requested precision x is not a machine-sized real number between 0 and $MaxPrecision."),
    ]
}

extension KernelSuite {
    @Suite struct Precision {
        @Test func fixtureIsThere() {
            #expect(PrecisionFixture.cases.count > 25)
        }

        @Test(.serialized, arguments: PrecisionFixture.cases)
        func agreesWithMpmath(_ input: String, _ output: String) {
            let t = run(input)
            #expect(t.result == output, "\(input)")
            #expect(t.messages.isEmpty, "\(input): \(t.messages)")
        }

        @Test(.serialized, arguments: PrecisionFixture.tracking)
        func tracksPrecision(_ input: String, _ expected: Double) {
            let t = run("InputForm[\(input)]")
            let value = Double(t.result.replacingOccurrences(of: "*^", with: "e"))
            #expect(value.map { abs($0 - expected) < 0.02 } == true, "\(input) = \(t.result), expected \(expected)")
        }

        @Test(.serialized, arguments: PrecisionFixture.printed)
        func prints(_ input: String, _ output: String) {
            #expect(eval(input) == output, "\(input)")
        }

        @Test(.serialized, arguments: PrecisionFixture.misuse)
        func misuse(_ input: String, _ message: String) {
            let t = run(input)
            #expect(t.messages == [message], "\(input)")
            #expect(t.result.hasPrefix(String(input.prefix(while: { $0 != "[" }))), "\(input) stays unevaluated: \(t.result)")
        }

        /// The literal forms read back to the same number.
        @Test func inputFormReadsBack() {
            for input in ["N[Pi, 40]", "Sqrt[2.`30]", "N[10^30 Pi, 20]", "N[-Pi/10^30, 25]", "1.5`20 - 1.5`20"] {
                #expect(eval("With[{x = \(input)}, ToExpression[ToString[x, InputForm]] == x && Precision[ToExpression[ToString[x, InputForm]]] - Precision[x] < 10^-6]") == "True", "\(input)")
            }
        }

        /// Machine arithmetic stays machine: no arbitrary-precision number appears.
        @Test func machineStaysMachine() {
            #expect(eval("Precision[Total[N[Range[100]]/3] + Sin[2.] + 1.5^0.5]") == "MachinePrecision")
        }
    }
}
