import Foundation
import CoreKernel
import Language
import Formats
import Nets
import Tensor

/// Nets as ONNX models (opset 13, or 17 when a NormalizationLayer needs LayerNormalization) and back: `Export["net.onnx", net]`, `Import["model.onnx"]`.
///
/// Export writes each layer as the ONNX operators that compute it (LinearLayer as Flatten + Gemm,
/// ElementwiseLayer functions as their arithmetic, AggregationLayer as a global pooling and a
/// Flatten...), nested chains and graphs flattened into one graph whose values are named by the
/// layers' paths, learned arrays as float initializers in raw data, and the net's encoder and
/// decoder as JSON in `metadata_props` (`nets.encoder`, `nets.decoder`) so they survive a round
/// trip. Import builds a NetChain (a line of single-input layers) or a NetGraph from the
/// operators that map to a nets layer, and otherwise names the first one that does not.
enum ONNXModel {
    static let opset: Int64 = 13
    static let encoderKey = "nets.encoder", decoderKey = "nets.decoder"

    /// The model of `net`; initializers of at least `externalThreshold` bytes go to the file
    /// `externalLocation` next to the model (returned as the second element).
    static func export(_ net: Net, externalLocation: String? = nil, externalThreshold: Int = ONNXFile.externalThreshold) throws -> (model: [UInt8], external: [UInt8]?) {
        guard net.isInitialized else { throw NetError("uninit", "the net has uninitialized arrays; use NetInitialize or NetTrain before exporting it") }
        var ex = ONNXExporter()
        let inputNames: [String]
        switch net {
        case .graph(let g): inputNames = g.inputNames
        case .layer(let l) where l.inputs.count > 1: inputNames = (1...l.inputs.count).map { "Input\($0)" }
        default: inputNames = ["Input"]
        }
        for n in inputNames { ex.used.insert(n) }
        ex.used.insert("Output")
        let out = try ex.emit(net, path: [], inputs: inputNames)
        _ = ex.node("Identity", [out], name: "Output", output: "Output")
        var graph = Onnx_GraphProto()
        graph.name = "nets"
        graph.node = ex.nodes
        graph.initializer = ex.initializers
        graph.input = zip(inputNames, net.inputs).map { valueInfo($0, $1) }
        graph.output = [valueInfo("Output", net.output)]
        var model = Onnx_ModelProto()
        model.irVersion = 7
        model.producerName = "nets"
        model.producerVersion = "1"
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = ex.usesOpset17 ? 17 : Self.opset
        model.opsetImport = [opset]
        model.graph = graph
        let json = JSONEncoder()
        json.outputFormatting = .sortedKeys
        if let e = net.encoder, let text = try? String(decoding: json.encode(e), as: UTF8.self) { model.metadataProps.append(entry(encoderKey, text)) }
        if let d = net.decoder, let text = try? String(decoding: json.encode(d), as: UTF8.self) { model.metadataProps.append(entry(decoderKey, text)) }
        var external: [UInt8]?
        if let externalLocation {
            let bytes = ONNXFile.externalize(&model, location: externalLocation, threshold: externalThreshold)
            if !bytes.isEmpty { external = bytes }
        }
        return (try ONNXFile.encode(model), external)
    }

    static func entry(_ key: String, _ value: String) -> Onnx_StringStringEntryProto {
        var e = Onnx_StringStringEntryProto()
        e.key = key
        e.value = value
        return e
    }

    /// A float tensor value of a batch ("N") of per-example `shape`s.
    static func valueInfo(_ name: String, _ shape: Shape?) -> Onnx_ValueInfoProto {
        var v = Onnx_ValueInfoProto()
        v.name = name
        var t = Onnx_TypeProto.Tensor()
        t.elemType = 1
        if let shape {
            var s = Onnx_TensorShapeProto()
            var batch = Onnx_TensorShapeProto.Dimension()
            batch.dimParam = "N"
            s.dim = [batch] + shape.map { d in
                var dim = Onnx_TensorShapeProto.Dimension()
                dim.dimValue = Int64(d)
                return dim
            }
            t.shape = s
        }
        v.type.tensorType = t
        return v
    }

