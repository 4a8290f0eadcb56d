import Foundation
import Language
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
            #expect(LinearAlgebraReference.all.count == 18)
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
    
        /// Evaluates each line of `source` in the shared session without clearing it first; the
        /// last result.
        private func evaluateKeeping(_ source: String) -> Expr? {
            var last: Expr?
            _ = exclusive { sharedKernel.evaluateEach(source) { _, r in last = r } }
            return last
        }

        /// A list built element by element is packed when a numeric builtin first reads it, and
        /// the same contents serve every later read; results of Dot and RandomReal come packed.
        @Test func packedContentsAreMadeOnceAndReused() throws {
            exclusive { sharedKernel.clearUserSymbols() }
            let t = try #require(evaluateKeeping("t = Table[Sin[i + 2. j], {i, 80}, {j, 80}]; t")?.asNormal)
            #expect(t.packedIfMade == nil)
            _ = evaluateKeeping("t . t;")
            let p = try #require(t.packedIfMade)
            #expect(p.dims == [80, 80] && p.kind == .reals)
            let again = try #require(evaluateKeeping("Transpose[t] . t; LeastSquares[t, t[[All, 1]]]; t")?.asNormal)
            #expect(again === t)
            #expect(t.packedIfMade === p)
            #expect(evaluateKeeping("r = RandomReal[1, {50, 50}]")?.asNormal?.packedIfMade?.dims == [50, 50])
            #expect(evaluateKeeping("r . r")?.asNormal?.packedIfMade?.dims == [50, 50])
            #expect(evaluateKeeping("RandomVariate[NormalDistribution[], 10^4]")?.asNormal?.packedIfMade?.dims == [10_000])
            #expect(evaluateKeeping("LeastSquares[r, r[[All, 1]]]")?.asNormal?.packedIfMade?.dims == [50])
        }

        /// The same numbers built packed (RandomReal) and element by element (Map copies them)
        /// give the same results, print the same and match the same patterns.
        @Test(arguments: ["Dot[p, Transpose[p]]", "Transpose[p]", "LeastSquares[p, p[[All, 1]] + 1]", "LinearSolve[p[[;; 40]], p[[;; 40, 1]]]",
                          "Mean[p]", "Covariance[p]", "Total[p, 2]", "Eigenvalues[Transpose[p] . p]", "p[[3, 2]]", "Map[Sqrt, p, {2}][[4]]",
                          "MatchQ[p, {{__Real} ..}]", "ToString[p[[1, ;; 3]]]", "Cases[p[[1]], x_ /; x > 0.5]", "p . p[[1]]", "p[[1]] . p", "Dimensions[p]",
                          "Sort[p[[2]]]", "Position[p, p[[7, 3]]]"])
        func packedAndUnpackedAgree(_ f: String) {
            let setup = "SeedRandom[5]; p = RandomReal[{-1, 1}, {60, 40}]; u = Map[Identity, p, {2}]; packed = \(f); p = u; "
            #expect(eval(setup + "unpacked = \(f); {packed === unpacked, u === Map[Identity, u, {2}]}") == "{True, True}", "\(f)")
        }

        /// Dot and Transpose give lists made from packed contents (`Developer`PackedArrayQ`), so
        /// a chain of them never makes the elements in between; a transposed integer matrix keeps
        /// its integers; mixed entries keep the general Transpose.
        @Test(arguments: [
            ("SeedRandom[4]; a = RandomReal[1, {80, 80}]; Developer`PackedArrayQ /@ {a . a, Transpose[a], a . a[[1]], Transpose[a] . (2 a + 1)}", "{True, True, True, True}"),
            ("n = Table[i - 3 j, {i, 70}, {j, 60}]; t = Transpose[n]; {Developer`PackedArrayQ[t, Integer], t === Table[n[[j, i]], {i, 60}, {j, 70}], t[[2, 3]]}", "{True, True, -3}"),
            ("m = Table[If[i == j, 1, 1.5], {i, 70}, {j, 70}]; t = Transpose[m]; {Developer`PackedArrayQ[t], t[[1, 1]], t[[1, 2]]}", "{False, 1, 1.5}"),
            ("SeedRandom[4]; a = RandomReal[1, {80, 80}]; p = a . a; {p === Developer`FromPackedArray[p], Total[p[[5]]] === Total[Developer`FromPackedArray[p][[5]]]}", "{True, True}"),
        ])
        func dotAndTransposeGivePackedLists(_ input: String, _ output: String) {
            #expect(eval(input) == output, "\(input)")
        }

        /// Replacing a part makes a new list: its contents are read anew, never taken from the
        /// old list's packed contents.
        @Test func changedPartsAreNeverStale() {
            #expect(eval("SeedRandom[2]; a = RandomReal[1, {70, 70}]; b = a; b[[1]] = ConstantArray[0., 70]; {Total[(b . a)[[1]]], Total[(a . a)[[1]]] > 0, b[[2]] === a[[2]]}")
                    == "{0., True, True}")
            #expect(eval("a = Table[N[i - j], {i, 70}, {j, 70}]; a . a; a[[2, 3]] = 1000.; (a . IdentityMatrix[70])[[2, 3]]") == "1000.")
        }
    }
}
