import Foundation
import Testing

/// The rest of issue 21's list, end to end on a pseudo-terminal (LearnerViewTests,
/// OutputElisionTests, ProgressTests and ContinuationTests cover the other points): forms as
/// aligned text, `Options`, `Information` and properties of every kind of object, the guide and
/// the lists of what can be loaded, and messages that say where and what.
@Suite(.serialized) struct LearnerAuditTests {
    /// Grid, Column, Row, MatrixForm and Snippet print as aligned text under their `Out` label
    /// (Grid, Column and Row are layouts, not forms: their label is the plain `Out[n]=`).
    @Test func formsAreAlignedText() throws {
        let s = try REPLSession()
        defer { s.finish() }
        let grid = s.enter("Grid[{{1, 22}, {333, 4}}]") ?? ""
        #expect(grid.contains("Out[1]= 1   22\r\n        333 4"), "\(grid)")
        let column = s.enter("Column[{1, 22, 333}]") ?? ""
        #expect(column.contains("Out[2]= 1\r\n        22\r\n        333"), "\(column)")
        #expect(s.enter("Row[{1, 2, 3}, \",\"]")?.contains("Out[3]= 1,2,3") == true, "\(s.shown)")
        let matrix = s.enter("MatrixForm[{{1, 2}, {3, 4}}]") ?? ""
        #expect(matrix.contains("Out[4]//MatrixForm= 1   2\r\n") && matrix.contains("                    3   4"), "\(matrix)")
        #expect(s.enter("Snippet[\"one\\ntwo\\nthree\", 2]")?.contains("Out[5]= one\r\n        two\r\n") == true, "\(s.shown)")
    }

