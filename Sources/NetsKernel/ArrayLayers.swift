import CoreKernel
import Language
import Nets

/// One level's part spec as `Part` writes it: `i`, `i;;j`, `i;;j;;k`, `i;;` (to the end), a list
/// of positions, or `All`.
func partSpec(_ e: Expr) throws -> PartSpec {
    if let i = e.intValue { return .element(i) }
    if e.isSymbol(Sym.All) { return .all }
    if let items = e.listItems {
        let positions = items.compactMap(\.intValue)
        guard positions.count == items.count, !positions.isEmpty else { throw NetError("invspec", "\(InputForm.string(e)) is not a list of positions") }
        return .elements(positions)
    }
    if e.hasHead(Sym.Span), (2...3).contains(e.args.count), let from = e.args[0].intValue {
        let step = e.args.count == 3 ? e.args[2].intValue : 1
        guard let step else { throw NetError("invspec", "the step of \(InputForm.string(e)) is not an integer") }
        if e.args[1].isSymbol(Sym.All) { return .span(from: from, to: nil, step: step) }
        guard let to = e.args[1].intValue else { throw NetError("invspec", "\(InputForm.string(e)) is not a span of positions") }
        return .span(from: from, to: to, step: step)
    }
    throw NetError("invspec", "\(InputForm.string(e)) is not a part specification (a position, a span, a list of positions or All)")
}

/// One level's new length in `ResizeLayer[{d1, ...}]`: `n`, `Scaled[r]` or `All`.
func resizeDimension(_ e: Expr) throws -> ResizeSpec.Dimension {
    if let n = e.intValue, n > 0 { return .size(n) }
    if e.isSymbol(Sym.All) { return .all }
    if e.hasHead(Symbol.intern("Scaled")), e.args.count == 1, let r = e.args[0].doubleValue, r > 0 { return .scaled(r) }
    throw NetError("invspec", "\(InputForm.string(e)) is not a size: give a positive integer, Scaled[r] or All")
}

