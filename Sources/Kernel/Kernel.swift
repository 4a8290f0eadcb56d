import Foundation
import Language

/// The builtin library bound to an evaluator: installs every topic's builtins, the general
/// messages and the `.nets` standard library, and keeps the session's In/Out history.
public final class Kernel {
    public let evaluator: Evaluator
    /// Results by line number, for `%`, `%n` and `Out[n]`.
    public private(set) var outputs: [Int: Expr] = [:]
    /// Command-line arguments of a script (`$ScriptCommandLine`).
    public var scriptCommandLine: [String] = [] {
        didSet { Symbol.intern("$ScriptCommandLine").ownValue = .strings(scriptCommandLine) }
    }

    /// Every builtin table, by topic.
    static var tables: [[Builtin]] {
        [arithmeticBuiltins, logicBuiltins, controlBuiltins, definitionBuiltins,
         functionalBuiltins, listBuiltins, associationBuiltins, stringBuiltins,
         symbolicBuiltins, patternBuiltins, randomBuiltins, fileBuiltins, ioBuiltins]
    }

    nonisolated(unsafe) private static var installed = false

    /// Symbols are shared by the whole process, so builtins and the standard library are
    /// installed once, by the first kernel; later kernels share them.
    public init() {
        evaluator = Evaluator()
        evaluator.messages.beforeWrite = { fflush(nil) }
        if !Kernel.installed {
            Kernel.installed = true
            Kernel.installBuiltins()
            loadStandardLibrary()
            Kernel.protectBuiltins()
        }
        Symbol.intern("$Line").ownValue = .integer(1)
        outputsSymbol()
    }

    /// Installs builtins on their symbols once per process.
    static func installBuiltins() {
        for table in tables {
            for b in table {
                let s = Symbol.intern(b.name)
                s.attributes = b.attributes
                s.usage = b.usage
                s.builtin = b.function
                if let sub = b.subValue { SubValueBuiltins.register(s, sub) }
                s.options = b.options.map { .rule(.sym($0.0), $0.1) }
            }
        }
        Symbol.intern("Infinity").ownValue = Expr(Sym.DirectedInfinity, .integer(1))
        Symbol.intern("ComplexInfinity").ownValue = Expr(Sym.DirectedInfinity)
        installMessages()
    }

    /// Protects every builtin and every symbol the standard library defined, once it is loaded.
    static func protectBuiltins() {
        for table in tables { for b in table { Symbol.intern(b.name).attributes.insert(.protected) } }
        for s in Symbol.all where s.usage != nil || s.hasDefinitions { s.attributes.insert(.protected) }
        for name in ["True", "False", "Null", "$Failed", "$Aborted", "All", "None", "Automatic",
                     "Infinity", "Indeterminate", "ComplexInfinity", "Pi", "E", "Degree", "I",
                     "Nothing", "Integer", "Real", "String", "Symbol", "Rational", "Complex",
                     "List", "Association", "Method", "LongForm"] {
            Symbol.intern(name).attributes.insert(.protected)
        }
        for name in ["Pi", "E", "Degree"] { Symbol.intern(name).attributes.insert(.constant) }
    }

    func outputsSymbol() {
        Symbol.intern("$ScriptCommandLine").ownValue = .list([])
        Symbol.intern("$Version").ownValue = .string("nets \(Kernel.version)")
        Symbol.intern("$RecursionLimit").ownValue = .integer(evaluator.recursionLimit)
        Symbol.intern("$IterationLimit").ownValue = .integer(evaluator.iterationLimit)
        Symbol.intern("$TemporaryDirectory").ownValue = .string(NSTemporaryDirectory().hasSuffix("/") ? String(NSTemporaryDirectory().dropLast()) : NSTemporaryDirectory())
        Symbol.intern("$HomeDirectory").ownValue = .string(NSHomeDirectory())
    }

    public static let version = "0.1.0"

    /// Evaluates the standard library: `.nets` files from `stdlib/`, embedded at build time.
    func loadStandardLibrary() {
        for (name, text) in stdlibSources {
            var parser = Parser(text)
            do {
                while let e = try parser.next() { _ = evaluator.evaluateTop(e) }
            } catch {
                evaluator.messages.sink("Get::stdlib: \(name): \(error)")
            }
        }
    }

    // MARK: Sessions

    /// The current input line number.
    public var line: Int { evaluator.line }

    /// Evaluates one top-level input as line n: records `In[n]` and `Out[n]`, advances `$Line`.
    public func evaluateInput(_ e: Expr) -> Expr {
        let n = evaluator.line
        let inSym = Sym.In
        inSym.exactDownValues[Expr(inSym, .integer(n))] = Definition(lhs: Expr(inSym, .integer(n)), rhs: e, delayed: true)
        let result = evaluator.evaluateTop(e)
        let outSym = Sym.Out
        let key = Expr(outSym, .integer(n))
        outSym.exactDownValues[key] = Definition(lhs: key, rhs: result, delayed: false)
        outputs[n] = result
        evaluator.line = n + 1
        Symbol.intern("$Line").ownValue = .integer(n + 1)
        return result
    }

    /// Parses and evaluates source text, returning the result of each top-level expression.
    public func run(_ source: String) throws -> [Expr] {
        try Parser.parseProgram(source).map(evaluateInput)
    }

    /// Clears the values of every symbol that is not protected: a fresh session without restarting
    /// the process (for tests).
    public func clearUserSymbols() {
        for s in Symbol.all where !s.attributes.contains(.protected) && !s.name.hasPrefix("$") {
            s.clearValues()
            s.attributes = []
        }
    }

    /// Evaluates source and returns the last result (for tests and `nets -c`).
    public func evaluate(_ source: String) throws -> Expr {
        try run(source).last ?? .null
    }
}
