import CoreKernel
import Foundation
import Graphics
import Language
import Nets

/// A net drawn as a picture (`Information[net, "SummaryGraphic"]`): a box per layer or part with
/// its name and type, arrows for the data flowing between them labelled with its shape, the
/// input ports on top and the output at the bottom. A chain is a column; a graph is laid out in
/// rows by the longest path from an input, so branches sit side by side.
enum NetDrawing {
    /// Parts drawn at most; a longer chain ends with a note of how many more there are.
    static let maxParts = 80

    /// One box: its lines of text and where it sits (row from the top, left to right order).
    struct Node {
        var title: String
        var subtitle: String
        var row: Int
        var x = 0.0, width = 0.0
        var port = false
    }

    static let titleFont = 11.0, subtitleFont = 9.5, shapeFont = 9.0
    static let boxHeight = 34.0, rowGap = 30.0, columnGap = 18.0, pad = 12.0

    /// The drawing of `net` as a Graphics expression.
    static func graphic(_ net: Net) -> Expr {
        var nodes: [Node] = []
        var edges: [(from: Int, to: Int, label: String)] = []
        let inputs = net.inputs
        let inputNames: [String]
        if case .graph(let g) = net { inputNames = g.inputNames } else { inputNames = ["Input"] }
        for (k, name) in inputNames.enumerated() {
            let shape = k < inputs.count ? shapeText(inputs[k]) : "?"
            nodes.append(Node(title: name, subtitle: net.encoder.flatMap { k == 0 ? describeCoder($0) : nil } ?? shape, row: 0, port: true))
        }
        let parts = net.parts.isEmpty ? [("", net)] : net.parts.map { ($0.name, $0.net) }
        let first = nodes.count
        var note: String?
        switch net {
        case .graph(let g):
            // Row of a node: one more than the deepest node (or input) feeding it.
            var row = [Int](repeating: 1, count: g.nodes.count)
            for i in g.order {
                for e in g.edges {
                    guard case .node(let t, _) = e.target, t == i, case .node(let s) = e.source else { continue }
                    row[i] = Swift.max(row[i], row[s] + 1)
                }
            }
            for (i, (name, part)) in parts.enumerated() {
                nodes.append(Node(title: name, subtitle: typeName(part), row: i < row.count ? row[i] : 1))
            }
            let outputRow = (row.max() ?? 0) + 1
            nodes.append(Node(title: "Output", subtitle: net.decoder.map(describeCoder) ?? shapeText(net.output), row: outputRow, port: true))
            for e in g.edges {
                let from: Int, label: String
                switch e.source {
                case .input(let k): from = k; label = ""
                case .node(let s): from = first + s; label = shapeText(g.nodes[s].output)
                }
                switch e.target {
                case .node(let t, _): edges.append((from, first + t, label))
                case .output: edges.append((from, nodes.count - 1, label))
                }
            }
        default:
            let shown = parts.prefix(maxParts)
            for (i, (name, part)) in shown.enumerated() {
                nodes.append(Node(title: name.isEmpty ? String(i + 1) : name, subtitle: typeName(part), row: i + 1))
                edges.append((i == 0 ? 0 : first + i - 1, first + i, i == 0 ? "" : shapeText(shown[shown.startIndex + i - 1].1.output)))
            }
            if parts.count > shown.count { note = "\u{2026} \(parts.count - shown.count) more layers" }
            let last = nodes.count - 1
            nodes.append(Node(title: "Output", subtitle: net.decoder.map(describeCoder) ?? shapeText(net.output), row: shown.count + 1, port: true))
            edges.append((last, nodes.count - 1, note ?? shapeText(shown.last?.1.output)))
        }
        return draw(&nodes, edges)
    }

    /// The type of a part: its layer's name, or NetChain/NetGraph.
    static func typeName(_ net: Net) -> String {
        switch net {
        case .layer(let l): return l.kind.name
        case .chain: return "NetChain"
        case .graph: return "NetGraph"
        }
    }

    /// Lays the boxes out in their rows, centred, and draws them with the arrows between.
    static func draw(_ nodes: inout [Node], _ edges: [(from: Int, to: Int, label: String)]) -> Expr {
        for i in nodes.indices {
            let t = TextMetrics.width(nodes[i].title, size: titleFont), s = TextMetrics.width(nodes[i].subtitle, size: subtitleFont)
            nodes[i].width = Swift.max(t, s, 40) + 20
        }
        let rows = (nodes.map(\.row).max() ?? 0) + 1
        var rowWidths = [Double](repeating: 0, count: rows)
        for n in nodes { rowWidths[n.row] += n.width + (rowWidths[n.row] > 0 ? columnGap : 0) }
        let labelRoom = edges.map { TextMetrics.width($0.label, size: shapeFont) }.max() ?? 0
        let width = (rowWidths.max() ?? 0) + 2 * pad + labelRoom + 8
        let height = Double(rows) * boxHeight + Double(rows - 1) * rowGap + 2 * pad
        var next = rowWidths.map { (width - labelRoom - 8 - $0) / 2 }
        for i in nodes.indices {
            nodes[i].x = next[nodes[i].row]
            next[nodes[i].row] += nodes[i].width + columnGap
        }
        func top(_ n: Node) -> Double { height - pad - Double(n.row) * (boxHeight + rowGap) }
        var prims: [Expr] = []
        let ink = head("GrayLevel", .real(0.45))
        for e in edges where e.from < nodes.count && e.to < nodes.count {
            let a = nodes[e.from], b = nodes[e.to]
            let start = pointExpr(a.x + a.width / 2, top(a) - boxHeight), end = pointExpr(b.x + b.width / 2, top(b))
            prims.append(.list([ink, head("AbsoluteThickness", .real(1)), head("Arrow", .list([start, end]))]))
            if !e.label.isEmpty {
                let mid = pointExpr((a.x + a.width / 2 + b.x + b.width / 2) / 2 + 5, (top(a) - boxHeight + top(b)) / 2)
                prims.append(head("Text", head("Style", .string(e.label), real(shapeFont), head("GrayLevel", .real(0.4))), mid, pointExpr(-1, 0)))
            }
        }
        for n in nodes {
            let fill = n.port ? rgb(Color(0.96, 0.96, 0.96)) : rgb(Color(0.91, 0.94, 0.98))
            let edge = n.port ? head("GrayLevel", .real(0.7)) : rgb(Color(0.55, 0.65, 0.8))
            prims.append(.list([fill, head("EdgeForm", edge), head("Rectangle", pointExpr(n.x, top(n) - boxHeight), pointExpr(n.x + n.width, top(n)))]))
            let cx = n.x + n.width / 2
            prims.append(head("Text", head("Style", .string(n.title), real(titleFont), head("GrayLevel", .real(0.1))), pointExpr(cx, top(n) - 11)))
            prims.append(head("Text", head("Style", .string(n.subtitle), real(subtitleFont), head("GrayLevel", .real(0.4))), pointExpr(cx, top(n) - 25)))
        }
        return .call(sym("Graphics"), [.list(prims),
            .rule(.symbol(sym("PlotRange")), .list([.list([.integer(0), real(width)]), .list([.integer(0), real(height)])])),
            .rule(.symbol(sym("PlotRangePadding")), .symbol(Sym.None)), .rule(.symbol(sym("ImagePadding")), .integer(0)),
            .rule(.symbol(sym("ImageSize")), real(width)), .rule(.symbol(sym("AspectRatio")), real(height / width))])
    }
}