    /// `Options[obj]` gives the settings each kind of object was made with; `Information[obj]`
    /// a summary; `obj["Properties"]` the names it serves.
    @Test func optionsInformationAndPropertiesOfObjects() throws {
        let s = try REPLSession()
        defer { s.finish() }
        #expect(s.enter("img = Image[RandomReal[1, {4, 5, 3}]]; Options[img]")?.contains("{ColorSpace -> RGB, Interleaving -> True}") == true, "\(s.shown)")
        #expect(s.enter("Options[Image[RandomReal[1, {4, 5}]]]")?.contains("{ColorSpace -> Grayscale, Interleaving -> None}") == true, "\(s.shown)")
        #expect(s.enter("net = NetInitialize@NetChain[{LinearLayer[2]}, \"Input\" -> 3]; Options[net]")?.contains("{Input -> 3, Output -> 2}") == true
                || s.shown.contains("{Input -> {3}, Output -> {2}}"), "\(s.shown)")
        let r = s.enter("r = NetTrain[net, {{1., 2., 3.} -> {1., 0.}, {3., 2., 1.} -> {0., 1.}}, All, MaxTrainingRounds -> 2, BatchSize -> 2]; Options[r]", seconds: 120) ?? ""
        #expect(r.contains("BatchSize -> 2") && r.contains("LossFunction -> "), "\(r)")
        #expect(s.enter("r[\"Properties\"]")?.contains("TrainedNet") == true, "\(s.shown)")
        #expect(s.enter("p = Predict[{1 -> 1., 2 -> 2., 3 -> 3.1}, Method -> \"LinearRegression\"]; Options[p]", seconds: 120)?.contains("Method -> LinearRegression") == true, "\(s.shown)")
        #expect(s.enter("p[\"Properties\"]")?.contains("Method") == true, "\(s.shown)")
        let fm = s.enter("fm = LinearModelFit[{{1, 1.}, {2, 2.1}, {3, 2.9}}, x, x]; Information[fm]") ?? ""
        #expect(fm.contains("R squared:") && fm.contains("Best fit:"), "\(fm)")
        let ds = s.enter("ds = Dataset[{<|\"a\" -> 1, \"b\" -> 2|>, <|\"a\" -> 3, \"b\" -> 4|>}]; Information[ds]") ?? ""
        #expect(ds.contains("Dataset") && ds.contains("Rows:") && ds.contains("Columns: a, b"), "\(ds)")
        #expect(!ds.contains("Global`ds"), "\(ds)")
    }

    /// Native objects take parts as Wolfram's do: a ClassifierFunction and its kin are
    /// `Head[<|...|>]` (Length 1, part 1 an association of their properties), a net's parts are
    /// its layers, a NumericArray's its rows, and an image is an atom (`Part::partd`).
    @Test func partsOfObjects() throws {
        let s = try REPLSession()
        defer { s.finish() }
        #expect(s.enter("c = Classify[{1 -> a, 2 -> a, 3 -> a, 7 -> b, 8 -> b, 9 -> b}, Method -> \"LogisticRegression\"];", seconds: 120) != nil)
        #expect(s.enter("c[[1]]")?.contains("<|Method -> LogisticRegression, Classes -> {a, b}, ExampleNumber -> 6") == true, "\(s.shown)")
        #expect(s.enter("{Length[c], Head[c], AtomQ[c], c[[0]], c[[1, \"ClassNumber\"]], First[c][\"Method\"]}")?
            .contains("{1, ClassifierFunction, False, ClassifierFunction, 2, LogisticRegression}") == true, "\(s.shown)")
        let missing = s.enter("c[[2]]") ?? ""
        #expect(missing.contains("Part::partw: Part 2 of ClassifierFunction[") && missing.contains("[[2]]"), "\(missing)")
        #expect(s.enter("p = Predict[{1 -> 1., 2 -> 2., 3 -> 3.1}, Method -> \"LinearRegression\"]; {Length[p], p[[1, \"Method\"]]}", seconds: 120)?
            .contains("{1, LinearRegression}") == true, "\(s.shown)")
        #expect(s.enter("fm = LinearModelFit[{{1, 1.}, {2, 2.1}, {3, 2.9}}, x, x]; fm[[1, \"BestFit\"]]")?.contains("0.1 + 0.95 x") == true, "\(s.shown)")
        #expect(s.enter("ClassifierMeasurements[c, {1 -> a, 9 -> b}][[1, \"Accuracy\"]]")?.contains("= 1.") == true, "\(s.shown)")
        #expect(s.enter("net = NetInitialize@NetChain[{LinearLayer[5], Ramp, LinearLayer[2]}, \"Input\" -> 3]; {Length[net], net[[-1]]}")?
            .contains("{3, LinearLayer[<2 x 5>]}") == true, "\(s.shown)")
        #expect(s.enter("net[[5]]")?.contains("Part::partw: Part 5 of NetChain[<3 layers>] does not exist.") == true, "\(s.shown)")
        #expect(s.enter("r = NetTrain[net, {{1., 2., 3.} -> {1., 0.}}, All, MaxTrainingRounds -> 2]; {Length[r], Head[r[[1, \"TrainedNet\"]]]}", seconds: 120)?
            .contains("{1, NetChain}") == true, "\(s.shown)")
        #expect(s.enter("na = NumericArray[{{1, 2}, {3, 4}, {5, 6}}, \"Real32\"]; {Length[na], na[[-1, 2]], Normal[na[[2]]]}")?
            .contains("{3, 6., {3., 4.}}") == true, "\(s.shown)")
        #expect(s.enter("na[[7]]")?.contains("Part::partw: Part 7 of NumericArray[<Real32, 3x2>] does not exist.") == true, "\(s.shown)")
        let image = s.enter("img = Image[RandomReal[1, {4, 5, 3}]]; {Length[img], AtomQ[img]}") ?? ""
        #expect(image.contains("{0, True}"), "\(image)")
        #expect(s.enter("img[[1]]")?.contains("Part::partd: Part specification -Image- (5x4 RGB)[[1]] is longer than depth of object.") == true, "\(s.shown)")
        #expect(s.enter("ds = Dataset[{<|\"a\" -> 1, \"b\" -> 2|>, <|\"a\" -> 3, \"b\" -> 4|>}]; {Length[ds], ds[[2, \"b\"]]}")?.contains("{2, 4}") == true, "\(s.shown)")
    }

    /// The guide by topic, and what can be loaded.
    @Test func guideAndWhatCanBeLoaded() throws {
        let s = try REPLSession()
        defer { s.finish() }
        let topics = s.enter("Guide[]") ?? ""
        for t in ["Layers", "Models", "Data", "Plots", "Learning"] { #expect(topics.contains("  \(t) "), "\(t) in \(topics)") }
        let layers = s.enter("Guide[\"Layers\"]") ?? ""
        #expect(layers.contains("LinearLayer") && layers.contains("ConvolutionLayer") && !layers.contains("$$"), "\(layers)")
        #expect(s.enter("NetModel[]")?.contains("LeNet Trained on MNIST Data") == true, "\(s.shown)")
        #expect(s.enter("ResourceData[]")?.contains("MNIST") == true, "\(s.shown)")
        #expect(s.enter("ExampleData[]")?.contains("{MachineLearning, TestImage}") == true, "\(s.shown)")
        #expect(s.enter("Names[\"*Layer\"]")?.contains("$$") == false, "\(s.shown)")
    }

    /// A script with an unclosed bracket, run with its output redirected, is reported where the
    /// bracket opened as well as where the input ended.
    @Test func aSyntaxErrorNamesWhereTheBracketOpened() throws {
        let r = try OutputElisionTests.runScript("x = 1;\ny = f[1, 2\nz = 3\n")
        #expect(r.output.contains("\"[\" is not closed") && r.output.contains("opened at line 2, column 6"), "\(r.output)")
        let brace = try OutputElisionTests.runScript("{1, 2\n")
        #expect(brace.output.contains("\"{\" is not closed") && brace.output.contains("opened at line 1, column 1"), "\(brace.output)")
        let string = try OutputElisionTests.runScript("a = 1;\ns = \"abc\n")
        #expect(string.output.contains("opened at line 2, column 5"), "\(string.output)")
    }

    /// Messages name shapes as Wolfram does and never lack their text.
    @Test func messagesThatHelp() throws {
        let s = try REPLSession()
        defer { s.finish() }
        let write = s.enter("f[x_ := x]") ?? ""
        #expect(!write.contains("Message text not found"), "\(write)")
        #expect(write.contains("SetDelayed::write:"), "\(write)")
        let shapes = s.enter("NetTrain[NetChain[{LinearLayer[2]}, \"Input\" -> 3], {{1, 2, 3} -> {1, 2, 3}}]", seconds: 120) ?? ""
        #expect(shapes.contains("vector of size"), "\(shapes)")
        #expect(!shapes.contains("[3, 1]") && !shapes.contains("Message text not found"), "\(shapes)")
        let arity = s.enter("Length[1, 2]") ?? ""
        #expect(arity.contains("called with 2 arguments; 1 argument is expected"), "\(arity)")
    }
}
