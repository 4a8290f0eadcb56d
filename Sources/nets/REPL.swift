import CEditLine
import Foundation
import Kernel
import Language

/// The interactive session: `In[n]:=` prompts read with libedit, multi-line input while an
/// expression is incomplete, `Out[n]=` results.
struct REPL {
    let kernel: Kernel

    func run() -> Int32 {
        let front = FrontEnd(kernel: kernel)
        print("nets \(Kernel.version) — the Wolfram Language's neural-net idioms. ?Sym for help, Quit[] to leave.\n")
        while true {
            let n = kernel.line
            let prompt = "In[\(n)]:= "
            guard var text = readLine(prompt: prompt) else { print(""); return 0 }
            if text.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            // Keep reading while the input is an incomplete expression.
            while true {
                var parser = Parser(text)
                do {
                    while try parser.next() != nil {}
                    break
                } catch let e as ParseError where e.incomplete {
                    let pad = String(repeating: " ", count: prompt.count)
                    guard let more = readLine(prompt: pad) else { break }
                    text += "\n" + more
                } catch {
                    break
                }
            }
            add_history(text)
            var parser = Parser(text)
            do {
                while let e = try parser.next() {
                    let line = kernel.line
                    let result = kernel.evaluateInput(e)
                    if !result.isNull { print("Out[\(line)]= \(OutputForm.string(result))\n") }
                    fflush(nil)
                }
            } catch let e as ParseError {
                front.writeError(e.description)
            } catch {}
        }
    }

    func readLine(prompt: String) -> String? {
        guard let cLine = readline(prompt) else { return nil }
        defer { free(cLine) }
        return String(cString: cLine)
    }
}
