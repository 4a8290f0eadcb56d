import Foundation
import Tensor

/// Regression methods, by their names in the language.
public enum PredictorMethod: String, CaseIterable, Sendable {
    case linearRegression = "LinearRegression"
    case nearestNeighbors = "NearestNeighbors"
    case randomForest = "RandomForest"
    case gaussianProcess = "GaussianProcess"
    case gradientBoostedTrees = "GradientBoostedTrees"
    case neuralNetwork = "NeuralNetwork"
}

/// A fitted regression over standardized features.
public protocol ValueModel: Sendable {
    func predict(_ x: [Double]) -> Double
}

/// A trained predictor: the method, the standardization, the model and the training residuals'
/// standard deviation.
public struct TrainedPredictor: Sendable {
    public let method: PredictorMethod
    public let standardizer: Standardizer
    public let model: any ValueModel
    public let residualDeviation: Double

    public func predict(_ x: [Double]) -> Double { model.predict(standardizer.apply(x)) }

    /// The values of many examples: boosted trees walk them eight at a time, and large batches
    /// of the tree ensembles go on every core (see `TrainedClassifier.probabilities(batch:)`).
    public func predict(batch xs: [[Double]]) -> [Double] {
        batched(xs, parallel: model is GradientBoostedRegression || model is ForestModel) { [standardizer, model] part in
            let standardized = part.map(standardizer.apply)
            if let boosted = model as? GradientBoostedRegression { return boosted.predict(batch: standardized) }
            return standardized.map(model.predict)
        }
    }

    /// The standard deviation of the value at x, for models that know it (else nil).
    public func deviation(_ x: [Double]) -> Double? { (model as? DeviationModel)?.deviation(standardizer.apply(x)) }
}

/// Ordinary least squares, solved from the normal equations; when features are collinear (or
/// constant), the minimum-norm solution, from the eigen-decomposition of XᵀX.
struct LinearModel: ValueModel {
    let weights: [Double]
    let intercept: Double
    func predict(_ x: [Double]) -> Double { zip(weights, x).reduce(intercept) { $0 + $1.0 * $1.1 } }

    static func fit(_ x: [[Double]], _ y: [Double]) throws -> LinearModel {
        let n = x.count, d = x.first?.count ?? 0
        let mean = y.reduce(0, +) / Double(n)
        // XᵀX w = Xᵀ(y - ȳ) on standardized (centered) features.
        var a = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        var b = [Double](repeating: 0, count: d)
        for (r, t) in zip(x, y) {
            for i in 0..<d {
                b[i] += r[i] * (t - mean)
                for j in 0..<d { a[i][j] += r[i] * r[j] }
            }
        }
        let largest = (0..<d).map { a[$0][$0] }.max() ?? 0
        if let w = solve(a, b, tolerance: 1e-10 * largest) { return LinearModel(weights: w, intercept: mean) }
        return LinearModel(weights: try minimumNorm(a, b, tolerance: 1e-10 * largest), intercept: mean)
    }

    /// The minimum-norm solution of the symmetric system a w = b: Σ (vᵢ·b / λᵢ) vᵢ over the
    /// eigenpairs with λᵢ above the tolerance.
    static func minimumNorm(_ a: [[Double]], _ b: [Double], tolerance: Double) throws -> [Double] {
        let d = b.count
        let (values, vectors) = try SymmetricEigen.decompose(a.flatMap { $0 }, d, count: d)
        var w = [Double](repeating: 0, count: d)
        for (l, v) in zip(values, vectors) where l > Swift.max(tolerance, 0) {
            let f = dot(v, b) / l
            for i in 0..<d { w[i] += f * v[i] }
        }
        return w
    }

