@testable import CoreKernel
import Language
import Testing

extension KernelSuite {
    /// Help that teaches (issue 21, item 3): `?name` with an example and related names, unknown
    /// names with suggestions, no private helpers in `Names`, `Guide` topics.
    @Suite struct Help {
        static func printed(_ input: String) -> String { run(input).printed.joined(separator: "\n") }

        @Test func usageHasAnExampleAndRelatedNames() {
            let netTrain = Self.printed("?NetTrain")
            #expect(netTrain.contains("NetTrain["))
            #expect(netTrain.contains("Example: "))
            #expect(netTrain.contains("See also: NetChain, NetInitialize, NetMeasurements"), "\(netTrain)")
            #expect(netTrain.contains("Guide[\"Nets\"]"))
            let layer = Self.printed("?LinearLayer")
            #expect(layer.contains("See also: ElementwiseLayer, NetChain, NetInitialize; Guide[\"Layers\"]"), "\(layer)")
            // A library function's usage gives its example itself.
            #expect(Self.printed("?Classify").contains("See also: Predict, ClassifierMeasurements"))
            #expect(Self.printed("?Length").contains("Example: Length[{a, b, c}] gives 3."))
        }

        @Test func everyRelatedNameAndGuideNameIsDocumented() {
            sharedKernel.session.run {
                for t in Guide.topics {
                    #expect(!Guide.names(of: t).isEmpty, "\(t.name)")
                    for n in t.names where !n.contains("*") {
                        #expect(Symbol.lookup(n)?.usage != nil, "Guide[\"\(t.name)\"] lists \(n), which has no usage")
                    }
                    for (n, related) in t.seeAlso {
                        #expect(Symbol.lookup(n)?.usage != nil, "see also of \(n)")
                        for r in related { #expect(Symbol.lookup(r)?.usage != nil, "\(n): see also \(r)") }
                    }
                }
                for topic in ["Layers", "Nets", "Models", "Data", "Plots", "Learning", "Lists"] {
                    #expect(Guide.topic(topic) != nil, "\(topic)")
                }
            }
        }

        @Test func unknownNamesSayNothingIsKnownAndSuggest() {
            let t = run("?Lenght")
            #expect(t.messages == ["Information::notfound: Nothing is known about Lenght. Did you mean Length?"])
            #expect(t.printed.isEmpty)
            #expect(run("?Xqzzyv").messages == ["Information::notfound: Nothing is known about Xqzzyv."])
            #expect(run("?Xqzz*").messages == ["Information::notfound: Nothing is known about \"Xqzz*\"."])
            #expect(run("?ParallelTable").messages
                    == ["Information::notimpl: ParallelTable is a Wolfram Language function that nets does not implement."])
            // A user's definition is known.
            #expect(run("myValue = 3; ?myValue").messages.isEmpty)
        }

        @Test func namesShowNoPrivateHelpers() {
            let names = eval("Names[\"*\"]")
            #expect(!names.contains("$$"))
            #expect(names.contains("LinearLayer"))
            // Every listed name is documented or a Wolfram System name: no Swift-side internals.
            let undocumented = sharedKernel.session.run {
                symbolNames(matching: "*").filter { n in
                    Symbol.lookup(n)?.usage == nil && !Spelling.wolframNames.contains(n)
                }
            }
            #expect(undocumented == [])
            let plots = Self.printed("?*Plot*")
            #expect(plots.contains("ListPlot") && !plots.contains("$$"))
            #expect(eval("Names[\"*Layer\"]").contains("LinearLayer"))
        }

        @Test func guideListsTopicsWithOneLineEach() {
            let layers = Self.printed("Guide[\"Layers\"]").split(separator: "\n").map(String.init)
            #expect(layers.first?.hasPrefix("Layers: ") == true)
            #expect(layers.contains { $0.hasPrefix("  LinearLayer ") && $0.contains("fully connected") })
            #expect(layers.contains { $0.hasPrefix("  LongShortTermMemoryLayer ") })
            #expect(layers.allSatisfy { $0.count <= 140 })
            let models = Self.printed("Guide[\"Models\"]")
            #expect(models.contains("NetModel[] lists: \"MobileNet V2 Trained on ImageNet Competition Data\""), "\(models)")
            let data = Self.printed("Guide[\"Data\"]")
            #expect(data.contains("ResourceData[] lists: ") && data.contains("\"MNIST\""), "\(data)")
            #expect(Self.printed("Guide[\"Plots\"]").contains("  Histogram "))
            #expect(Self.printed("Guide[\"Learning\"]").contains("  Classify "))
            let topics = Self.printed("Guide[]")
            for t in ["Layers", "Models", "Data", "Plots", "Learning"] { #expect(topics.contains("  \(t) "), "\(t)") }
            #expect(run("Guide[\"Layrs\"]").messages
                    == ["Guide::notopic: There is no guide topic \"Layrs\"; Guide[] lists them. Did you mean \"Layers\"?"])
        }

        @Test func notebookInspectionUsesTheUsage() {
            #expect(sharedKernel.session.run { Symbol.lookup("NetTrain")?.usage?.contains("Example:") } == true)
        }
    }
}
