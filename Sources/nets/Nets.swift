import ArgumentParser
import Foundation
import CoreKernel
import LearnKernel
import NetsKernel
import Language

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

            nets -c 'code' evaluates code and prints only the final result.

            Exit status: 0 on success, 1 after a syntax error or an uncaught abort, 2 for bad \
            command-line use.
            """,
        version: Kernel.version)

    @Option(name: .customShort("c"), help: ArgumentHelp("Evaluate code and print the final result only.", valueName: "code"))
    var code: String?

    @Flag(name: .long, help: "Print script results bare, without Out[n]= labels.")
    var plain = false

    @Argument(help: "A .nets script to run, and arguments for it (everything after the script is passed to it).")
    var script: [String] = []

    mutating func run() throws {
        let code = self.code, script = self.script, plain = self.plain
        let status = Shared<Int32>(0)
        runOnLargeStack {
            let kernel = Kernel(libraries: [NetsLibrary.self, LearnLibrary.self])
            let front = FrontEnd(kernel: kernel)
            if let code {
                status.value = front.runOneShot(code)
            } else if let file = script.first {
                kernel.scriptCommandLine = script
                status.value = front.runScriptFile(file, plain: plain)
            } else if isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 {
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

    /// Splits the command line at the script: options before it are nets's own, everything after
    /// it belongs to the script (`$ScriptCommandLine`), even words that look like options.
    static func splitArguments(_ args: [String]) -> (own: [String], script: [String]) {
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--" { return (Array(args[..<i]), Array(args[(i + 1)...])) }
            if a == "-c" { i += 2; continue }
            if !a.hasPrefix("-") || a == "-" { return (Array(args[..<i]), Array(args[i...])) }
            i += 1
        }
        return (args, [])
    }

    static func main() {
        do {
            let (own, scriptArgs) = splitArguments(Array(CommandLine.arguments.dropFirst()))
            var command = try parseAsRoot(own)
            guard var nets = command as? Nets else {
                try command.run()
                return
            }
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
