import CoreKernel
import Foundation
import Language
import NetsKernel

/// Notebook displays (`text/html`) of learning results, read from the values' properties:
/// classifiers and predictors as a card of what they take and how they were trained, classifier
/// measurements with their accuracy and confusion-matrix picture, and datasets and associations of
/// lists as tables.
enum RichDisplay {
    /// Rows and columns a table shows before it says how many more there are.
    static let maxRows = 20, maxColumns = 12

    /// The HTML form of `e`, if it has one.
    static func forms(_ e: Expr) -> [String: String]? {
        let html: String?
        if case .native(let v) = e {
            switch v {
            case let cl as ClassifierValue: html = classifier(cl)
            case let p as PredictorValue: html = predictor(p)
            case let m as MeasurementsValue: html = measurements(m)
            default: html = nil
            }
        } else if e.hasHead(Symbol.intern("Dataset")), e.args.count == 1 {
            html = table(e.args[0])
        } else if case .association(let a) = e, !a.entries.isEmpty, a.entries.values.allSatisfy({ $0.listItems != nil }) {
            html = table(e)
        } else {
            html = nil
        }
        return html.map { ["text/html": $0] }
    }

    // MARK: Cards

    /// A titled card of labelled lines.
    static func card(_ title: String, _ rows: [(String, String)], extra: String = "") -> String {
        var html = "<div class=\"nets-card\"><b>" + htmlEscaped(title) + "</b><table>"
        for (label, value) in rows {
            html += "<tr><th style=\"text-align:left\">" + htmlEscaped(label) + "</th><td style=\"text-align:left\">" + value + "</td></tr>"
        }
        return html + "</table>" + extra + "</div>"
    }

    static func classifier(_ cl: ClassifierValue) -> String {
        let shown = cl.classes.prefix(maxRows).map { htmlEscaped(text($0)) }
        let more = cl.classes.count > maxRows ? ", \u{2026} (\(cl.classes.count) in all)" : ""
        return card("ClassifierFunction", [
            ("Input type", htmlEscaped(inputType(cl.pipeline))),
            ("Classes", shown.joined(separator: ", ") + more),
            ("Method", htmlEscaped(cl.trained.method.rawValue)),
            ("Training examples", String(cl.examples)),
        ])
    }

    static func predictor(_ p: PredictorValue) -> String {
        card("PredictorFunction", [
            ("Input type", htmlEscaped(inputType(p.pipeline))),
            ("Output type", "number"),
            ("Method", htmlEscaped(p.trained.method.rawValue)),
            ("Training examples", String(p.examples)),
        ])
    }

    static func measurements(_ m: MeasurementsValue) -> String {
        let a = m.accuracy, se = (a * (1 - a) / Swift.max(m.n, 1)).squareRoot()
        let picture = pictureHTML(LearningPlots.confusionMatrix(m.confusion, labels: m.labels), alt: "confusion matrix") ?? ""
        return card("ClassifierMeasurementsObject", [
            ("Classifier", htmlEscaped(m.method)),
            ("Test examples", String(m.actual.count)),
            ("Accuracy", String(format: "%.3f \u{00B1} %.3f", a, se)),
        ], extra: picture.isEmpty ? "" : "<div>" + picture + "</div>")
    }

    /// What a classifier or predictor takes, as its feature pipeline sees it.
    static func inputType(_ pipeline: FeaturePipeline) -> String {
        if let f = pipeline.extractor ?? pipeline.heldExtractor {
            return (f.asNet != nil ? "anything the net takes" : "anything") + " (features by " + short(f) + ")"
        }
        let columns = pipeline.columns.map { c -> String in
            switch c {
            case .numeric(let w, _): return w == 1 ? "number" : "vector of \(w) numbers"
            case .nominal(let values): return "nominal (\(values.count) values)"
            case .text: return "text"
            }
        }
        return columns.count == 1 ? columns[0] : "\(columns.count) features: " + columns.joined(separator: ", ")
    }

    // MARK: Tables

    /// Rows as a table: a list of associations (keys as the heading), a list of lists, an
    /// association of rows (keys as the first column) or a list of values; nil for other data.
    static func table(_ data: Expr) -> String? {
        var keys: [Expr] = []
        var rows: [[Expr]] = []
        var rowKeys: [Expr]?
        var total = 0
        func cells(_ row: Expr) -> [Expr] {
            if case .association(let a) = row {
                return keys.map { a.entries[$0] ?? .missing("KeyAbsent") }
            }
            return row.listItems ?? [row]
        }
        let items: [Expr]
        if case .association(let a) = data {
            rowKeys = Array(a.entries.keys.prefix(maxRows))
            items = Array(a.entries.values)
        } else if let list = data.listItems {
            items = list
        } else {
            return nil
        }
        total = items.count
        // Keys of association rows, in order of first appearance.
        for row in items.prefix(maxRows) {
            guard case .association(let a) = row else { continue }
            for k in a.entries.keys where !keys.contains(k) { keys.append(k) }
        }
        rows = items.prefix(maxRows).map(cells)
        let width = Swift.min(rows.map(\.count).max() ?? 0, maxColumns)
        var html = "<table class=\"nets-table\">"
        if !keys.isEmpty {
            html += "<thead><tr>" + (rowKeys == nil ? "" : "<th></th>")
            html += keys.prefix(width).map { "<th>" + htmlEscaped(text($0)) + "</th>" }.joined() + "</tr></thead>"
        }
        html += "<tbody>"
        for (i, row) in rows.enumerated() {
            html += "<tr>"
            if let rowKeys { html += "<th style=\"text-align:left\">" + htmlEscaped(text(rowKeys[i])) + "</th>" }
            html += row.prefix(width).map { "<td>" + htmlEscaped(text($0)) + "</td>" }.joined()
            if row.count > width { html += "<td>\u{2026}</td>" }
            html += "</tr>"
        }
        html += "</tbody></table>"
        if total > rows.count { html += "<div>\u{2026} \(total - rows.count) more rows (\(total) in all)</div>" }
        return html
    }

    /// A cell's text: strings without quotes, other values in OutputForm, cut at 60 characters.
    static func text(_ e: Expr) -> String {
        let s = e.asString ?? OutputForm.string(e)
        return s.count > 60 ? String(s.prefix(59)) + "\u{2026}" : s
    }
}
