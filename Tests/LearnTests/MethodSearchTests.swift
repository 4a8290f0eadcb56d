import Foundation
import Testing
@testable import Learn

@Suite struct MethodSearchTests {
    @Test func searchSaysWhatItTriesAndHowTheOthersDid() throws {
        let x: [[Double]] = (0..<30).map { (i: Int) -> [Double] in
            let a = Double(i % 2) * 3, b = Double(i) / 30
            return [a + b, Double(i % 3)]
        }
        let y: [Int] = (0..<30).map { $0 % 2 }
        let heard = Heard()
        let (chosen, scores) = try Learn.chooseMethod(x, y, classes: 2, candidates: [.logisticRegression, .naiveBayes]) { text in
            if let text { heard.add(text) }
        }
        let lines = heard.lines
        #expect(lines.first == "Trying LogisticRegression, fold 1/3")
        let logistic: Double = scores[ClassifierMethod.logisticRegression] ?? 0
        let accuracy = Int((logistic * 100).rounded())
        #expect(lines.contains("Trying NaiveBayes, fold 1/3 (LogisticRegression \(accuracy)%)"), "\(lines)")
        let best = scores.values.max()
        #expect(scores[chosen] == best)
    }
}

/// The lines a search reported.
private final class Heard: @unchecked Sendable {
    private let lock = NSLock()
    private var all: [String] = []
    func add(_ s: String) { lock.lock(); all.append(s); lock.unlock() }
    var lines: [String] { lock.lock(); defer { lock.unlock() }; return all }
}
