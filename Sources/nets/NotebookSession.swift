import CoreKernel
import Dispatch
import Foundation
import Language
import LearnKernel
import NetsKernel
import Notebook

/// The nets kernel as Jupyter sees it: cells evaluated like REPL inputs (`In[n]`/`Out[n]`,
/// `%` history), Print output and messages streamed while a cell runs, the REPL's completion
/// and multi-line rule, usage texts for inspection.
final class NotebookSession: NotebookBackend {
    let kernel: Kernel

    init(kernel: Kernel) {
        self.kernel = kernel
    }

    var languageInfo: JSONObject {
        ["name": "wolfram", "version": Kernel.version, "mimetype": "text/x-wolfram-language",
         "file_extension": ".nets", "pygments_lexer": "mathematica", "codemirror_mode": "mathematica"]
    }
    var implementationVersion: String { Kernel.version }
    var banner: String { "nets \(Kernel.version) \u{2014} the Wolfram Language's neural-net idioms. ?Sym for help." }
    var executionCount: Int { kernel.line }

    func execute(_ code: String, output: NotebookOutput) -> ExecutionOutcome {
        let evaluator = kernel.evaluator
        evaluator.printer = { line in output.stream("stdout", line + "\n") }
        evaluator.messages.sink = { line in output.stream("stderr", line + "\n") }
        // Progress of long work (NetTrain, fetching, feature extraction) is one display per
        // line, updated in place and emptied when the work ends.
        var shown: Set<Int> = []
        ProgressLine.display = { id, text in
            output.display(["text/plain": text ?? ""], displayID: "nets-progress-\(id)", update: shown.contains(id))
            shown.insert(id)
        }
        defer { ProgressLine.display = nil }
        // Input[] and InputString[] ask the front end (an input_request); nil ends the input.
        let reader = InputReader.read
        InputReader.read = { prompt in output.input(prompt: prompt) }
        defer { InputReader.read = reader }
        var aborted = false
        let error = kernel.evaluateEach(code) { line, result in
            if result.isSymbol(Sym.Aborted) { aborted = true }
            if !result.isNull { output.result(line, NotebookSession.bundle(result), metadata: NotebookSession.metadata(result)) }
        }
        if let error {
            return .error(name: "Syntax", value: error.description, traceback: ["Syntax::sntx: " + error.description])
        }
        return aborted ? .error(name: "Aborted", value: "$Aborted", traceback: ["$Aborted"]) : .ok
    }

    /// A result's MIME bundle: its OutputForm as text, abbreviated past `$OutputSizeLimit` as
    /// the REPL's is (with the line that says how to see more), and the richer forms the
    /// libraries give (pictures, tables).
    static func bundle(_ result: Expr) -> JSONObject {
        let (text, note) = OutputCell.shown(result, limit: OutputCell.sizeLimit)
        var data: JSONObject = ["text/plain": note.map { text + "\n" + $0 } ?? text]
        for (type, content) in RichForms.forms(result) { data[type] = content }
        return data
    }

    /// A result's display metadata (the size pictures are shown at).
    static func metadata(_ result: Expr) -> JSONObject {
        RichForms.metadata(result).mapValues { $0 as Any }
    }

    func complete(_ code: String, cursor: Int) -> (matches: [String], start: Int, end: Int) {
        let chars = Array(code.unicodeScalars)
        let end = min(max(cursor, 0), chars.count)
        var start = end
        while start > 0 && NotebookSession.isNameCharacter(chars[start - 1]) { start -= 1 }
        let prefix = String(String.UnicodeScalarView(chars[start..<end]))
        let context = String(String.UnicodeScalarView(chars[..<start]))
        return (Completion.matches(prefix: prefix, context: context), start, end)
    }

    func inspect(_ code: String, cursor: Int) -> String? {
        let chars = Array(code.unicodeScalars)
        var start = min(max(cursor, 0), chars.count), end = start
        while start > 0 && NotebookSession.isNameCharacter(chars[start - 1]) { start -= 1 }
        while end < chars.count && NotebookSession.isNameCharacter(chars[end]) { end += 1 }
        guard start < end else { return nil }
        let name = String(String.UnicodeScalarView(chars[start..<end]))
        let usage = kernel.session.run { Symbol.lookup(name)?.usage }
        return usage.map { name + "\n\n" + $0 }
    }

