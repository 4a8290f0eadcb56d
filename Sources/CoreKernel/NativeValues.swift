import Language

/// A native value that can be applied to arguments: a net to data, a classifier to an example, a
/// results object to a property name. The evaluator hands `value[args...]` to `apply`; nil leaves
/// the expression unevaluated.
public protocol CallableValue: NativeValue {
    func apply(_ c: Call) throws -> Expr?
}

/// A named property of a native value: how `value["name"]` is served.
public struct Property<Value> {
    public let name: String
    public let get: (Value, Call) throws -> Expr

    public init(_ name: String, _ get: @escaping (Value, Call) throws -> Expr) {
        self.name = name
        self.get = get
    }
}

/// A native value whose string properties are served from one table, which also answers
/// `value["Properties"]`, so the list and what is served cannot drift apart.
public protocol PropertyValue: CallableValue {
    static var properties: [Property<Self>] { get }
}

extension PropertyValue {
    /// The names `value["Properties"]` lists, in table order.
    public static var propertyNames: [String] { properties.map(\.name) + ["Properties"] }

    /// `value["name"]`: the table's entry, the list of names, or `General::prop` and `$Failed`.
    public func property(_ name: Expr, _ c: Call) throws -> Expr {
        guard let s = name.asString else {
            c.message("prop", text: "\(short(name)) is not a property name; the properties are \(Self.propertyNames.joined(separator: ", ")).")
            return .failed
        }
        if s == "Properties" { return .list(Self.propertyNames.map { .string($0) }) }
        guard let p = Self.properties.first(where: { $0.name == s }) else {
            c.message("prop", text: "\"\(s)\" is not a property; the properties are \(Self.propertyNames.joined(separator: ", ")).")
            return .failed
        }
        return try p.get(self, c)
    }

    /// The named property's value, or nil when the table has no such name.
    public func value(of name: String, _ c: Call) throws -> Expr? {
        try Self.properties.first { $0.name == name }.map { try $0.get(self, c) }
    }

    /// The names quoted and separated by commas, for usage texts and messages.
    public static var propertyList: String { propertyNames.map { "\"\($0)\"" }.joined(separator: ", ") }

    public func apply(_ c: Call) throws -> Expr? {
        guard c.count == 1 else { return nil }
        return try property(c[0], c)
    }
}

/// A native value with parts, so the list functions of the core library apply to it: `Length`,
/// `Dimensions`, `Part`, `Take`, `Drop`, `Normal`, `Information` (a chain's layers, an array's
/// elements). Each answer may be nil: the function then treats the value as an atom.
public protocol StructuredValue: NativeValue {
    var length: Int? { get }
    var dimensions: [Int]? { get }
    func normal() -> Expr?
    func part(_ spec: Expr, _ c: Call) throws -> Expr?
    /// Parts by specifications `part` does not answer (spans, All, lists of positions, several
    /// levels at once), given `Part` of `normal()` by `partOf`; nil when the value takes no such
    /// parts. A NumericArray gives its sub-arrays as NumericArrays again.
    func parts(_ specs: ArraySlice<Expr>, of partOf: (Expr) throws -> Expr) throws -> Expr?
    func take(_ spec: Expr, drop: Bool, _ c: Call) throws -> Expr?
    func information(_ property: Expr?, _ c: Call) throws -> Expr?
}

extension StructuredValue {
    public var length: Int? { nil }
    public var dimensions: [Int]? { nil }
    public func normal() -> Expr? { nil }
    public func part(_ spec: Expr, _ c: Call) throws -> Expr? { nil }
    public func parts(_ specs: ArraySlice<Expr>, of partOf: (Expr) throws -> Expr) throws -> Expr? { nil }
    public func take(_ spec: Expr, drop: Bool, _ c: Call) throws -> Expr? { nil }
    public func information(_ property: Expr?, _ c: Call) throws -> Expr? { nil }
}

extension Expr {
    /// The structured native value this expression holds, if any.
    public var structured: (any StructuredValue)? {
        if case .native(let v) = self { return v as? StructuredValue }
        return nil
    }
}
