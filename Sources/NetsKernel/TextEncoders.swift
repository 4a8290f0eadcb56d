import CoreKernel
import Language
import Nets
import Tensor

/// `NetEncoder[{"Characters", table, form, params}]` and `NetEncoder[{"Tokens", tokens, params}]`:
/// the table is a string of characters or a list of strings (characters, or tokens), Automatic
/// or absent for the ASCII characters; the form "Index" (default) or "UnitVector"; parameters
/// "IgnoreCase" (False for characters, True for tokens) and "TargetLength" (All or n).
func textEncoderSpec(_ kind: String, _ rest: [Expr]) throws -> TextEncoder {
    let encoderKind: TextEncoder.Kind = kind == "Tokens" ? .tokens : .characters
    var options: [String: Expr] = [:]
    var positional: [Expr] = []
    for r in rest { if isOptionRule(r) { collectOptions(r, into: &options) } else { positional.append(r) } }
    var vocabulary = TextEncoder.asciiCharacters
    if let table = positional.first, !table.isSymbol(Sym.Automatic) {
        if let s = table.asString {
            vocabulary = encoderKind == .characters ? s.map(String.init) : TextEncoder.tokens(s)
        } else if let items = table.listItems {
            vocabulary = try items.flatMap { item -> [String] in
                guard let s = item.asString else { throw NetError("invspec", "\(InputForm.string(item)) is not a string") }
                return encoderKind == .characters && s.count != 1 ? s.map(String.init) : [s]
            }
        } else {
            throw NetError("invspec", "the \(kind) encoder needs a string or a list of strings, not \(InputForm.string(table))")
        }
    } else if encoderKind == .tokens {
        throw NetError("invspec", "a \"Tokens\" encoder needs its list of tokens (no built-in English vocabulary is available)")
    }
    var form = TextEncoder.Form.index
    if positional.count > 1 {
        guard let f = positional[1].asString.flatMap(TextEncoder.Form.init(rawValue:)) else {
            throw NetError("invspec", "the form must be \"Index\" or \"UnitVector\", not \(InputForm.string(positional[1]))")
        }
        form = f
    }
    guard positional.count <= 2 else { throw NetError("invspec", "a \(kind) encoder takes a table, a form and parameters") }
    var ignoreCase = encoderKind == .tokens
    if let v = options.removeValue(forKey: "IgnoreCase") {
        guard v.isSymbol(Sym.True) || v.isSymbol(Sym.False) else { throw NetError("invspec", "\"IgnoreCase\" must be True or False") }
        ignoreCase = v.isTrue
    }
    var length: Int?
    if let v = options.removeValue(forKey: "TargetLength"), !v.isSymbol(Sym.All) {
        guard let n = v.intValue, n > 0 else { throw NetError("invspec", "\"TargetLength\" must be a positive integer or All") }
        length = n
    }
    if let (name, _) = options.first { throw NetError("optx", "unknown parameter \(quoted(name)) for a \(kind) encoder") }
    if ignoreCase { vocabulary = uniqued(vocabulary.map { $0.lowercased() }) }
    return try TextEncoder(kind: encoderKind, vocabulary: vocabulary, form: form, ignoreCase: ignoreCase, targetLength: length)
}

/// The strings in their first order, each once.
private func uniqued(_ xs: [String]) -> [String] {
    var seen = Set<String>()
    return xs.filter { seen.insert($0).inserted }
}

/// An EmbeddingLayer at the start of a chain that does not know how many indices it embeds
/// learns it from the chain's encoder.
func embeddingSized(by encoder: Encoder?, _ nodes: [Net]) throws -> [Net] {
    guard let count = encoder?.indexCount, case .layer(var first)? = nodes.first,
          case .embedding(let size, nil) = first.kind else { return nodes }
    first = try Layer(.embedding(size: size, vocabulary: count), arrays: first.arrays)
    return [.layer(first)] + nodes.dropFirst()
}

/// Sequences {T_i, ...} padded with the value 1 (a valid index, never read: each batch is cut
/// to its examples' length) to the longest, with their lengths.
func paddedSequences(_ xs: [Tensor]) throws -> ([Tensor], [Int]) {
    let lengths = xs.map { $0.shape.first ?? 1 }
    let longest = lengths.max() ?? 1
    let padded = try xs.map { x -> Tensor in
        guard let t = x.shape.first, t < longest else { return x }
        let width = x.count / Swift.max(t, 1)
        return try Tensor(shape: [longest] + x.shape.dropFirst(), values: x.values + Array(repeating: 1, count: (longest - t) * width))
    }
    return (padded, lengths)
}

extension Net {
    /// The net with its missing arrays initialized, for a net whose input is a text sequence of
    /// varying length and whose shapes are therefore still open: the arrays are made for a
    /// nominal length (they do not depend on it) and the shapes stay open.
    func initializedForAnyLength(all: Bool, generator: inout SeededGenerator) throws -> Net {
        let nominal: Shape
        switch encoder {
        case .text(let t)? where hasVaryingLength: nominal = t.form == .index ? [8] : [8, t.count]
        case .sequence(let element)?: nominal = [8] + element
        default: return try initialized(all: all, generator: &generator)
        }
        guard (inputs.first ?? nil) == nil else { return try initialized(all: all, generator: &generator) }
        var sized = self
        _ = try sized.constrain(inputs: [nominal], output: nil)
        let filled = try sized.initialized(all: all, generator: &generator)
        return try mapLayers { path, layer in
            guard case .layer(let l)? = filled.part(path) else { return layer }
            var out = layer
            out.arrays = l.arrays
            return out
        }
    }
}
