import CoreKernel
import Language
import Nets
import Tensor

extension Net {
    /// The names of the input ports: a layer's own ("Key", "Value", "Query"), a graph's, or
    /// "Input" for a net of one input.
    var inputPortNames: [String] {
        switch self {
        case .layer(let l): return l.kind.inputPortNames ?? (l.inputs.count == 1 ? ["Input"] : l.inputs.indices.map { "Input\($0 + 1)" })
        case .chain: return ["Input"]
        case .graph(let g): return g.inputNames
        }
    }
}

/// `net[<|"port" -> x, ...|>]` for a net of several inputs (an AttentionLayer), or a list of
/// such associations: each example runs alone, its arrays through no encoder.
func evaluatePorts(_ net: Net, _ x: Expr, _ c: Call) throws -> Expr {
    guard net.isInitialized else {
        throw NetError("netuninit", "the net has uninitialized arrays; initialize it with NetInitialize or train it with NetTrain")
    }
    let names = net.inputPortNames
    func one(_ example: Expr) throws -> Expr {
        guard let a = example.asAssociation else {
            throw NetError("netinput", "the net takes \(names.map(quoted).joined(separator: ", ")); give them as an association")
        }
        let xs = try names.enumerated().map { i, name -> Tensor in
            guard let v = a.entries[.string(name)] else { throw NetError("netinput", "the input port \(quoted(name)) is missing") }
            guard let t = v.asTensor else { throw NetError("netinput", "the input to port \(quoted(name)) is not a numeric array") }
            if let expected = net.inputs[i], expected != t.shape {
                throw NetError("netinput", "port \(quoted(name)) takes \(describe(expected)), not \(describe(t.shape))")
            }
            return try t.reshaped([1] + t.shape)
        }
        let y = try net.forward(xs)
        return exprFromTensor(try y.reshaped(Array(y.shape.dropFirst())))
    }
    if x.asAssociation != nil { return try one(x) }
    guard let items = x.listItems else { return try one(x) }
    return .list(try items.map { item in
        try c.evaluator.checkInterrupt()
        return try one(item)
    })
}
