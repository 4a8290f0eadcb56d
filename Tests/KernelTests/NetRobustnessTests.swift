import CoreKernel
import NetsKernel
import LearnKernel
import Language
import Randomness
import Testing

extension KernelSuite {
    /// Random specs thrown at every layer constructor and container, and random data at random
    /// nets: each gives a net, a message with `$Failed`, or comes back unevaluated; none traps.
    @Suite struct NetRobustness {
        static let constructors = [
            "LinearLayer", "SoftmaxLayer", "ElementwiseLayer", "ConvolutionLayer", "PoolingLayer", "AggregationLayer",
            "BatchNormalizationLayer", "DropoutLayer", "FlattenLayer", "ReshapeLayer", "CatenateLayer", "TotalLayer",
            "ThreadingLayer", "CrossEntropyLossLayer", "MeanSquaredLossLayer", "MeanAbsoluteLossLayer", "NetChain",
            "NetGraph", "NetEncoder", "NetDecoder", "NetInitialize", "NetTake", "NetDrop", "NetJoin", "NetExtract",
            "NetReplacePart", "Take", "Drop", "Information", "NumericArray", "Image", "ImageResize", "ImageCrop",
            "EmbeddingLayer", "BasicRecurrentLayer", "GatedRecurrentLayer", "LongShortTermMemoryLayer", "SequenceLastLayer",
            "SequenceMostLayer", "SequenceRestLayer", "SequenceReverseLayer", "NetMeasurements",
        ]

        static let arguments = [
            "0", "1", "2", "3", "-1", "1.5", "10^9", "{}", "{2}", "{3, 3}", "{0, 2}", "{{1, 2}, {3, 4}}", "{{1, 2}, {3}}",
            "\"Same\"", "\"Index\"", "\"Image\"", "{\"Image\", {4, 4}}", "{\"Class\", {1, 2}}", "{\"Class\", {}}", "Ramp",
            "Tanh", "Foo", "# + 1 &", "Clip[#, {0, 6}] &", "Sin[#]^2 &", "None", "All", "Automatic", "Mean", "Max",
            "\"Input\" -> 3", "\"Input\" -> {3, 8, 8}", "\"Input\" -> {1, 2, 3, 4}", "\"Output\" -> 2", "\"Weights\" -> {{1, 2}}",
            "\"Biases\" -> None", "\"Biases\" -> {1, 2, 3}", "\"Stride\" -> 0", "\"Stride\" -> 2", "PaddingSize -> -1",
            "PaddingSize -> {{1, 0}, {0, 1}}", "\"ChannelGroups\" -> 3", "\"Dilation\" -> 2", "\"Function\" -> Min",
            "\"Epsilon\" -> 0", "RandomSeeding -> 1", "NetPort[\"Input\"] -> 1", "1 -> 2", "{1 -> 2, 2 -> 1}",
            "{1, 2} -> 3", "{\"Characters\", \"ab\"}", "{\"Tokens\", {\"a\"}, \"TargetLength\" -> 2}", "\"abc\"", "{\"ab\", \"\"}",
            "\"Input\" -> {4, 2}", "LinearLayer[2]", "NetChain[{LinearLayer[2], Ramp}]", "Image[{{0, 1}, {1, 0}}]",
            "NetChain[{ConvolutionLayer[2, 2], Ramp}, \"Input\" -> {1, 4, 4}]", "<|\"a\" -> 1|>", "<|\"a\" -> LinearLayer[]|>",
            "{LinearLayer[2], SoftmaxLayer[]}", "\"nope\"", "{\"1\", \"9\"}", "x", "$Failed",
        ]

        @Test func constructorsNeverTrap() {
            var r = SeededGenerator(seed: 1129)
            var inputs: [String] = []
            for _ in 0..<1500 {
                let head = r.pick(Self.constructors)
                let args = (0..<r.int(4)).map { _ in r.pick(Self.arguments) }
                inputs.append("\(head)[\(args.joined(separator: ", "))]")
            }
            // Random data at random (initialized) nets.
            for _ in 0..<300 {
                let net = "NetInitialize[\(r.pick(Self.arguments)), RandomSeeding -> 1]"
                inputs.append("\(net)[\(r.pick(Self.arguments))]")
                inputs.append("NetInitialize[LinearLayer[2, \"Input\" -> 3]][\(r.pick(Self.arguments))]")
            }
            var answered = 0
            for input in inputs {
                let t = exclusive {
                    sharedKernel.clearUserSymbols()
                    return sharedKernel.capture(input, timeLimit: 2)
                }
                if t.syntaxError != nil || !t.result.isEmpty { answered += 1 }
            }
            #expect(answered == inputs.count)
            #expect(eval("NetInitialize[LinearLayer[2, \"Input\" -> 3], RandomSeeding -> 1][{1, 2, 3}] // Length") == "2")
        }
    }
}
