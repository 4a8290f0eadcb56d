import Foundation
import Formats
import Nets
import Tensor

/// Reads an ONNX graph into nets layers, node by node in the file's (topological) order.
///
/// Every value a node reads must be a graph input, an initializer, a Constant's output or an
/// earlier node's output: a cycle or a missing initializer is reported as the value nobody
/// defines. Operators map to layers (Conv -> ConvolutionLayer, Gemm or MatMul [+ Add of the
/// biases] -> LinearLayer, ...); Identity passes its input on; anything else is refused with the
/// operator and node named.
struct ONNXImporter {
    /// A value of the graph: fed by a graph input or a layer, or a constant.
    enum Value {
        case source(Edge.Source)
        /// A global pooling's output ({c} in nets, {c, 1, 1} in ONNX): only Flatten may read it.
        case pooled(Int)
        case constant(Onnx_TensorProto)
        /// A sequence with its batch and time axes swapped ({T, n, k}), read only by a recurrent
        /// operator of layout 0 or by the Transpose that swaps them back.
        case timeMajor(Edge.Source)
        /// The Y output of an ONNX recurrent operator of one direction: the states with an axis of
        /// the direction (after time when time-major, else after the batch and time).
        case recurrentStates(Edge.Source, timeMajor: Bool)
        /// The Y output of a bidirectional operator ({T, 2, n, h}), read only by the Transpose
        /// that puts the directions next to the units.
        case bidirectionalStates(Edge.Source)
        /// States with the two directions just before the units ({T, n, 2, h} when time-major,
        /// else {n, T, 2, h}), read only by the Reshape that joins them (forward units first, as
        /// NetBidirectionalOperator joins its layers' outputs).
        case joinableDirections(Edge.Source, timeMajor: Bool)
        /// The Y_h output of an ONNX recurrent operator over the states `Edge.Source`: the last state.
        case finalState(Edge.Source)
        /// Integer indices: nets's value of the source plus `shift` (ONNX's 0-based index is
        /// nets's 1-based one minus 1).
        case indices(Edge.Source, shift: Int)
        /// A zero padding of the spatial axes {top, left, bottom, right}, for the Conv that reads it.
        case padded(Edge.Source, [Int])
        /// A value's shape as a Shape operator gives it (of the time-major form of the value).
        case shapeOf(Edge.Source, timeMajor: Bool)
        /// A shape computed from `Shape`: entries known, nil for the batch; scalar when it is one
        /// entry taken by Gather.
        case shape([Int64?], scalar: Bool)
    }

    /// The opsets of the default domain this importer reads.
    static let opsets: ClosedRange<Int64> = 13...21

    static let maxNodes = 1 << 16

    let graph: Onnx_GraphProto
    let directory: String?
    var values: [String: Value] = [:]
    var readers: [String: Int] = [:]
    var names: [String] = []
    var layers: [Net] = []
    /// Each layer's output shape as far as the shapes reaching it tell (nil: not known).
    var shapes: [Shape?] = []
    var edges: [Edge] = []
    var inputNames: [String] = []
    var inputShapes: [Shape?] = []

    init(_ graph: Onnx_GraphProto, directory: String?) throws {
        self.graph = graph
        self.directory = directory
        guard graph.node.count <= Self.maxNodes else { throw Self.bad("the graph has \(graph.node.count) nodes, more than \(Self.maxNodes)") }
        for t in graph.initializer { values[t.name] = .constant(t) }
        for v in graph.input where values[v.name] == nil {
            let integer = [6, 7].contains(v.type.tensorType.elemType)
            values[v.name] = integer ? .indices(.input(inputNames.count), shift: 0) : .source(.input(inputNames.count))
            inputNames.append(v.name)
            let dims = v.type.tensorType.shape.dim
            let known = dims.dropFirst().map { $0.dimValue }
            inputShapes.append(!dims.isEmpty && known.allSatisfy({ $0 > 0 && $0 <= 1 << 24 }) ? known.map { Int($0) } : nil)
        }
        guard !inputNames.isEmpty else { throw Self.bad("the graph has no input") }
        for n in graph.node { for i in n.input where !i.isEmpty { readers[i, default: 0] += 1 } }
        for o in graph.output { readers[o.name, default: 0] += 1 }
    }

    static func bad(_ why: String) -> FormatError { FormatError("onnx", why) }

    static func unsupported(_ n: Onnx_NodeProto, _ why: String = "") -> FormatError {
        FormatError("onnxop", "the operator \(n.opType) of node \(quoted(n.name.isEmpty ? n.output.first ?? "?" : n.name)) has no nets layer\(why.isEmpty ? "" : " (" + why + ")")")
    }

    // MARK: Reading nodes

    /// Checks the model's opset of the default domain (a model naming none is read as the
    /// newest).
    static func checkOpset(_ model: Onnx_ModelProto) throws {
        for o in model.opsetImport where o.domain.isEmpty || o.domain == "ai.onnx" {
            guard opsets.contains(o.version) else {
                throw bad("the model uses opset \(o.version); nets reads opsets \(opsets.lowerBound) to \(opsets.upperBound) (onnx.version_converter converts older models)")
            }
        }
    }

    mutating func run() throws {
        for n in graph.node {
            guard n.domain.isEmpty || n.domain == "ai.onnx" else { throw Self.unsupported(n, "domain \(n.domain)") }
            guard !n.output.isEmpty else { throw Self.bad("node \(quoted(n.name)) has no output") }
            for i in n.input where !i.isEmpty && values[i] == nil {
                throw Self.bad("node \(quoted(n.name)) reads \(quoted(i)), which no graph input, initializer or earlier node defines (a missing initializer or a cycle)")
            }
            if try fold(n) { continue }
            try read(n)
        }
    }

    func attribute(_ n: Onnx_NodeProto, _ name: String) -> Onnx_AttributeProto? { n.attribute.first { $0.name == name } }
    func int(_ n: Onnx_NodeProto, _ name: String, _ d: Int) -> Int { attribute(n, name).map { Int(clamping: $0.i) } ?? d }
    func float(_ n: Onnx_NodeProto, _ name: String, _ d: Float) -> Float { attribute(n, name)?.f ?? d }
    func ints(_ n: Onnx_NodeProto, _ name: String) -> [Int]? { attribute(n, name).map { $0.ints.map { Int(clamping: $0) } } }
    func string(_ n: Onnx_NodeProto, _ name: String) -> String? { attribute(n, name).map { String(decoding: $0.s, as: UTF8.self) } }

    /// The constant tensor at input `i`, or nil when the input is absent or computed.
    func constant(_ n: Onnx_NodeProto, _ i: Int) -> Onnx_TensorProto? {
        guard i < n.input.count, case .constant(let t)? = values[n.input[i]] else { return nil }
        return t
    }

    func tensor(_ t: Onnx_TensorProto) throws -> Tensor { try ONNXFile.tensor(t, directory: directory) }

