import CoreKernel
import Foundation
import Testing

extension KernelSuite {
    /// Input and InputString read through InputReader (standard input, or the notebook's front
    /// end); the end of input is EndOfFile. Export's ImageResolution option is not data.
    @Suite struct Inputs {
        /// Runs source with the given lines to read (then the end of input), and the prompts asked.
        func reading(_ lines: [String], _ source: String) -> (result: String, prompts: [String], messages: [String]) {
            exclusive {
                let saved = InputReader.read
                defer { InputReader.read = saved }
                var rest = lines, prompts: [String] = []
                InputReader.read = { prompt in
                    prompts.append(prompt)
                    return rest.isEmpty ? nil : rest.removeFirst()
                }
                let t = run(source)
                return (t.result, prompts, t.messages)
            }
        }

        @Test func inputStringGivesTheLineAndInputEvaluatesIt() {
            let r = reading(["Ada", "6 * 7"], "{InputString[\"name? \"], Input[]}")
            #expect(r.result == "{Ada, 42}")
            #expect(r.prompts == ["name? ", "? "])
        }

        @Test func theEndOfInputIsEndOfFile() {
            #expect(reading([], "{InputString[], Input[\"n? \"]}").result == "{EndOfFile, EndOfFile}")
        }

        @Test func badSyntaxIsAMessageAndFailed() {
            let r = reading(["f[1, "], "Input[]")
            #expect(r.result == "$Failed")
            #expect(r.messages.contains { $0.hasPrefix("Input::sntx:") }, "\(r.messages)")
        }

        @Test func exportTakesOptionsAfterTheData() throws {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("nets-input-\(getpid()).csv").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(eval("Export[\"\(path)\", {{1, 2}}, ImageResolution -> 144]") == path)
            #expect(eval("Import[\"\(path)\"]") == "{{1, 2}}")
            #expect(eval("Export[\"\(path)\", {\"a\" -> 1}]; Import[\"\(path)\", \"Text\"]") != "$Failed", "rules as data stay data")
        }
    }
}
