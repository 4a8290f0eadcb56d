import CoreKernel
import Foundation
import Language
import Learn
import Nets
import NetsKernel

/// The extractor a `FeatureExtractor` setting names: nil for `Identity`, else the function or net;
/// images without one get the pretrained MobileNet V2's pooled features (its first 22 layers).
func featureExtractor(_ spec: Expr, for xs: [Expr], _ c: Call) throws -> Expr? {
    if !spec.isSymbol(Symbol.intern("Identity")) { return spec }
    guard xs.contains(where: { $0.asImage != nil }) else { return nil }
    let model = try c.evaluate(Expr(Symbol.intern("NetModel"), .string(ModelRepository.mobileNet)))
    guard let net = model.asNet, case .chain(let chain) = net else { throw LearnError("images", "images need a FeatureExtractor (the pretrained network is not available)") }
    return .net(.chain(try chain.taking(0..<22)))
}

/// Examples after the `FeatureExtractor` option (or the image features), and the pipeline that
/// does the same to new examples.
func extractedExamples(_ xs: [Expr], _ c: Call) throws -> (examples: [Expr], pipeline: FeaturePipeline?) {
    guard let extractor = try featureExtractor(c.option("FeatureExtractor", .sym("Identity")), for: xs, c) else { return (xs, nil) }
    let pipeline = FeaturePipeline(extractor: extractor)
    return (try pipeline.extracted(xs, c), pipeline)
}

extension FeaturePipeline {
    /// Whether x is one raw example (rather than a list of them), given the training examples.
    static func isSingle(_ x: Expr, like examples: [Expr]) -> Bool {
        guard let items = x.listItems else { return true }
        guard let first = examples.first?.listItems else { return false }
        return items.count == first.count && items.first?.listItems == nil && first.first?.listItems == nil
    }

    /// One example through the extractor.
    func extractedOne(_ x: Expr, _ c: Call) throws -> Expr {
        guard let e = try extracted([x], c).first else { throw LearnError("extract", "the feature extractor gave nothing for \(short(x))") }
        return e
    }
}

/// The words of training texts and their inverse document frequencies: a text becomes the TF-IDF
/// bag of its lower-cased words (runs of letters and digits), scikit-learn's smoothed
/// idf = ln((1 + n) / (1 + df)) + 1, scaled to unit length. Words not seen in training are ignored.
struct TextVocabulary {
    let words: [String]
    let idf: [Double]
    private let index: [String: Int]

    init(words: [String], idf: [Double]) {
        self.words = words
        self.idf = idf
        index = Dictionary(words.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
    }

    init(learning texts: [String]) {
        var words: [String] = [], seen: [String: Int] = [:], df: [Int] = []
        for t in texts {
            for w in Set(TextVocabulary.tokens(t)) {
                if seen[w] == nil { seen[w] = words.count; words.append(w); df.append(0) }
                if let i = seen[w] { df[i] += 1 }
            }
        }
        let n = Double(texts.count)
        self.init(words: words, idf: df.map { log((1 + n) / (1 + Double($0))) + 1 })
    }

    /// Lower-cased runs of letters and digits, in order.
    static func tokens(_ s: String) -> [String] {
        s.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// Whether strings read as texts rather than as nominal values: some have several words.
    static func areTexts(_ values: [String]) -> Bool {
        values.contains { tokens($0).count > 1 }
    }

    func encode(_ text: String) -> [Double] {
        var v = [Double](repeating: 0, count: words.count)
        for w in TextVocabulary.tokens(text) { if let i = index[w] { v[i] += idf[i] } }
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }
}
