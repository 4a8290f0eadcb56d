import Foundation

/// Elementwise activation functions with their derivatives, as one table (the micrograd idea):
/// each entry gives f(x) and f'(x) in terms of x.
public enum Activation: String, CaseIterable, Sendable, Codable {
    case relu, relu6, tanh, sigmoid, elu, selu, gelu, softplus, hardSigmoid

    static let seluAlpha: Float = 1.6732632423543772848170429916717
    static let seluScale: Float = 1.0507009873554804934193349852946

    /// f(x).
    public func value(_ x: Float) -> Float {
        switch self {
        case .relu: return x > 0 ? x : 0
        case .relu6: return Swift.min(Swift.max(x, 0), 6)
        case .tanh: return Foundation.tanh(x)
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        case .elu: return x > 0 ? x : Foundation.expm1(x)
        case .selu: return Activation.seluScale * (x > 0 ? x : Activation.seluAlpha * Foundation.expm1(x))
        case .gelu: return 0.5 * x * (1 + Foundation.erf(x / Float(2).squareRoot()))
        case .softplus: return x > 20 ? x : Foundation.log1p(Foundation.exp(x))
        case .hardSigmoid: return Swift.min(Swift.max(x / 6 + 0.5, 0), 1)
        }
    }

    /// f'(x).
    public func derivative(_ x: Float) -> Float {
        switch self {
        case .relu: return x > 0 ? 1 : 0
        case .relu6: return x > 0 && x < 6 ? 1 : 0
        case .tanh: let t = Foundation.tanh(x); return 1 - t * t
        case .sigmoid: let s = 1 / (1 + Foundation.exp(-x)); return s * (1 - s)
        case .elu: return x > 0 ? 1 : Foundation.exp(x)
        case .selu: return Activation.seluScale * (x > 0 ? 1 : Activation.seluAlpha * Foundation.exp(x))
        case .gelu:
            let cdf = 0.5 * (1 + Foundation.erf(x / Float(2).squareRoot()))
            let pdf = Foundation.exp(-0.5 * x * x) / Float(2 * Double.pi).squareRoot()
            return cdf + x * pdf
        case .softplus: return 1 / (1 + Foundation.exp(-x))
        case .hardSigmoid: return x > -3 && x < 3 ? 1.0 / 6 : 0
        }
    }
}

extension Tensor {
    /// The activation applied elementwise.
    public func activated(_ f: Activation) -> Tensor { map(f.value) }

    /// The gradient with respect to the input: `gradient ⊙ f'(input)`.
    public static func activationBackward(_ f: Activation, input: Tensor, gradient: Tensor) throws -> Tensor {
        guard input.shape == gradient.shape else { throw TensorError.shape("activation backward", input.shape, gradient.shape) }
        return try combine(input, gradient) { x, g in g * f.derivative(x) }
    }
}
