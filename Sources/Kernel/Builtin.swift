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

/// Attributes shared by most numeric functions.
extension Attributes {
    public static let numeric: Attributes = [.listable, .numericFunction, .protected]
}
