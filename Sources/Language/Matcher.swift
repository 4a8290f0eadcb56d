/// Values bound to pattern names during a match.
public struct Bindings {
    public private(set) var names: [Symbol] = []
    public private(set) var values: [Expr] = []

    public init() {}

    public subscript(_ s: Symbol) -> Expr? {
        for i in names.indices where names[i] === s { return values[i] }
        return nil
    }

    public func adding(_ s: Symbol, _ v: Expr) -> Bindings {
        var b = self
        b.names.append(s)
        b.values.append(v)
        return b
    }

    public var isEmpty: Bool { names.isEmpty }
}

/// Structural pattern matching with backtracking over sequences: the Blank family, named
/// patterns, heads, PatternTest, Condition, Alternatives, Optional, Repeated, Except, Verbatim,
/// HoldPattern and OptionsPattern, with Orderless heads matched in any order.
struct Matcher {
    let evaluator: Evaluator

    /// What to do with the bindings once a pattern has matched: the rest of the match. A struct
    /// rather than a bare closure parameter, which keeps the optimizer from specializing the
    /// mutually recursive matchers for every closure (compile time grew without bound).
    struct Continuation {
        let run: (Bindings) throws -> Bool
        init(_ run: @escaping (Bindings) throws -> Bool) { self.run = run }
        func callAsFunction(_ b: Bindings) throws -> Bool { try run(b) }
    }

    // Closure-taking forms of the matchers, so call sites can pass trailing closures; each wraps
    // the closure in a Continuation.
    typealias Body = (Bindings) throws -> Bool

    func match(_ p: Expr, _ e: Expr, _ b: Bindings, _ k: @escaping Body) throws -> Bool {
        try match(p, e, b, Continuation(k))
    }

    func matchSequence(_ ps: ArraySlice<Expr>, _ es: ArraySlice<Expr>, _ b: Bindings, _ k: @escaping Body) throws -> Bool {
        try matchSequence(ps, es, b, Continuation(k))
    }

    func matchSegment(_ p: Expr, _ seg: ArraySlice<Expr>, _ b: Bindings, _ k: @escaping Body) throws -> Bool {
        try matchSegment(p, seg, b, Continuation(k))
    }

    func matchEach(_ p: Expr, _ seg: ArraySlice<Expr>, _ b: Bindings, _ k: @escaping Body) throws -> Bool {
        try matchEach(p, seg, b, Continuation(k))
    }

    func matchOrderless(_ ps: ArraySlice<Expr>, _ es: [Expr], _ used: [Bool], _ b: Bindings, _ k: @escaping Body) throws -> Bool {
        try matchOrderless(ps, es, used, b, Continuation(k))
    }

    /// A cheap test that p cannot match e: different literal heads, or a different number of
    /// arguments where p has no sequence patterns.
    func cannotMatch(_ p: Expr, _ e: Expr) -> Bool {
        guard case .normal(let pn) = p, case .symbol(let ph) = pn.head, !ph.isPatternHead else { return false }
        // With optional arguments, `x^n_.` matches `x` (see matchByDefaults).
        if pn.args.contains(where: { $0.hasHead(Sym.Optional) }) { return false }
        guard case .normal(let en) = e else { return true }
        if case .symbol(let eh) = en.head, eh !== ph { return true }
        if pn.args.count != en.args.count, !pn.args.contains(where: isSequencePattern),
           !(ph.attributes.contains(.flat) || ph.attributes.contains(.orderless)) {
            return true
        }
        return false
    }

    enum Quick { case undecided, fail, bound(Bindings) }

