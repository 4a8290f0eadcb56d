import ArgumentParser
import Foundation
import CoreKernel
import LearnKernel
import NetsKernel
import Language
import Tensor

/// The `nets` command: a REPL, a script runner and a one-shot evaluator, with wolframscript's
/// conventions.
@main
struct Nets: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nets",
        abstract: "The Wolfram Language's neural-network idioms, interpreted.",
        discussion: """
            With no arguments on a terminal, nets starts an interactive session (In[n]:= prompts). \
            When standard input is not a terminal it is read as a script, without prompts.

            nets FILE.nets [args...] runs a script: every top-level result that is not Null is \
            printed like a notebook cell (Out[n]= ...), with Print output and messages in order. \
            The arguments are available as $ScriptCommandLine.

            nets -c 'code' evaluates code and prints only the final result, as wolframscript -code \
            does: in InputForm (2*x, 3.141592653589793), a string as its bare text, a form such as \
            FullForm[...] or TableForm[...] as that form. The word after -c is always the code, even \
            when it starts with a dash. -- ends the options: nets -- -x.nets \
            runs the script -x.nets.

            In scripts and -c, SIGINT (Ctrl-C) aborts the current evaluation (NetTrain returns \
            the net trained so far) and the script goes on; SIGTERM aborts it and stops the script. \
            nets then exits with 130 (SIGINT) or 143 (SIGTERM); a second signal exits at once.

            nets kernel --connection-file FILE runs nets as a Jupyter kernel (the messaging \
            protocol over ZeroMQ); nets install-kernel [--prefix DIR] writes its kernel spec where \
            Jupyter finds it (~/.local/share/jupyter/kernels/nets by default).

            Exit status: 0 on success, 1 after a syntax error or an uncaught abort, 2 for bad \
            command-line use, 130 or 143 after SIGINT or SIGTERM.
            """,
        version: Kernel.version)

    @Option(name: .customShort("c"), help: ArgumentHelp("Evaluate code and print the final result only.", valueName: "code"))
    var code: String?

    @Flag(name: .long, help: "Print script results bare, without Out[n]= labels.")
    var plain = false

    @Flag(name: .long, help: "Run the script into a notebook: write FILE.ipynb beside FILE.nets, one cell per input with its outputs.")
    var notebook = false

    @Flag(name: .long, help: "Run the script into a self-contained HTML page, FILE.html (with --notebook, both).")
    var html = false

    @Argument(help: "A .nets script to run, and arguments for it (everything after the script is passed to it).")
    var script: [String] = []

    mutating func run() throws {
        try Nets.run(code: code, script: script, plain: plain, notebook: notebook, html: html)
    }

    static func run(code: String?, script: [String], plain: Bool, notebook: Bool, html: Bool) throws {
        let status = Shared<Int32>(0)
        runOnLargeStack {
            let kernel = Kernel(libraries: [NetsLibrary.self, LearnLibrary.self])
            let interactive = code == nil && script.isEmpty && isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0
            let signals = interactive ? nil : ScriptSignals(interrupt: kernel.evaluator.interrupt)
            signals?.start()
            kernel.evaluator.keepsPendingInterrupt = !interactive
            let front = FrontEnd(kernel: kernel, signals: signals)
            if let code {
                status.value = front.runOneShot(code)
            } else if let file = script.first, notebook || html {
                kernel.scriptCommandLine = script
                status.value = front.runNotebook(file, ipynb: notebook, html: html)
            } else if let file = script.first {
                kernel.scriptCommandLine = script
                status.value = front.runScriptFile(file, plain: plain)
            } else if interactive {
                status.value = REPL(kernel: kernel).run()
            } else {
                let data = FileHandle.standardInput.readDataToEndOfFile()
                let text = String(decoding: data, as: UTF8.self)
                status.value = front.runScript(text, name: "stdin", plain: plain)
            }
        }
        fflush(nil)
        if status.value != 0 { throw ExitCode(status.value) }
    }

    /// Splits the command line: the word after `-c` is the code, whatever it looks like; the
    /// script is the first word that is not an option, or the word after `--`; options before it
    /// are nets's own, and everything after it belongs to the script (`$ScriptCommandLine`), even
    /// words that look like options.
    static func splitArguments(_ args: [String]) -> (own: [String], code: String?, script: [String]) {
        var own: [String] = []
        var code: String?
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--" { return (own, code, Array(args[(i + 1)...])) }
            if a == "-c" && i + 1 < args.count {
                code = args[i + 1]
                i += 2
                continue
            }
            if !a.hasPrefix("-") || a == "-" { return (own, code, Array(args[i...])) }
            // A lone -c at the end stays for the parser, which reports its missing value.
            own.append(a)
            i += 1
        }
        return (own, code, [])
    }

    static func main() {
        BLAS.restartWithBetterKernels()
        let arguments = Array(CommandLine.arguments.dropFirst())
        // Subcommands for Jupyter (a script named `kernel` runs as `nets -- kernel` or `./kernel`).
        switch arguments.first {
        case "kernel": Foundation.exit(NotebookCommands.kernel(Array(arguments.dropFirst())))
        case "install-kernel": Foundation.exit(NotebookCommands.install(Array(arguments.dropFirst())))
        default: break
        }
        do {
            let (own, code, scriptArgs) = splitArguments(Array(CommandLine.arguments.dropFirst()))
            // With no options of nets's own (`nets -c code`, `nets script.nets`, the REPL) there is
            // nothing for ArgumentParser to parse, and its set-up (reflection over the command's
            // fields) is a noticeable part of start-up.
            if own.isEmpty {
                try run(code: code, script: scriptArgs, plain: false, notebook: false, html: false)
                return
            }
            var command = try parseAsRoot(own)
            guard var nets = command as? Nets else {
                try command.run()
                return
            }
            if let code { nets.code = code }
            nets.script = scriptArgs
            try nets.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode {
                exit(withError: error)
            }
            FileHandle.standardError.write((fullMessage(for: error) + "\n").data(using: .utf8) ?? Data())
            Foundation.exit(2)
        }
    }
}
