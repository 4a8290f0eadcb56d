import Foundation
import Language

/// Complex numbers in Wolfram's normal form `Complex[re, im]`: numeric parts, the imaginary one
/// never an exact zero (`Complex[1, 0]` is just 1). `I` is `Complex[0, 1]`; Plus, Times and Power
/// combine them with real numbers through these operations.
enum ComplexNumbers {
    static let i = Expr.call(Sym.Complex, [.integer(0), .integer(1)])

    static func isComplex(_ e: Expr) -> Bool { Order.isComplexNumber(e) }

    /// Real and imaginary parts of a number or complex number.
    static func parts(_ e: Expr) -> (re: Expr, im: Expr)? {
        if e.isNumber { return (e, .integer(0)) }
        return isComplex(e) ? (e.args[0], e.args[1]) : nil
    }

    /// The number `re + im I`: a real number when im is an exact zero; a real part takes the
    /// inexactness of the other (`Complex[0., 1.]`, as `N[I]` is).
    static func make(_ re: Expr, _ im: Expr) -> Expr {
        if im == .integer(0) { return re }
        var re = re, im = im
        if case .real = im, re.isExactNumber { re = Numbers.toReal(re) ?? re }
        if case .real = re, im.isExactNumber { im = Numbers.toReal(im) ?? im }
        return .call(Sym.Complex, [re, im])
    }

    static func add(_ a: Expr, _ b: Expr) -> Expr? {
        if a.isNumber && b.isNumber { return Numbers.add(a, b) }
        guard let (ar, ai) = parts(a), let (br, bi) = parts(b),
              let re = Numbers.add(ar, br), let im = Numbers.add(ai, bi) else { return nil }
        return make(re, im)
    }

    static func multiply(_ a: Expr, _ b: Expr) -> Expr? {
        if a.isNumber && b.isNumber { return Numbers.multiply(a, b) }
        guard let (ar, ai) = parts(a), let (br, bi) = parts(b),
              let rr = Numbers.multiply(ar, br), let ii = Numbers.multiply(ai, bi),
              let ri = Numbers.multiply(ar, bi), let ir = Numbers.multiply(ai, br),
              let re = Numbers.add(rr, Numbers.negate(ii) ?? ii), let im = Numbers.add(ri, ir) else { return nil }
        return make(re, im)
    }

    /// 1/z = conj(z)/|z|^2.
    static func reciprocal(_ z: Expr) -> Expr? {
        guard let (r, i) = parts(z), let rr = Numbers.multiply(r, r), let ii = Numbers.multiply(i, i),
              let n = Numbers.add(rr, ii), let inv = Numbers.reciprocal(n),
              let re = Numbers.multiply(r, inv), let mi = Numbers.negate(i), let im = Numbers.multiply(mi, inv) else { return nil }
        return make(re, im)
    }

    /// z^k for an integer k of at most 4096 in size, by repeated squaring.
    static func power(_ z: Expr, _ k: Int) -> Expr? {
        guard abs(k) <= 4096 else { return nil }
        var base = z, e = abs(k)
        var result: Expr = .integer(1)
        while e > 0 {
            if e & 1 == 1 { guard let r = multiply(result, base) else { return nil }; result = r }
            e >>= 1
            if e > 0 { guard let b = multiply(base, base) else { return nil }; base = b }
        }
        return k < 0 ? reciprocal(result) : result
    }

    /// z^w in machine numbers, through the polar form.
    static func machinePower(_ z: Expr, _ w: Expr) -> Expr? {
        guard let (zr, zi) = parts(z), let (wr, wi) = parts(w), let a = zr.doubleValue, let b = zi.doubleValue,
              let c = wr.doubleValue, let d = wi.doubleValue, a != 0 || b != 0 else { return nil }
        let logR = Foundation.log((a * a + b * b).squareRoot()), theta = atan2(b, a)
        let m = Foundation.exp(c * logR - d * theta), phase = d * logR + c * theta
        return make(.real(m * Foundation.cos(phase)), .real(m * Foundation.sin(phase)))
    }

    /// I^k.
    static func iPower(_ k: Int) -> Expr {
        [.integer(1), i, .integer(-1), .call(Sym.Complex, [.integer(0), .integer(-1)])][((k % 4) + 4) % 4]
    }

    /// `E^(r I Pi)` at quarter turns, as Wolfram evaluates it: `Exp[I Pi]` is -1, `Exp[I Pi/2]` is I;
    /// other angles stay (`E^((I/3)*Pi)`; ExpToTrig or ComplexExpand expand them).
    static func exponentialOfImaginaryPi(_ w: Expr) -> Expr? {
        guard w.hasHead(Sym.Times), w.args.count == 2, w.args[1].isSymbol(Sym.Pi), let (re, im) = parts(w.args[0]),
              re == .integer(0), im.isExactNumber else { return nil }
        let halves: Int
        switch im {
        case .integer(let k): halves = 2 &* k
        case .rational(let r) where r.denominator == 2: guard let n = Int(exactly: r.numerator) else { return nil }; halves = n
        default: return nil
        }
        return iPower(halves % 4)
    }
}

extension Kernel {
    static var complexBuiltins: [Builtin] {
        [
            Builtin("Re", .numeric, usage: "Re[z] gives the real part of the complex number z.", arity: .exactly(1),
                    examples: [("Re[3 + 4 I]", "3"), ("Re[2.5]", "2.5")]) { c in
                ComplexNumbers.parts(c[0])?.re
            },
            Builtin("Im", .numeric, usage: "Im[z] gives the imaginary part of the complex number z.", arity: .exactly(1),
                    examples: [("Im[3 + 4 I]", "4"), ("Im[7]", "0")]) { c in
                ComplexNumbers.parts(c[0])?.im
            },
            Builtin("Conjugate", .numeric, usage: "Conjugate[z] gives the complex conjugate of z.", arity: .exactly(1),
                    examples: [("Conjugate[3 + 4 I]", "3 - 4 I")]) { c in
                guard let (re, im) = ComplexNumbers.parts(c[0]), let m = Numbers.negate(im) else { return nil }
                return ComplexNumbers.make(re, m)
            },
            Builtin("Arg", .numeric, usage: "Arg[z] gives the argument (phase angle) of the complex number z, in radians between -Pi and Pi.", arity: .exactly(1),
                    examples: [("Arg[1 + I]", "Pi/4"), ("Arg[-2]", "Pi")]) { c in
                guard let (re, im) = ComplexNumbers.parts(c[0]) else { return nil }
                if !c[0].isExactNumber && !(re.isExactNumber && im.isExactNumber) {
                    guard let x = re.doubleValue, let y = im.doubleValue else { return nil }
                    return .real(atan2(y, x))
                }
                guard let sr = Numbers.sign(re), let si = Numbers.sign(im) else { return nil }
                let pi = Expr.symbol(Sym.Pi), half = Expr.call(Sym.Times, [Numbers.rational(1, 2) ?? .null, pi])
                if sr == 0 { return si == 0 ? .integer(0) : (si > 0 ? half : .call(Sym.Times, [.integer(-1), half])) }
                let base = Expr.call(Symbol.intern("ArcTan"), [.call(Sym.Times, [im, .call(Sym.Power, [re, .integer(-1)])])])
                if sr > 0 { return base }
                return .call(Sym.Plus, [base, si >= 0 ? pi : .call(Sym.Times, [.integer(-1), pi])])
            },
        ]
    }
}
