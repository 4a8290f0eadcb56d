import Foundation
import OrderedCollections
import Resources
import Synchronization

/// Non-local control flow, thrown through the evaluator.
public enum ControlFlow: Error {
    case returnValue(Expr)
    case breakLoop
    case continueLoop
    case throwValue(Expr, tag: Expr?)
    /// `Abort[]` or an interrupt (Ctrl-C).
    case abort
    /// The time limit of the `TimeConstrained` at this nesting level ran out.
    case timeout(level: Int)
}

/// A flag that a signal handler or another thread sets to abort the running evaluation.
public final class InterruptFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func set() { flag.store(true, ordering: .relaxed) }
    public func clear() { flag.store(false, ordering: .relaxed) }
    public var isSet: Bool { flag.load(ordering: .relaxed) }
}

/// A builtin's view of the expression it is asked to evaluate.
public struct Call {
    public let evaluator: Evaluator
    public let expr: Normal

    public init(evaluator: Evaluator, expr: Normal) {
        self.evaluator = evaluator
        self.expr = expr
    }

    public var args: [Expr] { expr.args }
    public var count: Int { expr.args.count }
    public subscript(_ i: Int) -> Expr { expr.args[i] }
    public var head: Expr { expr.head }
    public var whole: Expr { .normal(expr) }
    /// The head symbol messages are issued under: the head itself, a native value's head
    /// (`NetChain` for a chain applied to data), else `General`.
    public var symbol: Symbol {
        if let s = expr.head.asSymbol { return s }
        if case .native(let v) = expr.head { return Symbol.intern(v.headName) }
        return Symbol.intern("General")
    }

    /// Issues `Sym::tag` for this call's head symbol.
    public func message(_ tag: String, _ args: Expr...) {
        evaluator.messages.issue(symbol, tag, args)
    }

    /// Issues `Sym::tag` with a composed text.
    public func message(_ tag: String, text: String) {
        evaluator.messages.issue(symbol, tag, text: text)
    }

    /// Issues the standard argument-count message (`f::argx`, `argrx`, `argr`, `argbu`, `argt`)
    /// and returns nil, so a builtin can `return call.argCount(1)`.
    public func argCount(_ expected: Int...) -> Expr? {
        let n = count
        let f = Expr.symbol(symbol)
        if expected.count == 1 {
            let e = expected[0]
            if e == 1 { message("argx", f, .integer(n)) } else if n == 1 {
                message("argr", f, .integer(e))
            } else {
                message("argrx", f, .integer(n), .integer(e))
            }
        } else if let lo = expected.first, let hi = expected.last {
            if n == 1 { message(lo + 1 == hi ? "argtu" : "argbu", f, .integer(lo), .integer(hi)) }
            else if lo + 1 == hi { message("argt", f, .integer(n), .integer(lo), .integer(hi)) }
            else { message("argb", f, .integer(n), .integer(lo), .integer(hi)) }
        }
        return nil
    }

    public func evaluate(_ e: Expr) throws -> Expr { try evaluator.evaluate(e) }

    /// Applies f to the arguments and evaluates.
    public func apply(_ f: Expr, _ args: Expr...) throws -> Expr {
        try evaluator.evaluate(.call(f, args))
    }
}

/// Where messages go, with per-evaluation counting for `General::stop`, `Quiet` and `Check`.
public final class MessageCenter {
    /// Receives each formatted message line (without trailing newline).
    public var sink: (String) -> Void = { line in
        FileHandle.standardError.write((line + "\n").data(using: .utf8) ?? Data())
    }
    var counts: [String: Int] = [:]
    /// Nesting of `Quiet`.
    public var quietDepth = 0
    /// Messages silenced selectively by `Quiet[expr, {f::tag...}]`.
    public var quietNames: [Set<String>] = []
    /// Messages switched off by `Off[s::tag]` (`General::tag` switches off every `s::tag`).
    public var off: Set<String> = []
    /// Every message issued so far, printed or not (Check compares it).
    public private(set) var issued = 0
    /// Names of messages issued (for `Check[expr, fail, {msgs}]` and `$MessageList`).
    public private(set) var issuedNames: [String] = []
    /// Formats a message argument; set by the kernel to the InputForm printer.
    public var formatArg: (Expr) -> String = { e in
        if e.hasHead(Sym.HoldForm), e.args.count == 1 { return MessageForm.string(e.args[0]) }
        return MessageForm.string(e)
    }
    /// Called before a message is written, e.g. to flush standard output first.
    public var beforeWrite: () -> Void = {}

