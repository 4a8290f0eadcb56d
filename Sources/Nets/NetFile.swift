import Foundation
import Resources
import Tensor

/// Nets on disk: a safetensors file (8-byte little-endian header length, a JSON header, raw
/// little-endian Float32 data) whose tensors are the learned arrays, named by layer path and
/// array (`"2/conv/Weights"`), and whose `__metadata__` holds the net's structure as JSON under
/// `"nets.structure"`. Any safetensors reader can load the weights; `NetFile.decode` rebuilds the
/// net bit for bit.
public enum NetFile {
    static let structureKey = "nets.structure"
    static let formatVersion = "1"

    /// The structure without arrays.
    indirect enum Record: Codable, Sendable, Equatable {
        case layer(kind: LayerKind, inputs: [Shape?], output: Shape?)
        case chain(names: [String], nodes: [Record], encoder: Encoder?, decoder: Decoder?)
        case graph(names: [String], nodes: [Record], edges: [Edge], inputNames: [String], encoder: Encoder?, decoder: Decoder?)
    }

    static func record(_ net: Net) -> Record {
        switch net {
        case .layer(let l): return .layer(kind: l.kind, inputs: l.inputs, output: l.output)
        case .chain(let c): return .chain(names: c.names, nodes: c.nodes.map(record), encoder: c.encoder, decoder: c.decoder)
        case .graph(let g):
            return .graph(names: g.names, nodes: g.nodes.map(record), edges: g.edges, inputNames: g.inputNames, encoder: g.encoder, decoder: g.decoder)
        }
    }

    /// The file's bytes.
    public static func encode(_ net: Net) throws -> [UInt8] {
        let structure = String(decoding: try JSONEncoder().encode(record(net)), as: UTF8.self)
        var header: [String: Any] = ["__metadata__": [structureKey: structure, "format": "nets", "nets.version": formatVersion]]
        var offset = 0
        var blobs: [Tensor] = []
        for (path, layer) in net.layers {
            for name in layer.operation.arrayNames {
                guard let t = layer.arrays[name] else { continue }
                let key = (path + [name]).joined(separator: "/")
                header[key] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]]
                offset += 4 * t.count
                blobs.append(t)
            }
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var out = [UInt8]()
        out.reserveCapacity(8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: json)
        for t in blobs {
            t.withUnsafeBufferPointer { p in
                for v in p { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
            }
        }
        return out
    }

