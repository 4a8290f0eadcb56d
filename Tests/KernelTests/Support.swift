import Foundation
import CoreKernel
import LearnKernel
import NetsKernel
import Randomness
import Testing

/// The kernel the nets and learning tests share (see KernelSession.swift): the three libraries.
nonisolated(unsafe) let sharedKernel = Kernel(libraries: [NetsLibrary.self, LearnLibrary.self])

/// The nets and learning libraries' tests, serialized because they share one session.
@Suite(.serialized) struct KernelSuite {}

extension SeededGenerator {
    /// A number in 0..<n, for choosing fuzz inputs (the same inputs on every run).
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
}

/// A JSON fixture stored beside these tests (`Fixtures/<path>`, or `../LearnTests/Fixtures/...`),
/// decoded; empty when it is missing or malformed, which each suite's count check then reports.
func fixture<T: Decodable>(_ path: String, as type: [T].Type = [T].self) -> [T] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(path)
    guard let data = try? Data(contentsOf: url), let cases = try? JSONDecoder().decode(type, from: data) else { return [] }
    return cases
}

/// A JSON fixture of any shape (`Fixtures/<path>`), as Foundation objects; nil when missing.
func fixtureObject(_ path: String) -> Any? {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(path)
    return (try? Data(contentsOf: url)).flatMap { try? JSONSerialization.jsonObject(with: $0) }
}