    /// Starts a new top-level evaluation.
    public func reset() {
        counts = [:]
        issuedNames = []
    }

    public func issue(_ symbol: Symbol, _ tag: String, _ args: [Expr]) {
        issue(symbol, tag, text: text(symbol, tag, args))
    }

    /// Issues `symbol::tag` with text already written (messages from the nets library, whose
    /// texts are composed where the problem is found).
    public func issue(_ symbol: Symbol, _ tag: String, text: @autoclosure () -> String) {
        let name = "\(symbol.name)::\(tag)"
        issued += 1
        issuedNames.append(name)
        if quietDepth > 0 || quietNames.contains(where: { $0.contains(name) }) { return }
        if !off.isEmpty && (off.contains(name) || off.contains("General::" + tag)) { return }
        let n = (counts[name] ?? 0) + 1
        counts[name] = n
        if n > 3 { return }
        beforeWrite()
        sink("\(name): \(text())")
        if n == 3 {
            sink("General::stop: Further output of \(name) will be suppressed during this calculation.")
        }
    }

    /// The template for `symbol::tag`, falling back to `General::tag`, with `` `n` `` filled in.
    public func text(_ symbol: Symbol, _ tag: String, _ args: [Expr]) -> String {
        let template = symbol.messages[tag] ?? Symbol.intern("General").messages[tag]
        guard let template else {
            let shown = args.map(formatArg).joined(separator: ", ")
            return "-- Message text not found --" + (shown.isEmpty ? "" : " (\(shown))")
        }
        return MessageCenter.fill(template, args.map(formatArg))
    }

    /// Replaces `` `1` ``, `` `2` ``... in a template.
    public static func fill(_ template: String, _ args: [String]) -> String {
        var out = ""
        var chars = template[...]
        var next = 0
        while let i = chars.firstIndex(of: "`") {
            out += chars[..<i]
            let rest = chars[chars.index(after: i)...]
            if rest.first == "`" {
                // `` takes the next argument in turn (StringForm).
                out += next < args.count ? args[next] : ""
                next += 1
                chars = rest.dropFirst()
            } else if let j = rest.firstIndex(of: "`"), let n = Int(rest[..<j]), n >= 1 {
                out += n <= args.count ? args[n - 1] : ""
                chars = rest[rest.index(after: j)...]
            } else {
                out += "`"
                chars = rest
            }
        }
        return out + chars
    }
}

/// Messages found while an input was parsed (`General::spell1` for a new symbol), kept in the
/// session until the input is evaluated, when they are issued first.
public final class ParseMessages {
    public var pending: [(symbol: Symbol, tag: String, text: String)] = []
    public init() {}
}

/// Standard evaluation: head, then arguments (as attributes allow), Sequence splicing,
/// Flat/Listable/Orderless, then up-values, down-values and builtins, to a fixed point.
public final class Evaluator {
    public var recursionLimit = 1024
    public var iterationLimit = 4096
    public private(set) var depth = 0
    public let messages = MessageCenter()
    public let interrupt = InterruptFlag()
    /// Whether an interrupt set between top-level inputs aborts the next one (scripts) rather
    /// than being forgotten (the REPL).
    public var keepsPendingInterrupt = false
    /// Writes `Print` output; set by the front end.
    public var printer: (String) -> Void = { print($0) }
    /// Evaluates `native[args...]` (a net applied to data); set by the kernel.
    public var nativeCall: ((Call, any NativeValue) throws -> Expr?)?
    /// A pattern matcher whose conditions and tests evaluate with this evaluator.
    var matcher: Matcher { Matcher(evaluator: self) }
    /// Current input line number (`$Line`).
    public var line = 1
    /// Records evaluation chains while `Trace` runs; nil otherwise.
    public var tracer: TraceRecorder?
    /// Deadlines of enclosing `TimeConstrained` calls (uptime nanoseconds), innermost last.
    public var deadlines: [UInt64] = []
    private var steps = 0

