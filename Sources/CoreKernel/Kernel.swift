import Foundation
import Language

/// A room of the builtin library: CoreKernel's `CoreLibrary` (the language's library),
/// NetsKernel's `NetsLibrary`, LearnKernel's `LearnLibrary`. Each brings its builtin records,
/// its messages and its `.nets` standard library; a kernel installs the libraries it is given.
public protocol Library {
    /// The library's name, as `$Libraries` lists it.
    static var name: String { get }
    /// Libraries that must be installed first.
    static var requires: [any Library.Type] { get }
    /// The builtin records of every topic file.
    static var builtins: [Builtin] { get }
    /// Messages of symbols that are not builtins of this library (`General::tag`, `$RecursionLimit::reclim`).
    static var messages: [String: [String: String]] { get }
    /// The file formats `Import` and `Export` read and write through this library.
    static var formats: [FileFormat] { get }
    /// The `.nets` standard library, embedded at build time from `stdlib/TARGET/`.
    static var sources: [(name: String, text: String)] { get }
    /// The same files parsed at build time, by name (see `ParsedForm`): what start-up reads.
    static var parsedSources: [String: String] { get }
    /// Process-wide set-up that is not a builtin (thread counts, hooks).
    static func setUp()
    /// The library's topics of `Guide`, and the related names `?name` shows.
    static var guide: [GuideTopic] { get }
}

extension Library {
    public static var requires: [any Library.Type] { [] }
    public static var messages: [String: [String: String]] { [:] }
    public static var formats: [FileFormat] { [] }
    public static var parsedSources: [String: String] { [:] }
    public static func setUp() {}
    public static var guide: [GuideTopic] { [] }
}

/// The language's own library: lists, strings, associations, patterns, numbers, control,
/// definitions, files. Knows no tensors.
public enum CoreLibrary: Library {
    public static let name = "CoreKernel"
    public static var builtins: [Builtin] {
        [Kernel.arithmeticBuiltins, Kernel.logicBuiltins, Kernel.controlBuiltins, Kernel.definitionBuiltins,
         Kernel.functionalBuiltins, Kernel.listBuiltins, Kernel.associationBuiltins, Kernel.stringBuiltins,
         Kernel.symbolicBuiltins, Kernel.patternBuiltins, Kernel.randomBuiltins, Kernel.fileBuiltins,
         Kernel.ioBuiltins, Kernel.specialFunctionBuiltins, Kernel.formBuiltins, Kernel.messageSwitchBuiltins,
         Kernel.sowReapBuiltins, Kernel.paddingBuiltins, Kernel.arrayPaddingBuiltins, Kernel.inactiveBuiltins, Kernel.moreStringBuiltins, Kernel.integerBuiltins,
         Kernel.stringPatternBuiltins, Kernel.guideBuiltins, Kernel.layoutFormBuiltins, Kernel.inputBuiltins,
         Kernel.dateBuiltins, Kernel.characterNameBuiltins, Kernel.complexBuiltins,
         Kernel.precisionBuiltins,
         Kernel.tracingBuiltins].flatMap { $0 }
    }
    public static var messages: [String: [String: String]] {
        Kernel.specificMessages.merging(["General": Kernel.generalMessages]) { a, _ in a }
    }
    public static var formats: [FileFormat] { coreFormats }
    public static var guide: [GuideTopic] { Kernel.coreGuide }
    /// The standard library to evaluate: all but the Wolfram names, which `Spelling` reads as
    /// data when it first needs them.
    public static var sources: [(name: String, text: String)] { stdlibSources.filter { $0.name != Spelling.namesFile } }
    public static var parsedSources: [String: String] { stdlibParsed }
    public static func setUp() {
        Spelling.install()
        Forms.install()
    }
}

/// The builtin library bound to an evaluator: installs the libraries' builtins, messages and
/// `.nets` standard libraries, and keeps the session's In/Out history (as definitions of `In`
/// and `Out`).
public final class Kernel {
    public let evaluator: Evaluator
    /// The kernel's own symbols and history: kernels in one process do not share definitions.
    public let session = Session()
    /// Command-line arguments of a script (`$ScriptCommandLine`).
    public var scriptCommandLine: [String] = [] {
        didSet { session.run { Symbol.intern("$ScriptCommandLine").ownValue = .strings(scriptCommandLine) } }
    }

    /// Libraries installed in this process, by name. Symbols are shared by the whole process, so
    /// each library's builtins and standard library are installed once, by the first kernel that
    /// asks for it; later kernels share them.
    nonisolated(unsafe) private static var installed: Set<String> = []
    private static let installLock = NSLock()

