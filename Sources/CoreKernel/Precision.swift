import BigInt
import Foundation
import Language

/// Arbitrary-precision numerics: `N[expr, n]`, `Precision`, `Accuracy`, `SetPrecision`,
/// `SetAccuracy`. The numbers themselves (`BigReal`) and their arithmetic live in the language
/// core; this file converts expressions to a precision and reads precisions back.
enum PrecisionSpec {
    /// Machine arithmetic (`MachinePrecision`), exact numbers (`Infinity`), or a number of digits.
    case machine, exact, digits(Double)

    /// Reads `MachinePrecision`, `Infinity` or a nonnegative number; nil otherwise.
    init?(_ e: Expr) {
        if e.isSymbol(Symbol.intern("MachinePrecision")) { self = .machine; return }
        if e == Expr(Sym.DirectedInfinity, .integer(1)) || e.isSymbol(Symbol.intern("Infinity")) { self = .exact; return }
        guard e.isNumber, let d = e.doubleValue, d.isFinite, d >= 0 else { return nil }
        self = .digits(d)
    }
}

/// The value of a numeric constant to p digits, or nil for a symbol that is not one.
func constantValue(_ s: Symbol, precision p: Double) -> BigReal? {
    switch s.name {
    case "Pi": return BigRealMath.pi(precision: p)
    case "E": return BigRealMath.e(precision: p)
    case "Degree": return BigRealMath.pi(precision: p + 3).multiplied(by: 1, 180)?.withPrecision(p)
    case "GoldenRatio":
        guard let five = BigReal.fromFraction(5, 1, precision: p + 3), let r = BigRealMath.sqrt(five) else { return nil }
        return r.adding(1, 1).multiplied(by: 1, 2)?.withPrecision(p)
    default: return nil
    }
}

/// Replaces the numbers of `e` by their values at the given precision: exact numbers and numeric
/// constants become `BigReal`s (or machine reals, or stay exact), as `SetPrecision` does.
/// `machineToo` says whether machine reals change as well (`SetPrecision`) or stay (`N`).
func withPrecision(_ e: Expr, _ spec: PrecisionSpec, machineToo: Bool) -> Expr {
    func number(_ x: Expr) -> Expr? {
        switch (x, spec) {
        case (.integer, .exact), (.bigInteger, .exact), (.rational, .exact): return x
        case (.integer, .machine), (.bigInteger, .machine), (.rational, .machine): return Numbers.toReal(x)
        case let (.bigReal(b), .machine): return .real(b.doubleValue)
        case let (.bigReal(b), .exact):
            let (n, d) = b.exactFraction
            return Numbers.rational(n, d)
        case let (.bigReal(b), .digits(p)): return .bigReal(b.withPrecision(p))
        case (.real, .machine): return x
        case let (.real(d), .exact):
            guard machineToo, let b = BigReal.fromDouble(d, precision: 20) else { return x }
            let (n, den) = b.exactFraction
            return Numbers.rational(n, den)
        case let (.real(d), .digits(p)):
            return machineToo ? BigReal.fromDouble(d, precision: p).map { .bigReal($0) } ?? x : x
        case let (_, .digits(p)):
            guard let (n, d) = Numbers.fraction(x) else { return nil }
            return BigReal.fromFraction(n, d, precision: p).map { .bigReal($0) }
        default: return nil
        }
    }
    func walk(_ x: Expr) -> Expr {
        switch x {
        case .integer, .bigInteger, .rational, .real, .bigReal: return number(x) ?? x
        case .symbol(let s):
            switch spec {
            case .digits(let p): return constantValue(s, precision: p).map { .bigReal($0) } ?? x
            case .machine: return constantValues[s].map { .real($0) } ?? x
            case .exact: return x
            }
        case .normal(let n):
            if n.head.isSymbol(Sym.Rule) || n.head.isSymbol(Sym.RuleDelayed), n.args.count == 2 {
                return .normal(Normal(n.head, [n.args[0], walk(n.args[1])]))
            }
            return .normal(Normal(n.head, n.args.map(walk)))
        default: return x
        }
    }
    return walk(e)
}

/// Lowers every arbitrary-precision real in `e` to at most p digits (what `N[expr, p]` promises
/// after computing with guard digits).
func capPrecision(_ e: Expr, _ p: Double) -> Expr {
    switch e {
    case .bigReal(let b): return b.isZero || b.precision > p ? .bigReal(b.withPrecision(b.isZero ? min(b.zeroAccuracy, p) : p)) : e
    case .normal(let n): return .normal(Normal(n.head, n.args.map { capPrecision($0, p) }))
    default: return e
    }
}

/// The least precision (or accuracy) among the numbers in `e`: nil when there are none (exact),
/// `-infinity` standing for a machine real.
private func least(_ e: Expr, _ measure: (BigReal) -> Double, machine: (Double) -> Double) -> Double? {
    switch e {
    case .real(let d): return machine(d)
    case .bigReal(let b): return measure(b)
    case .normal(let n):
        var best: Double?
        for a in [n.head] + n.args { if let m = least(a, measure, machine: machine) { best = min(best ?? m, m) } }
        return best
    default: return nil
    }
}

