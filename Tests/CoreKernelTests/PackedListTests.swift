import CoreKernel
import Foundation
import Language
import Testing

/// Lists made from packed contents (RandomReal's, arithmetic's, Outer's): the results read from
/// the contents (arithmetic, Outer, Total, Part, Length, Dimensions, printing) are those the
/// element-by-element route gives, to the last bit; `Developer`PackedArrayQ` and its kin tell
/// packed lists apart, as in Wolfram, and nothing else does.
@Suite struct PackedListTests {
    /// Two 30 x 40 matrices of reals, a vector of 40, and the same numbers as ordinary lists.
    static let setup = """
        SeedRandom[7]; a = RandomReal[{-1, 1}, {30, 40}]; b = RandomReal[{-1, 1}, {30, 40}]; \
        v = RandomReal[{-1, 1}, 40]; w = RandomReal[{-1, 1}, 30]; \
        ua = Developer`FromPackedArray[a]; ub = Developer`FromPackedArray[b]; uv = Developer`FromPackedArray[v]; \
        n = Table[Mod[7 i + 3 j, 11] - 5, {i, 30}, {j, 40}];
        """

    /// The packed result (left) against the element-by-element route (right: Table and Map apply
    /// the function to one pair of numbers at a time), compared with SameQ, bit for bit.
    @Test(arguments: [
        ("a + b", "Table[Plus[ua[[i, j]], ub[[i, j]]], {i, 30}, {j, 40}]"),
        ("a * b", "Table[Times[ua[[i, j]], ub[[i, j]]], {i, 30}, {j, 40}]"),
        ("a - b", "Table[Subtract[ua[[i, j]], ub[[i, j]]], {i, 30}, {j, 40}]"),
        ("b - a", "Table[Subtract[ub[[i, j]], ua[[i, j]]], {i, 30}, {j, 40}]"),
        ("a + n", "Table[Plus[ua[[i, j]], n[[i, j]]], {i, 30}, {j, 40}]"),
        ("n * a", "Table[Times[n[[i, j]], ua[[i, j]]], {i, 30}, {j, 40}]"),
        ("2 a", "Map[2 # &, ua, {2}]"),
        ("a + 0.5", "Map[# + 0.5 &, ua, {2}]"),
        ("1 - a", "Map[1 - # &, ua, {2}]"),
        ("-a", "Map[-# &, ua, {2}]"),
        ("a / 4", "Map[#/4 &, ua, {2}]"),
        ("v + v", "Map[2. # &, uv]"),
        ("0.1 n", "Map[0.1 # &, n, {2}]"),
        ("Outer[Times, w, v]", "Table[w[[i]] uv[[j]], {i, 30}, {j, 40}]"),
        ("Outer[Plus, v, Range[20]]", "Table[uv[[i]] + j, {i, 40}, {j, 20}]"),
        ("Total[v]", "Fold[Plus, 0, uv]"),
        ("Sort[v]", "Sort[uv]"),
        ("Sort[Join[v, v, -v]]", "Sort[Join[uv, uv, -uv]]"),
        ("Sort[Range[10] - 5]", "Sort[Developer`FromPackedArray[Range[10] - 5]]"),
        ("Total[a]", "Table[Fold[Plus, 0, Sort[ua[[All, j]]]], {j, 40}]"),
        ("Total[a, 1]", "Total[ua]"),
        ("Total[a, 2]", "Total[ua, 2]"),
        ("Total[a + b]", "Total[Table[Plus[ua[[i, j]], ub[[i, j]]], {i, 30}, {j, 40}]]"),
        ("a[[3, 4]]", "ua[[3]][[4]]"),
        ("a[[-1, -2]]", "Last[ua][[-2]]"),
        ("a[[2]]", "ua[[2]]"),
        ("a[[2, All]]", "ua[[2]]"),
        ("a[[All, 5]]", "Table[ua[[i, 5]], {i, 30}]"),
        ("a[[{1, 3}, 2]]", "{ua[[1, 2]], ua[[3, 2]]}"),
        ("a[[2 ;; 3]]", "{ua[[2]], ua[[3]]}"),
        ("a[[0]]", "List"),
        ("{Length[a], Length[a[[1]]], Dimensions[a], Dimensions[v]}", "{30, 40, {30, 40}, {40}}"),
    ])
    func packedRouteGivesTheElementRoute(_ packed: String, _ elements: String) {
        let t = run(Self.setup + "{" + packed + ", " + elements + ", (" + packed + ") === (" + elements + ")}")
        #expect(t.result.hasSuffix(", True}"), "\(packed): \(t.result.suffix(300))")
        #expect(t.messages.isEmpty, "\(packed): \(t.messages)")
    }