    func isComplete(_ code: String) -> String {
        var parser = Parser(code)
        do {
            while try parser.next() != nil {}
            return "complete"
        } catch let e as ParseError where e.incomplete {
            return "incomplete"
        } catch {
            return "invalid"
        }
    }

    func interrupt() {
        kernel.evaluator.interrupt.set()
    }

    var isInterrupted: Bool { kernel.evaluator.interrupt.isSet }

    static func isNameCharacter(_ c: Unicode.Scalar) -> Bool {
        c == "$" || c == "`" || CharacterSet.alphanumerics.contains(c)
    }
}

/// `nets kernel --connection-file FILE` and `nets install-kernel [--prefix DIR]`.
enum NotebookCommands {
    /// Runs the Jupyter kernel; returns the exit status.
    static func kernel(_ args: [String]) -> Int32 {
        guard let i = args.firstIndex(where: { $0 == "--connection-file" || $0 == "-f" }), i + 1 < args.count else {
            FileHandle.standardError.write(Data("usage: nets kernel --connection-file FILE\n".utf8))
            return 2
        }
        let path = args[i + 1]
        let status = Shared<Int32>(0)
        runOnLargeStack {
            do {
                let connection = try JupyterKernel.connection(from: path)
                let kernel = Kernel(libraries: [NetsLibrary.self, LearnLibrary.self])
                let session = NotebookSession(kernel: kernel)
                let server = try JupyterKernel(connection: connection, backend: session)
                // Jupyter's "signal" interrupt mode sends SIGINT; "message" mode an interrupt_request.
                let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
                source.setEventHandler { session.interrupt() }
                source.resume()
                server.run()
                source.cancel()
            } catch {
                FileHandle.standardError.write(Data("nets kernel: \(error)\n".utf8))
                status.value = 1
            }
        }
        return status.value
    }