    /// The net in a file's bytes; anything malformed throws a described error.
    public static func decode(_ bytes: [UInt8]) throws -> Net {
        func damaged(_ why: String) -> NetError { NetError("netfile", "the file is not a valid nets file: \(why)") }
        guard bytes.count >= 8 else { throw damaged("it is too short") }
        let length = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(bytes.count - 8) else { throw damaged("the header is cut off") }
        let headerEnd = 8 + Int(length)
        guard let header = try? JSONSerialization.jsonObject(with: Data(bytes[8..<headerEnd])) as? [String: Any] else {
            throw damaged("the header is not JSON")
        }
        guard let meta = header["__metadata__"] as? [String: String], let structure = meta[structureKey] else {
            throw damaged("it holds weights but no net structure (\(structureKey))")
        }
        // The structure's nesting bounds the recursion of reading and using it.
        guard nestingDepth(structure) <= maxNesting else {
            throw damaged("the structure is nested more than \(maxNesting) levels deep")
        }
        let record: Record
        do {
            record = try JSONDecoder().decode(Record.self, from: Data(structure.utf8))
        } catch {
            throw damaged("the structure cannot be read")
        }
        let (nodes, edges) = size(record)
        guard nodes <= maxNodes, edges <= maxEdges else {
            throw damaged("it holds \(nodes) layers and \(edges) edges; at most \(maxNodes) and \(maxEdges) are read")
        }
        let data = bytes[headerEnd...]
        // Every array entry, checked against the data before anything is allocated: a known
        // dtype, a shape whose size fits the memory limit and matches its byte range, and
        // ranges inside the data that do not overlap.
        var entries: [String: (shape: Shape, range: Range<Int>)] = [:]
        for (key, value) in header where key != "__metadata__" {
            guard let entry = value as? [String: Any], entry["dtype"] as? String == "F32",
                  let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int], offsets.count == 2,
                  offsets[0] >= 0, offsets[1] >= offsets[0], offsets[1] <= data.count,
                  let count = ResourcePolicy.count(shape), ResourcePolicy.admits(count, bytesEach: 4),
                  count * 4 == offsets[1] - offsets[0] else {
                throw damaged("the entry for \(quoted(key)) is malformed")
            }
            entries[key] = (shape, offsets[0]..<offsets[1])
        }
        let ranges = entries.values.map(\.range).filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        for (a, b) in zip(ranges, ranges.dropFirst()) where a.upperBound > b.lowerBound {
            throw damaged("two arrays overlap in the data")
        }
        func array(_ key: String) throws -> Tensor? {
            guard let (shape, range) = entries[key] else { return nil }
            var values = [Float](repeating: 0, count: range.count / 4)
            let base = data.startIndex + range.lowerBound
            for i in values.indices {
                let p = base + 4 * i
                let bits = UInt32(data[p]) | UInt32(data[p + 1]) << 8 | UInt32(data[p + 2]) << 16 | UInt32(data[p + 3]) << 24
                values[i] = Float(bitPattern: bits)
            }
            return try Tensor(shape: shape, values: values)
        }
        return try build(record, array: array)
    }

    /// The net a structure describes, its layers' arrays looked up by path (`"2/conv/Weights"`;
    /// nil: not initialized).
    static func build(_ record: Record, path: [String] = [], array: (String) throws -> Tensor?) throws -> Net {
        func damaged(_ why: String) -> NetError { NetError("netfile", "the file is not a valid nets file: \(why)") }
        switch record {
        case .layer(let kind, let inputs, let output):
            var arrays: [String: Tensor] = [:]
            for name in kind.arrayNames { arrays[name] = try array((path + [name]).joined(separator: "/")) }
            // The recorded input first: arrays alone would guess a vector (a LinearLayer's weights).
            var l = try Layer(kind, arrays: arrays, input: inputs.first ?? nil, inputCount: inputs.count)
            _ = try l.constrain(inputs: inputs, output: output)
            return .layer(l)
        case .chain(let names, let nodes, let encoder, let decoder):
            guard names.count == nodes.count else { throw damaged("a chain's names and layers differ in number") }
            return .chain(try Chain(names: names, nodes: zip(names, nodes).map { try build($0.1, path: path + [$0.0], array: array) },
                                    encoder: try validated(encoder), decoder: decoder))
        case .graph(let names, let nodes, let edges, let inputNames, let encoder, let decoder):
            guard names.count == nodes.count else { throw damaged("a graph's names and nodes differ in number") }
            return .graph(try Graph(names: names, nodes: zip(names, nodes).map { try build($0.1, path: path + [$0.0], array: array) },
                                    edges: edges, inputNames: inputNames, encoder: try validated(encoder), decoder: decoder))
        }
    }

    /// The most layers and graph edges a file may hold (shape inference and graph evaluation are
    /// not linear in them; the largest common image nets have a few hundred layers).
    static let maxNodes = 10_000, maxEdges = 10_000

    /// The number of layers and graph edges in a structure.
    static func size(_ r: Record) -> (nodes: Int, edges: Int) {
        switch r {
        case .layer: return (1, 0)
        case .chain(_, let nodes, _, _):
            return nodes.map(size).reduce((0, 0)) { ($0.0 + $1.0, $0.1 + $1.1) }
        case .graph(_, let nodes, let edges, _, _, _):
            return nodes.map(size).reduce((0, edges.count)) { ($0.0 + $1.0, $0.1 + $1.1) }
        }
    }

    /// How deep the structure's JSON may nest (about three levels per chain or graph inside another).
    static let maxNesting = 96

    /// The deepest nesting of arrays and objects in JSON text (brackets inside strings skipped).
    public static func nestingDepth(_ json: String) -> Int {
        var depth = 0, deepest = 0, inString = false, escaped = false
        for b in json.utf8 {
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                deepest = Swift.max(deepest, depth)
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        return deepest
    }

    static func validated(_ e: Encoder?) throws -> Encoder? {
        guard case .image(let i)? = e else { return e }
        return .image(try ImageEncoder(width: i.width, height: i.height, colorSpace: i.colorSpace, mean: i.mean, variance: i.variance, method: i.method))
    }
}
