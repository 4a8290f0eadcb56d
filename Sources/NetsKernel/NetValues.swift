import CoreKernel
import Imaging
import Language
import OrderedCollections
import Nets
import Tensor

/// A net (layer, chain or graph) as a value of the language.
package final class NetValue: NativeValue {
    package let net: Net
    package init(_ net: Net) { self.net = net }

    /// The compiled inference plan, made on first use and kept with the value (nets are
    /// immutable, so it never goes stale); nil when the net cannot be compiled yet.
    private(set) lazy var plan: InferencePlan? = isInitialized ? try? InferencePlan(net) : nil

    /// Whether every array of the net has values, asked once: the question walks every layer,
    /// which cost a single image through MobileNet V2 about 3% of its time when asked per call.
    private(set) lazy var isInitialized = net.isInitialized

    package var headName: String {
        switch net {
        case .layer(let l): return l.kind.name
        case .chain: return "NetChain"
        case .graph: return "NetGraph"
        }
    }

    package var summary: String {
        let uninitialized = isInitialized ? "" : ", uninitialized"
        switch net {
        case .layer(let l):
            if case .elementwise(let f) = l.kind { return "ElementwiseLayer[\(elementwiseText(f))]" }
            let detail = layerDetail(l)
            return detail.isEmpty && uninitialized.isEmpty ? "\(headName)[]" : "\(headName)[<\(detail.isEmpty ? "uninitialized" : detail + uninitialized)>]"
        case .chain(let c): return "NetChain[<\(c.nodes.count) layer\(c.nodes.count == 1 ? "" : "s")\(uninitialized)>]"
        case .graph(let g): return "NetGraph[<\(g.nodes.count) node\(g.nodes.count == 1 ? "" : "s")\(uninitialized)>]"
        }
    }

    package func isSame(_ other: any NativeValue) -> Bool {
        guard let o = other as? NetValue else { return false }
        return o === self || o.summary == summary && o.net.layers.count == net.layers.count
            && zip(o.net.layers, net.layers).allSatisfy { $0.0.path == $0.1.path && sameArrays($0.0.layer, $0.1.layer) }
    }
}

/// A chain's or graph's layers are its parts: `Length`, `Part`, `Take`, `Drop`, `Normal`, and
/// `Information` with the layer table and net properties; `net[data]` evaluates it.
extension NetValue: StructuredValue, CallableValue {
    package var length: Int? { net.parts.isEmpty ? nil : net.parts.count }

    package func normal() -> Expr? {
        let parts = net.parts
        if case .chain(let ch) = net, ch.names == ch.names.indices.map({ String($0 + 1) }) { return .list(parts.map { .net($0.net) }) }
        return .association(OrderedDictionary(uniqueKeysWithValues: parts.map { (Expr.string($0.name), Expr.net($0.net)) }))
    }

    package func part(_ spec: Expr, _ c: Call) throws -> Expr? {
        guard !net.parts.isEmpty, spec.intValue != nil || spec.asString != nil else { return nil }
        if let i = spec.intValue, spec.isInteger, i == 0 || abs(i) > net.parts.count { throw MissingPart(spec) }
        return netOperation(c) { try extract(net, spec) }
    }

    package func take(_ spec: Expr, drop: Bool, _ c: Call) throws -> Expr? {
        netOperation(c) { try cutChain(c, .native(self), spec, take: !drop) }
    }

    package func information(_ property: Expr?, _ c: Call) throws -> Expr? {
        guard let property else { return .native(InformationValue(summaryBox)) }
        return netOperation(c) { try netProperty(net, property, c) }
    }

    package func apply(_ c: Call) throws -> Expr? { netOperation(c) { try evaluateNet(self, c) } }
}

extension NetValue: SummarizedValue {
    package var summaryBox: SummaryBox { netSummaryBox(net) }

