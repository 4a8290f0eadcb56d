import CoreKernel
import Foundation
import Language
import Learn
import Nets
import NetsKernel
import OrderedCollections
import Tensor

/// How raw examples become feature vectors: an optional feature extractor (a net, applied in
/// batches, or a function), then per-feature encoders learned from the training data
/// (numbers as they are, nominal values one-hot, texts as TF-IDF bags of words, missing values as
/// the training mean).
final class FeaturePipeline {
    enum Column {
        case numeric(width: Int, means: [Double])
        case nominal([Expr])
        /// Strings of several words (see TextVocabulary).
        case text(TextVocabulary)

        /// How many features the column gives.
        var width: Int {
            switch self {
            case .numeric(let w, _): return w
            case .nominal(let v): return v.count
            case .text(let v): return v.words.count
            }
        }
    }

    let extractor: Expr?
    /// An extractor expression read from a classifier file: data, never evaluated. A classifier
    /// that has one refuses to run until given an extractor by the user.
    let heldExtractor: Expr?
    var columns: [Column] = []

    init(extractor: Expr?, held: Expr? = nil) {
        self.extractor = extractor
        self.heldExtractor = held
    }

    /// The examples after the extractor, as lists of features.
    func extracted(_ xs: [Expr], _ c: Call) throws -> [Expr] {
        if let held = heldExtractor {
            throw LearnError("heldext", "the classifier's feature extractor \(short(held)) was read from a file and is not evaluated; Information[c, \"FeatureExtractor\"] gives it held, and Classify[data, FeatureExtractor -> f] makes a classifier that uses it")
        }
        guard let f = extractor else { return xs }
        // Features of examples the same net has seen in this session come from FeatureCache.
        if let net = f.asNet { return try FeatureCache.extract(xs, by: net) { xs in
            let value = NetValue(net)
            var out: [Expr] = []
            var start = 0
            let progress = ProgressLine()
            defer { progress.finish() }
            while start < xs.count {
                let chunk = Array(xs[start..<Swift.min(start + 32, xs.count)])
                let call = Call(evaluator: c.evaluator, expr: Normal(.native(value), [.list(chunk)]))
                guard let r = try evaluateNet(value, call), let items = r.listItems else { throw LearnError("extract", "the feature extractor failed") }
                out += items
                start += 32
                if xs.count > 64 { progress.update("Extracting features \(Swift.min(start, xs.count))/\(xs.count)") }
                try c.evaluator.checkInterrupt()
            }
            return out
        } }
        return try xs.map { try c.evaluate(.call(f, [$0])) }
    }

    /// What one example looks like: a vector of this width (1: a number) or several columns.
    var exampleKind: ExampleKind {
        if columns.count == 1, case .numeric(let w, _) = columns[0] { return .features(width: w, columns: 1) }
        return .features(width: 0, columns: columns.count)
    }

    /// The features of one example as a flat list of raw values.
    static func parts(_ x: Expr) -> [Expr] {
        if case .association(let a) = x { return Array(a.entries.values) }
        if let items = x.listItems, !(items.allSatisfy { $0.isNumber }) { return items }
        return [x]
    }

    /// A number or a numeric array as a flat vector (flat lists read directly).
    static func numeric(_ e: Expr) -> [Double]? {
        if let d = e.doubleValue { return [d] }
        if case .normal(let n) = e, n.head.isSymbol(Sym.List) {
            // A packed vector answers with its contents, without making an expression per number.
            return n.numbers ?? e.asTensor?.values.map(Double.init)
        }
        return e.asTensor?.values.map(Double.init)
    }

