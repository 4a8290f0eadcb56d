/// The canonical order of expressions, used by `Sort` and by Orderless heads: numbers first by
/// value, then strings, then symbols and normal expressions by their leading symbol, powers after
/// their base (`x` before `x^2`), shorter expressions before longer ones.
public enum Order {
    public static func less(_ a: Expr, _ b: Expr) -> Bool { compare(a, b) < 0 }

    /// Negative, zero or positive.
    public static func compare(_ a: Expr, _ b: Expr) -> Int {
        switch (a.isNumber, b.isNumber) {
        case (true, true):
            let c = Numbers.compare(a, b) ?? 0
            if c != 0 { return c }
            return rank(a) - rank(b)
        case (true, false): return -1
        case (false, true): return 1
        default: break
        }
        switch (a, b) {
        case let (.string(x), .string(y)): return compareText(x, y)
        case (.string, _): return -1
        case (_, .string): return 1
        case let (.symbol(x), .symbol(y)): return compareText(x.name, y.name)
        default: break
        }
        let (ba, ea, ca) = key(a), (bb, eb, cb) = key(b)
        if !(ba.isIdentical(to: a) && bb.isIdentical(to: b)) {
            let c = compare(ba, bb)
            if c != 0 { return c }
            let ce = compare(ea, eb)
            if ce != 0 { return ce }
            let cc = compare(ca, cb)
            if cc != 0 { return cc }
            if ba.isIdentical(to: a) { return -1 }
            if bb.isIdentical(to: b) { return 1 }
        }
        switch (a, b) {
        case let (.symbol(s), .normal(n)):
            let c = compare(.symbol(s), n.head)
            return c != 0 ? c : -1
        case let (.normal(n), .symbol(s)):
            let c = compare(n.head, .symbol(s))
            return c != 0 ? c : 1
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

    /// For ordering `x^2` after `x` and `2 x` next to `x`: base, exponent, coefficient.
    static func key(_ e: Expr) -> (Expr, Expr, Expr) {
        if e.hasHead(Sym.Power), e.args.count == 2 { return (e.args[0], e.args[1], .integer(1)) }
        if e.hasHead(Sym.Times), e.args.count == 2, e.args[0].isNumber {
            let (b, x, _) = key(e.args[1])
            return (b, x, e.args[0])
        }
        return (e, .integer(1), .integer(1))
    }

    static func rank(_ e: Expr) -> Int {
        switch e {
        case .integer, .bigInteger: return 0
        case .rational: return 1
        case .real: return 2
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
