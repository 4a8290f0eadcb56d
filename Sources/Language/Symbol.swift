import Foundation
import Synchronization

/// The attributes of a symbol, as `Attributes[f]` lists them.
public struct Attributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let holdFirst = Attributes(rawValue: 1 << 0)
    public static let holdRest = Attributes(rawValue: 1 << 1)
    public static let holdAll: Attributes = [.holdFirst, .holdRest]
    public static let holdAllComplete = Attributes(rawValue: 1 << 2)
    public static let flat = Attributes(rawValue: 1 << 3)
    public static let orderless = Attributes(rawValue: 1 << 4)
    public static let oneIdentity = Attributes(rawValue: 1 << 5)
    public static let listable = Attributes(rawValue: 1 << 6)
    public static let numericFunction = Attributes(rawValue: 1 << 7)
    public static let protected = Attributes(rawValue: 1 << 8)
    public static let locked = Attributes(rawValue: 1 << 9)
    public static let sequenceHold = Attributes(rawValue: 1 << 10)
    public static let temporary = Attributes(rawValue: 1 << 11)
    public static let readProtected = Attributes(rawValue: 1 << 12)
    public static let nHoldAll = Attributes(rawValue: 1 << 13)
    public static let constant = Attributes(rawValue: 1 << 14)

    /// Names in the order `Attributes[f]` prints them (alphabetical, as in the Wolfram Language).
    public static let names: [(String, Attributes)] = [
        ("Constant", .constant), ("Flat", .flat), ("HoldAll", .holdAll),
        ("HoldAllComplete", .holdAllComplete), ("HoldFirst", .holdFirst), ("HoldRest", .holdRest),
        ("Listable", .listable), ("Locked", .locked), ("NHoldAll", .nHoldAll),
        ("NumericFunction", .numericFunction), ("OneIdentity", .oneIdentity),
        ("Orderless", .orderless), ("Protected", .protected), ("ReadProtected", .readProtected),
        ("SequenceHold", .sequenceHold), ("Temporary", .temporary),
    ]

    public static func named(_ name: String) -> Attributes? {
        names.first { $0.0 == name }?.1
    }

    public var nameList: [String] {
        Attributes.names.compactMap { name, a in
            if a == .holdAll { return isSuperset(of: .holdAll) ? name : nil }
            if a == .holdFirst || a == .holdRest {
                return contains(a) && !isSuperset(of: .holdAll) ? name : nil
            }
            return contains(a) ? name : nil
        }
    }
}

/// A rewrite rule stored on a symbol: a definition `lhs := rhs` or `lhs = rhs`.
public struct Definition {
    public var lhs: Expr
    public var rhs: Expr
    public var delayed: Bool
    public init(lhs: Expr, rhs: Expr, delayed: Bool) {
        self.lhs = lhs
        self.rhs = rhs
        self.delayed = delayed
    }
}

/// What a builtin returns: a new expression, or `nil` when it does not apply (the expression stays
/// as it is, unevaluated).
public typealias BuiltinFunction = (Call) throws -> Expr?

/// A named symbol with its values. Symbols are interned: one object per name.
///
/// `@unchecked Sendable`: symbols are mutated only by the evaluator, which runs on one thread at a
/// time; interning is guarded by a lock.
public final class Symbol: @unchecked Sendable {
    public let name: String
    public var attributes: Attributes = [] { didSet { Symbol.changed() } }
    /// The value `x = v` gave. The process's symbols that the libraries' code names but that are
    /// not constants of theirs (the iterator `k` of a `Table` in a standard-library function, or a
    /// working variable like `$$busy`) keep the value their library gave them for every session,
    /// but what a session assigns, `Block`s or iterates is that session's own: sessions evaluating
    /// the same library function at the same time on other threads neither see nor overwrite it.
    public var ownValue: Expr? {
        get {
            if isSessionValued, let session = Session.current, let v = session.values[ObjectIdentifier(self)] { return v }
            return storedOwnValue
        }
        set {
            if isSessionValued, let session = Session.current {
                session.values.updateValue(newValue, forKey: ObjectIdentifier(self))
            } else {
                storedOwnValue = newValue
            }
            Symbol.changed()
        }
    }
    private var storedOwnValue: Expr?
    /// Whether the symbol's value belongs to each session (see `ownValue`): the process's
    /// symbols other than system ones, and system ones whose name starts with `$$`.
    private var isSessionValued = false
    /// Definitions whose left side has no pattern, looked up by the whole expression.
    public var exactDownValues: [Expr: Definition] = [:] { didSet { Symbol.changed() } }
    /// Definitions with patterns, most specific first.
    public var downValues: [Definition] = [] { didSet { Symbol.changed() } }
    public var upValues: [Definition] = [] {
        didSet {
            Symbol.changed()
            if !upValues.isEmpty { Symbol.anyUpValues = true }
        }
    }
    public var subValues: [Definition] = [] { didSet { Symbol.changed() } }
    public var exactSubValues: [Expr: Definition] = [:] { didSet { Symbol.changed() } }