    /// The ports, as the options a net is made with: `{"Input" -> 3, "Output" -> {2}}`.
    package var optionRules: [Expr] {
        [.rule(.string("Input"), net.encoder.map { .native(CoderValue(encoder: $0)) } ?? shapeExpr(net.inputs.first ?? nil)),
         .rule(.string("Output"), net.decoder.map { .native(CoderValue(decoder: $0)) } ?? shapeExpr(net.output))]
    }
}

private func sameArrays(_ a: Layer, _ b: Layer) -> Bool {
    a.kind == b.kind && a.arrays.keys == b.arrays.keys && a.arrays.allSatisfy { k, v in b.arrays[k].map { $0.shape == v.shape && $0.values == v.values } ?? false }
}

/// "2 x 5" for a layer's weights, else its output dimensions.
func layerDetail(_ l: Layer) -> String {
    if let w = l.arrayShapes?["Weights"] ?? l.arrays["Weights"]?.shape { return w.map(String.init).joined(separator: " x ") }
    if let o = l.output, !o.isEmpty { return o.map(String.init).joined(separator: " x ") }
    return ""
}

/// The function of an ElementwiseLayer as Wolfram prints it: `Ramp`, `"SELU"`, `Sin[2 #] &`.
func elementwiseText(_ f: ElementwiseFunction) -> String {
    switch f {
    case .activation(let a):
        let names: [Activation: String] = [.relu: "Ramp", .tanh: "Tanh", .sigmoid: "LogisticSigmoid", .relu6: "Clip[#, {0, 6}] &", .elu: "\"ELU\"",
                                           .selu: "\"SELU\"", .gelu: "\"GELU\"", .softplus: "\"SoftPlus\"", .hardSigmoid: "\"HardSigmoid\""]
        return names[a] ?? a.rawValue
    case .scalar(let s): return scalarText(s, 0) + " &"
    }
}

/// A scalar function in input form; `level` is the precedence of the context (0 none, 1 sum,
/// 2 product, 3 power).
private func scalarText(_ s: ScalarFunction, _ level: Int) -> String {
    func wrap(_ text: String, _ own: Int) -> String { own < level ? "(" + text + ")" : text }
    switch s {
    case .input: return "#"
    case .constant(let c): return wrap(c == c.rounded() && abs(c) < 1e15 ? String(Int(c)) : String(c), c < 0 ? 1 : 4)
    case .sum(let xs): return wrap(xs.map { scalarText($0, 1) }.joined(separator: " + "), 1)
    case .product(let xs): return wrap(xs.map { scalarText($0, 2) }.joined(separator: " "), 2)
    case .power(let b, let e): return wrap(scalarText(b, 4) + "^" + scalarText(e, 4), 3)
    case .apply(let g, let x): return g.rawValue + "[" + scalarText(x, 0) + "]"
    case .clip(let x, let lo, let hi): return "Clip[\(scalarText(x, 0)), {\(lo), \(hi)}]"
    }
}

/// An image as a value of the language.
final class ImageValue: NativeValue {
    package let image: Image
    init(_ image: Image) { self.image = image }
    package var headName: String { "Image" }
    /// Wolfram's text form of an image, `-Image-`, with its size and colour space.
    package var summary: String { "-Image- (\(image.summary))" }
    package func isSame(_ other: any NativeValue) -> Bool { (other as? ImageValue)?.image == image }
}

/// A packed Float32 array (`NumericArray`), as weights are given and extracted.
final class ArrayValue: NativeValue {
    let tensor: Tensor
    init(_ tensor: Tensor) { self.tensor = tensor }
    package var headName: String { "NumericArray" }
    package var summary: String { "NumericArray[<Real32, \(tensor.shape.isEmpty ? "scalar" : tensor.shape.map(String.init).joined(separator: "x"))>]" }
    package func isSame(_ other: any NativeValue) -> Bool {
        guard let o = other as? ArrayValue else { return false }
        return o.tensor.shape == tensor.shape && o.tensor.values == tensor.values
    }
}

/// A NumericArray has the dimensions of its tensor, and `Normal` gives the nested list.
extension ArrayValue: StructuredValue {
    package var dimensions: [Int]? { tensor.shape }
    package func normal() -> Expr? { exprFromTensor(tensor) }
}

