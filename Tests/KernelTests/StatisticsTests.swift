import Foundation
import LearnKernel
import Testing

/// One reference value: a nets input and what NumPy/SciPy give for it
/// (Fixtures/stats/make_fixtures.py wrote them to Fixtures/stats/stats.json).
struct StatisticsReference: Decodable, CustomTestStringConvertible, Sendable {
    let name: String
    let input: String
    let expected: String
    let tolerance: Double

    var testDescription: String { name }

    static let all: [StatisticsReference] = fixture("Fixtures/stats/stats.json")
}

extension KernelSuite {
    /// Linear algebra, statistics, distributions, special functions and fitting against values
    /// NumPy and SciPy computed independently.
    @Suite struct Statistics {
        @Test func fixturesAreThere() {
            #expect(StatisticsReference.all.count > 80)
        }

        @Test(arguments: StatisticsReference.all)
        func matchesReference(_ r: StatisticsReference) {
            // Relative error beside 1, element by element, with the shapes equal.
            let check = """
                r = N[\(r.input)]; e = Flatten[{\(r.expected)}];
                If[Length[Flatten[{r}]] == Length[e] && VectorQ[Flatten[{r}], NumberQ],
                   Max[Abs[Flatten[{r}] - e]/Map[Max[1, Abs[#]] &, e]], {"wrong shape or not numbers", r}]
                """
            let tolerance = String(r.tolerance).replacingOccurrences(of: "e", with: "*^")
            let t = run("(" + check + ") <= " + tolerance)
            #expect(t.result == "True", "\(r.name): \(eval(check))")
            #expect(t.messages.isEmpty, "\(r.name): \(t.messages)")
        }

        /// Exact input gives exact answers where Wolfram's do.
        @Test(arguments: [
            ("Det[{{1, 2}, {3, 4}}]", "-2"),
            ("Inverse[{{1, 2}, {3, 4}}]", "{{-2, 1}, {3/2, -1/2}}"),
            ("LinearSolve[{{2, 1}, {1, 3}}, {3, 5}]", "{4/5, 7/5}"),
            ("Eigenvalues[{{2, 1}, {1, 2}}]", "{3, 1}"),
            ("Eigenvectors[{{2, 1}, {1, 2}}]", "{{1, 1}, {-1, 1}}"),
            ("NullSpace[{{1, 2, 3}, {2, 4, 6}}]", "{{-3, 0, 1}, {-2, 1, 0}}"),
            ("Det[{{a, b}, {c, d}}]", "-(b c) + a d"),
            ("Mean[BetaDistribution[2, 3]]", "2/5"),
            ("Variance[BetaDistribution[a, b]]", "a b/((a + b)^2 (1 + a + b))"),
            ("PDF[NormalDistribution[0, 1], x]", "1/(E^(x^2/2) Sqrt[2 Pi])"),
            ("CDF[BinomialDistribution[10, 1/2], 3]", "11/64"),
            ("Probability[x > 0, Distributed[x, NormalDistribution[0, 1]]]", "1/2"),
            ("Covariance[{1, 2, 3}, {2, 4, 7}]", "5/2"),
            ("Quantile[{1, 2, 3, 4, 5}, 1/2]", "3"),
            ("Standardize[{{1, 2}, {3, 5}}]", "{{-0.707107, -0.707107}, {0.707107, 0.707107}}"),
            ("Beta[2, 3]", "1/12"),
            ("D[x^3 + 2 x, x]", "2 + 3 x^2"), ("D[x^4, {x, 2}]", "12 x^2"), ("D[Sqrt[x], x]", "1/(2 Sqrt[x])"),
            ("Grad[x^2 y, {x, y}]", "{2 x y, x^2}"), ("D[f[x], x]", "f'[x]"),
            // A derivative the book derives by hand, against a central difference.
            ("Abs[(D[Log[1 + Exp[w x]], w] /. {w -> 0.3, x -> 2.}) - (Log[1 + Exp[0.300001 2.]] - Log[1 + Exp[0.299999 2.]])/0.000002] < 1*^-6", "True"),
        ])
        func exact(_ input: String, _ expected: String) {
            #expect(eval(input) == expected, "\(input)")
        }

