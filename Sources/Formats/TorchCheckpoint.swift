import Tensor

/// PyTorch checkpoints read without Python: the legacy format (consecutive pickles followed by
/// the raw storages) and the zip format (`archive/data.pkl` with `archive/data/N` storages,
/// little- or big-endian as `archive/byteorder` says). Only state dicts are read: parameter name -> array, converted to Float32.
///
/// Validates: the pickles (see `Unpickler`: no code, bounded work, depth and size); the zip
/// (see `ZipArchive`: offsets, sizes, CRCs); in the legacy format each storage's element count
/// and byte length against the file; every tensor view (offset, sizes, strides, multiplied with
/// overflow checks) against the storage it reads.
/// Limits: each storage is read and converted once, however many tensors view it; a tensor
/// that is the whole of its storage in row-major order shares the converted storage (no copy);
/// other views are copied. The Float32 bytes produced (converted storages plus copies) may total
/// at most `limit` (default `defaultLimit`, 2 GiB): checked before each allocation. A state
/// dict with no tensors is refused.
public enum TorchCheckpoint {
    /// The default cap on the Float32 bytes a checkpoint may produce: 2 GiB.
    public static let defaultLimit = 2 << 30

    static func failure(_ why: String) -> FormatError { FormatError("pickle", why) }