    /// Learns the encoders from training examples; `checkpoint` is called between passes over
    /// them and throws to stop (an interrupt).
    func learn(_ xs: [Expr], checkpoint: () throws -> Void = {}) throws {
        let rows = xs.map(FeaturePipeline.parts)
        let width = rows.first?.count ?? 0
        guard rows.allSatisfy({ $0.count == width }) else { throw LearnError("data", "the examples do not all have the same number of features") }
        columns = try (0..<width).map { j in
            try checkpoint()
            let values = rows.map { $0[j] }
            let present = values.filter { !$0.isMissing }
            try checkpoint()
            let vectors = present.compactMap(FeaturePipeline.numeric)
            try checkpoint()
            if vectors.count == present.count {
                let w = vectors.first?.count ?? 1
                guard vectors.allSatisfy({ $0.count == w }) else { throw LearnError("data", "feature \(j + 1) has vectors of different lengths") }
                var means = [Double](repeating: 0, count: w)
                for v in vectors { for k in 0..<w { means[k] += v[k] / Double(Swift.max(vectors.count, 1)) } }
                return .numeric(width: w, means: means)
            }
            let strings = present.compactMap(\.asString)
            if strings.count == present.count, TextVocabulary.areTexts(strings) { return .text(TextVocabulary(learning: strings)) }
            if let im = present.first(where: { $0.asImage != nil }), im.asImage != nil {
                throw LearnError("images", "images need a feature extractor")
            }
            var seen = OrderedSet<Expr>()
            for v in present { seen.append(v) }
            return .nominal(Array(seen))
        }
    }

    func encode(_ x: Expr) throws -> [Double] {
        // A plain numeric vector for a single numeric column: read it directly.
        if columns.count == 1, case .numeric(let w, _) = columns[0], case .normal(let n) = x, n.head.isSymbol(Sym.List), n.args.count == w {
            if let out = n.numbers { return out }
        }
        let p = FeaturePipeline.parts(x)
        guard p.count == columns.count else { throw LearnError("data", "the example \(short(x)) has \(p.count) features, not \(columns.count)") }
        var out: [Double] = []
        for (v, col) in zip(p, columns) {
            switch col {
            case .numeric(let w, let means):
                if v.isMissing { out += means; continue }
                guard let t = v.asTensor, t.count == w else { throw LearnError("data", "the feature \(short(v)) is not a number or a vector of length \(w)") }
                out += t.values.map(Double.init)
            case .nominal(let values):
                out += values.map { $0 == v ? 1 : 0 }
            case .text(let vocabulary):
                out += vocabulary.encode(v.asString ?? "")
            }
        }
        return out
    }
}

/// A trained classifier as a value of the language.
final class ClassifierValue: NativeValue {
    let trained: TrainedClassifier
    let classes: [Expr]
    let pipeline: FeaturePipeline
    let examples: Int
    var threshold = 0.0
    var priors: [Double]?
    /// UtilityFunction as a matrix, utility[actual][decided]; nil is the identity (the most
    /// probable class is decided).
    var utility: [[Double]]?
    /// The accuracy estimated by cross-validation when the method was chosen automatically.
    var accuracy: Double?

    init(_ trained: TrainedClassifier, classes: [Expr], pipeline: FeaturePipeline, examples: Int) {
        self.trained = trained
        self.classes = classes
        self.pipeline = pipeline
        self.examples = examples
    }

    /// The classes as decoder labels, made once.
    private(set) lazy var labels: [ClassLabel] = classes.map(classLabel)

    var headName: String { "ClassifierFunction" }
    var summary: String { "ClassifierFunction[<\(trained.method.rawValue), \(classes.count) classes>]" }

    /// Probability vectors of examples (features extracted and encoded), with ClassPriors applied.
    func probabilities(_ xs: [Expr], _ c: Call) throws -> [[Double]] {
        let features = try pipeline.extracted(xs, c)
        let encoded = try features.map { try pipeline.encode($0) }
        try c.evaluator.checkInterrupt()
        return trained.probabilities(batch: encoded).map { probabilities in
            var p = probabilities
            if let priors {
                for i in p.indices { p[i] *= priors[i] / Swift.max(trained.priors[i], 1e-12) }
                let t = p.reduce(0, +)
                p = p.map { $0 / Swift.max(t, 1e-300) }
            }
            return p
        }
    }
}

