import Language

/// Richer forms of a result than its text, for front ends that can show them (the Jupyter
/// kernel): pictures as `image/png`, nets and tables as `text/html`. Each library registers a
/// renderer for its own values when it is set up; a renderer answers the MIME types it can give
/// (binary content base64-encoded, as Jupyter's bundles carry it), or nil.
public enum RichForms {
    public typealias Renderer = (Expr) -> [String: String]?
    /// Display metadata by MIME type, such as the width and height in points at which a PNG
    /// drawn at several pixels a point is shown (`["image/png": ["width": 360, "height": 222]]`).
    public typealias MetadataRenderer = (Expr) -> [String: [String: Int]]?
    nonisolated(unsafe) private static var renderers: [Renderer] = []
    nonisolated(unsafe) private static var metadataRenderers: [MetadataRenderer] = []

    public static func register(_ renderer: @escaping Renderer) {
        renderers.append(renderer)
    }

    public static func register(metadata renderer: @escaping MetadataRenderer) {
        metadataRenderers.append(renderer)
    }

    /// The display metadata the registered renderers give for `e`.
    public static func metadata(_ e: Expr) -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for r in metadataRenderers {
            if let m = r(e) { out.merge(m) { a, _ in a } }
        }
        return out
    }

    /// Every form the registered renderers give for `e` (the first renderer to give a type wins).
    public static func forms(_ e: Expr) -> [String: String] {
        var out: [String: String] = [:]
        for r in renderers {
            if let forms = r(e) { out.merge(forms) { a, _ in a } }
        }
        return out
    }
}

/// `text` with `&`, `<`, `>` and `"` escaped for HTML.
public func htmlEscaped(_ text: String) -> String {
    var s = ""
    s.reserveCapacity(text.utf8.count)
    for c in text {
        switch c {
        case "&": s += "&amp;"
        case "<": s += "&lt;"
        case ">": s += "&gt;"
        case "\"": s += "&quot;"
        default: s.append(c)
        }
    }
    return s
}
