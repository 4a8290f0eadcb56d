import BigInt
import OrderedCollections
import Synchronization

/// A value of the language: an atom or a normal expression `head[args...]`.
///
/// Every expression is one of these cases; operators are not cases of their own (`a + b` is the
/// normal expression `Plus[a, b]`), so `FullForm`, `Part[e, 0]` and pattern matching treat all
/// expressions alike.
public enum Expr: @unchecked Sendable {
    /// A machine integer; values that overflow are promoted to `bigInteger`.
    case integer(Int)
    /// An integer too large for `Int`. Never holds a value that fits in `Int`.
    case bigInteger(BigIntBox)
    /// An exact fraction in lowest terms with a denominator greater than one.
    case rational(RationalBox)
    /// A machine real (double precision).
    case real(Double)
    /// An arbitrary-precision real (`1.5`20`, `N[Pi, 50]`).
    case bigReal(BigReal)
    case string(String)
    case symbol(Symbol)
    case normal(Normal)
    /// An association `<|k -> v, ...|>`: an atom, as in the Wolfram Language.
    case association(AssociationBox)
    /// A value of a lower layer (a net, a tensor, an image) carried as an opaque atom.
    case native(any NativeValue)
}

extension Expr {
    static func identical(_ a: [Expr], _ b: [Expr]) -> Bool {
        guard a.count == b.count else { return false }
        // The same storage (an argument list nothing changed): identical without a look inside.
        if a.withUnsafeBufferPointer({ x in b.withUnsafeBufferPointer { y in x.baseAddress == y.baseAddress } }) { return true }
        for i in a.indices where !a[i].isIdentical(to: b[i]) { return false }
        return true
    }
}

/// An opaque payload carried in an `Expr`, printed in a summary form.
public protocol NativeValue: AnyObject {
    /// The symbol that `Head` returns, e.g. `NetChain`.
    var headName: String { get }
    /// The one-line summary shown in OutputForm, e.g. `NetChain[<24 layers>]`.
    var summary: String { get }
    /// Structural equality with another native value.
    func isSame(_ other: any NativeValue) -> Bool
}

extension NativeValue {
    public func isSame(_ other: any NativeValue) -> Bool { self === other }
}

/// Boxed big integer, keeping `Expr` small.
public final class BigIntBox: @unchecked Sendable {
    public let value: BigInt
    public init(_ value: BigInt) { self.value = value }
}

/// Boxed exact rational `numerator/denominator` in lowest terms, denominator > 1.
public final class RationalBox: @unchecked Sendable {
    public let numerator: BigInt
    public let denominator: BigInt
    public init(numerator: BigInt, denominator: BigInt) {
        self.numerator = numerator
        self.denominator = denominator
    }
}

/// An association's entries in insertion order. Values of `:>` entries are kept unevaluated.
public final class AssociationBox: @unchecked Sendable {
    public let entries: OrderedDictionary<Expr, Expr>
    /// Keys whose value came from `RuleDelayed`.
    public let delayed: Set<Expr>
    public init(_ entries: OrderedDictionary<Expr, Expr>, delayed: Set<Expr> = []) {
        self.entries = entries
        self.delayed = delayed
    }
}

/// A normal expression `head[args...]`. Immutable.
///
/// A list of machine reals made from packed contents (`Expr.packed`, see PackedArray.swift)
/// holds those contents alone and makes its element expressions on first use of `args`, once:
/// a 500 x 500 product of `Dot` costs one buffer until something asks for its elements, as
/// Wolfram's packed arrays do. Everything else sees an ordinary `List`.
public final class Normal: @unchecked Sendable {
    public let head: Expr
    /// The arguments of an expression made from them; empty for a list made from `source`.
    @usableFromInline let storedArgs: [Expr]
    /// The packed contents this list was made from, whose elements `args` makes on first use.
    @usableFromInline let source: PackedArray?
    /// The elements made from `source`, set once (the first of racing readers wins).
    private let made = AtomicLazyReference<ArgsBox>()
    private var cachedHash: Int?
    /// The `Symbol.generation` at which this expression was last found to evaluate to itself.
    var evaluatedAt: UInt32 = 0
    /// This list's contents as packed machine numbers, made at most once and set atomically, so
    /// parallel readers of the same list agree (see PackedArray.swift; read through `packed`).
    /// `PackedArray.unpackable` when the list has none. Never stale: `args` cannot change.
    let packing = AtomicLazyReference<PackedArray>()

