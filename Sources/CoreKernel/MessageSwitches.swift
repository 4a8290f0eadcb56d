import Language

/// `Off[s::tag]` and `On[s::tag]`: switch messages off and on for the rest of the session, as
/// learners do with `Off[General::spell1]`.
extension Kernel {
    static var messageSwitchBuiltins: [Builtin] {
        [
            Builtin("Off", [.holdAll], usage: "Off[s::tag] switches off the message s::tag, so that it is no longer printed; Off[General::tag] switches off s::tag for every s.", arity: .atLeast(1),
                    examples: [("Off[Power::infy]; 1/0", "ComplexInfinity")]) { c in
                for name in try switchedNames(c) { c.evaluator.messages.off.insert(name) }
                return .null
            },
            Builtin("On", [.holdAll], usage: "On[s::tag] switches the message s::tag back on.", arity: .atLeast(1),
                    examples: [("Off[Power::infy]; On[Power::infy]; Quiet[1/0]", "ComplexInfinity")]) { c in
                for name in try switchedNames(c) { c.evaluator.messages.off.remove(name) }
                return .null
            },
        ]
    }

    /// The `s::tag` names among the arguments of Off or On (lists of them too).
    static func switchedNames(_ c: Call) throws -> [String] {
        var names: [String] = []
        func add(_ e: Expr) {
            if let items = e.listItems { items.forEach(add); return }
            if e.hasHead(Sym.MessageName), e.args.count == 2, let s = e.args[0].asSymbol, let tag = e.args[1].asString {
                names.append("\(s.name)::\(tag)")
            }
        }
        for a in c.args { add(a.hasHead(Sym.List) ? try c.evaluate(a) : a) }
        return names
    }
}
