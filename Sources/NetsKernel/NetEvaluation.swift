import Foundation
import CoreKernel
import Imaging
import Language
import Nets
import OrderedCollections
import Tensor

/// One example as the array the net's input takes, through its encoder.
func encodeExample(_ x: Expr, _ encoder: Encoder?, _ c: Call) throws -> Tensor {
    switch encoder {
    case .image(let e)?:
        return try e.encode(try imageArgument(x))
    case .classes(let labels)?:
        return Tensor(scalar: Float(try classIndex(x, labels)))
    case .classVectors(let labels)?:
        var v = [Float](repeating: 0, count: labels.count)
        v[try classIndex(x, labels) - 1] = 1
        return try Tensor(shape: [labels.count], values: v)
    case .text(let t)?:
        guard let s = x.asString else { throw NetError("netinput", "the input \(short(x)) is not a string") }
        return try t.encode(s)
    case .sequence(let element)?:
        guard let t = x.asTensor, t.rank == element.count + 1, Array(t.shape.dropFirst()) == element, t.shape[0] > 0 else {
            throw NetError("netinput", "the input \(short(x)) is not a non-empty sequence of \(element.isEmpty ? "numbers" : describe(element) + "s")")
        }
        return t
    case nil:
        guard let t = x.asTensor else { throw NetError("netinput", "the input \(short(x)) is not a numeric array") }
        return t
    }
}

extension Net {
    /// Whether the input is a sequence whose length varies from example to example (a text
    /// encoder without "TargetLength"): the net's layers then run on whatever length comes.
    var hasVaryingLength: Bool {
        if case .text(let t)? = encoder { return t.targetLength == nil }
        if case .sequence? = encoder { return true }
        return false
    }
}

/// The 1-based position of a class among the labels.
private func classIndex(_ x: Expr, _ labels: [ClassLabel]) throws -> Int {
    guard let k = labels.firstIndex(of: classLabel(x)) else { throw NetError("netinput", "the input \(InputForm.string(x)) is not one of the classes \(labels.map(\.key).joined(separator: ", "))") }
    return k + 1
}

/// An image from an Image value or a `File["path"]`.
func imageArgument(_ x: Expr) throws -> Image {
    if let im = x.asImage { return im }
    if x.hasHead(Symbol.intern("File")), let p = x.args.first?.asString {
        return try Image.decode(readBytes(expandPath(p)))
    }
    throw NetError("netinput", "the input \(short(x)) is not an image")
}

package func readBytes(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { throw NetError("nffil", "cannot read the file \(quoted(path))") }
    return [UInt8](data)
}


/// `net[x]`, `net[{x...}]`, `net[x, prop]` with `BatchSize`.
/// A layer of several unnamed inputs applied to a list of arrays takes them as its inputs, one
/// example: `TotalLayer[][{a, b}]`, `ThreadingLayer[Times][{a, b, c}]`, `CatenateLayer[][{a, b}]`.
func evaluateOnInputs(_ net: Net, _ x: Expr) throws -> Expr? {
    guard case .layer(let l) = net, l.kind.inputPortNames == nil, let items = x.listItems, items.count >= 2 else { return nil }
    let variadic: Bool
    switch l.kind {
    case .total, .catenate, .catenateAt: variadic = true
    case .threading(let spec): variadic = !spec.function.isBinary
    default: variadic = false
    }
    guard variadic || l.inputs.count == items.count, l.inputs.count > 1 || variadic else { return nil }
    let arrays = items.compactMap(\.asTensor)
    guard arrays.count == items.count else { return nil }
    var layer = try Layer(l.kind, arrays: l.arrays, inputCount: items.count)
    _ = try layer.constrain(inputs: arrays.map(\.shape), output: nil)
    let y = try Net.layer(layer).forward(try arrays.map { try $0.reshaped([1] + $0.shape) })
    return exprFromTensor(try y.reshaped(Array(y.shape.dropFirst())))
}

