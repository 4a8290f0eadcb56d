import CoreKernel
import Foundation
import Language
import Learn
import Nets
import NetsKernel

/// How examples become numeric vectors for the unsupervised methods: numbers and vectors as
/// they are; texts as TF-IDF bags of words (lower-cased words, scikit-learn's smoothed idf, rows
/// of unit length); anything else (nominal values, mixed lists, associations, Missing[]) through
/// the classifiers' feature encoders (one-hot, missing values as the mean).
final class VectorEncoder {
    enum Kind {
        case numeric(width: Int)
        case words(TextVocabulary)
        case features(FeaturePipeline)
    }

    let kind: Kind

    init(learning xs: [Expr], texts: Bool = false) throws {
        guard !xs.isEmpty else { throw LearnError("data", "there are no examples") }
        let numeric = xs.map(FeaturePipeline.numeric)
        if let w = numeric.first??.count, numeric.allSatisfy({ $0?.count == w }) {
            kind = .numeric(width: w)
        } else if xs.allSatisfy({ $0.asString != nil }), texts || TextVocabulary.areTexts(xs.compactMap(\.asString)) {
            let vocabulary = TextVocabulary(learning: xs.compactMap(\.asString))
            guard !vocabulary.words.isEmpty else { throw LearnError("data", "the texts have no words") }
            kind = .words(vocabulary)
        } else {
            let p = FeaturePipeline(extractor: nil)
            try p.learn(xs)
            kind = .features(p)
        }
    }

    var width: Int {
        switch kind {
        case .numeric(let w): return w
        case .words(let v): return v.words.count
        case .features(let p): return p.columns.reduce(0) { $0 + $1.width }
        }
    }

    /// Whether x is one example rather than a list of them.
    func isSingle(_ x: Expr) -> Bool {
        switch kind {
        case .numeric(let w): return FeaturePipeline.numeric(x)?.count == w && !(w == 1 && x.listItems != nil && x.listItems?.first?.listItems == nil && x.listItems?.count != 1)
        case .words: return x.asString != nil
        case .features(let p): return p.exampleKind.isSingle(x)
        }
    }

    func encode(_ x: Expr) throws -> [Double] {
        switch kind {
        case .numeric(let w):
            guard let v = FeaturePipeline.numeric(x), v.count == w else { throw LearnError("data", "\(short(x)) is not a vector of length \(w)") }
            return v
        case .words(let vocabulary):
            guard let s = x.asString else { throw LearnError("data", "\(short(x)) is not a text") }
            return vocabulary.encode(s)
        case .features(let p): return try p.encode(x)
        }
    }
}

/// A trained dimension reducer as a value of the language.
final class ReducerValue: NativeValue, CallableValue {
    enum Model {
        case linear(LinearReducer)
        case isomap(Isomap)
        /// t-SNE has no map for new data: a new example is placed at the inverse-distance-weighted
        /// mean of its 3 nearest training examples' positions.
        case tsne(training: [[Double]], embedding: [[Double]])
        case umap(UMAP)
        case autoEncoder(AutoEncoder)
    }

    let method: ReductionMethod
    let encoder: VectorEncoder
    let model: Model
    let dimension: Int
    /// The reduced training vectors (what DimensionReduce gives).
    let reduced: [[Double]]
    /// The FeatureExtractor (or the image features) and the raw training examples, when there is one.
    var extractor: FeaturePipeline?
    var rawExamples: [Expr] = []

    func isSingle(_ x: Expr) -> Bool { extractor == nil ? encoder.isSingle(x) : FeaturePipeline.isSingle(x, like: rawExamples) }

    /// A raw example as the vector the reducer takes.
    func vector(_ x: Expr, _ c: Call) throws -> [Double] { try encoder.encode(try extractor?.extractedOne(x, c) ?? x) }

    init(_ method: ReductionMethod, _ encoder: VectorEncoder, _ model: Model, dimension: Int, reduced: [[Double]]) {
        self.method = method
        self.encoder = encoder
        self.model = model
        self.dimension = dimension
        self.reduced = reduced
    }

    var headName: String { "DimensionReducerFunction" }
    var summary: String { "DimensionReducerFunction[<\(method.rawValue), \(encoder.width) -> \(dimension)>]" }

