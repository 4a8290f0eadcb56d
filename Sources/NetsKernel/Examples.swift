import CoreKernel
import Language
import Nets

/// Labelled examples, read from every data form the learning functions take: NetTrain,
/// Classify, Predict, ClassifierMeasurements and the rest parse their data here and nowhere else.
///
/// - `{x1 -> y1, x2 -> y2, ...}`
/// - `{x1, x2, ...} -> {y1, y2, ...}`
/// - `<|y1 -> {x...}, y2 -> {x...}, ...|>` (examples grouped by class) and its `Normal`,
///   `{y1 -> {x...}, ...}`, when the groups are recognisable (see `init`)
/// - `<|"Input" -> {x...}, "Output" -> {y...}|>` and `{<|"Input" -> x, "Output" -> y|>, ...}`
package struct Examples {
    package private(set) var inputs: [Expr] = []
    package private(set) var outputs: [Expr] = []

    package var count: Int { inputs.count }
    package var isEmpty: Bool { inputs.isEmpty }
    package var pairs: [(Expr, Expr)] { Array(zip(inputs, outputs)) }

    /// What the outputs are called in messages ("class", "value", "output").
    package let noun: String

    /// Parses data. Examples grouped by class are recognised by `classes` when it is given (the
    /// keys of a net's class decoder); otherwise `{y -> {x...}, ...}` counts as grouped when it has
    /// few distinct, non-list keys, each with a list of more than one non-numeric example.
    package init(_ data: Expr, noun: String, classes: Set<String>? = nil) throws {
        self.noun = noun
        if case .association(let a) = data {
            if let ins = a.entries[.string("Input")], let outs = a.entries[.string("Output")] {
                try zipLists(ins, outs)
                return
            }
            for (k, v) in a.entries {
                guard let items = v.listItems else { throw error("the examples of \(noun) \(short(k)) are not a list") }
                append(items, k)
            }
            return
        }
        if data.hasHead(Sym.Rule), data.args.count == 2, data.args[0].listItems != nil, data.args[1].listItems != nil {
            try zipLists(data.args[0], data.args[1])
            return
        }
        guard let items = data.listItems else { throw error(usage) }
        if items.allSatisfy(isRule) {
            let rules = items.map { ($0.args[0], $0.args[1]) }
            if Examples.grouped(rules, classes) {
                for (k, v) in rules { append(v.listItems ?? [], k) }
            } else {
                inputs = rules.map(\.0)
                outputs = rules.map(\.1)
            }
            return
        }
        for item in items {
            guard case .association(let a) = item, let i = a.entries[.string("Input")], let o = a.entries[.string("Output")] else {
                throw error(usage)
            }
            inputs.append(i)
            outputs.append(o)
        }
    }

    /// The accepted forms, for the message when data has none of them.
    private var usage: String {
        "the data must be {example -> \(noun), ...}, {examples} -> {\(nouns)} or <|\(noun) -> {examples}, ...|>"
    }

    private var nouns: String { noun.hasSuffix("s") ? noun + "es" : noun + "s" }

    private func error(_ text: String) -> NetError { NetError("data", text) }

    private mutating func zipLists(_ ins: Expr, _ outs: Expr) throws {
        guard let xs = ins.listItems, let ys = outs.listItems else { throw error(usage) }
        guard xs.count == ys.count else { throw error("\(xs.count) examples but \(ys.count) \(nouns)") }
        inputs = xs
        outputs = ys
    }

    private mutating func append(_ xs: [Expr], _ y: Expr) {
        inputs += xs
        outputs += Array(repeating: y, count: xs.count)
    }

    private static func grouped(_ rules: [(Expr, Expr)], _ classes: Set<String>?) -> Bool {
        guard !rules.isEmpty, rules.allSatisfy({ $0.1.listItems != nil }) else { return false }
        if let classes { return rules.allSatisfy { classes.contains(labelKey($0.0)) } }
        return rules.count <= 50
            && rules.allSatisfy { r in r.0.listItems == nil && (r.1.listItems?.count ?? 0) > 1 && !(r.1.listItems ?? []).allSatisfy(\.isNumber) }
            && Set(rules.map(\.0)).count == rules.count
    }

    /// The outputs as numbers, for predictors; a non-numeric one throws.
    package func numericOutputs() throws -> [Double] {
        try outputs.map { y in
            guard let v = y.doubleValue else { throw error("the \(noun) \(short(y)) is not a number") }
            return v
        }
    }
}

private func isRule(_ e: Expr) -> Bool { e.hasHead(Sym.Rule) && e.args.count == 2 }

/// What one example looks like to a function that takes examples, so `f[x]` and `f[{x...}]` are
/// told apart the same way by nets, classifiers and predictors.
package enum ExampleKind {
    /// An image (or `File[...]`).
    case image
    /// One of these class keys.
    case label(Set<String>)
    /// A string.
    case text
    /// A numeric array of this shape (nil: unknown, then any non-list is one example).
    case array(Shape?)
    /// A sequence of any length of arrays of this shape.
    case sequence(Shape)
    /// A flat feature vector of this width (width 1: a number), or several columns of features.
    case features(width: Int, columns: Int)

    /// Whether x is one example rather than a list of examples.
    package func isSingle(_ x: Expr) -> Bool {
        switch self {
        case .image:
            return x.asImage != nil || x.hasHead(Symbol.intern("File"))
        case .label(let keys):
            return keys.contains(labelKey(x))
        case .text:
            return x.asString != nil
        case .sequence(let element):
            return x.asTensor.map { $0.rank == element.count + 1 } ?? false
        case .array(let shape):
            guard let shape else { return true }
            if let t = x.asTensor { return t.shape == shape || Array(t.shape.dropFirst()) != shape }
            return x.listItems == nil
        case .features(let width, let columns):
            guard let items = x.listItems else { return true }
            if columns == 1 { return width > 1 && items.count == width && items.allSatisfy(\.isNumber) }
            return items.count == columns && !items.allSatisfy { $0.listItems != nil || $0.asAssociation != nil }
        }
    }
}

extension Net {
    /// What one example at the net's input looks like.
    package var exampleKind: ExampleKind {
        switch encoder {
        case .image?: return .image
        case .classes(let labels)?, .classVectors(let labels)?: return .label(Set(labels.map(\.key)))
        case .text?: return .text
        case .sequence(let element)?: return .sequence(element)
        case nil: return .array(inputs.first ?? nil)
        }
    }
}
