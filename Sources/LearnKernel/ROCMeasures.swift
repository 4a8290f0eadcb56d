import CoreKernel
import Language
import Learn
import NetsKernel
import OrderedCollections

/// The ROC measures of classifier measurements: each class against the rest, scored by the
/// probability the classifier gives it.
extension MeasurementsValue {
    /// Each class's ROC curve, in the order of the classes; nil for a class with no test examples
    /// (or no examples of other classes).
    var rocCurves: [[(fpr: Double, tpr: Double)]?] {
        classes.indices.map { k in
            ROC.curve(scores: probabilities.map { k < $0.count ? $0[k] : 0 }, positive: actual.map { $0 == k })
        }
    }

    /// `"AreaUnderROCCurve"`: the area under each class's curve (Indeterminate when it has none).
    var areaUnderROCCurve: Expr {
        let curves = rocCurves
        return .association(OrderedDictionary(uniqueKeysWithValues: classes.enumerated().map { k, label in
            (label, curves[k].map { Expr.real(ROC.area($0)) } ?? .symbol(Sym.Indeterminate))
        }))
    }

    /// `"ROCCurve"`: the curves of the classes in one frame, with the diagonal of a classifier
    /// that guesses; a two-class problem shows the curve of its second class only (the other is
    /// its mirror image).
    var rocCurvePlot: Expr {
        let curves = rocCurves
        var shown = Array(classes.indices)
        if classes.count == 2 { shown = [1] }
        let named = shown.compactMap { k in curves[k].map { (labels[k], $0) } }
        return LearningPlots.rocCurves(named)
    }
}
