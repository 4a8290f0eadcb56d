import Foundation
import CoreKernel
import Language
import Testing

/// A small deterministic generator for the fuzz inputs (the same inputs on every run).
struct FuzzRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state >> 17
    }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
}

extension KernelSuite {
    /// Thousands of random, truncated and mutated inputs through the parser and evaluator, each
    /// with a time limit: none may trap, and each must give a result or a syntax error.
    @Suite struct Robustness {
        static let vocabulary: [String] = [
            "x", "y", "f", "g", "0", "1", "2", "3", "1.5", "\"s\"", "\u{201C}t\u{201D}", "{", "}", "[", "]", "(", ")",
            "[[", "]]", "<|", "|>", ",", ";", "+", "-", "*", "/", "^", "->", ":>", "=", ":=", "==", "===", "<", ">",
            "&&", "||", "!", "&", "#", "#2", "##", "_", "__", "x_", "y__", "_Integer", "?", "/.", "//.", "/@",
            "@@", "@", "//", "~", "<>", ".", ";;", "::", ":", "|", "..", "%", "(*", "*)", "\n",
            "Map", "Table", "Range", "Part", "Plus", "Times", "Power", "List", "Module", "Block", "With", "If",
            "Do", "While", "Function", "Select", "Cases", "Sort", "Total", "Length", "Take", "Drop", "Join",
            "Flatten", "Transpose", "Association", "Keys", "Values", "Lookup", "StringJoin", "StringSplit",
            "StringReplace", "ToString", "ToExpression", "Apply", "Fold", "Nest", "FixedPoint", "ReplaceAll",
            "Set", "SetDelayed", "Clear", "Hold", "Evaluate", "Sequence", "Catch", "Throw", "Return", "Break",
            "Abort", "Quiet", "Check", "Message", "Around", "N", "Sqrt", "Log", "Mod", "Max", "Mean", "Dot",
            "Position", "Count", "Tally", "GroupBy", "Partition", "ArrayReshape", "Dimensions", "Switch", "Which",
            "RandomReal", "SeedRandom", "Unevaluated", "Attributes", "Information", "Print", "Echo", "Missing",
            "Inner", "Outer", "Thread", "MapThread", "Composition", "Infinity", "Pi", "True", "False", "Null",
        ]

        static var seeds: [String] {
            EvaluationCorpus.inputs + ["f[x_] := x^2; f /@ {1, 2}", "Module[{a = 1}, a + 1]", "<|\"a\" -> {1, 2}|>[[\"a\", 2]]"]
        }

        static func randomInput(_ r: inout FuzzRandom) -> String {
            let n = 1 + r.int(24)
            return (0..<n).map { _ in r.pick(vocabulary) }.joined(separator: r.int(3) == 0 ? "" : " ")
        }

        static func mutate(_ s: String, _ r: inout FuzzRandom) -> String {
            var chars = Array(s)
            for _ in 0..<(1 + r.int(3)) {
                let op = r.int(4)
                let i = chars.isEmpty ? 0 : r.int(chars.count)
                switch op {
                case 0 where !chars.isEmpty: chars.remove(at: i)
                case 1: chars.insert(r.pick(Array("[]{}(),;+-*/^=&#_\"\\@<>|.:?!%~`'\n ")), at: min(i, chars.count))
                case 2 where !chars.isEmpty: chars[i] = r.pick(Array("[]{}(),;+-*/^=&#_\"x1"))
                default: chars = Array(chars.prefix(i))
                }
            }
            return String(chars)
        }

        @Test func neverTraps() {
            var r = FuzzRandom(state: 20261129)
            var inputs: [String] = []
            for _ in 0..<2500 { inputs.append(Self.randomInput(&r)) }
            for s in Self.seeds {
                inputs.append(String(s.prefix(r.int(s.count + 1))))
                inputs.append(Self.mutate(s, &r))
                inputs.append(Self.mutate(Self.mutate(s, &r), &r))
            }
            var unanswered: [String] = [], evaluated = 0
            for input in inputs {
                let t = exclusive {
                    sharedKernel.clearUserSymbols()
                    return sharedKernel.capture(input, timeLimit: Double(ProcessInfo.processInfo.environment["FUZZ_LIMIT"] ?? "0.1") ?? 0.1)
                }
                if t.syntaxError == nil && t.result.isEmpty { unanswered.append(input) }
                if t.syntaxError == nil { evaluated += 1 }
            }
            #expect(unanswered.isEmpty, "no result and no syntax error for \(unanswered.prefix(5))")
            // Enough of the inputs parse that the evaluator is exercised too.
            #expect(evaluated > 800)
            #expect(inputs.count > 3000)
            // The kernel still works afterwards.
            #expect(eval("Total[Range[10]]") == "55")
        }
    }
}