extension Kernel {
    static var classifyBuiltins: [Builtin] {
        [
            Builtin("Classify", [], usage: "Classify[{x1 -> c1, ...}] or Classify[{xs} -> {cs}] or Classify[<|c1 -> {xs}, ...|>] trains a classifier; Classify[data, x] classifies x with it, Classify[data, x, prop] gives a property (\"Probabilities\", ...). Examples may be numbers, vectors, strings (nominal), Missing[], lists or associations of such features, or anything a FeatureExtractor (a function or a net such as NetTake[net, 22]) turns into vectors; images without one use the pretrained MobileNet V2 features. Method: \"LogisticRegression\" (multinomial, L2), \"NearestNeighbors\", \"NaiveBayes\", \"DecisionTree\", \"RandomForest\" (50 trees on histogram bins), \"GradientBoostedTrees\" (100 rounds of 31-leaf histogram trees, learning rate 0.1), \"NeuralNetwork\", \"SupportVectorMachine\" (RBF kernel, C = 1, one class against the rest, at most 3000 examples), or Automatic (the best 3-fold cross-validated accuracy among the methods PerformanceGoal allows: \"Speed\" tries logistic regression, nearest neighbors and naive Bayes, Automatic adds the random forest and, from 50 examples of at most 256 features, boosted trees, \"Quality\" also the network and the support vector machine). Also ClassPriors, IndeterminateThreshold, RandomSeeding, and UtilityFunction -> <|actual -> <|decided -> u, ...|>, ...|> (unlisted pairs: 1 when decided is actual, else 0): the \"Decision\" is then the class of highest \"ExpectedUtilities\".",
                    arity: .between(1, 3),
                    options: [("Method", .sym("Automatic")), ("FeatureExtractor", .sym("Identity")), ("ClassPriors", .sym("Automatic")),
                              ("IndeterminateThreshold", .integer(0)), ("RandomSeeding", .integer(1234)), ("PerformanceGoal", .sym("Automatic")),
                              ("UtilityFunction", .sym("Automatic"))],
                    examples: [("Classify[{1 -> \"small\", 2 -> \"small\", 8 -> \"big\", 9 -> \"big\"}][{1.5, 8.5}]", "{small, big}"),
                               ("Classify[{1 -> a, 2 -> b}, 1.2]", "a")]) { c in
                netOperation(c) {
                    // Classify[data, x] and Classify[data, x, prop]: train, then classify x.
                    let pos = c.dataArguments
                    let trained = try classify(c)
                    guard pos.count > 1, case .native(let v) = trained, let value = v as? ClassifierValue else { return trained }
                    let call = Call(evaluator: c.evaluator, expr: Normal(.native(value), Array(pos.dropFirst())))
                    return try applyClassifier(value, call)
                }
            },
            Builtin("ClassifierFunction", [], usage: "ClassifierFunction[...] is a trained classifier: c[x], c[{x...}], c[x, \"Probabilities\" | \"TopProbabilities\" | {\"TopProbabilities\", n} | {\"Probability\", class} | \"Decision\"]; Information[c, \"Method\" | \"Classes\" | \"ExampleNumber\"]."),
        ]
    }
}