    /// The computed value at input `i`.
    func source(_ n: Onnx_NodeProto, _ i: Int) throws -> Edge.Source {
        guard i < n.input.count else { throw Self.bad("node \(quoted(n.name)) (\(n.opType)) lacks input \(i + 1)") }
        switch values[n.input[i]] {
        case .source(let s)?: return s
        case .pooled?: throw Self.unsupported(n, "it reads a global pooling's output, which nets reads only through Flatten")
        case .timeMajor?, .recurrentStates?, .finalState?, .bidirectionalStates?, .joinableDirections?:
            throw Self.unsupported(n, "it reads a time-major sequence, which nets reads only in a recurrent operator or the Transpose back")
        case .indices?: throw Self.unsupported(n, "it reads integer indices, which nets reads only in a Gather of an embedding")
        case .padded?: throw Self.unsupported(n, "it reads a Pad's output, which nets reads only in a Conv")
        case .shapeOf?, .shape?: throw Self.unsupported(n, "it reads a shape, which nets reads only in a Reshape")
        case .constant?, nil: throw Self.unsupported(n, "input \(quoted(n.input[i])) is a constant")
        }
    }

    /// Adds a layer fed by `sources` whose output is the node's output number `output`; or, with
    /// a `helper` suffix, a layer that serves the node (a constant, a broadcast), named after the
    /// node with that suffix, whose output the caller wires itself.
    mutating func add(_ kind: LayerKind, arrays: [String: Tensor] = [:], _ n: Onnx_NodeProto, _ sources: [Edge.Source], pooled: Bool = false,
                      output: Int = 0, helper: String? = nil) throws {
        var name = (n.name.isEmpty ? n.opType : n.name) + (helper ?? "")
        if names.contains(name) {
            var k = 2
            while names.contains("\(name)_\(k)") { k += 1 }
            name = "\(name)_\(k)"
        }
        let layer: Layer
        do { layer = try Layer(kind, arrays: arrays, inputCount: sources.count) } catch let e as NetError {
            throw Self.bad("node \(quoted(n.name)) (\(n.opType)): \(e.description)")
        }
        let index = layers.count
        var shaped = layer
        let known = sources.map { shape(of: $0) }
        shapes.append(known.contains(where: { $0 != nil }) && (try? shaped.constrain(inputs: known, output: nil)) != nil ? shaped.output : nil)
        names.append(name)
        layers.append(.layer(layer))
        for (p, s) in sources.enumerated() { edges.append(Edge(s, .node(index, port: p))) }
        if helper == nil { values[n.output[output]] = pooled ? .pooled(index) : .source(.node(index)) }
    }

    /// An ElementwiseLayer of `f`; it joins the elementwise layer before it when that layer feeds
    /// only this node (so exported arithmetic comes back as one function), up to a nesting depth
    /// that keeps evaluating the function off the end of the stack.
    mutating func elementwise(_ f: ScalarFunction, _ n: Onnx_NodeProto, input k: Int = 0) throws {
        let s = try source(n, k)
        if case .node(let i) = s, readers[n.input[k]] == 1, case .layer(let l) = layers[i], case .elementwise(.scalar(let g)) = l.kind,
           g.depth + f.depth < 64, let fused = try? Layer(.elementwise(.scalar(f.composed(with: g))), inputCount: 1) {
            layers[i] = .layer(fused)
            values[n.output[0]] = .source(s)
            return
        }
        try add(.elementwise(.scalar(f)), n, [s])
    }

    /// A constant of one element, as a number.
    func scalarValue(_ t: Onnx_TensorProto) throws -> Double? {
        let x = try tensor(t)
        return x.count == 1 ? Double(x.values[0]) : nil
    }