    /// Matches the common definition shape `f[x_, y_h, 0]` (named or plain blanks and literal
    /// atoms, one per argument) directly, without the general backtracking matcher.
    func quickMatch(_ p: Expr, _ e: Expr) -> Quick {
        guard case .normal(let pn) = p, case .normal(let en) = e else { return .undecided }
        guard case .symbol(let ph) = pn.head, !ph.isPatternHead, en.head.isSymbol(ph) else { return .undecided }
        if pn.args.count != en.args.count || ph.attributes.contains(.flat) { return .undecided }
        var b = Bindings()
        for (pa, ea) in zip(pn.args, en.args) {
            switch pa {
            case .normal(let a):
                guard case .symbol(let h) = a.head, let kind = h.patternKind else { return .undecided }
                var blank = a
                var name: Symbol?
                if kind == .pattern {
                    guard a.args.count == 2, case .symbol(let s) = a.args[0], case .normal(let inner) = a.args[1],
                          inner.head.isSymbol(Sym.Blank) else { return .undecided }
                    name = s
                    blank = inner
                } else if kind != .blank {
                    return .undecided
                }
                if let hd = blank.args.first, ea.head != hd { return .fail }
                if let s = name {
                    if let old = b[s] { if old != ea { return .fail } } else { b = b.adding(s, ea) }
                }
            case .symbol:
                return .undecided
            default:
                if pa != ea { return .fail }
            }
        }
        return .bound(b)
    }

    func match(_ p: Expr, _ e: Expr, _ b: Bindings, _ k: Continuation) throws -> Bool {
        guard case .normal(var pn) = p else {
            return p == e ? try k(b) : false
        }
        if case .symbol(let h) = pn.head, let kind = h.patternKind {
            return try matchPatternObject(kind, pn, e, b, k)
        }
        if pn.args.contains(where: { $0.hasHead(Sym.Optional) }) {
            pn = withDefaults(pn)
            // `x_. * y_` matches `a` (x = 1), `x^n_.` matches `x` (n = 1): under a OneIdentity
            // head, an expression without the pattern's head matches when the optional
            // arguments take their defaults and what is left is one pattern that matches it.
            if e.head != pn.head, pn.head.asSymbol?.attributes.contains(.oneIdentity) == true,
               try matchByDefaults(pn, e, b, k) { return true }
        }
        guard case .normal(let en) = e else { return false }
        return try match(pn.head, en.head, b) { b2 in
            let attrs = en.head.asSymbol?.attributes ?? []
            if attrs.contains(.flat), !pn.args.isEmpty, !pn.args.contains(where: isSequencePattern),
               pn.args.count < en.args.count || (pn.args.count == en.args.count && !attrs.contains(.oneIdentity)) {
                let flat = FlatHead(head: en.head, oneIdentity: attrs.contains(.oneIdentity))
                if attrs.contains(.orderless) {
                    return try matchFlatOrderless(pn.args[...], en.args, Array(repeating: false, count: en.args.count), flat, b2, k)
                }
                return try matchFlatSequence(pn.args[...], en.args[...], flat, b2, k)
            }
            if attrs.contains(.orderless) && !pn.args.contains(where: isSequencePattern) {
                return try matchOrderless(pn.args[...], en.args, Array(repeating: false, count: en.args.count), b2, k)
            }
            return try matchSequence(pn.args[...], en.args[...], b2, k)
        }
    }

    /// Whether e's head is h (for `_h`).
    func headMatches(_ e: Expr, _ h: Expr) -> Bool {
        e.head == h
    }

    func matchPatternObject(_ kind: PatternKind, _ pn: Normal, _ e: Expr, _ b: Bindings, _ k: Continuation) throws -> Bool {
        let a = pn.args
        switch kind {
        case .blank, .blankSequence, .blankNullSequence:
            if let hd = a.first, !headMatches(e, hd) { return false }
            return try k(b)
        case .pattern:
            guard a.count == 2, case .symbol(let name) = a[0] else { return false }
            if let bound = b[name] { return bound == e ? try match(a[1], e, b, k) : false }
            return try match(a[1], e, b) { b2 in try k(b2.adding(name, e)) }
        case .patternTest:
            guard a.count == 2 else { return false }
            return try match(a[0], e, b) { b2 in
                try passesTest(a[1], e) ? try k(b2) : false
            }
        case .condition:
            guard a.count == 2 else { return false }
            return try match(a[0], e, b) { b2 in
                try conditionHolds(a[1], b2) ? try k(b2) : false
            }
        case .alternatives:
            for alt in a where try match(alt, e, b, k) { return true }
            return false
        case .optional, .holdPattern, .longest, .shortest:
            guard let inner = a.first else { return false }
            return try match(inner, e, b, k)
        case .verbatim:
            return a.first == e ? try k(b) : false
        case .except:
            guard let c = a.first else { return false }
            if try matches(c, e) { return false }
            if a.count > 1 { return try match(a[1], e, b, k) }
            return try k(b)
        case .repeated, .repeatedNull:
            guard let inner = a.first else { return false }
            return try match(inner, e, b, k)
        case .optionsPattern:
            return isOptionLike(e) ? try k(b) : false
        case .patternSequence:
            return a.count == 1 ? try match(a[0], e, b, k) : false
        case .keyValuePattern:
            guard let rules = keyValueRules(e), let p = a.first, a.count == 1 else { return false }
            return try matchEachRule(ArraySlice(p.listItems ?? [p]), rules, b, k)
        }
    }

