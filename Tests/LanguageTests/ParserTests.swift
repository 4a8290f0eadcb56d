import CoreKernel
import Foundation
import Language
import Testing

/// Input text -> FullForm of the parsed (unevaluated) expression.
@Suite struct ParserTests {
    static let cases: [(String, String)] = [
        ("1 + 2", "Plus[1, 2]"),
        ("a - b", "Plus[a, Times[-1, b]]"),
        ("a - 2", "Plus[a, -2]"),
        ("a/b", "Times[a, Power[b, -1]]"),
        ("-x^2", "Times[-1, Power[x, 2]]"),
        ("-5", "-5"),
        ("2x", "Times[2, x]"),
        ("a b c", "Times[a, b, c]"),
        ("a*b*c", "Times[a, b, c]"),
        ("a^b^c", "Power[a, Power[b, c]]"),
        ("a.b.c", "Dot[a, b, c]"),
        ("f[x][y]", "f[x][y]"),
        ("f[a,,b]", "f[a, Null, b]"),
        ("f[a,]", "f[a, Null]"),
        ("{1, 2, 3}[[2]]", "Part[List[1, 2, 3], 2]"),
        ("m[[1, All]]", "Part[m, 1, All]"),
        ("l[[2;;]]", "Part[l, Span[2, All]]"),
        ("l[[;;3]]", "Part[l, Span[1, 3]]"),
        ("l[[1;;-1;;2]]", "Part[l, Span[1, -1, 2]]"),
        ("<|\"a\" -> 1, b :> 2|>", "Association[Rule[\"a\", 1], RuleDelayed[b, 2]]"),
        ("f /@ {1, 2}", "Map[f, List[1, 2]]"),
        ("f @@ g[x]", "Apply[f, g[x]]"),
        ("f @@@ l", "Apply[f, l, List[1]]"),
        ("f @ g @ x", "f[g[x]]"),
        ("x // f", "f[x]"),
        ("x // f[#] &", "Function[f[Slot[1]]][x]"),
        ("a /. $Failed -> Nothing // Quiet", "Quiet[ReplaceAll[a, Rule[$Failed, Nothing]]]"),
        ("#^2 &", "Function[Power[Slot[1], 2]]"),
        ("#name &", "Function[Slot[\"name\"]]"),
        ("## &", "Function[SlotSequence[1]]"),
        ("#2 + #1 &", "Function[Plus[Slot[2], Slot[1]]]"),
        ("f[x_] := x^2", "SetDelayed[f[Pattern[x, Blank[]]], Power[x, 2]]"),
        ("f[x_Integer, y__] := 0", "SetDelayed[f[Pattern[x, Blank[Integer]], Pattern[y, BlankSequence[]]], 0]"),
        ("f[x_:1] := x", "SetDelayed[f[Optional[Pattern[x, Blank[]], 1]], x]"),
        ("f[x_.] := x", "SetDelayed[f[Optional[Pattern[x, Blank[]]]], x]"),
        ("x:{__Integer}", "Pattern[x, List[BlankSequence[Integer]]]"),
        ("_?EvenQ", "PatternTest[Blank[], EvenQ]"),
        ("x_ /; x > 0", "Condition[Pattern[x, Blank[]], Greater[x, 0]]"),
        ("a | b | c", "Alternatives[a, b, c]"),
        ("a -> b -> c", "Rule[a, Rule[b, c]]"),
        ("a = b = 3", "Set[a, Set[b, 3]]"),
        ("x =.", "Unset[x]"),
        ("f /: g[f] = 1", "TagSet[f, g[f], 1]"),
        ("a; b", "CompoundExpression[a, b]"),
        ("a; b;", "CompoundExpression[a, b, Null]"),
        ("a < b <= c", "Inequality[a, Less, b, LessEqual, c]"),
        ("a < b < c", "Less[a, b, c]"),
        ("a == b", "Equal[a, b]"),
        ("a != b", "Unequal[a, b]"),
        ("a === b", "SameQ[a, b]"),
        ("!a && b || c", "Or[And[Not[a], b], c]"),
        ("n!", "Factorial[n]"),
        ("x++", "Increment[x]"),
        ("++x", "PreIncrement[x]"),
        ("x += 2", "AddTo[x, 2]"),
        ("\"a\" <> \"b\"", "StringJoin[\"a\", \"b\"]"),
        ("a ~~ b", "StringExpression[a, b]"),
        ("a ~f~ b", "f[a, b]"),
        ("f::usage", "MessageName[f, \"usage\"]"),
        ("f @* g", "Composition[f, g]"),
        ("f /* g", "RightComposition[f, g]"),
        ("x..", "Repeated[x]"),
        ("%", "Out[]"),
        ("%%", "Out[-2]"),
        ("%5", "Out[5]"),
        ("1.5*^3", "1500."),
        ("2*^3", "2000"),
        ("2^^101", "5"),
        ("16^^ff", "255"),
        // base^^digits in any base up to 36 (letters are the digits from 10 on), with a fraction
        // (a machine real), and a number mark and a *^ exponent still written in base 10.
        ("36^^z", "35"),
        ("36^^ZZ", "1295"),
        ("16^^FF", "255"),
        ("16^^ff.8", "255.5"),
        ("2^^101.01", "5.25"),
        ("8^^.4", "0.5"),
        ("2^^11.", "3."),
        ("2^^101*^2", "20"),
        ("16^^1*^-1", "Rational[1, 16]"),
        ("2^^1.1*^3", "12."),
        ("-16^^ff.8", "-255.5"),
        ("16^^ff g", "Times[255, g]"),
        (".5", "0.5"),
        ("123456789012345678901234567890", "123456789012345678901234567890"),
        ("(* a (* nested *) comment *) 1", "1"),
        ("\u{201C}Bolete\u{201D}", "\"Bolete\""),
        ("\u{201C}it\u{2019}s\u{201D}", "\"it\u{2019}s\""),
        ("\"a\\\"b\\n\"", "\"a\\\"b\\n\""),
        ("a \u{2192} b", "Rule[a, b]"),
        ("f[\n  a,\n  b\n]", "f[a, b]"),
        ("{1,\n 2}", "List[1, 2]"),
        ("Module[{x},\n x = 1;\n x + 1]", "Module[List[x], CompoundExpression[Set[x, 1], Plus[x, 1]]]"),
        ("NetChain[<|\"classifier\" -> LinearLayer[], \"probabilities\" -> SoftmaxLayer[]|>]",
         "NetChain[Association[Rule[\"classifier\", LinearLayer[]], Rule[\"probabilities\", SoftmaxLayer[]]]]"),
        ("LearningRateMultipliers -> {\"classifier\" -> 1, _ -> 0}",
         "Rule[LearningRateMultipliers, List[Rule[\"classifier\", 1], Rule[Blank[], 0]]]"),
        ("trainedNet[DeleteMissing@dsTest[\"Bolete\"]]", "trainedNet[DeleteMissing[dsTest[\"Bolete\"]]]"),
        ("Normal@dsTrain", "Normal[dsTrain]"),
    ]

