import CoreKernel
import Foundation
import Language
import LearnKernel
import NetsKernel
import Testing

/// The richer forms a notebook shows for a result (RichForms), and their display metadata.
func richForms(_ source: String) -> (forms: [String: String], metadata: [String: [String: Int]]) {
    exclusive {
        sharedKernel.clearUserSymbols()
        let box = Shared<([String: String], [String: [String: Int]])>(([:], [:]))
        let kernel = Shared(sharedKernel)
        runOnLargeStack {
            var last: Expr = .null
            _ = kernel.value.evaluateEach(source) { _, result in last = result }
            box.value = (RichForms.forms(last), RichForms.metadata(last))
        }
        return box.value
    }
}

extension KernelSuite {
    /// Notebook displays: classifiers, predictors and measurements as HTML cards, datasets and
    /// associations of lists as tables, pictures as PNGs at two pixels a point with their size in
    /// points; and the learning pictures (ROC curves, error rates, drawings of nets).
    @Suite struct RichDisplay {
        @Test func classifiersAndPredictorsAreCards() {
            let c = richForms("Classify[{1 -> \"small\", 2 -> \"small\", 8 -> \"big\", 9 -> \"big\"}, Method -> \"NaiveBayes\"]").forms["text/html"] ?? ""
            #expect(c.contains("ClassifierFunction") && c.contains("NaiveBayes") && c.contains("small, big") || c.contains("big, small"), "\(c)")
            #expect(c.contains("<th style=\"text-align:left\">Input type</th><td style=\"text-align:left\">number</td>"), "\(c)")
            #expect(c.contains("<td style=\"text-align:left\">4</td>"), "training examples: \(c)")
            let p = richForms("Predict[{1 -> 2., 2 -> 4., 3 -> 6.1}]").forms["text/html"] ?? ""
            #expect(p.contains("PredictorFunction") && p.contains("LinearRegression") && p.contains(">3<"), "\(p)")
            #expect(richForms("Classify[{{1, 2} -> a, {3, 4} -> b}]").forms["text/html"]?.contains("vector of 2 numbers") == true)
        }

        @Test func measurementsShowAccuracyAndTheConfusionMatrix() {
            let m = richForms("ClassifierMeasurements[Classify[{1 -> a, 2 -> a, 8 -> b, 9 -> b}], {1 -> a, 9 -> b, 2 -> b, 3 -> a}]").forms["text/html"] ?? ""
            #expect(m.contains("Accuracy") && m.contains("0.750 \u{00B1} 0.217"), "\(m)")
            #expect(m.contains("<img alt=\"confusion matrix\" width=\""), "\(m.prefix(400))")
        }

        @Test func datasetsAndAssociationsOfListsAreTables() {
            let d = richForms("Dataset[{<|\"a\" -> 1, \"b\" -> \"x\"|>, <|\"a\" -> 2, \"c\" -> 3|>}]").forms["text/html"] ?? ""
            #expect(d.contains("<thead><tr><th>a</th><th>b</th><th>c</th></tr></thead>"), "\(d)")
            #expect(d.contains("<tr><td>2</td><td>Missing[KeyAbsent]</td><td>3</td></tr>"), "\(d)")
            let a = richForms("<|\"u\" -> {1, 2}, \"v\" -> Range[30]|>").forms["text/html"] ?? ""
            #expect(a.contains("<tr><th style=\"text-align:left\">u</th><td>1</td><td>2</td></tr>"), "\(a)")
            #expect(a.contains("<td>12</td><td>\u{2026}</td>"), "rows are cut at 12 columns: \(a)")
            let long = richForms("Dataset[Table[{i, i^2}, {i, 50}]]").forms["text/html"] ?? ""
            #expect(long.contains("<td>20</td><td>400</td>") && !long.contains("<td>21</td>") && long.contains("30 more rows (50 in all)"))
            #expect(richForms("<|\"u\" -> 1|>").forms["text/html"] == nil)
            #expect(richForms("{1, 2}").forms.isEmpty)
            #expect(richForms("Dataset[<|\"a\" -> <|\"x\" -> 1|>|>]").forms["text/html"]?.contains("<th>x</th>") == true)
        }

        @Test func picturesAreDrawnAtTwoPixelsAPoint() throws {
            let r = richForms("ListPlot[{1, 4, 9}]")
            let png = try #require(r.forms["image/png"].flatMap { Data(base64Encoded: $0) })
            let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
            #expect(width == 720)
            #expect(r.metadata["image/png"]?["width"] == 360)
            #expect(r.forms["image/svg+xml"]?.contains("width=\"360pt\"") == true)
            // Images are pixels: no size of their own.
            #expect(richForms("Image[{{0., 1.}}]").metadata.isEmpty)
        }