    /// The rules of an association or of a list of rules (for KeyValuePattern), or nil.
    func keyValueRules(_ e: Expr) -> [Expr]? {
        if case .association(let a) = e {
            return a.entries.map { key, v in Expr(a.delayed.contains(key) ? Sym.RuleDelayed : Sym.Rule, key, v) }
        }
        guard let items = e.listItems, items.allSatisfy({ $0.hasHead(Sym.Rule) || $0.hasHead(Sym.RuleDelayed) }) else { return nil }
        return items
    }

    /// Each pattern matches some one of the rules (KeyValuePattern).
    func matchEachRule(_ ps: ArraySlice<Expr>, _ rules: [Expr], _ b: Bindings, _ k: Continuation) throws -> Bool {
        guard let p = ps.first else { return try k(b) }
        for r in rules where try match(p, r, b, { b2 in try matchEachRule(ps.dropFirst(), rules, b2, k) }) {
            return true
        }
        return false
    }

    /// True when e matches p at all (no bindings kept).
    func matches(_ p: Expr, _ e: Expr) throws -> Bool {
        if cannotMatch(p, e) { return false }
        return try match(p, e, Bindings()) { _ in true }
    }

    func passesTest(_ test: Expr, _ e: Expr) throws -> Bool {
        try evaluator.evaluate(.call(test, [e])).isTrue
    }

    func conditionHolds(_ cond: Expr, _ b: Bindings) throws -> Bool {
        try evaluator.evaluate(substitute(cond, b)).isTrue
    }

    func isOptionLike(_ e: Expr) -> Bool {
        if e.hasHead(Sym.Rule) || e.hasHead(Sym.RuleDelayed) { return true }
        if let items = e.listItems { return items.allSatisfy(isOptionLike) }
        return false
    }

    /// Whether a pattern can stand for zero or several arguments.
    func isSequencePattern(_ p: Expr) -> Bool {
        guard case .normal(let n) = p, case .symbol(let h) = n.head, let kind = h.patternKind else { return false }
        switch kind {
        case .blankSequence, .blankNullSequence, .repeated, .repeatedNull, .optionsPattern, .optional:
            return true
        case .pattern:
            return n.args.count > 1 && isSequencePattern(n.args[1])
        case .condition, .patternTest, .holdPattern, .longest, .shortest:
            return !n.args.isEmpty && isSequencePattern(n.args[0])
        case .alternatives:
            return n.args.contains(where: isSequencePattern)
        case .patternSequence:
            return n.args.count != 1 || isSequencePattern(n.args[0])
        default:
            return false
        }
    }

    /// The least and greatest number of arguments a sequence pattern takes.
    func lengthRange(_ p: Expr, available: Int) -> (Int, Int) {
        guard case .normal(let n) = p, case .symbol(let h) = n.head, let kind = h.patternKind else { return (1, 1) }
        switch kind {
        case .blankSequence: return (1, available)
        case .blankNullSequence, .optionsPattern: return (0, available)
        case .repeated, .repeatedNull:
            var lo = kind == .repeated ? 1 : 0, hi = available
            if n.args.count > 1, let spec = n.args[1].listItems {
                if let a = spec.first?.asInt { lo = a; hi = a }
                if spec.count > 1, let c = spec[1].asInt { hi = c }
            } else if n.args.count > 1, let m = n.args[1].asInt {
                hi = m
            }
            return (lo, min(hi, available))
        case .pattern: return n.args.count > 1 ? lengthRange(n.args[1], available: available) : (1, 1)
        case .condition, .patternTest, .holdPattern, .longest, .shortest:
            return n.args.isEmpty ? (1, 1) : lengthRange(n.args[0], available: available)
        case .alternatives: return (0, available)
        case .patternSequence:
            let ranges = n.args.map { isSequencePattern($0) ? lengthRange($0, available: available) : (1, 1) }
            return (ranges.reduce(0) { $0 + $1.0 }, min(available, ranges.reduce(0) { $0 &+ $1.1 }))
        default: return (1, 1)
        }
    }