    public static func read(_ bytes: [UInt8], limit: Int = defaultLimit) throws -> [(name: String, tensor: Tensor)] {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return try readZip(bytes, limit: limit) }
        return try readLegacy(bytes, limit: limit)
    }

    static func readZip(_ bytes: [UInt8], limit: Int) throws -> [(name: String, tensor: Tensor)] {
        let zip = try ZipArchive(bytes)
        guard let pkl = zip.entries.first(where: { $0.name.hasSuffix("data.pkl") && $0.name.split(separator: "/").count == 2 }) else {
            throw failure("the zip checkpoint has no data.pkl")
        }
        let prefix = String(pkl.name.dropLast("data.pkl".count))
        // Newer checkpoints record the storages' byte order; older ones are little-endian.
        var bigEndian = false
        if zip.index[prefix + "byteorder"] != nil {
            let order = String(decoding: try zip.read(prefix + "byteorder", limit: 16), as: UTF8.self)
            guard order == "little" || order == "big" else { throw failure("the checkpoint's byte order \(quoted(order)) is unknown") }
            bigEndian = order == "big"
        }
        let pickle = Unpickler(try zip.read(pkl))
        let root = try pickle.load()
        return try tensors(root, pickle, limit: limit, bigEndian: bigEndian) { ref in
            (try zip.read(prefix + "data/" + ref.key, limit: limit))[...]
        }
    }

    static func readLegacy(_ bytes: [UInt8], limit: Int) throws -> [(name: String, tensor: Tensor)] {
        let p = Unpickler(bytes)
        guard case .int = try p.load() else { throw failure("not a PyTorch checkpoint (no magic number)") }
        _ = try p.load()  // protocol version
        _ = try p.load()  // system info
        let main = Unpickler(bytes, at: p.position)
        let root = try main.load()
        let keysPickle = Unpickler(bytes, at: main.position)
        let keyList = try keysPickle.load()
        guard case .list = keyList, let keys = keysPickle.items(keyList) else { throw failure("the storage list is missing") }
        // The element size of each storage, from the tensors that view it (anywhere in the pickle).
        var sizes: [String: Int] = [:]
        main.walk(root) { v in
            if case .tensor(let t) = v { sizes[t.storage.key] = elementType(t.storage.type).size }
        }
        // The storages follow in the listed order, each as an 8-byte element count and the raw data.
        var position = keysPickle.position
        var storages: [String: ArraySlice<UInt8>] = [:]
        for k in keys {
            guard case .string(let key) = k else { throw failure("a storage key is not a string") }
            guard let count = Bytes.littleInt(bytes, position, 8) else { throw failure("the checkpoint is cut off") }
            position += 8
            guard let length = Bytes.byteCount(count, sizes[key] ?? 4), length <= bytes.count - position else {
                throw failure("the checkpoint is cut off: the storage \(key) needs \(count) elements")
            }
            storages[key] = bytes[position..<(position + length)]
            position += length
        }
        return try tensors(root, main, limit: limit) { ref in
            guard let s = storages[ref.key] else { throw failure("the storage \(ref.key) is missing") }
            return s
        }
    }

    /// The element type of a storage class name such as `FloatStorage`.
    static func elementType(_ type: String) -> ElementType {
        switch type {
        case "DoubleStorage": return .float64
        case "LongStorage": return .int64
        case "IntStorage": return .int32
        case "HalfStorage": return .float16
        case "BFloat16Storage": return .bfloat16
        case "ShortStorage": return .int16
        case "CharStorage": return .int8
        case "ByteStorage", "BoolStorage": return .uint8
        default: return .float32
        }
    }

    /// The state dict's tensors, reading each storage's bytes once through `storage`.
    static func tensors(_ root: Unpickler.Value, _ pickle: Unpickler, limit: Int, bigEndian: Bool = false,
                        _ storage: (Unpickler.StorageRef) throws -> ArraySlice<UInt8>) throws -> [(name: String, tensor: Tensor)] {
        guard var dict = pickle.pairs(root) else { throw failure("the checkpoint does not hold a state dict") }
        // Common wrappers: {"state_dict": {...}} or {"model": {...}}.
        for wrapper in ["state_dict", "model", "model_state_dict"] {
            if let inner = dict.first(where: { if case .string(wrapper) = $0.0 { return true }; return false })?.1, let d = pickle.pairs(inner) {
                dict = d
            }
        }
        var produced = 0
        /// Counts `elements` more Float32s against the limit, before they are allocated.
        func spend(_ elements: Int, _ name: String) throws {
            guard let bytes = Bytes.byteCount(elements, 4), bytes <= limit - produced else {
                throw failure("the checkpoint would produce more than \(limit) bytes of arrays (at \(name))")
            }
            produced += bytes
        }
        var cache: [String: Tensor] = [:]
        var out: [(name: String, tensor: Tensor)] = []
        for (k, v) in dict {
            guard case .string(let name) = k, case .tensor(let t) = v else { continue }
            let data: Tensor
            if let cached = cache[t.storage.key] {
                data = cached
            } else {
                let raw = try storage(t.storage)
                let type = elementType(t.storage.type)
                try spend(raw.count / type.size, name)
                data = try type.tensor([raw.count / type.size], from: raw, bigEndian: bigEndian, tag: "pickle")
                cache[t.storage.key] = data
            }
            out.append((name, try view(t, of: data, name: name, spend: spend)))
        }
        guard !out.isEmpty else { throw failure("the state dict holds no tensors") }
        return out
    }

    /// The tensor `t` views in the converted storage `data`: `data` itself (reshaped) when the
    /// view is all of it in row-major order, else a copy gathered through the strides.
    static func view(_ t: Unpickler.TensorRef, of data: Tensor, name: String, spend: (Int, String) throws -> Void) throws -> Tensor {
        func bad(_ why: String) -> FormatError { failure("the tensor \(name) \(why)") }
        guard let count = Bytes.elementCount(t.shape) else { throw bad("has an impossible shape \(t.shape)") }
        // A stride of a dimension of size 0 or 1 is never stepped: take it as 0.
        let strides = zip(t.shape, t.strides).map { $0 <= 1 ? 0 : $1 }
        // Sizes and strides come from the file: check the whole view lies in the storage.
        var last = t.offset
        var contiguous = t.offset == 0
        var expected = 1
        for (n, st) in zip(t.shape, strides).reversed() where n > 0 {
            let (step, o1) = (n - 1).multipliedReportingOverflow(by: st)
            let (sum, o2) = last.addingReportingOverflow(step)
            guard !o1, !o2 else { throw bad("has impossible strides") }
            last = sum
            if n > 1 && st != expected { contiguous = false }
            expected = expected.multipliedReportingOverflow(by: n).partialValue
        }
        guard count == 0 || last < data.count else { throw bad("reaches past its storage") }
        if count == data.count && contiguous {
            do { return try data.reshaped(t.shape) } catch { throw bad("cannot take the shape \(t.shape): \(error)") }
        }
        try spend(count, name)
        var result: Tensor
        do { result = try Tensor(shape: t.shape) } catch { throw bad("cannot take the shape \(t.shape): \(error)") }
        data.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { values in
                // Gather through the strides (in bounds: every offset is at most `last`).
                var index = [Int](repeating: 0, count: t.shape.count)
                var offset = t.offset
                for i in 0..<count {
                    values[i] = source[offset]
                    var d = index.count - 1
                    while d >= 0 {
                        index[d] += 1
                        offset += strides[d]
                        if index[d] < t.shape[d] { break }
                        offset -= index[d] * strides[d]
                        index[d] = 0
                        d -= 1
                    }
                }
            }
        }
        return result
    }
}