    public init() {}

    // MARK: Entry points

    /// Evaluates a top-level input: messages are counted afresh, control flow that escapes is
    /// reported, and an abort gives `$Aborted`.
    public func evaluateTop(_ e: Expr) -> Expr {
        messages.reset()
        let session = Symbol.onNewSymbol == nil ? nil : Session.current
        if let session { issueParseMessages(session) }
        // Names that ToExpression parsed during the evaluation are reported at its end.
        defer { if let session { issueParseMessages(session) } }
        // A script keeps an interrupt that came between two inputs for the next one, and clears
        // it once that input has answered it; the REPL forgets a Ctrl-C typed at the prompt.
        if keepsPendingInterrupt {
            defer { interrupt.clear() }
            return evaluateTopLevel(e)
        }
        interrupt.clear()
        return evaluateTopLevel(e)
    }

    /// How many `Return[x]` a `Table` has kept as elements (a table that kept one is final).
    public var keptReturns = 0

    /// Marks an expression as evaluated (until some definition changes), so that it is not
    /// evaluated again: `Table` keeps a `Return[x]` it met as an element this way.
    public func markEvaluated(_ e: Expr) {
        if case .normal(let n) = e { n.evaluatedAt = Symbol.generation }
    }

    /// Issues the messages the parser left for the input about to be evaluated.
    private func issueParseMessages(_ session: Session) {
        let notes = session.state(ParseMessages.self) { ParseMessages() }
        guard !notes.pending.isEmpty else { return }
        let pending = notes.pending
        notes.pending = []
        for m in pending { messages.issue(m.symbol, m.tag, text: m.text) }
    }

    private func evaluateTopLevel(_ e: Expr) -> Expr {
        depth = 0
        outOfMemory = false
        caughtFlow = nil
        // $RecursionLimit and $IterationLimit may have been set by the user.
        if let n = Symbol.lookup("$RecursionLimit")?.ownValue?.asInt { recursionLimit = min(max(n, 20), 100_000) }
        if let n = Symbol.lookup("$IterationLimit")?.ownValue?.asInt { iterationLimit = min(max(n, 20), 10_000_000) }
        do {
            return try evaluate(e)
        } catch let flow as ControlFlow {
            switch flow {
            case .abort, .timeout:
                return .symbol(Sym.Aborted)
            case .returnValue(let v):
                return v
            case .breakLoop:
                return Expr(Symbol.intern("Break"))
            case .continueLoop:
                return Expr(Symbol.intern("Continue"))
            case .throwValue(let v, let tag):
                let t: Expr = tag.map { Expr(Symbol.intern("Throw"), v, $0) } ?? Expr(Symbol.intern("Throw"), v)
                messages.issue(Symbol.intern("Throw"), "nocatch", [Expr(Sym.HoldForm, t)])
                return Expr(Sym.Hold, t)
            }
        } catch {
            return .failed
        }
    }

    /// Evaluates an expression to its fixed point.
    public func evaluate(_ e: Expr) throws -> Expr {
        switch e {
        case .symbol(let s):
            guard let v = s.ownValue else { return s.computedValue?() ?? e }
            if case .symbol(let t) = v, t === s { return v }
            if let t = tracer {
                t.begin(e)
                defer { t.end() }
                t.note(v)
                t.spliceNextChain(true)
                defer { t.spliceNextChain(false) }
                let value = try evaluate(v)
                t.note(value)
                return value
            }
            return try evaluate(v)
        case .normal(let n):
            return try evaluateNormal(n)
        default:
            return e
        }
    }

