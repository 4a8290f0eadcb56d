/// What `Trace` records while its expression evaluates: one evaluation chain per expression that
/// changed (the forms it took, each in `HoldForm`), with the chains of its parts' evaluations as
/// sublists before the form they produced, as Wolfram nests them: `Trace[2 + 3*4]` is
/// `{{3*4, 12}, 2 + 12, 14}`. A form is recorded when a rule applies to it, so an expression
/// that evaluates to itself leaves no chain.
public final class TraceRecorder {
    /// The open chains, innermost last; the first holds the finished top-level chains.
    private var frames: [Frame] = [Frame()]
    /// Set by a definition's body about to be evaluated: its chain continues the caller's.
    private var spliceNext = false
    /// How many forms were recorded; past `limit` recording stops (a long loop's trace).
    private var recorded = 0
    public let limit: Int

    private struct Frame {
        var items: [Expr] = []
        /// The form the chain started from, recorded once a rule applies to it.
        var pending: Expr?
        var splices = false
    }

    public init(limit: Int = 200_000) { self.limit = limit }

    /// The chain of the traced expression (`{}` when it evaluated to itself).
    public var result: Expr {
        guard let top = frames.first?.items, top.count == 1, top[0].isList else { return .list(frames.first?.items ?? []) }
        return top[0]
    }

    func begin(_ start: Expr) {
        frames.append(Frame(items: [], pending: start, splices: spliceNext))
        spliceNext = false
    }

    /// Records a new form of the expression whose chain is open. `replacingStart`: the form
    /// came from evaluating the parts, so the starting form (no rule applied to it) is not shown.
    func note(_ e: Expr, replacingStart: Bool = false) {
        guard recorded < limit, frames.count > 1 else { return }
        let last = frames.count - 1
        if replacingStart { frames[last].pending = nil }
        if let p = frames[last].pending {
            if p == e { return }        // a rule gave the form back as it was: no change
            frames[last].items.append(Expr(Sym.HoldForm, p))
            frames[last].pending = nil
            recorded += 1
        }
        if let prior = frames[last].items.last, prior.hasHead(Sym.HoldForm), prior.args.first == e { return }
        frames[last].items.append(Expr(Sym.HoldForm, e))
        recorded += 1
    }

    /// Closes the innermost chain: a chain with forms becomes a sublist of its caller's (or,
    /// for a definition's body, continues it).
    func end() {
        guard frames.count > 1, let f = frames.popLast() else { return }
        guard !f.items.isEmpty else { return }
        let last = frames.count - 1
        if f.splices && last > 0 {
            for e in f.items where frames[last].items.last.map({ $0 != e }) ?? true { frames[last].items.append(e) }
        } else {
            frames[last].items.append(.list(f.items))
        }
    }

    /// The next chain to open is a definition's body: it continues the current chain.
    func spliceNextChain(_ on: Bool) { spliceNext = on }
}