    /// Counts changes to any symbol's values. An expression found to be a fixed point remembers
    /// the generation, and is not evaluated again until some definition changes.
    /// Atomic, because sessions in one process may change definitions at the same time.
    public static var generation: UInt32 { generationCounter.load(ordering: .relaxed) }
    private static let generationCounter = Atomic<UInt32>(1)

    /// Whether any symbol has ever had up-values; until then evaluation skips looking for them.
    nonisolated(unsafe) public private(set) static var anyUpValues = false

    @inline(__always)
    static func changed() {
        if generationCounter.wrappingAdd(1, ordering: .relaxed).newValue == 0 { generationCounter.store(1, ordering: .relaxed) }
    }

    /// Invalidates every remembered fixed point (a session was reset).
    static func noteChange() { changed() }

    /// Whether the symbol belongs to the installed libraries and is shared by every session.
    public private(set) var isSystem = false
    /// Messages `f::tag`, by tag.
    public var messages: [String: String] = [:]
    /// Value of `Default[f]`, used by `x_.`.
    public var defaultValue: Expr? { didSet { Symbol.changed() } }
    /// `Options[f]`.
    public var options: [Expr] = []
    public var builtin: BuiltinFunction?
    /// Usage text shown by `?f`.
    public var usage: String?
    /// True for symbols created by `Module` (not interned).
    public let isTemporary: Bool

    /// True for the pattern-object heads.
    public var isPatternHead: Bool { patternKind != nil }

    /// Which pattern object this symbol heads, if any (Blank, Pattern, Condition...).
    public private(set) var patternKind: PatternKind?

    init(name: String, temporary: Bool = false) {
        self.name = name
        self.isTemporary = temporary
        self.patternKind = PatternKind(rawValue: name)
    }

    public var hasDefinitions: Bool {
        ownValue != nil || !exactDownValues.isEmpty || !downValues.isEmpty || !upValues.isEmpty
            || !subValues.isEmpty || !exactSubValues.isEmpty
    }

    /// Removes all values (not attributes, messages or the builtin), as `Clear` does.
    public func clearValues() {
        ownValue = nil
        exactDownValues = [:]
        downValues = []
        upValues = []
        subValues = []
        exactSubValues = [:]
        defaultValue = nil
    }

    // MARK: Interning

    /// The process's symbols: the system symbols, and names used outside any session (while the
    /// libraries load). A session's own names live in its table (see `Session`).
    nonisolated(unsafe) private static var table: [String: Symbol] = [:]
    private static let lock = NSLock()
    nonisolated(unsafe) private static var moduleCounter = 0

    static func withTableLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// The symbol with this name in the calling thread's session: a system symbol, else the
    /// session's own (made on first use), else, outside any session, the process's.
    public static func intern(_ name: String) -> Symbol {
        var created = false
        return intern(name, created: &created)
    }

    /// `intern`, telling whether the calling thread's session made the symbol just now.
    static func intern(_ name: String, created: inout Bool) -> Symbol {
        lock.lock()
        defer { lock.unlock() }
        let global = table[name]
        if let global, global.isSystem { return global }
        guard let session = Session.current else {
            if let global { return global }
            let s = Symbol(name: name)
            s.isSessionValued = true
            table[name] = s
            return s
        }
        if let s = session.table[name] { return s }
        let s = Symbol(name: name)
        if let global, Session.perSessionNames.contains(name) { s.copyDeclarations(of: global) }
        session.table[name] = s
        created = true
        return s
    }

