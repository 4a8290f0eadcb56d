import CoreKernel
import Foundation
import Formats
import Graphics
import Imaging
import Language
import Nets
import Tensor

/// Nets, layers, training, pretrained models, images, data sets and the packages they come in.
public enum NetsLibrary: Library {
    public static let name = "NetsKernel"
    public static var builtins: [Builtin] {
        [Kernel.imageBuiltins, Kernel.layerBuiltins, Kernel.netBuiltins, Kernel.trainingBuiltins,
         Kernel.packageBuiltins, Kernel.modelBuiltins, Kernel.graphicsBuiltins, Kernel.plotBuiltins,
         Kernel.deconvolutionBuiltins, Kernel.arrayLayerBuiltins].flatMap { $0 }
    }
    public static var formats: [FileFormat] { netsFormats + graphicsFormats }
    public static var sources: [(name: String, text: String)] { stdlibSources }
    public static var parsedSources: [String: String] { stdlibParsed }
    public static var guide: [GuideTopic] { Kernel.netsGuide }

    public static func setUp() {
        BLAS.configureThreads()
        Symbol.intern("$NetsHome").ownValue = .string(PackageCache.home)
        ErrorReporters.register(reportNetsError)
        RichForms.register(richForms)
        RichForms.register(metadata: pictureMetadata)
    }
}

/// Pictures (Graphics expressions and images) as PNG, Graphics also as SVG, nets as their
/// summary table, for notebooks.
private func richForms(_ e: Expr) -> [String: String]? {
    if let png = picturePNG(e) {
        var forms = ["image/png": Data(png).base64EncodedString()]
        if GraphicsReader.isGraphics(e), let svg = try? GraphicsImages.file(e, .svg) {
            forms["image/svg+xml"] = String(decoding: svg, as: UTF8.self)
        }
        return forms
    }
    if let net = e.asNet { return ["text/html": informationHTML(net)] }
    return nil
}

/// The size in points at which a Graphics expression's PNG (drawn at several pixels a point)
/// is shown.
private func pictureMetadata(_ e: Expr) -> [String: [String: Int]]? {
    guard GraphicsReader.isGraphics(e), let layout = try? GraphicsReader.figure(e).measuredLayout() else { return nil }
    return ["image/png": ["width": Int(layout.width.rounded()), "height": Int(layout.height.rounded())]]
}

/// Messages for the errors of the lower modules nets are built on.
private func reportNetsError(_ error: Error, _ c: Call) -> Bool {
    switch error {
    case let e as NetError: c.message(e.tag, text: sentence(e.description))
    case let e as FormatError: c.message(e.tag, text: sentence(e.description))
    case let e as TensorError where e.isMemory: nomem(c)
    case let e as TensorError: c.message("eval", text: sentence(e.description))
    case let e as ImagingError: c.message("imgerr", text: sentence(e.description))
    case let e as GraphicsError: c.message("graphics", text: sentence(e.description))
    default: return false
    }
    return true
}

/// The formats of nets, images, checkpoints and arrays.
var netsFormats: [FileFormat] {
    func reader(_ name: String) -> (String, Call) throws -> Expr {
        { path, _ in try importing(name) { try importBytes(readBytes(path), format: name) } }
    }
    func imageWriter(_ format: Image.FileFormat) -> (String, Expr, Call) throws -> Bool {
        { path, e, c in
            if format == .png, GraphicsReader.isGraphics(e) { return try GraphicsImages.writer(.png)(path, e, c) }  // drawn by Cairo
            guard let im = e.asImage else { return false }
            // Encoding a big image takes seconds: on a thread of its own, so Ctrl-C returns at once.
            do {
                let bytes = try awaitingInterrupt(c) { try im.encoded(as: format) }
                try writeAtomically(bytes, to: path)
            } catch let flow as ControlFlow { throw flow } catch { throw FileError("noopen", "cannot write \(quoted(path))") }
            return true
        }
    }
    return [
        FileFormat("PNG", extensions: ["png"], summary: "an Image (libpng)", importer: reader("PNG"), exporter: imageWriter(.png)),
        FileFormat("JPEG", extensions: ["jpg", "jpeg"], summary: "an Image (libjpeg-turbo)", importer: reader("JPEG"), exporter: imageWriter(.jpeg)),
        FileFormat("IMAGE", summary: "an Image from a PNG or JPEG file", importer: reader("IMAGE")),
        FileFormat("WLNET", extensions: ["wlnet", "safetensors"],
                   summary: "a net: its arrays as safetensors, its structure as JSON metadata",
                   importer: { path, _ in .net(try NetFile.decode(readBytes(path))) },
                   exporter: { path, e, _ in
                       guard let net = e.asNet else { return false }
                       let bytes: [UInt8]
                       do { bytes = try NetFile.encode(net) } catch is NetError { throw FileError("noopen", "cannot encode the net") }
                       do { try writeAtomically(bytes, to: path) } catch { throw FileError("noopen", "cannot write \(quoted(path))") }
                       return true
                   }),
        ONNXModel.fileFormat,
        FileFormat("PTH", extensions: ["pth", "pt"], summary: "a PyTorch state dict, as an association of NumericArrays (no code is run)", importer: reader("PTH")),
        FileFormat("NPY", extensions: ["npy"], summary: "a NumPy array, as a NumericArray", importer: reader("NPY")),
        FileFormat("IDX", extensions: ["-ubyte", "-ubyte.gz"], summary: "an IDX array (MNIST), gzipped or not, as a NumericArray", importer: reader("IDX")),
        FileFormat("CSV.GZ", extensions: ["csv.gz"], summary: "gzipped comma-separated rows", importer: reader("CSV.GZ")),
        FileFormat("GZIP", extensions: ["gz"], summary: "gzipped text, as a string", importer: reader("GZIP")),
    ]
}

/// Runs a format's reader; a failure reads `Import::fmterr: Cannot import data as F format: why.`
func importing(_ format: String, _ body: () throws -> Expr) throws -> Expr {
    do {
        return try body()
    } catch let e as FileError {
        throw e
    } catch {
        throw FileError("fmterr", "cannot import data as \(format) format: \(error)")
    }
}