    mutating func read(_ n: Onnx_NodeProto) throws {
        let unary: [String: ScalarFunction] = [
            "Exp": .apply(.exp, .input), "Log": .apply(.log, .input), "Sin": .apply(.sin, .input), "Cos": .apply(.cos, .input),
            "Abs": .apply(.abs, .input), "Sqrt": .apply(.sqrt, .input), "Erf": .apply(.erf, .input), "Sinh": .apply(.sinh, .input),
            "Cosh": .apply(.cosh, .input), "Atan": .apply(.arctan, .input), "Neg": .product([.constant(-1), .input]),
            "Reciprocal": .power(.input, .constant(-1)),
        ]
        let activations: [String: Activation] = ["Relu": .relu, "Tanh": .tanh, "Sigmoid": .sigmoid, "Softplus": .softplus, "Selu": .selu]
        switch n.opType {
        case "Constant":
            guard let a = attribute(n, "value"), a.hasT else { throw Self.unsupported(n, "only a tensor value") }
            var t = a.t
            t.name = n.output[0]
            values[n.output[0]] = .constant(t)
        case "ConvTranspose":
            try deconvolution(n)
        case "LSTM":
            try recurrent(n, gates: ["InputGate", "OutputGate", "ForgetGate", "MemoryGate"], activations: ["sigmoid", "tanh", "tanh"]) { .longShortTermMemory($0) }
        case "GRU":
            try recurrent(n, gates: ["InputGate", "ResetGate", "MemoryGate"], activations: ["sigmoid", "tanh"]) { .gatedRecurrent($0) }
        case "RNN":
            try recurrent(n, gates: [""], activations: ["tanh"]) { .basicRecurrent($0) }
        case "Transpose", "Squeeze", "Unsqueeze", "Gather", "Slice", "Cast", "Shape", "Pad", "Expand":
            try reshaping(n)
        case "ReduceMean", "ReduceMax", "ReduceSum":
            try reduction(n)
        case "LayerNormalization":
            try layerNormalization(n)
        case "Resize", "Upsample":
            try resize(n)
        case "Split":
            try split(n)
        case "Identity":
            let x = n.input.first ?? ""
            values[n.output[0]] = values[x]
            readers[n.output[0], default: 0] += (readers[x] ?? 1) - 1
        case "Dropout":
            if let t = constant(n, 2), try scalarValue(t) != 0 { throw Self.unsupported(n, "training mode") }
            let ratio = try constant(n, 1).flatMap { try scalarValue($0) } ?? Double(float(n, "ratio", 0.5))
            try add(.dropout(Float(ratio)), n, [source(n, 0)])
        case let op where activations[op] != nil:
            if let f = activations[op] { try add(.elementwise(.activation(f)), n, [source(n, 0)]) }
        case let op where unary[op] != nil:
            if let f = unary[op] { try elementwise(f, n) }
        case "Elu":
            guard float(n, "alpha", 1) == 1 else { throw Self.unsupported(n, "alpha other than 1") }
            try add(.elementwise(.activation(.elu)), n, [source(n, 0)])
        case "LeakyRelu":
            let alpha = Double(float(n, "alpha", 0.01))
            try elementwise(.sum([.apply(.ramp, .input), .product([.constant(-alpha), .apply(.ramp, .product([.constant(-1), .input]))])]), n)
        case "HardSigmoid":
            let alpha = float(n, "alpha", 0.2), beta = float(n, "beta", 0.5)
            if abs(alpha - 1.0 / 6) < 1e-7, beta == 0.5 { try add(.elementwise(.activation(.hardSigmoid)), n, [source(n, 0)]); return }
            try elementwise(.clip(.sum([.product([.constant(Double(alpha)), .input]), .constant(Double(beta))]), 0, 1), n)
        case "Gelu":
            guard (string(n, "approximate") ?? "none") == "none" else { throw Self.unsupported(n, "the tanh approximation") }
            try add(.elementwise(.activation(.gelu)), n, [source(n, 0)])
        case "Clip":
            let lo = try constant(n, 1).flatMap { try scalarValue($0) } ?? Double(attribute(n, "min")?.f ?? -.greatestFiniteMagnitude)
            let hi = try constant(n, 2).flatMap { try scalarValue($0) } ?? Double(attribute(n, "max")?.f ?? .greatestFiniteMagnitude)
            if lo == 0, hi == 6 { try add(.elementwise(.activation(.relu6)), n, [source(n, 0)]); return }
            try elementwise(.clip(.input, lo, hi), n)
        case "Add", "Sub", "Mul", "Div", "Pow":
            try arithmetic(n)
        case "Min", "Max":
            try threading(n)
        case "Sum":
            guard n.input.count > 1 else { values[n.output[0]] = values[n.input.first ?? ""]; return }
            try add(.total, n, n.input.indices.map { try source(n, $0) })
        case "Softmax":
            let axis = int(n, "axis", 1)
            guard axis == -1 || axis == 1 else { throw Self.unsupported(n, "a softmax over axis \(axis)") }
            try add(.softmax, n, [source(n, 0)])
        case "Flatten":
            guard int(n, "axis", 1) == 1 else { throw Self.unsupported(n, "axis other than 1") }
            if case .pooled(let i)? = values[n.input.first ?? ""] { values[n.output[0]] = .source(.node(i)); return }
            try add(.flatten, n, [source(n, 0)])
        case "Reshape":
            try reshape(n)
        case "Concat" where n.input.contains(where: { if case .shape? = values[$0] { return true } else { return false } }):
            var entries: [Int64?] = []
            for i in n.input {
                switch values[i] {
                case .shape(let v, _)?: entries += v
                case .constant(let t)?: entries += try ONNXFile.integers(t).map { Optional($0) }
                default: throw Self.unsupported(n, "a shape joined with a computed value")
                }
            }
            values[n.output[0]] = .shape(entries, scalar: false)
        case "Concat":
            // ONNX's axis counts the batch (negative from the end): nets's level is the same number.
            let axis = int(n, "axis", 1)
            guard axis != 0, axis >= -64, axis <= 64 else { throw Self.unsupported(n, "a catenation along axis \(axis)") }
            try add(axis == 1 ? .catenate : .catenateAt(axis), n, n.input.indices.map { try source(n, $0) })
        case "Gemm":
            try gemm(n)
        case "MatMul":
            guard let w = constant(n, 1) else { throw Self.unsupported(n, "a product of two computed values") }
            let weights = try tensor(w)
            guard weights.rank == 2 else { throw Self.unsupported(n, "weights of rank \(weights.rank)") }
            let x = try source(n, 0), linear = LayerKind.linear(output: [weights.shape[1]], biases: false)
            // A product over the last axis of a sequence {T, k} is a LinearLayer mapped over it.
            switch shape(of: x)?.count {
            case nil, 1?: try add(linear, arrays: ["Weights": weights.transposed()], n, [x])
            case 2?: try add(.map(linear), arrays: ["Weights": weights.transposed()], n, [x])
            case let rank?: throw Self.unsupported(n, "a product over the last axis of an input of rank \(rank)")
            }
        case "Conv":
            try convolution(n)
        case "MaxPool", "AveragePool":
            try pooling(n)
        case "GlobalAveragePool", "GlobalMaxPool":
            try add(.aggregation(n.opType == "GlobalMaxPool" ? .max : .mean), n, [source(n, 0)], pooled: true)
        case "BatchNormalization":
            guard int(n, "training_mode", 0) == 0 else { throw Self.unsupported(n, "training mode") }
            var arrays: [String: Tensor] = [:]
            for (i, key) in ["Scaling", "Biases", "MovingMean", "MovingVariance"].enumerated() {
                guard let t = constant(n, i + 1) else { throw Self.unsupported(n, "a computed \(key)") }
                arrays[key] = try tensor(t)
            }
            try add(.batchNorm(epsilon: float(n, "epsilon", 1e-5), momentum: float(n, "momentum", 0.9)), arrays: arrays, n, [source(n, 0)])
        default:
            throw Self.unsupported(n)
        }
    }

    /// Add/Sub/Mul/Div/Pow: with a one-element constant, an ElementwiseLayer; the sum of two
    /// computed values, a TotalLayer; the biases after a MatMul, the LinearLayer's biases.
    mutating func arithmetic(_ n: Onnx_NodeProto) throws {
        guard n.input.count == 2 else { throw Self.bad("node \(quoted(n.name)) (\(n.opType)) needs two inputs") }
        let a = constant(n, 0), b = constant(n, 1)
        if case .indices(let s, let shift)? = values[n.input[0]], let b, let k = try scalarValue(b), k == k.rounded(), abs(k) < Double(1 << 30),
           n.opType == "Add" || n.opType == "Sub" {
            values[n.output[0]] = .indices(s, shift: shift + (n.opType == "Add" ? Int(k) : -Int(k)))
            return
        }
        if a == nil, b == nil {
            if try fuseWithInput(n) { return }
            try threading(n)
            return
        }
        guard let c = a ?? b, let k = try scalarValue(c) else {
            if n.opType == "Add", let c = a ?? b, try fuseBiases(n, c, into: a == nil ? 0 : 1) { return }
            try threading(n)
            return
        }
        let first = a == nil
        let f: ScalarFunction
        switch n.opType {
        case "Add": f = .sum([.input, .constant(k)])
        case "Sub": f = first ? .sum([.input, .constant(-k)]) : .sum([.constant(k), .product([.constant(-1), .input])])
        case "Mul": f = .product([.input, .constant(k)])
        case "Div": f = first ? .product([.input, .constant(1 / k)]) : .product([.constant(k), .power(.input, .constant(-1))])
        default: f = first ? .power(.input, .constant(k)) : .power(.constant(k), .input)
        }
        try elementwise(f, n, input: first ? 0 : 1)
    }