/// A NetEncoder or NetDecoder.
final class CoderValue: NativeValue {
    let encoder: Encoder?
    let decoder: Decoder?
    init(encoder: Encoder) { self.encoder = encoder; self.decoder = nil }
    init(decoder: Decoder) { self.decoder = decoder; self.encoder = nil }
    package var headName: String { encoder != nil ? "NetEncoder" : "NetDecoder" }
    package var summary: String {
        if let e = encoder { return "NetEncoder[<\(describeCoder(e))>]" }
        if let d = decoder { return "NetDecoder[<\(describeCoder(d))>]" }
        return "NetEncoder[]"
    }
    package func isSame(_ other: any NativeValue) -> Bool {
        guard let o = other as? CoderValue else { return false }
        return o.encoder == encoder && o.decoder == decoder
    }
}

/// `encoder[x]` encodes an example (a text encoder also a list of strings); `decoder[array]`
/// decodes one.
extension CoderValue: CallableValue {
    package func apply(_ c: Call) throws -> Expr? {
        guard c.count == 1 else { return nil }
        return netOperation(c) {
            if case .text? = encoder, let items = c[0].listItems {
                return .list(try items.map { exprFromTensor(try encodeExample($0, encoder, c)) })
            }
            if let e = encoder { return exprFromTensor(try encodeExample(c[0], e, c)) }
            if let d = decoder, let t = c[0].asTensor { return try decode(t, d, .string("Decision")) }
            return nil
        }
    }
}

func describeCoder(_ e: Encoder) -> String {
    switch e {
    case .image(let i): return "Image, \(i.width)x\(i.height) \(i.colorSpace.rawValue)"
    case .classes(let l): return "Class, \(l.count) classes"
    case .classVectors(let l): return "Class, \(l.count) classes, UnitVector"
    case .text(let t):
        let length = t.targetLength.map { "length \($0)" } ?? "varying length"
        return "\(t.kind.rawValue), \(t.vocabulary.count) \(t.kind == .characters ? "characters" : "tokens"), \(length)"
    case .sequence(let element): return "Varying" + element.map { ", \($0)" }.joined()
    }
}

func describeCoder(_ d: Decoder) -> String {
    switch d {
    case .classes(let l): return "Class, \(l.count) classes"
    }
}

extension Expr {
    package static func net(_ n: Net) -> Expr { .native(NetValue(n)) }
    package static func image(_ i: Image) -> Expr { .native(ImageValue(i)) }
    static func array(_ t: Tensor) -> Expr { .native(ArrayValue(t)) }

    package var asNet: Net? {
        if case .native(let v) = self, let n = v as? NetValue { return n.net }
        return nil
    }

    /// An image value, or a Graphics expression drawn as one.
    package var asImage: Image? {
        if case .native(let v) = self, let i = v as? ImageValue { return i.image }
        if GraphicsReader.isGraphics(self) { return try? GraphicsImages.image(self) }
        return nil
    }

    /// A rectangular array of numbers (nested lists or a NumericArray) as a tensor.
    package var asTensor: Tensor? {
        if case .native(let v) = self, let a = v as? ArrayValue { return a.tensor }
        if let d = doubleValue { return Tensor(scalar: Float(d)) }
        guard let items = listItems else { return nil }
        var values: [Float] = []
        var shape: [Int]?
        func walk(_ e: Expr, _ depth: Int, _ dims: inout [Int]) -> Bool {
            if let d = e.doubleValue {
                if shape == nil { shape = dims }
                guard shape == dims else { return false }
                values.append(Float(d))
                return true
            }
            guard let xs = e.listItems else { return false }
            if let s = shape, depth >= s.count || s[depth] != xs.count { return false }
            // A list of numbers (the innermost level) read in one pass.
            if !xs.isEmpty, case .normal(let n) = e, let numbers = n.numbers {
                dims.append(xs.count)
                defer { dims.removeLast() }
                if shape == nil { shape = dims }
                guard shape == dims else { return false }
                values.append(contentsOf: numbers.lazy.map(Float.init))
                return true
            }
            dims.append(xs.count)
            defer { dims.removeLast() }
            if xs.isEmpty { if shape == nil { shape = dims }; return shape == dims }
            return xs.allSatisfy { walk($0, depth + 1, &dims) }
        }
        var dims: [Int] = []
        guard walk(.list(items), 0, &dims), let s = shape else { return nil }
        return try? Tensor(shape: s, values: values)
    }
}