    public init(_ head: Expr, _ args: [Expr]) {
        self.head = head
        self.storedArgs = args
        self.source = nil
    }

    /// A list whose elements are the packed contents `p` (machine reals, or machine integers
    /// all exact as doubles), made only when `args` is first read.
    init(list p: PackedArray) {
        self.head = .symbol(Sym.List)
        self.storedArgs = []
        self.source = p
    }

    /// The arguments. For a list made from packed contents, made on first use and kept.
    @inlinable public var args: [Expr] {
        if source == nil { return storedArgs }
        return madeArgs
    }

    /// How many arguments there are, without making the elements of a packed list.
    @inlinable public var count: Int {
        if let p = source { return p.rows }
        return storedArgs.count
    }

    /// Whether this list was made from packed contents (`Developer`PackedArrayQ`).
    public var isPacked: Bool { source != nil }

    /// Whether this list still holds only packed contents (its elements not yet made).
    public var isPackedOnly: Bool { source != nil && made.load() == nil }

    @usableFromInline var madeArgs: [Expr] {
        if let box = made.load() { return box.args }
        guard let p = source else { return storedArgs }
        return made.storeIfNil(ArgsBox(p.elements)).args
    }

    /// Whether this is a `List` of numbers, strings and such lists only, once found (0 unknown,
    /// 1 yes, 2 no). Such a list is its own value whatever is defined (List is Locked), so the
    /// evaluator returns it without a look inside: a stored 100,000 x 20 matrix costs nothing to
    /// evaluate after a definition changed.
    private var inertState: UInt8 = 0

    /// See `inertState`. Lists nested deeper than a few levels are not looked into (and count as
    /// not inert), so the check itself cannot recurse deeply.
    public var isInertList: Bool { inert(depth: 0) }

    private func inert(depth: Int) -> Bool {
        if source != nil { return true }
        if inertState != 0 { return inertState == 1 }
        guard head.isSymbol(Sym.List) else { inertState = 2; return false }
        guard depth < 8 else { return false }
        let yes = args.allSatisfy { a in
            switch a {
            case .integer, .bigInteger, .rational, .real, .bigReal, .string: return true
            case .normal(let n): return n.inert(depth: depth + 1)
            default: return false
            }
        }
        inertState = yes ? 1 : 2
        return yes
    }

    public var hashValue: Int {
        if let h = cachedHash { return h }
        var hasher = Hasher()
        head.hash(into: &hasher)
        hasher.combine(args.count)
        for a in args { a.hash(into: &hasher) }
        let h = hasher.finalize()
        cachedHash = h
        return h
    }
}

/// The elements made from a packed list, kept by it.
final class ArgsBox: Sendable {
    let args: [Expr]
    init(_ args: [Expr]) { self.args = args }
}

extension Normal {
    /// The arguments as doubles when every one is a number (as `doubleValue` reads it); nil
    /// otherwise. A vector of machine numbers answers with its packed contents (made once and
    /// kept, the reader `Dot` and `LinearSolve` use), so a list handed to nets and classifiers
    /// again is not walked again; other numbers (big integers, rationals) are read one by one.
    public var numbers: [Double]? {
        if let p = packed { return p.dims.count == 1 ? p.data : nil }
        let count = args.count
        var complete = false
        let values = [Double](unsafeUninitializedCapacity: count) { out, initialized in
            args.withUnsafeBufferPointer { items in
                for i in 0..<count {
                    guard let d = items[i].doubleValue else { initialized = i; return }
                    out[i] = d
                }
                initialized = count
                complete = true
            }
        }
        return complete ? values : nil
    }
}