private func classify(_ c: Call) throws -> Expr {
    let pairs = try Examples(c[0], noun: "class").pairs
    guard !pairs.isEmpty else { throw LearnError("data", "there are no examples") }
    // Each pass over the examples answers Ctrl-C (a pass over 30000 takes a tenth of a second).
    try c.evaluator.checkInterrupt()
    var classes = Array(OrderedSet(pairs.map(\.1)))
    classes.sort { Order.less($0, $1) }
    guard classes.count >= 2 else { throw LearnError("oneclass", "the data has only one class, \(short(classes.first ?? .null)); a classifier needs at least two") }
    try c.evaluator.checkInterrupt()
    let pipeline = FeaturePipeline(extractor: try featureExtractor(c.option("FeatureExtractor", .sym("Identity")), for: pairs.map(\.0), c))
    let inputs = try pipeline.extracted(pairs.map(\.0), c)
    try pipeline.learn(inputs) { try c.evaluator.checkInterrupt() }
    var pulse = Pulse(c)
    let x = try inputs.map { try pulse.beat(); return try pipeline.encode($0) }
    try c.evaluator.checkInterrupt()
    let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($0.element, $0.offset) })
    let y = pairs.map { index[$0.1] ?? 0 }
    var methodOptions = MethodOptions()
    if let seed = c.option("RandomSeeding").intValue { methodOptions.seed = UInt64(bitPattern: Int64(seed)) }
    let progress = ProgressLine()
    defer { progress.finish() }
    methodOptions.checkpoint = searchCheckpoint(progress, c)
    let spec = c.option("Method")
    let methodName = spec.asString ?? spec.listItems?.first?.asString
    var sub: [String: Expr] = [:]
    for r in spec.listItems?.dropFirst() ?? [] { collectOptions(r, into: &sub) }
    if let l2 = sub["L2Regularization"]?.doubleValue { methodOptions.l2 = l2 }
    if let k = sub["NeighborsNumber"]?.intValue { methodOptions.neighbors = k }
    if let t = sub["TreeNumber"]?.intValue, t > 0 { methodOptions.trees = t }
    let method: ClassifierMethod
    var accuracy: Double?
    if spec.isSymbol(Sym.Automatic) {
        let candidates = classifierCandidates(c.option("PerformanceGoal"), examples: x.count, features: x.first?.count ?? 0)
        if x.count >= 6 {
            let (chosen, scores) = try Learn.chooseMethod(x, y, classes: classes.count, candidates: candidates, seed: methodOptions.seed,
                                                          checkpoint: methodOptions.checkpoint)
            method = chosen
            accuracy = scores[chosen]
        } else {
            method = .logisticRegression
        }
    } else {
        guard let name = methodName, let m = ClassifierMethod(rawValue: name) else {
            throw LearnError("method", "Method must be one of \(ClassifierMethod.allCases.map { quoted($0.rawValue) }.joined(separator: ", ")) or Automatic")
        }
        method = m
    }
    try methodOptions.checkpoint("Training \(method.rawValue) on \(x.count) examples")
    let trained = try Learn.fit(method, x, y, classes: classes.count, options: methodOptions)
    let value = ClassifierValue(trained, classes: classes, pipeline: pipeline, examples: pairs.count)
    value.accuracy = accuracy
    if let t = c.option("IndeterminateThreshold").doubleValue { value.threshold = t }
    value.utility = try utilityMatrix(c.option("UtilityFunction"), classes)
    let priorSpec = c.option("ClassPriors")
    if case .association(let a) = priorSpec {
        let raw = classes.map { a.entries[$0]?.doubleValue ?? 0 }
        let total = raw.reduce(0, +)
        guard total > 0 else { throw LearnError("priors", "ClassPriors must give positive weights to the classes") }
        value.priors = raw.map { $0 / total }
    }
    return .native(value)
}

/// The methods `Method -> Automatic` compares under a `PerformanceGoal`: the fast ones for
/// "Speed" (or "TrainingSpeed", "Memory"); the forest and, on enough examples for its 20-example
/// leaves and at most 256 features (not on a net's wide image features), boosted trees by default; a network and (on at most 1000 examples) a support vector
/// machine as well for "Quality".
private func classifierCandidates(_ goal: Expr, examples: Int, features: Int) -> [ClassifierMethod] {
    let fast: [ClassifierMethod] = [.logisticRegression, .nearestNeighbors, .naiveBayes]
    let trees: [ClassifierMethod] = [.randomForest] + (examples >= 50 && features <= 256 ? [.gradientBoostedTrees] : [])
    switch goal.asString {
    case "Speed", "TrainingSpeed", "Memory": return fast
    case "Quality": return fast + trees + [.neuralNetwork] + (examples <= 1000 ? [.supportVectorMachine] : [])
    default: return fast + trees
    }
}

/// The expected utility of deciding each class: Σ over actual classes of p · utility[actual][decided].
func expectedUtilities(_ p: [Double], _ value: ClassifierValue) -> [Double] {
    guard let u = value.utility else { return p }
    return p.indices.map { j in p.indices.reduce(0.0) { $0 + p[$1] * u[$1][j] } }
}

