import Foundation
import CoreKernel
import LearnKernel
import NetsKernel
import Language

/// Runs scripts and one-shot code against a kernel, printing results like notebook cells.
struct FrontEnd {
    let kernel: Kernel

    init(kernel: Kernel) {
        self.kernel = kernel
        kernel.evaluator.printer = { line in
            FileHandle.standardOutput.write((line + "\n").data(using: .utf8) ?? Data())
        }
        kernel.evaluator.messages.beforeWrite = {}
    }

    /// `nets -c`: evaluates everything, prints the last result unless it is Null.
    func runOneShot(_ code: String) -> Int32 {
        var last: Expr = .null
        if let error = kernel.evaluateEach(code, { _, result in last = result }) {
            writeError(error.description)
            return 1
        }
        if !last.isNull { write(OutputForm.string(last)) }
        return last.isSymbol(Sym.Aborted) ? 1 : 0
    }

    func runScriptFile(_ path: String, plain: Bool) -> Int32 {
        guard let data = FileManager.default.contents(atPath: path) else {
            writeError("nets: cannot open \(path)")
            return 2
        }
        return runScript(String(decoding: data, as: UTF8.self), name: path, plain: plain)
    }

    /// Evaluates a script expression by expression; stops at a syntax error (status 1).
    func runScript(_ text: String, name: String, plain: Bool) -> Int32 {
        var status: Int32 = 0
        let error = kernel.evaluateEach(text) { n, result in
            if result.isSymbol(Sym.Aborted) { status = 1 }
            if result.isNull { return }
            let shown = OutputForm.string(result)
            write(plain ? shown : "Out[\(n)]= " + shown + "\n")
        }
        if let error {
            writeError("\(name): " + error.description)
            return 1
        }
        return status
    }

    func write(_ s: String) {
        FileHandle.standardOutput.write((s + "\n").data(using: .utf8) ?? Data())
    }

    func writeError(_ s: String) {
        FileHandle.standardError.write((s + "\n").data(using: .utf8) ?? Data())
    }
}
