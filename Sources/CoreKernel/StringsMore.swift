import BigInt
import CZlib
import Foundation
import Language

/// The digest `Hash` computes for a hash type, by Wolfram's name for it.
private func digest(_ type: String, _ bytes: [UInt8]) -> [UInt8]? {
    switch type {
    case "MD5": return Digest.md5(bytes)
    case "SHA": return Digest.sha1(bytes)
    case "SHA256": return Digest.sha256(bytes)
    case "SHA3-256": return Digest.sha3(bytes, outputBytes: 32)
    case "SHA3-512": return Digest.sha3(bytes, outputBytes: 64)
    case "CRC32":
        let c = bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        return (0..<4).map { UInt8(truncatingIfNeeded: c >> (8 * (3 - $0))) }
    case "Adler32":
        let c = bytes.withUnsafeBufferPointer { adler32(1, $0.baseAddress, uInt($0.count)) }
        return (0..<4).map { UInt8(truncatingIfNeeded: c >> (8 * (3 - $0))) }
    default: return nil
    }
}

/// The bytes an expression is hashed as: a string's UTF-8 bytes, otherwise its InputForm text.
private func hashedBytes(_ e: Expr) -> [UInt8] {
    if case .string(let s) = e { return Array(s.utf8) }
    return Array(InputForm.string(e).utf8)
}

/// zlib's compress2 (with its header and checksum), or nil if zlib fails.
private func zlibCompress(_ bytes: [UInt8]) -> [UInt8]? {
    var size = compressBound(uLong(bytes.count))
    var out = [UInt8](repeating: 0, count: Int(size))
    let status = bytes.withUnsafeBufferPointer { src in
        out.withUnsafeMutableBufferPointer { dst in
            compress2(dst.baseAddress, &size, src.baseAddress, uLong(src.count), Z_BEST_COMPRESSION)
        }
    }
    guard status == Z_OK else { return nil }
    return Array(out.prefix(Int(size)))
}

/// Inflates a zlib stream, refusing to produce more than `limit` bytes.
private func zlibUncompress(_ bytes: [UInt8], limit: Int) -> [UInt8]? {
    var stream = z_stream()
    guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
    defer { inflateEnd(&stream) }
    var input = bytes
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    return input.withUnsafeMutableBufferPointer { src -> [UInt8]? in
        stream.next_in = src.baseAddress
        stream.avail_in = uInt(src.count)
        while true {
            let status = chunk.withUnsafeMutableBufferPointer { dst -> Int32 in
                stream.next_out = dst.baseAddress
                stream.avail_out = uInt(dst.count)
                return inflate(&stream, Z_NO_FLUSH)
            }
            let produced = chunk.count - Int(stream.avail_out)
            out.append(contentsOf: chunk.prefix(produced))
            guard out.count <= limit else { return nil }
            if status == Z_STREAM_END { return out }
            guard status == Z_OK, produced > 0 || stream.avail_in > 0 else { return nil }
        }
    }
}

