import Foundation
import Tensor

/// A function of one number built from arithmetic and elementary functions, as written in
/// `ElementwiseLayer[1 - Tanh[#]^2 &]`. Derivatives come from dual numbers, so any such
/// function can be trained through.
public indirect enum ScalarFunction: Sendable, Equatable, Codable {
    case input
    case constant(Double)
    case sum([ScalarFunction])
    case product([ScalarFunction])
    case power(ScalarFunction, ScalarFunction)
    case apply(Elementary, ScalarFunction)
    case clip(ScalarFunction, Double, Double)

    public enum Elementary: String, Sendable, CaseIterable, Codable {
        case exp = "Exp", log = "Log", tanh = "Tanh", sin = "Sin", cos = "Cos", abs = "Abs",
             sqrt = "Sqrt", ramp = "Ramp", sigmoid = "LogisticSigmoid", erf = "Erf", sinh = "Sinh",
             cosh = "Cosh", arctan = "ArcTan"
    }

    /// Value and derivative at x.
    public func evaluate(_ x: Double) -> (value: Double, derivative: Double) {
        switch self {
        case .input: return (x, 1)
        case .constant(let c): return (c, 0)
        case .sum(let terms):
            return terms.reduce((0, 0)) { acc, t in let v = t.evaluate(x); return (acc.0 + v.0, acc.1 + v.1) }
        case .product(let factors):
            return factors.reduce((1, 0)) { acc, f in let v = f.evaluate(x); return (acc.0 * v.0, acc.1 * v.0 + acc.0 * v.1) }
        case .power(let base, let exponent):
            let (b, db) = base.evaluate(x), (e, de) = exponent.evaluate(x)
            let value = Foundation.pow(b, e)
            var d = de == 0 ? 0 : value * Foundation.log(b) * de
            if db != 0 { d += e * Foundation.pow(b, e - 1) * db }
            return (value, d)
        case .clip(let f, let lo, let hi):
            let (v, d) = f.evaluate(x)
            return v < lo ? (lo, 0) : v > hi ? (hi, 0) : (v, d)
        case .apply(let g, let f):
            let (u, du) = f.evaluate(x)
            let (v, dv) = g.evaluate(u)
            return (v, dv * du)
        }
    }
}

extension ScalarFunction.Elementary {
    func evaluate(_ u: Double) -> (Double, Double) {
        switch self {
        case .exp: let e = Foundation.exp(u); return (e, e)
        case .log: return (Foundation.log(u), 1 / u)
        case .tanh: let t = Foundation.tanh(u); return (t, 1 - t * t)
        case .sin: return (Foundation.sin(u), Foundation.cos(u))
        case .cos: return (Foundation.cos(u), -Foundation.sin(u))
        case .abs: return (Swift.abs(u), u > 0 ? 1 : u < 0 ? -1 : 0)
        case .sqrt: let r = u.squareRoot(); return (r, 0.5 / r)
        case .ramp: return (Swift.max(u, 0), u > 0 ? 1 : 0)
        case .sigmoid: let s = 1 / (1 + Foundation.exp(-u)); return (s, s * (1 - s))
        case .erf: return (Foundation.erf(u), 2 / Double.pi.squareRoot() * Foundation.exp(-u * u))
        case .sinh: return (Foundation.sinh(u), Foundation.cosh(u))
        case .cosh: return (Foundation.cosh(u), Foundation.sinh(u))
        case .arctan: return (Foundation.atan(u), 1 / (1 + u * u))
        }
    }
}

/// What an ElementwiseLayer applies: one of the tensor runtime's activations (fast paths with
/// exact derivatives) or a general scalar function.
public enum ElementwiseFunction: Sendable, Equatable, Codable {
    case activation(Activation)
    case scalar(ScalarFunction)

    func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .activation(let f): return x.activated(f)
        case .scalar(let f): return x.map { Float(f.evaluate(Double($0)).value) }
        }
    }

    func backward(input x: Tensor, gradient g: Tensor) throws -> Tensor {
        switch self {
        case .activation(let f): return try Tensor.activationBackward(f, input: x, gradient: g)
        case .scalar(let f): return try Tensor.combine(x, g) { v, d in d * Float(f.evaluate(Double(v)).derivative) }
        }
    }
}
