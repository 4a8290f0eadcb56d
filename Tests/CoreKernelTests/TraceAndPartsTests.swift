import CoreKernel
import Foundation
import Language
import Testing

/// Issue 18's additions to the core library: Trace, template expressions, ReplacePart by
/// pattern and of heads, Equivalent of repeated arguments, "Extrapolated" padding, the reciprocal
/// and inverse elementary functions and PolyGamma; input -> OutputForm, the cases checked
/// against the Wolfram documentation's examples and definitions.
enum TraceAndPartsCases {
    static let examples: [(String, String)] = [
        // Trace: one chain per expression that changed, sub-evaluations as sublists.
        ("Trace[1 + 2]", "{1 + 2, 3}"),
        ("Trace[2 + 3*4]", "{{3 4, 12}, 2 + 12, 14}"),
        ("Trace[f[1 + 2]]", "{{1 + 2, 3}, f[3]}"),
        ("t1[n_] := n + 1; Trace[t1[1]]", "{t1[1], 1 + 1, 2}"),
        ("t2[n_] := t3[n + 1]; Trace[t2[1]]", "{t2[1], t3[1 + 1], {1 + 1, 2}, t3[2]}"),
        ("v = 5; Trace[v]", "{v, 5}"),
        ("Trace[5]", "{}"),
        ("Trace[{1 + 1, 2 + 2}]", "{{1 + 1, 2}, {2 + 2, 4}, {2, 4}}"),
        ("fib[0] = 0; fib[1] = 1; fib[n_] := fib[n - 1] + fib[n - 2]; Length[Flatten[Trace[fib[3], fib[_]]]]", "5"),
        ("Trace[1 + 2, _Integer]", "{3}"),
        ("Length[Trace[Do[i, {i, 3}]]] > 0", "True"),
        ("TracePrint[1 + 2]", "3"),
        // Template expressions evaluate with the template's arguments as slots.
        ("StringTemplate[\"x = <* #x + 1 *>\"][<|\"x\" -> 2|>]", "x = 3"),
        ("StringTemplate[\"<* #1 #2 *> and `2`\"][3, 4]", "12 and 4"),
        ("TemplateApply[StringTemplate[\"<* Range[3] *>\"]]", "{1, 2, 3}"),
        ("StringTemplate[\"a < b\"][]", "a < b"),
        // ReplacePart: heads, patterns of positions, several positions, missing positions.
        ("ReplacePart[f[a], 0 -> g]", "g[a]"),
        ("ReplacePart[{a, {b, c}}, {2, 0} -> h]", "{a, h[b, c]}"),
        ("ReplacePart[{a, b, c}, i_ :> i^2]", "{1, 4, 9}"),
        ("ReplacePart[{{a, b}, {c, d}}, {_, 2} -> x]", "{{a, x}, {c, x}}"),
        ("ReplacePart[{{1, 2}, {3, 4}}, {i_, i_} :> 0]", "{{0, 2}, {3, 0}}"),
        ("ReplacePart[{a, b, c, d}, {{1}, {3}} -> x]", "{x, b, x, d}"),
        ("ReplacePart[{a, b, c}, {2 -> x, _ -> y}]", "{y, x, y}"),
        ("ReplacePart[{a, b, c}, -1 -> x]", "{a, b, x}"),
        ("ReplacePart[{a, b}, 5 -> x]", "{a, b}"),
        ("ReplacePart[<|\"a\" -> 1, \"b\" -> 2|>, \"b\" -> 3]", "<|a -> 1, b -> 3|>"),
        ("ReplacePart[{a, {b, c}}, {__, 1} -> x]", "{a, {x, c}}"),
        // Equivalent: repeated arguments count once; True or False settle the others.
        ("Equivalent[a, a]", "True"),
        ("Equivalent[a, b, a]", "Equivalent[a, b]"),
        ("Equivalent[a, True]", "a"),
        ("Equivalent[a, b, False]", "!a && !b"),
        ("Equivalent[a]", "True"),
        // "Extrapolated" padding: the polynomial through the elements at each end.
        ("ArrayPad[{1, 2, 3}, 2, \"Extrapolated\"]", "{-1, 0, 1, 2, 3, 4, 5}"),
        ("ArrayPad[{a, b, c}, 1, \"Extrapolated\"]", "{2 a - b, a, b, c, -b + 2 c}"),
        ("ArrayPad[{1, 4, 9}, 2, \"Extrapolated\", InterpolationOrder -> 2]", "{1, 0, 1, 4, 9, 16, 25}"),
        ("ArrayPad[{1, 4, 9}, 1, \"Extrapolated\", InterpolationOrder -> 0]", "{1, 1, 4, 9, 9}"),
        ("ArrayPad[{{1, 2}, {3, 4}}, 1, \"Extrapolated\"]", "{{-2, -1, 0, 1}, {0, 1, 2, 3}, {2, 3, 4, 5}, {4, 5, 6, 7}}"),
        // Reciprocal and inverse elementary functions: exact values, otherwise unevaluated.
        ("Sec[Pi/3]", "2"), ("Csc[Pi/2]", "1"), ("Cot[Pi/2]", "0"), ("Cot[Pi/4]", "1"), ("Sec[Pi/4]", "Sqrt[2]"),
        ("Sec[Pi/2]", "ComplexInfinity"), ("Sec[x]", "Sec[x]"), ("Sech[0]", "1"),
        ("ArcCot[0]", "Pi/2"), ("ArcSec[2]", "Pi/3"), ("ArcTanh[0]", "0"), ("ArcCosh[1]", "0"),
        ("PolyGamma[1]", "-EulerGamma"), ("PolyGamma[0, 3]", "3/2 - EulerGamma"), ("PolyGamma[2, x]", "PolyGamma[2, x]"),
        // Lists of numbers are their own values whatever is defined; other lists still evaluate.
        ("big = Table[{i, i/2., \"s\"}, {i, 3}]; q = 1; big", "{{1, 0.5, s}, {2, 1., s}, {3, 1.5, s}}"),
        ("w = 2; {{1, 2}, {w, Nothing}}", "{{1, 2}, {2}}"),
        // Canonical order of deep expressions (compared along their chains).
        ("Sort[{Sin[Sin[Sin[x]]], Sin[x], Sin[Sin[x]]}]", "{Sin[x], Sin[Sin[x]], Sin[Sin[Sin[x]]]}"),
        ("Sort[{f[b, Sin[a]], f[a, Sin[b]], f[a, Sin[a]]}]", "{f[a, Sin[a]], f[a, Sin[b]], f[b, Sin[a]]}"),
        ("Sort[{Cos[x]^3, Cos[x]^2, Cos[x]}]", "{Cos[x], Cos[x]^2, Cos[x]^3}"),
        ("Sort[{g[x, y], g[x], g[1 + x]}]", "{g[x], g[1 + x], g[x, y]}"),
    ]
}

