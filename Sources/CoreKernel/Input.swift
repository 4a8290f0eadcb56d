import Foundation
import Language

/// Where `Input` and `InputString` read a line from: standard input by default (after writing
/// the prompt to standard output); a notebook kernel asks its front end instead. nil is the end
/// of input.
public enum InputReader {
    /// The longest line read, in bytes; the rest of a longer line is dropped.
    public static let maxLine = 1 << 20

    nonisolated(unsafe) public static var read: (_ prompt: String) -> String? = InputReader.readStandardInput

    /// Writes the prompt, then reads up to a newline from standard input.
    public static func readStandardInput(_ prompt: String) -> String? {
        if !prompt.isEmpty {
            FileHandle.standardOutput.write(Data(prompt.utf8))
        }
        fflush(nil)
        var bytes: [UInt8] = []
        while true {
            let c = getchar()
            if c == EOF { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if c == 10 { break }
            if bytes.count < maxLine { bytes.append(UInt8(truncatingIfNeeded: c)) }
        }
        if bytes.last == 13 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Kernel {
    static var inputBuiltins: [Builtin] {
        /// The prompt of `Input[prompt]`: a string as it is, anything else in OutputForm.
        func prompt(_ c: Call) -> String {
            c.count == 0 ? "? " : c[0].asString ?? OutputForm.string(c[0])
        }
        return [
            Builtin("InputString", [], usage: "InputString[] reads a line of input (from the terminal, a script's standard input, or the notebook) as a string; InputString[prompt] shows the prompt first. At the end of input it gives EndOfFile. Example: Hold[InputString[\"name? \"]] gives Hold[InputString[name? ]].",
                    arity: .between(0, 1), examples: [("Hold[InputString[\"name? \"]]", "Hold[InputString[name? ]]")]) { c in
                InputReader.read(prompt(c)).map(Expr.string) ?? .symbol(Symbol.intern("EndOfFile"))
            },
            Builtin("Input", [], usage: "Input[] reads a line of input and evaluates it as an expression; Input[prompt] shows the prompt first. At the end of input it gives EndOfFile. Example: Hold[Input[\"n? \"]] gives Hold[Input[n? ]].",
                    arity: .between(0, 1), messages: ["sntx": "Invalid syntax in or before `1`."],
                    examples: [("Hold[Input[\"n? \"]]", "Hold[Input[n? ]]")]) { c in
                guard let line = InputReader.read(prompt(c)) else { return .symbol(Symbol.intern("EndOfFile")) }
                do {
                    var last: Expr = .null
                    for e in try Parser.parseProgram(line) { last = try c.evaluate(e) }
                    return last
                } catch let e as ParseError {
                    c.message("sntx", .string(e.sourceLine))
                    return .failed
                }
            },
        ]
    }
}
