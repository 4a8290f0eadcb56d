import Foundation

/// A notebook of cells with their outputs, written as Jupyter's `.ipynb` (nbformat 4.5) or as a
/// self-contained HTML page: how a script run with `nets --notebook` becomes something to hand
/// out. Outputs are MIME bundles as the kernel publishes them (`text/plain`, `text/html`,
/// `image/png` in base64).
public struct NotebookDocument {
    public enum Output {
        case stream(name: String, text: String)
        case result(count: Int, data: JSONObject, metadata: JSONObject = [:])
        case error(name: String, value: String, traceback: [String])
    }

    public struct Cell {
        public enum Kind: String { case code, markdown }
        public var kind: Kind
        public var source: String
        public var count: Int?
        public var outputs: [Output]

        public init(kind: Kind, source: String, count: Int? = nil, outputs: [Output] = []) {
            self.kind = kind
            self.source = source
            self.count = count
            self.outputs = outputs
        }

        /// Adds stream text, joined to the previous output when that is the same stream.
        public mutating func append(stream name: String, _ text: String) {
            if case .stream(let n, let t)? = outputs.last, n == name {
                outputs[outputs.count - 1] = .stream(name: n, text: t + text)
            } else {
                outputs.append(.stream(name: name, text: text))
            }
        }
    }

    public var cells: [Cell] = []
    public var languageInfo: JSONObject

    public init(languageInfo: JSONObject) {
        self.languageInfo = languageInfo
    }

    /// The text of comments `(* ... *)` as Markdown (their delimiters removed), or nil when
    /// `text` holds no comment.
    public static func markdown(fromComments text: String) -> String? {
        var pieces: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "(*") {
            guard let close = rest[open.upperBound...].range(of: "*)") else { break }
            let body = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
            if !body.isEmpty { pieces.append(body) }
            rest = rest[close.upperBound...]
        }
        return pieces.isEmpty ? nil : pieces.joined(separator: "\n\n")
    }

    // MARK: .ipynb

    /// The notebook as nbformat 4.5 JSON.
    public func ipynb() throws -> Data {
        let cellObjects: [JSONObject] = cells.enumerated().map { i, cell in
            var o: JSONObject = ["cell_type": cell.kind.rawValue, "id": "cell-\(i + 1)", "metadata": [String: Any](),
                                 "source": NotebookDocument.lines(cell.source)]
            if cell.kind == .code {
                o["execution_count"] = cell.count ?? NSNull()
                o["outputs"] = cell.outputs.map(NotebookDocument.outputObject)
            }
            return o
        }
        let notebook: JSONObject = [
            "nbformat": 4, "nbformat_minor": 5,
            "metadata": ["kernelspec": ["name": "nets", "display_name": "nets (Wolfram Language)", "language": "wolfram"],
                         "language_info": languageInfo],
            "cells": cellObjects,
        ]
        return try JSONSerialization.data(withJSONObject: notebook, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    /// Text as nbformat stores it: a list of lines, each but the last ending in a newline.
    static func lines(_ text: String) -> [String] {
        var out: [String] = []
        var line = ""
        for c in text {
            line.append(c)
            if c == "\n" { out.append(line); line = "" }
        }
        if !line.isEmpty { out.append(line) }
        return out
    }

    static func outputObject(_ output: Output) -> JSONObject {
        switch output {
        case .stream(let name, let text):
            return ["output_type": "stream", "name": name, "text": lines(text)]
        case .result(let count, let data, let metadata):
            var bundle = data
            for (k, v) in data { if let s = v as? String, k.hasPrefix("text/") || k.hasSuffix("+xml") { bundle[k] = lines(s) } }
            return ["output_type": "execute_result", "execution_count": count, "data": bundle, "metadata": metadata]
        case .error(let name, let value, let traceback):
            return ["output_type": "error", "ename": name, "evalue": value, "traceback": traceback]
        }
    }

    // MARK: HTML

    /// The notebook as one HTML page with its pictures embedded.
    public func html(title: String) -> String {
        var body = ""
        for cell in cells {
            switch cell.kind {
            case .markdown:
                body += "<div class=\"md\">" + NotebookDocument.escaped(cell.source).replacingOccurrences(of: "\n\n", with: "</p><p>") + "</div>\n"
            case .code:
                let label = cell.count.map { "In[\($0)]:=" } ?? ""
                body += "<div class=\"cell\"><div class=\"in\"><span class=\"label\">\(label)</span><pre>"
                    + NotebookDocument.escaped(cell.source) + "</pre></div>\n"
                for output in cell.outputs { body += NotebookDocument.htmlOutput(output) }
                body += "</div>\n"
            }
        }
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>\(NotebookDocument.escaped(title))</title>
            <style>
            body { font-family: "DejaVu Sans", sans-serif; max-width: 60em; margin: 2em auto; color: #222; }
            pre { font-family: "DejaVu Sans Mono", monospace; margin: 0.2em 0; white-space: pre-wrap; }
            .cell { margin: 1em 0; } .in pre { background: #f5f7fa; padding: 0.4em; border-left: 3px solid #9bb; }
            .label { color: #36c; font-size: 0.8em; } .out { margin: 0.3em 0 0 0.5em; }
            .stderr { color: #b30; } .md { margin: 1.2em 0; } img { max-width: 100%; }
            table { border-collapse: collapse; } td, th { padding: 0.1em 0.6em; border-bottom: 1px solid #ddd; }
            </style></head><body>
            <h1>\(NotebookDocument.escaped(title))</h1>
            \(body)</body></html>

            """
    }

    static func htmlOutput(_ output: Output) -> String {
        switch output {
        case .stream(let name, let text):
            return "<div class=\"out \(name)\"><pre>" + escaped(text) + "</pre></div>\n"
        case .result(let count, let data, let metadata):
            let label = "<span class=\"label\">Out[\(count)]=</span>"
            if let png = data["image/png"] as? String {
                let width = ((metadata["image/png"] as? JSONObject)?["width"] as? Int).map { " width=\"\($0)\"" } ?? ""
                return "<div class=\"out\">\(label)<br><img alt=\"Out[\(count)]\"\(width) src=\"data:image/png;base64,\(png)\"></div>\n"
            }
            if let html = data["text/html"] as? String { return "<div class=\"out\">\(label)\(html)</div>\n" }
            return "<div class=\"out\">\(label)<pre>" + escaped(data["text/plain"] as? String ?? "") + "</pre></div>\n"
        case .error(_, _, let traceback):
            return "<div class=\"out stderr error\"><pre>" + escaped(traceback.joined(separator: "\n")) + "</pre></div>\n"
        }
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
