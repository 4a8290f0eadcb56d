import CoreKernel
import Foundation
import LearnKernel
import NetsKernel
import Randomness
import Testing

extension KernelSuite {
    /// Absurd layer specs, net surgery and hostile net and classifier files: each gives a message
    /// and `$Failed` (or stays unevaluated); none traps, hangs or allocates without bound.
    @Suite struct NetSpecSafety {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nets-specsafety-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")

        init() throws { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }

        /// Expects a message and `$Failed` (or the input back, unevaluated).
        func expectRefused(_ source: String, _ tag: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
            let t = run(source)
            #expect(!t.messages.isEmpty, "no message for \(source): \(t.result)", sourceLocation: sourceLocation)
            #expect(t.result.hasSuffix("$Failed") || t.result.contains("["), "\(source) gave \(t.result)", sourceLocation: sourceLocation)
            #expect(t.result.count < 2000, "\(source) gave a huge result", sourceLocation: sourceLocation)
            if let tag {
                #expect(t.messages.contains { $0.contains("::\(tag)") }, "\(source): \(t.messages)", sourceLocation: sourceLocation)
            }
        }

        /// Parts, resizing, threading and constant arrays with absurd or wrong specs.
        @Test func absurdArrayLayers() {
            expectRefused("PartLayer[0]", "invspec")
            expectRefused("PartLayer[{1 ;; 3 ;; 0}]", "invspec")
            expectRefused("PartLayer[Table[1, 65]]", "invspec")
            expectRefused("PartLayer[7][{1., 2.}]", "incompat")
            expectRefused("PartLayer[{1, 1, 1}][{1., 2.}]", "incompat")
            expectRefused("PartLayer[3 ;; 1][{1., 2., 3.}]", "incompat")
            expectRefused("PartLayer[{ConstantArray[1, 5000], ConstantArray[1, 5000]}, \"Input\" -> {2, 2}]")
            expectRefused("ResizeLayer[{2^40}]", "invspec")
            expectRefused("ResizeLayer[{Scaled[10^6]}]", "invspec")
            expectRefused("ResizeLayer[{Scaled[1000], Scaled[1000]}, \"Input\" -> {1000, 1000, 1000}]")
            expectRefused("ResizeLayer[{3, 3}][{1., 2.}]", "incompat")
            expectRefused("ThreadingLayer[Subtract][{{1., 2.}, {1., 2., 3.}}]")
            expectRefused("ThreadingLayer[Divide][{{1., 2.}, {1., 2.}, {3., 4.}}]")
            expectRefused("ConstantArrayLayer[{-1}]", "invspec")
            expectRefused("ConstantArrayLayer[{2^40, 2^40}]", "nomem")
            expectRefused("ConstantArrayLayer[{2}, \"Array\" -> {1., 2., 3.}]", "invarr")
        }

        /// A learned constant trains: x + c fitted to x + 5 moves c to 5.
        @Test func constantArrayTrains() {
            let t = run("""
                g = NetGraph[{ConstantArrayLayer[{2}], ThreadingLayer[Plus, Automatic]}, {{NetPort["Input"], 1} -> 2}, "Input" -> 2];
                data = Table[With[{x = RandomReal[1, 2]}, x -> x + 5], 64];
                r = NetTrain[g, data, MaxTrainingRounds -> 200, LearningRate -> 0.1, RandomSeeding -> 1];
                Round[Normal[NetExtract[r, {1, "Array"}]], 0.1]
                """)
            #expect(t.result == "{5., 5.}", "\(t.messages)")
        }

        @Test func absurdLinearLayers() {
            expectRefused("LinearLayer[2^63 - 1]", "nomem")
            expectRefused("NetInitialize[LinearLayer[2^62], \"Input\" -> 3]")
            expectRefused("NetInitialize[LinearLayer[2^62, \"Input\" -> 3]]", "nomem")
            expectRefused("LinearLayer[\"Input\" -> {2^40, 2^40}]", "nomem")
            // 10^12 weights: refused by the memory bound before anything is allocated.
            expectRefused("NetInitialize[LinearLayer[10^6, \"Input\" -> 10^6]]", "nomem")
            expectRefused("NetInitialize[NetChain[{LinearLayer[10^6], LinearLayer[10^6]}, \"Input\" -> 1]]", "nomem")
            #expect(eval("NetInitialize[LinearLayer[3, \"Input\" -> 2], RandomSeeding -> 1][{1, 2}] // Length") == "3")
            // Array counts past Int.max (each shape within the memory bound) are a message, not an overflow.
            let wide = "NetChain[Table[LinearLayer[2^31], 5], \"Input\" -> 2^31]"
            expectRefused("Information[\(wide), \"ArraysTotalElementCount\"]", "prop")
            #expect(eval("StringContainsQ[ToString[Information[\(wide)]], \"more than\"]") == "True")
        }

