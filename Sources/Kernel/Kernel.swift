import Foundation
import Language
import Tensor

/// The builtin library bound to an evaluator: installs every topic's builtins, the general
/// messages and the `.nets` standard library, and keeps the session's In/Out history (as
/// definitions of `In` and `Out`).
public final class Kernel {
    public let evaluator: Evaluator
    /// Command-line arguments of a script (`$ScriptCommandLine`).
    public var scriptCommandLine: [String] = [] {
        didSet { Symbol.intern("$ScriptCommandLine").ownValue = .strings(scriptCommandLine) }
    }

    /// Every builtin table, by topic.
    static var tables: [[Builtin]] {
        [arithmeticBuiltins, logicBuiltins, controlBuiltins, definitionBuiltins,
         functionalBuiltins, listBuiltins, associationBuiltins, stringBuiltins,
         symbolicBuiltins, patternBuiltins, randomBuiltins, fileBuiltins, ioBuiltins,
         imageBuiltins, layerBuiltins, netBuiltins, trainingBuiltins, packageBuiltins, modelBuiltins, classifyBuiltins, measurementBuiltins, predictBuiltins]
    }

    nonisolated(unsafe) private static var installed = false

    /// Symbols are shared by the whole process, so builtins and the standard library are
    /// installed once, by the first kernel; later kernels share them.
    public init() {
        evaluator = Evaluator()
        evaluator.messages.beforeWrite = { fflush(nil) }
        evaluator.nativeCall = Kernel.applyNative
        if !Kernel.installed {
            Kernel.installed = true
            BLAS.configureThreads()
            Kernel.installBuiltins()
            loadStandardLibrary()
            Kernel.protectBuiltins()
        }
        Symbol.intern("$Line").ownValue = .integer(1)
        setSessionSymbols()
    }

    /// Installs builtins on their symbols once per process.
    static func installBuiltins() {
        for table in tables {
            for b in table {
                let s = Symbol.intern(b.name)
                if b.isOverload, let f = b.function {
                    let own = s.builtin
                    s.builtin = { c in try f(c) ?? own?(c) }
                    continue
                }
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

    /// `$Version`, `$ScriptCommandLine`, the limits and the directories a session starts with.
    func setSessionSymbols() {
        Symbol.intern("$ScriptCommandLine").ownValue = .list([])
        Symbol.intern("$Version").ownValue = .string("nets \(Kernel.version)")
        Symbol.intern("$RecursionLimit").ownValue = .integer(evaluator.recursionLimit)
        Symbol.intern("$IterationLimit").ownValue = .integer(evaluator.iterationLimit)
        let tmp = NSTemporaryDirectory()
        Symbol.intern("$TemporaryDirectory").ownValue = .string(tmp.hasSuffix("/") ? String(tmp.dropLast()) : tmp)
        Symbol.intern("$HomeDirectory").ownValue = .string(NSHomeDirectory())
        Symbol.intern("$NetsHome").ownValue = .string(PackageCache.home)
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
        evaluator.line = n + 1
        Symbol.intern("$Line").ownValue = .integer(n + 1)
        return result
    }

    /// Parses source one top-level expression at a time and evaluates each as a numbered input,
    /// handing `each` the line number and the result, so the expressions before a syntax error
    /// still run. Returns the syntax error, if there is one.
    @discardableResult
    public func evaluateEach(_ source: String, _ each: (_ line: Int, _ result: Expr) -> Void) -> ParseError? {
        var parser = Parser(source)
        while true {
            let next: Expr?
            do {
                next = try parser.next()
            } catch let error as ParseError {
                return error
            } catch {
                return nil  // the parser throws nothing else
            }
            guard let e = next else { return nil }
            let n = line
            each(n, evaluateInput(e))
        }
    }

    /// Clears the values of every symbol that is not protected: a fresh session without restarting
    /// the process (for tests).
    public func clearUserSymbols() {
        for s in Symbol.all where !s.attributes.contains(.protected) && !s.name.hasPrefix("$") {
            s.clearValues()
            s.attributes = []
        }
    }

}
