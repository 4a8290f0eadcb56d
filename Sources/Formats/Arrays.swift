import Tensor

/// NumPy `.npy` arrays (versions 1-3; little- or big-endian floats and integers, C order).
public enum NumPyArray {
    public static func read(_ b: [UInt8]) throws -> Tensor {
        func bad(_ why: String) -> FormatError { FormatError("npy", "not a readable .npy file: \(why)") }
        guard b.count >= 10, b.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) else { throw bad("no magic") }
        let major = Int(b[6])
        let headerLength = major == 1 ? Int(b[8]) | Int(b[9]) << 8 : (b.count >= 12 ? Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24 : 0)
        let start = major == 1 ? 10 : 12
        guard start + headerLength <= b.count else { throw bad("the header is cut off") }
        let header = String(decoding: b[start..<(start + headerLength)], as: UTF8.self)
        func field(_ key: String) -> String? {
            guard let r = header.range(of: "'\(key)':") else { return nil }
            return String(header[r.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        guard let descr = field("descr")?.split(separator: "'").first.map(String.init) else { throw bad("no dtype") }
        if field("fortran_order")?.hasPrefix("True") == true { throw bad("Fortran order is not supported") }
        guard let shapeText = field("shape"), let open = shapeText.firstIndex(of: "("), let close = shapeText.firstIndex(of: ")") else { throw bad("no shape") }
        let shape = shapeText[shapeText.index(after: open)..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard let count = TorchCheckpoint.checkedCount(shape) else { throw bad("an impossible shape") }
        let data = Array(b[(start + headerLength)...])
        let little = !descr.hasPrefix(">")
        let kind = descr.dropFirst(descr.first == "<" || descr.first == ">" || descr.first == "|" || descr.first == "=" ? 1 : 0)
        guard let size = Int(kind.dropFirst()), [1, 2, 4, 8].contains(size), let code = kind.first else { throw bad("dtype \(descr)") }
        guard count <= data.count / size else { throw bad("the data is cut off") }
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count {
            var bits: UInt64 = 0
            for j in 0..<size { bits |= UInt64(data[i * size + (little ? j : size - 1 - j)]) << (8 * UInt64(j)) }
            switch (code, size) {
            case ("f", 4): values[i] = Float(bitPattern: UInt32(bits))
            case ("f", 8): values[i] = Float(Double(bitPattern: bits))
            case ("f", 2): values[i] = Float(Float16(bitPattern: UInt16(bits)))
            case ("u", _), ("b", 1): values[i] = Float(bits)
            case ("i", _):
                let shift = UInt64(64 - 8 * size)
                values[i] = Float(Int64(bitPattern: bits << shift) >> Int64(shift))
            default: throw bad("dtype \(descr) is not supported")
            }
        }
        return try Tensor(shape: shape, values: values)
    }
}

/// IDX arrays (the MNIST format): big-endian dimensions, then unsigned bytes or other types.
public enum IDXArray {
    public static func read(_ b: [UInt8]) throws -> Tensor {
        func bad(_ why: String) -> FormatError { FormatError("idx", "not a readable IDX file: \(why)") }
        guard b.count >= 4, b[0] == 0, b[1] == 0 else { throw bad("no magic") }
        let type = b[2], rank = Int(b[3])
        guard b.count >= 4 + 4 * rank else { throw bad("the dimensions are cut off") }
        let shape = (0..<rank).map { d in (0..<4).reduce(0) { $0 << 8 | Int(b[4 + 4 * d + $1]) } }
        guard let count = TorchCheckpoint.checkedCount(shape) else { throw bad("an impossible shape") }
        let start = 4 + 4 * rank
        let size: Int
        switch type {
        case 0x08, 0x09: size = 1
        case 0x0B: size = 2
        case 0x0C, 0x0D: size = 4
        case 0x0E: size = 8
        default: throw bad("element type \(type)")
        }
        guard count <= (b.count - start) / size else { throw bad("the data is cut off") }
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count {
            var bits: UInt64 = 0
            for j in 0..<size { bits = bits << 8 | UInt64(b[start + i * size + j]) }
            switch type {
            case 0x08: values[i] = Float(bits)
            case 0x09: values[i] = Float(Int8(bitPattern: UInt8(bits)))
            case 0x0B: values[i] = Float(Int16(bitPattern: UInt16(bits)))
            case 0x0C: values[i] = Float(Int32(bitPattern: UInt32(bits)))
            case 0x0D: values[i] = Float(bitPattern: UInt32(bits))
            default: values[i] = Float(Double(bitPattern: bits))
            }
        }
        return try Tensor(shape: shape, values: values)
    }
}