/// UtilityFunction's setting as a matrix over the classes (nil for Automatic):
/// `<|actual -> <|decided -> u|>|>`, pairs not given taking 1 on the diagonal and 0 elsewhere.
private func utilityMatrix(_ spec: Expr, _ classes: [Expr]) throws -> [[Double]]? {
    if spec.isSymbol(Sym.Automatic) { return nil }
    guard case .association(let rows) = spec else {
        throw LearnError("utility", "UtilityFunction must be Automatic or an association <|actual -> <|decided -> utility, ...|>, ...|>")
    }
    var u = classes.indices.map { i in classes.indices.map { j in i == j ? 1.0 : 0.0 } }
    for (actual, row) in rows.entries {
        guard let i = classes.firstIndex(of: actual), case .association(let cells) = row else {
            throw LearnError("utility", "UtilityFunction's key \(short(actual)) is not a class, or its value is not an association")
        }
        for (decided, v) in cells.entries {
            guard let j = classes.firstIndex(of: decided), let x = v.doubleValue, x.isFinite else {
                throw LearnError("utility", "UtilityFunction gives \(short(v)) for \(short(actual)) decided as \(short(decided)); it must be a number for a class")
            }
            u[i][j] = x
        }
    }
    return u
}

/// Decisions and properties of a classifier on one probability vector.
func classifierOutput(_ p: [Double], _ value: ClassifierValue, _ prop: Expr?) throws -> Expr {
    if prop == nil || prop?.asString == "Decision" {
        guard let k = p.indices.max(by: { p[$0] < p[$1] }), p[k] >= value.threshold else { return .sym("Indeterminate") }
        guard value.utility != nil else { return value.classes[k] }
        let u = expectedUtilities(p, value)
        return u.indices.max(by: { u[$0] < u[$1] }).map { value.classes[$0] } ?? value.classes[k]
    }
    if let name = prop?.asString, name == "ExpectedUtilities" || name == "ExpectedUtility" {
        return .association(OrderedDictionary(zip(value.classes, expectedUtilities(p, value).map(Expr.real)), uniquingKeysWith: { a, _ in a }))
    }
    let t = try Tensor(shape: [p.count], values: p.map(Float.init))
    return try decode(t, .classes(value.labels), prop)
}

extension Kernel {
    /// `classifier[x]`, `classifier[{x...}]`, `classifier[x, prop]`.
    static func applyClassifier(_ value: ClassifierValue, _ c: Call) throws -> Expr? {
        guard c.count == 1 || c.count == 2 else { return nil }
        let x = c[0]
        let single = value.pipeline.exampleKind.isSingle(x)
        let examples = single ? [x] : (x.listItems ?? [x])
        let ps = try value.probabilities(examples, c)
        let outputs = try ps.map { try classifierOutput($0, value, c.count == 2 ? c[1] : nil) }
        return single ? outputs[0] : .list(outputs)
    }
}

/// Classifiers on disk (`.wmlf`): JSON with the classes and feature encoders (in input form),
/// the feature extractor (a nets file in base64, or an expression) and the trained model.
enum ClassifierFileFormat {
    struct Column: Codable {
        var width: Int?
        var means: [Double]?
        var values: [String]?
        var words: [String]?
        var idf: [Double]?
    }

    struct File: Codable {
        var format = "nets-classifier"
        var version = 1
        var classes: [String]
        var examples: Int
        var threshold: Double
        var priors: [Double]?
        var columns: [Column]
        var extractorNet: String?
        var extractorExpression: String?
        var classifier: TrainedClassifier
    }

