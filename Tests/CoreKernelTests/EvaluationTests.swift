import CoreKernel
import Language
import Testing

/// The kernel's tests, serialized because they share global symbols.
@Suite(.serialized) struct KernelSuite {}

extension KernelSuite {
    /// Input -> OutputForm of the result: the core library against the Wolfram Language.
    @Suite struct Evaluation {
        @Test(.serialized, arguments: EvaluationCorpus.core)
        func evaluates(_ input: String, _ expected: String) {
            #expect(eval(input) == expected, "\(input)")
        }
    }
}

/// Input -> OutputForm of the result: the core library against the Wolfram Language.
enum EvaluationCorpus {
    static let core: [(String, String)] = [
            // The issue's examples
            ("{1, 2, 3}[[2]]", "2"),
            ("Map[#^2 &, Range[5]]", "{1, 4, 9, 16, 25}"),
            ("2^100", "1267650600228229401496703205376"),
            ("<|\"a\" -> 1|>[\"b\"]", "Missing[KeyAbsent, b]"),
            ("Clear[f]; f[x_] := x^2; f /@ {1, 2}", "{1, 4}"),
            ("Select[Range[10], EvenQ]", "{2, 4, 6, 8, 10}"),
            // numbers
            ("1/3", "1/3"), ("N[1/3]", "0.333333"), ("2/4", "1/2"), ("1/3 + 1/6", "1/2"),
            ("2.0", "2."), ("1 + 1.5", "2.5"), ("10!", "3628800"), ("20!", "2432902008176640000"),
            ("25!", "15511210043330985984000000"), ("2^-2", "1/4"), ("(2/3)^2", "4/9"),
            ("Sqrt[16]", "4"), ("Sqrt[2]", "Sqrt[2]"), ("N[Sqrt[2]]", "1.41421"), ("Sqrt[1/4]", "1/2"),
            ("N[Pi]", "3.14159"), ("N[E]", "2.71828"), ("Pi*1.", "3.14159"), ("2 Pi", "2 Pi"),
            ("Exp[0]", "1"), ("Log[E]", "1"), ("Log[1]", "0"), ("Exp[1.]", "2.71828"), ("Log[10.]", "2.30259"),
            ("Mod[7, 3]", "1"), ("Mod[-7, 3]", "2"), ("Quotient[7, 2]", "3"), ("Quotient[-7, 2]", "-4"),
            ("Abs[-3]", "3"), ("Abs[-2.5]", "2.5"), ("Floor[2.7]", "2"), ("Ceiling[2.1]", "3"),
            ("Round[2.5]", "2"), ("Round[3.5]", "4"), ("Round[-2.5]", "-2"), ("Floor[7/2]", "3"),
            ("Max[3, 1, 4]", "4"), ("Min[{3, 1, 4}]", "1"), ("Max[{}]", "-Infinity"),
            ("Binomial[5, 2]", "10"), ("GCD[12, 18]", "6"), ("LCM[4, 6]", "12"),
            ("IntegerQ[3]", "True"), ("NumberQ[2.5]", "True"), ("EvenQ[4]", "True"), ("OddQ[4]", "False"),
            ("PrimeQ[97]", "True"), ("1 + 2*3", "7"), ("(1 + 2)*3", "9"), ("2^3^2", "512"),
            ("-2^2", "-4"), ("10/4", "5/2"), ("1.5*^3", "1500."), ("2^^101", "5"),
            ("123456789.0", "1.23457*^8"), ("0.1 + 0.2", "0.3"), ("N[10^6]", "1.*^6"),
            ("1/0", "ComplexInfinity"), ("Infinity + 1", "Infinity"), ("-Infinity", "-Infinity"),
            ("Numerator[3/4]", "3"), ("Denominator[3/4]", "4"),
            // symbolic arithmetic
            ("x + x", "2 x"), ("x*x", "x^2"), ("a - b", "a - b"), ("3 x^2 + 2 x + 1", "1 + 2 x + 3 x^2"),
            ("x - x", "0"), ("2 x/x", "2"), ("(a b)^2", "a^2 b^2"), ("x^2 x^3", "x^5"), ("-x", "-x"),
            ("a/b", "a/b"), ("FullForm[a - b]", "Plus[a, Times[-1, b]]"), ("x^2 /. x -> 3", "9"),
            // comparison and logic
            ("1 < 2", "True"), ("1 < 2 < 3", "True"), ("3 > 2 > 5", "False"), ("1 == 1.", "True"),
            ("1 === 1.", "False"), ("a == a", "True"), ("a == b", "a == b"), ("\"a\" == \"b\"", "False"),
            ("1 != 2", "True"), ("True && False", "False"), ("True || x", "True"), ("!True", "False"),
            ("x && True", "x"), ("If[1 < 2, \"yes\", \"no\"]", "yes"), ("If[x, 1, 2]", "If[x, 1, 2]"),
            ("If[False, 1]", "Null"), ("Which[False, 1, True, 2]", "2"), ("Switch[3, 1, a, _, b]", "b"),
            ("TrueQ[x]", "False"), ("Positive[3]", "True"), ("Negative[-1.5]", "True"),
            // lists
            ("Range[5]", "{1, 2, 3, 4, 5}"), ("Range[2, 10, 3]", "{2, 5, 8}"), ("Range[0, 1, 0.25]", "{0., 0.25, 0.5, 0.75, 1.}"),
            ("Range[5, 1, -2]", "{5, 3, 1}"), ("Range[0]", "{}"),
            ("Length[{a, b, c}]", "3"), ("Length[f[a, b]]", "2"), ("Length[5]", "0"),
            ("First[{a, b, c}]", "a"), ("Last[{a, b, c}]", "c"), ("Rest[{a, b, c}]", "{b, c}"), ("Most[{a, b, c}]", "{a, b}"),
            ("Take[{a, b, c, d}, 2]", "{a, b}"), ("Take[{a, b, c, d}, -2]", "{c, d}"), ("Take[{a, b, c, d}, {2, 3}]", "{b, c}"),
            ("Drop[{a, b, c, d}, 1]", "{b, c, d}"), ("Drop[{a, b, c, d}, -2]", "{a, b}"),
            ("Append[{1, 2}, 3]", "{1, 2, 3}"), ("Prepend[{1, 2}, 0]", "{0, 1, 2}"), ("Join[{1}, {2, 3}, {4}]", "{1, 2, 3, 4}"),
            ("Flatten[{{1, {2}}, 3}]", "{1, 2, 3}"), ("Flatten[{{1, {2}}, 3}, 1]", "{1, {2}, 3}"),
            ("Partition[Range[7], 3]", "{{1, 2, 3}, {4, 5, 6}}"), ("Partition[Range[5], 2, 1]", "{{1, 2}, {2, 3}, {3, 4}, {4, 5}}"),
            ("Transpose[{{1, 2}, {3, 4}}]", "{{1, 3}, {2, 4}}"), ("Reverse[{1, 2, 3}]", "{3, 2, 1}"),
            ("Sort[{3, 1, 2}]", "{1, 2, 3}"), ("Sort[{c, a, b}]", "{a, b, c}"), ("Sort[{3, 1, 2}, Greater]", "{3, 2, 1}"),
            ("Sort[{\"b\", \"A\", \"a\"}]", "{a, A, b}"), ("SortBy[{{1, b}, {0, c}}, First]", "{{0, c}, {1, b}}"),
            ("Ordering[{3, 1, 2}]", "{2, 3, 1}"), ("Union[{3, 1, 1, 2}]", "{1, 2, 3}"),
            ("Intersection[{1, 2, 3}, {2, 3, 4}]", "{2, 3}"), ("Complement[{1, 2, 3}, {2}]", "{1, 3}"),
            ("DeleteDuplicates[{1, 2, 1, 3}]", "{1, 2, 3}"), ("Tally[{a, b, a}]", "{{a, 2}, {b, 1}}"),
            ("Counts[{a, b, a}]", "<|a -> 2, b -> 1|>"), ("GroupBy[{1, 2, 3, 4}, EvenQ]", "<|False -> {1, 3}, True -> {2, 4}|>"),
            ("Gather[{1, 2, 1}]", "{{1, 1}, {2}}"), ("Total[{1, 2, 3}]", "6"), ("Total[{{1, 2}, {3, 4}}]", "{4, 6}"),
            ("Total[{1.5, 2.5}]", "4."), ("Accumulate[{1, 2, 3}]", "{1, 3, 6}"), ("Mean[{1, 2, 3, 4}]", "5/2"),
            ("Mean[{1., 2., 3.}]", "2."), ("Median[{3, 1, 2}]", "2"), ("Median[{1, 2, 3, 4}]", "5/2"),
            ("Variance[{1, 2, 3, 4}]", "5/3"), ("StandardDeviation[{2, 4, 4, 4, 5, 5, 7, 9}]", "4 Sqrt[2/7]"), ("Sqrt[8]", "2 Sqrt[2]"), ("Sqrt[12.]", "3.4641"),
            ("N[StandardDeviation[{1, 2, 3, 4}]]", "1.29099"),
            ("ConstantArray[0, 3]", "{0, 0, 0}"), ("ConstantArray[1, {2, 2}]", "{{1, 1}, {1, 1}}"),
            ("Dimensions[{{1, 2, 3}, {4, 5, 6}}]", "{2, 3}"), ("Dimensions[{1, {2}}]", "{2}"),
            ("ArrayReshape[Range[6], {2, 3}]", "{{1, 2, 3}, {4, 5, 6}}"),
            ("{1, 2} . {3, 4}", "11"), ("{{1, 2}, {3, 4}} . {1, 1}", "{3, 7}"), ("{{1, 2}, {3, 4}} . {{1, 0}, {0, 1}}", "{{1, 2}, {3, 4}}"),
            ("{1, 2} + {3, 4}", "{4, 6}"), ("2 {1, 2}", "{2, 4}"), ("{1, 2}^2", "{1, 4}"),
            ("Delete[{a, b, c, d}, {{2}, {4}}]", "{a, c}"), ("Delete[{{1, 2}, {3, 4}}, {2, 1}]", "{{1, 2}, {4}}"), ("Delete[{a, b, c}, -1]", "{a, b}"),
            ("TakeDrop[{1, 2, 3}, 1]", "{{1}, {2, 3}}"), ("DeleteMissing[{1, Missing[], 2}]", "{1, 2}"),
            ("Riffle[{a, b, c}, x]", "{a, x, b, x, c}"), ("{1, Nothing, 2}", "{1, 2}"),
            ("Position[{a, b, a}, a]", "{{1}, {3}}"), ("Count[{1, 2, 1}, 1]", "2"),
            ("Cases[{1, a, 2.5, 3}, _Integer]", "{1, 3}"), ("Cases[{1, 2, 3}, x_ /; x > 1 :> x^2]", "{4, 9}"),
            ("DeleteCases[{1, a, 2}, _Symbol]", "{1, 2}"), ("MemberQ[{1, 2}, 2]", "True"), ("FreeQ[{1, f[x]}, x]", "False"),
            ("Table[i^2, {i, 5}]", "{1, 4, 9, 16, 25}"), ("Table[i + j, {i, 2}, {j, 3}]", "{{2, 3, 4}, {3, 4, 5}}"),
            ("Table[x, {3}]", "{x, x, x}"), ("Table[i, {i, 0, 1, 1/2}]", "{0, 1/2, 1}"), ("Table[i, {i, {a, b}}]", "{a, b}"),
            ("Sum[i, {i, 100}]", "5050"), ("Product[i, {i, 5}]", "120"),
            ("Array[f, 3]", "{f[1], f[2], f[3]}"), ("Subsets[{a, b}]", "{{}, {a}, {b}, {a, b}}"),
            ("Tuples[{0, 1}, 2]", "{{0, 0}, {0, 1}, {1, 0}, {1, 1}}"), ("Permutations[{1, 2, 3}]", "{{1, 2, 3}, {1, 3, 2}, {2, 1, 3}, {2, 3, 1}, {3, 1, 2}, {3, 2, 1}}"),
            ("Split[{1, 1, 2, 1}]", "{{1, 1}, {2}, {1}}"), ("MinMax[{3, 1, 2}]", "{1, 3}"), ("Depth[{1, {2}}]", "3"),
            // functional
            ("Apply[Plus, {1, 2, 3}]", "6"), ("f @@@ {{1, 2}, {3, 4}}", "{f[1, 2], f[3, 4]}"),
            ("Fold[Plus, 0, {1, 2, 3}]", "6"), ("FoldList[Plus, 0, {1, 2, 3}]", "{0, 1, 3, 6}"),
            ("Nest[f, x, 3]", "f[f[f[x]]]"), ("NestList[2 # &, 1, 3]", "{1, 2, 4, 8}"),
            ("FixedPoint[Floor[#/2] &, 100]", "0"), ("NestWhile[#/2 &, 64, EvenQ]", "1"),
            ("MapIndexed[f, {a, b}]", "{f[a, {1}], f[b, {2}]}"), ("MapThread[f, {{a, b}, {c, d}}]", "{f[a, c], f[b, d]}"),
            ("Thread[f[{a, b}, {c, d}]]", "{f[a, c], f[b, d]}"), ("Through[{f, g}[x]]", "{f[x], g[x]}"),
            ("Outer[Times, {1, 2}, {3, 4}]", "{{3, 4}, {6, 8}}"), ("Inner[Times, {1, 2}, {3, 4}, Plus]", "11"),
            ("Composition[f, g][x]", "f[g[x]]"), ("(f /* g)[x]", "g[f[x]]"), ("Identity[5]", "5"),
            ("Function[x, x^2][3]", "9"), ("Function[{x, y}, x + y][1, 2]", "3"), ("(#1 + #2 &)[1, 2]", "3"),
            ("(## &)[1, 2]", "Sequence[1, 2]"), ("f[(## &)[1, 2]]", "f[1, 2]"), ("#name &[<|\"name\" -> 7|>]", "7"),
            ("Map[f, {1, 2}, {2}]", "{1, 2}"), ("Map[f, {{1}, {2}}, {2}]", "{{f[1]}, {f[2]}}"),
            ("Select[{1, 2, 3, 4}, # > 2 &, 1]", "{3}"), ("AllTrue[{2, 4}, EvenQ]", "True"), ("AnyTrue[{1, 3}, EvenQ]", "False"),
            // patterns and rules
            ("{a, b} /. a -> 1", "{1, b}"), ("f[a] /. f[x_] :> g[x]", "g[a]"), ("{1, 2, 3} /. x_Integer /; x > 1 -> 0", "{1, 0, 0}"),
            ("x //. {x -> y, y -> z}", "z"), ("Replace[x, x -> 1]", "1"), ("Replace[{x}, x -> 1]", "{x}"),
            ("MatchQ[{1, 2}, {__Integer}]", "True"), ("MatchQ[{}, {__}]", "False"), ("MatchQ[{}, {___}]", "True"),
            ("MatchQ[f[1, 2], f[x_, x_]]", "False"), ("MatchQ[f[1, 1], f[x_, x_]]", "True"), ("MatchQ[3, _Integer | _Real]", "True"),
            ("MatchQ[{1, 2, 3}, {1, x__}]", "True"), ("MatchQ[a + b, x_ + y_]", "True"), ("MatchQ[{1, 1, 1}, {1 ..}]", "True"),
            ("MatchQ[5, _?EvenQ]", "False"), ("MatchQ[x, Except[_Integer]]", "True"),
            ("Cases[{f[1], g[2], f[3]}, f[x_] -> x]", "{1, 3}"), ("{1, 2, 3} /. {1 -> a, 3 -> c}", "{a, 2, c}"),
            ("Clear[g]; g[x_, y_:10] := x + y; {g[1], g[1, 2]}", "{11, 3}"),
            ("Clear[h]; h[x__] := {x}; h[1, 2, 3]", "{1, 2, 3}"), ("Clear[h]; h[x___] := Length[{x}]; h[]", "0"),
            ("Clear[f]; f[x_Integer] := \"int\"; f[x_] := \"other\"; {f[1], f[a]}", "{int, other}"),
            ("Clear[f]; f[x_] := \"other\"; f[x_Integer] := \"int\"; {f[1], f[a]}", "{int, other}"),
            ("Clear[f]; f[0] = 1; f[n_] := n f[n - 1]; f[5]", "120"),
            ("Clear[f]; f[x_] := x /; x > 0; {f[1], f[-1]}", "{1, f[-1]}"),
            ("Clear[fib]; fib[0] = 0; fib[1] = 1; fib[n_] := fib[n] = fib[n - 1] + fib[n - 2]; fib[80]", "23416728348467685"),
            // definitions and scoping
            ("Clear[x]; x = 5; x + 1", "6"), ("Clear[x, y]; {x, y} = {1, 2}; x + y", "3"),
            ("Clear[x]; x = 1; x += 2; x", "3"), ("Clear[x]; x = 1; x++; x", "2"), ("Clear[x]; x = 1; x++", "1"),
            ("Clear[x]; x = {1, 2, 3}; x[[2]] = 10; x", "{1, 10, 3}"), ("Clear[l]; l = {}; AppendTo[l, 1]; AppendTo[l, 2]; l", "{1, 2}"),
            ("Clear[a]; a = <||>; a[\"k\"] = 1; a", "<|k -> 1|>"),
            ("Module[{x = 5}, x + 1]", "6"), ("Clear[x]; x = 1; Module[{x = 2}, x]; x", "1"),
            ("Clear[x]; x = 1; Block[{x = 2}, x + 1]", "3"), ("With[{x = 3}, x^2]", "9"),
            ("Clear[f]; f[x_] := Module[{y = x}, y^2]; f[3]", "9"),
            ("Clear[x]; x := RandomReal[]; x === x", "False"),
            ("Clear[f]; f /: g[f] = 1; g[f]", "1"), ("Clear[f]; g2[f] ^= 2; g2[f]", "2"),
            ("Clear[f]; SetAttributes[f, Listable]; f[{1, 2}]", "{f[1], f[2]}"),
            ("Clear[f]; SetAttributes[f, HoldAll]; f[1 + 1]", "f[1 + 1]"), ("Attributes[Plus]", "{Flat, Listable, NumericFunction, OneIdentity, Orderless, Protected}"),
            ("Clear[f]; f[x_] := x; f[1]; DownValues[f]", "{HoldPattern[f[x_]] :> x}"),
            ("Clear[x]; x = 3; x =.; x", "x"),
            // control
            ("Do[Print[i], {i, 2}]", "Null"), ("Clear[i, s]; s = 0; Do[s += i, {i, 10}]; s", "55"),
            ("Clear[i]; i = 0; While[i < 5, i++]; i", "5"), ("Clear[s, i]; s = 0; For[i = 1, i <= 3, i++, s += i]; s", "6"),
            ("Catch[Throw[3]; 4]", "3"), ("Catch[Throw[1, a], a]", "1"), ("Clear[f]; f[x_] := (Return[x + 1]; 0); f[1]", "2"),
            ("Do[If[i == 3, Break[]]; Print[i], {i, 5}]", "Null"),
            ("CompoundExpression[1, 2]", "2"), ("x = 1; y = 2;", "Null"), ("Timing[1 + 1][[2]]", "2"),
            ("TimeConstrained[While[True, 1], 0.2]", "$Aborted"), ("TimeConstrained[1 + 1, 1]", "2"),
            ("TimeConstrained[While[True, 1], 0.1, \"late\"]", "late"),
            // resident memory: 80 MB of reals held is counted now and at the peak; the peak never drops
            ("Clear[big, m]; big = RandomReal[1, 10^7]; {MemoryInUse[] > 8 10^7, MaxMemoryUsed[] > 8 10^7}", "{True, True}"),
            ("m = MaxMemoryUsed[]; Clear[big]; {MaxMemoryUsed[] >= m, MemoryInUse[2]}", "{True, MemoryInUse[2]}"),
            // associations
            ("<|a -> 1, b -> 2|>", "<|a -> 1, b -> 2|>"), ("<|a -> 1, b -> 2|>[b]", "2"), ("<|a -> 1, a -> 2|>", "<|a -> 2|>"),
            ("Keys[<|a -> 1, b -> 2|>]", "{a, b}"), ("Values[<|a -> 1, b -> 2|>]", "{1, 2}"),
            ("Lookup[<|a -> 1|>, b, 0]", "0"), ("Lookup[<|a -> 1|>, a]", "1"), ("Lookup[<|a -> 1|>, z]", "Missing[KeyAbsent, z]"),
            ("Normal[<|a -> 1, b -> 2|>]", "{a -> 1, b -> 2}"), ("AssociationThread[{a, b}, {1, 2}]", "<|a -> 1, b -> 2|>"),
            ("AssociationMap[#^2 &, {1, 2}]", "<|1 -> 1, 2 -> 4|>"), ("KeyValueMap[f, <|a -> 1|>]", "{f[a, 1]}"),
            ("KeyTake[<|a -> 1, b -> 2, c -> 3|>, {c, a}]", "<|c -> 3, a -> 1|>"), ("KeyDrop[<|a -> 1, b -> 2|>, a]", "<|b -> 2|>"),
            ("KeySort[<|b -> 1, a -> 2|>]", "<|a -> 2, b -> 1|>"), ("Merge[{<|a -> 1|>, <|a -> 2, b -> 3|>}, Total]", "<|a -> 3, b -> 3|>"),
            ("Map[#^2 &, <|a -> 2|>]", "<|a -> 4|>"), ("Select[<|a -> 1, b -> 2|>, EvenQ]", "<|b -> 2|>"),
            ("Length[<|a -> 1, b -> 2|>]", "2"), ("<|a -> <|b -> 1|>|>[[\"a\" /. \"a\" -> a, b]]", "1"),
            ("Total[<|a -> 1, b -> 2|>]", "3"), ("<|a -> 1|>[[1]]", "1"), ("KeyExistsQ[<|a -> 1|>, a]", "True"),
            ("Values[{a -> 1, b -> 2}]", "{1, 2}"), ("Keys[{a -> 1, b -> 2}]", "{a, b}"),
            // strings
            ("StringJoin[\"a\", \"b\"]", "ab"), ("\"a\" <> \"b\" <> \"c\"", "abc"), ("StringLength[\"hello\"]", "5"),
            ("StringSplit[\"a b  c\"]", "{a, b, c}"), ("StringSplit[\"a,b,,c\", \",\"]", "{a, b, , c}"),
            ("StringReplace[\"hello\", \"l\" -> \"L\"]", "heLLo"), ("StringTake[\"hello\", 2]", "he"), ("StringTake[\"hello\", -2]", "lo"),
            ("StringDrop[\"hello\", 2]", "llo"), ("StringContainsQ[\"hello\", \"ell\"]", "True"), ("StringStartsQ[\"hello\", \"he\"]", "True"),
            ("StringEndsQ[\"hello\", \"lo\"]", "True"), ("ToUpperCase[\"abc\"]", "ABC"), ("ToLowerCase[\"ABC\"]", "abc"),
            ("Characters[\"abc\"]", "{a, b, c}"), ("StringRiffle[{\"a\", \"b\"}, \", \"]", "a, b"), ("ToString[{1, 2}]", "{1, 2}"),
            ("ToString[1/3, InputForm]", "1/3"), ("ToExpression[\"1 + 2\"]", "3"), ("StringReverse[\"abc\"]", "cba"),
            ("StringTemplate[\"`a` and `b`\"][<|\"a\" -> 1, \"b\" -> 2|>]", "1 and 2"), ("StringTemplate[\"x=`` y=``\"][1, 2]", "x=1 y=2"),
            ("StringReplace[\"a1b22\", RegularExpression[\"[0-9]+\"] -> \"#\"]", "a#b#"), ("StringCount[\"banana\", \"a\"]", "3"),
            ("StringMatchQ[\"MobileNet V2\", \"Mobile*\"]", "True"), ("StringPadLeft[\"7\", 3, \"0\"]", "007"),
            ("StringSplit[\"a1b2c\", DigitCharacter]", "{a, b, c}"), ("StringCases[\"a1b22\", DigitCharacter ..]", "{1, 22}"),
            ("IntegerString[255, 16]", "ff"), ("FromCharacterCode[{104, 105}]", "hi"), ("StringTrim[\"  x  \"]", "x"),
            // symbolic
            ("Head[{1}]", "List"), ("Head[1]", "Integer"), ("Head[1.5]", "Real"), ("Head[\"s\"]", "String"), ("Head[x]", "Symbol"),
            ("Head[1/2]", "Rational"), ("Head[<||>]", "Association"), ("Head[f[x]]", "f"), ("Hold[1 + 1]", "Hold[1 + 1]"),
            ("ReleaseHold[Hold[1 + 1]]", "2"), ("FullForm[Hold[x_]]", "Hold[Pattern[x, Blank[]]]"),
            ("InputForm[{\"a\", 1.5}]", "{\"a\", 1.5}"), ("Evaluate[1 + 1]", "2"), ("Hold[Evaluate[1 + 1]]", "Hold[2]"),
            ("Symbol[\"abc\"]", "abc"), ("SymbolName[xyz]", "xyz"), ("AtomQ[1]", "True"), ("ListQ[{}]", "True"),
            ("Sequence[1, 2]", "Sequence[1, 2]"), ("{Sequence[1, 2], 3}", "{1, 2, 3}"), ("Length[Unevaluated[1 + 2 + 3]]", "3"),
            ("LeafCount[1 + a + b^2]", "6"), ("Level[{a, {b}}, {2}]", "{b}"),
            // Around
            ("Around[0.88, 0.0912]", "0.88 \u{00B1} 0.09"), ("Around[1., 0.1] + Around[2., 0.2]", "3.0 \u{00B1} 0.2"),
            ("2 Around[1., 0.1]", "2.0 \u{00B1} 0.2"), ("Around[10., 1.] + 5", "15.0 \u{00B1} 1.0"),
            ("Around[2., 0.1]^2", "4.0 \u{00B1} 0.4"),
            // random, reproducible
            ("SeedRandom[42]; a1 = RandomReal[]; SeedRandom[42]; a1 == RandomReal[]", "True"),
            ("SeedRandom[1]; Length[RandomSample[Range[10]]]", "10"), ("SeedRandom[1]; Sort[RandomSample[Range[5]]]", "{1, 2, 3, 4, 5}"),
            ("SeedRandom[3]; And @@ Thread[0 <= RandomInteger[{0, 5}, 100] <= 5]", "True"),
            ("SeedRandom[3]; Dimensions[RandomReal[1, {3, 4}]]", "{3, 4}"), ("SeedRandom[2]; MemberQ[{a, b}, RandomChoice[{a, b}]]", "True"),
            ("SeedRandom[5]; Abs[Mean[RandomVariate[NormalDistribution[0, 1], 10000]]] < 0.05", "True"),
    ]

    static var inputs: [String] { core.map(\.0) }
}