    /// `x op f(x)` or `f(x) op x` for an ElementwiseLayer f over x read only here: the layer
    /// computes the whole function (PyTorch writes GELU as x (1 + erf(x / sqrt 2)) / 2).
    mutating func fuseWithInput(_ n: Onnx_NodeProto) throws -> Bool {
        for (mine, other) in [(0, 1), (1, 0)] {
            guard case .source(.node(let i))? = values[n.input[mine]], readers[n.input[mine]] == 1, case .source(let x)? = values[n.input[other]],
                  case .layer(let l) = layers[i], case .elementwise(.scalar(let g)) = l.kind,
                  edges.filter({ $0.target == .node(i, port: 0) }).map(\.source) == [x] else { continue }
            let (p, q) = mine == 0 ? (g, ScalarFunction.input) : (ScalarFunction.input, g)
            let f: ScalarFunction
            switch n.opType {
            case "Add": f = .sum([p, q])
            case "Sub": f = .sum([p, .product([.constant(-1), q])])
            case "Mul": f = .product([p, q])
            case "Div": f = .product([p, .power(q, .constant(-1))])
            default: return false
            }
            guard f.depth < 64, let fused = try? Layer(.elementwise(.scalar(f)), inputCount: 1) else { return false }
            layers[i] = .layer(fused)
            values[n.output[0]] = .source(.node(i))
            return true
        }
        return false
    }

    /// Folds `Add(MatMul(x, W), b)` into one LinearLayer when the MatMul feeds only the Add.
    /// (Also `Add(b, MatMul(x, W))`, and a LinearLayer mapped over a sequence.)
    mutating func fuseBiases(_ n: Onnx_NodeProto, _ b: Onnx_TensorProto, into k: Int) throws -> Bool {
        guard case .source(.node(let i))? = values[n.input[k]], readers[n.input[k]] == 1, case .layer(let l) = layers[i],
              let w = l.arrays["Weights"] else { return false }
        let kind: LayerKind
        switch l.kind {
        case .linear(let out, false): kind = .linear(output: out, biases: true)
        case .map(.linear(let out, false)): kind = .map(.linear(output: out, biases: true))
        default: return false
        }
        let biases = try tensor(b)
        guard biases.count == w.shape[0] else { return false }
        let layer: Layer
        do { layer = try Layer(kind, arrays: ["Weights": w, "Biases": biases.reshaped([biases.count])]) } catch { return false }
        layers[i] = .layer(layer)
        values[n.output[0]] = .source(.node(i))
        return true
    }

    mutating func gemm(_ n: Onnx_NodeProto) throws {
        guard float(n, "alpha", 1) == 1, float(n, "beta", 1) == 1, int(n, "transA", 0) == 0 else {
            throw Self.unsupported(n, "alpha, beta or transA other than the defaults")
        }
        guard let wt = constant(n, 1) else { throw Self.unsupported(n, "computed weights") }
        var w = try tensor(wt)
        guard w.rank == 2 else { throw Self.bad("node \(quoted(n.name)) (Gemm) has weights of rank \(w.rank)") }
        if int(n, "transB", 0) == 0 { w = try w.transposed() }
        var arrays = ["Weights": w]
        if n.input.count > 2, !n.input[2].isEmpty {
            guard let ct = constant(n, 2) else { throw Self.unsupported(n, "computed biases") }
            let c = try tensor(ct)
            if c.count == w.shape[0] { arrays["Biases"] = try c.reshaped([c.count]) }
            else if c.count == 1 { arrays["Biases"] = try Tensor(shape: [w.shape[0]], repeating: c.values[0]) }
            else { throw Self.bad("node \(quoted(n.name)) (Gemm) has biases of shape \(c.shape) for \(w.shape[0]) outputs") }
        }
        try add(.linear(output: [w.shape[0]], biases: arrays["Biases"] != nil), arrays: arrays, n, [source(n, 0)])
    }

    mutating func reshape(_ n: Onnx_NodeProto) throws {
        let shape: [Int64]
        if let st = constant(n, 1) {
            shape = try ONNXFile.integers(st)
        } else if n.input.count > 1, case .shape(let v, _)? = values[n.input[1]], v.first == .some(nil), v.dropFirst().allSatisfy({ $0 != nil }) {
            shape = [0] + v.dropFirst().compactMap { $0 }
        } else {
            throw Self.unsupported(n, "a shape computed in the graph")
        }
        if case .joinableDirections(let s, let timeMajor)? = values[n.input.first ?? ""] {
            guard shape.count == 3, shape[0] == 0, shape[1] == 0, shape[2] == -1 || shape[2] == Int64(self.shape(of: s)?.last ?? -2) else { throw Self.unsupported(n, "a shape \(shape) other than the directions joined") }
            values[n.output[0]] = timeMajor ? .timeMajor(s) : .source(s)
            return
        }
        guard let batch = shape.first, batch == 0 || batch == -1 else { throw Self.unsupported(n, "a shape \(shape) that does not keep the batch") }
        let rest = shape.dropFirst()
        if case .pooled(let i)? = values[n.input.first ?? ""], rest.count == 1 { values[n.output[0]] = .source(.node(i)); return }
        if rest == [-1] { try add(.flatten, n, [source(n, 0)]); return }
        guard !rest.isEmpty, rest.allSatisfy({ $0 > 0 && $0 <= 1 << 24 }) else { throw Self.unsupported(n, "the shape \(shape)") }
        try add(.reshape(rest.map { Int($0) }), n, [source(n, 0)])
    }

    /// The window of a Conv or pooling node: pairs of kernel, strides, dilations; pads or auto_pad.
    func window(_ n: Onnx_NodeProto, kernel: [Int]) throws -> WindowSpec {
        let strides = ints(n, "strides") ?? [1, 1], dilations = ints(n, "dilations") ?? [1, 1]
        guard kernel.count == 2, strides.count == 2, dilations.count == 2,
              (kernel + strides + dilations).allSatisfy({ $0 > 0 && $0 <= 1 << 16 }) else {
            throw Self.unsupported(n, "only two-dimensional windows of positive sizes")
        }
        let padding: Padding
        switch string(n, "auto_pad") ?? "NOTSET" {
        case "NOTSET", "":
            let p = ints(n, "pads") ?? [0, 0, 0, 0]
            guard p.count == 4, p.allSatisfy({ $0 >= 0 && $0 <= 1 << 16 }) else { throw Self.bad("node \(quoted(n.name)) has invalid pads \(p)") }
            padding = .explicit(top: p[0], bottom: p[2], left: p[1], right: p[3])
        case "VALID": padding = .none
        case "SAME_UPPER": padding = .same
        case let other: throw Self.unsupported(n, "auto_pad \(other)")
        }
        return WindowSpec(kernel: kernel, stride: strides, padding: padding, dilation: dilations)
    }

