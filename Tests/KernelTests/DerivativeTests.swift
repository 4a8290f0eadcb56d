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
        ])
        func derivative(_ input: String, _ expected: String) {
            #expect(eval(input) == expected, "\(input)")
        }
    }
}