    /// Gaussian elimination with partial pivoting; nil when a pivot is at most `tolerance`.
    static func solve(_ m: [[Double]], _ v: [Double], tolerance: Double = 0) -> [Double]? {
        var a = m, b = v
        let d = b.count
        for c in 0..<d {
            guard let p = (c..<d).max(by: { abs(a[$0][c]) < abs(a[$1][c]) }), abs(a[p][c]) > Swift.max(tolerance, 1e-300) else { return nil }
            a.swapAt(c, p); b.swapAt(c, p)
            for r in (c + 1)..<d {
                let f = a[r][c] / a[c][c]
                if f == 0 { continue }
                for k in c..<d { a[r][k] -= f * a[c][k] }
                b[r] -= f * b[c]
            }
        }
        var w = [Double](repeating: 0, count: d)
        for r in stride(from: d - 1, through: 0, by: -1) {
            w[r] = (b[r] - ((r + 1)..<d).reduce(0) { $0 + a[r][$1] * w[$1] }) / a[r][r]
        }
        return w
    }
}

/// The mean of the k nearest training values (the points searched through a k-d tree when they
/// have a few dimensions).
struct NeighborsModel: ValueModel {
    let search: PointSet
    let values: [Double]
    let k: Int

    init(points: [[Double]], values: [Double], k: Int) {
        search = PointSet(points)
        self.values = values
        self.k = k
    }

    func predict(_ x: [Double]) -> Double {
        let nearest = search.nearest(x, count: k)
        return nearest.reduce(0) { $0 + values[$1.index] } / Double(Swift.max(nearest.count, 1))
    }
}

/// Bagged regression trees split on variance reduction, √d features per split (at least 1).
struct ForestModel: ValueModel {
    indirect enum Node: Sendable { case leaf(Double), split(Int, Double, Node, Node) }
    let trees: [Node]

    func predict(_ x: [Double]) -> Double {
        trees.reduce(0) { acc, t in
            var node = t
            while case .split(let f, let th, let l, let r) = node { node = x[f] <= th ? l : r }
            if case .leaf(let v) = node { return acc + v }
            return acc
        } / Double(Swift.max(trees.count, 1))
    }

    /// `checkpoint` is called at every node grown; it throws to stop the fit.
    static func fit(_ x: [[Double]], _ y: [Double], trees count: Int, seed: UInt64, checkpoint: () throws -> Void = {}) throws -> ForestModel {
        var g = SeededGenerator(seed: seed)
        let d = x[0].count, m = Swift.max(1, Int(Double(d).squareRoot()))
        func build(_ idx: [Int], _ depth: Int) throws -> Node {
            try checkpoint()
            let mean = idx.reduce(0) { $0 + y[$1] } / Double(idx.count)
            if idx.count < 4 || depth > 16 { return .leaf(mean) }
            var features = Array(0..<d)
            features.shuffle(using: &g)
            var best: (Double, Int, Double)?
            for f in features.prefix(m) {
                let sorted = idx.sorted { x[$0][f] < x[$1][f] }
                var leftSum = 0.0, leftSq = 0.0
                let totalSum = sorted.reduce(0) { $0 + y[$1] }, totalSq = sorted.reduce(0) { $0 + y[$1] * y[$1] }
                for (k, i) in sorted.enumerated().dropLast() {
                    leftSum += y[i]; leftSq += y[i] * y[i]
                    let a = x[i][f], b = x[sorted[k + 1]][f]
                    if a == b { continue }
                    let nl = Double(k + 1), nr = Double(sorted.count - k - 1)
                    let sse = (leftSq - leftSum * leftSum / nl) + ((totalSq - leftSq) - (totalSum - leftSum) * (totalSum - leftSum) / nr)
                    if best == nil || sse < best!.0 { best = (sse, f, (a + b) / 2) }
                }
            }
            guard let (_, f, t) = best else { return .leaf(mean) }
            let l = idx.filter { x[$0][f] <= t }, r = idx.filter { x[$0][f] > t }
            if l.isEmpty || r.isEmpty { return .leaf(mean) }
            return .split(f, t, try build(l, depth + 1), try build(r, depth + 1))
        }
        let trees = try (0..<count).map { _ -> Node in
            return try build((0..<x.count).map { _ in Int(g.next() % UInt64(x.count)) }, 0)
        }
        return ForestModel(trees: trees)
    }
}