    mutating func convolution(_ n: Onnx_NodeProto) throws {
        let input: Edge.Source
        if case .padded(let s, _)? = values[n.input.first ?? ""] { input = s } else { input = try source(n, 0) }
        guard let wt = constant(n, 1) else { throw Self.unsupported(n, "computed weights") }
        let w = try tensor(wt)
        guard w.rank == 4 else { throw Self.unsupported(n, "only two-dimensional convolutions") }
        var arrays = ["Weights": w]
        if n.input.count > 2, !n.input[2].isEmpty {
            guard let b = constant(n, 2) else { throw Self.unsupported(n, "computed biases") }
            arrays["Biases"] = try tensor(b)
        }
        let groups = int(n, "group", 1)
        guard groups > 0 else { throw Self.bad("node \(quoted(n.name)) has group \(groups)") }
        var spec = try window(n, kernel: ints(n, "kernel_shape") ?? Array(w.shape[2...]))
        if case .padded(_, let p)? = values[n.input[0]] {
            guard case .explicit(let t, let b, let l, let r) = spec.padding else { throw Self.unsupported(n, "a Pad before a convolution with auto_pad") }
            spec.padding = .explicit(top: t + p[0], bottom: b + p[2], left: l + p[1], right: r + p[3])
        }
        try add(.convolution(channels: w.shape[0], window: spec, groups: groups, biases: arrays["Biases"] != nil), arrays: arrays, n, [input])
    }

    mutating func pooling(_ n: Onnx_NodeProto) throws {
        guard n.output.count == 1 || n.output[1].isEmpty else { throw Self.unsupported(n, "the indices output") }
        guard let kernel = ints(n, "kernel_shape") else { throw Self.bad("node \(quoted(n.name)) has no kernel_shape") }
        var spec = try window(n, kernel: kernel)
        let max = n.opType == "MaxPool"
        if int(n, "ceil_mode", 0) != 0 {
            // Rounding the output size up is a maximum over more padding at the bottom and right
            // (padding never wins a maximum), for inputs of known size.
            guard max, case .explicit(let t, let b, let l, let r) = spec.padding, let x = shape(of: try source(n, 0)), x.count == 3 else {
                throw Self.unsupported(n, "ceil_mode other than of a MaxPool over an input of known size")
            }
            var extra = [0, 0]
            for axis in 0..<2 {
                let length = x[axis + 1] + (axis == 0 ? t + b : l + r), k = spec.dilation[axis] * (kernel[axis] - 1) + 1, stride = spec.stride[axis]
                guard length >= k else { continue }
                var out = (length - k + stride - 1) / stride + 1
                // The last window must start inside the input or its leading padding.
                if (out - 1) * stride >= x[axis + 1] + (axis == 0 ? t : l) { out -= 1 }
                extra[axis] = Swift.max(0, (out - 1) * stride + k - length)
            }
            spec.padding = .explicit(top: t, bottom: b + extra[0], left: l, right: r + extra[1])
        }
        if !max, int(n, "count_include_pad", 0) == 0, spec.padding != .none {
            throw Self.unsupported(n, "an average that leaves out the padding")
        }
        try add(.pooling(spec, max ? .max : .mean), n, [source(n, 0)])
    }

    /// ConvTranspose: a DeconvolutionLayer, its pads cropped from the output (an output_padding
    /// shortens the crop at the end).
    mutating func deconvolution(_ n: Onnx_NodeProto) throws {
        guard let wt = constant(n, 1) else { throw Self.unsupported(n, "computed weights") }
        let w = try tensor(wt)
        guard w.rank == 4 else { throw Self.unsupported(n, "only two-dimensional deconvolutions") }
        guard attribute(n, "output_shape") == nil else { throw Self.unsupported(n, "an output_shape") }
        var arrays = ["Weights": w]
        if n.input.count > 2, !n.input[2].isEmpty {
            guard let b = constant(n, 2) else { throw Self.unsupported(n, "computed biases") }
            arrays["Biases"] = try tensor(b)
        }
        let groups = int(n, "group", 1)
        guard groups > 0, groups <= 1 << 16 else { throw Self.bad("node \(quoted(n.name)) has group \(groups)") }
        let kernel = ints(n, "kernel_shape") ?? Array(w.shape[2...])
        let strides = ints(n, "strides") ?? [1, 1], dilations = ints(n, "dilations") ?? [1, 1], extra = ints(n, "output_padding") ?? [0, 0]
        guard kernel.count == 2, strides.count == 2, dilations.count == 2, extra.count == 2,
              (kernel + strides + dilations).allSatisfy({ $0 > 0 && $0 <= 1 << 16 }), extra.allSatisfy({ $0 >= 0 && $0 <= 1 << 16 }) else {
            throw Self.unsupported(n, "only two-dimensional windows of positive sizes")
        }
        var pads: [Int]
        switch string(n, "auto_pad") ?? "NOTSET" {
        case "NOTSET", "":
            pads = ints(n, "pads") ?? [0, 0, 0, 0]
            guard pads.count == 4, pads.allSatisfy({ $0 >= 0 && $0 <= 1 << 16 }) else { throw Self.bad("node \(quoted(n.name)) has invalid pads \(pads)") }
        case "VALID": pads = [0, 0, 0, 0]
        case let auto where auto == "SAME_UPPER" || auto == "SAME_LOWER":
            // The output is the input times the stride: the crop is the kernel's extent less the stride.
            pads = [0, 0, 0, 0]
            for axis in 0..<2 {
                let total = dilations[axis] * (kernel[axis] - 1) + 1 + extra[axis] - strides[axis]
                guard total >= 0 else { throw Self.unsupported(n, "auto_pad \(auto) with a stride larger than the kernel") }
                let (small, large) = (total / 2, total - total / 2)
                (pads[axis], pads[axis + 2]) = auto == "SAME_UPPER" ? (large, small) : (small, large)
            }
        case let other: throw Self.unsupported(n, "auto_pad \(other)")
        }
        for axis in 0..<2 {
            guard pads[axis + 2] >= extra[axis] else { throw Self.unsupported(n, "an output_padding larger than the padding at the end") }
            pads[axis + 2] -= extra[axis]
        }
        let spec = WindowSpec(kernel: kernel, stride: strides, padding: .explicit(top: pads[0], bottom: pads[2], left: pads[1], right: pads[3]),
                              dilation: dilations)
        try add(.deconvolution(channels: nil, window: spec, groups: groups, biases: arrays["Biases"] != nil), arrays: arrays, n, [source(n, 0)])
    }

