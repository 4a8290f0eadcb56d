/// Receiver operating characteristic of scores for one class against the rest: the false and
/// true positive rates as the threshold falls through the scores, examples of equal score taken
/// together (so the curve is the one scikit-learn's `roc_curve` draws, and its area
/// `roc_auc_score`).
public enum ROC {
    /// The curve's points from (0, 0) to (1, 1); nil unless there are both positives and negatives.
    /// A score that is not a number counts as the lowest.
    public static func curve(scores given: [Double], positive: [Bool]) -> [(fpr: Double, tpr: Double)]? {
        guard given.count == positive.count else { return nil }
        let scores = given.map { $0.isNaN ? -Double.infinity : $0 }
        let p = positive.filter { $0 }.count, n = positive.count - p
        guard p > 0, n > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var points: [(fpr: Double, tpr: Double)] = [(0, 0)]
        var tp = 0, fp = 0, i = 0
        while i < order.count {
            let s = scores[order[i]]
            while i < order.count, scores[order[i]] == s {
                if positive[order[i]] { tp += 1 } else { fp += 1 }
                i += 1
            }
            points.append((Double(fp) / Double(n), Double(tp) / Double(p)))
        }
        return points
    }

    /// The area under a curve by the trapezoid rule.
    public static func area(_ curve: [(fpr: Double, tpr: Double)]) -> Double {
        zip(curve, curve.dropFirst()).reduce(0) { $0 + ($1.1.fpr - $1.0.fpr) * ($1.1.tpr + $1.0.tpr) / 2 }
    }
}