        @Test func absurdWindows() {
            let input = "\"Input\" -> {1, 8, 8}"
            for option in ["\"Dilation\" -> 2^62", "PaddingSize -> 10^9", "PaddingSize -> 2^62", "\"Dilation\" -> {1, 2^62}",
                           "\"ChannelGroups\" -> 2^62", "PaddingSize -> -1"] {
                expectRefused("ConvolutionLayer[2, 3, \(option), \(input)]")
                if !option.contains("ChannelGroups") { expectRefused("PoolingLayer[3, \(option), \(input)]") }
            }
            expectRefused("ConvolutionLayer[2, 2^62, \(input)]")
            expectRefused("PoolingLayer[2^62, \(input)]")
            expectRefused("PoolingLayer[{3, 2^62}, \(input)]")
            for shape in ["{1, 2^62, 2^62}", "{2^62, 8, 8}", "{1, 2^31, 2^31}", "{1, 2^62, 8}"] {
                expectRefused("ConvolutionLayer[2, 3, \"Input\" -> \(shape)]", "nomem")
                expectRefused("PoolingLayer[3, \"Input\" -> \(shape)]", "nomem")
            }
            // A stride past the input leaves one output; evaluating it stays within memory.
            for padding in ["0", "\"Same\"", "10"] {
                let net = "NetInitialize[NetChain[{ConvolutionLayer[2, 3, \"Stride\" -> 2^62, PaddingSize -> \(padding)], PoolingLayer[1, \"Stride\" -> 2^62, PaddingSize -> \(padding)], FlattenLayer[]}, \(input)], RandomSeeding -> 1]"
                #expect(eval("Length[\(net)[ConstantArray[1., {1, 8, 8}]]]") == "2", "\(padding)")
            }
        }

        @Test func absurdShapes() {
            expectRefused("ReshapeLayer[{2^62, 4}]", "nomem")
            expectRefused("ReshapeLayer[{-1, 2^62}]")
            expectRefused("ReshapeLayer[{2^62, 2^62}]", "nomem")
            expectRefused("NetChain[{ReshapeLayer[{2, 2}]}, \"Input\" -> {2^62, 4}]", "nomem")
            expectRefused("FlattenLayer[\"Input\" -> {2^62, 4}]", "nomem")
            expectRefused("FlattenLayer[\"Input\" -> {2^32, 2^32, 2^32}]", "nomem")
            expectRefused("AggregationLayer[Max, \"Input\" -> {2^62, 2^62, 4}]", "nomem")
            expectRefused("NetChain[{FlattenLayer[], LinearLayer[2]}, \"Input\" -> {2^31, 2^31}]", "nomem")
            expectRefused("SoftmaxLayer[\"Input\" -> 2^62]", "nomem")
            expectRefused("ElementwiseLayer[Ramp, \"Input\" -> {2^62, 2}]", "nomem")
            expectRefused("NetGraph[{CatenateLayer[]}, {}, \"Input\" -> {2^62}]", "nomem")
            expectRefused("NetGraph[{LinearLayer[2^62], LinearLayer[2^62], CatenateLayer[]}, {{1, 2} -> 3}, \"Input\" -> 1]", "nomem")
            expectRefused("NetGraph[{ReshapeLayer[{2^60}], ReshapeLayer[{2^60}], CatenateLayer[]}, {{1, 2} -> 3}]", "nomem")
        }

