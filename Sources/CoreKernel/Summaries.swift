import Language

/// A native value's summary, as Wolfram shows it in a summary box, kept as data: a title,
/// labelled fields and tables (a net's layers, a graph's edges). `text` lays it out for a
/// terminal (what `Information[value]` prints); a notebook front end can render the same fields
/// and rows as HTML.
public struct SummaryBox: Sendable {
    /// A table of the summary: a title, a heading row and rows of cells.
    public struct Table: Sendable {
        public var title: String
        public var header: [String]
        public var rows: [[String]]

        public init(_ title: String, header: [String], rows: [[String]]) {
            self.title = title
            self.header = header
            self.rows = rows
        }
    }

    public var title: String
    public var fields: [(name: String, value: String)]
    public var tables: [Table]

    public init(_ title: String, fields: [(name: String, value: String)] = [], tables: [Table] = []) {
        self.title = title
        self.fields = fields
        self.tables = tables
    }

    /// The title, then one field a line (names aligned), then each table under its title.
    public var text: String {
        var lines = [title]
        let width = fields.map(\.name.count).max() ?? 0
        for (name, value) in fields {
            let label = name + ":" + String(repeating: " ", count: width - name.count + 1)
            lines.append("  " + label + value.split(separator: "\n", omittingEmptySubsequences: false)
                .joined(separator: "\n" + String(repeating: " ", count: label.count + 2)))
        }
        for t in tables {
            lines.append("  \(t.title):")
            let grid = TextLayout.grid([t.header] + t.rows, columnGap: 2, rowGap: 0)
            var rows = TextLayout.lines(grid)
            if !t.header.isEmpty, let first = rows.first {
                rows.insert(String(repeating: "-", count: max(first.count, rows.map(\.count).max() ?? 0)), at: 1)
            }
            lines += rows.map { "    " + $0 }
        }
        return lines.joined(separator: "\n")
    }
}

extension SummaryBox {
    /// The summary as HTML, for notebooks: the title, the fields, then each table.
    public var html: String {
        var html = "<div class=\"nets-summary\"><b>" + htmlEscaped(title) + "</b><br>"
        html += fields.map { "<span>" + htmlEscaped($0.name) + ": " + htmlEscaped($0.value) + "</span>" }.joined(separator: "<br>")
        for t in tables {
            html += "<p>" + htmlEscaped(t.title) + "</p><table><thead><tr>" + t.header.map { "<th>" + htmlEscaped($0) + "</th>" }.joined() + "</tr></thead><tbody>"
            for r in t.rows {
                html += "<tr>" + r.map { "<td style=\"text-align:left\">" + htmlEscaped($0) + "</td>" }.joined() + "</tr>"
            }
            html += "</tbody></table>"
        }
        return html + "</div>"
    }
}

/// A native value that has a summary (`Information[value]`), a list of properties
/// (`value["Properties"]`) and the options it was made with (`Options[value]`).
public protocol SummarizedValue: NativeValue {
    var summaryBox: SummaryBox { get }
    /// The options the value was made with, as rules (`Method -> "LogisticRegression"`).
    var optionRules: [Expr] { get }
}

extension SummarizedValue {
    public var optionRules: [Expr] { [] }
}

/// What `Information[value]` gives for a native value with a summary: `InformationData`, which
/// prints as the summary's text in full (it is never abbreviated like a long list) and whose
/// `ToString` is that text.
public final class InformationValue: NativeValue {
    public let box: SummaryBox
    public init(_ box: SummaryBox) { self.box = box }
    public var headName: String { "InformationData" }
    public var summary: String { box.text }
}

/// `Information[value]` and `Information[value, prop]` for native values; nil for other
/// expressions (and properties the value does not serve through Information).
func nativeInformation(_ target: Expr, _ property: Expr?, _ c: Call) throws -> Expr? {
    guard case .native(let v) = target else { return nil }
    if let structured = v as? StructuredValue, let r = try structured.information(property, c) {
        if property == nil, let s = v as? SummarizedValue { return .native(InformationValue(s.summaryBox)) }
        return r
    }
    if property == nil, let s = v as? SummarizedValue { return .native(InformationValue(s.summaryBox)) }
    if let property, let callable = v as? CallableValue {
        return try callable.apply(Call(evaluator: c.evaluator, expr: Normal(target, [property])))
    }
    return nil
}

/// A short text of an expression for a summary field: its OutputForm, abbreviated to one line.
public func fieldText(_ e: Expr, lines: Double = 0.8) -> String {
    OutputForm.string(Skeletons.short(e, lines: lines))
}