    func reduce(_ v: [Double]) throws -> [Double] {
        switch model {
        case .linear(let l): return l.reduce(v)
        case .isomap(let i): return i.reduce(v)
        case .umap(let u): return u.reduce(v)
        case .autoEncoder(let a): return try a.reduce(v)
        case .tsne(let training, let embedding):
            let near = NearestSearch.nearest(training.map { squaredDistance($0, v).squareRoot() }, count: 3, radius: nil)
            var out = [Double](repeating: 0, count: dimension), total = 0.0
            for i in near {
                let w = 1 / Swift.max(squaredDistance(training[i], v).squareRoot(), 1e-12)
                total += w
                for a in 0..<dimension { out[a] += w * embedding[i][a] }
            }
            return out.map { $0 / Swift.max(total, 1e-300) }
        }
    }

    func reconstruct(_ z: [Double]) throws -> [Double] {
        switch model {
        case .linear(let l): return l.reconstruct(z)
        case .autoEncoder(let a): return try a.reconstruct(z)
        default:
            throw LearnError("recon", "only \"PrincipalComponentsAnalysis\", \"LatentSemanticAnalysis\" and \"AutoEncoder\" reconstruct data")
        }
    }

    /// `r[x]`, `r[{x...}]`, `r[data, prop]`.
    func apply(_ c: Call) throws -> Expr? {
        guard c.count == 1 || c.count == 2 else { return nil }
        return netOperation(c) {
            if c.count == 2 { return try property(c[1], of: c[0], c) }
            let single = isSingle(c[0])
            let xs = single ? [c[0]] : (c[0].listItems ?? [c[0]])
            let out = try xs.map { Expr.reals(try reduce(try vector($0, c))) }
            return single ? out[0] : .list(out)
        }
    }

    static let propertyNames = ["ReducedVectors", "ReconstructedData", "OriginalData", "ImputedData"]

    /// A vector of numbers with Missing[] entries, its missing entries filled by alternating
    /// projection and reconstruction (20 rounds from the training means); linear methods only.
    func imputed(_ x: Expr, _ c: Call) throws -> Expr {
        guard extractor == nil, case .linear(let l) = model, let items = x.listItems, items.count == l.mean.count, encoder.width == items.count,
              items.allSatisfy({ $0.isMissing || $0.doubleValue != nil }) else {
            throw LearnError("impute", "\(short(x)) is not a vector of numbers and Missing[] like the training examples (linear methods impute)")
        }
        var v = items.indices.map { items[$0].doubleValue ?? l.mean[$0] }
        let missing = items.indices.filter { items[$0].isMissing }
        for _ in 0..<20 where !missing.isEmpty {
            let r = l.reconstruct(l.reduce(v))
            for j in missing { v[j] = r[j] }
        }
        return .list(items.indices.map { missing.contains($0) ? .real(v[$0]) : items[$0] })
    }

    func property(_ prop: Expr, of data: Expr, _ c: Call) throws -> Expr {
        if let items = prop.listItems { return .list(try items.map { try property($0, of: data, c) }) }
        let single: Bool
        switch prop.asString {
        case "OriginalData": single = FeaturePipeline.numeric(data)?.count == dimension && data.listItems?.first?.listItems == nil
        case "ImputedData": single = data.listItems?.first?.listItems == nil
        default: single = isSingle(data)
        }
        let xs = single ? [data] : (data.listItems ?? [data])
        let out: [Expr]
        switch prop.asString ?? "" {
        case "ReducedVectors": out = try xs.map { .reals(try reduce(try vector($0, c))) }
        case "ReconstructedData": out = try xs.map { .reals(try reconstruct(try reduce(try vector($0, c)))) }
        case "OriginalData":
            out = try xs.map { z in
                guard let v = FeaturePipeline.numeric(z), v.count == dimension else { throw LearnError("data", "\(short(z)) is not a reduced vector of length \(dimension)") }
                return .reals(try reconstruct(v))
            }
        case "ImputedData": out = try xs.map { try imputed($0, c) }
        case "Properties": return .strings(Self.propertyNames + ["Properties"])
        default: throw LearnError("prop", "\(short(prop)) is not a property; the properties are \(Self.propertyNames.joined(separator: ", "))")
        }
        return single ? out[0] : .list(out)
    }
}

