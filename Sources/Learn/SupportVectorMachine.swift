import Foundation
import Randomness

/// A support vector machine with a Gaussian (RBF) kernel `exp(-γ |x - x'|²)`, γ = 1 / features
/// (scikit-learn's `gamma="scale"` on standardized features) and C = 1: one machine per class
/// against the rest, each trained by simplified SMO (sequential minimal optimization, pairs of
/// multipliers chosen at random). A class's probability is the logistic function of its
/// decision value, normalized over the classes.
///
/// Limits: at most `maximumExamples` examples (the kernel matrix is n x n).
public struct SupportVectorMachine: ProbabilityModel, Codable {
    public static let maximumExamples = 3_000

    /// The support vectors, and for each class the multipliers times ±1 (one per support vector) and the bias.
    let vectors: [[Double]]
    let coefficients: [[Double]]
    let biases: [Double]
    let gamma: Double

    public func probabilities(_ x: [Double]) -> [Double] {
        let k = vectors.map { SupportVectorMachine.kernel($0, x, gamma) }
        let s = zip(coefficients, biases).map { c, b in 1 / (1 + exp(-(dot(c, k) + b))) }
        let total = s.reduce(0, +)
        return total > 0 ? s.map { $0 / total } : s.map { _ in 1 / Double(s.count) }
    }

    static func kernel(_ a: [Double], _ b: [Double], _ gamma: Double) -> Double {
        var d2 = 0.0
        for (p, q) in zip(a, b) { d2 += (p - q) * (p - q) }
        return exp(-gamma * d2)
    }

    /// `checkpoint` is called after every pass over the examples; it throws to stop the fit.
    static func fit(_ x: [[Double]], _ y: [Int], classes: Int, seed: UInt64, c: Double = 1,
                    checkpoint: () throws -> Void = {}) throws -> SupportVectorMachine {
        let n = x.count
        guard n <= maximumExamples else { throw LearnError("nomem", "a support vector machine takes at most \(maximumExamples) examples, not \(n)") }
        let gamma = 1 / Double(Swift.max(x.first?.count ?? 1, 1))
        var gram = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0...i { let v = kernel(x[i], x[j], gamma); gram[i * n + j] = v; gram[j * n + i] = v } }
        var g = SeededGenerator(seed: seed)
        var alphas: [[Double]] = [], biases: [Double] = []
        for k in 0..<classes {
            let t = y.map { $0 == k ? 1.0 : -1.0 }
            let (a, b) = try smo(gram, t, n: n, c: c, generator: &g, checkpoint: checkpoint)
            alphas.append(a)
            biases.append(b)
        }
        // Keep the examples that are a support vector for some class.
        let support = (0..<n).filter { i in alphas.contains { $0[i] > 1e-8 } }
        let coefficients = (0..<classes).map { k in support.map { alphas[k][$0] * (y[$0] == k ? 1 : -1) } }
        return SupportVectorMachine(vectors: support.map { x[$0] }, coefficients: coefficients, biases: biases, gamma: gamma)
    }

    /// Simplified SMO for labels ±1 on a precomputed kernel: the multipliers and the bias.
    private static func smo(_ gram: [Double], _ t: [Double], n: Int, c: Double, tolerance: Double = 1e-3, passes: Int = 5,
                            generator g: inout SeededGenerator, checkpoint: () throws -> Void) throws -> ([Double], Double) {
        var a = [Double](repeating: 0, count: n), b = 0.0
        // f[i] = Σ a_j t_j K(j, i): kept up to date as multipliers change.
        var f = [Double](repeating: 0, count: n)
        var quiet = 0, rounds = 0
        while quiet < passes && rounds < 200 {
            var changed = 0
            for i in 0..<n {
                let ei = f[i] + b - t[i]
                guard (t[i] * ei < -tolerance && a[i] < c) || (t[i] * ei > tolerance && a[i] > 0), n > 1 else { continue }
                var j = Int(g.next() % UInt64(n - 1))
                if j >= i { j += 1 }
                let ej = f[j] + b - t[j]
                let ai = a[i], aj = a[j]
                let (lo, hi) = t[i] != t[j] ? (Swift.max(0, aj - ai), Swift.min(c, c + aj - ai)) : (Swift.max(0, ai + aj - c), Swift.min(c, ai + aj))
                let eta = 2 * gram[i * n + j] - gram[i * n + i] - gram[j * n + j]
                guard lo < hi, eta < 0 else { continue }
                let newJ = Swift.min(hi, Swift.max(lo, aj - t[j] * (ei - ej) / eta))
                guard abs(newJ - aj) > 1e-5 else { continue }
                let newI = ai + t[i] * t[j] * (aj - newJ)
                let di = (newI - ai) * t[i], dj = (newJ - aj) * t[j]
                let b1 = b - ei - di * gram[i * n + i] - dj * gram[i * n + j]
                let b2 = b - ej - di * gram[i * n + j] - dj * gram[j * n + j]
                b = newI > 0 && newI < c ? b1 : (newJ > 0 && newJ < c ? b2 : (b1 + b2) / 2)
                a[i] = newI
                a[j] = newJ
                for m in 0..<n { f[m] += di * gram[i * n + m] + dj * gram[j * n + m] }
                changed += 1
            }
            quiet = changed == 0 ? quiet + 1 : 0
            rounds += 1
            try checkpoint()
        }
        return (a, b)
    }
}

extension SupportVectorMachine: ValidatedModel {
    func validate(classes: Int, features: Int) throws {
        guard coefficients.count == classes, biases.count == classes, coefficients.allSatisfy({ $0.count == vectors.count }),
              vectors.allSatisfy({ $0.count == features }) else {
            throw damaged("the support vector machine's vectors and coefficients do not fit \(classes) classes of \(features) features")
        }
        guard gamma.isFinite, gamma > 0, (biases + coefficients.flatMap { $0 } + vectors.flatMap { $0 }).allSatisfy(\.isFinite) else {
            throw damaged("the support vector machine holds a number that is not finite")
        }
    }
}