    /// An ONNX RNN, GRU or LSTM from a zero state, forward (nets's recurrent layer) or
    /// bidirectional (a NetBidirectionalOperator of two such layers, arrays prefixed `Forward` and
    /// `Backward`): the gates of W, R and B in ONNX's order are nets's `gates`, the input and
    /// recurrent biases added. A GRU must apply its reset after the state product
    /// (linear_before_reset, as PyTorch does) with no recurrent memory bias, Wolfram's equations.
    mutating func recurrent(_ n: Onnx_NodeProto, gates: [String], activations: [String], kind: (Int) -> LayerKind) throws {
        let direction = string(n, "direction") ?? "forward"
        guard direction == "forward" || direction == "bidirectional" else {
            throw Self.unsupported(n, "the \(direction) direction alone; nets's recurrent layers run forward or both ways (NetBidirectionalOperator)")
        }
        let directions = direction == "bidirectional" ? 2 : 1
        guard attribute(n, "clip") == nil, int(n, "input_forget", 0) == 0 else { throw Self.unsupported(n, "clip or input_forget") }
        if let given = attribute(n, "activations")?.strings.map({ String(decoding: $0, as: UTF8.self).lowercased() }),
           given != Array([[String]](repeating: activations, count: directions).joined()) {
            throw Self.unsupported(n, "the activations \(given)")
        }
        let layout = int(n, "layout", 0)
        let x: Edge.Source
        switch (values[n.input.first ?? ""], layout) {
        case (.timeMajor(let s)?, 0), (.source(let s)?, 1): x = s
        default: throw Self.unsupported(n, "an input that is not a sequence of the batch (layout \(layout))")
        }
        guard let wt = constant(n, 1), let rt = constant(n, 2) else { throw Self.unsupported(n, "computed weights") }
        let w = try tensor(wt), r = try tensor(rt), g = gates.count
        guard w.rank == 3, r.rank == 3, w.shape[0] == directions, w.shape[1] % g == 0, w.shape[1] > 0 else {
            throw Self.bad("node \(quoted(n.name)) (\(n.opType)) has weights of dimensions \(w.shape) for \(directions) direction(s)")
        }
        let h = w.shape[1] / g, k = w.shape[2]
        guard int(n, "hidden_size", h) == h, r.shape == [directions, g * h, h] else {
            throw Self.bad("node \(quoted(n.name)) (\(n.opType)) has recurrent weights of dimensions \(r.shape) for \(h) units")
        }
        let perDirection = 2 * g * h
        var b = [Float](repeating: 0, count: directions * perDirection)
        if let bt = constant(n, 3) {
            let t = try tensor(bt)
            guard t.count == b.count else { throw Self.bad("node \(quoted(n.name)) (\(n.opType)) has \(t.count) biases, not \(b.count)") }
            b = t.values
        } else if n.input.count > 3, !n.input[3].isEmpty {
            throw Self.unsupported(n, "computed biases")
        }
        guard n.input.count <= 4 || n.input[4].isEmpty else { throw Self.unsupported(n, "sequence lengths") }
        for i in 5..<max(5, n.input.count) where !n.input[i].isEmpty {
            guard let t = constant(n, i), try tensor(t).values.allSatisfy({ $0 == 0 }) else {
                throw Self.unsupported(n, "an initial state or peepholes other than zero")
            }
        }
        if n.opType == "GRU" {
            guard int(n, "linear_before_reset", 0) == 1 else {
                throw Self.unsupported(n, "a reset gate applied before the state product (linear_before_reset 0); Wolfram's GatedRecurrentLayer applies it after")
            }
            for d in 0..<directions where !b[(d * perDirection + 5 * h)..<(d * perDirection + 6 * h)].allSatisfy({ $0 == 0 }) {
                throw Self.unsupported(n, "a recurrent bias of the memory gate, which Wolfram's GatedRecurrentLayer does not have")
            }
        }
        var arrays: [String: Tensor] = [:]
        let wv = w.values, rv = r.values, prefixes = directions == 2 ? ["Forward", "Backward"] : [""]
        for (d, prefix) in prefixes.enumerated() {
            let (wBase, rBase, bBase) = (d * g * h * k, d * g * h * h, d * perDirection)
            for (j, gate) in gates.enumerated() {
                arrays[prefix + gate + "InputWeights"] = try Tensor(shape: [h, k], values: Array(wv[(wBase + j * h * k)..<(wBase + (j + 1) * h * k)]))
                arrays[prefix + gate + "StateWeights"] = try Tensor(shape: [h, h], values: Array(rv[(rBase + j * h * h)..<(rBase + (j + 1) * h * h)]))
                arrays[prefix + gate + "Biases"] = try Tensor(shape: [h], values: (0..<h).map { b[bBase + j * h + $0] + b[bBase + (g + j) * h + $0] })
            }
        }
        if n.output.count > 2, !n.output[2].isEmpty, readers[n.output[2], default: 0] > 0 { throw Self.unsupported(n, "the cell state output Y_c") }
        if directions == 2, n.output.count > 1, !n.output[1].isEmpty, readers[n.output[1], default: 0] > 0 {
            throw Self.unsupported(n, "the final states Y_h of both directions")
        }
        try add(directions == 2 ? .bidirectional(forward: kind(h), backward: kind(h)) : kind(h), arrays: arrays, n, [x])
        guard case .source(let states)? = values[n.output[0]] else { return }
        if directions == 2 {
            values[n.output[0]] = layout == 0 ? .bidirectionalStates(states) : .joinableDirections(states, timeMajor: false)
            return
        }
        values[n.output[0]] = .recurrentStates(states, timeMajor: layout == 0)
        if n.output.count > 1, !n.output[1].isEmpty { values[n.output[1]] = .finalState(states) }
    }

    /// LayerNormalization over the axes from `axis` on: NormalizationLayer[axis ;; All, "Same"]
    /// (nets's levels count from 1 after the batch, as ONNX's axes count from 1 after it); a
    /// negative axis needs the input's rank, inferred over the layers read so far.
    mutating func layerNormalization(_ n: Onnx_NodeProto) throws {
        for o in n.output.dropFirst() where !o.isEmpty && readers[o, default: 0] > 0 {
            throw Self.unsupported(n, "the mean or inverse deviation output")
        }
        let s = try source(n, 0)
        guard let st = constant(n, 1) else { throw Self.unsupported(n, "a computed scale") }
        let scale = try tensor(st)
        var biases = try Tensor(shape: scale.shape, repeating: 0)
        if n.input.count > 2, !n.input[2].isEmpty {
            guard let bt = constant(n, 2) else { throw Self.unsupported(n, "computed biases") }
            biases = try tensor(bt)
            guard biases.shape == scale.shape else {
                throw Self.bad("node \(quoted(n.name)) (LayerNormalization) has a scale of dimensions \(scale.shape) and biases of \(biases.shape)")
            }
        }
        var axis = int(n, "axis", -1)
        if axis < 0 {
            guard let rank = shape(of: s)?.count else { throw Self.unsupported(n, "a negative axis over an input whose rank is not known") }
            axis += rank + 1
        }
        guard axis >= 1, axis <= 64 else { throw Self.unsupported(n, "a normalization over the batch axis or an axis out of range (\(int(n, "axis", -1)))") }
        let epsilon = float(n, "epsilon", 1e-5)
        guard epsilon > 0, epsilon.isFinite else { throw Self.bad("node \(quoted(n.name)) (LayerNormalization) has epsilon \(epsilon)") }
        try add(.normalization(NormalizationSpec(from: axis, same: true, epsilon: epsilon)), arrays: ["Scaling": scale, "Biases": biases], n, [s])
    }

