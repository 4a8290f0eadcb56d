import CoreKernel
import Foundation
import Graphics
import Language
import Nets

/// A net drawn as a picture (`Information[net, "SummaryGraphic"]`): a box per layer or part with
/// its name, type and output shape, arrows for the data flowing between them, the input ports on
/// top and the output at the bottom. A chain is a column; a graph is laid out in
/// rows by the longest path from an input, so branches sit side by side.
/// `"FullSummaryGraphic"` opens the chains and graphs inside the net too: a box per layer, named
/// by its path (`block/2`).
enum NetDrawing {
    /// Parts drawn at most; a longer chain ends with a note of how many more there are.
    static let maxParts = 80

    /// One box: its lines of text (name, type, output shape; a port has its name and shape) and
    /// where it sits (row from the top, left to right order).
    struct Node {
        var title: String
        var subtitle: String
        var shape = ""
        var row: Int
        var x = 0.0, width = 0.0
        var port = false
    }

    static let titleFont = 11.0, subtitleFont = 9.5, shapeFont = 9.0
    static let boxHeight = 46.0, rowGap = 26.0, columnGap = 18.0, pad = 12.0, gapWidth = 2.0

    /// The net's input ports as the drawing's first row, and their names.
    static func inputNodes(_ net: Net) -> ([Node], [String]) {
        let inputs = net.inputs
        let names: [String]
        if case .graph(let g) = net { names = g.inputNames } else { names = ["Input"] }
        let nodes = names.enumerated().map { k, name in
            let shape = k < inputs.count ? shapeText(inputs[k]) : "?"
            return Node(title: name, subtitle: net.encoder.flatMap { k == 0 ? describeCoder($0) : nil } ?? shape, row: 0, port: true)
        }
        return (nodes, names)
    }