package func evaluateNet(_ value: NetValue, _ c: Call) throws -> Expr? {
    let pos = c.positional
    if pos.isEmpty, case .layer(let l) = value.net, l.inputs.isEmpty {
        // A layer without inputs (ConstantArrayLayer) gives its output.
        guard l.isInitialized else { throw NetError("netuninit", "the layer has uninitialized arrays; initialize it with NetInitialize") }
        let y = try value.net.forward([])
        return exprFromTensor(try y.reshaped(Array(y.shape.dropFirst())))
    }
    guard pos.count == 1 || pos.count == 2 else { return nil }
    var net = value.net
    var plan = value.plan
    var constrained = false
    let x = pos[0]
    let prop = pos.count == 2 ? pos[1] : nil
    if let y = try evaluateOnInputs(net, x) { return y }
    if net.inputs.count != 1 { return try evaluatePorts(net, x, c) }
    // A net whose input size is still open takes it from the data.
    if net.encoder == nil, (net.inputs.first ?? nil) == nil, let t = x.asTensor {
        _ = try net.constrain(inputs: [t.shape], output: nil)
        plan = nil
        constrained = true
    }
    guard constrained ? net.isInitialized : value.isInitialized else {
        throw NetError("netuninit", "the net has uninitialized arrays; initialize it with NetInitialize or train it with NetTrain")
    }
    // A packed batch (NumericArray or nested lists) goes through in slices, without
    // splitting it into examples.
    if net.encoder == nil, let shape = net.inputs.first ?? nil, let t = x.asTensor, Array(t.shape.dropFirst()) == shape, t.rank > shape.count {
        var batchSize = 32
        if let b = c.options(from: pos.count)["BatchSize"]?.intValue, b > 0 { batchSize = b }
        var parts: [Tensor] = []
        var start = 0
        while start < t.shape[0] {
            let end = Swift.min(start + batchSize, t.shape[0])
            let chunk = start == 0 && end == t.shape[0] ? t : try t.slice(start..<end)
            parts.append(try interruptibly(c) { try plan?.run(chunk, stop: c.evaluator.interrupt.stopper) ?? net.forward([chunk]) })
            start += batchSize
            try c.evaluator.checkInterrupt()
        }
        let y = try Tensor.concatenate(parts)
        if let d = net.decoder {
            let per = y.count / Swift.max(t.shape[0], 1), v = y.values
            return .list(try (0..<t.shape[0]).map { i in
                try decode(Tensor(shape: Array(y.shape.dropFirst()), values: Array(v[(i * per)..<((i + 1) * per)])), d, prop)
            })
        }
        return exprFromTensor(y)
    }
    let single = net.exampleKind.isSingle(x)
    let examples = single ? [x] : (x.listItems ?? [x])
    if examples.isEmpty { return .list([]) }
    var batchSize = 32
    let opts = c.options(from: pos.count)
    if let b = opts["BatchSize"] {
        guard let k = b.intValue, k > 0 else { throw NetError("batchsize", "BatchSize must be a positive integer") }
        batchSize = k
    }
    let expected = net.inputs.first ?? nil
    var outputs: [Expr] = []
    var start = 0
    while start < examples.count {
        let chunk = examples[start..<Swift.min(start + batchSize, examples.count)]
        let arrays = try chunk.map { try encodeExample($0, net.encoder, c) }
        if let expected, !net.hasVaryingLength, let a = arrays.first(where: { $0.shape != expected }) {
            throw NetError("netinput", "the input is \(describe(a.shape)), but the net takes \(describe(expected))")
        }
        // Sequences of different lengths run padded and masked when the net allows (sequence
        // outputs cut back to each example's length), otherwise one at a time.
        let same = arrays.allSatisfy({ $0.shape == arrays[0].shape }), flow = net.maskedFlow
        let padded = same || flow == nil ? nil : try paddedSequences(arrays)
        let batches = padded.map { [$0.0] } ?? (same ? [arrays] : arrays.map { [$0] })
        for part in batches {
            let batch = try Tensor.concatenate(part.map { try $0.reshaped([1] + $0.shape) })
            let y = try interruptibly(c) {
                try padded.map { p in try SequenceMask.$lengths.withValue(p.1) { try net.forward([batch]) } }
                    ?? plan?.run(batch, stop: c.evaluator.interrupt.stopper) ?? net.forward([batch])
            }
            let per = y.count / Swift.max(part.count, 1)
            let shape = Array(y.shape.dropFirst())
            let values = y.values
            for i in 0..<part.count {
                var t = try Tensor(shape: shape, values: Array(values[(i * per)..<((i + 1) * per)]))
                if flow == .sequence, let length = padded?.1[i], let steps = shape.first, length < steps {
                    t = try Tensor(shape: [length] + shape.dropFirst(), values: Array(t.values[0..<(length * (per / Swift.max(steps, 1)))]))
                }
                outputs.append(try net.decoder.map { try decode(t, $0, prop) } ?? exprFromTensor(t))
            }
        }
        start += batchSize
        try c.evaluator.checkInterrupt()
    }
    return single ? outputs[0] : .list(outputs)
}