extension KernelSuite {
    @Suite struct TraceAndParts {
        @Test(.serialized, arguments: TraceAndPartsCases.examples)
        func example(_ input: String, _ output: String) {
            let t = run(input)
            #expect((t.syntaxError ?? t.result) == output, "\(input)")
            #expect(t.messages.isEmpty, "\(input): \(t.messages)")
        }

        /// Machine values against mpmath (`Fixtures/special_values.py`).
        @Test(.serialized, arguments: fixtureCases("special_values.json"))
        func value(_ input: String, _ expected: String) throws {
            let text = eval("ToString[\(input), InputForm]")
            let got = try #require(Double(text), "\(input) gave \(text)")
            let want = try #require(Double(expected))
            #expect(abs(got - want) <= 1e-12 * abs(want), "\(input): \(got) vs \(want)")
        }

        @Test func fixtureIsThere() {
            #expect(fixtureCases("special_values.json").count == 25)
        }

        /// Chains of calls are compared along their length (in a loop); a subexpression shared
        /// by both sides is equal without a walk.
        @Test func deepChainsCompare() {
            func chain(_ n: Int, _ leaf: Expr) -> Expr {
                var e = leaf
                for _ in 0..<n { e = Expr(Symbol.intern("Sin"), e) }
                return e
            }
            let x = Expr.sym("x"), y = Expr.sym("y")
            #expect(Order.compare(chain(3000, x), chain(3000, y)) < 0)
            #expect(Order.compare(chain(3000, y), chain(3000, x)) > 0)
            #expect(Order.compare(chain(3000, x), chain(3000, x)) == 0)
            let shared = chain(1000, x)
            #expect(Order.compare(Expr(Symbol.intern("f"), shared, x), Expr(Symbol.intern("f"), shared, y)) < 0)
        }

        /// A list of numbers is found inert once and then returned as it is; one holding a
        /// symbol is not.
        @Test func inertLists() throws {
            let rows: [Expr] = (0..<3).map { i in .list([.integer(i), .real(0.5), .string("s")]) }
            guard case .normal(let numbers) = Expr.list(rows) else { throw CancellationError() }
            #expect(numbers.isInertList)
            guard case .normal(let symbolic) = Expr.list([.integer(1), .sym("Nothing")]) else { throw CancellationError() }
            #expect(!symbolic.isInertList)
            guard case .normal(let call) = Expr(Symbol.intern("f"), .integer(1)) else { throw CancellationError() }
            #expect(!call.isInertList)
        }
    }
}