    @Test(arguments: cases)
    func fullForm(_ input: String, _ expected: String) throws {
        let e = try Parser.parseExpression(input)
        #expect(FullForm.string(e) == expected)
    }

    @Test func programSplitsAtNewlines() throws {
        let es = try Parser.parseProgram("a = 1\nb = 2\n\nc\n")
        #expect(es.map(FullForm.string) == ["Set[a, 1]", "Set[b, 2]", "c"])
    }

    @Test func trailingSemicolonAtLineEndEndsTheExpression() throws {
        let es = try Parser.parseProgram("x = 5;\nx + 1")
        #expect(es.map(FullForm.string) == ["CompoundExpression[Set[x, 5], Null]", "Plus[x, 1]"])
    }

    @Test func danglingOperatorContinues() throws {
        let es = try Parser.parseProgram("a +\n b")
        #expect(es.map(FullForm.string) == ["Plus[a, b]"])
    }

    @Test func informationLines() throws {
        let es = try Parser.parseProgram("?Map\n??Net*")
        #expect(es.map(FullForm.string) == ["Information[Map]", "Information[\"Net*\", Rule[LongForm, True]]"])
    }

    /// A base-b real is the machine real nearest to its exact value (one rounding): the
    /// references are IEEE divisions of exact integers, which round once too.
    @Test func baseRealsRoundOnce() throws {
        #expect(try Parser.parseExpression("3^^0.1").doubleValue == 1.0 / 3.0)
        #expect(try Parser.parseExpression("3^^0.12").doubleValue == 5.0 / 9.0)
        #expect(try Parser.parseExpression("7^^0.123456").doubleValue == 22_875.0 / 117_649.0)  // Python: Fraction(int("123456", 7), 7**6)
        #expect(try Parser.parseExpression("36^^z.z*^-2").doubleValue == 1295.0 / 46_656.0)
        #expect(FullForm.string(try Parser.parseExpression("2^^1*^200")) == "1606938044258990275541962092341162602522202993782792835301376")  // Python: 2**200
    }