/// Trains a reducer as DimensionReduction and DimensionReduce do.
func dimensionReduction(_ data: Expr, _ dimensionSpec: Expr?, _ c: Call) throws -> ReducerValue {
    let raw: [Expr]
    if case .association(let a) = data { raw = Array(a.entries.values) } else {
        guard let items = data.listItems, !items.isEmpty else { throw LearnError("data", "the data must be a nonempty list of examples") }
        raw = items
    }
    let (xs, extractor) = try extractedExamples(raw, c)
    let reducer = try reduction(xs, dimensionSpec, c)
    reducer.extractor = extractor
    reducer.rawExamples = extractor == nil ? [] : raw
    return reducer
}

private func reduction(_ xs: [Expr], _ dimensionSpec: Expr?, _ c: Call) throws -> ReducerValue {
    let spec = c.option("Method")
    let (name, sub) = methodSpec(spec)
    var method: ReductionMethod?
    if !spec.isSymbol(Sym.Automatic) {
        guard let name, let m = ReductionMethod(rawValue: name) else {
            throw LearnError("method", "Method must be Automatic or one of \(ReductionMethod.allCases.map { quoted($0.rawValue) }.joined(separator: ", "))")
        }
        method = m
    }
    let encoder = try VectorEncoder(learning: xs, texts: method == .lsa)
    if method == nil { if case .words = encoder.kind { method = .lsa } else { method = .pca } }
    let chosen = method ?? .pca
    let vectors = try xs.map { try encoder.encode($0) }
    let n = vectors.count, d = encoder.width
    var k: Int?
    if let s = dimensionSpec, !s.isSymbol(Sym.Automatic) {
        guard let m = s.intValue, m >= 1 else { throw LearnError("dim", "\(short(s)) is not a positive dimension or Automatic") }
        k = m
    }
    if chosen == .pca || chosen == .lsa {
        let limit = Swift.min(d, n)
        if let m = k, m > limit { throw LearnError("dim", "the target dimension \(m) exceeds \(limit), the smaller of the dimension and the number of examples") }
        var reducer = chosen == .pca ? try LinearReducer.principalComponents(vectors, dimensions: k ?? limit) : try LinearReducer.latentSemantic(vectors, dimensions: k ?? limit)
        // Automatic: the fewest components that keep 95% of the variance.
        if k == nil { reducer = reducer.keeping(0.95) }
        return ReducerValue(chosen, encoder, .linear(reducer), dimension: reducer.components.count, reduced: reducer.reduceAll(vectors))
    }
    let m = k ?? 2
    guard m <= d else { throw LearnError("dim", "the target dimension \(m) exceeds the data's dimension \(d)") }
    guard n <= 5000 || chosen == .autoEncoder else {
        throw LearnError("size", "\(chosen.rawValue) here finds neighbours exhaustively (quadratic in the examples) and takes at most 5000 examples, not \(n)")
    }
    let progress = ProgressLine()
    defer { progress.finish() }
    switch chosen {
    case .umap:
        let neighbours = sub["NeighborsNumber"]?.intValue ?? 15
        guard neighbours >= 2 else { throw LearnError("neigh", "\"NeighborsNumber\" must be at least 2") }
        let u = try UMAP(vectors, dimensions: m, neighbours: neighbours, minDistance: sub["MinimumDistance"]?.doubleValue ?? 0.1,
                         seed: learningSeed(c.option("RandomSeeding", .integer(1234)))) { epoch in
            if n > 300, let epoch { progress.update("UMAP epoch \(epoch + 1)/\(n <= 10_000 ? 500 : 200)") }
            try c.evaluator.checkInterrupt()
        }
        return ReducerValue(.umap, encoder, .umap(u), dimension: m, reduced: u.embedding)
    case .autoEncoder:
        let interrupt = c.evaluator.interrupt
        let a = try AutoEncoder(vectors, dimensions: m, seed: learningSeed(c.option("RandomSeeding", .integer(1234)))) { interrupt.isSet }
        try c.evaluator.checkInterrupt()
        return ReducerValue(.autoEncoder, encoder, .autoEncoder(a), dimension: m, reduced: try vectors.map(a.reduce))
    case .isomap:
        // The eigen-decomposition (LAPACK) cannot stop part way: it runs on a thread of its own.
        let interrupt = c.evaluator.interrupt, neighbours = sub["NeighborsNumber"]?.intValue ?? 5
        let iso = try awaitingInterrupt(c) { try Isomap(vectors, dimensions: m, neighbours: neighbours) { interrupt.isSet } }
        return ReducerValue(.isomap, encoder, .isomap(iso), dimension: m, reduced: iso.embedding)
    default:
        let perplexity = sub["Perplexity"]?.doubleValue ?? 30
        guard perplexity > 0 else { throw LearnError("perp", "the perplexity must be positive") }
        let y = try TSNE.embed(vectors, dimensions: m, perplexity: perplexity) { round in
            if n > 300, let round { progress.update("t-SNE round \(round + 1)/1000") }
            try c.evaluator.checkInterrupt()
        }
        return ReducerValue(.tsne, encoder, .tsne(training: vectors, embedding: y), dimension: m, reduced: y)
    }
}