    static func encode(_ cl: ClassifierValue) throws -> [UInt8] {
        let columns = cl.pipeline.columns.map { col -> Column in
            switch col {
            case .numeric(let w, let m): return Column(width: w, means: m, values: nil)
            case .nominal(let v): return Column(width: nil, means: nil, values: v.map(labelKey))
            case .text(let v): return Column(words: v.words, idf: v.idf)
            }
        }
        var file = File(classes: cl.classes.map(labelKey), examples: cl.examples, threshold: cl.threshold, priors: cl.priors,
                        columns: columns, classifier: cl.trained)
        if let e = cl.pipeline.extractor {
            if let net = e.asNet { file.extractorNet = Data(try NetFile.encode(net)).base64EncodedString() } else { file.extractorExpression = InputForm.string(e) }
        }
        return [UInt8](try JSONEncoder().encode(file))
    }

    /// How deep a classifier file's JSON may nest.
    static let maxNesting = 256

    static func decode(_ bytes: [UInt8], _ c: Call) throws -> ClassifierValue {
        // The nesting bounds the recursion of decoding (a decision tree nests per level).
        guard NetFile.nestingDepth(String(decoding: bytes, as: UTF8.self)) <= maxNesting else {
            throw LearnError("fmterr", "the classifier file is nested more than \(maxNesting) levels deep")
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(bytes))
        } catch let e as LearnError {
            throw LearnError("fmterr", e.description)
        } catch {
            throw LearnError("fmterr", "the file is not a nets classifier")
        }
        guard file.format == "nets-classifier", file.classes.count == file.classifier.classCount else {
            throw LearnError("fmterr", "the file is not a nets classifier")
        }
        var extractor: Expr?, held: Expr?
        if let b64 = file.extractorNet {
            guard let data = Data(base64Encoded: b64) else { throw LearnError("fmterr", "the feature extractor is damaged") }
            extractor = .net(try NetFile.decode([UInt8](data)))
        } else if let text = file.extractorExpression {
            // Parsed, never evaluated: a data file does not run code.
            var parser = Parser(text)
            held = Expr(Sym.Hold, ((try? parser.next()) ?? nil) ?? .string(text))
        }
        let pipeline = FeaturePipeline(extractor: extractor, held: held)
        pipeline.columns = try file.columns.map { col in
            if let w = col.width, let m = col.means, w > 0, m.count == w, m.allSatisfy(\.isFinite) { return .numeric(width: w, means: m) }
            if let v = col.values { return .nominal(v.map(dataExpr)) }
            if let w = col.words, let idf = col.idf, w.count == idf.count, idf.allSatisfy(\.isFinite) { return .text(TextVocabulary(words: w, idf: idf)) }
            throw LearnError("fmterr", "a feature encoder is damaged")
        }
        // The encoders must produce exactly the features the classifier takes, and the other
        // numbers must be usable: applying the classifier indexes by these sizes.
        let width = pipeline.columns.reduce(0) { $0 + $1.width }
        guard width == file.classifier.features else {
            throw LearnError("fmterr", "the feature encoders give \(width) features, but the classifier takes \(file.classifier.features)")
        }
        guard file.threshold.isFinite, file.examples >= 0 else { throw LearnError("fmterr", "the classifier's threshold or example count is damaged") }
        if let p = file.priors {
            guard p.count == file.classes.count, p.allSatisfy({ $0.isFinite && $0 >= 0 }), p.contains(where: { $0 > 0 }) else {
                throw LearnError("fmterr", "the classifier's class priors are damaged")
            }
        }
        let value = ClassifierValue(file.classifier, classes: file.classes.map(dataExpr), pipeline: pipeline, examples: file.examples)
        value.threshold = file.threshold
        value.priors = file.priors
        return value
    }
}

/// What a model search or fit calls between pieces of work: shows what is being tried on the
/// progress line and stops at an interrupt (Ctrl-C) or memory exhaustion.
func searchCheckpoint(_ progress: ProgressLine, _ c: Call, label: String = "Classify") -> @Sendable (String?) throws -> Void {
    let interrupt = c.evaluator.interrupt
    let started = Date()
    let doing = SharedText("")
    return { text in
        if let text { doing.value = text }
        progress.update("\(label): \(doing.value)... \(ProgressLine.duration(Date().timeIntervalSince(started)))", force: text != nil)
        if interrupt.isSet { throw ControlFlow.abort }
    }
}
