/// The canonical order of expressions, used by `Sort`, `Order` and Orderless heads, following
/// Wolfram's rules: numbers first by value, then strings, then expressions ordered like the terms
/// of a polynomial. A term with a monomial part (symbols and their numeric powers, alone or in a
/// product: `x`, `x^2`, `3 x y`, `x Sin[x]`) comes before one without (`f[x]`, `Sin[x]`), so
/// `Sort[{f[x], x}]` is `{x, f[x]}` and `x^2 Cos[x]` keeps `x^2` first. Monomials compare from
/// their last variable down (`x` before `x^2` before `x y` before `y`); a numeric
/// coefficient only breaks ties (`x` before `2 x`); a power without a monomial (`E^x`, `Sqrt[2]`)
/// sits by its base, then its exponent; a sum by its last term (`(a + b) c`); other expressions
/// go shorter first, then by head, then argument by argument.
public enum Order {
    public static func less(_ a: Expr, _ b: Expr) -> Bool { compare(a, b) < 0 }

    /// Negative, zero or positive.
    public static func compare(_ a: Expr, _ b: Expr) -> Int {
        // Two calls of the same ordinary head (not Plus, Times, Power or Complex, which order by
        // their terms) compare argument by argument, which is what the general rules below come
        // to. A chain of such calls (the chain rule's Cos[Sin[Sin[...]]]) is walked down its
        // last arguments in a loop, not by recursion, and a subexpression shared by both sides
        // is equal to itself without a look inside.
        var a = a, b = b
        while case .normal(let x) = a, case .normal(let y) = b {
            if x === y { return 0 }
            guard x.args.count == y.args.count, case .symbol(let h) = x.head, case .symbol(let k) = y.head,
                  h === k, !isTermHead(h), let last = x.args.indices.last else { break }
            for i in 0..<last {
                let c = compare(x.args[i], y.args[i])
                if c != 0 { return c }
            }
            a = x.args[last]
            b = y.args[last]
        }
        return compareTerms(a, b)
    }

    /// Whether expressions with head h order by their terms rather than argument by argument.
    @inline(__always)
    private static func isTermHead(_ h: Symbol) -> Bool {
        h === Sym.Plus || h === Sym.Times || h === Sym.Power || h === Sym.Complex
    }

    private static func compareTerms(_ a: Expr, _ b: Expr) -> Int {
        switch (a.isNumber, b.isNumber) {
        case (true, true):
            let c = Numbers.compare(a, b) ?? 0
            if c != 0 { return c }
            return rank(a) - rank(b)
        case (true, false): return isComplexNumber(b) ? compareComplex(a, b) : -1
        case (false, true): return isComplexNumber(a) ? compareComplex(a, b) : 1
        default:
            switch (isComplexNumber(a), isComplexNumber(b)) {
            case (true, true): return compareComplex(a, b)
            case (true, false): return -1
            case (false, true): return 1
            default: break
            }
        }
        switch (a, b) {
        case let (.string(x), .string(y)): return compareText(x, y)
        case (.string, _): return -1
        case (_, .string): return 1
        case let (.symbol(x), .symbol(y)): return compareText(x.name, y.name)
        default: break
        }
        switch (a.hasHead(Sym.Plus), b.hasHead(Sym.Plus)) {
        case (true, true): return compareSums(a.args, b.args)
        case (true, false): return compareSums(a.args, [b])
        case (false, true): return compareSums([a], b.args)
        default: break
        }
        let (ra, ca) = splitCoefficient(a), (rb, cb) = splitCoefficient(b)
        if ca != nil || cb != nil {
            let c = compare(ra, rb)
            if c != 0 { return c }
            return compare(ca ?? .integer(1), cb ?? .integer(1))
        }
        switch (monomial(a), monomial(b)) {
        case let (ma?, mb?):
            let c = compareMonomials(ma, mb)
            if c != 0 { return c }
        case (_?, nil):
            return b.hasHead(Sym.Power) ? byBase(a, b, tie: -1) : -1
        case (nil, _?):
            return a.hasHead(Sym.Power) ? byBase(a, b, tie: 1) : 1
        case (nil, nil):
            if a.hasHead(Sym.Power) || b.hasHead(Sym.Power) {
                let c = byBase(a, b, tie: 0)
                // Two powers whose bases and exponents compared equal are equal: comparing them
                // again structurally would double the work at every level of nested powers.
                if c != 0 || (a.hasHead(Sym.Power) && b.hasHead(Sym.Power) && a.args.count == 2 && b.args.count == 2) { return c }
            }
        }
        return structural(a, b)
    }

    /// `Complex[re, im]` with numeric parts.
    public static func isComplexNumber(_ e: Expr) -> Bool {
        guard case .normal(let n) = e, n.args.count == 2, n.head.isSymbol(Sym.Complex) else { return false }
        return n.args[0].isNumber && n.args[1].isNumber
    }

    /// Complex numbers (and real ones) by their real parts, then the sizes of their imaginary parts.
    private static func compareComplex(_ a: Expr, _ b: Expr) -> Int {
        func parts(_ e: Expr) -> (Expr, Expr) { e.isNumber ? (e, .integer(0)) : (e.args[0], e.args[1]) }
        let (ra, ia) = parts(a), (rb, ib) = parts(b)
        let c = Numbers.compare(ra, rb) ?? 0
        if c != 0 { return c }
        let m = Numbers.compare(.real(abs(ia.doubleValue ?? 0)), .real(abs(ib.doubleValue ?? 0))) ?? 0
        if m != 0 { return m }
        return Numbers.compare(ia, ib) ?? 0
    }