/// Digits requested of N and SetPrecision: at most `BigReal.maxPrecision`.
private func requested(_ c: Call, _ e: Expr) -> PrecisionSpec? {
    guard let spec = PrecisionSpec(e) else {
        c.message("precbd", e)
        return nil
    }
    if case .digits(let p) = spec, p > BigReal.maxPrecision {
        c.message("preclg", e)
        return nil
    }
    return spec
}

private let precisionMessages = [
    "precbd": "Requested precision `1` is not a machine-sized real number between 0 and $MaxPrecision.",
    "preclg": "Requested precision `1` is larger than $MaxPrecision (100000.).",
]

extension Kernel {
    static var precisionBuiltins: [Builtin] {
        [
            Builtin("N", [.protected], usage: "N[expr] gives the numerical (machine real) value of expr; N[expr, n] gives it to n digits of precision.",
                    arity: .between(1, 2), messages: precisionMessages,
                    examples: [("N[1/4]", "0.25"), ("N[Pi, 30]", "3.14159265358979323846264338328"),
                               ("N[Sqrt[2], 20]", "1.4142135623730950488")]) { c in
                guard c.count == 2 else {
                    // An expression with nothing to convert is its own numerical value: N[{1.5, 2.5}] is {1.5, 2.5}.
                    return numericValue(c[0])
                }
                guard let spec = requested(c, c[1]) else { return nil }
                switch spec {
                case .machine: return numericValue(c[0])
                case .exact: return c[0]
                case .digits(let p):
                    // Computed with guard digits, then rounded to the digits asked for. The
                    // constants' series (N[Pi, 90000] takes minutes) run on a thread of their
                    // own, so Ctrl-C is answered.
                    let expr = c[0]
                    let converted = try awaitingInterrupt(c) { withPrecision(expr, .digits(p + 10), machineToo: false) }
                    let value = try c.evaluate(converted)
                    return capPrecision(value, p)
                }
            },
            Builtin("Precision", [.protected], usage: "Precision[x] gives the number of significant decimal digits of x: MachinePrecision for machine reals, Infinity for exact numbers.",
                    arity: .exactly(1), examples: [("Precision[1.5`20]", "20."), ("Precision[1/3]", "Infinity"), ("Precision[2.5]", "MachinePrecision")]) { c in
                guard let p = least(c[0], { $0.isZero ? 0 : $0.precision }, machine: { _ in -.infinity }) else {
                    return Expr(Sym.DirectedInfinity, .integer(1))
                }
                return p == -.infinity ? .sym("MachinePrecision") : .real(p)
            },
            Builtin("Accuracy", [.protected], usage: "Accuracy[x] gives the number of decimal digits of x known after the decimal point: Infinity for exact numbers.",
                    arity: .exactly(1), examples: [("Accuracy[1.5``20]", "20."), ("Accuracy[7]", "Infinity")]) { c in
                let machine = { (d: Double) in BigReal.machinePrecision - Foundation.log10(max(abs(d), Double.leastNormalMagnitude)) }
                guard let a = least(c[0], { $0.accuracy }, machine: machine) else { return Expr(Sym.DirectedInfinity, .integer(1)) }
                return .real(a)
            },
            Builtin("SetPrecision", [.protected], usage: "SetPrecision[expr, p] gives expr with every number set to precision p (MachinePrecision, Infinity or a number of digits).",
                    arity: .exactly(2), messages: precisionMessages,
                    examples: [("SetPrecision[1/3, 10]", "0.3333333333"), ("SetPrecision[0.5, Infinity]", "1/2")]) { c in
                guard let spec = requested(c, c[1]) else { return nil }
                return try c.evaluate(withPrecision(c[0], spec, machineToo: true))
            },
            Builtin("SetAccuracy", [.protected], usage: "SetAccuracy[expr, a] gives expr with every number set to have a digits after the decimal point.",
                    arity: .exactly(2), messages: precisionMessages, examples: [("SetAccuracy[12.5, 3]", "12.50")]) { c in
                guard let a = c[1].doubleValue, a.isFinite, a <= BigReal.maxPrecision else {
                    c.message("precbd", c[1])
                    return nil
                }
                func walk(_ x: Expr) -> Expr {
                    switch x {
                    case .normal(let n): return .normal(Normal(n.head, n.args.map(walk)))
                    case .symbol: return x
                    default:
                        guard x.isNumber else { return x }
                        let b: BigReal?
                        switch x {
                        case .bigReal(let v): b = v
                        case .real(let d): b = BigReal.fromDouble(d, precision: 20)
                        default: b = Numbers.fraction(x).flatMap { BigReal.fromFraction($0.0, $0.1, precision: max(a + BigReal.log10Size($0.0, $0.1), 1) + 10) }
                        }
                        guard let v = b else { return x }
                        if v.isZero { return .bigReal(BigReal(zeroWithAccuracy: a)) }
                        let p = a + v.log10Magnitude
                        return .bigReal(p <= 0 ? BigReal(zeroWithAccuracy: a) : v.withPrecision(min(p, BigReal.maxPrecision)))
                    }
                }
                return try c.evaluate(walk(c[0]))
            },
        ]
    }
}