extension Learn {
    /// Fits a regression of values on feature rows; `checkpoint` is called between pieces of the
    /// work (a tree, a block of residuals) and throws to stop.
    public static func fitPredictor(_ method: PredictorMethod, _ x: [[Double]], _ y: [Double], seed: UInt64 = 1,
                                    checkpoint: () throws -> Void = {}) throws -> TrainedPredictor {
        guard x.count >= 2, x.count == y.count else { throw LearnError("data", "a predictor needs at least two examples, each with a value") }
        let d = x[0].count
        guard x.allSatisfy({ $0.count == d && $0.allSatisfy(\.isFinite) }), y.allSatisfy(\.isFinite) else {
            throw LearnError("data", "the examples must all have the same number of finite features and a finite value")
        }
        try checkpoint()
        let standardizer = Standardizer(x)
        try checkpoint()
        let z = x.map(standardizer.apply)
        try checkpoint()
        let model: any ValueModel
        switch method {
        case .linearRegression: model = try LinearModel.fit(z, y)
        case .nearestNeighbors: model = NeighborsModel(points: z, values: y, k: Swift.max(1, Swift.min(10, Int(Double(z.count).squareRoot()))))
        case .randomForest: model = try ForestModel.fit(z, y, trees: 50, seed: seed, checkpoint: checkpoint)
        case .gaussianProcess: model = try GaussianProcessModel.fit(z, y)
        case .gradientBoostedTrees: model = try GradientBoostedRegression.fit(z, y, checkpoint: checkpoint)
        case .neuralNetwork:
            model = try withoutActuallyEscaping(checkpoint) { try NeuralNetworkRegression.fit(z, y, seed: seed, checkpoint: $0) }
        }
        // The residuals of at most 2000 training examples, evenly spaced: n predictions of a
        // nearest-neighbours model or a Gaussian process would cost n² on large data.
        let rows = z.count <= 2000 ? Array(z.indices) : (0..<2000).map { $0 * z.count / 2000 }
        var residuals: [Double] = []
        residuals.reserveCapacity(rows.count)
        for (k, i) in rows.enumerated() {
            if k % 16 == 15 { try checkpoint() }
            residuals.append(model.predict(z[i]) - y[i])
        }
        let sd = (residuals.reduce(0) { $0 + $1 * $1 } / Double(Swift.max(residuals.count - 1, 1))).squareRoot()
        return TrainedPredictor(method: method, standardizer: standardizer, model: model, residualDeviation: sd)
    }
}

extension Learn {
    /// The cross-validated mean squared error of each candidate method (k folds); the method of
    /// least error is what `Predict`'s `Method -> Automatic` picks, the earlier one on a tie.
    /// `checkpoint` hears which method and fold is being tried and is called within each fit.
    public static func choosePredictor(_ x: [[Double]], _ y: [Double], candidates: [PredictorMethod], folds: Int = 3, seed: UInt64 = 1,
                                       checkpoint: (_ doing: String?) throws -> Void = { _ in }) throws -> (PredictorMethod, [PredictorMethod: Double]) {
        let k = Swift.max(2, Swift.min(folds, x.count / 2))
        let errors = try crossValidated(candidates, examples: x.count, folds: k, seed: seed, unscored: .infinity,
                                        trainable: { $0.count >= 2 },
                                        announce: { m, f, _ in try checkpoint("Trying \(m.rawValue), fold \(f + 1)/\(k)") }) { m, train, test in
            let p = try fitPredictor(m, train.map { x[$0] }, train.map { y[$0] }, seed: seed) { try checkpoint(nil) }
            let total = test.reduce(0.0) { total, i in
                let e = p.predict(x[i]) - y[i]
                return total + (e.isFinite ? e * e : .infinity)
            }
            return (total, test.count)
        }
        var best = candidates.first ?? .linearRegression
        for m in candidates where (errors[m] ?? .infinity) < (errors[best] ?? .infinity) { best = m }
        return (best, errors)
    }
}
