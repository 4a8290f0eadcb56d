import Tensor

/// Bounds-checked integer reads from file bytes: every offset and width is checked against the
/// buffer, so a hostile length or offset gives nil (which the readers turn into a FormatError),
/// never an out-of-range subscript.
enum Bytes {
    /// The unsigned little-endian integer of `width` (1...8) bytes at `offset`, if it lies in `b`.
    static func little(_ b: [UInt8], _ offset: Int, _ width: Int) -> UInt64? {
        guard (1...8).contains(width), offset >= 0, offset <= b.count - width else { return nil }
        var v: UInt64 = 0
        for i in stride(from: width - 1, through: 0, by: -1) { v = v << 8 | UInt64(b[offset + i]) }
        return v
    }

    /// The unsigned big-endian integer of `width` (1...8) bytes at `offset`, if it lies in `b`.
    static func big(_ b: [UInt8], _ offset: Int, _ width: Int) -> UInt64? {
        guard (1...8).contains(width), offset >= 0, offset <= b.count - width else { return nil }
        var v: UInt64 = 0
        for i in 0..<width { v = v << 8 | UInt64(b[offset + i]) }
        return v
    }

    /// `little` as an Int; nil also when the value does not fit an Int (a "negative" 64-bit field).
    static func littleInt(_ b: [UInt8], _ offset: Int, _ width: Int) -> Int? {
        little(b, offset, width).flatMap { Int(exactly: $0) }
    }

    /// The number of elements of a shape, multiplied left to right as `Tensor` does; nil when a
    /// dimension is negative or a partial product overflows. (2^40, 0) has 0 elements.
    static func elementCount(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow else { return nil }
            n = p
        }
        return n
    }

    /// `count * size`, or nil when it overflows or either is negative.
    static func byteCount(_ count: Int, _ size: Int) -> Int? {
        guard count >= 0, size >= 0 else { return nil }
        let (n, overflow) = count.multipliedReportingOverflow(by: size)
        return overflow ? nil : n
    }
}

/// The numeric element types the readers convert to Float32 (npy dtypes, IDX types, PyTorch
/// storages).
enum ElementType: Sendable {
    case float16, bfloat16, float32, float64, int8, uint8, int16, uint16, int32, uint32, int64, uint64, bool

    var size: Int {
        switch self {
        case .int8, .uint8, .bool: return 1
        case .float16, .bfloat16, .int16, .uint16: return 2
        case .float32, .int32, .uint32: return 4
        case .float64, .int64, .uint64: return 8
        }
    }

    /// A tensor of `shape` from the elements at the start of `data`. Throws (tagged `tag`)
    /// unless the element count is computable and that many elements lie in `data`; only then
    /// is anything allocated.
    func tensor(_ shape: [Int], from data: ArraySlice<UInt8>, bigEndian: Bool, tag: String) throws -> Tensor {
        guard let count = Bytes.elementCount(shape) else {
            throw FormatError(tag, "the shape \(shape) is impossible (a negative dimension or too many elements)")
        }
        guard let length = Bytes.byteCount(count, size), length <= data.count else {
            throw FormatError(tag, "the data is cut off: the shape \(shape) needs \(count) elements of \(size) bytes")
        }
        var tensor: Tensor
        do { tensor = try Tensor(shape: shape) } catch {
            throw FormatError(tag, "the shape \(shape) is too large: \(error)")
        }
        data.withUnsafeBytes { raw in
            tensor.withUnsafeMutableBufferPointer { out in decode(raw, into: out, bigEndian: bigEndian) }
        }
        return tensor
    }

    /// Converts the first `out.count` elements of `raw` (which must hold them) to Float.
    func decode(_ raw: UnsafeRawBufferPointer, into out: UnsafeMutableBufferPointer<Float>, bigEndian: Bool) {
        func each<T: FixedWidthInteger>(_: T.Type, _ f: (T) -> Float) {
            let n = Swift.min(out.count, raw.count / MemoryLayout<T>.size)
            for i in 0..<n {
                let v = raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
                out[i] = f(bigEndian ? T(bigEndian: v) : T(littleEndian: v))
            }
        }
        switch self {
        case .float16: each(UInt16.self) { Float(Float16(bitPattern: $0)) }
        case .bfloat16: each(UInt16.self) { Float(bitPattern: UInt32($0) << 16) }
        case .float32: each(UInt32.self) { Float(bitPattern: $0) }
        case .float64: each(UInt64.self) { Float(Double(bitPattern: $0)) }
        case .int8: each(UInt8.self) { Float(Int8(bitPattern: $0)) }
        case .uint8, .bool: each(UInt8.self) { Float($0) }
        case .int16: each(Int16.self) { Float($0) }
        case .uint16: each(UInt16.self) { Float($0) }
        case .int32: each(Int32.self) { Float($0) }
        case .uint32: each(UInt32.self) { Float($0) }
        case .int64: each(Int64.self) { Float($0) }
        case .uint64: each(UInt64.self) { Float($0) }
        }
    }
}
