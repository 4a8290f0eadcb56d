import Foundation
import Nets
import Tensor

/// A dimension reducer learned by a small autoencoder: on standardized features, an encoder
/// LinearLayer[h] → Tanh → LinearLayer[k] and a decoder LinearLayer[h] → Tanh → LinearLayer[d]
/// (h = max(2k, min(d, 64))), trained together by the nets trainer (Adam, learning rate 0.005,
/// mean squared reconstruction error, batches of 64). The encoder reduces new examples; the
/// decoder reconstructs them.
public struct AutoEncoder: Sendable {
    public let standardizer: Standardizer
    public let encoder: Net
    public let decoder: Net
    /// The mean squared reconstruction error (of standardized features) after training.
    public let loss: Double

    public init(_ x: [[Double]], dimensions k: Int, rounds: Int = 300, seed: UInt64 = 1, shouldStop: @escaping () -> Bool = { false }) throws {
        let n = x.count, d = x.first?.count ?? 0
        guard n >= 2, d >= 1, k >= 1 else { throw LearnError("data", "an autoencoder needs at least two examples") }
        let s = Standardizer(x)
        let z = x.map(s.apply)
        let h = Swift.max(2 * k, Swift.min(d, 64))
        func linear(_ m: Int) throws -> Net { .layer(try Layer(.linear(output: [m], biases: true))) }
        let tanh = Net.layer(try Layer(.elementwise(.activation(.tanh))))
        let chain = try Chain(names: ["encode1", "encode2", "code", "decode1", "decode2", "reconstruction"],
                              nodes: [try linear(h), tanh, try linear(k), try linear(h), tanh, try linear(d)], input: [d])
        var g = SeededGenerator(seed: seed)
        let net = try Net.chain(chain).initialized(generator: &g)
        let inputs = try Tensor(shape: [n, d], values: z.flatMap { $0.map(Float.init) })
        var options = TrainingOptions(batchSize: Swift.min(64, n), rounds: rounds, optimizer: Optimizer(method: .adam(), learningRate: 0.005))
        options.loss = .meanSquared
        options.seed = seed
        options.shouldStop = shouldStop
        let trained = try Trainer.train(net, inputs: inputs, targets: inputs, options: options).net
        guard case .chain(let c) = trained, c.nodes.count == 6 else { throw LearnError("fit", "the autoencoder's training gave no chain") }
        let encode = Net.chain(try Chain(names: Array(c.names.prefix(3)), nodes: Array(c.nodes.prefix(3)), input: [d]))
        let decode = Net.chain(try Chain(names: Array(c.names.suffix(3)), nodes: Array(c.nodes.suffix(3)), input: [k]))
        let out = try decode.forward([try encode.forward([inputs])])
        encoder = encode
        decoder = decode
        standardizer = s
        loss = zip(out.values, inputs.values).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / Double(n * d)
    }

    /// The code of one example.
    public func reduce(_ x: [Double]) throws -> [Double] {
        let t = try Tensor(shape: [1, x.count], values: standardizer.apply(x).map(Float.init))
        return try encoder.forward([t]).values.map(Double.init)
    }

    /// The example a code decodes to, in the original units.
    public func reconstruct(_ code: [Double]) throws -> [Double] {
        let t = try Tensor(shape: [1, code.count], values: code.map(Float.init))
        let z = try decoder.forward([t]).values.map(Double.init)
        return z.indices.map { j in
            let scale = j < standardizer.scale.count ? standardizer.scale[j] : 0
            let mean = j < standardizer.mean.count ? standardizer.mean[j] : 0
            return scale > 0 ? z[j] / scale + mean : mean
        }
    }
}