    func matchSequence(_ ps: ArraySlice<Expr>, _ es: ArraySlice<Expr>, _ b: Bindings, _ k: Continuation) throws -> Bool {
        guard let p = ps.first else { return es.isEmpty ? try k(b) : false }
        let restP = ps.dropFirst()
        if p.hasHead(Sym.Optional), !isSequencePattern(p.args.first ?? .null) {
            let inner = p.args.first ?? .null
            if let e = es.first, try match(inner, e, b, { b2 in try matchSequence(restP, es.dropFirst(), b2, k) }) {
                return true
            }
            guard let d = defaultValue(p) else { return false }
            return try match(inner, d, b) { b2 in try matchSequence(restP, es, b2, k) }
        }
        if isSequencePattern(p) {
            let (lo, hi) = lengthRange(p, available: es.count)
            if lo > hi { return false }
            // Patterns that cannot be satisfied by what is left fail fast.
            let minRest = restP.reduce(0) { $0 + (isSequencePattern($1) ? lengthRange($1, available: 0).0 : 1) }
            if es.count - minRest < lo { return false }
            let top = min(hi, es.count - minRest)
            // Sequences are tried shortest first, except inside Longest.
            let longest = top > lo && isLongest(p)
            for step in 0...(top - lo) {
                let len = longest ? top - step : lo + step
                let seg = es.prefix(len)
                let rest = es.dropFirst(len)
                if try matchSegment(p, seg, b, { b2 in try matchSequence(restP, rest, b2, k) }) {
                    return true
                }
            }
            return false
        }
        guard let e = es.first else { return false }
        return try match(p, e, b) { b2 in try matchSequence(restP, es.dropFirst(), b2, k) }
    }

    /// Whether a sequence pattern is `Longest[p]` (or a named one, `x : Longest[p]`).
    func isLongest(_ p: Expr) -> Bool {
        if p.hasHead(Sym.Pattern), p.args.count == 2 { return isLongest(p.args[1]) }
        return p.headSymbol?.patternKind == .longest
    }

    /// `Optional[p, d]`; `p_.` takes its default from the enclosing head (see withDefaults).
    func defaultValue(_ p: Expr) -> Expr? {
        if p.args.count > 1 { return p.args[1] }
        return nil
    }

    /// The pattern `h[..., x_., ...]` with each `x_.` given h's default: 1 for Times and for
    /// Power's exponent, 0 for Plus, `Default[h]` for other symbols.
    func withDefaults(_ pn: Normal) -> Normal {
        guard case .symbol(let h) = pn.head else { return pn }
        var args = pn.args
        var changed = false
        for i in args.indices where args[i].hasHead(Sym.Optional) && args[i].args.count == 1 {
            let d: Expr?
            switch h {
            case Sym.Times: d = .integer(1)
            case Sym.Plus: d = .integer(0)
            case Sym.Power: d = i == 1 ? .integer(1) : nil
            default: d = h.defaultValue
            }
            if let d {
                args[i] = .call(Sym.Optional, [args[i].args[0], d])
                changed = true
            }
        }
        return changed ? Normal(pn.head, args) : pn
    }

