import Nets
import Tensor
import Testing

@Suite struct NetFileTests {
    static func sample() throws -> Net {
        let conv = LayerKind.convolution(channels: 4, window: WindowSpec(kernel: [3, 3], stride: [2, 2], padding: .same), groups: 1, biases: true)
        let chain = try Chain(names: ["conv", "bn", "act", "pool", "fc", "prob"], nodes: [
            .layer(try Layer(conv)), .layer(try Layer(.batchNorm(epsilon: 1e-5, momentum: 0.9))),
            .layer(try Layer(.elementwise(.scalar(.clip(.input, 0, 6))))), .layer(try Layer(.aggregation(.mean))),
            .layer(try Layer(.linear(output: nil, biases: true))), .layer(try Layer(.softmax)),
        ], encoder: .image(try ImageEncoder(width: 9, height: 7, mean: [0.4, 0.5, 0.6], variance: [0.1, 0.2, 0.3])), decoder: .classes(["\"a\"", "\"b\"", "3"]))
        var g = SeededGenerator(seed: 5)
        return try Net.chain(chain).initialized(generator: &g)
    }

    @Test func roundTripIsBitExact() throws {
        let net = try Self.sample()
        let back = try NetFile.decode(NetFile.encode(net))
        #expect(back.layers.count == net.layers.count)
        for (a, b) in zip(net.layers, back.layers) {
            #expect(a.path == b.path && a.layer.kind == b.layer.kind && a.layer.inputs == b.layer.inputs)
            for (name, t) in a.layer.arrays {
                #expect(b.layer.arrays[name].map { $0.shape == t.shape && $0.values.map(\.bitPattern) == t.values.map(\.bitPattern) } == true)
            }
        }
        #expect(back.encoder == net.encoder && back.decoder == net.decoder)
        let x = try Tensor(shape: [2, 3, 7, 9], values: (0..<(2 * 3 * 7 * 9)).map { Float($0 % 11) / 11 })
        #expect(try back.forward([x]).values == net.forward([x]).values)
    }

    @Test func damagedFilesThrow() throws {
        let bytes = try NetFile.encode(Self.sample())
        #expect(throws: NetError.self) { try NetFile.decode(Array(bytes.prefix(5))) }
        #expect(throws: NetError.self) { try NetFile.decode(Array(bytes.prefix(bytes.count / 2))) }
        var state: UInt64 = 7
        for _ in 0..<300 {
            var copy = bytes
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let i = Int(state >> 33) % copy.count
            copy[i] = UInt8(truncatingIfNeeded: state >> 11)
            _ = try? NetFile.decode(copy)
        }
    }
}