        @Test func absurdPositions() {
            let chain = "NetChain[{LinearLayer[2], Ramp, LinearLayer[3]}, \"Input\" -> 2]"
            for source in ["Take[\(chain), -2^63]", "Take[\(chain), 2^62]", "Take[\(chain), {-2^63, 2}]", "Take[\(chain), {1, 2^63 - 1}]",
                           "Drop[\(chain), 2^62]", "Drop[\(chain), -2^63]", "Drop[\(chain), {2, 2^62}]",
                           "NetTake[\(chain), {-2^63, 2}]", "NetTake[\(chain), 2^62]", "NetDrop[\(chain), {-2^63, 1}]",
                           "NetExtract[\(chain), 2^62]", "NetExtract[\(chain), -2^63]", "NetExtract[\(chain), {1, 2^62}]",
                           "NetReplacePart[\(chain), 2^62 -> LinearLayer[4]]", "NetReplacePart[\(chain), -2^63 -> LinearLayer[4]]",
                           "NetReplacePart[\(chain), {1, 2^62} -> {{1}}]", "\(chain)[[2^62]]"] {
                expectRefused(source)
            }
        }

        @Test func malformedGraphs() {
            for source in [
                // Two edges into one port.
                "NetGraph[{LinearLayer[2], LinearLayer[2], LinearLayer[2]}, {1 -> 3, 2 -> 3}, \"Input\" -> 2]",
                "NetGraph[{LinearLayer[2], LinearLayer[2], TotalLayer[]}, {1 -> 3, 2 -> 3, 1 -> NetPort[3, \"Input1\"], 2 -> NetPort[3, \"Input1\"]}]",
                // Ports and nodes that do not exist.
                "NetGraph[{LinearLayer[2]}, {1 -> 5}]", "NetGraph[{LinearLayer[2]}, {1 -> NetPort[1, \"Foo\"]}]",
                "NetGraph[{LinearLayer[2]}, {2^62 -> 1}]", "NetGraph[{LinearLayer[2]}, {-2^63 -> 1}]", "NetGraph[{LinearLayer[2]}, {NetPort[\"Foo\"] -> 1}]",
                // Cycles and self-loops.
                "NetGraph[{LinearLayer[2], LinearLayer[2]}, {1 -> 2, 2 -> 1}]", "NetGraph[{LinearLayer[2]}, {1 -> 1}]",
                "NetGraph[{TotalLayer[], LinearLayer[2]}, {1 -> 2, 2 -> 1, NetPort[\"Input\"] -> 1}]",
                "NetGraph[<|\"a\" -> LinearLayer[2], \"b\" -> Ramp|>, {\"a\" -> \"b\" -> \"a\"}]",
            ] {
                expectRefused(source)
            }
        }

        /// Deeply nested and very wide nets are inferred in time linear in their size, not
        /// exponential in their depth or quadratic in a node's inputs.
        @Test func nestingAndWidthStayFast() {
            for (source, expected) in [
                ("Nest[NetChain[{#}] &, LinearLayer[2], 300] // Head", "NetChain"),
                ("Nest[NetChain[{Ramp, #, Ramp}] &, LinearLayer[2, \"Input\" -> 3], 40] // Head", "NetChain"),
                ("Nest[NetGraph[{#, Ramp}, {1 -> 2}] &, LinearLayer[2], 40] // Head", "NetGraph"),
                ("Length[NetInitialize[Nest[NetChain[{#}] &, LinearLayer[2, \"Input\" -> 2], 100], RandomSeeding -> 1][{1, 2}]]", "2"),
                ("NetGraph[{CatenateLayer[]}, Table[NetPort[\"Input\"] -> 1, 10^4], \"Input\" -> 2] // Head", "NetGraph"),
                ("StringLength[ToString[Information[NetGraph[Table[Ramp, 3000], Table[i -> i + 1, {i, 2999}], \"Output\" -> 4]]]] > 0", "True"),
            ] {
                let start = Date()
                #expect(eval(source) == expected, "\(source)")
                #expect(Date().timeIntervalSince(start) < 10, "\(source) took \(Date().timeIntervalSince(start)) s")
            }
        }

        // MARK: Net files

        func file(_ name: String) -> String { folder.appendingPathComponent(name).path }

        /// A real exported net: convolution, pooling, batch normalization, a graph with a sum and a catenation.
        func exportedNet() throws -> [UInt8] {
            let path = file("real.wlnet")
            _ = eval("""
                Export["\(path)", NetInitialize[NetChain[{
                  ConvolutionLayer[4, 3, PaddingSize -> 1], BatchNormalizationLayer[], Ramp, PoolingLayer[2, "Stride" -> 2],
                  NetGraph[{LinearLayer[5], LinearLayer[5], TotalLayer[], CatenateLayer[]}, {{1, 2} -> 3, {3, 1} -> 4}],
                  LinearLayer[3], SoftmaxLayer[]}, "Input" -> {2, 6, 6}, "Output" -> NetDecoder[{"Class", {"a", "b", "c"}}]],
                  RandomSeeding -> 3]]
                """)
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(bytes.count > 100, "the net was not exported")
            return bytes
        }

