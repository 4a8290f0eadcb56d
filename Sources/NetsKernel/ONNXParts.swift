import Formats
import Nets
import Tensor

/// Reading the ONNX operators that cut values into parts (Split, Slice, Gather of constant
/// positions) as PartLayers, and Resize/Upsample as a ResizeLayer.
extension ONNXImporter {
    /// The known dimensions (after the batch) of the value a node reads first.
    func knownShape(_ n: Onnx_NodeProto, _ s: Edge.Source) throws -> Shape {
        guard let x = shape(of: s) else { throw Self.unsupported(n, "an input whose dimensions are not known") }
        return x
    }

    /// An ONNX axis of a value of `rank` dimensions after the batch, as nets's 0-based level
    /// (ONNX counts the batch; negative axes count from the end).
    func level(_ n: Onnx_NodeProto, axis: Int, rank: Int) throws -> Int {
        let a = axis < 0 ? axis + rank + 1 : axis
        guard a >= 1, a <= rank else { throw Self.unsupported(n, "axis \(axis), which is the batch or not an axis of a value of rank \(rank + 1)") }
        return a - 1
    }

    /// A PartLayer spec that cuts level `k` by `spec` and keeps the levels before it.
    static func cut(_ k: Int, _ spec: PartSpec) -> [PartSpec] { Array(repeating: .all, count: k) + [spec] }

    /// Split: one PartLayer per output, each a span of the split axis.
    mutating func split(_ n: Onnx_NodeProto) throws {
        let s = try source(n, 0), x = try knownShape(n, s)
        let k = try level(n, axis: int(n, "axis", 0), rank: x.count), length = x[k]
        var parts = try integers(n, attribute: "split", input: 1) ?? []
        if parts.isEmpty {
            // Equal parts (the last one smaller when the length does not divide).
            let count = int(n, "num_outputs", n.output.count)
            guard count > 0, count <= length else { throw Self.unsupported(n, "\(count) parts of a length of \(length)") }
            let each = (length + count - 1) / count
            parts = (0..<count).map { Swift.min(each, length - $0 * each) }
        }
        guard parts.count == n.output.count, parts.allSatisfy({ $0 > 0 }), parts.reduce(0, +) == length else {
            throw Self.unsupported(n, "parts \(parts) that do not cut a length of \(length) into \(n.output.count) nonempty pieces")
        }
        var from = 1
        for (i, p) in parts.enumerated() {
            try add(.part(Self.cut(k, .span(from: from, to: from + p - 1, step: 1))), n, [s], output: i)
            from += p
        }
    }

    /// Slice of axes whose lengths are known: one span per axis, ONNX's clamped 0-based bounds
    /// turned into Part's 1-based inclusive ones.
    mutating func generalSlice(_ n: Onnx_NodeProto, _ s: Edge.Source, starts: [Int], ends: [Int], steps: [Int]) throws {
        let x = try knownShape(n, s)
        let axes = try integers(n, attribute: "axes", input: 3) ?? Array(0..<starts.count)
        guard axes.count == starts.count, ends.count == starts.count, steps.count == starts.count, !axes.isEmpty else {
            throw Self.bad("node \(quoted(n.name)) (Slice) has starts, ends, axes and steps of different lengths")
        }
        var specs = [PartSpec](repeating: .all, count: x.count)
        for (i, axis) in axes.enumerated() {
            let k = try level(n, axis: axis, rank: x.count), dim = x[k], step = steps[i]
            guard step != 0 else { throw Self.bad("node \(quoted(n.name)) (Slice) has a step of 0") }
            func wrapped(_ v: Int) -> Int { v < 0 ? v &+ dim : v }
            let first: Int, last: Int
            if step > 0 {
                let a = Swift.min(Swift.max(wrapped(starts[i]), 0), dim), b = Swift.min(Swift.max(wrapped(ends[i]), 0), dim)
                guard a < b else { throw Self.unsupported(n, "an empty slice of axis \(axis)") }
                (first, last) = (a, a + (b - 1 - a) / step * step)
            } else {
                let a = Swift.min(Swift.max(wrapped(starts[i]), 0), dim - 1), b = Swift.min(Swift.max(wrapped(ends[i]), -1), dim - 1)
                guard a > b else { throw Self.unsupported(n, "an empty slice of axis \(axis)") }
                (first, last) = (a, a - (a - 1 - b) / -step * -step)
            }
            specs[k] = first == 0 && last == dim - 1 && step == 1 ? .all : .span(from: first + 1, to: last + 1, step: step)
        }
        while specs.count > 1, specs.last == .all { specs.removeLast() }
        if specs == [.all] {
            values[n.output[0]] = .source(s)
            readers[n.output[0], default: 0] += (readers[n.input[0]] ?? 1) - 1
            return
        }
        try add(.part(specs), n, [s])
    }

