import Foundation
import Language

/// Message names `f::tag` from a list such as `{Part::partw, Power::infy}`.
private func messageNames(_ e: Expr) -> Set<String> {
    var out = Set<String>()
    for m in e.listItems ?? [e] where m.hasHead(Sym.MessageName) && m.args.count >= 2 {
        if case .symbol(let s) = m.args[0], let tag = m.args[1].asString { out.insert("\(s.name)::\(tag)") }
    }
    return out
}

extension Kernel {
    static var ioBuiltins: [Builtin] {
        [
            Builtin("Print", [], usage: "Print[expr1, expr2, ...] prints the expressions, concatenated, followed by a newline.", examples: [("Print[\"hi\"]", "Null")]) { c in
                c.evaluator.printer(c.args.map(OutputForm.string).joined())
                return .null
            },
            Builtin("Echo", [], usage: "Echo[expr] prints expr and returns it; Echo[expr, label] prints a label first; Echo[expr, label, f] prints f[expr].", arity: .atLeast(1), examples: [("Echo[3] + 1", "4")]) { c in
                let shown = c.count >= 3 ? try c.apply(c[2], c[0]) : c[0]
                let label = c.count >= 2 ? OutputForm.string(c[1]) : ""
                c.evaluator.printer(">> " + label + (label.isEmpty ? "" : " ") + OutputForm.string(shown))
                return c[0]
            },
            Builtin("MessageName", [.holdFirst], usage: "symbol::tag is the name of a message; it evaluates to the message text when one is defined.", examples: [("f::oops = \"Oops.\"; f::oops", "Oops.")]) { c in
                guard c.count >= 2, case .symbol(let s) = c[0], let tag = c[1].asString else { return nil }
                if tag == "usage" { return s.usage.map { .string($0) } }
                return s.messages[tag].map { .string($0) }
            },
            Builtin("Message", [.holdFirst], usage: "Message[symbol::tag, e1, e2, ...] prints the message with `1`, `2`... filled in by the ei.", messages: ["name": "Message name `1` is not of the form symbol::name or symbol::name::language."], examples: [("f::oops = \"Oops.\"; Quiet[Message[f::oops]]", "Null")]) { c in
                guard c.count >= 1, c[0].hasHead(Sym.MessageName), c[0].args.count >= 2,
                      case .symbol(let s) = c[0].args[0], let tag = c[0].args[1].asString else {
                    c.message("name", c.args.first ?? .null)
                    return .null
                }
                let args = try c.args.dropFirst().map { try c.evaluate($0) }
                c.evaluator.messages.issue(s, tag, args)
                return .null
            },
            Builtin("Quiet", [.holdAll], usage: "Quiet[expr] evaluates expr without printing messages; Quiet[expr, {f::tag, ...}] silences only those.", arity: .between(1, 2), examples: [("Quiet[1/0]", "ComplexInfinity")]) { c in
                let m = c.evaluator.messages
                if c.count == 2 {
                    if c[1].isSymbol(Sym.All) {
                        m.quietDepth += 1
                        defer { m.quietDepth -= 1 }
                        return try c.evaluate(c[0])
                    }
                    if c[1].isSymbol(Sym.None) { return try c.evaluate(c[0]) }
                    m.quietNames.append(messageNames(c[1]))
                    defer { m.quietNames.removeLast() }
                    return try c.evaluate(c[0])
                }
                m.quietDepth += 1
                defer { m.quietDepth -= 1 }
                return try c.evaluate(c[0])
            },
            Builtin("Check", [.holdAll], usage: "Check[expr, failexpr] evaluates expr, giving failexpr if any message was generated; Check[expr, failexpr, {f::tag...}] only for those.", arity: .atLeast(2), examples: [("Quiet[Check[1/0, failed]]", "failed")]) { c in
                let m = c.evaluator.messages
                let before = m.issued
                let beforeNames = m.issuedNames.count
                let r = try c.evaluate(c[0])
                if m.issued == before { return r }
                if c.count == 3 {
                    let wanted = messageNames(c[2])
                    if !m.issuedNames.dropFirst(beforeNames).contains(where: wanted.contains) { return r }
                }
                return try c.evaluate(c[1])
            },
            Builtin("StringForm", [], usage: "StringForm[\"text `1` text\", e1, ...] fills the numbered slots.", examples: [("ToString[StringForm[\"`1` + `2`\", a, b]]", "a + b")]) { c in
                guard c.count >= 1, let t = c[0].asString else { return nil }
                return .string(MessageCenter.fill(t, c.args.dropFirst().map(OutputForm.string)))
            },
            Builtin("Failure", [], usage: "Failure[tag, assoc] represents a failure.", examples: [("FailureQ[Failure[\"Oops\", <||>]]", "True")]),
        ]
    }
}
