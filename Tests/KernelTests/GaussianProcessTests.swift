import Foundation
import LearnKernel
import Testing

/// One reference for Predict[..., Method -> "GaussianProcess"]: training data, test inputs, and
/// scikit-learn's posterior means and standard deviations
/// (Fixtures/gp/make_fixtures.py wrote them to Fixtures/gp/gp.json).
struct GaussianProcessReference: Decodable, CustomTestStringConvertible, Sendable {
    let name: String
    let data: String
    let test: String
    let mean: [Double]
    let sd: [Double]

    var testDescription: String { name }

    static let all: [GaussianProcessReference] = fixture("Fixtures/gp/gp.json")
}

extension KernelSuite {
    @Suite struct GaussianProcess {
        @Test func fixturesAreThere() {
            #expect(GaussianProcessReference.all.count == 3)
        }

        /// Means and deviations within 2% of the values' spread (the likelihood is flat near its
        /// top, so two optimizers stop at slightly different hyperparameters).
        @Test(arguments: GaussianProcessReference.all)
        func matchesScikitLearn(_ r: GaussianProcessReference) {
            let t = run("""
                p = Predict[\(r.data), Method -> "GaussianProcess"];
                d = p[\(r.test), "Distribution"];
                {Mean /@ d, StandardDeviation /@ d, Max[Abs[Values[\(r.data)]]]}
                """)
            #expect(t.messages.isEmpty, "\(r.name): \(t.messages)")
            let numbers = t.result.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")
                .split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            let k = r.mean.count
            guard numbers.count == 2 * k + 1 else {
                Issue.record("\(r.name): \(t.result)")
                return
            }
            let spread = numbers[2 * k]
            for i in 0..<k {
                #expect(abs(numbers[i] - r.mean[i]) <= 0.02 * spread, "\(r.name) mean \(i): \(numbers[i]) vs \(r.mean[i])")
                #expect(abs(numbers[k + i] - r.sd[i]) <= 0.02 * spread + 0.1 * r.sd[i], "\(r.name) sd \(i): \(numbers[k + i]) vs \(r.sd[i])")
            }
        }

        @Test func decisionsAndProperties() {
            #expect(eval("p = Predict[{1 -> 1., 2 -> 2., 3 -> 3., 4 -> 4.}, Method -> \"GaussianProcess\"]; Head[p[2.5, \"Distribution\"]]") == "NormalDistribution")
            #expect(eval("p = Predict[{1 -> 1., 2 -> 2., 3 -> 3., 4 -> 4.}, Method -> \"GaussianProcess\"]; Abs[p[2.5] - 2.5] < 0.1") == "True")
            // Far from the data the deviation grows back towards the prior's.
            #expect(eval("p = Predict[{1 -> 1., 2 -> 2., 3 -> 1., 4 -> 2.}, Method -> \"GaussianProcess\"]; p[2.5, \"StandardDeviation\"] < p[40, \"StandardDeviation\"]") == "True")
        }
    }
}