    func evaluateNormal(_ start: Normal) throws -> Expr {
        // The generation before anything is evaluated: a fixed point found below is stamped with
        // it, so that a definition made meanwhile (by this evaluation, or by a session on another
        // thread) leaves the stamp out of date rather than vouching for a result it did not see.
        let generation = Symbol.generation
        if start.evaluatedAt == generation || start.isInertList { return .normal(start) }
        depth += 1
        let tracing = tracer
        tracing?.begin(.normal(start))
        defer {
            depth -= 1
            tracing?.end()
        }
        if depth > recursionLimit {
            messages.issue(Symbol.intern("$RecursionLimit"), "reclim",
                           [.integer(recursionLimit)])
            throw ControlFlow.abort
        }
        var n = start
        var iterations = 0
        while true {
            if interrupt.isSet || outOfMemory { throw ControlFlow.abort }
            steps &+= 1
            if !deadlines.isEmpty && steps & 255 == 0 { try checkDeadlines() }
            if steps & 4095 == 0 {
                if ResourcePolicy.isOverLimit { abortForMemory(); throw ControlFlow.abort }
                if let tick = onTick { tick() }
            }
            let head = try evaluate(n.head)
            let attrs: Attributes = head.asSymbol?.attributes ?? Self.functionAttributes(head)
            var wrapped: [Expr]?
            var args = try evaluateArgs(n.args, attrs, &wrapped)
            if attrs.contains(.flat), let s = head.asSymbol, args.contains(where: { $0.hasHead(s) }) {
                args = args.flatMap { $0.hasHead(s) ? $0.args : [$0] }
            }
            if attrs.contains(.listable), args.contains(where: { $0.isList }) {
                // Arithmetic on packed lists stays packed, without threading element by element.
                if args.count == 2, let s = head.asSymbol, s.downValues.isEmpty, let r = PackedArray.arithmetic(s, args) { return r }
                if let threaded = thread(head, args) { return try evaluate(threaded) }
            } else if attrs.contains(.listable), let threaded = try threadAssociations(head, args) {
                return threaded
            }
            if attrs.contains(.orderless) {
                // Comparing deep expressions is slow (a product of a hundred nested Cos[...]
                // sorts for seconds): each comparison answers an abort.
                try args.sort { a, b in
                    if interrupt.isSet { throw ControlFlow.abort }
                    return Order.less(a, b)
                }
            }
            // An expression whose parts came back unchanged is kept (not copied), so marking it
            // as a fixed point below also marks the stored value it came from: a large list is
            // then checked once per generation, not once per use.
            let expr = n.head.isIdentical(to: head) && Expr.identical(n.args, args) ? n : Normal(head, args)
            if let t = tracing, expr !== n { t.note(.normal(expr), replacingStart: true) }
            guard let result = try applyRules(expr, head, attrs) else {
                // No rule took the arguments: `Unevaluated` wrappers stay, as in Wolfram.
                if let w = wrapped {
                    let kept = n.head.isIdentical(to: head) && Expr.identical(n.args, w) ? n : Normal(head, w)
                    kept.evaluatedAt = generation
                    return .normal(kept)
                }
                expr.evaluatedAt = generation
                return .normal(expr)
            }
            switch result {
            case .evaluated(let v):
                tracing?.note(v)
                return v
            case .rewritten(let r):
                tracing?.note(r)
                guard case .normal(let rn) = r else { return try evaluate(r) }
                if rn === expr { return r }
                // A list of numbers (a builtin's packed result) is its own value: evaluating
                // its elements would make a million expressions for a million draws.
                if rn.evaluatedAt == Symbol.generation || rn.isInertList { return r }
                // A rewrite to the same expression is its fixed point, as in Wolfram (Which with
                // an undecided test gives back the rest of itself).
                if rn.args.count == expr.args.count, rn.head == expr.head, r == .normal(expr) {
                    expr.evaluatedAt = generation
                    return .normal(expr)
                }
                iterations += 1
                if iterations > iterationLimit {
                    messages.issue(Symbol.intern("$IterationLimit"), "itlim", [.integer(iterationLimit)])
                    return Expr(Sym.Hold, r)
                }
                n = rn
            }
        }
    }

