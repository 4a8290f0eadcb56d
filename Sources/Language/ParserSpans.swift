/// Where top-level expressions are in their source, for front ends that keep the text of each
/// input (a script run into a notebook: one cell per input, comments between them as text).
extension Parser {
    /// The scalar offset where the next top-level expression starts (blank lines skipped), or
    /// the end of the source.
    public mutating func upcomingOffset() -> Int {
        skipNewlines()
        return current.offset
    }

    /// The scalar offset just past the last expression parsed (where the newline or the end that
    /// closed it is).
    public var currentOffset: Int { current.offset }

    /// The source, as the offsets count it.
    public var sourceScalars: [Unicode.Scalar] { scalars }
}

/// A top-level input of a program with its text, and the text before it (since the previous
/// input: comments and blank lines).
public struct SourceInput {
    public let expr: Expr
    public let text: String
    public let before: String
}

extension Parser {
    /// The inputs of a program up to its first syntax error, each with its text; the error, if
    /// any; and the text after the last input.
    public static func inputs(of source: String) -> (inputs: [SourceInput], error: ParseError?, trailing: String) {
        var parser = Parser(source)
        let scalars = parser.sourceScalars
        func text(_ a: Int, _ b: Int) -> String {
            let lo = min(max(a, 0), scalars.count), hi = min(max(b, lo), scalars.count)
            return String(String.UnicodeScalarView(scalars[lo..<hi]))
        }
        var out: [SourceInput] = []
        var end = 0
        while true {
            let start = parser.upcomingOffset()
            do {
                guard let e = try parser.next() else { break }
                let stop = parser.currentOffset
                out.append(SourceInput(expr: e, text: text(start, stop), before: text(end, start)))
                end = stop
            } catch let error as ParseError {
                return (out, error, text(end, scalars.count))
            } catch {
                break
            }
        }
        return (out, nil, text(end, scalars.count))
    }
}
