import Language
import Testing

/// Named characters the statistics chapters use: `\[Distributed]`, `\[Element]`,
/// `\[Conditioned]` as infix operators, Greek parameter names as letters.
@Suite struct NamedCharacterTests {
    static let cases: [(String, String)] = [
        ("x \\[Distributed] NormalDistribution[]", "Distributed[x, NormalDistribution[]]"),
        ("Probability[x > 1, x \\[Distributed] NormalDistribution[0, 1]]",
         "Probability[Greater[x, 1], Distributed[x, NormalDistribution[0, 1]]]"),
        ("{x, y} \\[Distributed] MultinormalDistribution[m, s]", "Distributed[List[x, y], MultinormalDistribution[m, s]]"),
        // Tighter than And and Not, looser than comparisons, as in Wolfram.
        ("a > 0 && x \\[Distributed] d", "And[Greater[a, 0], Distributed[x, d]]"),
        ("!x \\[Element] Reals", "Not[Element[x, Reals]]"),
        ("x \u{F3D2} d", "Distributed[x, d]"),
        ("x \u{2208} Integers", "Element[x, Integers]"),
        ("Probability[x > 1 \\[Conditioned] x > 0, x \\[Distributed] d]",
         "Probability[Conditioned[Greater[x, 1], Greater[x, 0]], Distributed[x, d]]"),
        ("NormalDistribution[\\[Mu], \\[Sigma]]", "NormalDistribution[\u{03BC}, \u{03C3}]"),
        ("PoissonDistribution[\\[Lambda]] + \\[Rho] \\[Tau]", "Plus[PoissonDistribution[\u{03BB}], Times[\u{03C1}, \u{03C4}]]"),
    ]

    @Test(arguments: cases)
    func parses(_ input: String, _ expected: String) throws {
        #expect(FullForm.string(try Parser.parseExpression(input)) == expected)
    }

    @Test func unknownNamesAreStillErrors() {
        #expect(throws: ParseError.self) { try Parser.parseExpression("x \\[Distributedd] d") }
    }
}
