import Tensor

/// PyTorch checkpoints read without Python: the legacy format (consecutive pickles followed by
/// the raw storages) and the zip format (`archive/data.pkl` with `archive/data/N` storages).
/// Only state dicts are read: parameter name -> array, converted to Float32.
public enum TorchCheckpoint {
    public static func read(_ bytes: [UInt8]) throws -> [(name: String, tensor: Tensor)] {
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return try readZip(bytes) }
        return try readLegacy(bytes)
    }

    static func readZip(_ bytes: [UInt8]) throws -> [(name: String, tensor: Tensor)] {
        let zip = try ZipArchive(bytes)
        guard let pkl = zip.entries.first(where: { $0.name.hasSuffix("data.pkl") && $0.name.split(separator: "/").count == 2 }) else {
            throw FormatError("pickle", "the zip checkpoint has no data.pkl")
        }
        let prefix = String(pkl.name.dropLast("data.pkl".count))
        let root = try Unpickler(try zip.read(pkl)).load()
        return try tensors(root) { key in try zip.read(prefix + "data/" + key) }
    }

    static func readLegacy(_ bytes: [UInt8]) throws -> [(name: String, tensor: Tensor)] {
        let p = Unpickler(bytes)
        guard case .int = try p.load() else { throw FormatError("pickle", "not a PyTorch checkpoint (no magic number)") }
        _ = try p.load()  // protocol version
        _ = try p.load()  // system info
        let main = Unpickler(bytes, at: p.position)
        let root = try main.load()
        let keysPickle = Unpickler(bytes, at: main.position)
        guard case .list(let keyList) = try keysPickle.load() else { throw FormatError("pickle", "the storage list is missing") }
        // The storages follow in the listed order, each as an 8-byte element count and the raw data.
        var position = keysPickle.position
        var storages: [String: ArraySlice<UInt8>] = [:]
        var sizes: [String: Int] = [:]
        func collect(_ v: Unpickler.Value) {
            switch v {
            case .tensor(let t): sizes[t.storage.key] = elementSize(t.storage.type)
            case .dict(let d): for (_, x) in d.pairs { collect(x) }
            case .list(let l): for x in l.items { collect(x) }
            case .tuple(let xs): for x in xs { collect(x) }
            default: break
            }
        }
        collect(root)
        for k in keyList.items {
            guard case .string(let key) = k else { throw FormatError("pickle", "a storage key is not a string") }
            guard position + 8 <= bytes.count else { throw FormatError("pickle", "the checkpoint is cut off") }
            var count = 0
            for i in 0..<8 { count |= Int(bytes[position + i]) << (8 * i) }
            position += 8
            guard count >= 0, count <= bytes.count - position else { throw FormatError("pickle", "the checkpoint is cut off") }
            let length = count * (sizes[key] ?? 4)
            guard length <= bytes.count - position else { throw FormatError("pickle", "the checkpoint is cut off") }
            storages[key] = bytes[position..<(position + length)]
            position += length
        }
        return try tensors(root) { key in
            guard let s = storages[key] else { throw FormatError("pickle", "the storage \(key) is missing") }
            return Array(s)
        }
    }

    /// The number of elements of a shape, or nil when it overflows.
    static func checkedCount(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            let (p, o) = n.multipliedReportingOverflow(by: d)
            guard !o, d >= 0 else { return nil }
            n = p
        }
        return n
    }

    static func elementSize(_ type: String) -> Int {
        switch type {
        case "DoubleStorage", "LongStorage": return 8
        case "HalfStorage", "ShortStorage", "BFloat16Storage": return 2
        case "CharStorage", "ByteStorage", "BoolStorage": return 1
        default: return 4
        }
    }

    /// The state dict's tensors, reading storages through `storage`.
    static func tensors(_ root: Unpickler.Value, _ storage: (String) throws -> [UInt8]) throws -> [(name: String, tensor: Tensor)] {
        guard case .dict(var dict) = root else { throw FormatError("pickle", "the checkpoint does not hold a state dict") }
        // Common wrappers: {"state_dict": {...}} or {"model": {...}}.
        for wrapper in ["state_dict", "model", "model_state_dict"] {
            if let inner = dict.pairs.first(where: { if case .string(wrapper) = $0.0 { return true }; return false })?.1, case .dict(let d) = inner {
                dict = d
            }
        }
        var cache: [String: [Float]] = [:]
        var out: [(name: String, tensor: Tensor)] = []
        for (k, v) in dict.pairs {
            guard case .string(let name) = k, case .tensor(let t) = v else { continue }
            if cache[t.storage.key] == nil { cache[t.storage.key] = try floats(storage(t.storage.key), t.storage.type) }
            guard let data = cache[t.storage.key] else { continue }
            // Sizes and strides come from the file: check the whole view lies in the storage.
            guard let count = checkedCount(t.shape), count <= data.count || count == 0 else {
                throw FormatError("pickle", "the tensor \(name) is larger than its storage")
            }
            var last = t.offset
            for (n, st) in zip(t.shape, t.strides) where n > 0 {
                let (step, o1) = (n - 1).multipliedReportingOverflow(by: st)
                let (sum, o2) = last.addingReportingOverflow(step)
                guard !o1, !o2 else { throw FormatError("pickle", "the tensor \(name) has impossible strides") }
                last = sum
            }
            guard count == 0 || last < data.count else { throw FormatError("pickle", "the tensor \(name) reaches past its storage") }
            var values = [Float](repeating: 0, count: count)
            // Gather through the strides (contiguous tensors are the common case).
            var index = [Int](repeating: 0, count: t.shape.count)
            for i in 0..<count {
                var offset = t.offset
                for d in 0..<index.count { offset += index[d] * t.strides[d] }
                guard offset < data.count else { throw FormatError("pickle", "the tensor \(name) reaches past its storage") }
                values[i] = data[offset]
                var d = index.count - 1
                while d >= 0 {
                    index[d] += 1
                    if index[d] < t.shape[d] { break }
                    index[d] = 0
                    d -= 1
                }
            }
            out.append((name, try Tensor(shape: t.shape, values: values)))
        }
        return out
    }

    static func floats(_ b: [UInt8], _ type: String) throws -> [Float] {
        let size = elementSize(type)
        let n = b.count / size
        return b.withUnsafeBytes { raw in
            (0..<n).map { i -> Float in
                let o = i * size
                switch type {
                case "DoubleStorage": return Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self)))
                case "LongStorage": return Float(raw.loadUnaligned(fromByteOffset: o, as: Int64.self))
                case "IntStorage": return Float(raw.loadUnaligned(fromByteOffset: o, as: Int32.self))
                case "ShortStorage": return Float(raw.loadUnaligned(fromByteOffset: o, as: Int16.self))
                case "CharStorage": return Float(raw.loadUnaligned(fromByteOffset: o, as: Int8.self))
                case "ByteStorage", "BoolStorage": return Float(raw.loadUnaligned(fromByteOffset: o, as: UInt8.self))
                case "HalfStorage": return Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: o, as: UInt16.self)))
                case "BFloat16Storage": return Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: o, as: UInt16.self)) << 16)
                default: return Float(bitPattern: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self))
                }
            }
        }
    }
}
