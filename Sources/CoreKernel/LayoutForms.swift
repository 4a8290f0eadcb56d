import Language

/// The forms that abbreviate or lay out an expression when it prints: `Short`'s sibling
/// `Shallow`, the `Skeleton` they leave, `Grid`, `Column` and `Row`. They stay as they are when
/// evaluated, as in Wolfram; the printer lays them out (see `TextLayout` and `Skeletons`). A
/// `Dataset` prints as a table.
extension Kernel {
    static var layoutFormBuiltins: [Builtin] {
        [
            Builtin("Shallow", [], usage: "Shallow[expr] prints expr with parts deeper than 4 levels and elements after the 10th of any part shown as <<k>>; Shallow[expr, depth] and Shallow[expr, {depth, length}] set the limits (Infinity for none).", arity: .between(1, 2),
                    examples: [("Shallow[Range[15]]", "{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, <<5>>}"), ("Shallow[{1, {2, {3, {4, {5, 6}}}}}]", "{1, {2, {3, {4, <<2>>}}}}"),
                               ("Shallow[Range[15], {4, 5}]", "{1, 2, 3, 4, 5, <<10>>}"), ("Shallow[{{1, 2}, {3, 4}}, 1]", "{<<2>>, <<2>>}")]),
            Builtin("Skeleton", [], usage: "Skeleton[k] stands for k elements left out of an expression printed with Short or Shallow, and prints as <<k>>.", arity: .exactly(1),
                    examples: [("Skeleton[5]", "<<5>>")]),
            Builtin("Grid", [], usage: "Grid[{{a, b, ...}, {c, d, ...}, ...}] prints its rows with their elements in aligned columns; Alignment -> Left, Center or Right aligns them.", arity: .atLeast(1),
                    examples: [("Grid[{{1, 22, 333}}]", "1 22 333"), ("Grid[{{1, 22}, {333, 4}}]", "1   22\n333 4")]),
            Builtin("Column", [], usage: "Column[{a, b, ...}] prints the elements one below the other; Column[list, alignment] aligns them Left, Center or Right; Column[list, alignment, n] leaves n blank lines between them.", arity: .between(1, 3),
                    examples: [("Column[{1, 22}]", "1\n22"), ("Column[{1, 22}, Right]", " 1\n22")]),
            Builtin("Row", [], usage: "Row[{a, b, ...}] prints the elements side by side; Row[list, sep] with sep between them.", arity: .between(1, 2),
                    examples: [("Row[{a, b, c}]", "abc"), ("Row[{1, 2, 3}, \", \"]", "1, 2, 3")]),
        ]
    }
}

/// A `Dataset` as a text table: a heading row of keys (for rows that are associations), a rule,
/// then at most `maxRows` rows with their cells abbreviated, and a line giving the rows shown.
enum DatasetForm {
    static let maxRows = 20

    static func install() {
        Printer.formRenderers["Dataset"] = { n in n.args.count == 1 ? text(n.args[0]) : nil }
    }

    static func text(_ data: Expr) -> String? {
        var keys: [Expr] = []
        let rows: [Expr]
        var rowKeys: [Expr]?
        switch data {
        case .association(let a):
            rows = Array(a.entries.values)
            rowKeys = Array(a.entries.keys)
        case .normal(let n) where n.head.isSymbol(Sym.List):
            rows = n.args
        default:
            return nil
        }
        // Rows that are associations make the columns, in order of first appearance.
        var seen = Set<Expr>()
        for r in rows.prefix(maxRows) {
            guard case .association(let a) = r else { continue }
            for k in a.entries.keys where seen.insert(k).inserted { keys.append(k) }
        }
        func cell(_ e: Expr) -> String { fieldText(e, lines: 0.4) }
        var header: [String] = rowKeys == nil ? [] : [""]
        header += keys.map(cell)
        var table: [[String]] = keys.isEmpty ? [] : [header]
        for (i, r) in rows.prefix(maxRows).enumerated() {
            var line: [String] = rowKeys.map { [cell($0[i])] } ?? []
            if !keys.isEmpty, case .association(let a) = r {
                line += keys.map { k in a.entries[k].map(cell) ?? "-" }
            } else if let items = r.listItems, keys.isEmpty {
                line += items.map(cell)
            } else {
                line.append(cell(r))
            }
            table.append(line)
        }
        var lines = TextLayout.lines(TextLayout.grid(table, columnGap: 2, rowGap: 0))
        if !keys.isEmpty, let first = lines.first {
            lines.insert(String(repeating: "-", count: max(first.count, lines.map(\.count).max() ?? 0)), at: 1)
        }
        if rows.count > maxRows { lines.append("rows 1-\(maxRows) of \(rows.count)") }
        if rows.isEmpty { lines = ["Dataset[{}]"] }
        return lines.joined(separator: "\n")
    }

    /// What `Information[dataset]` shows: the number of rows, the columns (the keys of rows that
    /// are associations) and the first rows as a table.
    static func summary(_ data: Expr) -> SummaryBox? {
        let rows: [Expr]
        switch data {
        case .association(let a): rows = Array(a.entries.values)
        case .normal(let n) where n.head.isSymbol(Sym.List): rows = n.args
        default: return nil
        }
        var keys: [Expr] = [], seen = Set<Expr>()
        for r in rows { if case .association(let a) = r { for k in a.entries.keys where seen.insert(k).inserted { keys.append(k) } } }
        var fields: [(name: String, value: String)] = [("Rows", String(rows.count))]
        if !keys.isEmpty { fields.append(("Columns", keys.map { fieldText($0, lines: 0.3) }.joined(separator: ", "))) }
        func cell(_ e: Expr) -> String { fieldText(e, lines: 0.3) }
        let firsts: [[String]] = rows.prefix(5).map { r in
            if case .association(let a) = r { return keys.map { a.entries[$0].map(cell) ?? "-" } }
            return r.listItems?.map(cell) ?? [cell(r)]
        }
        let title = rows.count > 5 ? "First 5 rows" : "Data"
        return SummaryBox("Dataset", fields: fields, tables: rows.isEmpty ? [] : [.init(title, header: keys.map(cell), rows: firsts)])
    }
}