    /// A sum sits by its last term, then the ones before it, then the shorter first: `(a + b) c`,
    /// `x (1 + x)`, `(-1 + x) (1 + x)`.
    private static func compareSums(_ a: [Expr], _ b: [Expr]) -> Int {
        for (p, q) in zip(a.reversed(), b.reversed()) {
            let c = compare(p, q)
            if c != 0 { return c }
        }
        return a.count - b.count
    }

    /// Compares `base^exp` pairs (a non-power is its own base with exponent 1); `tie` when both agree.
    private static func byBase(_ a: Expr, _ b: Expr, tie: Int) -> Int {
        let (ba, ea) = baseAndExponent(a), (bb, eb) = baseAndExponent(b)
        if ba.isIdentical(to: a) && bb.isIdentical(to: b) { return tie }
        let c = compare(ba, bb)
        if c != 0 { return c }
        let ce = compare(ea, eb)
        return ce != 0 ? ce : tie
    }

    private static func baseAndExponent(_ e: Expr) -> (Expr, Expr) {
        if e.hasHead(Sym.Power), e.args.count == 2 { return (e.args[0], e.args[1]) }
        return (e, .integer(1))
    }

    /// Symbols before normal expressions; normal expressions shorter first, then by head, then by
    /// their arguments in order.
    private static func structural(_ a: Expr, _ b: Expr) -> Int {
        switch (a, b) {
        case let (.symbol(x), .symbol(y)): return compareText(x.name, y.name)
        case (.symbol, .normal): return -1
        case (.normal, .symbol): return 1
        case let (.normal(x), .normal(y)):
            if x.args.count != y.args.count { return x.args.count - y.args.count }
            let c = compare(x.head, y.head)
            if c != 0 { return c }
            for (p, q) in zip(x.args, y.args) {
                let d = compare(p, q)
                if d != 0 { return d }
            }
            return 0
        default:
            return rank(a) - rank(b)
        }
    }

    /// `Times[c, rest...]` with a numeric `c` as `(rest, c)`; other expressions as `(e, nil)`.
    static func splitCoefficient(_ e: Expr) -> (Expr, Expr?) {
        guard e.hasHead(Sym.Times), e.args.count >= 2, e.args[0].isNumber else { return (e, nil) }
        let rest = Array(e.args.dropFirst())
        return (rest.count == 1 ? rest[0] : .call(Sym.Times, rest), e.args[0])
    }

    /// The symbols of a term with their numeric exponents (`x^2 y Sin[x]` has x: 2, y: 1); nil
    /// when there are none.
    static func monomial(_ e: Expr) -> [String: Double]? {
        var exps: [String: Double] = [:]
        func add(_ f: Expr) {
            if case .symbol(let s) = f { exps[s.name, default: 0] += 1; return }
            if f.hasHead(Sym.Power), f.args.count == 2, case .symbol(let s) = f.args[0], f.args[1].isNumber,
               let x = f.args[1].doubleValue {
                exps[s.name, default: 0] += x
            }
        }
        if e.hasHead(Sym.Times) { e.args.forEach(add) } else { add(e) }
        return exps.isEmpty ? nil : exps
    }

    /// Monomials compare from their last variable down: the variables in reverse order, each
    /// with its exponent, as a list of (variable, exponent) pairs, the earlier variable or the
    /// smaller exponent first, a prefix first. So `x` before `x^2` before `x y` before `y`... and
    /// `a c + b c + a d + b d`, as Wolfram orders an expanded product.
    static func compareMonomials(_ a: [String: Double], _ b: [String: Double]) -> Int {
        let sa = a.sorted { compareText($0.key, $1.key) > 0 }, sb = b.sorted { compareText($0.key, $1.key) > 0 }
        for (p, q) in zip(sa, sb) {
            let c = compareText(p.key, q.key)
            if c != 0 { return c }
            if p.value != q.value { return p.value < q.value ? -1 : 1 }
        }
        return sa.count - sb.count
    }

    static func rank(_ e: Expr) -> Int {
        switch e {
        case .integer, .bigInteger: return 0
        case .rational: return 1
        case .real, .bigReal: return 2
        case .string: return 3
        case .symbol: return 4
        case .association: return 6
        case .native: return 7
        case .normal: return 5
        }
    }

    /// Alphabetical ignoring case first; lower case before upper case on ties.
    static func compareText(_ x: String, _ y: String) -> Int {
        if x == y { return 0 }
        let lx = x.lowercased(), ly = y.lowercased()
        if lx != ly { return lx < ly ? -1 : 1 }
        for (p, q) in zip(x.unicodeScalars, y.unicodeScalars) where p != q {
            let pl = p.properties.isLowercase, ql = q.properties.isLowercase
            if pl != ql { return pl ? -1 : 1 }
            return p.value < q.value ? -1 : 1
        }
        return x.unicodeScalars.count - y.unicodeScalars.count
    }
}