/// A feature extractor learned from data, as a value of the language.
final class FeatureExtractorValue: NativeValue, CallableValue {
    let encoder: VectorEncoder
    let standardizer: Standardizer
    let reducer: LinearReducer?
    var extractor: FeaturePipeline?
    var rawExamples: [Expr] = []

    init(_ encoder: VectorEncoder, _ standardizer: Standardizer, _ reducer: LinearReducer?) {
        self.encoder = encoder
        self.standardizer = standardizer
        self.reducer = reducer
    }

    var headName: String { "FeatureExtractorFunction" }
    var summary: String { "FeatureExtractorFunction[<\(encoder.width) -> \(reducer?.components.count ?? encoder.width)>]" }

    func extract(_ x: Expr, _ c: Call) throws -> [Double] {
        let v = standardizer.apply(try encoder.encode(try extractor?.extractedOne(x, c) ?? x))
        return reducer?.reduce(v) ?? v
    }

    /// `f[x]` or `f[{x...}]`.
    func apply(_ c: Call) throws -> Expr? {
        guard c.count == 1 else { return nil }
        return netOperation(c) {
            let single = extractor == nil ? encoder.isSingle(c[0]) : FeaturePipeline.isSingle(c[0], like: rawExamples)
            if single { return .reals(try extract(c[0], c)) }
            return .list(try (c[0].listItems ?? []).map { .reals(try extract($0, c)) })
        }
    }
}