/// A tensor as nested lists of reals (a scalar as a real).
func exprFromTensor(_ t: Tensor) -> Expr {
    let v = t.values
    func build(_ dims: ArraySlice<Int>, _ offset: Int) -> Expr {
        guard let d = dims.first else { return .real(Double(v[offset])) }
        let inner = dims.dropFirst().reduce(1, *)
        return .list((0..<d).map { build(dims.dropFirst(), offset + $0 * inner) })
    }
    return build(t.shape[...], 0)
}

/// A tensor as nested lists of reals, answering Ctrl-C every few thousand elements: a big
/// image's data takes many seconds to build as expressions.
func exprFromTensor(_ t: Tensor, _ c: Call) throws -> Expr {
    let v = t.values
    var built = 0
    func build(_ dims: ArraySlice<Int>, _ offset: Int) throws -> Expr {
        guard let d = dims.first else { return .real(Double(v[offset])) }
        let inner = dims.dropFirst().reduce(1, *)
        built &+= d
        if built >= 4096 {
            built = 0
            try c.evaluator.checkInterrupt()
        }
        return .list(try (0..<d).map { try build(dims.dropFirst(), offset + $0 * inner) })
    }
    return try build(t.shape[...], 0)
}

/// `{3, 224, 224}`.
func shapeExpr(_ s: Shape?) -> Expr {
    guard let s else { return .sym("Automatic") }
    return s.isEmpty ? .string("Real") : .ints(s)
}

/// A label's key: its input form, which identifies it and which files store.
package func labelKey(_ e: Expr) -> String { InputForm.string(e) }

/// A class label as encoders and decoders keep it: its key and the value itself.
package func classLabel(_ e: Expr) -> ClassLabel { ClassLabel(key: labelKey(e), value: e) }

/// A label's value: the one the language made or, for a label read from a file, its key read as
/// data (see `dataExpr`).
package func labelValue(_ label: ClassLabel) -> Expr { (label.value as? Expr) ?? dataExpr(label.key) }

/// Text from a file read as data only: numbers, strings, symbols and lists of them. Anything
/// else (a call, an operator) stays the text itself, as a string, so a data file never makes
/// code that would run when the label is returned.
package func dataExpr(_ text: String) -> Expr {
    if let e = DataCache.parsed[text] { return e }
    var parser = Parser(text)
    var e = Expr.string(text)
    do {
        if let p = try parser.next(), try parser.next() == nil, isData(p) { e = p }
    } catch {
        // Not an expression: the text stays a string.
    }
    if DataCache.parsed.count < 100_000 { DataCache.parsed[text] = e }
    return e
}

/// Atoms and lists of them; negative numbers parse as `Times[-1, n]` and count as data.
private func isData(_ e: Expr) -> Bool {
    var stack = [e], seen = 0
    while let x = stack.popLast() {
        seen += 1
        if seen > 1_000_000 { return false }
        switch x {
        case .integer, .real, .string, .symbol, .bigInteger, .rational: continue
        case .normal(let n):
            if n.head.isSymbol(Sym.List) { stack += n.args; continue }
            if n.head.isSymbol(Sym.Times), n.args.count == 2, n.args[0] == .integer(-1), n.args[1].isNumber { continue }
            return false
        default: return false
        }
    }
    return true
}

/// File labels read once: a 1000-class decoder turns keys into expressions on every evaluation.
private enum DataCache {
    nonisolated(unsafe) static var parsed: [String: Expr] = [:]
}
