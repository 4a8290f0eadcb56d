import CoreKernel
import Foundation
import Language
import NetsKernel

/// Shows pictures where the user works: drawn inline on terminals that can (kitty's graphics
/// protocol, iTerm2's inline images, sixel graphics; `NETS_INLINE_IMAGES=1` forces kitty's,
/// `=sixel` sixel, `=0` turns it off), otherwise written to a temporary PNG whose path is printed.
enum InlinePictures {
    enum Kind { case kitty, iterm, sixel }

    /// The protocol the terminal speaks, from the environment; nil to write files instead.
    static func terminalProtocol(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Kind? {
        let forced = env["NETS_INLINE_IMAGES"]
        if forced == "0" { return nil }
        let kitty = env["KITTY_WINDOW_ID"] != nil || env["TERM"] == "xterm-kitty" || env["TERM_PROGRAM"] == "ghostty"
        let iterm = ["iTerm.app", "WezTerm"].contains(env["TERM_PROGRAM"] ?? "")
        let term = env["TERM"] ?? ""
        let sixel = ["mlterm", "foot", "contour", "mintty"].contains(env["TERM_PROGRAM"] ?? "")
            || ["foot", "mlterm", "yaft", "contour"].contains { term.hasPrefix($0) }
            || env["WT_SESSION"] != nil || env["KONSOLE_VERSION"] != nil
        if forced == "sixel" { return .sixel }
        if kitty { return .kitty }
        if iterm { return .iterm }
        if sixel { return .sixel }
        return forced == "1" ? .kitty : nil
    }

    nonisolated(unsafe) static var count = 0

    /// Shows the result if it is a picture; `write` prints to the terminal.
    static func show(_ result: Expr, _ write: (String) -> Void) {
        let p = terminalProtocol()
        if p == .sixel, let px = picturePixels(result),
           let sixel = Sixel.encode(width: px.width, height: px.height, channels: px.channels, bytes: px.bytes) {
            write(sixel + "\n")
            return
        }
        guard let png = picturePNG(result) else { return }
        if let p, p != .sixel {
            // A picture drawn at two pixels a point is shown at its size in points.
            write(escape(png, p, points: RichForms.metadata(result)["image/png"]?["width"]) + "\n")
            return
        }
        count += 1
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("nets-\(getpid())-\(count).png")
        guard FileManager.default.createFile(atPath: path, contents: Data(png)) else { return }
        write("(picture: \(path))\n\n")
    }

    /// The escape sequence that draws a PNG: kitty's in chunks of 4096 base64 characters.
    static func escape(_ png: [UInt8], _ p: Kind, points: Int? = nil) -> String {
        let b64 = Data(png).base64EncodedString()
        switch p {
        case .iterm:
            let width = points.map { ";width=\($0)px" } ?? ""
            return "\u{1B}]1337;File=inline=1;size=\(png.count)\(width);preserveAspectRatio=1:\(b64)\u{07}"
        case .kitty, .sixel:
            var out = ""
            var rest = Substring(b64)
            var first = true
            while !rest.isEmpty || first {
                let chunk = rest.prefix(4096)
                rest = rest.dropFirst(chunk.count)
                let more = rest.isEmpty ? 0 : 1
                out += "\u{1B}_G" + (first ? "a=T,f=100," : "") + "m=\(more);" + chunk + "\u{1B}\\"
                first = false
            }
            return out
        }
    }
}