    /// The per-example shape of a computed value, inferred layer by layer as they are read (nil
    /// when it is not known).
    func shape(of s: Edge.Source) -> Shape? {
        switch s {
        case .input(let i): return i < inputShapes.count ? inputShapes[i] : nil
        case .node(let i): return i < shapes.count ? shapes[i] : nil
        }
    }

    /// The integer entries of an `axes`-like attribute, or of input `i` from the opsets that
    /// moved it there.
    func integers(_ n: Onnx_NodeProto, attribute name: String, input i: Int) throws -> [Int]? {
        if let a = ints(n, name) { return a }
        guard let t = constant(n, i) else {
            if i < n.input.count, !n.input[i].isEmpty { throw Self.unsupported(n, "\(name) computed in the graph") }
            return nil
        }
        return try ONNXFile.integers(t).map { Int(clamping: $0) }
    }

    /// Operators that move axes, index or cut, which nets reads where they mean a layer: around
    /// recurrent operators (time-major Transposes, Squeezes of the direction), the last state
    /// (Gather or Squeeze of Y_h, Gather of the last element), the sequence cuts (Slice),
    /// embeddings (Cast, Gather of indices), Pad before a Conv, Shape for a Reshape.
    mutating func reshaping(_ n: Onnx_NodeProto) throws {
        let input = values[n.input.first ?? ""]
        let out = n.output[0]
        let axes = ["Squeeze", "Unsqueeze"].contains(n.opType) ? try integers(n, attribute: "axes", input: 1) : nil
        switch (n.opType, input) {
        case ("Transpose", .source(let s)?) where ints(n, "perm") == [1, 0, 2]: values[out] = .timeMajor(s)
        case ("Transpose", .timeMajor(let s)?) where ints(n, "perm") == [1, 0, 2]: values[out] = .source(s)
        case ("Transpose", .bidirectionalStates(let s)?) where ints(n, "perm") == [0, 2, 1, 3]: values[out] = .joinableDirections(s, timeMajor: true)
        case ("Squeeze", .recurrentStates(let s, let timeMajor)?) where axes == [timeMajor ? 1 : 2]:
            values[out] = timeMajor ? .timeMajor(s) : .source(s)
        case ("Squeeze", .finalState(let s)?) where axes == [0]:
            try add(.sequenceLast, n, [s])
        case ("Squeeze", .pooled(let i)?) where axes == [2, 3] || axes == [-2, -1]:
            values[out] = .source(.node(i))
        case ("Gather", .finalState(let s)?) where int(n, "axis", 0) == 0:
            guard let t = constant(n, 1), t.dims.isEmpty, try [0, -1].contains(scalarValue(t)) else { throw Self.unsupported(n, "an index other than the one direction") }
            try add(.sequenceLast, n, [s])
        case ("Gather", .source(let s)?) where int(n, "axis", 0) == 1 && shape(of: s) == nil:
            // The last element of a sequence of unknown length.
            guard let t = constant(n, 1), t.dims.isEmpty, try scalarValue(t) == -1 else { throw Self.unsupported(n, "an index other than -1 (the last element) of a sequence of unknown length") }
            try add(.sequenceLast, n, [s])
        case ("Gather", .source(let s)?):
            try gatherPositions(n, s)
        case ("Gather", .constant(let data)?):
            guard n.input.count > 1, case .indices(let s, let shift)? = values[n.input[1]], int(n, "axis", 0) == 0 else {
                throw Self.unsupported(n, "an embedding of indices that are not integer inputs")
            }
            let w = try tensor(data)
            guard w.rank == 2 else { throw Self.unsupported(n, "an embedding of rank \(w.rank)") }
            var x = s
            if shift != -1 {
                // nets's EmbeddingLayer reads 1-based indices.
                try add(.elementwise(.scalar(.sum([.input, .constant(Double(shift + 1))]))), n, [s])
                x = .node(layers.count - 1)
            }
            try add(.embedding(size: w.shape[1], vocabulary: w.shape[0]), arrays: ["Weights": w], n, [x])
        case ("Gather", .shapeOf(_, let timeMajor)?):
            guard let t = constant(n, 1), try ONNXFile.integers(t) == [timeMajor ? 1 : 0] else { throw Self.unsupported(n, "a dimension other than the batch") }
            values[out] = .shape([nil], scalar: t.dims.isEmpty)
        case ("Slice", .shapeOf(let s, false)?):
            // Part of a shape (PyTorch's F.interpolate takes the batch and channels this way).
            guard let x = shape(of: s), let starts = try integers(n, attribute: "starts", input: 1), let ends = try integers(n, attribute: "ends", input: 2),
                  starts.count == 1, ends.count == 1, (try integers(n, attribute: "axes", input: 3) ?? [0]) == [0],
                  (try integers(n, attribute: "steps", input: 4) ?? [1]) == [1] else {
                throw Self.unsupported(n, "a slice of a shape other than a range of known entries")
            }
            let full: [Int64?] = [nil] + x.map { Int64($0) }
            func clamped(_ i: Int) -> Int { Swift.min(Swift.max(i < 0 ? i &+ full.count : i, 0), full.count) }
            let (a, b) = (clamped(starts[0]), clamped(ends[0]))
            values[out] = .shape(a < b ? Array(full[a..<b]) : [], scalar: false)
        case ("Unsqueeze", .shape(let v, true)?) where axes == [0]:
            values[out] = .shape(v, scalar: false)
        case ("Slice", .source(let s)?):
            guard let starts = try integers(n, attribute: "starts", input: 1), let ends = try integers(n, attribute: "ends", input: 2) else {
                throw Self.unsupported(n, "starts and ends computed in the graph")
            }
            let steps = try integers(n, attribute: "steps", input: 4) ?? starts.map { _ in 1 }
            let onSequence = try integers(n, attribute: "axes", input: 3) == [1]
            // The cuts of a sequence that have sequence layers (which follow each example's length).
            switch (starts, ends, steps) {
            case ([0], [-1], [1]) where onSequence: try add(.sequenceMost, n, [s])
            case ([1], let e, [1]) where onSequence && (e.first ?? 0) >= Int(Int32.max): try add(.sequenceRest, n, [s])
            case ([-1], let e, [-1]) where onSequence && (e.first ?? 0) <= Int(Int32.min): try add(.sequenceReverse, n, [s])
            default: try generalSlice(n, s, starts: starts, ends: ends, steps: steps)
            }
        case ("Cast", .source(let s)?) where [6, 7].contains(int(n, "to", 0)): values[out] = .indices(s, shift: 0)
        case ("Cast", .indices(let s, let shift)?) where [6, 7].contains(int(n, "to", 0)) || shift == 0:
            values[out] = [6, 7].contains(int(n, "to", 0)) ? .indices(s, shift: shift) : .source(s)
        case ("Shape", .source(let s)?): values[out] = .shapeOf(s, timeMajor: false)
        case ("Shape", .timeMajor(let s)?): values[out] = .shapeOf(s, timeMajor: true)
        case ("Expand", .constant(let t)?):
            // A zero state of the batch's size (PyTorch's initial recurrent state).
            guard n.input.count == 2, case .shape? = values[n.input[1]], try tensor(t).values.allSatisfy({ $0 == 0 }) else {
                throw Self.unsupported(n, "an expansion other than of zeros to a shape of the batch")
            }
            values[out] = .constant(t)
        case ("Pad", .source(let s)?):
            // Zeros around the height and width read only by Convs become the Convs' padding;
            // any other Pad is a PaddingLayer.
            if graph.node.filter({ $0.input.contains(out) }).allSatisfy({ $0.opType == "Conv" }),
               (string(n, "mode") ?? "constant") == "constant", try constant(n, 2).map({ try scalarValue($0) == 0 }) ?? true,
               n.input.count < 4 || n.input[3].isEmpty,
               let p = try integers(n, attribute: "pads", input: 1), p.count == 8, p[0] == 0, p[1] == 0, p[4] == 0, p[5] == 0,
               p.allSatisfy({ $0 >= 0 && $0 <= 1 << 16 }) {
                values[out] = .padded(s, [p[2], p[3], p[6], p[7]])
            } else {
                try padding(n, s)
            }
        case ("Transpose", .source(let s)?):
            // ONNX: output axis i is input axis perm[i]; nets (as Transpose[x, p]): level k goes to p[[k]].
            guard let perm = ints(n, "perm"), perm.count >= 3, perm.count <= 64, perm.first == 0, perm.sorted() == Array(0..<perm.count) else {
                throw Self.unsupported(n, "a permutation \(ints(n, "perm") ?? []) that moves the batch axis or is none")
            }
            var levels = [Int](repeating: 0, count: perm.count - 1)
            for i in 1..<perm.count { levels[perm[i] - 1] = i }
            try add(.transpose(levels), n, [s])
        case ("Squeeze", .source(let s)?), ("Unsqueeze", .source(let s)?):
            try squeezing(n, s, axes: axes)
        default:
            throw Self.unsupported(n)
        }
    }

