import CoreKernel
import Foundation

/// The kernel the core library's tests share (see KernelSession.swift): the core library alone,
/// no tensors; the tests of this target run in one serialized suite.
nonisolated(unsafe) let sharedKernel = Kernel()

/// The input -> output pairs of a JSON fixture in `Fixtures/` (a list of two-string lists, as
/// the fixture scripts there write them); empty when the file is missing or malformed.
func fixtureCases(_ name: String) -> [(String, String)] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    guard let data = try? Data(contentsOf: url),
          let rows = try? JSONSerialization.jsonObject(with: data) as? [[String]] else { return [] }
    return rows.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil }
}
