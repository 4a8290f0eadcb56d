import Foundation

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
    public var ownValue: Expr? { didSet { Symbol.changed() } }
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
    nonisolated(unsafe) public private(set) static var generation: UInt32 = 1

    /// Whether any symbol has ever had up-values; until then evaluation skips looking for them.
    nonisolated(unsafe) public private(set) static var anyUpValues = false

    @inline(__always)
    static func changed() { generation &+= 1; if generation == 0 { generation = 1 } }
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

    nonisolated(unsafe) private static var table: [String: Symbol] = [:]
    private static let lock = NSLock()
    nonisolated(unsafe) private static var moduleCounter = 0

    /// The unique symbol with this name.
    public static func intern(_ name: String) -> Symbol {
        lock.lock()
        defer { lock.unlock() }
        if let s = table[name] { return s }
        let s = Symbol(name: name)
        s.patternKind = PatternKind(rawValue: name)
        table[name] = s
        return s
    }

    /// The symbol with this name if it exists already.
    public static func lookup(_ name: String) -> Symbol? {
        lock.lock()
        defer { lock.unlock() }
        return table[name]
    }

    /// All interned symbols (for completion and `?Net*`).
    public static var all: [Symbol] {
        lock.lock()
        defer { lock.unlock() }
        return Array(table.values)
    }

    /// A fresh local symbol `name$n` for `Module`.
    public static func temporary(_ base: String) -> Symbol {
        lock.lock()
        moduleCounter += 1
        let n = moduleCounter
        lock.unlock()
        let s = Symbol(name: "\(base)$\(n)", temporary: true)
        s.attributes = [.temporary]
        return s
    }
}

/// The heads that make an expression a pattern, as an enum so the matcher can switch on them.
public enum PatternKind: String, Sendable {
    case blank = "Blank", blankSequence = "BlankSequence", blankNullSequence = "BlankNullSequence"
    case pattern = "Pattern", patternTest = "PatternTest", condition = "Condition"
    case alternatives = "Alternatives", optional = "Optional", repeated = "Repeated"
    case repeatedNull = "RepeatedNull", except = "Except", optionsPattern = "OptionsPattern"
    case verbatim = "Verbatim", holdPattern = "HoldPattern"
}

extension Symbol: Hashable, CustomStringConvertible {
    public static func == (a: Symbol, b: Symbol) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
    public var description: String { name }
}

/// Symbols the evaluator and printers refer to directly.
public enum Sym {
    public static let List = Symbol.intern("List")
    public static let Plus = Symbol.intern("Plus")
    public static let Times = Symbol.intern("Times")
    public static let Power = Symbol.intern("Power")
    public static let Rational = Symbol.intern("Rational")
    public static let Integer = Symbol.intern("Integer")
    public static let Real = Symbol.intern("Real")
    public static let String = Symbol.intern("String")
    public static let SymbolHead = Symbol.intern("Symbol")
    public static let Complex = Symbol.intern("Complex")
    public static let Association = Symbol.intern("Association")
    public static let Rule = Symbol.intern("Rule")
    public static let RuleDelayed = Symbol.intern("RuleDelayed")
    public static let True = Symbol.intern("True")
    public static let False = Symbol.intern("False")
    public static let Null = Symbol.intern("Null")
    public static let Failed = Symbol.intern("$Failed")
    public static let Aborted = Symbol.intern("$Aborted")
    public static let Nothing = Symbol.intern("Nothing")
    public static let Sequence = Symbol.intern("Sequence")
    public static let Evaluate = Symbol.intern("Evaluate")
    public static let Unevaluated = Symbol.intern("Unevaluated")
    public static let Hold = Symbol.intern("Hold")
    public static let HoldForm = Symbol.intern("HoldForm")
    public static let HoldPattern = Symbol.intern("HoldPattern")
    public static let Function = Symbol.intern("Function")
    public static let Slot = Symbol.intern("Slot")
    public static let SlotSequence = Symbol.intern("SlotSequence")
    public static let Blank = Symbol.intern("Blank")
    public static let BlankSequence = Symbol.intern("BlankSequence")
    public static let BlankNullSequence = Symbol.intern("BlankNullSequence")
    public static let Pattern = Symbol.intern("Pattern")
    public static let PatternTest = Symbol.intern("PatternTest")
    public static let Condition = Symbol.intern("Condition")
    public static let Alternatives = Symbol.intern("Alternatives")
    public static let Optional = Symbol.intern("Optional")
    public static let Repeated = Symbol.intern("Repeated")
    public static let RepeatedNull = Symbol.intern("RepeatedNull")
    public static let Except = Symbol.intern("Except")
    public static let Verbatim = Symbol.intern("Verbatim")
    public static let OptionsPattern = Symbol.intern("OptionsPattern")
    public static let Set = Symbol.intern("Set")
    public static let SetDelayed = Symbol.intern("SetDelayed")
    public static let CompoundExpression = Symbol.intern("CompoundExpression")
    public static let MessageName = Symbol.intern("MessageName")
    public static let Part = Symbol.intern("Part")
    public static let Span = Symbol.intern("Span")
    public static let All = Symbol.intern("All")
    public static let None = Symbol.intern("None")
    public static let Automatic = Symbol.intern("Automatic")
    public static let Missing = Symbol.intern("Missing")
    public static let Out = Symbol.intern("Out")
    public static let In = Symbol.intern("In")
    public static let DirectedInfinity = Symbol.intern("DirectedInfinity")
    public static let Infinity = Symbol.intern("Infinity")
    public static let Indeterminate = Symbol.intern("Indeterminate")
    public static let Around = Symbol.intern("Around")
    public static let Information = Symbol.intern("Information")
    public static let Pi = Symbol.intern("Pi")
    public static let E = Symbol.intern("E")
}