extension Kernel {
    static var reductionBuiltins: [Builtin] {
        let options: [(String, Expr)] = [("Method", .sym("Automatic")), ("RandomSeeding", .integer(1234)), ("PerformanceGoal", .sym("Automatic")),
                                         ("TargetDevice", .string("CPU")), ("FeatureExtractor", .sym("Identity"))]
        let methods = "Method: \"PrincipalComponentsAnalysis\" (the default for numbers, vectors and nominal data), \"LatentSemanticAnalysis\" (the default for texts: a truncated SVD of TF-IDF bags of words), \"TSNE\" (exact below 500 examples, Barnes–Hut above; sub-option \"Perplexity\" -> 30), \"UMAP\" (\"NeighborsNumber\" -> 15, \"MinimumDistance\" -> 0.1), \"Isomap\" (\"NeighborsNumber\" -> 5), \"AutoEncoder\" (a small net trained by NetTrain's trainer; it reconstructs data)."
        return [
            Builtin("DimensionReduction", [], usage: "DimensionReduction[{x1, x2, ...}] learns a DimensionReducerFunction projecting examples (vectors, texts, nominal or mixed features, or anything a FeatureExtractor turns into vectors; images get the pretrained MobileNet V2 features) to fewer dimensions; DimensionReduction[data, n] to n dimensions (Automatic: the principal components keeping 95% of the variance, 2 for TSNE and Isomap); DimensionReduction[data, n, prop] gives \"ReducerFunction\", \"ReducedVectors\" or \"ReconstructedData\". r[x], r[{x...}], r[data, \"ReducedVectors\" | \"ReconstructedData\" | \"ImputedData\"] (Missing[] entries filled in), r[reduced, \"OriginalData\"]. " + methods,
                    arity: .between(1, 3), options: options,
                    examples: [("r = DimensionReduction[{{1, 2}, {2, 4}, {3, 6.}}, 1]; r[{{4, 8}, {1, 2}}, \"ReconstructedData\"]", "{{4., 8.}, {1., 2.}}")]) { c in
                netOperation(c) {
                    let pos = c.dataArguments
                    let r = try dimensionReduction(c[0], pos.count >= 2 ? pos[1] : nil, c)
                    guard pos.count == 3 else { return .native(r) }
                    func prop(_ p: Expr) throws -> Expr {
                        if let items = p.listItems { return .list(try items.map(prop)) }
                        if p.asString == "ReducerFunction" { return .native(r) }
                        if p.asString == "ReducedVectors" { return .list(r.reduced.map(Expr.reals)) }
                        return try r.property(p, of: c[0], c)
                    }
                    return try prop(pos[2])
                }
            },
            Builtin("DimensionReduce", [], usage: "DimensionReduce[{x1, x2, ...}] gives the examples reduced to fewer dimensions; DimensionReduce[data, n] to n. Same methods and options as DimensionReduction. " + methods,
                    arity: .between(1, 2), options: options,
                    examples: [("Round[DimensionReduce[{{1, 1}, {2, 2}, {3, 3.}}, 1], 0.001]", "{{-1.414}, {0.}, {1.414}}")]) { c in
                netOperation(c) {
                    let pos = c.dataArguments
                    return .list(try dimensionReduction(c[0], pos.count == 2 ? pos[1] : nil, c).reduced.map(Expr.reals))
                }
            },
            Builtin("DimensionReducerFunction", [], usage: "DimensionReducerFunction[...] is made by DimensionReduction: r[x], r[{x...}], r[data, \"ReducedVectors\" | \"ReconstructedData\"], r[reduced, \"OriginalData\"]."),
            Builtin("FeatureExtraction", [], usage: "FeatureExtraction[{x1, x2, ...}] learns a FeatureExtractorFunction turning examples into numeric vectors (FeatureExtraction[data, f] after the function or net f; images get the pretrained MobileNet V2 features): numbers and vectors as they are, texts as TF-IDF bags of words, nominal values one-hot, Missing[] as the mean; then standardized. Method -> \"StandardizedVector\" (the default) or \"DimensionReducedVector\" (then principal components keeping 95% of the variance).",
                    arity: .between(1, 2), options: [("Method", .sym("Automatic")), ("RandomSeeding", .integer(1234)), ("PerformanceGoal", .sym("Automatic"))],
                    examples: [("f = FeatureExtraction[{{1, \"a\"}, {3, \"b\"}}]; f[{3, \"a\"}]", "{1., 1., -1.}"),
                               ("f = FeatureExtraction[{1, 2, 3}, {#, #^2} &]; f[2]", "{0., -0.202031}")]) { c in
                netOperation(c) {
                    guard let raw = c[0].listItems, !raw.isEmpty else { throw LearnError("data", "the data must be a nonempty list of examples") }
                    let pos = c.dataArguments
                    let extractor = try featureExtractor(pos.count == 2 ? pos[1] : .sym("Identity"), for: raw, c).map { FeaturePipeline(extractor: $0) }
                    let xs = try extractor?.extracted(raw, c) ?? raw
                    let encoder = try VectorEncoder(learning: xs)
                    let vectors = try xs.map { try encoder.encode($0) }
                    let standardizer = Standardizer(vectors)
                    let spec = c.option("Method")
                    var reducer: LinearReducer?
                    switch spec.asString {
                    case nil where spec.isSymbol(Sym.Automatic): break
                    case "StandardizedVector": break
                    case "DimensionReducedVector":
                        let z = vectors.map(standardizer.apply)
                        reducer = try LinearReducer.principalComponents(z, dimensions: Swift.min(encoder.width, z.count)).keeping(0.95)
                    default: throw LearnError("method", "Method must be Automatic, \"StandardizedVector\" or \"DimensionReducedVector\"")
                    }
                    let value = FeatureExtractorValue(encoder, standardizer, reducer)
                    value.extractor = extractor
                    value.rawExamples = extractor == nil ? [] : raw
                    return .native(value)
                }
            },
            Builtin("FeatureExtractorFunction", [], usage: "FeatureExtractorFunction[...] is made by FeatureExtraction: f[x] or f[{x...}] gives numeric vectors."),
        ]
    }
}
