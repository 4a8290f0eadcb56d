import Foundation
import LearnKernel
import Testing

/// One reference value for a matrix read by the one-pass machine reader (Fixtures/linalg/
/// make_fixtures.py wrote them to Fixtures/linalg/linalg.json from the same formulas in NumPy).
struct LinearAlgebraReference: Decodable, CustomTestStringConvertible, Sendable {
    let name: String
    let input: String
    let expected: [Double]
    let tolerance: Double

    var testDescription: String { name }

    static let all: [LinearAlgebraReference] = fixture("Fixtures/linalg/linalg.json")
}

extension KernelSuite {
    /// The paths large machine matrices take (read in one pass, `dgemm`, OpenBLAS's transpose,
    /// results marked evaluated) against NumPy, and the cases that must leave them.
    @Suite struct LinearAlgebraFastPath {
        @Test func fixturesAreThere() {
            #expect(LinearAlgebraReference.all.count == 7)
        }

        @Test(arguments: LinearAlgebraReference.all)
        func matchesNumPy(_ r: LinearAlgebraReference) {
            let expected = "{" + r.expected.map { String($0).replacingOccurrences(of: "e", with: "*^") }.joined(separator: ", ") + "}"
            let check = """
                r = Flatten[{\(r.input)}]; e = \(expected);
                If[Length[r] == Length[e] && VectorQ[r, NumberQ], Max[Abs[r - e]/Map[Max[1, Abs[#]] &, e]], {"wrong shape or not numbers", r}]
                """
            let tolerance = String(r.tolerance).replacingOccurrences(of: "e", with: "*^")
            let t = run("(" + check + ") <= " + tolerance)
            #expect(t.result == "True", "\(r.name): \(eval(check))")
            #expect(t.messages.isEmpty, "\(r.name): \(t.messages)")
        }

        /// The BLAS product agrees with the general Dot on the same numbers, and the list it gives
        /// is an ordinary list that later definitions still reach.
        @Test func blasDotAgreesWithTheGeneralOne() {
            let setup = "a = Table[Sin[i - 2. j], {i, 20}, {j, 20}]; "
            #expect(eval(setup + "Max[Abs[Flatten[a . a - Table[Sum[a[[i, k]] a[[k, j]], {k, 20}], {i, 20}, {j, 20}]]]] < 10^-12") == "True")
            #expect(eval(setup + "p = a . a; p[[3, 4]] = x; {Head[p], p[[3, 4]], Dimensions[p]}") == "{List, x, {20, 20}}")
            #expect(eval(setup + "p = a . a; x = 2; p[[1, 1]] = x; p[[1, 1]]") == "2")
        }

        /// Exact entries keep the exact path; ragged or symbolic matrices leave the machine reader.
        @Test(arguments: [
            ("Inverse[{{1/2, 0}, {0, 1}}]", "{{2, 0}, {0, 1}}"),
            ("LeastSquares[{{1, 0}, {1, 1}, {1, 2}}, {1, 2, 4}]", "{5/6, 3/2}"),
            ("Dot[{{1., 2.}, {3., 4.}}, {{x}, {y}}]", "{{1. x + 2. y}, {3. x + 4. y}}"),
            ("Det[{{a, b}, {c, d}}]", "-(b c) + a d"),
            ("Length[Eigenvalues[Table[N[Mod[i j, 5]], {i, 70}, {j, 70}]]]", "70"),
        ])
        func exactAndSymbolicInputLeaveTheFastPath(_ input: String, _ output: String) {
            #expect(eval(input) == output, "\(input)")
        }

        @Test func raggedMatricesGiveMessages() {
            let t = run("Inverse[{{1., 2.}, {3.}}]")
            #expect(t.messages.contains { $0.hasPrefix("Inverse::matsq") }, "\(t.messages)")
            #expect(t.result == "Inverse[{{1., 2.}, {3.}}]")
        }

        /// A million normal draws: the evaluator does not walk them again, and they are ordinary
        /// numbers that arithmetic and Part reach.
        @Test func drawsAreOrdinaryLists() {
            #expect(eval("SeedRandom[3]; x = RandomVariate[NormalDistribution[], {1000, 3}]; {Dimensions[x], VectorQ[Flatten[x], MachineNumberQ], Dimensions[2 x + 1]}")
                    == "{{1000, 3}, True, {1000, 3}}")
            #expect(eval("SeedRandom[3]; x = RandomVariate[NormalDistribution[5, 2], 10^5]; Abs[Mean[x] - 5] < 0.03 && Abs[StandardDeviation[x] - 2] < 0.03") == "True")
        }
    }
}