        /// The header's JSON and the data after it.
        static func split(_ bytes: [UInt8]) throws -> (header: [String: Any], data: [UInt8]) {
            let length = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any])
            return (header, Array(bytes[(8 + length)...]))
        }

        static func join(_ header: [String: Any], _ data: [UInt8]) throws -> [UInt8] {
            var json = [UInt8](try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
            while json.count % 8 != 0 { json.append(0x20) }
            return (0..<8).map { UInt8((json.count >> (8 * $0)) & 0xFF) } + json + data
        }

        /// The structure of a net file as JSON, edited, put back.
        static func editStructure(_ bytes: [UInt8], _ edit: (inout Any) -> Void) throws -> [UInt8] {
            var (header, data) = try split(bytes)
            var meta = try #require(header["__metadata__"] as? [String: String])
            var structure = try JSONSerialization.jsonObject(with: Data(try #require(meta["nets.structure"]).utf8), options: [.fragmentsAllowed])
            edit(&structure)
            meta["nets.structure"] = String(decoding: try JSONSerialization.data(withJSONObject: structure, options: [.fragmentsAllowed]), as: UTF8.self)
            header["__metadata__"] = meta
            return try join(header, data)
        }

        /// Imports the file and, when it reads, applies the net: must return, with a message when refused.
        func importAndApply(_ bytes: [UInt8], _ name: String = "fuzz.wlnet") throws -> Transcript {
            let path = file(name)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return run("n = Import[\"\(path)\"]; If[Head[n] === NetChain || Head[n] === NetGraph, n[RandomReal[1, {2, 2, 6, 6}]], n]")
        }

        @Test func hostileNetFiles() throws {
            let real = try exportedNet()
            #expect(try importAndApply(real).messages.isEmpty, "the real file does not read")
            var cases: [(String, [UInt8])] = []
            // Array entries: shapes, offsets, dtype.
            let (header, data) = try Self.split(real)
            let key = try #require(header.keys.first { $0.hasSuffix("Weights") })
            for (field, value) in [("shape", [4611686018427387904, 4] as Any), ("shape", [-1, -4]), ("shape", [Int.max, Int.max]),
                                   ("shape", [1 << 31, 1 << 31, 4]), ("data_offsets", [0, Int.max]), ("data_offsets", [-8, 8]),
                                   ("data_offsets", [Int.max - 3, Int.max]), ("data_offsets", [0, data.count + 8]),
                                   ("data_offsets", [8, 0]), ("dtype", "F64"), ("shape", "x")] {
                var h = header
                var entry = try #require(h[key] as? [String: Any])
                entry[field] = value
                h[key] = entry
                cases.append(("\(field) \(value)", try Self.join(h, data)))
            }
            // Two arrays over the same bytes.
            var overlapping = header
            let keys = header.keys.filter { $0 != "__metadata__" }.sorted()
            if keys.count >= 2, var a = overlapping[keys[0]] as? [String: Any], let b = overlapping[keys[1]] as? [String: Any],
               let ao = a["data_offsets"] as? [Int], let bo = b["data_offsets"] as? [Int], ao[1] - ao[0] == bo[1] - bo[0] {
                a["data_offsets"] = bo
                overlapping[keys[0]] = a
                cases.append(("overlap", try Self.join(overlapping, data)))
            }
            // The length prefix and the data.
            var long = real
            long.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
            cases.append(("length", long))
            cases.append(("truncated", Array(real.prefix(real.count - 12))))
            // The structure: ports, sizes, unknown keys, nesting, shapes that disagree with the arrays.
            let big = 4611686018427387904
            for (key, value) in [("port", -1 as Any), ("port", big), ("port", Int.max), ("output", [big]), ("output", [7]),
                                 ("inputs", [[2, big, 6]]), ("inputs", [[2, 7, 6]]), ("inputs", [[-1]]), ("kernel", [big, 3]),
                                 ("dilation", [big, 1]), ("stride", [0, 1]), ("kernel", [3]), ("channels", big), ("groups", big),
                                 ("groups", 0), ("top", -1), ("top", big), ("names", [Any]()), ("nodes", [Any]()),
                                 ("inputNames", [Any]()), ("epsilon", -1), ("momentum", 2), ("_0", -1), ("_0", big), ("decoder", ["classes": ["_0": [Any]()]])] {
                cases.append(("\(key) = \(value)", try Self.editStructure(real) { $0 = Self.setting(key, value, in: $0) }))
            }
            cases.append(("unknown layer", try Self.editStructure(real) { s in
                s = ["chain": ["names": ["1"], "nodes": [["layer": ["kind": ["warp": [:]], "inputs": [[2]], "output": [2]]]]]]
            }))
            cases.append(("edge port", try Self.editStructure(real) { s in
                s = ["graph": ["names": ["1"], "nodes": [["layer": ["kind": ["total": [:]], "inputs": [NSNull()], "output": NSNull()]]],
                               "edges": [["source": ["input": ["_0": 0]], "target": ["node": ["_0": 0, "port": 4611686018427387904]]]],
                               "inputNames": ["Input"]]]
            }))
            cases.append(("no inputs", try Self.editStructure(real) { s in
                s = ["graph": ["names": ["1"], "nodes": [["layer": ["kind": ["softmax": [:]], "inputs": [NSNull()], "output": NSNull()]]],
                               "edges": [], "inputNames": []]]
            }))
            var deep: Any = ["layer": ["kind": ["softmax": [:]], "inputs": [[2]], "output": [2]]]
            for _ in 0..<200 { deep = ["chain": ["names": ["1"], "nodes": [deep]]] }
            cases.append(("deep", try Self.editStructure(real) { $0 = deep }))
            let many = (0..<10_001).map { _ in ["layer": ["kind": ["softmax": [:]], "inputs": [[2]], "output": [2]]] as Any }
            cases.append(("many layers", try Self.editStructure(real) { $0 = ["chain": ["names": (1...10_001).map(String.init), "nodes": many]] }))
            for (what, bytes) in cases {
                let t = try importAndApply(bytes)
                #expect(!t.messages.isEmpty, "\(what) read without a message: \(t.result.prefix(200))")
            }
        }

        /// A long chain whose shapes are known only at its end reads in one pass per direction.
        @Test func longChainReadsQuickly() throws {
            let real = try exportedNet()
            let n = 3000
            var nodes = (0..<n).map { _ in ["layer": ["kind": ["softmax": [:]], "inputs": [NSNull()], "output": NSNull()]] as Any }
            nodes[n - 1] = ["layer": ["kind": ["softmax": [:]], "inputs": [[7]], "output": [7]]]
            let bytes = try Self.editStructure(real) { $0 = ["chain": ["names": (1...n).map(String.init), "nodes": nodes]] }
            let path = file("long.wlnet")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let start = Date()
            let t = run("n = Import[\"\(path)\"]; {Head[n], NetExtract[n, 1]}")
            #expect(t.result == "{NetChain, SoftmaxLayer[<7>]}", "\(t.messages) \(t.result.prefix(100))")
            #expect(Date().timeIntervalSince(start) < 20, "reading took \(Date().timeIntervalSince(start)) s")
        }

        // MARK: Mutations

        /// One random JSON-aware change: a value replaced by a hostile one, removed, or duplicated.
        static func mutate(_ json: Any, _ r: inout SeededGenerator) -> Any {
            var paths: [[Any]] = []
            func walk(_ v: Any, _ path: [Any]) {
                paths.append(path)
                if let d = v as? [String: Any] { for (k, x) in d { walk(x, path + [k]) } }
                if let a = v as? [Any] { for (i, x) in a.enumerated() { walk(x, path + [i]) } }
            }
            walk(json, [])
            let path = paths[r.int(paths.count)]
            let hostile: [Any] = [-1, 0, 1, 2, 4611686018427387904, Int.max, Int.min, 1e300, -0.5, [Any](), [String: Any](), "x",
                                  NSNull(), [4611686018427387904, 4], [-1], true, [0, 0], [[1.0, 2.0]]]
            let action = r.int(4)
            func apply(_ v: Any, _ rest: ArraySlice<Any>) -> Any? {
                guard let step = rest.first else {
                    switch action {
                    case 0: return nil
                    case 1: if var a = v as? [Any], !a.isEmpty { a.append(a[r.int(a.count)]); return a }; return r.pick(hostile)
                    default: return r.pick(hostile)
                    }
                }
                if var d = v as? [String: Any], let k = step as? String {
                    d[k] = apply(d[k] as Any, rest.dropFirst())
                    return d
                }
                if var a = v as? [Any], let i = step as? Int {
                    if let x = apply(a[i], rest.dropFirst()) { a[i] = x } else { a.remove(at: i) }
                    return a
                }
                return v
            }
            return apply(json, path[...]) ?? NSNull()
        }

        /// A number in the text replaced by a non-finite or huge one, or bytes changed.
        static func mutateText(_ bytes: [UInt8], _ r: inout SeededGenerator, from start: Int = 0) -> [UInt8] {
            var b = bytes
            switch r.int(3) {
            case 0:
                let digits = b.indices.filter { $0 >= start && (48...57).contains(b[$0]) }
                guard let i = digits.isEmpty ? nil : digits[r.int(digits.count)] else { return b }
                let word = Array(r.pick(["NaN", "Infinity", "-1", "1e999", "9223372036854775808", "-9223372036854775809"]).utf8)
                b.replaceSubrange(i...i, with: word)
            case 1:
                for _ in 0..<(1 + r.int(4)) { let i = start + r.int(b.count - start); b[i] = UInt8(truncatingIfNeeded: r.next()) }
            default:
                b = Array(b.prefix(start + r.int(b.count - start)))
            }
            return b
        }

        @Test func netFileFuzz() throws {
            let real = try exportedNet()
            var r = SeededGenerator(seed: 2026)
            var refused = 0
            let rounds = 1500
            for round in 0..<rounds {
                let bytes: [UInt8]
                switch round % 3 {
                case 0:
                    bytes = try Self.editStructure(real) { s in s = Self.mutate(s, &r) }
                case 1:
                    var (header, data) = try Self.split(real)
                    header = try #require(Self.mutate(header, &r) as? [String: Any] ?? header)
                    bytes = try Self.join(header, data)
                default:
                    bytes = Self.mutateText(real, &r, from: r.int(2) == 0 ? 0 : 8)
                }
                let t = try importAndApply(bytes)
                if !t.messages.isEmpty { refused += 1 }
            }
            // Most mutations break something, and every one returned.
            #expect(refused > rounds / 3, "only \(refused) of \(rounds) mutated files were refused")
        }

        // MARK: Classifier files

        static let data = "{{1, 2} -> \"a\", {2, 1} -> \"a\", {1, 1} -> \"a\", {8, 9} -> \"b\", {9, 8} -> \"b\", {9, 9} -> \"b\", {5, 5} -> \"c\", {5, 6} -> \"c\", {6, 5} -> \"c\"}"

        func exportedClassifier(_ method: String) throws -> Data {
            let path = file("real-\(method).wmlf")
            _ = eval("Export[\"\(path)\", Classify[\(Self.data), Method -> \"\(method)\"]]")
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }

        func importAndClassify(_ bytes: Data) throws -> Transcript {
            let path = file("fuzz.wmlf")
            try bytes.write(to: URL(fileURLWithPath: path))
            return run("c = Import[\"\(path)\"]; If[Head[c] === ClassifierFunction, {c[{1.5, 2}], c[{{9, 9}, {5, 5}}, \"Probabilities\"]}, c]")
        }

        static let methods = ["LogisticRegression", "NearestNeighbors", "NaiveBayes", "DecisionTree", "RandomForest", "NeuralNetwork"]

        /// Sets every value under `key`, wherever it is in the JSON.
        static func setting(_ key: String, _ value: Any, in json: Any) -> Any {
            if var d = json as? [String: Any] {
                for (k, v) in d { d[k] = k == key ? value : setting(key, value, in: v) }
                return d
            }
            if let a = json as? [Any] { return a.map { setting(key, value, in: $0) } }
            return json
        }

        @Test func hostileClassifierFiles() throws {
            var edits: [(String, String, Any)] = [
                ("DecisionTree", "feature", -1), ("DecisionTree", "feature", 2), ("DecisionTree", "feature", 4611686018427387904),
                ("RandomForest", "feature", -1), ("RandomForest", "feature", 99), ("DecisionTree", "_0", [0.5]),
                ("DecisionTree", "_0", [Any]()), ("NearestNeighbors", "k", 0), ("NearestNeighbors", "k", -1),
                ("NearestNeighbors", "labels", [0, 0, 0, 7, 1, 1, 2, 2, 2]), ("NearestNeighbors", "classes", 2),
                ("NearestNeighbors", "points", [Any]()), ("NearestNeighbors", "points", [[1.0]]), ("RandomForest", "trees", [Any]()),
                ("LogisticRegression", "weights", [[1.0, 2.0]]), ("LogisticRegression", "intercepts", [1.0]),
                ("LogisticRegression", "weights", [[1.0], [2.0], [3.0]]), ("NaiveBayes", "variances", [[1.0, 1.0], [1.0, 1.0], [0.0, -1.0]]),
                ("NaiveBayes", "means", [[1.0]]), ("NaiveBayes", "logPriors", [Any]()),
            ]
            for m in Self.methods {
                edits += [(m, "priors", [Any]()), (m, "classCount", 0), (m, "classCount", -1), (m, "classCount", 4611686018427387904),
                          (m, "mean", [0.0]), (m, "scale", [Any]()), (m, "width", 5), (m, "width", -1), (m, "means", [0.0, 0.0, 0.0])]
            }
            var originals: [String: Data] = [:]
            for m in Self.methods { originals[m] = try exportedClassifier(m) }
            for m in Self.methods {
                let t = try importAndClassify(try #require(originals[m]))
                #expect(t.messages.isEmpty && t.result.hasPrefix("{a, "), "\(m): \(t.messages) \(t.result)")
            }
            for (method, key, value) in edits {
                let json = try JSONSerialization.jsonObject(with: try #require(originals[method]))
                let edited = try JSONSerialization.data(withJSONObject: Self.setting(key, value, in: json))
                let t = try importAndClassify(edited)
                #expect(t.messages.contains { $0.contains("fmterr") }, "\(method) with \(key) = \(value): \(t.messages) \(t.result)")
            }
            // Encoders whose width disagrees with the classifier's features.
            // (Naive Bayes has "means" of its own.)
            for m in Self.methods where m != "NaiveBayes" {
                let json = try JSONSerialization.jsonObject(with: try #require(originals[m]))
                let edited = Self.setting("means", [0.0, 0.0, 0.0], in: Self.setting("width", 3, in: json))
                let t = try importAndClassify(try JSONSerialization.data(withJSONObject: edited))
                #expect(t.messages.contains { $0.contains("features") }, "\(m) with 3 encoded features: \(t.messages)")
            }
            // Non-finite numbers and a tree nested deeper than any trained one.
            let tree = String(decoding: try #require(originals["DecisionTree"]), as: UTF8.self)
            for (from, to) in [("\"threshold\":", "\"threshold\":NaN,\"x\":"), ("\"threshold\":", "\"threshold\":1e999,\"x\":")] {
                let t = try importAndClassify(Data(tree.replacingOccurrences(of: from, with: to).utf8))
                #expect(!t.messages.isEmpty, "\(to): \(t.result)")
            }
            var deep = "{\"leaf\":{\"_0\":[0.3,0.3,0.4]}}"
            for _ in 0..<300 { deep = "{\"split\":{\"feature\":0,\"threshold\":0,\"left\":\(deep),\"right\":{\"leaf\":{\"_0\":[0.3,0.3,0.4]}}}}" }
            let json = try JSONSerialization.jsonObject(with: try #require(originals["DecisionTree"]))
            var text = String(decoding: try JSONSerialization.data(withJSONObject: Self.setting("root", "ROOT", in: json)), as: UTF8.self)
            text = text.replacingOccurrences(of: "\"ROOT\"", with: deep)
            #expect(!(try importAndClassify(Data(text.utf8))).messages.isEmpty, "a 300-level tree was read")
        }

        @Test func classifierFileFuzz() throws {
            var originals: [Data] = []
            for m in Self.methods { originals.append(try exportedClassifier(m)) }
            var r = SeededGenerator(seed: 77)
            var refused = 0
            let rounds = 1500
            for round in 0..<rounds {
                let original = originals[round % originals.count]
                let bytes: Data
                if r.int(3) == 0 {
                    bytes = Data(Self.mutateText([UInt8](original), &r))
                } else {
                    let json = try JSONSerialization.jsonObject(with: original)
                    let mutated = Self.mutate(json, &r)
                    bytes = (try? JSONSerialization.data(withJSONObject: mutated, options: [.fragmentsAllowed])) ?? original
                }
                let t = try importAndClassify(bytes)
                if !t.messages.isEmpty { refused += 1 }
            }
            #expect(refused > rounds / 4, "only \(refused) of \(rounds) mutated files were refused")
        }
    }
}
