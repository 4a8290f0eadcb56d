import CoreKernel
import LearnKernel
import NetsKernel
import Testing

extension KernelSuite {
    /// What the builtin records of the nets and learning libraries declare is what they do:
    /// their examples give the stated results, their options are the ones `Options` lists and
    /// the only ones accepted, and results objects serve exactly the properties they list.
    @Suite struct Records {
        static var records: [Builtin] { NetsLibrary.builtins + LearnLibrary.builtins }

        static var examples: [(String, String)] {
            records.flatMap { r in r.examples.map { ($0.input, $0.output) } }
        }

        @Test(arguments: examples)
        func example(_ input: String, _ expected: String) {
            #expect(eval(input) == expected, "\(input)")
        }

        static var optionTaking: [String] { records.filter { !$0.options.isEmpty }.map(\.name) }

        @Test(arguments: optionTaking)
        func optionsAreDeclared(_ name: String) throws {
            let record = try #require(Self.records.first { $0.name == name })
            let listed = eval("Options[\(name)]")
            for (option, _) in record.options { #expect(listed.contains(option), "\(name): \(option) in \(listed)") }
            let arguments = Array(repeating: "{1 -> a, 2 -> b}", count: max(record.arity.minimum, 1))
            let t = run("\(name)[\(arguments.joined(separator: ", ")), \"Misspelt\" -> 3]")
            #expect(t.messages.contains { $0.hasPrefix("\(name)::optx:") }, "\(name): \(t.messages)")
        }

        @Test func trainingResultsServeWhatTheyList() {
            let setup = "r = NetTrain[LinearLayer[1, \"Input\" -> 1], {{1.} -> {2.}, {2.} -> {4.}}, All, MaxTrainingRounds -> 2, TrainingProgressReporting -> None];"
            #expect(eval(setup + " r[\"Properties\"]") == "{" + (TrainingResultValueNames.list).joined(separator: ", ") + "}")
            #expect(eval(setup + " FreeQ[r /@ DeleteCases[r[\"Properties\"], \"Properties\"], $Failed]") == "True")
            let t = run(setup + " r[\"Nonsense\"]")
            #expect(t.result == "$Failed")
            #expect(t.messages.contains { $0.contains("is not a property") })
        }

        @Test func importAndExportListTheirFormats() {
            let usage = run("?Import").printed.joined(separator: "\n")
            for format in ["CSV", "JSON", "PNG", "JPEG", "WLNET", "PTH", "NPY", "IDX", "WMLF"] {
                #expect(usage.contains("\"\(format)\""), "?Import lacks \(format)")
            }
            let export = run("?Export").printed.joined(separator: "\n")
            #expect(export.contains("\"PNG\"") && export.contains("\"WLNET\"") && !export.contains("\"NPY\""))
        }
    }
}

/// The properties a training results object lists, as the language prints them.
private enum TrainingResultValueNames {
    static let list = ["TrainedNet", "RoundLossList", "ValidationLossList", "LossEvolutionPlot", "LossPlot", "ErrorRateEvolutionPlot",
                       "RoundErrorRateList", "ValidationErrorRateList", "RoundLoss", "ValidationLoss", "RoundMeasurementsLists",
                       "ValidationMeasurementsLists", "RoundMeasurements", "ValidationMeasurements", "FinalRoundLoss", "FinalValidationLoss",
                       "BestValidationRound", "BatchSize", "TotalTrainingTime", "TotalRounds", "LossFunction", "Properties"]
}
