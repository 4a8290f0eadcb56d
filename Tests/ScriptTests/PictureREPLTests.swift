import Foundation
import Testing

/// Pictures in the REPL: `-Graphics-` as the result, then the picture drawn inline (kitty's
/// graphics protocol when forced with NETS_INLINE_IMAGES=1) or written to a temporary PNG whose
/// path is printed (NETS_INLINE_IMAGES=0, or a terminal without inline images).
@Suite(.serialized) struct PictureREPLTests {
    func session(_ inline: String) throws -> Terminal {
        let history = FileManager.default.temporaryDirectory.appendingPathComponent("nets-picture-history-\(getpid())-\(inline)").path
        return try Terminal(environment: ["NETS_HISTORY": history, "NETS_INLINE_IMAGES": inline])
    }

    @Test func withoutInlineImagesThePictureGoesToATemporaryFile() throws {
        let t = try session("0")
        defer { t.finish() }
        #expect(t.waitFor("In[1]:= "))
        t.send("ListPlot[{1, 4, 9}]\r")
        #expect(t.waitFor("Out[1]= -Graphics-"))
        #expect(t.waitFor(".png)"))
        let path = t.output.components(separatedBy: "(picture: ").last?.components(separatedBy: ")").first ?? ""
        let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "no PNG at \(path)")
        try? FileManager.default.removeItem(atPath: path)
        t.send("1 + 1\r")
        #expect(t.waitFor("Out[2]= 2"))
        #expect(t.output.components(separatedBy: "(picture: ").count == 2)
        t.send("Quit[]\r")
        #expect(t.waitForExit(seconds: 10))
    }

    @Test func forcedInlineImagesUseKittysProtocol() throws {
        let t = try session("1")
        defer { t.finish() }
        #expect(t.waitFor("In[1]:= "))
        t.send("Graphics[Disk[], ImageSize -> 40]\r")
        #expect(t.waitFor("Out[1]= -Graphics-"))
        #expect(t.waitFor("\u{1B}_Ga=T,f=100,m=0;"))
        #expect(!t.output.contains("(picture: "))
        t.send("Quit[]\r")
        #expect(t.waitForExit(seconds: 10))
    }

    @Test func forcedSixelDrawsBandsOfSixels() throws {
        let t = try session("sixel")
        defer { t.finish() }
        #expect(t.waitFor("In[1]:= "))
        t.send("Graphics[{Black, Disk[]}, ImageSize -> 24]\r")
        #expect(t.waitFor("Out[1]= -Graphics-"))
        // 24 x 24 pixels (one a point): raster attributes, the 252 colour registers, four bands
        // of six rows.
        #expect(t.waitFor("\u{1B}Pq\"1;1;24;24#0;2;0;0;0"))
        #expect(t.waitFor("\u{1B}\\"))
        let body = t.output.components(separatedBy: "\u{1B}Pq").last?.components(separatedBy: "\u{1B}\\").first ?? ""
        #expect(body.filter { $0 == "-" }.count == 4, "\(body.suffix(200))")
        #expect(!t.output.contains("(picture: "))
        t.send("Quit[]\r")
        #expect(t.waitForExit(seconds: 10))
    }
}
