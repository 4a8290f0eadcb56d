import Language

/// Runs `expr` with a trace recorder on the evaluator (restoring the one of an enclosing Trace
/// afterwards) and gives the value and the recorded chains.
private func traced(_ expr: Expr, _ c: Call) throws -> (value: Expr, trace: Expr) {
    let outer = c.evaluator.tracer
    let recorder = TraceRecorder()
    c.evaluator.tracer = recorder
    defer { c.evaluator.tracer = outer }
    let value = try c.evaluate(expr)
    return (value, recorder.result)
}

/// The chains kept to the forms that match `form` (a symbol `s` stands for `s[___]` and `s`),
/// with lists left empty dropped.
private func filterTrace(_ trace: Expr, _ form: Expr, _ c: Call) throws -> Expr {
    let pattern: Expr = form.asSymbol.map { s in
        .call(Sym.Alternatives, [.symbol(s), .call(.symbol(s), [Expr(Sym.BlankNullSequence)])])
    } ?? form
    func keep(_ e: Expr) throws -> Expr? {
        if e.hasHead(Sym.HoldForm), let inner = e.args.first {
            return try c.evaluator.matches(inner, pattern) ? e : nil
        }
        guard let items = e.listItems else { return nil }
        let kept = try items.compactMap(keep)
        return kept.isEmpty ? nil : .list(kept)
    }
    return try keep(trace) ?? .list([])
}

/// The lines `TracePrint` writes: each recorded form, indented by its nesting.
private func traceLines(_ trace: Expr, level: Int, into lines: inout [String]) {
    for item in trace.listItems ?? [] {
        if item.isList {
            traceLines(item, level: level + 1, into: &lines)
        } else {
            lines.append(String(repeating: "  ", count: level) + OutputForm.string(item))
        }
    }
}

extension Kernel {
    static var tracingBuiltins: [Builtin] {
        [
            Builtin("Trace", [.holdAll], usage: "Trace[expr] evaluates expr and gives the forms its evaluation went through, as nested lists of HoldForm expressions: each list is one expression's chain, with the chains of its parts' evaluations as sublists; Trace[expr, form] keeps only the forms that match form (a symbol s keeps s and s[...]).", arity: .between(1, 2),
                    examples: [("Trace[1 + 2]", "{1 + 2, 3}"), ("Trace[2 + 3*4]", "{{3 4, 12}, 2 + 12, 14}"), ("Trace[f[1 + 2]]", "{{1 + 2, 3}, f[3]}"), ("tf[n_] := n + 1; Trace[tf[1]]", "{tf[1], 1 + 1, 2}"), ("Trace[5]", "{}")]) { c in
                let (_, trace) = try traced(c[0], c)
                return c.count == 2 ? try filterTrace(trace, c[1], c) : trace
            },
            Builtin("TracePrint", [.holdAll], usage: "TracePrint[expr] prints the forms the evaluation of expr went through, indented by their nesting as in Trace, and gives the value of expr; TracePrint[expr, form] prints only the forms that match form.", arity: .between(1, 2),
                    examples: [("TracePrint[1 + 2]", "3")]) { c in
                let (value, trace) = try traced(c[0], c)
                var lines: [String] = []
                traceLines(c.count == 2 ? try filterTrace(trace, c[1], c) : trace, level: 0, into: &lines)
                if !lines.isEmpty { c.evaluator.printer(lines.joined(separator: "\n")) }
                return value
            },
        ]
    }
}
