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