    /// Set when the process ran out of its memory limit: the computation is aborted at the next
    /// step (as Wolfram's `General::nomem` does), and the flag cleared for the next input.
    public private(set) var outOfMemory = false

    /// Aborts the current computation because memory ran out, with `General::nomem` (once).
    public func abortForMemory() {
        if !outOfMemory {
            messages.issue(Symbol.intern("General"), "nomem", text: "The current computation was aborted because there was insufficient memory available to complete the computation.")
        }
        outOfMemory = true
    }

    func checkDeadlines() throws {
        let now = DispatchTime.now().uptimeNanoseconds
        for (i, d) in deadlines.enumerated() where now > d { throw ControlFlow.timeout(level: i) }
    }

    /// Called every few thousand evaluation steps (`Monitor` refreshes its line from it).
    public var onTick: (() -> Void)?

    /// A control flow (an abort, a Throw) that a builtin caught along with its own errors
    /// (`report` in CoreKernel hands it here): it leaves the builtin as soon as the builtin
    /// returns, so an interrupted Classify gives `$Aborted`, not `$Failed` and a message.
    public var caughtFlow: ControlFlow?

    /// Calls a builtin, then rethrows a control flow it caught.
    private func call(_ builtin: (Call) throws -> Expr?, _ expr: Normal) throws -> Expr? {
        let r = try builtin(Call(evaluator: self, expr: expr))
        if let flow = caughtFlow {
            caughtFlow = nil
            throw flow
        }
        return r
    }

    /// Lets long-running builtins answer an abort or a time limit; call it in their loops.
    public func checkInterrupt() throws {
        if interrupt.isSet || outOfMemory { throw ControlFlow.abort }
        if !deadlines.isEmpty { try checkDeadlines() }
    }

    /// The arguments evaluated as the attributes allow, with `Unevaluated` wrappers removed;
    /// `wrapped` gets the arguments with their wrappers when there were any.
    func evaluateArgs(_ args: [Expr], _ attrs: Attributes, _ wrapped: inout [Expr]?) throws -> [Expr] {
        if attrs.contains(.holdAllComplete) { return args }
        // `out` is written only where an argument changes: a list whose elements are all their own
        // values comes back sharing the original's storage (see `Expr.identical`).
        var out = args
        var splice = false, unevaluated = false
        for i in out.indices {
            // Atoms take no evaluation step: a list of millions of them answers Ctrl-C here.
            if i & 4095 == 4095, interrupt.isSet { throw ControlFlow.abort }
            // Atoms other than symbols are their own values: the bulk of a numeric list.
            switch out[i] {
            case .symbol, .normal: break
            default: continue
            }
            let held = i == 0 ? attrs.contains(.holdFirst) : attrs.contains(.holdRest)
            let a = out[i]
            if held {
                if a.hasHead(Sym.Evaluate) {
                    out[i] = try evaluate(a.args.count == 1 ? a.args[0] : .call(Sym.Sequence, a.args))
                }
            } else if a.hasHead(Sym.Unevaluated) {
                unevaluated = true
                continue
            } else {
                let v = try evaluate(a)
                if !v.isIdentical(to: a) { out[i] = v }
            }
            if out[i].hasHead(Sym.Sequence) { splice = true } else if out[i].hasHead(Sym.Unevaluated) { unevaluated = true }
        }
        if splice && !attrs.contains(.sequenceHold) {
            out = out.flatMap { $0.hasHead(Sym.Sequence) ? $0.args : [$0] }
            unevaluated = true
        }
        guard unevaluated else { return out }
        // Unevaluated[x] passes x itself to the function's rules.
        for i in out.indices where out[i].hasHead(Sym.Unevaluated) && out[i].args.count == 1 {
            if wrapped == nil { wrapped = out }
            out[i] = out[i].args[0]
        }
        return out
    }

