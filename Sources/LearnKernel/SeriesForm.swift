import CoreKernel
import Language

/// `SeriesData[x, x0, {a0, a1, ...}, nmin, nmax, den]` in OutputForm, as Wolfram prints a series:
/// its terms in increasing order, then the order term, `1 + x + x^2/2 + O[x]^3`
/// (`E + E (x - 1) + O[x - 1]^2` about 1, `1/x + O[1/x]^2` about Infinity). InputForm and
/// FullForm keep the SeriesData call.
enum SeriesForm {
    static func install() {
        Printer.formRenderers["SeriesData"] = { n in text(n.args) }
    }

    static func text(_ a: [Expr]) -> String? {
        guard a.count == 6, let coefficients = a[2].listItems, let nmin = a[3].asInt, let nmax = a[4].asInt,
              let den = a[5].asInt, den > 0, coefficients.count <= 100_000,
              nmin > Int.min / 2, nmin < Int.max / 2 else { return nil }
        let x = a[0], x0 = a[1]
        let atInfinity = x0.isSymbol(Sym.Infinity) || x0 == .call(Sym.DirectedInfinity, [.integer(1)])
        // The base the powers apply to: x, x - x0, or 1/x.
        let base: Expr
        if atInfinity {
            base = .call(Sym.Power, [x, .integer(-1)])
        } else if x0 == .integer(0) {
            base = x
        } else {
            base = .call(Sym.Plus, [x, Numbers.negate(x0) ?? .call(Sym.Times, [.integer(-1), x0])])
        }
        func exponent(_ k: Int) -> Expr {
            den == 1 ? .integer(k) : (Numbers.reciprocal(.integer(den)).flatMap { Numbers.multiply(.integer(k), $0) } ?? .integer(k))
        }
        func power(_ k: Int) -> Expr? {
            if k == 0 { return nil }
            if atInfinity { return .call(Sym.Power, [x, Numbers.negate(exponent(k)) ?? .integer(-k)]) }
            return k == den ? base : .call(Sym.Power, [base, exponent(k)])
        }
        var terms: [Expr] = []
        for (i, c) in coefficients.enumerated() where c != .integer(0) {
            guard let p = power(nmin + i) else { terms.append(c); continue }
            if Numbers.isOne(c) && c.isExactNumber {
                terms.append(p)
            } else if c.hasHead(Sym.Times) {
                terms.append(.call(Sym.Times, c.args + [p]))
            } else {
                terms.append(.call(Sym.Times, [c, p]))
            }
        }
        let order: Expr = .call(.sym("O"), [atInfinity ? base : (x0 == .integer(0) ? x : base)])
        terms.append(nmax == den ? order : .call(Sym.Power, [order, exponent(nmax)]))
        let printer = Printer(.output)
        return terms.count == 1 ? printer.string(terms[0]) : printer.string(.call(Sym.Plus, terms))
    }
}