/// Runs native work that may stop early at an interrupt: an error it ends with is the abort
/// when an interrupt is pending (so the result is `$Aborted`, not a message and `$Failed`).
func interruptibly<T>(_ c: Call, _ body: () throws -> T) throws -> T {
    do { return try body() } catch {
        try c.evaluator.checkInterrupt()
        throw error
    }
}

extension InterruptFlag {
    /// The flag as a question native code can ask from any thread.
    var stopper: @Sendable () -> Bool { { [self] in isSet } }
}

/// A class decoder's properties of one probability vector.
package func decode(_ t: Tensor, _ decoder: Decoder, _ prop: Expr?) throws -> Expr {
    guard case .classes(let classes) = decoder else { return exprFromTensor(t) }
    let p = t.values.map(Double.init)
    guard p.count == classes.count else { throw NetError("netoutput", "the decoder has \(classes.count) classes, but the net gives \(p.count) values") }
    let labels = classes.map(labelValue)
    let ranked = p.indices.sorted { p[$0] > p[$1] }
    let property = prop ?? .string("Decision")
    if property.isSymbol(Sym.None) { return exprFromTensor(t) }
    if let name = property.asString {
        switch name {
        case "Decision": return labels[ranked[0]]
        case "Probabilities":
            return .association(OrderedDictionary(zip(labels, p.map(Expr.real)), uniquingKeysWith: { a, _ in a }))
        case "TopProbabilities":
            let top = ranked.filter { p[$0] >= 0.1 }.prefix(5)
            return .list((top.isEmpty ? [ranked[0]] : Array(top)).map { .rule(labels[$0], .real(p[$0])) })
        case "TopDecisions":
            return .list(ranked.prefix(5).map { labels[$0] })
        case "Entropy":
            return .real(-p.reduce(0) { $0 + ($1 > 0 ? $1 * Foundation.log($1) : 0) })
        default: break
        }
    }
    if let items = property.listItems, items.count == 2, let name = items[0].asString {
        switch name {
        case "TopProbabilities", "TopDecisions":
            guard let n = items[1].intValue, n > 0 else { break }
            let top = ranked.prefix(n)
            return .list(top.map { name == "TopDecisions" ? labels[$0] : .rule(labels[$0], .real(p[$0])) })
        case "Probability":
            guard let k = classes.firstIndex(of: classLabel(items[1])) else {
                throw NetError("netoutput", "the class \(InputForm.string(items[1])) is not one of the classes")
            }
            return .real(p[k])
        default: break
        }
    }
    throw NetError("netprop", "\(InputForm.string(property)) is not a property of a class decoder; use \"Decision\", \"Probabilities\", \"TopProbabilities\", {\"TopProbabilities\", n}, {\"TopDecisions\", n}, {\"Probability\", class}, \"Entropy\" or None")
}