    /// The drawing of `net` as a Graphics expression.
    static func graphic(_ net: Net) -> Expr {
        var nodes = inputNodes(net).0
        var edges: [(from: Int, to: Int)] = []
        let parts = net.parts.isEmpty ? [("", net)] : net.parts.map { ($0.name, $0.net) }
        let first = nodes.count
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
                nodes.append(Node(title: name, subtitle: typeName(part), shape: shapeText(part.output), row: i < row.count ? row[i] : 1))
            }
            let outputRow = (row.max() ?? 0) + 1
            nodes.append(Node(title: "Output", subtitle: net.decoder.map(describeCoder) ?? shapeText(net.output), row: outputRow, port: true))
            for e in g.edges {
                let from: Int
                switch e.source {
                case .input(let k): from = k
                case .node(let s): from = first + s
                }
                switch e.target {
                case .node(let t, _): edges.append((from, first + t))
                case .output: edges.append((from, nodes.count - 1))
                }
            }
        default:
            let shown = parts.prefix(maxParts)
            for (i, (name, part)) in shown.enumerated() {
                nodes.append(Node(title: name.isEmpty ? String(i + 1) : name, subtitle: typeName(part), shape: shapeText(part.output), row: i + 1))
                edges.append((i == 0 ? 0 : first + i - 1, first + i))
            }
            var row = shown.count + 1
            if parts.count > shown.count {
                nodes.append(Node(title: "\u{2026}", subtitle: "\(parts.count - shown.count) more layers", row: row, port: true))
                edges.append((nodes.count - 2, nodes.count - 1))
                row += 1
            }
            nodes.append(Node(title: "Output", subtitle: net.decoder.map(describeCoder) ?? shapeText(net.output), row: row, port: true))
            edges.append((nodes.count - 2, nodes.count - 1))
        }
        return draw(&nodes, edges)
    }

    /// Layers drawn at most when containers are opened; a larger net is drawn by its parts.
    static let maxLayers = 300

    /// The drawing of `net` with every chain and graph inside it opened into its layers.
    static func fullGraphic(_ net: Net) -> Expr {
        guard !net.parts.isEmpty, net.layers.count <= maxLayers else { return graphic(net) }
        var (nodes, inputNames) = inputNodes(net)
        var edges: [(from: Int, to: Int)] = []
        let outs = open(net, path: "", sources: inputNames.indices.map { [$0] }, &nodes, &edges)
        let row = (outs.map { nodes[$0].row }.max() ?? 0) + 1
        nodes.append(Node(title: "Output", subtitle: net.decoder.map(describeCoder) ?? shapeText(net.output), row: row, port: true))
        for o in outs { edges.append((o, nodes.count - 1)) }
        return draw(&nodes, edges)
    }

    /// Adds the layers of `net` (a box each, fed from `sources[k]` for its input port k) and
    /// returns the boxes its output comes from. Boxes are added after their sources, so a box's
    /// row is one more than its sources' deepest.
    private static func open(_ net: Net, path: String, sources: [[Int]], _ nodes: inout [Node], _ edges: inout [(from: Int, to: Int)]) -> [Int] {
        func name(_ part: String) -> String { path.isEmpty ? part : path + "/" + part }
        switch net {
        case .layer:
            let feeding = sources.flatMap { $0 }
            let row = (feeding.map { nodes[$0].row }.max() ?? 0) + 1
            nodes.append(Node(title: path, subtitle: typeName(net), shape: shapeText(net.output), row: row))
            for f in feeding { edges.append((f, nodes.count - 1)) }
            return [nodes.count - 1]
        case .chain(let c):
            var current = sources
            for (part, node) in zip(c.names, c.nodes) { current = [open(node, path: name(part), sources: current, &nodes, &edges)] }
            return current.flatMap { $0 }
        case .graph(let g):
            var outs = [[Int]](repeating: [], count: g.nodes.count)
            func from(_ s: Edge.Source) -> [Int] {
                switch s {
                case .input(let k): return sources.indices.contains(k) ? sources[k] : []
                case .node(let i): return outs.indices.contains(i) ? outs[i] : []
                }
            }
            for i in g.order where g.nodes.indices.contains(i) {
                var ports: [Int: [Int]] = [:]
                for e in g.edges { if case .node(let t, let port) = e.target, t == i { ports[port, default: []] += from(e.source) } }
                let fed = ports.keys.sorted().map { ports[$0] ?? [] }
                outs[i] = open(g.nodes[i], path: name(g.names.indices.contains(i) ? g.names[i] : String(i + 1)), sources: fed, &nodes, &edges)
            }
            return g.edges.flatMap { e -> [Int] in
                if case .output = e.target { return from(e.source) }
                return []
            }
        }
    }

    /// The type of a part: its layer's name, or NetChain/NetGraph.
    static func typeName(_ net: Net) -> String {
        switch net {
        case .layer(let l): return l.kind.name
        case .chain: return "NetChain"
        case .graph: return "NetGraph"
        }
    }

    /// Lays the boxes out in their rows, centred, and draws them with the arrows between. An
    /// arrow that skips rows passes through a narrow gap kept for it in each row it crosses, and
    /// the boxes of a row are ordered by where the arrows into them come from, so arrows do not
    /// run under boxes.
    static func draw(_ nodes: inout [Node], _ edges: [(from: Int, to: Int)]) -> Expr {
        for i in nodes.indices {
            let t = TextMetrics.width(nodes[i].title, size: titleFont), s = TextMetrics.width(nodes[i].subtitle, size: subtitleFont)
            nodes[i].width = Swift.max(t, s, TextMetrics.width(nodes[i].shape, size: shapeFont), 40) + 20
        }
        // Each arrow as the boxes and gaps it passes: gaps are nodes of no width drawn as nothing.
        let boxes = nodes.count
        var paths: [[Int]] = []
        for e in edges where e.from < boxes && e.to < boxes {
            var path = [e.from]
            let (a, b) = (nodes[e.from].row, nodes[e.to].row)
            if b > a + 1 {
                for r in (a + 1)..<b {
                    nodes.append(Node(title: "", subtitle: "", row: r, width: gapWidth))
                    path.append(nodes.count - 1)
                }
            }
            paths.append(path + [e.to])
        }
        let rows = (nodes.map(\.row).max() ?? 0) + 1
        var members = [[Int]](repeating: [], count: rows)
        for i in nodes.indices { members[nodes[i].row].append(i) }
        var sources = [[Int]](repeating: [], count: nodes.count)
        for path in paths { for (u, v) in zip(path, path.dropFirst()) { sources[v].append(u) } }
        let rowWidths = members.map { row in row.reduce(0.0) { $0 + nodes[$1].width } + Double(Swift.max(row.count - 1, 0)) * columnGap }
        let width = (rowWidths.max() ?? 0) + 2 * pad
        let height = Double(rows) * boxHeight + Double(rows - 1) * rowGap + 2 * pad
        func centre(_ i: Int) -> Double { nodes[i].x + nodes[i].width / 2 }
        for r in 0..<rows {
            // Ordered by the mean centre of what feeds them (the first row as given).
            if r > 0 {
                let key = members[r].map { i -> Double in
                    let from = sources[i]
                    return from.isEmpty ? width / 2 : from.reduce(0.0) { $0 + centre($1) } / Double(from.count)
                }
                members[r] = zip(members[r], key).enumerated().sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }.map(\.element.0)
            }
            var next = (width - rowWidths[r]) / 2
            for i in members[r] {
                nodes[i].x = next
                next += nodes[i].width + columnGap
            }
        }
        func top(_ n: Node) -> Double { height - pad - Double(n.row) * (boxHeight + rowGap) }
        var prims: [Expr] = []
        let ink = head("GrayLevel", .real(0.45))
        for path in paths {
            var points: [Expr] = []
            for (k, i) in path.enumerated() {
                let n = nodes[i]
                if k > 0 { points.append(pointExpr(centre(i), top(n))) }
                if k < path.count - 1 { points.append(pointExpr(centre(i), top(n) - boxHeight)) }
            }
            prims.append(.list([ink, head("AbsoluteThickness", .real(1)), head("Arrow", .list(points))]))
        }
        nodes.removeLast(nodes.count - boxes)
        for n in nodes {
            let fill = n.port ? rgb(Color(0.96, 0.96, 0.96)) : rgb(Color(0.91, 0.94, 0.98))
            let edge = n.port ? head("GrayLevel", .real(0.7)) : rgb(Color(0.55, 0.65, 0.8))
            prims.append(.list([fill, head("EdgeForm", edge), head("Rectangle", pointExpr(n.x, top(n) - boxHeight), pointExpr(n.x + n.width, top(n)))]))
            let cx = n.x + n.width / 2, first = n.shape.isEmpty ? 16.0 : 11.0
            prims.append(head("Text", head("Style", .string(n.title), real(titleFont), head("GrayLevel", .real(0.1))), pointExpr(cx, top(n) - first)))
            prims.append(head("Text", head("Style", .string(n.subtitle), real(subtitleFont), head("GrayLevel", .real(0.4))), pointExpr(cx, top(n) - first - 14)))
            if !n.shape.isEmpty {
                prims.append(head("Text", head("Style", .string(n.shape), real(shapeFont), rgb(Color(0.35, 0.45, 0.65))), pointExpr(cx, top(n) - 37)))
            }
        }
        return .call(sym("Graphics"), [.list(prims),
            .rule(.symbol(sym("PlotRange")), .list([.list([.integer(0), real(width)]), .list([.integer(0), real(height)])])),
            .rule(.symbol(sym("PlotRangePadding")), .symbol(Sym.None)), .rule(.symbol(sym("ImagePadding")), .integer(0)),
            .rule(.symbol(sym("ImageSize")), real(width)), .rule(.symbol(sym("AspectRatio")), real(height / width))])
    }
}
