import Tensor

/// NumPy `.npy` arrays, read strictly.
///
/// Validates: the magic and a version of 1, 2 or 3; the header length against the file; the
/// header as the Python dict literal numpy writes, with exactly the keys `descr`,
/// `fortran_order` and `shape` (no others, no repeats); `shape` as a tuple of non-negative
/// integers (`(2, x)`, `(3)` and `(-1,)` are refused); `descr` as one of the plain numeric
/// dtypes `b1 i1 u1 i2 u2 i4 u4 i8 u8 f2 f4 f8` with byte order `<`, `>`, `|` or `=`.
/// Limits: Fortran order, structured, string, complex and object dtypes are refused; the
/// element count is multiplied with overflow checks (so (2^40, 0) is an empty array) and
/// count x element size must fit in the bytes after the header before anything is allocated;
/// Tensor's own limit of 2^34 elements applies. Bytes after the data are ignored, as numpy does.
public enum NumPyArray {
    static func bad(_ why: String) -> FormatError { FormatError("npy", "not a readable .npy file: \(why)") }

    public static func read(_ b: [UInt8]) throws -> Tensor {
        guard b.count >= 10, b.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) else { throw bad("no magic") }
        let major = b[6]
        let lengthWidth: Int
        switch major {
        case 1: lengthWidth = 2
        case 2, 3: lengthWidth = 4
        default: throw bad("format version \(major) is not supported")
        }
        let start = 8 + lengthWidth
        guard let headerLength = Bytes.littleInt(b, 8, lengthWidth), headerLength <= b.count - start else {
            throw bad("the header is cut off")
        }
        let header = Array(b[start..<(start + headerLength)])
        var parser = HeaderParser(bytes: header)
        let fields = try parser.dictionary()
        guard case .string(let descr)? = fields["descr"] else { throw bad("no dtype") }
        guard case .bool(let fortran)? = fields["fortran_order"] else { throw bad("no fortran_order") }
        guard case .shape(let shape)? = fields["shape"] else { throw bad("no shape") }
        if fortran { throw bad("Fortran order is not supported") }
        guard let (type, bigEndian) = dtype(descr) else { throw bad("dtype \(quoted(descr)) is not supported") }
        return try type.tensor(shape, from: b[(start + headerLength)...], bigEndian: bigEndian, tag: "npy")
    }

    /// The plain numeric dtypes, by kind and size.
    static let dtypes: [Substring: ElementType] = [
        "b1": .bool, "i1": .int8, "u1": .uint8, "i2": .int16, "u2": .uint16, "i4": .int32, "u4": .uint32,
        "i8": .int64, "u8": .uint64, "f2": .float16, "f4": .float32, "f8": .float64,
    ]

    /// The element type and byte order (true for big-endian) of a dtype string such as `<f4`.
    static func dtype(_ descr: String) -> (ElementType, Bool)? {
        var s = Substring(descr)
        var bigEndian = false
        if let first = s.first, "<>|=".contains(first) {
            bigEndian = first == ">"
            s = s.dropFirst()
        }
        return dtypes[s].map { ($0, bigEndian) }
    }

    /// A value of the header dict: a string, a boolean or a tuple of non-negative integers.
    enum HeaderValue: Equatable { case string(String), bool(Bool), shape([Int]) }

    /// A strict parser of the header's dict literal: `{'key': value, ...}` padded with spaces
    /// and ended by a newline; strings without escapes; ints as decimal digits (an `L` suffix,
    /// as Python 2 wrote, is allowed).
    struct HeaderParser {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        /// The parsed dict; throws unless it is one numpy could have written.
        mutating func dictionary() throws -> [String: HeaderValue] {
            var fields: [String: HeaderValue] = [:]
            guard eat(UInt8(ascii: "{")) else { throw NumPyArray.bad("the header is not a dict") }
            while true {
                if eat(UInt8(ascii: "}")) { break }
                guard let key = string() else { throw NumPyArray.bad("a malformed header key") }
                guard ["descr", "fortran_order", "shape"].contains(key) else { throw NumPyArray.bad("the unknown header key \(quoted(key))") }
                guard fields[key] == nil else { throw NumPyArray.bad("the header key \(quoted(key)) is repeated") }
                guard eat(UInt8(ascii: ":")) else { throw NumPyArray.bad("a malformed header") }
                guard let v = value() else { throw NumPyArray.bad("the header value of \(quoted(key)) is malformed") }
                fields[key] = v
                if eat(UInt8(ascii: ",")) { continue }
                guard eat(UInt8(ascii: "}")) else { throw NumPyArray.bad("a malformed header") }
                break
            }
            skipSpace()
            guard i == bytes.count else { throw NumPyArray.bad("text after the header dict") }
            for key in ["descr", "fortran_order", "shape"] where fields[key] == nil {
                throw NumPyArray.bad("the header has no \(quoted(key))")
            }
            return fields
        }

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09, 0x00].contains(bytes[i]) { i += 1 }
        }

        /// Skips spaces, then consumes `c` if it comes next.
        mutating func eat(_ c: UInt8) -> Bool {
            skipSpace()
            guard i < bytes.count, bytes[i] == c else { return false }
            i += 1
            return true
        }

        mutating func string() -> String? {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "'") || bytes[i] == UInt8(ascii: "\"") else { return nil }
            let quote = bytes[i]
            guard let end = bytes[(i + 1)...].firstIndex(of: quote) else { return nil }
            let text = bytes[(i + 1)..<end]
            guard !text.contains(UInt8(ascii: "\\")) else { return nil }
            i = end + 1
            return String(decoding: text, as: UTF8.self)
        }

        mutating func value() -> HeaderValue? {
            skipSpace()
            guard i < bytes.count else { return nil }
            if let s = string() { return .string(s) }
            for (word, v) in [("True", true), ("False", false)] where bytes[i...].starts(with: word.utf8) {
                i += word.utf8.count
                return .bool(v)
            }
            guard eat(UInt8(ascii: "(")) else { return nil }
            var dims: [Int] = []
            var sawComma = false
            while true {
                if eat(UInt8(ascii: ")")) { break }
                guard let d = integer() else { return nil }
                dims.append(d)
                sawComma = eat(UInt8(ascii: ","))
                if !sawComma {
                    guard eat(UInt8(ascii: ")")) else { return nil }
                    break
                }
            }
            // (3) is the integer 3 in Python, not a shape.
            if dims.count == 1 && !sawComma { return nil }
            return .shape(dims)
        }

        mutating func integer() -> Int? {
            skipSpace()
            let digits = bytes[i...].prefix { (0x30...0x39).contains($0) }
            guard !digits.isEmpty, let n = Int(String(decoding: digits, as: UTF8.self)) else { return nil }
            i += digits.count
            if i < bytes.count, bytes[i] == UInt8(ascii: "L") { i += 1 }
            return n
        }
    }
}