    /// Called with each symbol the parser makes in a session (a name seen there for the first
    /// time), before the input is evaluated: the core library checks its spelling
    /// (`General::spell1`). Set once, when the library is installed.
    nonisolated(unsafe) public static var onNewSymbol: ((Symbol) -> Void)?

    /// The symbol the parser means by a name: interned, and handed to `onNewSymbol` when the
    /// session had no symbol of that name yet.
    static func parsed(_ name: String) -> Symbol {
        var created = false
        let s = intern(name, created: &created)
        if created, let hook = onNewSymbol { hook(s) }
        return s
    }

    /// The symbol with this name if it exists already (in the calling thread's session or the
    /// process).
    public static func lookup(_ name: String) -> Symbol? {
        lock.lock()
        defer { lock.unlock() }
        let global = table[name]
        if let global, global.isSystem { return global }
        return Session.current?.table[name] ?? global
    }

    /// How many symbols the calling thread's session has made (0 outside a session).
    public static var sessionSymbolCount: Int {
        guard let session = Session.current else { return 0 }
        return withTableLock { session.table.count }
    }

    /// The calling thread's session's own symbols (none outside a session).
    public static var sessionSymbols: [Symbol] { Session.current?.symbols ?? [] }

    /// The symbols visible from the calling thread: the system symbols and the current session's
    /// own (for completion, `Names` and `?Net*`).
    public static var all: [Symbol] {
        lock.lock()
        defer { lock.unlock() }
        guard let session = Session.current else { return Array(table.values) }
        return table.values.filter(\.isSystem) + session.table.values
    }

    /// Marks the process's symbols as system symbols, shared by every session: those with a
    /// builtin, a usage text, definitions, attributes, options or messages, and names with a `$`.
    /// Called once the libraries are loaded; names they only mentioned (pattern variables like `x`)
    /// stay out, so each session's `x` is its own.
    /// `isSystemName` names the language's own system names (Wolfram's `Flat`, `Reals`, `Heads`): a
    /// library that only mentions one (`MemberQ[Attributes[g], Flat]`) must mean the symbol a user
    /// types, so it is shared too.
    public static func sealSystem(isSystemName: (String) -> Bool = { _ in false }) {
        lock.lock()
        defer { lock.unlock() }
        for s in table.values where !s.isSystem && !Session.perSessionNames.contains(s.name) {
            if s.builtin != nil || s.usage != nil || s.hasDefinitions || !s.attributes.isEmpty || !s.options.isEmpty
                || !s.messages.isEmpty || s.defaultValue != nil || s.name.hasPrefix("$") || s.patternKind != nil
                || Attributes.named(s.name) != nil || isSystemName(s.name) {
                s.isSystem = true
                s.isSessionValued = s.name.hasPrefix("$$")
            }
        }
    }

    /// The process's symbol with this name, marked as a system symbol (for the constants the
    /// evaluator and printers refer to directly, `Sym`).
    public static func system(_ name: String) -> Symbol {
        lock.lock()
        defer { lock.unlock() }
        let s = table[name] ?? Symbol(name: name)
        table[name] = s
        s.isSystem = true
        s.isSessionValued = name.hasPrefix("$$")
        return s
    }

    /// Takes the attributes, usage, messages, options and builtin of a system symbol (a session's
    /// own copy of a per-session name).
    private func copyDeclarations(of s: Symbol) {
        attributes = s.attributes
        usage = s.usage
        messages = s.messages
        options = s.options
        builtin = s.builtin
        ownValue = s.ownValue
    }

    /// A fresh local symbol `name$n` for `Module`, numbered by `nextModuleNumber()` unless a
    /// number is given (one Module call numbers all its variables alike, as Wolfram does).
    public static func temporary(_ base: String, number: Int? = nil) -> Symbol {
        let n = number ?? nextModuleNumber()
        let s = Symbol(name: "\(base)$\(n)", temporary: true)
        s.attributes = [.temporary]
        return s
    }

    /// Takes the next serial number for local symbols (`$ModuleNumber` is the one after it).
    public static func nextModuleNumber() -> Int {
        lock.lock()
        defer { lock.unlock() }
        moduleCounter += 1
        return moduleCounter
    }

    /// The serial number the next local symbol gets (`$ModuleNumber`).
    public static var moduleNumber: Int {
        lock.lock()
        defer { lock.unlock() }
        return moduleCounter + 1
    }

