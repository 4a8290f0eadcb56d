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
            "NetChain[{DeconvolutionLayer[4, 2, \"Stride\" -> 2], Ramp, DeconvolutionLayer[4, 3, \"Stride\" -> 2, \"PaddingSize\" -> {{1, 0}, {0, 1}}, \"ChannelGroups\" -> 2], DeconvolutionLayer[2, {3, 2}, \"PaddingSize\" -> \"Same\", \"Dilation\" -> 2, \"Biases\" -> None]}, \"Input\" -> {2, 3, 3}]",
            "NetChain[{LongShortTermMemoryLayer[5], SequenceLastLayer[], LinearLayer[3]}, \"Input\" -> {6, 4}]",
            "NetChain[{GatedRecurrentLayer[4], BasicRecurrentLayer[3], SequenceMostLayer[], SequenceRestLayer[], SequenceReverseLayer[], AggregationLayer[Mean, 1]}, \"Input\" -> {5, 2}]",
            "NetChain[{BasicRecurrentLayer[3], AggregationLayer[Max, 1]}, \"Input\" -> {4, 2}]",
            "NetChain[{GatedRecurrentLayer[2], AggregationLayer[Total, 1]}, \"Input\" -> {3, 3}]",
            "NetChain[{NetBidirectionalOperator[LongShortTermMemoryLayer[3]], SequenceLastLayer[], LinearLayer[2]}, \"Input\" -> {5, 4}]",
            "NetChain[{NetBidirectionalOperator[GatedRecurrentLayer[3]], NetBidirectionalOperator[BasicRecurrentLayer[2]]}, \"Input\" -> {4, 3}]",
            "NetChain[{LinearLayer[{3, 4}], NormalizationLayer[2, \"Same\", \"Epsilon\" -> 0.01], ElementwiseLayer[\"GELU\"], NormalizationLayer[1 ;; All, \"Same\"]}, \"Input\" -> 5]",
            "NetChain[{TransposeLayer[{3, 1, 2}], ConvolutionLayer[2, 1], TransposeLayer[], FlattenLayer[]}, \"Input\" -> {4, 3, 2}]",
            "NetChain[{ResizeLayer[{Scaled[2], 5}], ConvolutionLayer[2, 1], ResizeLayer[{3, Scaled[0.5]}, \"Scheme\" -> \"Bin\"], ResizeLayer[{Scaled[3], All}, Resampling -> \"Nearest\"]}, \"Input\" -> {2, 3, 4}]",
            "NetGraph[{LinearLayer[3], LinearLayer[1], ThreadingLayer[Times], ThreadingLayer[Subtract], ThreadingLayer[Max], ThreadingLayer[Divide], ElementwiseLayer[1 + #^2 &]}, {1 -> 3, 2 -> 3, {3, 1} -> 4, {4, 1, 3} -> 5, 2 -> 7, {5, 7} -> 6}, \"Input\" -> 2]",
            "NetGraph[{ConstantArrayLayer[{3, 1}], ThreadingLayer[Times], ConstantArrayLayer[{1, 4}], ThreadingLayer[Max], LinearLayer[2]}, {{NetPort[\"Input\"], 1} -> 2, {2, 3} -> 4, 4 -> 5}, \"Input\" -> {3, 4}]",
            "NetGraph[{LinearLayer[{3, 2}], LinearLayer[{3, 4}], CatenateLayer[2], CatenateLayer[-1], ReshapeLayer[{3, 1, 8}], CatenateLayer[-2]}, {1 -> 3, 2 -> 3, {3, 1} -> 4, 4 -> 5, {5, 5} -> 6}, \"Input\" -> 3]",
            "NetGraph[{PartLayer[{2 ;; 3, All, -1}], PartLayer[{1, 1 ;; -1 ;; 2}], PartLayer[{{3, 1}, -2 ;; 1 ;; -1}], FlattenLayer[], FlattenLayer[], FlattenLayer[], CatenateLayer[]}, {1 -> 4, 2 -> 5, 3 -> 6, {4, 5, 6} -> 7}, \"Input\" -> {3, 4, 5}]",
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

        /// An embedding exports as Cast, Sub and Gather of int64 indices and comes back.
        @Test func embeddingRoundTrip() {
            let path = Self.temporary("embedding.onnx")
            let t = run("""
                net = NetInitialize[NetChain[{EmbeddingLayer[3, 10], LongShortTermMemoryLayer[4], SequenceLastLayer[]}, "Input" -> {5}], RandomSeeding -> 3];
                Export["\(path)", net];
                back = Import["\(path)"];
                x = {{1, 10, 3, 3, 7}, {2, 2, 9, 1, 5}};
                {Information[back, "LayersCount"], Max[Abs[Flatten[net[x]] - Flatten[back[x]]]] < 10^-6}
                """)
            #expect(t.result == "{3, True}", "\(t.messages)")
        }

        /// Models exported by torch.onnx.export (Fixtures/onnx/make_torch_fixtures.py) import and
        /// give PyTorch's outputs: ConvTranspose with output_padding (opset 17), an LSTM read
        /// through its time-major Transposes and its zero initial state (opset 14), a GRU's final
        /// state (opset 19), an Embedding of int64 tokens and ReduceMean with axes as an input
        /// (opset 18).
        /// Also (issue 20's operators): LayerNormalization over the last axis and, after a MatMul
        /// and Add, over the last two (opset 17); GELU as PyTorch writes it before opset 20 (Div,
        /// Erf, Add, Mul, Mul: one ElementwiseLayer) and as the Gelu operator; bidirectional LSTM
        /// and GRU (NetBidirectionalOperator, read through the Transpose and Reshape that join the
        /// directions); F.pad's pads computed by ConstantOfShape, Concat, Reshape, Slice,
        /// Transpose and Cast (folded) before a Conv, and ReduceMean over height and width
        /// (opset 18); a Slice of the sequence (SequenceRestLayer) and ReduceMean over time; ResNet-18's
        /// structure in miniature (residual Adds, MaxPool with padding, a strided 1x1 downsample);
        /// a permute of the axes after the batch (TransposeLayer).
        @Test(arguments: [("torch_deconv", "NetChain", 7), ("torch_lstm", "NetChain", 3), ("torch_gru", "NetChain", 3),
                          ("torch_embedding", "NetChain", 5), ("torch_layernorm", "NetChain", 1), ("torch_layernorm2d", "NetChain", 2),
                          ("torch_gelu", "NetChain", 3), ("torch_gelu20", "NetChain", 3), ("torch_bilstm", "NetChain", 3),
                          ("torch_bigru", "NetChain", 1), ("torch_padded_mean", "NetChain", 4), ("torch_sequence_cuts", "NetChain", 4),
                          ("torch_resnet_mini", "NetGraph", 16), ("torch_transpose", "NetChain", 1), ("torch_resize", "NetChain", 1),
                          ("torch_split", "NetGraph", 3), ("torch_resize_bilinear", "NetChain", 2), ("torch_resize_corners", "NetChain", 2),
                          ("torch_slices", "NetChain", 6), ("torch_gating", "NetGraph", 13), ("torch_normalize", "NetGraph", 7), ("torch_ceil_pool", "NetChain", 5), ("torch_pads", "NetChain", 6)])
        func importsPyTorchExports(_ name: String, _ head: String, _ layers: Int) {
            let t = run(Self.difference(name))
            #expect(t.result == "{\(head), True}", "\(t.messages)")
            #expect(eval("Information[Import[\"\(Self.fixtures)/\(name).onnx\"], \"LayersCount\"]") == "\(layers)")
        }

        /// The imported layers are nets's own: a Linear over the last axis of a sequence is a
        /// LinearLayer mapped over it, a LayerNormalization a NormalizationLayer with PyTorch's
        /// weights, a bidirectional LSTM a NetBidirectionalOperator.
        @Test func importedLayersAreNetsLayers() {
            let t = run("""
                {Head /@ Values[Normal[Import["\(Self.fixtures)/torch_layernorm2d.onnx"]]], Head[NetExtract[Import["\(Self.fixtures)/torch_bilstm.onnx"], 1]],
                 Dimensions[NetExtract[Import["\(Self.fixtures)/torch_bilstm.onnx"], {1, "BackwardInputGateInputWeights"}]]}
                """)
            #expect(t.result == "{{NetMapOperator, NormalizationLayer}, NetBidirectionalOperator, {3, 4}}", "\(t.messages)")
        }

        /// Resizing and cutting become nets's own layers: ResizeLayer with PyTorch's sampling,
        /// PartLayers for Split, Slice and Gather.
        @Test func resizingAndPartsAreNetsLayers() {
            let t = run("""
                {Head /@ Values[Normal[Import["\(Self.fixtures)/torch_split.onnx"]]],
                 Information[Import["\(Self.fixtures)/torch_resize_bilinear.onnx"], "OutputPorts"],
                 Head[NetExtract[Import["\(Self.fixtures)/torch_resize_corners.onnx"], 2]]}
                """)
            #expect(t.result == "{{PartLayer, PartLayer, CatenateLayer}, <|Output -> {3, 7, 5}|>, ResizeLayer}", "\(t.messages)")
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
            #expect(t.messages.joined().contains("the operator Reshape of node \"/Reshape\" has no nets layer (a shape computed in the graph)"), "\(t.messages)")
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
        // MARK: Models built here, opset by opset

        static func node(_ op: String, _ inputs: [String], _ output: String, _ attributes: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
            var n = Onnx_NodeProto()
            n.opType = op
            n.name = output
            n.input = inputs
            n.output = [output]
            n.attribute = attributes
            return n
        }

        /// A model of `nodes` from the input "x" of per-example shape `shape` to "y" at `opset`.
        static func model(_ nodes: [Onnx_NodeProto], _ initializers: [Onnx_TensorProto], _ shape: Shape, opset: Int64) throws -> [UInt8] {
            var graph = Onnx_GraphProto()
            graph.input = [ONNXModel.valueInfo("x", shape)]
            graph.output = [ONNXModel.valueInfo("y", nil)]
            graph.node = nodes
            graph.initializer = initializers
            var model = Onnx_ModelProto()
            var o = Onnx_OperatorSetIdProto()
            o.version = opset
            model.opsetImport = [o]
            model.graph = graph
            return try ONNXFile.encode(model)
        }

        /// Pad, Conv, ReduceMean, Squeeze and Clip, with the axes of ReduceMean an attribute up to
        /// opset 17 and an input from 18, Squeeze's axes and Clip's bounds inputs: the same net
        /// as a padded convolution, global mean and ReLU6 built directly.
        @Test(arguments: [13, 14, 17, 18, 21])
        func attributesMovedToInputs(_ opset: Int) throws {
            let w = try Tensor(shape: [3, 2, 3, 3], values: (0..<54).map { Float(($0 * 37) % 19) / 6 - 1.5 })
            var reduce = Self.node("ReduceMean", ["c"] + (opset >= 18 ? ["axes"] : []), "m", opset >= 18 ? [] : [ONNXExporter.attr("axes", ints: [2, 3])])
            reduce.attribute.append(ONNXExporter.attr("keepdims", int: 1))
            let nodes = [
                Self.node("Pad", ["x", "pads"], "p"),
                Self.node("Conv", ["p", "w"], "c", [ONNXExporter.attr("kernel_shape", ints: [3, 3])]),
                reduce,
                Self.node("Squeeze", ["m", "axes"], "s"),
                Self.node("Clip", ["s", "lo", "hi"], "y"),
            ]
            let inits = [ONNXFile.proto(integers: [0, 0, 1, 1, 0, 0, 1, 1], name: "pads"), ONNXFile.proto(w, name: "w"),
                         ONNXFile.proto(integers: [2, 3], name: "axes"), ONNXFile.proto(Tensor(scalar: 0), name: "lo"), ONNXFile.proto(Tensor(scalar: 6), name: "hi")]
            let net = try ONNXModel.read(try Self.model(nodes, inits, [2, 4, 4], opset: Int64(opset)), directory: nil)
            let conv = try Layer(.convolution(channels: 3, window: WindowSpec(kernel: [3, 3], padding: .explicit(top: 1, bottom: 1, left: 1, right: 1)), groups: 1, biases: false),
                                 arrays: ["Weights": w], input: [2, 4, 4])
            let direct = Net.chain(try Chain(names: ["c", "m", "r"], nodes: [.layer(conv), .layer(try Layer(.aggregation(.mean))),
                                                                           .layer(try Layer(.elementwise(.activation(.relu6))))]))
            let x = try Tensor(shape: [2, 2, 4, 4], values: (0..<64).map { Float(($0 * 29) % 23) / 5 - 2 })
            let (a, b) = (try net.forward([x]).values, try direct.forward([x]).values)
            #expect(a.count == 6 && zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 }, "\(a) \(b)")
        }

        /// Hostile attributes and constants: negative, absurd or inconsistent values give a message
        /// naming the node and never trap or allocate what they ask for.
        @Test(arguments: [
            ("conv group", "has group -3"), ("conv kernel", "only two-dimensional windows of positive sizes"),
            ("pool pads", "has invalid pads"), ("huge constant", "asks for a constant of dimensions [1099511627776]"),
            ("huge reshape", "reshapes [2] to [1099511627776, 1099511627776]"), ("layernorm axis", "an axis out of range (1000)"),
            ("zero step", "a zero step"), ("gather index", "reads the index 99 of an axis of length 2"),
            ("bad permutation", "has the permutation [0, 5, 1]"), ("lstm size", "has recurrent weights of dimensions"),
        ])
        func hostileAttributesAreNamed(_ which: String, _ why: String) throws {
            let big = Int64(1) << 40
            let w = ONNXFile.proto(try Tensor(shape: [2, 3, 1, 1], repeating: 1), name: "w")
            let two = ONNXFile.proto(integers: [5, 6], name: "two")
            var nodes: [Onnx_NodeProto] = [], inits: [Onnx_TensorProto] = []
            switch which {
            case "conv group": (nodes, inits) = ([Self.node("Conv", ["x", "w"], "y", [ONNXExporter.attr("group", int: -3)])], [w])
            case "conv kernel": (nodes, inits) = ([Self.node("Conv", ["x", "w"], "y", [ONNXExporter.attr("kernel_shape", ints: [Int(big), 1])])], [w])
            case "pool pads":
                nodes = [Self.node("MaxPool", ["x"], "y", [ONNXExporter.attr("kernel_shape", ints: [1, 1]), ONNXExporter.attr("pads", ints: [-1, 0, 0, 0])])]
            case "huge constant": (nodes, inits) = ([Self.node("ConstantOfShape", ["shape"], "y")], [ONNXFile.proto(integers: [big], name: "shape")])
            case "huge reshape": (nodes, inits) = ([Self.node("Reshape", ["two", "shape"], "y")], [two, ONNXFile.proto(integers: [big, big], name: "shape")])
            case "layernorm axis":
                nodes = [Self.node("LayerNormalization", ["x", "s"], "y", [ONNXExporter.attr("axis", int: 1000)])]
                inits = [ONNXFile.proto(try Tensor(shape: [3], repeating: 1), name: "s")]
            case "zero step":
                nodes = [Self.node("Slice", ["two", "zero", "one", "zero", "zero"], "y")]
                inits = [two, ONNXFile.proto(integers: [0], name: "zero"), ONNXFile.proto(integers: [1], name: "one")]
            case "gather index": (nodes, inits) = ([Self.node("Gather", ["two", "i"], "y")], [two, ONNXFile.proto(integers: [99], name: "i")])
            case "bad permutation": (nodes, inits) = ([Self.node("Transpose", ["two"], "y", [ONNXExporter.attr("perm", ints: [0, 5, 1])])], [two])
            default:
                nodes = [Self.node("Transpose", ["x"], "t", [ONNXExporter.attr("perm", ints: [1, 0, 2])]),
                         Self.node("LSTM", ["t", "W", "R"], "y", [ONNXExporter.attr("hidden_size", int: Int(big))])]
                inits = [ONNXFile.proto(try Tensor(shape: [1, 8, 3]), name: "W"), ONNXFile.proto(try Tensor(shape: [1, 8, 3]), name: "R")]
            }
            let bytes = try Self.model(nodes, inits, which == "lstm size" ? [4, 3] : [2, 4, 4], opset: 17)
            do {
                _ = try ONNXModel.read(bytes, directory: nil)
                Issue.record("\(which) was read")
            } catch {
                #expect("\(error)".contains("node \"y\""), "\(error)")
                #expect("\(error)".contains(why), "\(error)")
            }
        }

        /// Squeeze and Unsqueeze of axes after the batch, of a value whose dimensions are known:
        /// ReshapeLayers (the batch axis itself is refused).
        @Test func squeezeAndUnsqueezeReshape() throws {
            let nodes = [Self.node("Unsqueeze", ["x", "one"], "u"), Self.node("Relu", ["u"], "r"), Self.node("Unsqueeze", ["r", "last"], "v"),
                         Self.node("Squeeze", ["v", "both"], "y")]
            let inits = [ONNXFile.proto(integers: [1], name: "one"), ONNXFile.proto(integers: [-1], name: "last"), ONNXFile.proto(integers: [1, -1], name: "both")]
            let net = try ONNXModel.read(try Self.model(nodes, inits, [3, 4], opset: 17), directory: nil)
            #expect(net.output == [3, 4])
            let x = try Tensor(shape: [2, 3, 4], values: (0..<24).map { Float($0) - 12 })
            #expect(try net.forward([x]).values == x.values.map { max($0, 0) })
            let batch = [Self.node("Unsqueeze", ["x", "zero"], "y")]
            #expect(throws: (any Error).self) {
                try ONNXModel.read(try Self.model(batch, [ONNXFile.proto(integers: [0], name: "zero")], [3, 4], opset: 17), directory: nil)
            }
        }

        @Test(arguments: [12, 22])
        func opsetsOutsideTheRangeAreNamed(_ opset: Int) throws {
            let bytes = try Self.model([Self.node("Relu", ["x"], "y")], [], [3], opset: Int64(opset))
            #expect(throws: (any Error).self) { try ONNXModel.read(bytes, directory: nil) }
            do { _ = try ONNXModel.read(bytes, directory: nil) } catch { #expect("\(error)".contains("opset \(opset); nets reads opsets 13 to 21"), "\(error)") }
        }

        /// What nets's layers cannot compute is refused with the operator, the node and the reason.
        @Test(arguments: [
            ("BatchNormalization", "training mode"), ("GRU", "linear_before_reset 0"), ("LSTM", "the reverse direction alone"),
            ("Transpose", "a permutation [1, 2, 0] that moves the batch axis"), ("Resize", "cubic resampling"),
            ("Split", "parts [1, 1] that do not cut a length of 3"),
        ])
        func refusedWithAReason(_ op: String, _ why: String) throws {
            var n = Self.node(op, ["x"], "y")
            var inits: [Onnx_TensorProto] = []
            switch op {
            case "BatchNormalization":
                n.input += ["s", "b", "m", "v"]
                n.attribute = [ONNXExporter.attr("training_mode", int: 1)]
                inits = try ["s", "b", "m", "v"].map { ONNXFile.proto(try Tensor(shape: [3], repeating: 1), name: $0) }
            case "GRU", "LSTM":
                let g = op == "GRU" ? 3 : 4
                n.input = ["t", "W", "R"]
                n.attribute = op == "LSTM" ? [ONNXExporter.attr("layout", int: 1)] : []
                if op == "LSTM" {
                    n.input[0] = "x"
                    var d = Onnx_AttributeProto()
                    (d.name, d.type, d.s) = ("direction", .string, Data("reverse".utf8))
                    n.attribute.append(d)
                }
                inits = [ONNXFile.proto(try Tensor(shape: [1, 2 * g, 3]), name: "W"), ONNXFile.proto(try Tensor(shape: [1, 2 * g, 2]), name: "R")]
            case "Resize":
                n.input += ["", "scales"]
                n.attribute = [ONNXExporter.attr("mode", string: "cubic")]
                inits = [ONNXFile.proto(try Tensor(shape: [3], values: [1, 1, 2]), name: "scales")]
            case "Split":
                n.input.append("parts")
                n.attribute = [ONNXExporter.attr("axis", int: 2)]
                inits = [ONNXFile.proto(integers: [1, 1], name: "parts")]
            default:
                n.attribute = [ONNXExporter.attr("perm", ints: [1, 2, 0])]
            }
            let nodes = op == "GRU" ? [Self.node("Transpose", ["x"], "t", [ONNXExporter.attr("perm", ints: [1, 0, 2])]), n] : [n]
            let bytes = try Self.model(nodes, inits, op == "BatchNormalization" ? [3] : [4, 3], opset: 17)
            do {
                _ = try ONNXModel.read(bytes, directory: nil)
                Issue.record("\(op) was read")
            } catch {
                #expect("\(error)".contains("the operator \(op) of node \"y\""), "\(error)")
                #expect("\(error)".contains(why), "\(error)")
            }
        }
    }
}