// MARK: - Construction helpers

extension Expr {
    public static func sym(_ name: String) -> Expr { .symbol(Symbol.intern(name)) }

    public init(_ head: Symbol, _ args: Expr...) {
        self = .normal(Normal(.symbol(head), args))
    }

    public static func call(_ head: Symbol, _ args: [Expr]) -> Expr {
        .normal(Normal(.symbol(head), args))
    }

    public static func call(_ head: Expr, _ args: [Expr]) -> Expr {
        .normal(Normal(head, args))
    }

    public static func list(_ items: [Expr]) -> Expr { .call(Sym.List, items) }

    public static func bool(_ b: Bool) -> Expr { b ? .symbol(Sym.True) : .symbol(Sym.False) }

    public static let null = Expr.symbol(Sym.Null)
    public static let failed = Expr.symbol(Sym.Failed)
    public static let trueExpr = Expr.symbol(Sym.True)
    public static let falseExpr = Expr.symbol(Sym.False)

    public static func integer(_ b: BigInt) -> Expr {
        if let i = Int(exactly: b) { return .integer(i) }
        return .bigInteger(BigIntBox(b))
    }

    public static func rule(_ lhs: Expr, _ rhs: Expr) -> Expr { .call(Sym.Rule, [lhs, rhs]) }

    public static func association(_ entries: OrderedDictionary<Expr, Expr>) -> Expr {
        .association(AssociationBox(entries))
    }
}

// MARK: - Inspection

extension Expr {
    /// The head: `List` for `{...}`, `Integer` for `3`, and so on.
    public var head: Expr {
        switch self {
        case .integer, .bigInteger: return .symbol(Sym.Integer)
        case .rational: return .symbol(Sym.Rational)
        case .real, .bigReal: return .symbol(Sym.Real)
        case .string: return .symbol(Sym.String)
        case .symbol: return .symbol(Sym.SymbolHead)
        case .normal(let n): return n.head
        case .association: return .symbol(Sym.Association)
        case .native(let v): return .symbol(Symbol.intern(v.headName))
        }
    }

    /// The arguments of a normal expression; empty for atoms.
    public var args: [Expr] {
        if case .normal(let n) = self { return n.args }
        return []
    }

    public var isAtom: Bool {
        if case .normal = self { return false }
        return true
    }

    public var asSymbol: Symbol? {
        if case .symbol(let s) = self { return s }
        return nil
    }

    public var asNormal: Normal? {
        if case .normal(let n) = self { return n }
        return nil
    }

    public var asString: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var asInt: Int? {
        if case .integer(let i) = self { return i }
        return nil
    }

    /// The symbol at the head, if the head is a symbol.
    public var headSymbol: Symbol? {
        if case .normal(let n) = self, case .symbol(let s) = n.head { return s }
        return nil
    }

    /// True when this is `head[...]` with the given symbol as head.
    public func hasHead(_ s: Symbol) -> Bool {
        if case .normal(let n) = self, case .symbol(let h) = n.head { return h === s }
        return false
    }

    public func isSymbol(_ s: Symbol) -> Bool {
        if case .symbol(let x) = self { return x === s }
        return false
    }

    public var isList: Bool { hasHead(Sym.List) }

    /// The elements when this is a `List`.
    public var listItems: [Expr]? { hasHead(Sym.List) ? args : nil }

    public var isTrue: Bool { isSymbol(Sym.True) }
    public var isFalse: Bool { isSymbol(Sym.False) }
    public var isNull: Bool { isSymbol(Sym.Null) }

    public var isNumber: Bool {
        switch self {
        case .integer, .bigInteger, .rational, .real, .bigReal: return true
        default: return false
        }
    }

    public var isExactNumber: Bool {
        switch self {
        case .integer, .bigInteger, .rational: return true
        default: return false
        }
    }

    public var isBigReal: Bool {
        if case .bigReal = self { return true }
        return false
    }