    /// The attributes a pure function was given, `Function[params, body, {HoldAll, ...}]`, which
    /// it applies to its arguments as a symbol's attributes would; none for any other head.
    static func functionAttributes(_ head: Expr) -> Attributes {
        guard case .normal(let f) = head, f.args.count == 3, f.head.isSymbol(Sym.Function) else { return [] }
        var attrs: Attributes = []
        for a in f.args[2].listItems ?? [f.args[2]] {
            if case .symbol(let s) = a, let named = Attributes.named(s.name) { attrs.formUnion(named) }
        }
        return attrs
    }

    /// `f[{a, b}, c]` -> `{f[a, c], f[b, c]}` for Listable heads; nil when lengths disagree.
    func thread(_ head: Expr, _ args: [Expr]) -> Expr? {
        var length = -1
        for a in args {
            if let items = a.listItems {
                if length >= 0 && items.count != length {
                    messages.issue(Symbol.intern("Thread"), "tdlen", [.call(head, args)])
                    return nil
                }
                length = items.count
            }
        }
        var rows: [Expr] = []
        rows.reserveCapacity(length)
        for i in 0..<length {
            rows.append(.call(head, args.map { $0.listItems?[i] ?? $0 }))
        }
        return .list(rows)
    }

    /// `f[<|a -> 1|>, c]` -> `<|a -> f[1, c]|>` for Listable heads, as Wolfram threads over an
    /// association's values (evaluated); associations together must have the same keys (nil
    /// otherwise, or when no argument is an association).
    func threadAssociations(_ head: Expr, _ args: [Expr]) throws -> Expr? {
        var keys: [Expr]?
        for a in args {
            guard case .association(let box) = a else { continue }
            let k = Array(box.entries.keys)
            if let keys, Set(keys) != Set(k) { return nil }
            if keys == nil { keys = k }
        }
        guard let keys else { return nil }
        var entries = OrderedDictionary<Expr, Expr>()
        for k in keys {
            entries[k] = try evaluate(.call(head, args.map { a in
                if case .association(let box) = a { return box.entries[k] ?? a }
                return a
            }))
        }
        return .association(AssociationBox(entries))
    }

    enum RuleResult {
        /// A rule rewrote the expression; evaluation continues on the result.
        case rewritten(Expr)
        /// The final value (already evaluated, e.g. after catching Return).
        case evaluated(Expr)
    }

    func applyRules(_ expr: Normal, _ head: Expr, _ attrs: Attributes) throws -> RuleResult? {
        let whole = Expr.normal(expr)
        if Symbol.anyUpValues && !attrs.contains(.holdAllComplete) {
            for a in expr.args {
                let s: Symbol?
                switch a {
                case .symbol(let x): s = x
                case .normal: s = innermostHeadSymbol(a)
                default: s = nil
                }
                if let s, !s.upValues.isEmpty, let r = try applyDefinitions(s.upValues, whole) {
                    return r
                }
            }
        }
        switch head {
        case .symbol(let f):
            if !f.exactDownValues.isEmpty, let d = f.exactDownValues[whole] {
                return d.delayed ? try evaluateBody(d.rhs) : .rewritten(d.rhs)
            }
            if !f.downValues.isEmpty, let r = try applyDefinitions(f.downValues, whole) { return r }
            if let b = f.builtin, let r = try call(b, expr) {
                return .rewritten(r)
            }
            return nil
        case .normal:
            if let g = innermostHeadSymbol(head) {
                if !g.exactSubValues.isEmpty, let d = g.exactSubValues[whole] {
                    return d.delayed ? try evaluateBody(d.rhs) : .rewritten(d.rhs)
                }
                if !g.subValues.isEmpty, let r = try applyDefinitions(g.subValues, whole) { return r }
                if let sub = SubValueBuiltins.table[ObjectIdentifier(g)], let r = try call(sub, expr) {
                    return .rewritten(r)
                }
            }
            return nil
        case .association(let a):
            guard var key = expr.args.first else { return nil }
            // `a[Key[k]]` is `a[k]`, as in Lookup and Part.
            if a.entries[key] == nil, case .normal(let k) = key, k.head.isSymbol(Symbol.intern("Key")), k.args.count == 1 { key = k.args[0] }
            guard let v = a.entries[key] else { return .rewritten(Expr(Sym.Missing, .string("KeyAbsent"), key)) }
            // `a[k1, k2]` is a key path: `a[k1][k2]`.
            return .rewritten(expr.args.count == 1 ? v : .call(v, Array(expr.args.dropFirst())))
        case .native(let v):
            if let native = nativeCall, let r = try call({ try native($0, v) }, expr) {
                return .rewritten(r)
            }
            return nil
        default:
            return nil
        }
    }

