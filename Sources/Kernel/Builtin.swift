import Language

/// A builtin function: its name, attributes, usage text (shown by `?name`) and implementation.
/// Topic files each provide a table of these; `Kernel` installs them on their symbols.
public struct Builtin {
    public let name: String
    public let attributes: Attributes
    public let usage: String
    public let function: BuiltinFunction?
    /// Implementation for `name[...][...]` (e.g. `Function[x, body][arg]`).
    public let subValue: BuiltinFunction?
    /// Default options, as `Options[name]` lists them.
    public let options: [(String, Expr)]
    /// An overload runs before the symbol's own builtin and returns nil to pass the call on
    /// (so `Take[chain, 2]` reaches the nets code and `Take[list, 2]` the list code).
    public private(set) var isOverload = false

    /// A trailing closure is the builtin's implementation (`function`); `subValue` is labeled.
    public init(_ name: String, _ attributes: Attributes = [], usage: String,
                options: [(String, Expr)] = [], _ function: BuiltinFunction? = nil,
                subValue: BuiltinFunction? = nil) {
        self.name = name
        self.attributes = attributes
        self.usage = usage
        self.function = function
        self.subValue = subValue
        self.options = options
    }
}

extension Builtin {
    /// Extends an existing builtin for new kinds of arguments; keeps its attributes and usage.
    public static func overload(_ name: String, _ function: @escaping BuiltinFunction) -> Builtin {
        var b = Builtin(name, usage: "", function)
        b.isOverload = true
        return b
    }
}

/// Attributes shared by most numeric functions.
extension Attributes {
    public static let numeric: Attributes = [.listable, .numericFunction, .protected]
}