    /// Gather of constant positions along an axis after the batch: a PartLayer taking one
    /// position (the axis goes) or a list of them.
    mutating func gatherPositions(_ n: Onnx_NodeProto, _ s: Edge.Source) throws {
        let x = try knownShape(n, s)
        guard let t = constant(n, 1) else { throw Self.unsupported(n, "positions computed in the graph") }
        let k = try level(n, axis: int(n, "axis", 0), rank: x.count)
        let positions = try ONNXFile.integers(t).map { Int(clamping: $0) }
        guard t.dims.count <= 1, !positions.isEmpty, positions.count <= PartSpec.maxPositions,
              positions.allSatisfy({ $0 >= -x[k] && $0 < x[k] }) else {
            throw Self.unsupported(n, "positions \(positions.prefix(8)) that are not a scalar or a list within an axis of length \(x[k])")
        }
        // ONNX's 0-based positions (-1 the last) are Part's 1-based ones (-1 the last).
        let onePositions = positions.map { $0 >= 0 ? $0 + 1 : $0 }
        try add(.part(Self.cut(k, t.dims.isEmpty ? .element(onePositions[0]) : .elements(onePositions))), n, [s])
    }

    /// Resize (opset 13 on: X, roi, scales, sizes) or Upsample (X, scales) of the spatial axes:
    /// linear with half-pixel (Bin) or align-corners (Point) coordinates, or nearest by integer
    /// factors (where ONNX's coordinate and rounding modes agree with nets's bins).
    mutating func resize(_ n: Onnx_NodeProto) throws {
        let s = try source(n, 0), x = shape(of: s)
        let mode = string(n, "mode") ?? "nearest"
        let transform = string(n, "coordinate_transformation_mode") ?? (n.opType == "Upsample" ? "asymmetric" : "half_pixel")
        guard int(n, "antialias", 0) == 0, attribute(n, "axes") == nil, (string(n, "keep_aspect_ratio_policy") ?? "stretch") == "stretch" else {
            throw Self.unsupported(n, "antialiasing, axes or an aspect-ratio policy")
        }
        // The new lengths of the axes after the batch and channels: from sizes, else scales.
        var dims: [ResizeSpec.Dimension], factors: [Double?]
        let sizesInput = n.opType == "Resize" && n.input.count > 3 && !n.input[3].isEmpty
        if sizesInput {
            var sizes: [Int64?]
            if let t = constant(n, 3) { sizes = try ONNXFile.integers(t).map { Optional($0) } } else if case .shape(let v, _)? = values[n.input[3]] { sizes = v } else {
                throw Self.unsupported(n, "sizes computed in the graph")
            }
            guard sizes.count >= 3, sizes.count <= 4, sizes.dropFirst(2).allSatisfy({ ($0 ?? 0) > 0 && ($0 ?? 0) <= Int64(ResizeSpec.maxLength) }) else {
                throw Self.unsupported(n, "sizes \(sizes.map { $0.map(String.init) ?? "?" }) other than the batch, the channels and 1 or 2 known lengths")
            }
            if let x, let c = sizes[1] { guard c == Int64(x[0]) else { throw Self.unsupported(n, "a resizing of the channels") } }
            dims = sizes.dropFirst(2).map { .size(Int($0 ?? 1)) }
            factors = sizes.dropFirst(2).enumerated().map { i, m in
                guard let x, x.count == sizes.count - 1, let m, Int(m) % x[i + 1] == 0 else { return nil }
                return Double(Int(m) / x[i + 1])
            }
        } else {
            guard let t = constant(n, n.opType == "Upsample" ? 1 : 2) else { throw Self.unsupported(n, "scales computed in the graph") }
            let scales = try tensor(t).values.map(Double.init)
            guard scales.count >= 3, scales.count <= 4, scales[0] == 1, scales[1] == 1, scales.dropFirst(2).allSatisfy({ $0.isFinite && $0 > 0 && $0 <= 1024 }) else {
                throw Self.unsupported(n, "scales \(scales) other than 1 for the batch and channels and 1 or 2 positive factors")
            }
            dims = scales.dropFirst(2).map { $0 == 1 ? .all : .scaled($0) }
            factors = scales.dropFirst(2).map { $0 == $0.rounded() ? $0 : nil }
        }
        let spec: ResizeSpec
        switch (mode, transform) {
        case ("linear", "half_pixel"), ("linear", "pytorch_half_pixel"):
            spec = ResizeSpec(dimensions: dims, resampling: .linear, scheme: .bin)
        case ("linear", "align_corners"):
            spec = ResizeSpec(dimensions: dims, resampling: .linear, scheme: .point)
        case ("nearest", let t):
            let rounding = string(n, "nearest_mode") ?? "round_prefer_floor"
            let agrees = ["half_pixel", "pytorch_half_pixel", "tf_half_pixel_for_nn"].contains(t) && rounding.hasPrefix("round")
                || t == "asymmetric" && ["floor", "round_prefer_floor"].contains(rounding)
            guard agrees, factors.allSatisfy({ $0 != nil }) else {
                throw Self.unsupported(n, "nearest resampling other than by whole factors (\(t), \(rounding))")
            }
            spec = ResizeSpec(dimensions: dims, resampling: .nearest, scheme: .bin)
        default:
            throw Self.unsupported(n, "\(mode) resampling with \(transform) coordinates")
        }
        try add(.resize(spec), n, [s])
    }
}