    /// Arithmetic and Outer on packed lists give packed lists, so they chain without unpacking
    /// (integers too, as in Wolfram, while the results are exact as doubles); other shapes and
    /// overflow keep the general route.
    @Test(arguments: [
        ("Developer`PackedArrayQ[a]", "True"),
        ("Developer`PackedArrayQ[ua]", "False"),
        ("Developer`PackedArrayQ[a + b]", "True"),
        ("Developer`PackedArrayQ[Sort[v]]", "True"),
        ("Developer`PackedArrayQ[2 (a + b) - a]", "True"),
        ("Developer`PackedArrayQ[Outer[Times, v, v]]", "True"),
        ("Developer`PackedArrayQ[a, Real]", "True"),
        ("Developer`PackedArrayQ[a, Real, 2]", "True"),
        ("Developer`PackedArrayQ[a, Real, 1]", "False"),
        ("Developer`PackedArrayQ[a, Integer]", "False"),
        ("Developer`PackedArrayQ[a[[1]]]", "True"),
        ("Developer`PackedArrayQ[Developer`ToPackedArray[n], Integer]", "True"),
        ("Developer`PackedArrayQ[Developer`ToPackedArray[n, Real], Real]", "True"),
        ("Developer`ToPackedArray[{1, 2}, Real]", "{1., 2.}"),
        ("Developer`ToPackedArray[{1, x}]", "{1, x}"),
        ("Developer`ToPackedArray[{1, 2.5}, Integer]", "{1, 2.5}"),
        ("Developer`PackedArrayQ[{}]", "False"),
        ("Developer`PackedArrayQ[Developer`ToPackedArray[{}]]", "False"),
        ("n2 = Developer`ToPackedArray[n]; {n2 === n, n2 + n2 === 2 n, Developer`PackedArrayQ[n2 + n2]}", "{True, True, True}"),
        ("Developer`PackedArrayQ[Developer`ToPackedArray[n] - 1, Integer]", "True"),
        ("With[{big = Developer`ToPackedArray[Range[16] 2^49], small = Developer`ToPackedArray[Range[16] 2^40]}, {big 16 === Range[16] 2^53, Developer`PackedArrayQ[big 16], Developer`PackedArrayQ[small 2]}]", "{True, False, True}"),
        ("Developer`PackedArrayQ[{1, 2} + {3, 4}]", "False"),
        ("{1.5, 2} + {1, 2}", "{2.5, 4}"),
        ("Developer`ToPackedArray[{1., 2.}] + {x, 1}", "{1. + x, 3.}"),
        ("Developer`ToPackedArray[{1., 2.}] + {1., 2., 3.}", "{1., 2.} + {1., 2., 3.}"),
        ("Developer`ToPackedArray[Range[20] 1.*^300] * 1.*^10 === Map[# 1.*^10 &, Range[20] 1.*^300]", "True"),
        ("x = Developer`ToPackedArray[{1.5, 2.5}]; x[[1]] = y; x", "{y, 2.5}"),
        ("Developer`ToPackedArray[{1.5, 2.5}][[3]]", "{1.5, 2.5}[[3]]"),
        ("Developer`ToPackedArray[{1.5, 2.5}][[1, 1]]", "{1.5, 2.5}[[1, 1]]"),
        ("Developer`ToPackedArray[{{1.5, 2.5}}] // InputForm", "{{1.5, 2.5}}"),
        ("Developer`ToPackedArray[{{1.5, 2.5}}] // FullForm", "List[List[1.5, 2.5]]"),
        ("MatchQ[Developer`ToPackedArray[{1.5, 2.5}], {__Real}]", "True"),
        ("Head[Developer`ToPackedArray[{{1.5}}]]", "List"),
    ])
    func packedResultsAndTheGeneralRoute(_ input: String, _ output: String) {
        let t = run(Self.setup + input)
        #expect(t.result == output, "\(input)")
    }

    /// The messages of the general route stay: a missing part, shapes that do not thread.
    @Test func messagesAreThoseOfTheGeneralRoute() {
        let missing = run("p = Developer`ToPackedArray[{1.5, 2.5}]; p[[3]]")
        #expect(missing.messages.first?.contains("Part::partw") == true, "\(missing.messages)")
        let shapes = run("Developer`ToPackedArray[{1., 2.}] + {1., 2., 3.}")
        #expect(shapes.messages.first?.contains("Thread::tdlen") == true, "\(shapes.messages)")
    }
}