    /// Writes the kernel spec (kernel.json) where Jupyter looks for it.
    static func install(_ args: [String]) -> Int32 {
        let env = ProcessInfo.processInfo.environment
        var folder: String
        if let i = args.firstIndex(of: "--prefix"), i + 1 < args.count {
            folder = args[i + 1] + "/share/jupyter/kernels/nets"
        } else if let data = env["JUPYTER_DATA_DIR"], !data.isEmpty {
            folder = data + "/kernels/nets"
        } else {
            folder = (env["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory() + "/.local/share") + "/jupyter/kernels/nets"
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let resolved = (try? FileManager.default.destinationOfSymbolicLink(atPath: executable)) ?? executable
        let spec: JSONObject = [
            "argv": [resolved.hasPrefix("/") ? resolved : executable, "kernel", "--connection-file", "{connection_file}"],
            "display_name": "nets (Wolfram Language)",
            "language": "wolfram",
            "interrupt_mode": "message",
            "metadata": ["debugger": false],
        ]
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let data = try JSONSerialization.data(withJSONObject: spec, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            try writeAtomically(Array(data), to: folder + "/kernel.json")
            for side in [32, 64] {
                guard let png = picturePNG(NotebookCommands.logo(side: side)) else { continue }
                try writeAtomically(png, to: folder + "/logo-\(side)x\(side).png")
            }
            print("Installed the nets kernel spec in \(folder)")
            return 0
        } catch {
            FileHandle.standardError.write(Data("nets install-kernel: cannot write \(folder): \(error)\n".utf8))
            return 1
        }
    }
}

extension NotebookCommands {
    /// The kernel's logo, `side` pixels square (32 points at side/32 pixels a point): a small net,
    /// two inputs, three hidden units and an output, on the palette's first blue.
    static func logo(side: Int) -> Expr {
        func s(_ name: String) -> Expr { .symbol(Symbol.intern(name)) }
        func f(_ name: String, _ args: Expr...) -> Expr { .call(Symbol.intern(name), args) }
        func p(_ x: Double, _ y: Double) -> Expr { .list([.real(x), .real(y)]) }
        let layers: [[(Double, Double)]] = [[(0.2, 0.32), (0.2, 0.68)], [(0.5, 0.2), (0.5, 0.5), (0.5, 0.8)], [(0.8, 0.5)]]
        var edges: [Expr] = []
        for (a, b) in zip(layers, layers.dropFirst()) {
            for u in a { for v in b { edges.append(f("Line", .list([p(u.0, u.1), p(v.0, v.1)]))) } }
        }
        let nodes = layers.flatMap { $0 }.map { f("Disk", p($0.0, $0.1), .real(0.085)) }
        let points = 32.0
        let prims: Expr = .list([
            f("RGBColor", .real(0.2), .real(0.3), .real(0.52)), f("Rectangle", p(0, 0), p(1, 1)),
            f("GrayLevel", .real(0.92)), f("AbsoluteThickness", .real(points / 24)), .list(edges),
            f("RGBColor", .real(0.98), .real(0.66), .real(0.2)), .list(nodes),
        ])
        return f("Graphics", prims,
                 .rule(s("PlotRange"), .list([.list([.integer(0), .integer(1)]), .list([.integer(0), .integer(1)])])),
                 .rule(s("PlotRangePadding"), s("None")), .rule(s("ImagePadding"), .integer(0)),
                 .rule(s("ImageSize"), .real(points)), .rule(s("AspectRatio"), .integer(1)),
                 .rule(s("ImageResolution"), .real(72 * Double(side) / points)))
    }
}

extension FrontEnd {
    /// `nets --notebook [--html] FILE.nets`: runs the script and writes FILE.ipynb (one code cell
    /// per top-level input with its outputs, comments between inputs as Markdown cells) and, with
    /// `html`, FILE.html, a page of the same cells with the pictures embedded.
    func runNotebook(_ path: String, ipynb: Bool, html: Bool) -> Int32 {
        guard let data = FileManager.default.contents(atPath: path) else {
            writeError("nets: cannot open \(path)")
            return 2
        }
        let (inputs, error, trailing) = Parser.inputs(of: String(decoding: data, as: UTF8.self))
        var document = NotebookDocument(languageInfo: NotebookSession(kernel: kernel).languageInfo)
        var cell = NotebookDocument.Cell(kind: .code, source: "")
        let evaluator = kernel.evaluator
        evaluator.printer = { line in cell.append(stream: "stdout", line + "\n") }
        evaluator.messages.sink = { line in cell.append(stream: "stderr", line + "\n") }
        var status: Int32 = 0
        signals?.evaluating = true
        for input in inputs {
            if let md = NotebookDocument.markdown(fromComments: input.before) {
                document.cells.append(.init(kind: .markdown, source: md))
            }
            cell = .init(kind: .code, source: input.text, count: kernel.line)
            let line = kernel.line
            // Evaluated and drawn in the kernel's session (pictures read symbols by name).
            let (result, shown) = kernel.session.run { () -> (Expr, NotebookDocument.Output?) in
                let result = kernel.evaluateInput(input.expr)
                guard !result.isNull else { return (result, nil) }
                return (result, .result(count: line, data: NotebookSession.bundle(result), metadata: NotebookSession.metadata(result)))
            }
            if result.isSymbol(Sym.Aborted) { status = 1 }
            if let shown { cell.outputs.append(shown) }
            document.cells.append(cell)
            if signals?.terminated == true { break }
        }
        if let md = NotebookDocument.markdown(fromComments: trailing) {
            document.cells.append(.init(kind: .markdown, source: md))
        }
        if let error {
            writeError("\(path): " + error.description)
            document.cells.append(.init(kind: .code, source: "", outputs: [.error(name: "Syntax", value: error.description, traceback: [error.description])]))
            status = 1
        }
        let stem = path.hasSuffix(".nets") ? String(path.dropLast(5)) : path
        do {
            if ipynb { try writeAtomically(Array(try document.ipynb()), to: stem + ".ipynb") }
            if html {
                let title = URL(fileURLWithPath: stem).lastPathComponent
                try writeAtomically(Array(document.html(title: title).utf8), to: stem + ".html")
            }
        } catch {
            writeError("nets: cannot write the notebook next to \(path): \(error)")
            return 1
        }
        return signals?.status ?? status
    }
}