extension Kernel {
    /// Layers that take parts of arrays or resample them.
    static var arrayLayerBuiltins: [Builtin] {
        [
            Builtin("PartLayer", [], usage: "PartLayer[i] takes the i-th element of its input (negative i counts from the end); PartLayer[i;;j;;k] a span of elements; PartLayer[{spec1, spec2, ...}] takes spec_k at level k, as Part does (All keeps a level, a list of positions picks several).",
                    examples: [("PartLayer[2][{1., 2., 3.}]", "2."),
                               ("PartLayer[{All, 1}][{{1., 2.}, {3., 4.}}]", "{1., 3.}"),
                               ("PartLayer[-2;;][{1., 2., 3.}]", "{2., 3.}"),
                               ("Information[PartLayer[{1;;2, -1}, \"Input\" -> {3, 4, 5}], \"OutputPorts\"]", "<|Output -> {2, 5}|>")]) { c in
                guard var a = LayerArguments(c, maxPositional: 1) else { return .failed }
                return a.build { a in
                    guard let spec = a.positional.first else { throw NetError("invspec", "PartLayer needs a part specification") }
                    // {spec1, spec2, ...}: one spec per level (a list of positions at a level is {{1, 3}}).
                    return .part(try (spec.listItems ?? [spec]).map(partSpec))
                }
            },
            Builtin("ResizeLayer", [], usage: "ResizeLayer[{d}] resamples the second level of a matrix to length d; ResizeLayer[{h, w}] resamples the height and width of each channel of an image-like array. A size is n, Scaled[r] or All. Options Resampling (\"Linear\" by default, or \"Nearest\"), \"Scheme\" (\"Point\" puts the end samples on the end values, \"Bin\" treats values as bin centres; Automatic is Point for Linear, Bin for Nearest), Interleaving (True: channels last).",
                    examples: [("ResizeLayer[{3}][{{0., 2.}}]", "{{0., 1., 2.}}"),
                               ("ResizeLayer[{Scaled[2]}, Resampling -> \"Nearest\"][{{1., 2.}}]", "{{1., 1., 2., 2.}}"),
                               ("Information[ResizeLayer[{Scaled[2], 10}, \"Input\" -> {3, 4, 5}], \"OutputPorts\"]", "<|Output -> {3, 8, 10}|>")]) { c in
                guard var a = LayerArguments(c, maxPositional: 1) else { return .failed }
                return a.build { a in
                    guard let dims = a.positional.first?.listItems, !dims.isEmpty else {
                        throw NetError("invspec", "ResizeLayer needs a list of sizes {d1, ...}")
                    }
                    let resampling = try a.take("Resampling").map { e -> ResizeSpec.Resampling in
                        if e.isSymbol(Sym.Automatic) { return .linear }
                        guard let r = e.asString.flatMap(ResizeSpec.Resampling.init(rawValue:)) else {
                            throw NetError("invspec", "Resampling must be \"Linear\" or \"Nearest\", not \(InputForm.string(e))")
                        }
                        return r
                    } ?? .linear
                    let scheme = try a.take("Scheme").flatMap { e -> ResizeSpec.Scheme? in
                        if e.isSymbol(Sym.Automatic) { return nil }
                        guard let s = e.asString.flatMap(ResizeSpec.Scheme.init(rawValue:)) else {
                            throw NetError("invspec", "\"Scheme\" must be \"Point\" or \"Bin\", not \(InputForm.string(e))")
                        }
                        return s
                    }
                    let interleaving = a.take("Interleaving")?.isSymbol(Sym.True) ?? false
                    return .resize(ResizeSpec(dimensions: try dims.map(resizeDimension), resampling: resampling, scheme: scheme, interleaving: interleaving))
                }
            },
            Builtin("PaddingLayer", [], usage: "PaddingLayer[{{m1, n1}, {m2, n2}, ...}] pads level k of its input with m_k elements before and n_k after (later levels unpadded). Option \"Padding\": a number (0 by default), \"Fixed\" (the edge element repeated), \"Reflected\" (mirrored about the edge) or \"Periodic\" (the array repeated).",
                    examples: [("PaddingLayer[{{1, 2}}][{1., 2.}]", "{0., 1., 2., 0., 0.}"),
                               ("PaddingLayer[{{0, 0}, {2, 1}}, \"Padding\" -> \"Reflected\"][{{1., 2., 3.}}]", "{{3., 2., 1., 2., 3., 2.}}"),
                               ("PaddingLayer[{{1, 1}}, \"Padding\" -> \"Periodic\"][{1., 2., 3.}]", "{3., 1., 2., 3., 1.}")]) { c in
                guard var a = LayerArguments(c, maxPositional: 1) else { return .failed }
                return a.build { a in
                    guard let items = a.positional.first?.listItems else { throw NetError("invspec", "PaddingLayer needs margins {{before, after}, ...}") }
                    let margins = try items.map { e -> [Int] in
                        guard let pair = e.listItems, pair.count == 2, let m = pair[0].intValue, let n = pair[1].intValue else {
                            throw NetError("invspec", "\(InputForm.string(e)) is not a pair of margins {before, after}")
                        }
                        return [m, n]
                    }
                    var fill = PaddingSpec.Fill.value(0)
                    if let p = a.take("Padding") {
                        switch p.asString {
                        case "Fixed"?: fill = .fixed
                        case "Reflected"?: fill = .reflected
                        case "Periodic"?: fill = .periodic
                        default:
                            guard let v = p.doubleValue else {
                                throw NetError("invspec", "\"Padding\" must be a number, \"Fixed\", \"Reflected\" or \"Periodic\", not \(InputForm.string(p))")
                            }
                            fill = .value(Float(v))
                        }
                    }
                    return .padding(PaddingSpec(margins: margins, fill: fill))
                }
            },
            Builtin("ConstantArrayLayer", [], usage: "ConstantArrayLayer[] has no input and outputs a learned array (\"Array\"); ConstantArrayLayer[\"Array\" -> a] starts from a, ConstantArrayLayer[\"Output\" -> dims] gives its dimensions. In a NetGraph it is combined with the data by a ThreadingLayer, which replicates it over the batch.",
                    examples: [("ConstantArrayLayer[\"Array\" -> {1., 2.}][]", "{1., 2.}"),
                               ("NetGraph[{ConstantArrayLayer[\"Array\" -> {10., 20.}], ThreadingLayer[Plus, Automatic]}, {{NetPort[\"Input\"], 1} -> 2}, \"Input\" -> 2][{1., 2.}]", "{11., 22.}")]) { c in
                guard var a = LayerArguments(c, maxPositional: 1) else { return .failed }
                var dims: Shape?
                if let d = a.positional.first {
                    guard let items = d.listItems ?? (d.intValue.map { [Expr.integer($0)] }), let ds = Optional(items.compactMap(\.intValue)),
                          ds.count == items.count, ds.allSatisfy({ $0 > 0 }) else {
                        c.message("invspec", text: "ConstantArrayLayer's dimensions should be a list of positive integers, not \(InputForm.string(d)).")
                        return .failed
                    }
                    dims = ds
                }
                return a.build(.constantArray(dims))
            },
        ]
    }
}
