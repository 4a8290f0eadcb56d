import CoreKernel
import Language
import Testing

extension KernelSuite {
    /// Input -> OutputForm for the forms issue 18 found wrong: matching part of a Flat or
    /// Orderless expression, derivatives written with primes, ArrayPad, RemoveDiacritics and
    /// With's renaming of inner variables. Expected values are the Wolfram Language's.
    @Suite struct Conformance {
        @Test(.serialized, arguments: [
            // Part of a sum, product or Flat Orderless call matched and replaced.
            ("a + b + c /. a + c -> d", "b + d"),
            ("x y z /. x z -> w", "w y"),
            ("SetAttributes[f, {Flat, Orderless}]; f[a, b, c] /. f[a, c] -> x", "f[b, x]"),
            ("SetAttributes[f, Flat]; f[a, b, c, d] /. f[b, c] -> x", "f[a, x, d]"),
            ("SetAttributes[f, Flat]; f[a, b, c] /. f[a, c] -> x", "f[a, b, c]"),
            ("a + b + c /. x_ + y_ -> {x, y}", "{a, b + c}"),
            ("a + b + 2 /. a + x_Symbol -> s[x]", "2 + s[b]"),
            ("SetAttributes[f, Flat]; f[a, b, c] /. f[a, x_] -> g[x]", "g[f[b, c]]"),
            ("MatchQ[a + b + c, a + c]", "False"),
            ("a + b /. a + c -> d", "a + b"),
            // Derivatives written with primes.
            ("Hold[f'[x]] // FullForm", "Hold[Derivative[1][f][x]]"),
            ("Hold[f''[x]] // FullForm", "Hold[Derivative[2][f][x]]"),
            ("Derivative[1][f][x]", "f'[x]"),
            ("Derivative[2][f]", "f''"),
            ("Derivative[0][f]", "f"),
            ("ToString[Derivative[1][f][x], InputForm]", "Derivative[1][f][x]"),
            // ArrayPad.
            ("ArrayPad[{{1, 2}, {3, 4}}, {{1}, {0}}]", "{{0, 0}, {1, 2}, {3, 4}, {0, 0}}"),
            ("ArrayPad[{{1, 2}, {3, 4}}, {{0}, {1}}]", "{{0, 1, 2, 0}, {0, 3, 4, 0}}"),
            ("ArrayPad[{{1, 2}, {3, 4}}, {{-1, 2}, {1, 3}}]", "{{0, 3, 4, 0, 0, 0}, {0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0}}"),
            ("ArrayPad[{1, 2, 3}, {0, 2}]", "{1, 2, 3, 0, 0}"),
            ("ArrayPad[{{1, 2}, {3, 4}}, 1, \"Fixed\"]", "{{1, 1, 2, 2}, {1, 1, 2, 2}, {3, 3, 4, 4}, {3, 3, 4, 4}}"),
            ("ArrayPad[{1, 2}, 1, \"Wrong\"]", "ArrayPad[{1, 2}, 1, Wrong]"),
            ("ArrayPad[{1, 2}, {{1, 2}, {3, 4}}]", "ArrayPad[{1, 2}, {{1, 2}, {3, 4}}]"),
            ("ArrayPad[{1, 2}, -2]", "ArrayPad[{1, 2}, -2]"),
            ("ArrayPad[{1, 2}, 0]", "{1, 2}"),
            // RemoveDiacritics.
            ("RemoveDiacritics[{\"naïve\", \"Ångström\"}]", "{naive, Angstrom}"),
            // With renames inner variables that would capture a value put in.
            ("With[{x = y}, Function[y, x + y]]", "Function[y$, y + y$]"),
            ("With[{x = 1}, Function[x, x]]", "Function[x, x]"),
            ("With[{x = y}, Function[{y, z}, x + y + z]][1, 2]", "3 + y"),
            ("With[{x = 2}, Module[{y = x}, y + x]]", "4"),
            ("With[{x = 5}, With[{x = 1}, x]]", "1"),
            // PatternSequence and KeyValuePattern.
            ("MatchQ[f[a, b], f[PatternSequence[a, b]]]", "True"),
            ("MatchQ[f[a, b, c], f[PatternSequence[a, b]]]", "False"),
            ("{a, b, c, a, b} /. {x___, PatternSequence[a, b], y___} :> {x, y}", "{c, a, b}"),
            ("MatchQ[<|a -> 1, b -> 2|>, KeyValuePattern[a -> _]]", "True"),
            ("MatchQ[<|a -> 1, b -> 2|>, KeyValuePattern[{b -> 2, a -> x_}]]", "True"),
            ("MatchQ[{a -> 1}, KeyValuePattern[b -> _]]", "False"),
            ("Cases[{<|\"n\" -> 1|>, <|\"n\" -> 2|>}, KeyValuePattern[\"n\" -> x_ /; x > 1] :> x]", "{2}"),
            // Strings, x //= f.
            ("StringPadLeft[{\"a\", \"bbb\"}]", "{  a, bbb}"),
            ("FromCharacterCode[{{104, 105}, {}}]", "{hi, }"),
            ("First[{}]", "First[{}]"),
            ("Xor[a, False, True]", "!a"),
            ("ToString[f @* g, InputForm]", "f @* g"),
            ("Inactivate[1 + 2 3]", "Inactive[Plus][1, Inactive[Times][2, 3]]"),
        ])
        func conformance(_ input: String, _ expected: String) {
            #expect(eval(input) == expected, "\(input)")
        }

        @Test func badPaddingSaysSo() {
            #expect(run("ArrayPad[{1, 2}, 1, \"Wrong\"]").messages == ["ArrayPad::padspec: \"Wrong\" is not a valid padding specification."])
            #expect(run("ArrayPad[{1, 2}, -2]").messages.count == 1)
            #expect(run("First[{}]").messages == ["First::nofirst: {} has zero length and no first element."])
            #expect(run("Last[{}]").messages == ["Last::nolast: {} has zero length and no last element."])
        }
    }
}
