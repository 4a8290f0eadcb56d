import Language

/// What the REPL and scripts print for a result, as Wolfram's text interface does:
/// `Out[n]= text`, or `Out[n]//TableForm= text` for a result wrapped in an output form, the later
/// lines of a multi-line text indented under the first. A result whose OutputForm is longer than
/// `$OutputSizeLimit` bytes is shown abbreviated (`{1, 2, 3, <<9994>>, 9998, 9999, 10000}`,
/// as `Short` does) with a line that says how to see more of it. `nets -c` and `ToString` never
/// abbreviate.
public enum OutputCell {
    /// `$OutputSizeLimit` when a session starts: about a screenful (Wolfram's notebooks allow
    /// 2^20 bytes; a terminal shows far less).
    public static let defaultSizeLimit = 4096

    /// Lines of the abbreviated text of a large output.
    static let sampleLines = 3.0

    /// Heads that print as a form of their argument and name the form in the label.
    static let outputForms: Set<String> = [
        "FullForm", "InputForm", "OutputForm", "TableForm", "MatrixForm", "Short", "Shallow", "NumberForm",
        "PaddedForm", "AccountingForm", "ScientificForm", "EngineeringForm", "BaseForm", "DecimalForm", "TeXForm",
    ]

    /// The session's `$OutputSizeLimit` in bytes (nil: no limit, for Infinity).
    public static var sizeLimit: Int? {
        guard let v = Symbol.lookup("$OutputSizeLimit")?.ownValue else { return defaultSizeLimit }
        if let n = v.asInt { return max(n, 0) }
        if let d = v.doubleValue, d.isFinite { return max(0, Int(min(d, Double(Int.max / 2)))) }
        return nil
    }

    /// The text of a result: `Out[n]= ...` (no label when `line` is nil), abbreviated when larger
    /// than `limit` bytes.
    public static func text(_ result: Expr, line: Int?, limit: Int? = sizeLimit) -> String {
        var label = line.map { "Out[\($0)]= " } ?? ""
        if let line, let h = result.headSymbol?.name, outputForms.contains(h), result.args.count >= 1 {
            label = "Out[\(line)]//\(h)= "
        }
        let (body, note) = shown(result, limit: limit)
        let indent = String(repeating: " ", count: label.count)
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        var text = label + lines.enumerated().map { i, l in i == 0 || l.isEmpty ? String(l) : indent + l }.joined(separator: "\n")
        if let note { text += "\n" + indent + note }
        return text
    }

    /// The OutputForm text of a result and, when it was abbreviated, the line that says so.
    public static func shown(_ result: Expr, limit: Int?) -> (text: String, note: String?) {
        guard let limit else { return (Printer(.output).string(result), nil) }
        // Rendering stops past a few million parts: enough to know the output is too large.
        let (full, complete) = Skeletons.outputText(result, cap: max(limit, 1 << 22))
        guard !complete || full.utf8.count > limit else { return (full, nil) }
        let sample = Printer(.output).string(Skeletons.short(result, lines: sampleLines))
        guard sample.utf8.count < full.utf8.count else { return complete ? (full, nil) : (Printer(.output).string(result), nil) }
        let size = complete ? "\(full.utf8.count) bytes" : "more than \(full.utf8.count) bytes"
        let note = "Large output shortened (\(size); $OutputSizeLimit = \(limit)). "
            + "Short[%, 20] or Shallow[%] shows more of it, Print[%] all of it."
        return (sample, note)
    }
}