    /// Matches e against the one argument of pn that is not optional, the optional ones bound to
    /// their defaults; false when pn has no defaults or more than one other argument.
    func matchByDefaults(_ pn: Normal, _ e: Expr, _ b: Bindings, _ k: Continuation) throws -> Bool {
        let optional = pn.args.filter { $0.hasHead(Sym.Optional) && $0.args.count == 2 }
        let rest = pn.args.filter { !($0.hasHead(Sym.Optional) && $0.args.count == 2) }
        guard !optional.isEmpty, rest.count == 1, !isSequencePattern(rest[0]) else { return false }
        func bind(_ i: Int, _ b: Bindings) throws -> Bool {
            guard i < optional.count else { return try match(rest[0], e, b, k) }
            return try match(optional[i].args[0], optional[i].args[1], b) { b2 in try bind(i + 1, b2) }
        }
        return try bind(0, b)
    }

    /// Matches a run of arguments against a sequence pattern.
    func matchSegment(_ p: Expr, _ seg: ArraySlice<Expr>, _ b: Bindings, _ k: Continuation) throws -> Bool {
        guard case .normal(let n) = p, case .symbol(let h) = n.head, let kind = h.patternKind else { return false }
        switch kind {
        case .blankSequence, .blankNullSequence:
            if let hd = n.args.first { for e in seg where !headMatches(e, hd) { return false } }
            return try k(b)
        case .optionsPattern:
            return seg.allSatisfy(isOptionLike) ? try k(b) : false
        case .pattern:
            guard n.args.count == 2, case .symbol(let name) = n.args[0] else { return false }
            let value: Expr = .call(Sym.Sequence, Array(seg))
            if let bound = b[name] {
                return bound == value ? try matchSegment(n.args[1], seg, b, k) : false
            }
            return try matchSegment(n.args[1], seg, b) { b2 in try k(b2.adding(name, value)) }
        case .repeated, .repeatedNull:
            guard let inner = n.args.first else { return false }
            return try matchEach(inner, seg, b, k)
        case .condition:
            guard n.args.count == 2 else { return false }
            return try matchSegment(n.args[0], seg, b) { b2 in
                try conditionHolds(n.args[1], b2) ? try k(b2) : false
            }
        case .patternTest:
            guard n.args.count == 2 else { return false }
            return try matchSegment(n.args[0], seg, b) { b2 in
                for e in seg where try !passesTest(n.args[1], e) { return false }
                return try k(b2)
            }
        case .holdPattern, .longest, .shortest:
            return try matchSegment(n.args.first ?? .null, seg, b, k)
        case .patternSequence:
            return try matchSequence(n.args[...], seg, b, k)
        case .alternatives:
            for alt in n.args {
                if isSequencePattern(alt) {
                    if try matchSegment(alt, seg, b, k) { return true }
                } else if seg.count == 1, try match(alt, seg[seg.startIndex], b, k) {
                    return true
                }
            }
            return false
        default:
            return false
        }
    }

    func matchEach(_ p: Expr, _ seg: ArraySlice<Expr>, _ b: Bindings, _ k: Continuation) throws -> Bool {
        guard let e = seg.first else { return try k(b) }
        // A repeated sequence pattern (`PatternSequence[a, b] ..`) takes a run of at least one
        // element each time.
        if isSequencePattern(p) {
            let (lo, hi) = lengthRange(p, available: seg.count)
            for len in Swift.max(lo, 1)...Swift.max(Swift.max(lo, 1), hi) where len <= seg.count {
                if try matchSegment(p, seg.prefix(len), b, { b2 in try matchEach(p, seg.dropFirst(len), b2, k) }) { return true }
            }
            return false
        }
        return try match(p, e, b) { b2 in try matchEach(p, seg.dropFirst(), b2, k) }
    }

    /// Matches patterns to arguments in any order (for Orderless heads such as Plus).
    func matchOrderless(_ ps: ArraySlice<Expr>, _ es: [Expr], _ used: [Bool], _ b: Bindings, _ k: Continuation) throws -> Bool {
        guard let p = ps.first else { return used.allSatisfy { $0 } ? try k(b) : false }
        if ps.count > used.lazy.filter({ !$0 }).count { return false }
        for i in es.indices where !used[i] {
            var u = used
            u[i] = true
            if try match(p, es[i], b, { b2 in try matchOrderless(ps.dropFirst(), es, u, b2, k) }) {
                return true
            }
        }
        return false
    }
}

