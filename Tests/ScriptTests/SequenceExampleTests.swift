import Foundation
import Testing

/// The character-level LSTM example (scripts/examples/sequence.nets) trains from strings to
/// classes and classifies new strings.
@Suite struct SequenceExampleTests {
    @Test func lstmLearnsReviews() throws {
        let r = try ScriptTests.nets(["scripts/examples/sequence.nets"], directory: ScriptTests.packageRoot)
        #expect(r.status == 0)
        // The final round's loss is below 0.1, every training string is classified right, and
        // new strings get the class their words suggest.
        #expect(r.output.contains("Out[5]= True\n"), "\(r.output)")
        #expect(r.output.contains("Out[6]= {positive, negative, positive, negative}\n"), "\(r.output)")
        #expect(r.output.contains("Out[7]= {1., {{18, 0}, {0, 18}}}\n"), "\(r.output)")
        // Standard output is not a terminal: progress comes as plain lines, without carriage returns.
        #expect(!r.output.contains("\r"))
    }
}