    /// The net a model describes; `directory` is where external data files are read from.
    static func read(_ bytes: [UInt8], directory: String?) throws -> Net {
        let model = try ONNXFile.decode(bytes)
        try ONNXImporter.checkOpset(model)
        var im = try ONNXImporter(model.graph, directory: directory)
        try im.run()
        var encoder: Nets.Encoder?, decoder: Nets.Decoder?
        for p in model.metadataProps {
            if p.key == encoderKey { encoder = try? JSONDecoder().decode(Nets.Encoder.self, from: Data(p.value.utf8)) }
            if p.key == decoderKey { decoder = try? JSONDecoder().decode(Nets.Decoder.self, from: Data(p.value.utf8)) }
        }
        return try im.net(encoder: encoder, decoder: decoder)
    }
}

/// Builds the ONNX nodes and initializers of a net.
struct ONNXExporter {
    var nodes: [Onnx_NodeProto] = []
    var initializers: [Onnx_TensorProto] = []
    var used: Set<String> = []
    /// Whether an operator of opset 17 was written (LayerNormalization): the model then declares 17.
    var usesOpset17 = false

    /// A name not used yet, from `base`.
    mutating func fresh(_ base: String) -> String {
        var name = base.isEmpty ? "v" : base, k = 1
        while used.contains(name) { k += 1; name = "\(base)_\(k)" }
        used.insert(name)
        return name
    }

    mutating func constant(_ t: Tensor, _ base: String) -> String {
        let name = fresh(base)
        initializers.append(ONNXFile.proto(t, name: name))
        return name
    }

    mutating func scalar(_ v: Float, _ base: String) -> String { constant(Tensor(scalar: v), base) }

    mutating func integers(_ v: [Int], _ base: String) -> String {
        let name = fresh(base)
        initializers.append(ONNXFile.proto(integers: v.map { Int64($0) }, name: name))
        return name
    }

    /// Appends a node and returns its output's name.
    @discardableResult
    mutating func node(_ op: String, _ inputs: [String], name: String, output: String? = nil, _ attributes: [Onnx_AttributeProto] = []) -> String {
        var n = Onnx_NodeProto()
        n.opType = op
        n.name = fresh(name + (output == nil ? "" : "/node"))
        n.input = inputs
        let out = output ?? n.name
        n.output = [out]
        n.attribute = attributes
        nodes.append(n)
        return out
    }

