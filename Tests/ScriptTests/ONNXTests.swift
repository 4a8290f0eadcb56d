import Foundation
import Testing

/// nets's ONNX exports run by ONNX Runtime: MobileNet V2, a small convolutional net, a graph, deconvolutions,
/// sequence layers (embedding, LSTM, GRU, basic recurrent, the sequence cuts and aggregations),
/// bidirectional recurrent layers, layer normalization, TransposeLayer, and resizing, parts, threading, constant
/// arrays and catenation at a deeper level, each accepted by onnx.checker and
/// giving nets's outputs (Clients/onnx_check.py). The clients are onnx and onnxruntime pinned by
/// hash in scripts/requirements-test.txt, installed by scripts/setup into
/// $NETS_HOME/python-clients; when they do not import, the test says why and checks nothing.
@Suite struct ONNXTests {
    /// Why ONNX Runtime cannot run the exports here, or nil when it can.
    static func unavailable() -> String? {
        guard FileManager.default.fileExists(atPath: NotebookTests.clients + "/onnxruntime") else {
            return "\(NotebookTests.clients) has no onnxruntime (run scripts/setup)"
        }
        guard let r = try? Running(["python3", "-S", "-c", "import onnx, onnxruntime"], environment: ["PYTHONPATH": NotebookTests.clients],
                                   executable: URL(fileURLWithPath: "/usr/bin/env")),
              r.exitStatus(within: 120) == 0 else {
            return "onnx and onnxruntime do not import from \(NotebookTests.clients)"
        }
        return nil
    }

    @Test func onnxRuntimeRunsTheExports() throws {
        if let why = Self.unavailable() {
            print("ONNXTests.onnxRuntimeRunsTheExports skipped: \(why)")
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
        for name in ["mobilenet_v2", "small_cnn", "graph", "deconvolution", "lstm", "recurrent", "embedding", "bidirectional", "layernorm", "transpose"] {
            #expect(r.output.contains("ok   \(name) max |difference|"), "\(r.output)")
        }
    }
}