/// Matching inside a Flat head, where one pattern argument stands for a run of arguments
/// (`f[a, b, c]` matches `f[x_, c]` with x -> f[a, b]).
extension Matcher {
    struct FlatHead {
        let head: Expr
        /// Without OneIdentity a single argument is first tried wrapped in the head (`f[a]`).
        let oneIdentity: Bool

        /// The values one pattern argument is tried against for a run of arguments.
        func candidates(_ run: [Expr]) -> [Expr] {
            if run.count > 1 { return [.normal(Normal(head, run))] }
            return oneIdentity ? run : [.normal(Normal(head, run)), run[0]]
        }
    }

    /// Each pattern argument takes a nonempty run of consecutive arguments, in order.
    func matchFlatSequence(_ ps: ArraySlice<Expr>, _ es: ArraySlice<Expr>, _ flat: FlatHead, _ b: Bindings, _ k: Continuation) throws -> Bool {
        guard let p = ps.first else { return es.isEmpty ? try k(b) : false }
        let rest = ps.dropFirst()
        let longest = rest.isEmpty ? es.count : es.count - rest.count
        guard longest >= 1 else { return false }
        for len in (rest.isEmpty ? longest : 1)...longest {
            for v in flat.candidates(Array(es.prefix(len))) {
                if try match(p, v, b, { b2 in try matchFlatSequence(rest, es.dropFirst(len), flat, b2, k) }) {
                    return true
                }
            }
        }
        return false
    }

    /// Each pattern argument takes a nonempty subset of the arguments not yet taken; the last
    /// takes all that remain.
    func matchFlatOrderless(_ ps: ArraySlice<Expr>, _ es: [Expr], _ used: [Bool], _ flat: FlatHead, _ b: Bindings, _ k: Continuation) throws -> Bool {
        let free = es.indices.filter { !used[$0] }
        guard let p = ps.first else { return free.isEmpty ? try k(b) : false }
        let rest = ps.dropFirst()
        guard free.count >= ps.count else { return false }
        if rest.isEmpty {
            for v in flat.candidates(free.map { es[$0] }) where try match(p, v, b, k) { return true }
            return false
        }
        for size in 1...(free.count - rest.count) {
            var found = false
            try forEachSubset(of: free, size: size) { subset in
                try evaluator.checkInterrupt()
                var u = used
                for i in subset { u[i] = true }
                for v in flat.candidates(subset.map { es[$0] }) {
                    if try match(p, v, b, { b2 in try matchFlatOrderless(rest, es, u, flat, b2, k) }) {
                        found = true
                        return false
                    }
                }
                return true
            }
            if found { return true }
        }
        return false
    }
}

/// Calls `body` with each subset of `items` of the given size, in lexicographic order, until it
/// returns false.
func forEachSubset(of items: [Int], size: Int, _ body: ([Int]) throws -> Bool) rethrows {
    guard size >= 0, size <= items.count else { return }
    var idx = Array(0..<size)
    while true {
        if try !body(idx.map { items[$0] }) { return }
        var i = size - 1
        while i >= 0 && idx[i] == items.count - size + i { i -= 1 }
        if i < 0 { return }
        idx[i] += 1
        for j in (i + 1)..<size { idx[j] = idx[j - 1] + 1 }
    }
}

/// Replaces the pattern names bound in `b` throughout `e`. A name bound to a sequence splices
/// its elements into the enclosing arguments.
public func substitute(_ e: Expr, _ b: Bindings) -> Expr {
    if b.isEmpty { return e }
    switch e {
    case .symbol(let s):
        return b[s] ?? e
    case .normal(let n):
        let head = substitute(n.head, b)
        var args: [Expr] = []
        args.reserveCapacity(n.args.count)
        var changed = false
        for a in n.args {
            if case .symbol(let s) = a, let v = b[s] {
                changed = true
                if v.hasHead(Sym.Sequence) { args.append(contentsOf: v.args) } else { args.append(v) }
            } else {
                let r = substitute(a, b)
                if !r.isIdentical(to: a) { changed = true }
                args.append(r)
            }
        }
        if !changed && head.isIdentical(to: n.head) { return e }
        return .normal(Normal(head, args))
    default:
        return e
    }
}