    static func attr(_ name: String, int: Int) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = Int64(int)
        return a
    }

    static func attr(_ name: String, ints: [Int]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .ints
        a.ints = ints.map { Int64($0) }
        return a
    }

    static func attr(_ name: String, string: String) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .string
        a.s = Data(string.utf8)
        return a
    }

    static func attr(_ name: String, float: Float) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .float
        a.f = float
        return a
    }

    /// Emits a net fed by the values `inputs`; returns the name of its output value.
    mutating func emit(_ net: Net, path: [String], inputs: [String]) throws -> String {
        switch net {
        case .layer(let l): return try emitLayer(l, name: path.isEmpty ? "layer" : path.joined(separator: "/"), inputs: inputs)
        case .chain(let c):
            var x = inputs.first ?? "Input"
            for (name, node) in zip(c.names, c.nodes) { x = try emit(node, path: path + [name], inputs: [x]) }
            return x
        case .graph(let g):
            var values: [Int: String] = [:]
            func value(_ s: Edge.Source) -> String? {
                switch s {
                case .input(let i): return i < inputs.count ? inputs[i] : nil
                case .node(let n): return values[n]
                }
            }
            for n in g.order {
                var feeds: [(Int, String)] = []
                for e in g.edges {
                    if case .node(n, let p) = e.target, let v = value(e.source) { feeds.append((p, v)) }
                }
                values[n] = try emit(g.nodes[n], path: path + [g.names[n]], inputs: feeds.sorted { $0.0 < $1.0 }.map(\.1))
            }
            guard let out = g.edges.first(where: { $0.target == .output }).flatMap({ value($0.source) }) else {
                throw NetError("invedge", "the graph has no output")
            }
            return out
        }
    }

    /// The window attributes of a convolution or pooling over an input of spatial size `hw`.
    static func windowAttributes(_ w: WindowSpec, input: Shape?, dilations: Bool) -> [Onnx_AttributeProto] {
        var a = [attr("kernel_shape", ints: w.kernel), attr("strides", ints: w.stride)]
        if dilations { a.append(attr("dilations", ints: w.dilation)) }
        switch w.padding {
        case .explicit(let t, let b, let l, let r): a.append(attr("pads", ints: [t, l, b, r]))
        case .same:
            if let input, input.count == 3 {
                var pads = [0, 0, 0, 0]
                for axis in 0..<2 {
                    let n = input[axis + 1], s = w.stride[axis], e = w.dilation[axis] * (w.kernel[axis] - 1) + 1
                    let total = Swift.max(0, ((n - 1) / s) * s + e - n)
                    pads[axis] = total / 2
                    pads[axis + 2] = total - total / 2
                }
                a.append(attr("pads", ints: pads))
            } else {
                var auto = Onnx_AttributeProto()
                auto.name = "auto_pad"
                auto.type = .string
                auto.s = Data("SAME_UPPER".utf8)
                a.append(auto)
            }
        }
        return a
    }

    mutating func emitLayer(_ l: Layer, name: String, inputs: [String]) throws -> String {
        func array(_ key: String) throws -> Tensor {
            guard let a = l.arrays[key] else { throw NetError("uninit", "the array \(key) of \(name) is not initialized") }
            return a
        }
        if case .constantArray = l.kind {
            // The array as a batch of one, which ONNX broadcasts as ThreadingLayer does.
            let a = try array("Array")
            return constant(try a.reshaped([1] + a.shape), name)
        }
        guard let x = inputs.first else { throw NetError("invspec", "layer \(name) has no input") }
        switch l.kind {
        case .linear(_, let biases):
            var v = x
            if let s = l.inputs.first ?? nil, s.count != 1 { v = node("Flatten", [v], name: name + "/flatten", [Self.attr("axis", int: 1)]) }
            var ins = [v, constant(try array("Weights"), name + "/Weights")]
            if biases { ins.append(constant(try array("Biases"), name + "/Biases")) }
            v = node("Gemm", ins, name: name, [Self.attr("transB", int: 1)])
            if let o = l.output, o.count != 1 { v = node("Reshape", [v, integers([-1] + o, name + "/shape")], name: name + "/reshape") }
            return v
        case .softmax:
            return node("Softmax", [x], name: name, [Self.attr("axis", int: -1)])
        case .elementwise(.activation(let f)):
            switch f {
            case .relu: return node("Relu", [x], name: name)
            case .tanh: return node("Tanh", [x], name: name)
            case .sigmoid: return node("Sigmoid", [x], name: name)
            case .relu6: return node("Clip", [x, scalar(0, name + "/min"), scalar(6, name + "/max")], name: name)
            case .elu: return node("Elu", [x], name: name, [Self.attr("alpha", float: 1)])
            case .selu: return node("Selu", [x], name: name)
            case .softplus: return node("Softplus", [x], name: name)
            case .hardSigmoid: return node("HardSigmoid", [x], name: name, [Self.attr("alpha", float: 1.0 / 6), Self.attr("beta", float: 0.5)])
            case .gelu:
                // Gelu is an operator from opset 20; before, x (1 + erf(x/sqrt 2)) / 2, as PyTorch writes it.
                let scaled = node("Div", [x, scalar(Float(2).squareRoot(), name + "/sqrt2")], name: name + "/div")
                let e = node("Erf", [scaled], name: name + "/erf")
                let one = node("Add", [e, scalar(1, name + "/one")], name: name + "/add")
                let product = node("Mul", [x, one], name: name + "/mul")
                return node("Mul", [product, scalar(0.5, name + "/half")], name: name)
            }
        case .elementwise(.scalar(let f)):
            if !f.readsInput {
                // A constant function: x * 0 + c keeps the input's shape.
                let zero = node("Mul", [x, scalar(0, name + "/zero")], name: name + "/zero")
                return node("Add", [zero, try scalarFunction(f, x, name)], name: name)
            }
            return try scalarFunction(f, x, name)
        case .convolution(_, let window, let groups, let biases):
            var ins = [x, constant(try array("Weights"), name + "/Weights")]
            if biases { ins.append(constant(try array("Biases"), name + "/Biases")) }
            return node("Conv", ins, name: name, Self.windowAttributes(window, input: l.inputs.first ?? nil, dilations: true) + [Self.attr("group", int: groups)])
        case .pooling(let window, let f):
            let plain = window.dilation.allSatisfy { $0 == 1 }
            switch f {
            case .max:
                return node("MaxPool", [x], name: name, Self.windowAttributes(window, input: l.inputs.first ?? nil, dilations: !plain))
            case .mean, .total:
                guard plain else { throw NetError("onnx", "a dilated mean pooling (layer \(name)) has no ONNX opset 13 operator") }
                let attrs = Self.windowAttributes(window, input: l.inputs.first ?? nil, dilations: false) + [Self.attr("count_include_pad", int: 1)]
                if f == .mean { return node("AveragePool", [x], name: name, attrs) }
                let mean = node("AveragePool", [x], name: name + "/mean", attrs)
                return node("Mul", [mean, scalar(Float(window.kernel[0] * window.kernel[1]), name + "/size")], name: name)
            }
        case .aggregation(let f):
            var v = x
            var positions = 1
            if let s = l.inputs.first ?? nil {
                positions = s.dropFirst().reduce(1, *)
                if s.count != 3 { v = node("Reshape", [v, integers([0, 0, -1, 1], name + "/planes")], name: name + "/planes") }
            } else {
                v = node("Reshape", [v, integers([0, 0, -1, 1], name + "/planes")], name: name + "/planes")
            }
            switch f {
            case .max: v = node("GlobalMaxPool", [v], name: name + "/pool")
            case .mean: v = node("GlobalAveragePool", [v], name: name + "/pool")
            case .total:
                guard l.inputs.first ?? nil != nil else { throw NetError("onnx", "layer \(name) needs a known input shape to export") }
                v = node("GlobalAveragePool", [v], name: name + "/pool")
                v = node("Mul", [v, scalar(Float(positions), name + "/positions")], name: name + "/total")
            }
            return node("Flatten", [v], name: name, [Self.attr("axis", int: 1)])
        case .batchNorm(let epsilon, _):
            let ins = [x] + (try ["Scaling", "Biases", "MovingMean", "MovingVariance"].map { constant(try array($0), name + "/" + $0) })
            return node("BatchNormalization", ins, name: name, [Self.attr("epsilon", float: epsilon)])
        case .dropout(let p):
            // Dropout in inference (training_mode false) is the identity, as in nets.
            return node("Dropout", [x, scalar(p, name + "/ratio")], name: name)
        case .flatten:
            return node("Flatten", [x], name: name, [Self.attr("axis", int: 1)])
        case .reshape(let dims):
            return node("Reshape", [x, integers([-1] + dims, name + "/shape")], name: name)
        case .catenate:
            return node("Concat", inputs, name: name, [Self.attr("axis", int: 1)])
        case .padding(let spec):
            return try padding(spec, l, name: name, x)
        case .catenateAt(let level):
            // nets's level n is ONNX's axis n (the batch is axis 0; negative levels count alike).
            return node("Concat", inputs, name: name, [Self.attr("axis", int: level)])
        case .total:
            return node("Sum", inputs, name: name)
        case .threading(let spec):
            // ONNX broadcasts dimensions of 1 as ThreadingLayer does; Sum, Min and Max take any
            // number of inputs, the others are folded from the left.
            let ops: [ThreadingSpec.Function: String] = [.plus: "Sum", .subtract: "Sub", .times: "Mul", .divide: "Div", .power: "Pow", .min: "Min", .max: "Max"]
            guard let op = ops[spec.function] else { throw NetError("onnx", "layer \(name) has no ONNX export") }
            if ["Sum", "Min", "Max"].contains(op) { return node(op, inputs, name: name) }
            var v = x
            for (k, y) in inputs.dropFirst().enumerated() { v = node(op, [v, y], name: k == inputs.count - 2 ? name : "\(name)/\(k + 1)") }
            return v
        case .normalization(let spec):
            return try layerNormalization(spec, l, name: name, x)
        case .bidirectional(let f, let b):
            guard f == b, let (op, gates, units) = Self.recurrentOperator(f) else {
                throw NetError("onnx", "the layer \(name) has no ONNX export: ONNX runs both ways only one recurrent layer of one size")
            }
            return try recurrent(op, gates: gates, units: units, l, name: name, x, prefixes: ["Forward", "Backward"])
        case .transpose(let permutation):
            // Output level i is input level k where permutation[k] = i + 1, later levels kept;
            // ONNX counts the batch.
            guard let rank = (l.inputs.first ?? nil)?.count else { throw NetError("onnx", "layer \(name) needs a known input shape to export") }
            var perm = Array(0...rank)
            for (k, p) in permutation.enumerated() { perm[p] = k + 1 }
            return node("Transpose", [x], name: name, [Self.attr("perm", ints: perm)])
        case .part(let specs):
            return try part(specs, name: name, x)
        case .resize(let spec):
            return try resize(spec, l, name: name, x)
        case .attention, .map, .fold, .constantArray:
            throw NetError("onnx", "the layer \(name) has no ONNX export yet")
        case .loss:
            throw NetError("onnx", "the loss layer \(name) has no ONNX export; export the net without its loss")
        case .deconvolution(_, let window, let groups, let biases):
            var ins = [x, constant(try array("Weights"), name + "/Weights")]
            if biases { ins.append(constant(try array("Biases"), name + "/Biases")) }
            let (t, b) = try window.transposedCrops(0), (left, r) = try window.transposedCrops(1)
            return node("ConvTranspose", ins, name: name, [Self.attr("kernel_shape", ints: window.kernel), Self.attr("strides", ints: window.stride),
                                                          Self.attr("dilations", ints: window.dilation), Self.attr("pads", ints: [t, left, b, r]),
                                                          Self.attr("group", int: groups)])
        case .embedding:
            // nets's indices 1...n (as floats) become ONNX's 0...n-1 (as int64).
            let indices = node("Cast", [x], name: name + "/cast", [Self.attr("to", int: 7)])
            let zeroBased = node("Sub", [indices, integerScalar(1, name + "/one")], name: name + "/sub")
            return node("Gather", [constant(try array("Weights"), name + "/Weights"), zeroBased], name: name, [Self.attr("axis", int: 0)])
        case .basicRecurrent, .gatedRecurrent, .longShortTermMemory:
            guard let (op, gates, units) = Self.recurrentOperator(l.kind) else { throw NetError("onnx", "the layer \(name) has no ONNX export") }
            return try recurrent(op, gates: gates, units: units, l, name: name, x)
        case .sequenceLast:
            return node("Gather", [x, integerScalar(-1, name + "/last")], name: name, [Self.attr("axis", int: 1)])
        case .sequenceMost: return slice(x, starts: 0, ends: -1, step: 1, name: name)
        case .sequenceRest: return slice(x, starts: 1, ends: Int(Int64.max), step: 1, name: name)
        case .sequenceReverse: return slice(x, starts: -1, ends: Int(Int64.min), step: -1, name: name)
        case .sequenceAggregation(let f):
            let attrs = [Self.attr("keepdims", int: 0)]
            switch f {
            case .max: return node("ReduceMax", [x], name: name, attrs + [Self.attr("axes", ints: [1])])
            case .mean: return node("ReduceMean", [x], name: name, attrs + [Self.attr("axes", ints: [1])])
            case .total: return node("ReduceSum", [x, integers([1], name + "/axes")], name: name, attrs)
            }
        }
    }

    /// The ONNX operator of a recurrent layer, its gates in ONNX's order and its units.
    static func recurrentOperator(_ kind: LayerKind) -> (op: String, gates: [String], units: Int)? {
        switch kind {
        case .basicRecurrent(let n): return ("RNN", [""], n)
        case .gatedRecurrent(let n): return ("GRU", ["InputGate", "ResetGate", "MemoryGate"], n)
        case .longShortTermMemory(let n): return ("LSTM", ["InputGate", "OutputGate", "ForgetGate", "MemoryGate"], n)
        default: return nil
        }
    }

    /// A scalar int64 constant (Gather's index, the embedding's offset).
    mutating func integerScalar(_ v: Int, _ base: String) -> String {
        let name = fresh(base)
        var p = ONNXFile.proto(integers: [Int64(v)], name: name)
        p.dims = []
        initializers.append(p)
        return name
    }

    /// The elements `starts..<ends` (by `step`) of the sequence axis.
    mutating func slice(_ x: String, starts: Int, ends: Int, step: Int, name: String) -> String {
        node("Slice", [x, integers([starts], name + "/starts"), integers([ends], name + "/ends"), integers([1], name + "/axes"),
                       integers([step], name + "/steps")], name: name)
    }

    /// A recurrent layer as the ONNX operator `op` (RNN, GRU, LSTM) over the time-major
    /// sequence: nets's gates in ONNX's order (`gates`: LSTM i, o, f, c; GRU z, r, h with the
    /// reset applied after the state product and no recurrent memory bias), the state from 0.
    /// With the prefixes `Forward` and `Backward` (a NetBidirectionalOperator of two such layers),
    /// one bidirectional operator whose directions are joined forward first.
    mutating func recurrent(_ op: String, gates: [String], units: Int, _ l: Layer, name: String, _ x: String, prefixes: [String] = [""]) throws -> String {
        let directions = prefixes.count
        func stacked(_ suffix: String) throws -> Tensor {
            let parts = try prefixes.flatMap { p in
                try gates.map { g -> Tensor in
                    guard let a = l.arrays[p + g + suffix] else { throw NetError("uninit", "the array \(p + g + suffix) of \(name) is not initialized") }
                    return a
                }
            }
            return try Tensor(shape: [directions, units * gates.count] + (suffix == "Biases" ? [] : [parts[0].shape[1]]), values: parts.flatMap(\.values))
        }
        let w = try stacked("InputWeights"), r = try stacked("StateWeights"), b = try stacked("Biases")
        // B is, per direction, the input biases followed by the recurrent ones, which nets folds
        // into the first.
        let perDirection = units * gates.count
        let zeros = [Float](repeating: 0, count: perDirection)
        let biases = try Tensor(shape: [directions, 2 * perDirection],
                                values: (0..<directions).flatMap { d in Array(b.values[(d * perDirection)..<((d + 1) * perDirection)]) + zeros })
        let timeMajor = node("Transpose", [x], name: name + "/time", [Self.attr("perm", ints: [1, 0, 2])])
        var attrs = [Self.attr("hidden_size", int: units)]
        if op == "GRU" { attrs.append(Self.attr("linear_before_reset", int: 1)) }
        if directions == 2 { attrs.append(Self.attr("direction", string: "bidirectional")) }
        let y = node(op, [timeMajor, constant(w, name + "/W"), constant(r, name + "/R"), constant(biases, name + "/B")], name: name + "/" + op, attrs)
        let states: String
        if directions == 2 {
            // {T, 2, n, h} -> {T, n, 2, h} -> {T, n, 2 h}
            let beside = node("Transpose", [y], name: name + "/directions", [Self.attr("perm", ints: [0, 2, 1, 3])])
            states = node("Reshape", [beside, integers([0, 0, -1], name + "/join")], name: name + "/join")
        } else {
            states = node("Squeeze", [y, integers([1], name + "/direction")], name: name + "/squeeze")
        }
        return node("Transpose", [states], name: name, [Self.attr("perm", ints: [1, 0, 2])])
    }

    /// NormalizationLayer[a ;; All, "Same"] as LayerNormalization (opset 17) over the axes from a.
    mutating func layerNormalization(_ spec: NormalizationSpec, _ l: Layer, name: String, _ x: String) throws -> String {
        guard spec.same else {
            throw NetError("onnx", "the layer \(name) scales over the levels it does not normalize, which has no ONNX operator; only \"Same\" scaling exports")
        }
        guard let scale = l.arrays["Scaling"], let biases = l.arrays["Biases"] else { throw NetError("uninit", "the arrays of \(name) are not initialized") }
        usesOpset17 = true
        return node("LayerNormalization", [x, constant(scale, name + "/Scaling"), constant(biases, name + "/Biases")], name: name,
                    [Self.attr("axis", int: spec.from), Self.attr("epsilon", float: spec.epsilon)])
    }

    /// The operators of a scalar function applied to the value `x`.
    mutating func scalarFunction(_ f: ScalarFunction, _ x: String, _ name: String) throws -> String {
        switch f {
        case .input: return x
        case .constant(let c): return scalar(Float(c), name + "/c")
        case .sum(let terms):
            guard var acc = try terms.first.map({ try scalarFunction($0, x, name) }) else { return scalar(0, name + "/c") }
            for t in terms.dropFirst() { acc = node("Add", [acc, try scalarFunction(t, x, name)], name: name) }
            return acc
        case .product(let factors):
            guard var acc = try factors.first.map({ try scalarFunction($0, x, name) }) else { return scalar(1, name + "/c") }
            for t in factors.dropFirst() { acc = node("Mul", [acc, try scalarFunction(t, x, name)], name: name) }
            return acc
        case .power(let b, let e):
            return node("Pow", [try scalarFunction(b, x, name), try scalarFunction(e, x, name)], name: name)
        case .clip(let g, let lo, let hi):
            return node("Clip", [try scalarFunction(g, x, name), scalar(Float(lo), name + "/min"), scalar(Float(hi), name + "/max")], name: name)
        case .apply(let g, let u):
            let ops: [ScalarFunction.Elementary: String] = [
                .exp: "Exp", .log: "Log", .tanh: "Tanh", .sin: "Sin", .cos: "Cos", .abs: "Abs", .sqrt: "Sqrt",
                .ramp: "Relu", .sigmoid: "Sigmoid", .erf: "Erf", .sinh: "Sinh", .cosh: "Cosh", .arctan: "Atan",
            ]
            guard let op = ops[g] else { throw NetError("onnx", "\(g.rawValue) has no ONNX operator") }
            return node(op, [try scalarFunction(u, x, name)], name: name)
        }
    }
}

