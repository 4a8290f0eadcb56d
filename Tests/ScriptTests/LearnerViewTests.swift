import Foundation
import Testing

/// What a learner sees at a terminal (issue 21), end to end on a pseudo-terminal: help with
/// `?`, summaries of nets and classifiers, suggestions for misspelt names and options, and
/// progress lines both on a terminal and in a script whose output is redirected.
@Suite(.serialized) struct LearnerViewTests {
    @Test func helpShowsUsageExampleAndRelatedNames() throws {
        let s = try REPLSession()
        defer { s.finish() }
        let shown = s.enter("?NetTrain") ?? ""
        #expect(shown.contains("NetTrain["), "\(shown)")
        #expect(shown.contains("Example: "), "\(shown)")
        #expect(shown.contains("See also: NetChain"), "\(shown)")
        #expect(!shown.contains("Information::"), "\(shown)")
    }

    @Test func helpForAnUnknownNameSaysSoAndSuggests() throws {
        let s = try REPLSession()
        defer { s.finish() }
        let close = s.enter("?Lenght") ?? ""
        #expect(close.contains("Information::notfound: Nothing is known about Lenght. Did you mean Length?"), "\(close)")
        #expect(!close.contains("no usage message"), "\(close)")
        let far = s.enter("?Xqzzyv") ?? ""
        #expect(far.contains("Information::notfound: Nothing is known about Xqzzyv."), "\(far)")
        #expect(!far.contains("Did you mean"), "\(far)")
        // A wildcard lists names and never the private helpers.
        let listed = s.enter("?*Layer") ?? ""
        #expect(listed.contains("LinearLayer") && !listed.contains("$$"), "\(listed)")
    }

    @Test func netAndClassifierSummariesAtTheTerminal() throws {
        let s = try REPLSession()
        defer { s.finish() }
        let net = s.enter("net = NetInitialize@NetChain[{LinearLayer[5], Ramp, LinearLayer[2]}, \"Input\" -> 3]") ?? ""
        #expect(net.contains("Out[1]= NetChain[<3 layers>]"), "\(net)")
        let info = s.enter("Information[net]") ?? ""
        #expect(info.contains("Input:      vector of size 3"), "\(info)")
        #expect(info.contains("LinearLayer") && info.contains("Parameters: 32"), "\(info)")
        let c = s.enter("c = Classify[{1 -> a, 2 -> a, 3 -> a, 7 -> b, 8 -> b, 9 -> b}, Method -> \"LogisticRegression\"]", seconds: 120) ?? ""
        #expect(c.contains("ClassifierFunction["), "\(c)")
        let card = s.enter("Information[c]") ?? ""
        for field in ["ClassifierFunction", "LogisticRegression", "Classes", "a, b", "6"] {
            #expect(card.contains(field), "\(field) in \(card)")
        }
        #expect(s.enter("Options[c, Method]")?.contains("{Method -> LogisticRegression}") == true)
    }

    /// Arrays and images print as summaries, `Short` and `Shallow` as Wolfram's text forms.
    @Test func summariesAndShortForms() throws {
        let s = try REPLSession()
        defer { s.finish() }
        #expect(s.enter("Image[RandomReal[1, {30, 40, 3}]]")?.contains("Out[1]= -Image- (40x30 RGB)") == true, "\(s.shown)")
        #expect(s.enter("NumericArray[RandomReal[1, {60, 28, 28}], \"Real32\"]")?.contains("Out[2]= NumericArray[<Real32, 60x28x28>]") == true, "\(s.shown)")
        let short = s.enter("Short[Range[200]]") ?? ""
        #expect(short.contains("Out[3]//Short= {1, 2, 3, ") && short.contains("<<") && short.contains(", 200}") && !short.contains(", 100, "), "\(short)")
        #expect(s.enter("Shallow[{{{1}}, {{2}}}, 1]")?.contains("Out[4]//Shallow= {<<1>>, <<1>>}") == true, "\(s.shown)")
    }

    @Test func misspeltOptionsAndNamesGetSuggestions() throws {
        let s = try REPLSession()
        defer { s.finish() }
        let option = s.enter("ConvolutionLayer[8, 3, \"Stide\" -> 2]") ?? ""
        #expect(option.contains("ConvolutionLayer::optx: Unknown option \"Stide\"") && option.contains("Did you mean \"Stride\"?"), "\(option)")
        let port = s.enter("NetChain[{LinearLayer[2]}, \"Inptu\" -> 3]") ?? ""
        #expect(port.contains("NetChain::optx: Unknown option \"Inptu\" for NetChain. Did you mean \"Input\"?"), "\(port)")
        let symbolOption = s.enter("Classify[{1 -> a, 2 -> b}, Methd -> \"NearestNeighbors\"]") ?? ""
        #expect(symbolOption.contains("Did you mean Method?"), "\(symbolOption)")
        let activation = s.enter("ElementwiseLayer[\"ReLu\"]") ?? ""
        #expect(activation.contains("Did you mean \"ReLU\"?"), "\(activation)")
        let model = s.enter("NetModel[\"mobilenet\"]") ?? ""
        #expect(model.contains("NetModel::notmodel") && model.contains("Did you mean \"MobileNet V2"), "\(model)")
        let data = s.enter("ResourceData[\"MNSIT\"]") ?? ""
        #expect(data.lowercased().contains("did you mean \"mnist\"?"), "\(data)")
    }

    /// A script run with its standard output redirected (no `NETS_PROGRESS` setting) shows
    /// progress as plain lines, without escape codes; the results are unchanged.
    @Test func aRedirectedScriptShowsPlainProgressLines() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nets-progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try (ProgressTests.search + "\n").write(to: dir.appendingPathComponent("search.nets"), atomically: true, encoding: .utf8)
        let r = try Running(["search.nets"], environment: ["NETS_PROGRESS": "", "NETS_PROGRESS_EVERY": "0"], directory: dir)
        #expect(r.exitStatus(within: 120) == 0, "\(r.output)")
        let lines = r.output.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("Classify: Trying ") }, "\(r.output)")
        #expect(lines.last?.hasPrefix("Out[1]= ClassifierFunction[") == true, "\(r.output)")
        #expect(!r.output.contains("\u{1B}["), "no escape codes off a terminal")
    }
}