/// IDX arrays (the MNIST format): two zero bytes, a type byte, a rank byte, big-endian u32
/// dimensions, then the big-endian elements.
///
/// Validates: the magic; the type (0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float,
/// 0x0E double; others are refused); that the dimensions are present; the element count with
/// overflow checks; that count x element size bytes follow the dimensions, before allocating.
/// Limits: Tensor's 2^34 elements. Bytes after the data are ignored. A gzipped file must be
/// inflated by the caller first (`Inflate.inflate` bounds that output).
public enum IDXArray {
    public static func read(_ b: [UInt8]) throws -> Tensor {
        func bad(_ why: String) -> FormatError { FormatError("idx", "not a readable IDX file: \(why)") }
        guard b.count >= 4, b[0] == 0, b[1] == 0 else { throw bad("no magic") }
        let type: ElementType
        switch b[2] {
        case 0x08: type = .uint8
        case 0x09: type = .int8
        case 0x0B: type = .int16
        case 0x0C: type = .int32
        case 0x0D: type = .float32
        case 0x0E: type = .float64
        default: throw bad("element type \(b[2])")
        }
        let rank = Int(b[3])
        var shape: [Int] = []
        for d in 0..<rank {
            guard let n = Bytes.big(b, 4 + 4 * d, 4) else { throw bad("the dimensions are cut off") }
            shape.append(Int(n))
        }
        return try type.tensor(shape, from: b[(4 + 4 * rank)...], bigEndian: true, tag: "idx")
    }
}
