import BigInt
import Language

/// Exact values of the circular functions at multiples of Pi/6 and Pi/4 (`Sin[Pi/4]` is
/// `1/Sqrt[2]`, `ArcTan[Sqrt[3]]` is `Pi/3`) and their symmetries (`Sin[-x]` is `-Sin[x]`,
/// `Cos[-x]` is `Cos[x]`). Each returns nil when it has no exact value, leaving the function to
/// its numeric rule. Results are unevaluated sums and products the evaluator normalizes.
enum Trigonometry {
    /// The angle in twelfths of Pi, reduced to 0..<24, when `e` is a rational multiple of Pi
    /// that is a whole number of twelfths.
    static func twelfths(_ e: Expr) -> Int? {
        var r: (BigInt, BigInt)?
        if e.isSymbol(Sym.Pi) { r = (1, 1) }
        if e.hasHead(Sym.Times), e.args.count == 2, e.args[1].isSymbol(Sym.Pi) { r = Numbers.fraction(e.args[0]) }
        guard let (n, d) = r else { return nil }
        let (q, rem) = (n * 12).quotientAndRemainder(dividingBy: d)
        guard rem.isZero else { return nil }
        let k = Int(q % 24)
        return k < 0 ? k + 24 : k
    }

    private static let half = Numbers.rational(1, 2) ?? .null
    private static func sqrt(_ n: Int, _ e: Expr) -> Expr { .call(Sym.Power, [.integer(n), e]) }
    /// 1/Sqrt[2], as Wolfram writes it.
    private static let invSqrt2 = sqrt(2, Numbers.rational(-1, 2) ?? .null)
    private static let invSqrt3 = sqrt(3, Numbers.rational(-1, 2) ?? .null)
    private static let sqrt3 = sqrt(3, half)
    private static let sqrt3Half = Expr.call(Sym.Times, [half, sqrt3])

    /// Sine at k twelfths of Pi in the first half turn (0...11).
    private static let sines: [Int: Expr] = [0: .integer(0), 2: half, 3: invSqrt2, 4: sqrt3Half, 6: .integer(1),
                                             8: sqrt3Half, 9: invSqrt2, 10: half]
    /// Tangent at k twelfths of Pi, for a half turn (0...11); 6 is ComplexInfinity.
    private static let tangents: [Int: Expr] = [0: .integer(0), 2: invSqrt3, 3: .integer(1), 4: sqrt3,
                                                6: Expr(Sym.DirectedInfinity), 8: negated(sqrt3), 9: .integer(-1),
                                                10: negated(invSqrt3)]

    private static func negated(_ e: Expr) -> Expr { .call(Sym.Times, [.integer(-1), e]) }

    /// `x` when `e` is `-x` (a product with a negative numeric coefficient, or a negative number).
    static func negative(_ e: Expr) -> Expr? {
        if let s = Numbers.sign(e), s < 0 { return Numbers.negate(e) }
        if e.hasHead(Sym.Times), let c = e.args.first, let s = Numbers.sign(c), s < 0, let m = Numbers.negate(c) {
            return .call(Sym.Times, [m] + e.args.dropFirst())
        }
        return nil
    }

    private static func sine(twelfths k: Int) -> Expr? {
        guard let v = sines[k % 12] else { return nil }
        return k < 12 ? v : negated(v)
    }

    static func sin(_ x: Expr) -> Expr? {
        if let k = twelfths(x) { return sine(twelfths: k) }
        if !x.isNumber, let m = negative(x) { return negated(.call(Symbol.intern("Sin"), [m])) }
        return x == .integer(0) ? .integer(0) : nil
    }

    static func cos(_ x: Expr) -> Expr? {
        if let k = twelfths(x) { return sine(twelfths: (k + 6) % 24) }
        if !x.isNumber, let m = negative(x) { return .call(Symbol.intern("Cos"), [m]) }
        return x == .integer(0) ? .integer(1) : nil
    }

    static func tan(_ x: Expr) -> Expr? {
        if let k = twelfths(x) { return tangents[k % 12] }
        if !x.isNumber, let m = negative(x) { return negated(.call(Symbol.intern("Tan"), [m])) }
        return x == .integer(0) ? .integer(0) : nil
    }

    /// The angle of an exact value in `table` (at the given twelfths), odd in its argument.
    private static func angle(_ x: Expr, in table: [Int: Expr], at ks: [Int]) -> Expr? {
        if let m = negative(x) { return angle(m, in: table, at: ks).map(negated) }
        for k in ks where table[k] == x { return piTimes(k) }
        return nil
    }

    /// ArcSin of the exact sines above, as a multiple of Pi; `ArcSin[-x]` is `-ArcSin[x]`.
    static func arcSin(_ x: Expr) -> Expr? {
        if let a = angle(x, in: sines, at: [0, 2, 3, 4, 6]) { return a }
        if !x.isNumber, let m = negative(x) { return negated(.call(Symbol.intern("ArcSin"), [m])) }
        return nil
    }

    static func arcCos(_ x: Expr) -> Expr? {
        angle(x, in: sines, at: [0, 2, 3, 4, 6]).map { .call(Sym.Plus, [piTimes(6), negated($0)]) }
    }

    static func arcTan(_ x: Expr) -> Expr? {
        if x.hasHead(Sym.DirectedInfinity), let d = x.args.first, let s = Numbers.sign(d) {
            return s > 0 ? piTimes(6) : negated(piTimes(6))
        }
        if let a = angle(x, in: tangents, at: [0, 2, 3, 4]) { return a }
        if !x.isNumber, let m = negative(x) { return negated(.call(Symbol.intern("ArcTan"), [m])) }
        return nil
    }

    /// k/12 Pi.
    private static func piTimes(_ k: Int) -> Expr {
        k == 0 ? .integer(0) : .call(Sym.Times, [Numbers.rational(BigInt(k), 12) ?? .null, .symbol(Sym.Pi)])
    }
}
