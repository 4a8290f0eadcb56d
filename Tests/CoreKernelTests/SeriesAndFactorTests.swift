import CoreKernel
import Foundation
import Testing

/// Multivariate Factor, FactorTerms and infinite sums, against the closed forms of the Wolfram
/// documentation and textbook identities (Zeta[2] = Pi^2/6, Sum x^n/n! = E^x, Sum (-1)^(n+1)/n =
/// Log[2]); numeric sums are checked against mpmath in PrecisionTests.
enum SeriesAndFactorCorpus {
    static let cases: [(String, String)] = [
        ("Factor[x^2 y - y]", "(-1 + x) (1 + x) y"),
        ("Factor[x^2 y + x^2 z - y - z]", "(-1 + x) (1 + x) (y + z)"),
        ("Factor[2 x^3 y - 2 x y^3]", "2 x (x - y) y (x + y)"),
        ("Factor[x^2 + 2 x y + y^2]", "(x + y)^2"),
        ("Factor[x y + x + y + 1]", "(1 + x) (1 + y)"),
        ("Factor[a x + a]", "a (1 + x)"),
        ("Factor[6 x^2 y - 6 y]", "6 (-1 + x) (1 + x) y"),
        // no factors found: the polynomial stays as it is
        ("Factor[a^2 + b + x]", "a^2 + b + x"),
        ("FactorTerms[3 + 6 x + 3 x^2]", "3 (1 + 2 x + x^2)"),
        ("FactorTerms[2 a x^2 + 4 a x, x]", "2 a (2 x + x^2)"),
        ("FactorTerms[x + 1]", "1 + x"),
        ("Sum[1/n^2, {n, 1, Infinity}]", "Pi^2/6"),
        ("Sum[1/n^4, {n, 1, Infinity}]", "Pi^4/90"),
        ("Sum[1/n^2, {n, 2, Infinity}]", "-1 + Pi^2/6"),
        ("Sum[1/n^3, {n, 1, Infinity}]", "Zeta[3]"),
        ("Sum[1/2^n, {n, 0, Infinity}]", "2"),
        ("Sum[3 (1/3)^n, {n, 1, Infinity}]", "3/2"),
        ("Sum[x^n, {n, 0, Infinity}]", "1/(1 - x)"),
        ("Sum[x^n/n!, {n, 0, Infinity}]", "E^x"),
        ("Sum[1/n!, {n, 0, Infinity}]", "E"),
        ("Sum[1/n!, {n, 1, Infinity}]", "-1 + E"),
        ("Sum[(-1)^(n + 1)/n, {n, 1, Infinity}]", "Log[2]"),
        ("Sum[1/n^2 + 1/2^n, {n, 1, Infinity}]", "1 + Pi^2/6"),
        ("Sum[i, {i, 10}]", "55"),
        ("Zeta[2]", "Pi^2/6"),
        ("Zeta[-1]", "-1/12"),
        ("BernoulliB[10]", "5/66"),
        ("BernoulliB[1]", "-1/2"),
    ]

    static let divergent = ["Sum[1/n, {n, 1, Infinity}]", "Sum[2^n, {n, 0, Infinity}]", "Sum[1, {n, 1, Infinity}]"]
}

extension KernelSuite {
    @Suite struct SeriesAndFactor {
        @Test(.serialized, arguments: SeriesAndFactorCorpus.cases)
        func evaluates(_ input: String, _ expected: String) {
            let t = run(input)
            #expect(t.result == expected, "\(input)")
            #expect(t.messages.isEmpty, "\(input): \(t.messages)")
        }

        @Test(.serialized, arguments: SeriesAndFactorCorpus.divergent)
        func divergentSumsSaySo(_ input: String) {
            let t = run(input)
            #expect(t.messages == ["Sum::div: Sum does not converge."], "\(input)")
            #expect(t.result == input, "\(input) stays unevaluated")
        }
    }
}