    /// Squeeze or Unsqueeze of axes after the batch of a value whose dimensions are known: a
    /// ReshapeLayer to the new dimensions (none when they do not change).
    mutating func squeezing(_ n: Onnx_NodeProto, _ s: Edge.Source, axes given: [Int]?) throws {
        guard let x = shape(of: s) else { throw Self.unsupported(n, "an input whose dimensions are not known") }
        let rank = x.count + 1
        var dims: [Int]
        if n.opType == "Squeeze" {
            let axes = Set((given ?? (1..<rank).filter { x[$0 - 1] == 1 }).map { $0 < 0 ? $0 + rank : $0 })
            guard axes.allSatisfy({ $0 >= 1 && $0 < rank && x[$0 - 1] == 1 }) else {
                throw Self.unsupported(n, "the axes \(given ?? []) of \([-1] + x), which are not all of length 1 after the batch")
            }
            dims = x.indices.filter { !axes.contains($0 + 1) }.map { x[$0] }
        } else {
            guard let given, given.count <= 64 else { throw Self.bad("node \(quoted(n.name)) (Unsqueeze) has no axes or too many") }
            let out = rank + given.count
            let axes = Set(given.map { $0 < 0 ? $0 + out : $0 })
            guard axes.count == given.count, axes.allSatisfy({ $0 >= 1 && $0 < out }) else {
                throw Self.unsupported(n, "the axes \(given) for \([-1] + x), which are not distinct axes after the batch")
            }
            var rest = x.makeIterator()
            dims = (1..<out).map { axes.contains($0) ? 1 : rest.next() ?? 1 }
        }
        if dims == x {
            // The same value under a second name: its readers are the layer's readers too.
            values[n.output[0]] = .source(s)
            readers[n.output[0], default: 0] += (readers[n.input[0]] ?? 1) - 1
            return
        }
        guard !dims.isEmpty else { throw Self.unsupported(n, "a scalar per example") }
        try add(.reshape(dims), n, [s])
    }

    /// ReduceMean, ReduceMax, ReduceSum over the height and width (global pooling) or over the
    /// elements of a sequence (AggregationLayer[f, 1]).
    mutating func reduction(_ n: Onnx_NodeProto) throws {
        let f: Pooling.Function = n.opType == "ReduceMax" ? .max : n.opType == "ReduceMean" ? .mean : .total
        let axes = try integers(n, attribute: "axes", input: 1) ?? []
        let keep = int(n, "keepdims", 1) != 0
        switch axes {
        case [2, 3], [-2, -1]: try add(.aggregation(f), n, [source(n, 0)], pooled: keep)
        case [1] where !keep: try add(.sequenceAggregation(f), n, [source(n, 0)])
        default: throw Self.unsupported(n, "a reduction over axes \(axes)\(keep ? " keeping them" : "") other than the height and width or the sequence")
        }
    }

    // MARK: The net

    /// A NetChain when the layers form a line from the single input, else a NetGraph.
    func net(encoder: Nets.Encoder?, decoder: Nets.Decoder?) throws -> Net {
        guard graph.output.count == 1, let out = values[graph.output[0].name] else {
            throw Self.bad("the graph should have one output defined by its nodes, not \(graph.output.count)")
        }
        let output: Edge.Source
        switch out {
        case .source(let s): output = s
        case .pooled(let i): output = .node(i)
        case .constant: throw Self.bad("the graph's output is a constant")
        default: throw Self.bad("the graph's output is not laid out as nets lays out a batch (a time-major sequence, a shape, indices...)")
        }
        guard !layers.isEmpty else { throw Self.bad("the graph has no layer") }
        var line = inputNames.count == 1 && output == .node(layers.count - 1)
        if line {
            for (i, l) in layers.enumerated() {
                let into = edges.filter { $0.target == .node(i, port: 0) }
                let from: Edge.Source = i == 0 ? .input(0) : .node(i - 1)
                if l.inputs.count != 1 || into.count != 1 || into[0].source != from { line = false; break }
            }
            // Each layer read by its successor alone (a value read twice is a branch).
            if line, edges.count != layers.count { line = false }
        }
        do {
            if line {
                return .chain(try Chain(names: names, nodes: layers, encoder: encoder, decoder: decoder, input: inputShapes[0]))
            }
            return .graph(try Graph(names: names, nodes: layers, edges: edges + [Edge(output, .output)], inputNames: inputNames,
                                    encoder: encoder, decoder: decoder, inputs: inputShapes))
        } catch let e as NetError {
            throw Self.bad("the layers do not fit together: \(e.description)")
        }
    }
}
