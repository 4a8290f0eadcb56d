import Language
import OrderedCollections

/// A native value that Wolfram writes as a compound expression `Head[<|...|>]` rather than an
/// atom: a ClassifierFunction, PredictorFunction, FittedModel, measurements object or
/// NetTrainResultsObject. The list functions see that expression: `Length[c]` is 1, `c[[0]]` the
/// head, `c[[1]]` an association of the value's main properties (`c[[1, "Method"]]`), and
/// `AtomQ[c]` is False. Atoms (an Image, a NumericArray) do not conform: `img[[1]]` gives
/// `Part::partd`, as in Wolfram.
public protocol CompoundValue: NativeValue {
    /// The value's main properties by name: what `value[[1]]` gives as an association. They
    /// should be cheap to make (no plots).
    func contents(_ c: Call) throws -> [(String, Expr)]
}

extension CompoundValue {
    /// The value as the expression Wolfram shows for it: `Head[<|"name" -> value, ...|>]`.
    public func expression(_ c: Call) throws -> Expr {
        var entries: OrderedDictionary<Expr, Expr> = [:]
        for (name, value) in try contents(c) { entries[.string(name)] = value }
        return .call(Symbol.intern(headName), [.association(AssociationBox(entries))])
    }
}

extension Expr {
    /// The compound native value this expression holds, if any.
    public var compound: (any CompoundValue)? {
        if case .native(let v) = self { return v as? CompoundValue }
        return nil
    }
}

extension PropertyValue {
    /// The named entries of the property table, in the order given, for `contents`.
    public func properties(_ names: [String], _ c: Call) throws -> [(String, Expr)] {
        try names.compactMap { name in try value(of: name, c).map { (name, $0) } }
    }
}

/// Thrown by a `StructuredValue`'s `part` for a position it does not have: `Part` then says
/// `Part::partw` and leaves the expression unevaluated, as for a list.
public struct MissingPart: Error {
    public let spec: Expr
    public init(_ spec: Expr) { self.spec = spec }
}