    public var isInteger: Bool {
        switch self {
        case .integer, .bigInteger: return true
        default: return false
        }
    }

    /// The numeric value as a Double, for numbers.
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .bigInteger(let b): return Double(b.value)
        case .rational(let r): return Double(r.numerator) / Double(r.denominator)
        case .real(let d): return d
        case .bigReal(let b): return b.doubleValue
        default: return nil
        }
    }

    public var bigIntValue: BigInt? {
        switch self {
        case .integer(let i): return BigInt(i)
        case .bigInteger(let b): return b.value
        default: return nil
        }
    }

    public var asAssociation: AssociationBox? {
        if case .association(let a) = self { return a }
        return nil
    }

    /// Returns the same expression with its head replaced.
    public func withHead(_ h: Expr) -> Expr {
        .normal(Normal(h, args))
    }

    /// Returns a normal expression with the same head and new arguments.
    public func withArgs(_ newArgs: [Expr]) -> Expr {
        if case .normal(let n) = self { return .normal(Normal(n.head, newArgs)) }
        return self
    }

    /// A cheap identity test: the same object for normal expressions, equal atoms otherwise.
    @inline(__always)
    public func isIdentical(to other: Expr) -> Bool {
        switch (self, other) {
        case let (.normal(a), .normal(b)): return a === b
        case (.normal, _), (_, .normal): return false
        default: return self == other
        }
    }

    /// True when nothing inside is a pattern object (Blank, Pattern, Alternatives...).
    public var isFreeOfPatterns: Bool {
        guard case .normal(let n) = self else { return true }
        if case .symbol(let s) = n.head, s.isPatternHead { return false }
        if !n.head.isFreeOfPatterns { return false }
        for a in n.args where !a.isFreeOfPatterns { return false }
        return true
    }
}

// MARK: - Equality (SameQ) and hashing

extension Expr: Hashable {
    public static func == (lhs: Expr, rhs: Expr) -> Bool {
        switch (lhs, rhs) {
        case let (.integer(a), .integer(b)): return a == b
        case let (.bigInteger(a), .bigInteger(b)): return a === b || a.value == b.value
        case let (.rational(a), .rational(b)):
            return a === b || (a.numerator == b.numerator && a.denominator == b.denominator)
        case let (.real(a), .real(b)): return a == b || (a.isNaN && b.isNaN)
        case let (.bigReal(a), .bigReal(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.symbol(a), .symbol(b)): return a === b
        case let (.normal(a), .normal(b)):
            if a === b { return true }
            // Packed lists are compared by their contents, without making their elements.
            if let x = a.packedIfMade, let y = b.packedIfMade, let same = x.sameEntries(y) { return same }
            if a.args.count != b.args.count || a.hashValue != b.hashValue { return false }
            if a.head != b.head { return false }
            for i in 0..<a.args.count where a.args[i] != b.args[i] { return false }
            return true
        case let (.association(a), .association(b)):
            return a === b || a.entries == b.entries
        case let (.native(a), .native(b)): return a === b || a.isSame(b)
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .integer(let i): hasher.combine(0); hasher.combine(i)
        case .bigInteger(let b): hasher.combine(0); hasher.combine(b.value)
        case .rational(let r): hasher.combine(1); hasher.combine(r.numerator); hasher.combine(r.denominator)
        case .real(let d): hasher.combine(2); hasher.combine(d)
        case .bigReal(let b): hasher.combine(2); hasher.combine(b)
        case .string(let s): hasher.combine(3); hasher.combine(s)
        case .symbol(let s): hasher.combine(4); hasher.combine(ObjectIdentifier(s))
        case .normal(let n): hasher.combine(5); hasher.combine(n.hashValue)
        case .association(let a):
            hasher.combine(6); hasher.combine(a.entries.count)
            for (k, v) in a.entries { hasher.combine(k); hasher.combine(v) }
        case .native(let v): hasher.combine(7); hasher.combine(ObjectIdentifier(v))
        }
    }
}
