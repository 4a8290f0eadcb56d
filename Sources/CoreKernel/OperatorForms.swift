import Language

/// How a builtin's operator form `F[a...]` applies to its argument: `F[a...][x]`.
enum OperatorForm {
    /// `F[a...][x]` is `F[x, a...]`: the data comes first (`Select[crit][list]`).
    case dataFirst(Int)
    /// `F[f...][x]` is `F[f..., x]`: the data comes last (`Map[f][list]`).
    case dataLast(Int)
    /// `F[f, pos][x]` is `F[f, x, pos]`: the data goes second (`MapAt[f, pos][expr]`).
    case dataSecond(Int)

    /// How many arguments the operator form itself takes.
    var arity: Int {
        switch self { case .dataFirst(let k), .dataLast(let k), .dataSecond(let k): return k }
    }

    /// The call `F[...]` the operator form `F[a...]` applied to `x` stands for.
    func apply(_ f: Symbol, _ given: [Expr], to x: Expr) -> Expr {
        switch self {
        case .dataFirst: return .call(f, [x] + given)
        case .dataLast: return .call(f, given + [x])
        case .dataSecond: return .call(f, [given[0], x] + given.dropFirst())
        }
    }
}

extension Builtin {
    /// The builtins with an operator form, as the Wolfram Language gives them. A builtin named
    /// here takes its operator form's argument count without a message (`Select[EvenQ]` stays as
    /// it is), and `F[a...][x]` rewrites to the full call.
    static let operatorForms: [String: OperatorForm] = {
        var forms: [String: OperatorForm] = [:]
        for name in ["Select", "Cases", "DeleteCases", "Position", "Extract", "Count", "MemberQ", "FreeQ",
                     "MatchQ", "SortBy", "GroupBy", "Append", "Prepend", "Delete", "ReplaceAll", "Replace",
                     "ReplaceRepeated", "ReplacePart", "Lookup", "KeyDrop", "KeyTake", "KeyExistsQ",
                     "StringContainsQ", "StringFreeQ", "StringStartsQ", "StringEndsQ", "StringMatchQ",
                     "StringReplace", "StringCases", "StringPosition", "Merge", "KeySelect"] {
            forms[name] = .dataFirst(1)
        }
        // Operator forms of several arguments, and those whose data goes last.
        forms["Insert"] = .dataFirst(2)
        for name in ["Map", "Apply", "MapIndexed", "Scan", "MapThread", "KeyMap", "Fold", "FoldList", "MapAll"] {
            forms[name] = .dataLast(1)
        }
        return forms
    }()

    /// `F[a...][x]` for a builtin with an operator form.
    static func operatorFormValue(_ form: OperatorForm, _ f: Symbol) -> BuiltinFunction {
        { c in
            guard case .normal(let op) = c.head, op.args.count == form.arity, c.count >= 1 else { return nil }
            // `Fold[f][x, list]`: an operator whose data goes last takes the trailing arguments.
            if case .dataLast = form { return .call(f, op.args + c.args) }
            guard c.count == 1 else { return nil }
            return form.apply(f, op.args, to: c[0])
        }
    }
}