    func innermostHeadSymbol(_ e: Expr) -> Symbol? {
        var h = e
        while case .normal(let n) = h { h = n.head }
        return h.asSymbol
    }

    /// Evaluates a definition's right side, where `Return[x]` ends the function with x.
    func evaluateBody(_ body: Expr) throws -> RuleResult {
        if let t = tracer {
            // The body's evaluation continues the chain of the expression the rule rewrote.
            t.note(body)
            t.spliceNextChain(true)
        }
        defer { tracer?.spliceNextChain(false) }
        do {
            return .evaluated(try evaluate(body))
        } catch ControlFlow.returnValue(let v) {
            return .evaluated(v)
        }
    }

    /// Tries definitions in order; the first whose left side matches (and whose `/;` condition
    /// holds) rewrites the expression.
    func applyDefinitions(_ defs: [Definition], _ e: Expr) throws -> RuleResult? {
        let m = matcher
        for d in defs {
            if m.cannotMatch(d.lhs, e) { continue }
            // The common shapes f[x_, y_h] and f[x_] /; test skip the general matcher.
            var lhs = d.lhs, condition: Expr?
            if lhs.hasHead(Sym.Condition), lhs.args.count == 2 { condition = lhs.args[1]; lhs = lhs.args[0] }
            switch m.quickMatch(lhs, e) {
            case .fail:
                continue
            case .bound(let b):
                if let condition, try !evaluate(substitute(condition, b)).isTrue { continue }
                var r = substitute(d.rhs, b)
                if d.delayed, r.hasHead(Sym.Condition), r.args.count == 2 {
                    guard try evaluate(r.args[1]).isTrue else { continue }
                    r = r.args[0]
                }
                return d.delayed ? try evaluateBody(r) : .rewritten(r)
            case .undecided:
                break
            }
            var rhs: Expr?
            _ = try m.match(d.lhs, e, Bindings()) { b in
                var r = substitute(d.rhs, b)
                if d.delayed, r.hasHead(Sym.Condition), r.args.count == 2 {
                    guard try self.evaluate(r.args[1]).isTrue else { return false }
                    r = r.args[0]
                }
                rhs = r
                return true
            }
            if let r = rhs { return d.delayed ? try evaluateBody(r) : .rewritten(r) }
        }
        return nil
    }

    // MARK: Patterns for builtins

    /// Whether `e` matches pattern `p` (evaluating conditions and tests as needed).
    public func matches(_ e: Expr, _ p: Expr) throws -> Bool {
        try matcher.matches(p, e)
    }

    /// Matches and returns the bindings, or nil.
    public func match(_ e: Expr, _ p: Expr) throws -> Bindings? {
        var result: Bindings?
        _ = try matcher.match(p, e, Bindings()) { b in result = b; return true }
        return result
    }

    /// Applies one rule `lhs -> rhs` or `lhs :> rhs` to `e` as a whole; nil when it does not match.
    public func applyRule(_ rule: Expr, to e: Expr) throws -> Expr? {
        try applyRuleWhole(rule, to: e) ?? applyRuleToFlatPart(rule, e)
    }