/// Writing PartLayer and ResizeLayer.
extension ONNXExporter {
    /// A PartLayer: a Slice per span, a Gather per element or list of positions, last level
    /// first (a Gather of one element removes its axis, which would move the later ones).
    mutating func part(_ specs: [PartSpec], name: String, _ x: String) throws -> String {
        var v = x
        for (k, spec) in specs.enumerated().reversed() {
            let axis = k + 1, base = "\(name)/\(axis)"
            switch spec {
            case .all: continue
            case .element(let i):
                v = node("Gather", [v, integerScalar(i > 0 ? i - 1 : i, base + "/position")], name: base, [Self.attr("axis", int: axis)])
            case .elements(let list):
                v = node("Gather", [v, integers(list.map { $0 > 0 ? $0 - 1 : $0 }, base + "/positions")], name: base, [Self.attr("axis", int: axis)])
            case .span(let from, let to, let step):
                // Part's 1-based inclusive bounds (negative from the end) as ONNX's 0-based exclusive end.
                let start = from > 0 ? from - 1 : from
                let end: Int
                switch (to, step > 0) {
                case (nil, true): end = Int(Int64.max)
                case (nil, false): end = Int(Int64.min)
                case (let t?, true): end = t > 0 ? t : (t == -1 ? Int(Int64.max) : t + 1)
                case (let t?, false): end = t > 1 ? t - 2 : (t == 1 ? Int(Int64.min) : t - 1)
                }
                v = node("Slice", [v, integers([start], base + "/starts"), integers([end], base + "/ends"), integers([axis], base + "/axes"),
                                   integers([step], base + "/steps")], name: base)
            }
        }
        guard v != x else { return node("Identity", [x], name: name) }
        return v
    }

