import CoreKernel
import Foundation
import Testing

extension KernelSuite {
    /// Export writes through a temporary file and a rename: the destination is always either the
    /// old file or the new one, and no temporary file stays behind.
    @Suite struct Exports {
        @Test func replacesWholeAndLeavesNothing() throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nets-export-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent("t.csv").path
            #expect(eval("Export[\"\(path)\", {{1, 2}, {3, 4}}]") == path)
            #expect(eval("Export[\"\(path)\", {{5, 6}}]; Import[\"\(path)\"]") == "{{5, 6}}")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["t.csv"])
            let t = run("Export[\"\(folder.path)/missing/t.csv\", {1}]")
            #expect(t.result == "$Failed")
            #expect(t.messages.contains { $0.hasPrefix("Export::noopen:") }, "\(t.messages)")
        }
    }
}