    /// A value computed when the symbol is evaluated and has no value of its own
    /// (`$ModuleNumber`); nil for nearly every symbol.
    public var computedValue: (() -> Expr)?
}

/// The heads that make an expression a pattern, as an enum so the matcher can switch on them.
public enum PatternKind: String, Sendable {
    case blank = "Blank", blankSequence = "BlankSequence", blankNullSequence = "BlankNullSequence"
    case pattern = "Pattern", patternTest = "PatternTest", condition = "Condition"
    case alternatives = "Alternatives", optional = "Optional", repeated = "Repeated"
    case repeatedNull = "RepeatedNull", except = "Except", optionsPattern = "OptionsPattern"
    case verbatim = "Verbatim", holdPattern = "HoldPattern"
    case patternSequence = "PatternSequence", keyValuePattern = "KeyValuePattern"
    case longest = "Longest", shortest = "Shortest"
}

extension Symbol: Hashable, CustomStringConvertible {
    public static func == (a: Symbol, b: Symbol) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
    public var description: String { name }
}

/// Symbols the evaluator and printers refer to directly.
public enum Sym {
    public static let List = Symbol.system("List")
    public static let Plus = Symbol.system("Plus")
    public static let Times = Symbol.system("Times")
    public static let Power = Symbol.system("Power")
    public static let Rational = Symbol.system("Rational")
    public static let Integer = Symbol.system("Integer")
    public static let Real = Symbol.system("Real")
    public static let String = Symbol.system("String")
    public static let SymbolHead = Symbol.system("Symbol")
    public static let Complex = Symbol.system("Complex")
    public static let Association = Symbol.system("Association")
    public static let Rule = Symbol.system("Rule")
    public static let RuleDelayed = Symbol.system("RuleDelayed")
    public static let True = Symbol.system("True")
    public static let False = Symbol.system("False")
    public static let Null = Symbol.system("Null")
    public static let Failed = Symbol.system("$Failed")
    public static let Aborted = Symbol.system("$Aborted")
    public static let Nothing = Symbol.system("Nothing")
    public static let Sequence = Symbol.system("Sequence")
    public static let Evaluate = Symbol.system("Evaluate")
    public static let Unevaluated = Symbol.system("Unevaluated")
    public static let Hold = Symbol.system("Hold")
    public static let HoldForm = Symbol.system("HoldForm")
    public static let HoldPattern = Symbol.system("HoldPattern")
    public static let Function = Symbol.system("Function")
    public static let Slot = Symbol.system("Slot")
    public static let SlotSequence = Symbol.system("SlotSequence")
    public static let Blank = Symbol.system("Blank")
    public static let BlankSequence = Symbol.system("BlankSequence")
    public static let BlankNullSequence = Symbol.system("BlankNullSequence")
    public static let Pattern = Symbol.system("Pattern")
    public static let PatternTest = Symbol.system("PatternTest")
    public static let Condition = Symbol.system("Condition")
    public static let Alternatives = Symbol.system("Alternatives")
    public static let Optional = Symbol.system("Optional")
    public static let Repeated = Symbol.system("Repeated")
    public static let RepeatedNull = Symbol.system("RepeatedNull")
    public static let Except = Symbol.system("Except")
    public static let Verbatim = Symbol.system("Verbatim")
    public static let OptionsPattern = Symbol.system("OptionsPattern")
    public static let Set = Symbol.system("Set")
    public static let SetDelayed = Symbol.system("SetDelayed")
    public static let CompoundExpression = Symbol.system("CompoundExpression")
    public static let MessageName = Symbol.system("MessageName")
    public static let Part = Symbol.system("Part")
    public static let Span = Symbol.system("Span")
    public static let All = Symbol.system("All")
    public static let None = Symbol.system("None")
    public static let Automatic = Symbol.system("Automatic")
    public static let Missing = Symbol.system("Missing")
    public static let Out = Symbol.system("Out")
    public static let In = Symbol.system("In")
    public static let DirectedInfinity = Symbol.system("DirectedInfinity")
    public static let Infinity = Symbol.system("Infinity")
    public static let Indeterminate = Symbol.system("Indeterminate")
    public static let Around = Symbol.system("Around")
    public static let Information = Symbol.system("Information")
    public static let Pi = Symbol.system("Pi")
    public static let E = Symbol.system("E")
}
