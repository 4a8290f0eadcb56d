import Testing

extension KernelSuite {
    /// The heads graphics code writes (Style, Scaled, Offset, Tooltip...) are inert symbols, not
    /// unimplemented functions; colours blend; a net's full summary opens the nets inside it.
    @Suite struct GraphicsHeads {
        @Test func graphicsHeadsStayQuiet() {
            let inputs = ["Style[\"a\", 14, Bold]", "Scaled[0.2]", "Offset[{2, 2}, {0, 0}]", "Tooltip[Disk[], \"a\"]",
                          "Raster[{{0, 1}}]", "Arrowheads[0.05]", "Annotation[Disk[], 1]"]
            for input in inputs {
                let t = run(input)
                #expect(t.messages.isEmpty, "\(input): \(t.messages)")
                #expect(t.result.hasPrefix(String(input.prefix { $0 != "[" }) + "["), "\(input) gave \(t.result)")
            }
            let g = run("Head[Rasterize[Graphics[{Tooltip[Disk[], \"a\"], Text[Style[\"x\", 12], {0, 1.2}]}, PlotRangePadding -> Scaled[0.1]]]]")
            #expect(g.messages.isEmpty && g.result == "Image", "\(g.messages) \(g.result)")
            // A tooltip is drawn as what it wraps: the disk's centre is ink.
            #expect(eval("ImageData[Rasterize[Graphics[Tooltip[Disk[], \"a\"], ImageSize -> 20]]][[10, 10]]") == "{0., 0., 0.}")
            // NetTrain reads ValidationSet -> Scaled[f] without a word about Scaled.
            let trained = run("r = NetTrain[LinearLayer[1, \"Input\" -> 1], Table[{x} -> {2 x}, {x, 0., 1., 0.1}], All, MaxTrainingRounds -> 2, ValidationSet -> Scaled[0.2], TrainingProgressReporting -> None]; Head[r]")
            #expect(trained.messages.isEmpty && trained.result == "NetTrainResultsObject", "\(trained.messages)")
        }

        @Test func colorsBlend() {
            #expect(eval("Blend[{Red, Blue}, 0.25]") == "RGBColor[0.75, 0, 0.25]")
            #expect(eval("Blend[{Red, Green, Blue}, 0.75]") == "RGBColor[0, 0.5, 0.5]")
            #expect(eval("Blend[{Red, Blue}, 7]") == "RGBColor[0, 0, 1]")
            #expect(eval("Darker[GrayLevel[1], 0.25]") == "RGBColor[0.75, 0.75, 0.75]")
            #expect(eval("Lighter[Hue[0], 0.5]") == "RGBColor[1, 0.5, 0.5]")
            #expect(eval("Blend[{Red, x}, 0.5]") == "Blend[{RGBColor[1, 0, 0], x}, 0.5]")
            #expect(eval("Darker[Red, Infinity]") == "Darker[RGBColor[1, 0, 0], Infinity]")
        }

        @Test func theFullSummaryOpensNestedNets() {
            let net = "NetGraph[<|\"block\" -> NetChain[{LinearLayer[8], Ramp}], \"skip\" -> LinearLayer[8], \"sum\" -> TotalLayer[], " +
                "\"head\" -> NetChain[<|\"lin\" -> LinearLayer[3], \"soft\" -> SoftmaxLayer[]|>]|>, " +
                "{NetPort[\"Input\"] -> \"block\", NetPort[\"Input\"] -> \"skip\", {\"block\", \"skip\"} -> \"sum\", \"sum\" -> \"head\"}, \"Input\" -> 4]"
            let titles = "Cases[Information[\(net), \"%\"], Text[Style[s_String, 11., ___], ___] :> s, Infinity]"
            #expect(eval(titles.replacingOccurrences(of: "%", with: "FullSummaryGraphic")) ==
                    "{Input, block/1, block/2, skip, sum, head/lin, head/soft, Output}")
            #expect(eval(titles.replacingOccurrences(of: "%", with: "SummaryGraphic")) == "{Input, block, skip, sum, head, Output}")
            // skip -> sum passes the row of block/2 through a gap: an arrow of more than two points.
            #expect(eval("Max[Length /@ Cases[Information[\(net), \"FullSummaryGraphic\"], Arrow[p_] :> p, Infinity]]") == "4")
            #expect(eval("Length[Cases[Information[\(net), \"FullSummaryGraphic\"], _Arrow, Infinity]]") == "8")
            // A layer alone is drawn as its summary.
            #expect(eval("Head[Information[LinearLayer[2, \"Input\" -> 3], \"FullSummaryGraphic\"]]") == "Graphics")
        }
    }
}