    /// Beyond what a machine real holds (more than 17 decimal digits' worth) a base-b real is an
    /// arbitrary-precision number, with log10(b) digits for each digit given or the precision of
    /// its number mark.
    @Test func longBaseRealsAreArbitraryPrecision() throws {
        let bits = "1." + String(repeating: "0", count: 62) + "1"
        guard case .bigReal(let x) = try Parser.parseExpression("2^^" + bits) else {
            Issue.record("not a big real")
            return
        }
        #expect(abs(x.precision - 64 * log10(2.0)) < 1e-9)
        let (n, d) = x.exactFraction
        // 1 + 2^-63
        #expect(Numbers.rational(n, d).map(FullForm.string) == "Rational[9223372036854775809, 9223372036854775808]")
        guard case .bigReal(let y) = try Parser.parseExpression("16^^ff.8`30") else {
            Issue.record("not a big real")
            return
        }
        #expect(y.precision == 30 && y.doubleValue == 255.5)
    }

    static let badBases = ["37^^1", "1^^1", "0^^0", "2^^2", "2^^", "16^^.", "99999999999999999999^^1"]

    @Test(arguments: badBases)
    func badBaseNumbersAreSyntaxErrors(_ input: String) {
        #expect(throws: ParseError.self) { try Parser.parseExpression(input) }
    }

    static let errors: [(String, Int, Int, Bool)] = [
        ("f[1, 2", 1, 7, true),
        ("{1, 2", 1, 6, true),
        ("\"abc", 1, 5, true),
        ("(* open", 1, 8, true),
        ("1 + ", 1, 5, true),
        ("a = 1\nb = )", 2, 5, false),
        ("f[1 2]]", 1, 7, false),
        ("x @@", 1, 5, true),
    ]

    @Test(arguments: errors)
    func syntaxErrorsNameLineAndColumn(_ input: String, _ line: Int, _ column: Int, _ incomplete: Bool) {
        do {
            _ = try Parser.parseProgram(input)
            Issue.record("expected a syntax error for \(input)")
        } catch let e as ParseError {
            #expect(e.line == line)
            #expect(e.column == column)
            #expect(e.incomplete == incomplete)
            #expect(e.description.contains("line \(line), column \(column)"))
            #expect(e.description.contains("^"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// An input that ends inside a bracket, brace, parenthesis, association, string or comment
    /// names where it was opened as well as where the input ended (issue 21).
    static let unclosed: [(String, String, Int, Int)] = [
        ("x = 1\ny = f[1, 2\nz = 3\n", "\"[\" is not closed: \"]\" expected", 2, 6),
        ("{1, {2, 3}", "\"{\" is not closed: \"}\" expected", 1, 1),
        ("a = (1 + 2", "\"(\" is not closed: \")\" expected", 1, 5),
        ("<|\"a\" -> 1", "\"<|\" is not closed: \"|>\" expected", 1, 1),
        ("m[[1", "\"[[\" is not closed: \"]]\" expected", 1, 2),
        ("f[g[1],\n  h[2,\n", "\"[\" is not closed: \"]\" expected", 2, 4),
        ("s = \"abc\nmore", "string is not closed: a closing quotation mark is expected", 1, 5),
        ("(* note\n1 + 1", "comment \"(*\" is not closed: \"*)\" expected", 1, 1),
    ]

    @Test(arguments: unclosed)
    func unclosedBracketsNameWhereTheyWereOpened(_ input: String, _ message: String, _ line: Int, _ column: Int) {
        do {
            _ = try Parser.parseProgram(input)
            Issue.record("expected a syntax error for \(input)")
        } catch let e as ParseError {
            #expect(e.message == message, "\(input)")
            #expect(e.opened?.line == line && e.opened?.column == column, "\(input): \(String(describing: e.opened))")
            #expect(e.incomplete)
            #expect(e.description.contains("opened at line \(line), column \(column); the input ended at line \(e.line), column \(e.column)"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func aWrongClosingBracketNamesTheOpenOne() {
        do {
            _ = try Parser.parseProgram("a = 1\nb = f[1, 2}\nc = 3")
            Issue.record("expected a syntax error")
        } catch let e as ParseError {
            #expect(e.message == "\",\" or \"]\" expected to close the \"[\" at line 2, column 6")
            #expect(e.line == 2 && e.column == 11 && !e.incomplete && e.opened == nil)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// The parser's recursion is bounded; like every entry point of nets, it runs on a thread
    /// with a large stack.
    @Test func deepNestingIsAnErrorNotACrash() {
        let outcome = Shared<[Bool]>([])
        runOnLargeStack {
            let deep = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
            outcome.value.append((try? Parser.parseProgram(deep)) == nil)
            outcome.value.append((try? Parser.parseProgram(String(repeating: "{", count: 50_000))) == nil)
            let ok = String(repeating: "f[", count: 500) + "1" + String(repeating: "]", count: 500)
            outcome.value.append((try? Parser.parseProgram(ok)) != nil)
        }
        #expect(outcome.value == [true, true, true])
    }
}