    /// A ResizeLayer: Resize with scales when every length is a ratio, else with sizes whose
    /// batch entry is the input's (Shape, Gather, Concat), as PyTorch writes F.interpolate.
    mutating func resize(_ spec: ResizeSpec, _ l: Layer, name: String, _ x: String) throws -> String {
        guard let input = l.inputs.first ?? nil else { throw NetError("onnx", "layer \(name) needs a known input shape to export") }
        let axes = try spec.axes(rank: input.count)
        var attrs = [Self.attr("mode", string: spec.resampling == .linear ? "linear" : "nearest"),
                     Self.attr("coordinate_transformation_mode", string: spec.scheme == .point ? "align_corners" : "half_pixel")]
        if spec.resampling == .nearest { attrs.append(Self.attr("nearest_mode", string: "round_prefer_ceil")) }
        let roi = ""
        if spec.dimensions.allSatisfy({ if case .size = $0 { false } else { true } }) {
            var scales = [Float](repeating: 1, count: input.count + 1)
            for (d, axis) in zip(spec.dimensions, axes) { if case .scaled(let r) = d { scales[axis + 1] = Float(r) } }
            let s = constant(try Tensor(shape: [scales.count], values: scales), name + "/scales")
            return node("Resize", [x, roi, s], name: name, attrs)
        }
        let shape = node("Shape", [x], name: name + "/shape")
        let batch = node("Gather", [shape, integers([0], name + "/batch")], name: name + "/batch", [Self.attr("axis", int: 0)])
        let sizes = node("Concat", [batch, integers(try spec.outputShape(input), name + "/lengths")], name: name + "/sizes", [Self.attr("axis", int: 0)])
        return node("Resize", [x, roi, "", sizes], name: name, attrs)
    }
}

/// Arithmetic of computed values.
extension ONNXImporter {
    /// Add, Sub, Mul, Div, Pow, Min or Max of computed values: a ThreadingLayer (a TotalLayer
    /// for Add of equal shapes). ONNX broadcasts as NumPy does, aligning the last axes; an input
    /// of lower rank is first reshaped with leading 1s, which needs its dimensions known.
    mutating func threading(_ n: Onnx_NodeProto) throws {
        let functions: [String: ThreadingSpec.Function] = ["Add": .plus, "Sub": .subtract, "Mul": .times, "Div": .divide, "Pow": .power,
                                                          "Min": .min, "Max": .max]
        guard let f = functions[n.opType], !n.input.isEmpty else { throw Self.unsupported(n) }
        if n.input.count == 1 { values[n.output[0]] = values[n.input[0]]; return }
        // Constants become ConstantArrayLayers of the computed values' rank (a batch of one).
        let rank = try n.input.indices.compactMap { i -> Int? in
            guard constant(n, i) == nil else { return nil }
            guard let s = shape(of: try source(n, i)) else { throw Self.unsupported(n, "a constant broadcast against a value whose dimensions are not known") }
            return s.count
        }.max() ?? 0
        var sources = try n.input.indices.map { i -> Edge.Source in
            guard let t = constant(n, i) else { return try source(n, i) }
            let array = try tensor(t)
            var dims = array.shape
            if dims.count == rank + 1 {
                guard dims.first == 1 else { throw Self.unsupported(n, "a constant \(dims) that differs along the batch") }
                dims.removeFirst()
            }
            guard dims.count <= rank else { throw Self.unsupported(n, "a constant \(array.shape) of higher rank than the values it meets") }
            dims = Array(repeating: 1, count: rank - dims.count) + dims
            try add(.constantArray(dims), arrays: ["Array": try array.reshaped(dims)], n, [], helper: "/constant\(i + 1)")
            return .node(layers.count - 1)
        }
        let shapes = sources.map { shape(of: $0) }
        if f == .plus, !sources.contains(where: isConstantArray), Set(shapes.map { $0.map { "\($0)" } ?? "?" }).count == 1 {
            try add(.total, n, sources)
            return
        }
        if shapes.allSatisfy({ $0 != nil }) {
            let rank = shapes.map { $0?.count ?? 0 }.max() ?? 0
            for (i, s) in shapes.enumerated() {
                guard let s, s.count < rank else { continue }
                // The same value with leading dimensions of 1, under a name of its own.
                let lifted = Array(repeating: 1, count: rank - s.count) + s
                try add(.reshape(lifted), n, [sources[i]], helper: "/broadcast\(i + 1)")
                sources[i] = .node(layers.count - 1)
            }
        }
        try add(.threading(ThreadingSpec(function: f)), n, sources)
    }