extension ScalarFunction {
    /// Whether the function depends on its argument.
    var readsInput: Bool {
        switch self {
        case .input: return true
        case .constant: return false
        case .sum(let fs), .product(let fs): return fs.contains { $0.readsInput }
        case .power(let a, let b): return a.readsInput || b.readsInput
        case .apply(_, let f), .clip(let f, _, _): return f.readsInput
        }
    }

    /// How deeply the function nests.
    var depth: Int {
        switch self {
        case .input, .constant: return 1
        case .sum(let fs), .product(let fs): return 1 + (fs.map(\.depth).max() ?? 0)
        case .power(let a, let b): return 1 + Swift.max(a.depth, b.depth)
        case .apply(_, let f), .clip(let f, _, _): return 1 + f.depth
        }
    }

    /// The function with `g` in place of its argument: f(g(x)).
    func composed(with g: ScalarFunction) -> ScalarFunction {
        switch self {
        case .input: return g
        case .constant: return self
        case .sum(let fs): return .sum(fs.map { $0.composed(with: g) })
        case .product(let fs): return .product(fs.map { $0.composed(with: g) })
        case .power(let a, let b): return .power(a.composed(with: g), b.composed(with: g))
        case .apply(let e, let f): return .apply(e, f.composed(with: g))
        case .clip(let f, let lo, let hi): return .clip(f.composed(with: g), lo, hi)
        }
    }
}