extension Kernel {
    static var moreStringBuiltins: [Builtin] {
        [
            Builtin("StringRepeat", [], usage: "StringRepeat[s, n] gives s repeated n times; StringRepeat[s, n, max] at most max characters of that.", arity: .between(2, 3), examples: [("StringRepeat[\"ab\", 3]", "ababab"), ("StringRepeat[\"ab\", 3, 5]", "ababa"), ("StringRepeat[\"ab\", 0]", "")]) { c in
                guard let s = c[0].asString, let n = c[1].intValue, n >= 0 else { return nil }
                let most = c.count == 3 ? c[2].intValue : .max
                guard let most, most >= 0 else { return nil }
                // Only the copies that the character limit keeps are made.
                let length = s.count
                let copies = length == 0 ? 0 : Swift.min(n, most / length + (most % length == 0 ? 0 : 1))
                let (bytes, overflow) = copies.multipliedReportingOverflow(by: s.utf8.count)
                guard !overflow, admits(bytes, bytesEach: 1, c) else { if overflow { nomem(c) }; return nil }
                return .string(try repeated(s, copies, upTo: most, c))
            },
            Builtin("Hash", [], usage: "Hash[expr, type] gives the hash of expr of the given type (\"MD5\", \"SHA\", \"SHA256\", \"SHA3-256\", \"SHA3-512\", \"CRC32\", \"Adler32\") as an integer; Hash[expr, type, \"HexString\"] as lowercase hexadecimal digits, \"Base64Encoding\" as Base64. A string is hashed as its UTF-8 bytes (as Wolfram does); another expression as its InputForm text, which differs from Wolfram's serialization. Hash[expr] gives an integer that identifies expr.", arity: .between(1, 3), messages: ["unkh": "Unknown hash type `1`.", "unkf": "Unknown hash format `1`."], examples: [("Hash[\"abc\", \"MD5\", \"HexString\"]", "900150983cd24fb0d6963f7d28e17f72"), ("Hash[\"abc\", \"SHA256\", \"HexString\"]", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"), ("Hash[\"abc\", \"SHA3-256\", \"HexString\"]", "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"), ("Hash[\"abc\", \"SHA\", \"HexString\"]", "a9993e364706816aba3e25717850c26c9cd0d89d"), ("Hash[\"abc\", \"CRC32\"]", "891568578"), ("Hash[\"\", \"MD5\"]", "281949768489412648962353822266799178366")]) { c in
                let type = c.count > 1 ? c[1].asString ?? "" : "SHA256"
                guard let bytes = digest(type, hashedBytes(c[0])) else { c.message("unkh", c[1]); return nil }
                let format = c.count > 2 ? c[2].asString ?? "" : "Integer"
                switch format {
                case "Integer":
                    let value = c.count == 1 ? BigInt(BigUInt(Data(bytes.prefix(8)))) : BigInt(BigUInt(Data(bytes)))
                    return .integer(value)
                case "HexString": return .string(bytes.map { String(format: "%02x", $0) }.joined())
                case "HexStringLittleEndian": return .string(bytes.reversed().map { String(format: "%02x", $0) }.joined())
                case "Base64Encoding": return .string(Data(bytes).base64EncodedString())
                default: c.message("unkf", c[2]); return nil
                }
            },
            Builtin("Compress", [], usage: "Compress[expr] gives a string that Uncompress turns back into expr: \"1:\" followed by the Base64 of the zlib-compressed InputForm of expr (Wolfram's framing; its own payload is a binary serialization, so strings made by Wolfram do not uncompress here).", arity: .exactly(1), examples: [("Uncompress[Compress[{1, x^2, \"a\"}]]", "{1, x^2, a}"), ("StringTake[Compress[1], 2]", "1:")]) { c in
                guard let z = zlibCompress(Array(InputForm.string(c[0]).utf8)) else { return nil }
                return .string("1:" + Data(z).base64EncodedString())
            },
            Builtin("Uncompress", [], usage: "Uncompress[\"string\"] gives the expression that Compress turned into string, evaluated; Uncompress[\"string\", h] wraps it in h before evaluation.", arity: .between(1, 2), messages: ["string": "A string produced by Compress was expected as argument `1`."], examples: [("Uncompress[Compress[a + b], Hold]", "Hold[a + b]")]) { c in
                guard let s = c[0].asString, s.hasPrefix("1:"), let data = Data(base64Encoded: String(s.dropFirst(2))),
                      let bytes = zlibUncompress(Array(data), limit: 1 << 28),
                      let text = String(bytes: bytes, encoding: .utf8),
                      let e = try? Parser.parseExpression(text) else {
                    c.message("string", c[0])
                    return .failed
                }
                return c.count == 2 ? .call(c[1], [e]) : e
            },
            Builtin("CharacterNormalize", [.listable], usage: "CharacterNormalize[\"string\", form] gives string in the Unicode normalization form \"NFC\", \"NFD\", \"NFKC\" or \"NFKD\".", arity: .exactly(2), messages: ["form": "`1` is not a known normalization form."], examples: [("ToCharacterCode[CharacterNormalize[\"é\", \"NFD\"]]", "{101, 769}"), ("CharacterNormalize[\"é\", \"NFC\"] == \"é\"", "True")]) { c in
                guard let s = c[0].asString, let form = c[1].asString else { return nil }
                // Compared by scalars, so that the composed and decomposed forms differ in length.
                switch form {
                case "NFC": return .string(s.precomposedStringWithCanonicalMapping)
                case "NFD": return .string(s.decomposedStringWithCanonicalMapping)
                case "NFKC": return .string(s.precomposedStringWithCompatibilityMapping)
                case "NFKD": return .string(s.decomposedStringWithCompatibilityMapping)
                default: c.message("form", c[1]); return nil
                }
            },
            Builtin("Transliterate", [.listable], usage: "Transliterate[\"string\"] writes string in Latin letters without diacritics (through ICU's transliterations); Transliterate[\"string\", \"Ascii\"] as well.", arity: .between(1, 2), examples: [("Transliterate[\"café naïve\"]", "cafe naive"), ("Transliterate[\"Αθήνα\"]", "Athena")]) { c in
                guard let s = c[0].asString else { return nil }
                let latin = s.applyingTransform(.toLatin, reverse: false) ?? s
                return .string(latin.applyingTransform(.stripDiacritics, reverse: false) ?? latin)
            },
            Builtin("RemoveDiacritics", [.listable], usage: "RemoveDiacritics[\"string\"] removes the accents and other diacritical marks from the letters of string, keeping its script.", arity: .exactly(1), examples: [("RemoveDiacritics[\"Hallå där, café\"]", "Halla dar, cafe"), ("RemoveDiacritics[\"Ørsted Łódź\"]", "Orsted Lodz")]) { c in
                guard let s = c[0].asString else { return nil }
                return .string(removingDiacritics(s))
            },
        ]
    }
}

/// Letters whose stroke or slash is a diacritic but that Unicode does not decompose.
private let strokedLetters: [Character: Character] = [
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H",
]

/// `s` without combining marks (after canonical decomposition) and with stroked letters plain.
func removingDiacritics(_ s: String) -> String {
    var scalars = String.UnicodeScalarView()
    for u in s.decomposedStringWithCanonicalMapping.unicodeScalars {
        switch u.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: continue
        default: scalars.append(u)
        }
    }
    return String(String(scalars).map { strokedLetters[$0] ?? $0 }).precomposedStringWithCanonicalMapping
}

/// `s` repeated `copies` times, cut to `most` characters, made a megabyte at a time so that
/// Ctrl-C stops a long one.
private func repeated(_ s: String, _ copies: Int, upTo most: Int, _ c: Call) throws -> String {
    var out = ""
    out.reserveCapacity(copies * s.utf8.count)
    let chunk = Swift.max(1, (1 << 20) / Swift.max(s.utf8.count, 1))
    var left = copies
    while left > 0 {
        try c.evaluator.checkInterrupt()
        let k = Swift.min(chunk, left)
        out += String(repeating: s, count: k)
        left -= k
    }
    return copies * s.count > most ? String(out.prefix(most)) : out
}