        @Test func rocCurvesAndTheirAreas() {
            let setup = "c = Classify[{1 -> a, 2 -> a, 3 -> b, 8 -> b, 9 -> b}, Method -> \"LogisticRegression\"]; m = ClassifierMeasurements[c, {1 -> a, 3 -> a, 4 -> b, 8 -> b, 9 -> b}]; "
            // P(b) grows with x, so the b's (4, 8, 9) all score above the a's (1, 3): area 1.
            #expect(eval(setup + "m[\"AreaUnderROCCurve\"]") == "<|a -> 1., b -> 1.|>")
            #expect(eval(setup + "Head[m[\"ROCCurve\"]]") == "Legended", "the positive class named in a legend")
            #expect(eval(setup + "Cases[m[\"ROCCurve\"], Line[p_] :> Length[p], Infinity]") == "{2, 6}", "the diagonal, then b's curve through five scores")
            #expect(eval(setup + "ImageDimensions[Rasterize[First[m[\"ROCCurve\"]]]][[1]]") == "300")
            let three = "c = Classify[{1 -> a, 2 -> a, 5 -> b, 6 -> b, 9 -> z, 10 -> z}]; m = ClassifierMeasurements[c, {1 -> a, 5 -> b, 10 -> z, 2 -> b}]; "
            #expect(eval(three + "Head[m[\"ROCCurve\"]]") == "Legended", "one curve a class, with a legend")
            #expect(eval(three + "Keys[m[\"AreaUnderROCCurve\"]]") == "{a, b, z}")
        }

        @Test func trainingRecordsErrorRatesOfClassifiers() {
            let setup = """
                net = NetChain[{LinearLayer[2], SoftmaxLayer[]}, "Input" -> 1, "Output" -> NetDecoder[{"Class", {"lo", "hi"}}]];
                data = Table[{x} -> If[x > 0, "hi", "lo"], {x, -1, 1, 0.1}];
                r = NetTrain[net, data, All, MaxTrainingRounds -> 20, BatchSize -> 4, ValidationSet -> data];
                """
            #expect(eval(setup + "Length[r[\"RoundErrorRateList\"]]") == "20")
            #expect(eval(setup + "Length[r[\"ValidationErrorRateList\"]]") == "20")
            #expect(eval(setup + "AllTrue[r[\"RoundErrorRateList\"], 0 <= # <= 1 &]") == "True")
            // The last validation error rate is that of the returned net on the same data...
            // unless an earlier round was better; the best round's rate is the returned net's.
            #expect(eval(setup + "best = r[\"BestValidationRound\"]; Abs[r[\"ValidationErrorRateList\"][[best]] - (1 - NetMeasurements[r[\"TrainedNet\"], data, \"Accuracy\"])] < 10^-9") == "True")
            #expect(eval(setup + "Keys[r[\"RoundMeasurements\"]]") == "{Loss, ErrorRate}")
            #expect(eval(setup + "Head[r[\"ErrorRateEvolutionPlot\"]]") == "Legended")
            #expect(eval("r = NetTrain[NetChain[{LinearLayer[1]}, \"Input\" -> 1], {{1} -> {2}}, All, MaxTrainingRounds -> 2]; r[\"ErrorRateEvolutionPlot\"]") == "Missing[NotAvailable]")
        }

        @Test func netsAreDrawnAsBoxesAndArrows() {
            let chain = "Information[NetChain[{LinearLayer[3], Ramp, LinearLayer[2]}, \"Input\" -> 4], \"SummaryGraphic\"]"
            #expect(eval("Head[" + chain + "]") == "Graphics")
            #expect(eval("Length[Cases[" + chain + ", _Arrow, Infinity]]") == "4", "input, three layers, output: four arrows")
            #expect(eval("Cases[" + chain + ", Text[Style[s_String, __], __] :> s, Infinity]") ==
                    "{Input, vector of size 4, 1, LinearLayer, vector of size 3, 2, ElementwiseLayer, vector of size 3, 3, LinearLayer, vector of size 2, Output, vector of size 2}")
            let graph = "Information[NetGraph[{LinearLayer[3], LinearLayer[3], TotalLayer[]}, {NetPort[\"Input\"] -> 1, NetPort[\"Input\"] -> 2, 1 -> 3, 2 -> 3}, \"Input\" -> 2], \"SummaryGraphic\"]"
            #expect(eval("Length[Cases[" + graph + ", _Arrow, Infinity]]") == "5", "two from the input, two into the total, one to the output")
            #expect(eval("ImageDimensions[Rasterize[" + graph + "]][[2]] > 150") == "True", "four rows of boxes")
        }
    }
}
