/// The forms that print in two dimensions in a terminal, as Wolfram's OutputForm lays them out:
/// `TableForm` and `MatrixForm` (columns three spaces apart, a blank line between rows),
/// `Grid` (columns one space apart), `Column` (one element a line) and `Row` (side by side).
/// A cell may itself span several lines (a Column in a Grid); rows are as tall as their tallest
/// cell.
public enum TextLayout {
    public enum Alignment { case left, center, right }

    /// The lines of a piece of text.
    public static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    static func pad(_ s: String, _ width: Int, _ align: Alignment) -> String {
        let gap = max(0, width - s.count)
        switch align {
        case .left: return s + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + s
        case .center: return String(repeating: " ", count: gap / 2) + s + String(repeating: " ", count: gap - gap / 2)
        }
    }

    /// Cells (each a text of one or more lines) in aligned columns.
    public static func grid(_ cells: [[String]], columnGap: Int, rowGap: Int, align: Alignment = .left) -> String {
        let blocks = cells.map { $0.map(lines) }
        let columns = blocks.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in blocks {
            for (i, b) in row.enumerated() { widths[i] = max(widths[i], b.map(\.count).max() ?? 0) }
        }
        let gap = String(repeating: " ", count: columnGap)
        var out: [String] = []
        for (r, row) in blocks.enumerated() {
            if r > 0 { out += [String](repeating: "", count: rowGap) }
            let height = row.map(\.count).max() ?? 1
            for k in 0..<max(height, 1) {
                let line = row.enumerated().map { i, b in pad(k < b.count ? b[k] : "", widths[i], align) }.joined(separator: gap)
                out.append(trimmedRight(line))
            }
        }
        return out.joined(separator: "\n")
    }

    /// Texts side by side, top-aligned (`Row`).
    static func row(_ items: [String], separator: String) -> String {
        let blocks = items.map(lines)
        if blocks.allSatisfy({ $0.count <= 1 }) { return items.joined(separator: separator) }
        let height = blocks.map(\.count).max() ?? 1
        let widths = blocks.map { $0.map(\.count).max() ?? 0 }
        let filler = String(repeating: " ", count: separator.count)
        return (0..<height).map { k in
            trimmedRight(blocks.enumerated().map { i, b in pad(k < b.count ? b[k] : "", widths[i], .left) }
                .joined(separator: k == 0 ? separator : filler))
        }.joined(separator: "\n")
    }

    static func trimmedRight(_ s: String) -> String {
        var t = Substring(s)
        while t.last == " " { t = t.dropLast() }
        return String(t)
    }

    /// `Left`, `Center`, `Right` as an alignment.
    static func alignment(_ e: Expr?) -> Alignment? {
        switch e?.asSymbol?.name {
        case "Left": return .left
        case "Center": return .center
        case "Right": return .right
        default: return nil
        }
    }
}

extension Printer {
    /// `TableForm[list]` and `MatrixForm[list]`: rows of cells (a vector is one cell a row).
    func table(_ e: Expr) -> String {
        guard let rows = e.listItems else { return string(e) }
        let cells = rows.map { r in (r.listItems ?? [r]).map(string) }
        return TextLayout.grid(cells, columnGap: 3, rowGap: rows.contains { $0.listItems != nil } ? 1 : 0)
    }

    /// The text of Grid, Column and Row, or nil when the arguments are not a list of the form's
    /// shape (the form then prints as a call).
    func layout(_ name: String, _ a: [Expr]) -> String? {
        guard let items = a.first?.listItems else { return nil }
        switch name {
        case "Grid":
            let cells = items.map { r in (r.listItems ?? [r]).map(string) }
            let align = TextLayout.alignment(a.dropFirst().first { $0.hasHead(Sym.Rule) && $0.args.first?.asSymbol?.name == "Alignment" }?.args.last)
            return TextLayout.grid(cells, columnGap: 1, rowGap: 0, align: align ?? .left)
        case "Column":
            let align = TextLayout.alignment(a.count > 1 ? a[1] : nil)
            let gap = a.count > 2 ? a[2].asInt.map { min(max($0, 0), 10) } ?? 0 : 0
            return TextLayout.grid(items.map { [string($0)] }, columnGap: 0, rowGap: gap, align: align ?? .left)
        case "Row":
            return TextLayout.row(items.map(string), separator: a.count > 1 ? string(a[1]) : "")
        default:
            return nil
        }
    }
}
