import CoreKernel
import Formats
import Foundation
import Nets
@testable import NetsKernel
import Tensor
import Testing

extension KernelSuite {
    /// ONNX import and export: models laid out as torch.onnx.export writes them, against ONNX
    /// Runtime's outputs (Fixtures/onnx/make_onnx_fixtures.py); nets exported and imported back;
    /// hostile files.
    @Suite struct ONNX {
        static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/onnx").path

        static func temporary(_ name: String) -> String {
            let dir = NSTemporaryDirectory() + "nets-onnx-\(getpid())"
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            return dir + "/" + name
        }

        /// The largest difference between the imported model's outputs and ONNX Runtime's.
        static func difference(_ name: String) -> String {
            """
            With[{net = Import["\(fixtures)/\(name).onnx"], data = Import["\(fixtures)/\(name).json"]},
              {Head[net], Max[Abs[Flatten[net[data["input"]]] - Flatten[data["output"]]]] < 10^-4}]
            """
        }

        @Test func importsAConvolutionalClassifierAsAChain() {
            #expect(eval(Self.difference("torch_like_cnn")) == "{NetChain, True}")
            #expect(eval("Information[Import[\"\(Self.fixtures)/torch_like_cnn.onnx\"], \"LayersCount\"]") == "10")
        }

        @Test func importsABranchingModelAsAGraph() {
            #expect(eval(Self.difference("torch_like_graph")) == "{NetGraph, True}")
        }

        /// Layers of every kind the exporter writes, exported and read back: the same outputs.
        @Test(arguments: [
            "NetChain[{ConvolutionLayer[4, 3, \"PaddingSize\" -> 1], BatchNormalizationLayer[], Ramp, PoolingLayer[2, 2], ConvolutionLayer[4, 3, \"Stride\" -> 2, \"PaddingSize\" -> 1], PoolingLayer[3, 1, \"Function\" -> Mean, \"PaddingSize\" -> 1], AggregationLayer[Mean], LinearLayer[7], ElementwiseLayer[2 Tanh[#] + 1 &], DropoutLayer[], SoftmaxLayer[]}, \"Input\" -> {3, 8, 8}]",
            "NetChain[{FlattenLayer[], LinearLayer[12], ElementwiseLayer[LogisticSigmoid], ReshapeLayer[{3, 4}], LinearLayer[5], ElementwiseLayer[Clip[#, {-0.5, 0.5}] &], ElementwiseLayer[Exp[#] - 1 &]}, \"Input\" -> {2, 3}]",
            "NetGraph[{LinearLayer[6], ElementwiseLayer[Tanh], ElementwiseLayer[Ramp], TotalLayer[], CatenateLayer[], LinearLayer[3]}, {1 -> 2, 1 -> 3, {2, 3} -> 4, {4, 1} -> 5, 5 -> 6}, \"Input\" -> 4]",
            "NetChain[{ConvolutionLayer[6, {3, 3}, \"Dilation\" -> 2, \"PaddingSize\" -> 2], ConvolutionLayer[6, {3, 3}, \"ChannelGroups\" -> 3, \"PaddingSize\" -> 1], PoolingLayer[2, 2, \"Function\" -> Max], AggregationLayer[Max], LinearLayer[4]}, \"Input\" -> {3, 9, 9}]",
        ])
        func roundTrip(_ spec: String) {
            let path = Self.temporary("round.onnx")
            let t = run("""
                net = NetInitialize[\(spec), RandomSeeding -> 7];
                Export["\(path)", net];
                back = Import["\(path)"];
                x = Table[RandomReal[{-1, 1}, First[Values[Information[net, "InputPorts"]]]], 3];
                Max[Abs[Flatten[net[x]] - Flatten[back[x]]]] < 10^-5
                """)
            #expect(t.result == "True", "\(t.messages)")
        }

