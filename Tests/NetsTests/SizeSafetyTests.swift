import Nets
import Tensor
import Testing

/// Layer specs and shapes whose sizes overflow or exceed the memory bound throw `NetError`
/// from the shape rules, before anything is computed or allocated.
@Suite struct SizeSafetyTests {
    static let big = 1 << 62

    @Test func absurdSpecsThrow() {
        let window = { (k: Int, s: Int, d: Int, p: Int) in
            WindowSpec(kernel: [k, 3], stride: [s, 1], padding: .explicit(top: p, bottom: p, left: 0, right: 0), dilation: [d, 1])
        }
        let specs: [(LayerKind, Shape?)] = [
            (.linear(output: [Int.max], biases: true), nil), (.linear(output: [Self.big, 4], biases: true), [3]),
            (.linear(output: [2], biases: true), [1 << 40, 1 << 40]), (.flatten, [Self.big, 4]), (.reshape([Self.big, 4]), nil),
            (.reshape([-1, Self.big]), nil), (.aggregation(.max), [Self.big, Self.big, 4]), (.softmax, [Self.big]),
            (.convolution(channels: 2, window: window(3, 1, Self.big, 0), groups: 1, biases: true), [1, 8, 8]),
            (.convolution(channels: 2, window: window(3, 1, 1, Self.big), groups: 1, biases: true), [1, 8, 8]),
            (.convolution(channels: 2, window: window(Self.big, 1, 1, 0), groups: 1, biases: true), [1, 8, 8]),
            (.convolution(channels: 2, window: window(3, 1, 1, 0), groups: Self.big, biases: true), [1, 8, 8]),
            (.convolution(channels: 2, window: window(3, 1, 1, 0), groups: 1, biases: true), [1, Self.big, Self.big]),
            (.pooling(window(3, 1, Int.max, 0), .max), [1, 8, 8]), (.pooling(window(3, 1, 1, Int.max), .max), [1, 8, 8]),
            (.pooling(window(3, 1, 1, 0), .max), [1, Self.big, 8]),
        ]
        for (kind, input) in specs {
            #expect(throws: NetError.self, "\(kind) on \(String(describing: input))") { _ = try Layer(kind, input: input) }
        }
    }

    @Test func hugeArraysAreRefusedBeforeAllocating() throws {
        let layer = try Layer(.linear(output: [1_000_000], biases: true), input: [1_000_000])
        var g = SeededGenerator(seed: 1)
        let error = #expect(throws: NetError.self) { _ = try Net.layer(layer).initialized(generator: &g) }
        #expect(error?.tag == "nomem")
    }

    @Test func aStridePastTheInputGivesOneOutput() throws {
        let spec = WindowSpec(kernel: [3, 3], stride: [Self.big, Int.max], padding: .same)
        let layer = try Layer(.pooling(spec, .max), input: [2, 8, 8])
        #expect(layer.output == [2, 1, 1])
        let x = try Tensor(shape: [1, 2, 8, 8], values: (0..<128).map(Float.init))
        #expect(try layer.forward([x]).shape == [1, 2, 1, 1])
    }
}
