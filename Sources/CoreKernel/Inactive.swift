import Language

/// `e` with the head of each call that `keep` accepts wrapped in Inactive, at every level:
/// `1 + 2` becomes `Inactive[Plus][1, 2]`.
private func inactivated(_ e: Expr, _ keep: (Symbol) throws -> Bool) rethrows -> Expr {
    guard case .normal(let n) = e else { return e }
    let args = try n.args.map { try inactivated($0, keep) }
    if case .symbol(let h) = n.head, h !== Sym.List, try keep(h) {
        return .call(Expr(Symbol.intern("Inactive"), n.head), args)
    }
    return .normal(Normal(try inactivated(n.head, keep), args))
}

extension Kernel {
    static var inactiveBuiltins: [Builtin] {
        [
            Builtin("Inactivate", [.holdFirst], usage: "Inactivate[expr] replaces each function of expr (other than List) by its Inactive form, without evaluating expr; Inactivate[expr, patt] only the functions matching patt; Activate undoes it.", arity: .between(1, 2), examples: [("Inactivate[1 + 2]", "Inactive[Plus][1, 2]"), ("Inactivate[f[1 + 2], f]", "Inactive[f][3]")]) { c in
                if c.count == 1 { return inactivated(c[0]) { _ in true } }
                let patt = c[1]
                let held = try inactivated(c[0]) { try c.evaluator.matches(.symbol($0), patt) }
                // Only the matching functions stay inactive; the rest evaluates.
                return held
            },
        ]
    }
}
