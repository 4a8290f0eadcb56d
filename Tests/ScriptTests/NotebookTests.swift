import Foundation
import Testing

/// nets as a Jupyter kernel, driven by the real client: jupyter_client (pinned by hash in
/// scripts/requirements-test.txt; scripts/setup installs it into $NETS_HOME/python-clients) starts
/// the kernel from the spec `nets install-kernel` writes and checks kernel_info, execute (streams,
/// results, messages, errors, `%`), complete, inspect, is_complete, comm_info, interrupt,
/// heartbeat and shutdown: Clients/jupyter_check.py, one line per check.
@Suite struct NotebookTests {
    static var clients: String {
        let env = ProcessInfo.processInfo.environment
        let home = env["NETS_HOME"].flatMap { $0.isEmpty ? nil : ($0 as NSString).expandingTildeInPath }
            ?? NSHomeDirectory() + "/.cache/nets"
        return home + "/python-clients"
    }

    @Test func jupyterClientDrivesTheKernel() throws {
        guard FileManager.default.fileExists(atPath: Self.clients + "/jupyter_client") else {
            Issue.record("\(Self.clients) has no jupyter_client: run scripts/setup")
            return
        }
        let check = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients/jupyter_check.py").path
        // -S: only the pinned clients, not whatever the system's site-packages hold.
        let r = try Running(["python3", "-S", check, ScriptTests.binary.path],
                            environment: ["PYTHONPATH": Self.clients],
                            executable: URL(fileURLWithPath: "/usr/bin/env"))
        let status = r.exitStatus(within: 300)
        #expect(status == 0, "\(r.output)")
        #expect(r.output.contains("ok   shutdown ends the kernel"), "\(r.output)")
        #expect(!r.output.contains("FAIL"), "\(r.output)")
    }
}