    /// Applies a rule to e as a whole only (not to part of a Flat expression).
    func applyRuleWhole(_ rule: Expr, to e: Expr) throws -> Expr? {
        guard rule.args.count == 2 else { return nil }
        let lhs = rule.args[0], rhs = rule.args[1]
        let delayed = rule.hasHead(Sym.RuleDelayed)
        let m = matcher
        if m.cannotMatch(lhs, e) { return nil }
        switch m.quickMatch(lhs, e) {
        case .fail:
            return nil
        case .bound(let b):
            var r = substitute(rhs, b)
            if delayed, r.hasHead(Sym.Condition), r.args.count == 2 {
                guard try evaluate(r.args[1]).isTrue else { return nil }
                r = r.args[0]
            }
            return r
        case .undecided:
            break
        }
        var out: Expr?
        _ = try m.match(lhs, e, Bindings()) { b in
            var r = substitute(rhs, b)
            if delayed, r.hasHead(Sym.Condition), r.args.count == 2 {
                guard try self.evaluate(r.args[1]).isTrue else { return false }
                r = r.args[0]
            }
            out = r
            return true
        }
        return out
    }

    /// A rule whose left side has a Flat head matches part of an expression with that head:
    /// `a + b + c /. a + c -> d` is `b + d`. The matched arguments (any of them for an Orderless
    /// head, a consecutive run otherwise) are replaced by the rule's value.
    func applyRuleToFlatPart(_ rule: Expr, _ e: Expr) throws -> Expr? {
        guard rule.args.count == 2, case .normal(let pn) = rule.args[0], case .symbol(let h) = pn.head, h.attributes.contains(.flat),
              case .normal(let en) = e, en.head.isSymbol(h), !pn.args.isEmpty, pn.args.count < en.args.count
        else { return nil }
        let n = en.args.count, orderless = h.attributes.contains(.orderless)
        let all = Array(0..<n)
        // Only arguments that some pattern argument matches by itself take part (a run absorbed
        // by one pattern argument is found by the whole match).
        var candidates: [Int] = []
        for i in all where try pn.args.contains(where: { try matcher.matches($0, en.args[i]) }) { candidates.append(i) }
        guard candidates.count >= pn.args.count else { return nil }
        var tried = 0
        for size in pn.args.count..<min(n, candidates.count + 1) {
            var result: Expr?
            let visit: ([Int]) throws -> Bool = { picked in
                tried += 1
                if tried > 100_000 { return false }
                try self.checkInterrupt()
                let part = Expr.normal(Normal(en.head, picked.map { en.args[$0] }))
                guard let v = try self.applyRuleWhole(rule, to: part) else { return true }
                let set = Set(picked)
                var args = all.filter { !set.contains($0) }.map { en.args[$0] }
                args.insert(v, at: orderless ? args.count : picked[0])
                result = .normal(Normal(en.head, args))
                return false
            }
            if orderless {
                try forEachSubset(of: candidates, size: size, visit)
            } else {
                for start in 0...(n - size) where result == nil {
                    _ = try visit(Array(start..<(start + size)))
                }
            }
            if let result { return result }
        }
        return nil
    }
}

extension Evaluator {
    /// Every way one rule `lhs -> rhs` or `lhs :> rhs` matches `e` as a whole, in the order the
    /// matcher finds them, up to `limit` results (ReplaceList).
    public func applyRuleAll(_ rule: Expr, to e: Expr, limit: Int) throws -> [Expr] {
        guard rule.args.count == 2, limit > 0 else { return [] }
        let lhs = rule.args[0], rhs = rule.args[1]
        let delayed = rule.hasHead(Sym.RuleDelayed)
        if matcher.cannotMatch(lhs, e) { return [] }
        var out: [Expr] = []
        _ = try matcher.match(lhs, e, Bindings()) { b in
            try self.checkInterrupt()
            var r = substitute(rhs, b)
            if delayed, r.hasHead(Sym.Condition), r.args.count == 2 {
                guard try self.evaluate(r.args[1]).isTrue else { return false }
                r = r.args[0]
            }
            out.append(r)
            return out.count >= limit        // false asks the matcher for the next way
        }
        return out
    }
}

/// Builtins that evaluate `g[...][...]`, keyed by the symbol `g` (Function, Composition...).
public enum SubValueBuiltins {
    nonisolated(unsafe) public static var table: [ObjectIdentifier: BuiltinFunction] = [:]

    public static func register(_ s: Symbol, _ f: @escaping BuiltinFunction) {
        table[ObjectIdentifier(s)] = f
    }
}