    /// A kernel with the core library and the given libraries (and what they require).
    public init(libraries: [any Library.Type] = []) {
        evaluator = Evaluator()
        evaluator.messages.beforeWrite = { fflush(nil) }
        evaluator.nativeCall = { c, v in try (v as? CallableValue)?.apply(c) }
        Kernel.installLock.lock()
        for library in Kernel.closure([CoreLibrary.self] + libraries) where !Kernel.installed.contains(library.name) {
            Kernel.installed.insert(library.name)
            library.setUp()
            Kernel.install(library)
            loadStandardLibrary(library)
            Kernel.protect(library)
            Symbol.sealSystem(isSystemName: Spelling.isWolframName)
        }
        Kernel.installLock.unlock()
        session.run { setSessionSymbols() }
    }

    /// The libraries with everything they require, requirements first.
    static func closure(_ libraries: [any Library.Type]) -> [any Library.Type] {
        var out: [any Library.Type] = []
        func add(_ l: any Library.Type) {
            guard !out.contains(where: { $0.name == l.name }) else { return }
            for r in l.requires { add(r) }
            out.append(l)
        }
        for l in libraries { add(l) }
        return out
    }

    /// Installs a library's builtins on their symbols, and its messages.
    static func install(_ library: any Library.Type) {
        for b in library.builtins { b.install() }
        Guide.register(library.guide)
        if library == CoreLibrary.self {
            Symbol.intern("Infinity").ownValue = Expr(Sym.DirectedInfinity, .integer(1))
            Symbol.intern("ComplexInfinity").ownValue = Expr(Sym.DirectedInfinity)
            Symbol.intern("I").ownValue = ComplexNumbers.i
        }
        for (name, table) in library.messages {
            let s = Symbol.intern(name)
            for (tag, text) in table { s.messages[tag] = text }
        }
        FileFormats.register(library.formats)
        FileFormats.describe()
    }

    /// Protects a library's builtins and every symbol its standard library defined.
    static func protect(_ library: any Library.Type) {
        for b in library.builtins { Symbol.intern(b.name).attributes.insert(.protected) }
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
        Symbol.intern("$Line").ownValue = .integer(evaluator.line)
        Symbol.intern("$ModuleNumber").computedValue = { .integer(Symbol.moduleNumber) }
        Symbol.intern("$ScriptCommandLine").ownValue = .strings(scriptCommandLine)
        Symbol.intern("$Version").ownValue = .string("nets \(Kernel.version)")
        Symbol.intern("$RecursionLimit").ownValue = .integer(evaluator.recursionLimit)
        Symbol.intern("$IterationLimit").ownValue = .integer(evaluator.iterationLimit)
        Symbol.intern("$OutputSizeLimit").ownValue = .integer(OutputCell.defaultSizeLimit)
        let tmp = NSTemporaryDirectory()
        Symbol.intern("$TemporaryDirectory").ownValue = .string(tmp.hasSuffix("/") ? String(tmp.dropLast()) : tmp)
        Symbol.intern("$HomeDirectory").ownValue = .string(NSHomeDirectory())
        Symbol.intern("$Libraries").ownValue = .strings(Kernel.installed.sorted())
        Symbol.intern("$Libraries").usage = "$Libraries lists the kernel libraries installed: CoreKernel, NetsKernel, LearnKernel."
    }

    public static let version = "0.1.0"

    /// Evaluates a library's standard library: `.nets` files embedded at build time, read in the
    /// form the build parsed them to (the text is parsed only if that form is missing or unreadable).
    func loadStandardLibrary(_ library: any Library.Type) {
        let parsed = library.parsedSources
        for (name, text) in library.sources {
            if let form = parsed[name], let program = ParsedForm.decode(form) {
                for e in program.exprs { _ = evaluator.evaluateTop(e) }
                if let error = program.error { evaluator.messages.sink("Get::stdlib: \(name): \(error)") }
                continue
            }
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
        session.run {
            let n = evaluator.line
            session.inputs[n] = e
            let result = evaluator.evaluateTop(e)
            session.outputs[n] = result
            evaluator.line = n + 1
            Symbol.intern("$Line").ownValue = .integer(n + 1)
            return result
        }
    }

    /// Parses source one top-level expression at a time and evaluates each as a numbered input,
    /// handing `each` the line number and the result, so the expressions before a syntax error
    /// still run. Returns the syntax error, if there is one.
    @discardableResult
    public func evaluateEach(_ source: String, _ each: (_ line: Int, _ result: Expr) -> Void) -> ParseError? {
        session.run { evaluateEachInSession(source, each) }
    }

    private func evaluateEachInSession(_ source: String, _ each: (_ line: Int, _ result: Expr) -> Void) -> ParseError? {
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

    /// Forgets every definition the session made: a fresh session without restarting the
    /// process (for tests). The history and line number go on.
    public func clearUserSymbols() {
        session.reset()
        session.run { setSessionSymbols() }
    }

}