        /// Singular and malformed input gives Wolfram's messages and stays unevaluated.
        @Test(arguments: [
            ("Inverse[{{1, 2}, {2, 4}}]", "Inverse::sing: Matrix {{1, 2}, {2, 4}} is singular."),
            ("Inverse[{{1., 2.}, {2., 4.}}]", "Inverse::sing: Matrix {{1., 2.}, {2., 4.}} is singular."),
            ("Det[{{1, 2, 3}, {4, 5, 6}}]", "Det::matsq: Argument {{1, 2, 3}, {4, 5, 6}} at position 1 is not a non-empty square matrix."),
            ("LinearSolve[{{1, 1}, {1, 1}}, {1, 2}]", "LinearSolve::nosol: Linear equation encountered that has no solution."),
            ("Eigenvalues[{1, 2}]", "Eigenvalues::matsq: Argument {1, 2} at position 1 is not a non-empty square matrix."),
        ])
        func messages(_ input: String, _ message: String) {
            let t = run(input)
            #expect(t.messages == [message], "\(input): \(t.messages)")
            #expect(t.result == input, "\(input) gave \(t.result)")
        }

        /// Draws follow SeedRandom and have the distribution's moments (20000 draws: the sample
        /// mean within 5 standard errors).
        @Test(arguments: ["NormalDistribution[1, 2]", "PoissonDistribution[3.5]", "PoissonDistribution[250.]", "BinomialDistribution[1000, 0.3]",
                          "BinomialDistribution[40, 0.6]", "GammaDistribution[0.5, 2]", "GammaDistribution[3, 2]", "BetaDistribution[2, 5]",
                          "ExponentialDistribution[3]", "UniformDistribution[{-1, 3}]", "BernoulliDistribution[0.2]"])
        func randomVariateMoments(_ dist: String) {
            let z = "SeedRandom[5]; x = N[RandomVariate[\(dist), 20000]]; N[(Mean[x] - Mean[\(dist)])/Sqrt[Variance[\(dist)]/20000]]"
            #expect(eval("Abs[\(z)] < 5") == "True", "\(dist): \(eval(z))")
            let v = "SeedRandom[5]; x = N[RandomVariate[\(dist), 20000]]; N[Variance[x]/Variance[\(dist)]]"
            #expect(eval("Abs[\(v) - 1] < 0.1") == "True", "\(dist): \(eval(v))")
            #expect(eval("SeedRandom[9]; a = RandomVariate[\(dist), 50]; SeedRandom[9]; a == RandomVariate[\(dist), 50]") == "True")
        }

        /// The usage examples of stdlib/LearnKernel (`Example: X gives Y.`) give what they say.
        static var usageExamples: [(String, String)] {
            LearnLibrary.sources.flatMap { source in
                source.text.split(separator: "\n").compactMap { line -> (String, String)? in
                    guard line.contains("::usage"), let e = line.range(of: "Example: "), let g = line.range(of: " gives ", range: e.upperBound..<line.endIndex),
                          let end = line.range(of: ".\";", options: .backwards) else { return nil }
                    // The text is inside a string literal: its \" and \\ stand for " and \.
                    func unescaped<S: StringProtocol>(_ t: S) -> String {
                        String(t).replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
                    }
                    return (unescaped(line[e.upperBound..<g.lowerBound]), unescaped(line[g.upperBound..<end.lowerBound]))
                }
            }
        }

        @Test func everyUsageHasAnExample() {
            #expect(Self.usageExamples.count >= 15)
        }

        @Test(arguments: usageExamples)
        func usageExample(_ input: String, _ output: String) {
            let t = run(input)
            #expect(t.result == output, "\(input)")
            #expect(t.messages.isEmpty, "\(input): \(t.messages)")
        }

        @Test func fittedModelServesWhatItLists() {
            let setup = "lm = LinearModelFit[{{0, 1}, {1, 0}, {3, 2}, {5, 4}}, x, x];"
            #expect(eval(setup + " FreeQ[lm /@ DeleteCases[lm[\"Properties\"], \"Properties\"], $Failed]") == "True")
            #expect(eval(setup + " lm[\"BestFit\"]") == "0.186441 + 0.694915 x")
            #expect(eval(setup + " StringContainsQ[lm[\"ParameterTable\"], \"Standard Error\"]") == "True")
        }
    }
}
