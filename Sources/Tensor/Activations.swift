import Dispatch
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

    /// For the activations that clamp (ReLU at 0, ReLU6 at 0 and 6), the top of the range;
    /// nil for the others.
    public var clampTop: Float? {
        switch self {
        case .relu: return .infinity
        case .relu6: return 6
        default: return nil
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
    public func activated(_ f: Activation) -> Tensor {
        guard let top = f.clampTop, var y = try? Tensor(uninitialized: shape) else { return map(f.value) }
        // One pass from the input into fresh memory (not a copy, then a clamp in place), in
        // chunks spread over the cores; plain selects, which the compiler turns into vector
        // max/min.
        let src = UnsafeSendable(UnsafePointer(storage.pointer))
        y.withUnsafeMutableBufferPointer { o in
            guard let base = o.baseAddress else { return }
            let dst = UnsafeSendable(base)
            Tensor.inChunks(count) { range in
                for i in range {
                    let v = src.value[i]
                    dst.value[i] = v < 0 ? 0 : (v > top ? top : v)
                }
            }
        }
        return y
    }

    /// Runs `body` over 0..<n split into eight ranges spread over the cores (one range below
    /// 65536 elements, where spreading costs more than it saves).
    static func inChunks(_ n: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let chunks = n >= 1 << 16 ? 8 : 1, size = (n + chunks - 1) / chunks
        Parallel.forEach(chunks) { c in body(Swift.min(n, c * size)..<Swift.min(n, (c + 1) * size)) }
    }

    /// The ReLU/ReLU6 gradient: `gradient` where the input is inside the linear part, else 0;
    /// written in one pass over fresh memory, spread over the cores.
    static func clampBackward(input x: Tensor, gradient g: Tensor, top: Float) throws -> Tensor {
        guard x.shape == g.shape else { throw TensorError.shape("activation backward", x.shape, g.shape) }
        var out = try Tensor(uninitialized: x.shape)
        let n = x.count
        let xp = UnsafeSendable(UnsafePointer(x.storage.pointer)), gp = UnsafeSendable(UnsafePointer(g.storage.pointer))
        out.withUnsafeMutableBufferPointer { o in
            guard let base = o.baseAddress else { return }
            let dst = UnsafeSendable(base)
            Tensor.inChunks(n) { range in
                for i in range {
                    let v = xp.value[i]
                    dst.value[i] = v > 0 && v < top ? gp.value[i] : 0
                }
            }
        }
        return out
    }

    /// The gradient with respect to the input of ReLU or ReLU6 (`Activation.clampTop`) from its
    /// output: the derivative is 1 exactly where 0 < output < top, as where 0 < input < top, so
    /// a training pass can keep the output (which the next layer keeps anyway) and let the input
    /// go.
    public static func clampBackward(output y: Tensor, gradient: Tensor, top: Float) throws -> Tensor {
        try clampBackward(input: y, gradient: gradient, top: top)
    }

    /// The gradient with respect to the input: `gradient ⊙ f'(input)`.
    public static func activationBackward(_ f: Activation, input: Tensor, gradient: Tensor) throws -> Tensor {
        guard input.shape == gradient.shape else { throw TensorError.shape("activation backward", input.shape, gradient.shape) }
        if let top = f.clampTop { return try clampBackward(input: input, gradient: gradient, top: top) }
        return try combine(input, gradient) { x, g in g * f.derivative(x) }
    }
}