    /// Whether a source is a ConstantArrayLayer's output (one example, not a batch).
    func isConstantArray(_ s: Edge.Source) -> Bool {
        guard case .node(let i) = s, case .layer(let l) = layers[i], case .constantArray = l.kind else { return false }
        return true
    }
}

/// Pad read by something other than a Conv.
extension ONNXImporter {
    /// Pad of the axes after the batch: a PaddingLayer with ONNX's mode (constant, reflect,
    /// edge, wrap as a value, "Reflected", "Fixed", "Periodic").
    mutating func padding(_ n: Onnx_NodeProto, _ s: Edge.Source) throws {
        guard n.input.count < 4 || n.input[3].isEmpty else { throw Self.unsupported(n, "axes") }
        guard let pads = try integers(n, attribute: "pads", input: 1), pads.count >= 2, pads.count % 2 == 0, pads.count <= 130 else {
            throw Self.unsupported(n, "pads that are not constant pairs per axis")
        }
        let rank = pads.count / 2
        guard pads[0] == 0, pads[rank] == 0, pads.allSatisfy({ $0 >= 0 && $0 <= PaddingSpec.maxMargin }) else {
            throw Self.unsupported(n, "pads \(pads) that pad the batch or crop")
        }
        let fill: PaddingSpec.Fill
        switch string(n, "mode") ?? "constant" {
        case "constant": fill = .value(Float(try constant(n, 2).flatMap { try scalarValue($0) } ?? Double(float(n, "value", 0))))
        case "reflect": fill = .reflected
        case "edge": fill = .fixed
        case "wrap": fill = .periodic
        case let mode: throw Self.unsupported(n, "the mode \(mode)")
        }
        var margins = (1..<rank).map { [pads[$0], pads[rank + $0]] }
        while margins.count > 1, margins.last == [0, 0] { margins.removeLast() }
        try add(.padding(PaddingSpec(margins: margins, fill: fill)), n, [s])
    }
}

/// Writing PaddingLayer.
extension ONNXExporter {
    /// A PaddingLayer as Pad (opset 13: constant, reflect and edge; "Periodic" needs opset 19's wrap).
    mutating func padding(_ spec: PaddingSpec, _ l: Layer, name: String, _ x: String) throws -> String {
        guard let rank = (l.inputs.first ?? nil)?.count else { throw NetError("onnx", "layer \(name) needs a known input shape to export") }
        var before = [Int](repeating: 0, count: rank + 1), after = before
        for (k, m) in spec.margins.enumerated() { (before[k + 1], after[k + 1]) = (m[0], m[1]) }
        let pads = integers(before + after, name + "/pads")
        switch spec.fill {
        case .value(let v): return node("Pad", [x, pads, scalar(v, name + "/value")], name: name, [Self.attr("mode", string: "constant")])
        case .reflected: return node("Pad", [x, pads], name: name, [Self.attr("mode", string: "reflect")])
        case .fixed: return node("Pad", [x, pads], name: name, [Self.attr("mode", string: "edge")])
        case .periodic: throw NetError("onnx", "layer \(name) pads periodically, which ONNX writes only from opset 19 (nets writes 13 and 17)")
        }
    }
}
