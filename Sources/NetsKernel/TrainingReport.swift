import Foundation

/// NetTrain's progress when standard output is not a terminal (a script, a pipe, a log file):
/// plain lines, no carriage returns. A training that ends within `interval` seconds prints
/// nothing; a longer one prints a line for the first round ending after `interval` seconds,
/// then at most one every `interval` seconds, and one for the last round.
struct RoundLines {
    let interval: Double
    private var lastPrinted = 0.0
    private var printedAny = false

    init(interval: Double = 5) { self.interval = interval }

    /// The line to print when a round ends, if one is due.
    mutating func line(round: Int, rounds: Int, loss: Double, validation: Double?, elapsed: Double) -> String? {
        guard elapsed - lastPrinted >= interval || (printedAny && round == rounds) else { return nil }
        lastPrinted = elapsed
        printedAny = true
        let v = validation.map { String(format: ", validation loss %.4g", $0) } ?? ""
        return String(format: "Round %d/%d: loss %.4g%@, %.1f s", round, rounds, loss, v, elapsed)
    }
}