extension ONNXModel {
    /// Models whose initializers total this many bytes keep them in `NAME.onnx.data` (a protobuf
    /// holds at most 2 GiB).
    static let externalTotal = 1 << 30

    /// The ONNX file format: a net in, a net out.
    static var fileFormat: FileFormat {
        FileFormat("ONNX", extensions: ["onnx"],
                   summary: "a net as an ONNX model (opset 13, 17 with LayerNormalization), its encoder and decoder as metadata; initializers over 1 GiB in total go to NAME.onnx.data",
                   importer: { path, _ in
                       try importing("ONNX") { .net(try ONNXModel.read(readBytes(path), directory: (path as NSString).deletingLastPathComponent)) }
                   },
                   exporter: { path, e, _ in
                       guard let net = e.asNet else { return false }
                       try write(net, to: path)
                       return true
                   })
    }

    /// Writes the model of `net` to `path`, and its large initializers to `path.data` when they
    /// total more than `externalTotal` bytes (or each at least `threshold` when one is given).
    static func write(_ net: Net, to path: String, externalThreshold threshold: Int? = nil) throws {
        let size = net.layers.reduce(0) { $0 + $1.layer.arrays.values.reduce(0) { $0 + $1.count * 4 } }
        let location = (path as NSString).lastPathComponent + ".data"
        let external = threshold != nil || size > externalTotal
        let (model, data): ([UInt8], [UInt8]?)
        do {
            (model, data) = try export(net, externalLocation: external ? location : nil, externalThreshold: threshold ?? ONNXFile.externalThreshold)
        } catch let e as NetError {
            throw FileError("noopen", "cannot export the net as ONNX: \(e.description)")
        }
        do {
            if let data { try writeAtomically(data, to: path + ".data") }
            try writeAtomically(model, to: path)
        } catch { throw FileError("noopen", "cannot write \(quoted(path))") }
    }
}
