import Foundation
import Testing

/// nets's ONNX exports run by ONNX Runtime: MobileNet V2, a small convolutional net, a graph, deconvolutions and
/// sequence layers (embedding, LSTM, GRU, basic recurrent, the sequence cuts and aggregations),
/// each accepted by onnx.checker and giving nets's outputs (Clients/onnx_check.py). The clients
/// are onnx and onnxruntime pinned by hash in scripts/requirements-test.txt, installed by
/// scripts/setup into $NETS_HOME/python-clients.
@Suite struct ONNXTests {
    @Test func onnxRuntimeRunsTheExports() throws {
        guard FileManager.default.fileExists(atPath: NotebookTests.clients + "/onnxruntime") else {
            Issue.record("\(NotebookTests.clients) has no onnxruntime: run scripts/setup")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nets-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let check = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients/onnx_check.py").path
        let r = try Running(["python3", "-S", check, ScriptTests.binary.path, dir.path],
                            environment: ["PYTHONPATH": NotebookTests.clients],
                            executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(r.exitStatus(within: 900) == 0, "\(r.output)")
        for name in ["mobilenet_v2", "small_cnn", "graph", "deconvolution", "lstm", "recurrent", "embedding"] {
            #expect(r.output.contains("ok   \(name) max |difference|"), "\(r.output)")
        }
    }
}
