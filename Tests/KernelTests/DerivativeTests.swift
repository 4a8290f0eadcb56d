import LearnKernel
import Testing

extension KernelSuite {
    /// Derivatives written with primes, worked out by D (which the learning library defines):
    /// the Wolfram Language's results.
    @Suite struct Derivatives {
        @Test(.serialized, arguments: [
            ("f[x_] := x^3; f'[2]", "12"),
            ("f[x_] := x^3; f'[x]", "3 x^2"),
            ("f[x_] := x^3; f''[x]", "6 x"),
            ("f[x_] := x^3; f'", "3 #1^2 & "),
            ("Derivative[1][Sin]", "Cos[#1] & "),
            ("Sin'[0]", "1"),
            ("Derivative[2][Exp][0]", "1"),
            ("D[f[x], x]", "f'[x]"),
            ("D[f[x]^2, x]", "2 f[x] f'[x]"),
            ("f'[x]", "f'[x]"),
            ("f[x_] := g[x^2]; f'[x]", "2 x g'[x^2]"),
            // Several arguments, derivatives of derivatives and of pure functions (cases7).
            ("D[f[x, y], y]", "Derivative[0, 1][f][x, y]"), ("D[f[x^2, y], x]", "2 x Derivative[1, 0][f][x^2, y]"),
            ("D[f'[x], x]", "f''[x]"), ("D[Derivative[1, 0][f][x, y], x]", "Derivative[2, 0][f][x, y]"),
            ("(#^3 &)'[x]", "3 x^2"), ("Derivative[1][#^2 &]", "2 #1 & "), ("Function[{x}, x^2]''", "2 & "),
            // A Flat head is left alone (the library's Flat is the user's: no endless chain rule).
            ("D[Max[x, 2], x]", "D[Max[2, x], x]"), ("SetAttributes[gg, Flat]; D[gg[x, 2], x]", "D[gg[x, 2], x]"),
        ])
        func derivative(_ input: String, _ expected: String) {
            #expect(eval(input) == expected, "\(input)")
        }

        /// Builtins differentiate to Wolfram's closed forms, not to an unevaluated g'[x] (the
        /// forms as Wolfram's D gives them, in OutputForm); functions Wolfram leaves as g'[x]
        /// (Abs, Floor, Zeta) stay so. No message is issued.
        @Test(.serialized, arguments: [
            ("D[Gamma[x], x]", "Gamma[x] PolyGamma[0, x]"),
            ("Gamma'[x]", "Gamma[x] PolyGamma[0, x]"),
            ("D[LogGamma[x], x]", "PolyGamma[0, x]"),
            ("D[PolyGamma[0, x], x]", "PolyGamma[1, x]"),
            ("D[x!, x]", "Gamma[1 + x] PolyGamma[0, 1 + x]"),
            ("D[Sec[x], x]", "Sec[x] Tan[x]"),
            ("D[Csc[x], x]", "-(Cot[x] Csc[x])"),
            ("D[Cot[x], x]", "-Csc[x]^2"),
            ("D[ArcTanh[x], x]", "1/(1 - x^2)"),
            ("D[ArcSinh[x], x]", "1/Sqrt[1 + x^2]"),
            ("D[ArcCot[x], x]", "-1/(1 + x^2)"),
            ("D[Sech[x], x]", "-(Sech[x] Tanh[x])"),
            ("D[Coth[x], x]", "-Csch[x]^2"),
            ("D[Erfc[x], x]", "-2/(E^x^2 Sqrt[Pi])"),
            ("D[InverseErf[x], x]", "E^InverseErf[x]^2 Sqrt[Pi]/2"),
            ("D[ArcTan[1, x], x]", "1/(1 + x^2)"),
            ("D[Sec[2 x], x]", "2 Sec[2 x] Tan[2 x]"),
            ("D[Abs[x], x]", "Abs'[x]"),
            ("D[Floor[x], x]", "Floor'[x]"),
        ])
        func builtin(_ input: String, _ expected: String) {
            let t = run(input)
            #expect((t.syntaxError ?? t.result) == expected, "\(input)")
            #expect(t.messages.isEmpty, "\(input): \(t.messages)")
        }
    }
}