        /// The class decoder survives: the imported net still answers with classes.
        @Test func decoderRoundTrip() {
            let path = Self.temporary("classes.onnx")
            let t = run("""
                net = NetInitialize[NetChain[{LinearLayer[3], SoftmaxLayer[]}, "Input" -> 2, "Output" -> NetDecoder[{"Class", {"a", "b", "c"}}]], RandomSeeding -> 1];
                Export["\(path)", net];
                back = Import["\(path)"];
                {back[{0.3, -0.2}] === net[{0.3, -0.2}], MemberQ[{"a", "b", "c"}, back[{0.3, -0.2}]]}
                """)
            #expect(t.result == "{True, True}", "\(t.messages)")
        }

        @Test func unsupportedOperatorIsNamed() {
            let t = run("Import[\"\(Self.fixtures)/unsupported_operator.onnx\"]")
            #expect(t.result == "$Failed")
            #expect(t.messages.joined().contains("the operator Shape of node \"/Shape\" has no nets layer"), "\(t.messages)")
        }

        @Test(arguments: [
            ("hostile_huge_dims", "too many elements"), ("hostile_short_data", "bytes of data"),
            ("hostile_cycle", "which no graph input, initializer or earlier node defines"),
            ("hostile_missing_initializer", "\"fc.bias\", which no graph input"),
            ("hostile_external_path", "names no external file inside the model's folder"),
        ])
        func hostileFileGivesAMessage(_ name: String, _ why: String) {
            let t = run("Import[\"\(Self.fixtures)/\(name).onnx\"]")
            #expect(t.result == "$Failed")
            #expect(t.messages.joined().contains(why), "\(t.messages)")
        }

        /// Every prefix of a model (a truncated download) fails cleanly or reads, never traps.
        @Test func truncatedFilesNeverTrap() throws {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/torch_like_cnn.onnx")))
            for cut in stride(from: 0, to: bytes.count, by: 7) {
                if let net = try? ONNXModel.read(Array(bytes[..<cut]), directory: nil) {
                    #expect(net.isInitialized)
                }
            }
            #expect(throws: (any Error).self) { try ONNXModel.read(Array(bytes[..<(bytes.count / 2)]), directory: nil) }
        }

        /// A long line of elementwise operators imports without nesting one function too deeply
        /// to evaluate.
        @Test func longElementwiseChain() throws {
            var graph = Onnx_GraphProto()
            graph.input = [ONNXModel.valueInfo("x", [3])]
            graph.output = [ONNXModel.valueInfo("v3001", [3])]
            graph.node = (1...3001).map { i in
                var n = Onnx_NodeProto()
                n.opType = "Neg"
                n.name = "neg\(i)"
                n.input = [i == 1 ? "x" : "v\(i - 1)"]
                n.output = ["v\(i)"]
                return n
            }
            var model = Onnx_ModelProto()
            model.graph = graph
            let net = try ONNXModel.read(try ONNXFile.encode(model), directory: nil)
            let x = try Tensor(shape: [1, 3], values: [1, -2, 3])
            #expect(try net.forward([x]).values == [-1, 2, -3])
            #expect(net.parts.count < 3001 / 30)
        }

        /// Large initializers go to NAME.onnx.data and are read back from it.
        @Test func externalData() throws {
            let w = try Tensor(shape: [3, 4], values: (0..<12).map { Float($0) / 10 })
            let layer = try Layer(.linear(output: [3], biases: true), arrays: ["Weights": w, "Biases": Tensor(shape: [3], values: [1, 2, 3])], input: [4])
            let net = Net.chain(try Chain(names: ["fc"], nodes: [.layer(layer)]))
            let path = Self.temporary("external.onnx")
            try ONNXModel.write(net, to: path, externalThreshold: 0)
            #expect(FileManager.default.fileExists(atPath: path + ".data"))
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(try Data(contentsOf: URL(fileURLWithPath: path + ".data")).count == 15 * 4)
            let back = try ONNXModel.read(bytes, directory: (path as NSString).deletingLastPathComponent)
            let x = try Tensor(shape: [2, 4], values: [1, 0, -1, 2, 0.5, 0.5, 0.5, 0.5])
            #expect(try back.forward([x]).values == net.forward([x]).values)
            #expect(throws: (any Error).self) { try ONNXModel.read(bytes, directory: nil) }
        }
    }
}
