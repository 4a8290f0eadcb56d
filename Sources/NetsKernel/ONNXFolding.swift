import Foundation
import Formats
import Nets
import Tensor

/// Constant folding for ONNX import: a node whose inputs are all constants (initializers,
/// Constants, folded nodes) is computed once while reading, so the static shape arithmetic that
/// exporters write (PyTorch's F.pad computes its pads with ConstantOfShape, Concat, Reshape,
/// Slice, Transpose and Cast) becomes the constant that the layer reading it needs.
///
/// Folded values are small (at most `maxElements`), held as Doubles (exact for the integers of
/// shapes and pads; int64 extremes such as Slice's "to the end" clamp to Int64's range).
extension ONNXImporter {
    static let maxElements = 1 << 16
    static let foldable: Set<String> = [
        "ConstantOfShape", "Concat", "Reshape", "Slice", "Transpose", "Cast", "Squeeze", "Unsqueeze", "Gather", "Shape",
        "Add", "Sub", "Mul", "Div", "Neg", "Identity",
    ]

    /// Whether `dims` are non-negative and, counting an empty axis as one, span at most
    /// `maxElements` (so that no product of some of them overflows).
    static func isSmall(_ dims: [Int]) -> Bool {
        var span = 1
        for d in dims {
            guard d >= 0, d <= maxElements else { return false }
            span *= Swift.max(d, 1)
            guard span <= maxElements else { return false }
        }
        return true
    }

    /// A constant while folding: row-major values of `dims`, integers or reals.
    struct Folded {
        var dims: [Int]
        var values: [Double]
        var integer: Bool

        var proto: Onnx_TensorProto {
            get throws {
                if integer {
                    var p = ONNXFile.proto(integers: values.map(Folded.int64), name: "")
                    p.dims = dims.map { Int64($0) }
                    return p
                }
                return ONNXFile.proto(try Tensor(shape: dims, values: values.map { Float($0) }), name: "")
            }
        }

        /// An int64 of a double, clamped to int64's range (NaN is 0).
        static func int64(_ v: Double) -> Int64 {
            guard !v.isNaN else { return 0 }
            if v >= 9.2e18 { return .max }
            if v <= -9.2e18 { return .min }
            return Int64(v)
        }
    }

    /// The value of a constant tensor, refused beyond `maxElements`.
    func folded(_ t: Onnx_TensorProto) throws -> Folded {
        let dims = try ONNXFile.dims(t)
        guard Self.isSmall(dims) else { throw Self.bad("the constant \(quoted(t.name)) is too large to fold") }
        if t.dataType == 6 || t.dataType == 7 { return Folded(dims: dims, values: try ONNXFile.integers(t).map { Double($0) }, integer: true) }
        let x = try tensor(t)
        return Folded(dims: dims, values: x.values.map { Double($0) }, integer: [2, 3, 4, 5, 9, 12, 13].contains(t.dataType))
    }

    /// Computes `n` when it is foldable and every input it has is a constant; false otherwise.
    mutating func fold(_ n: Onnx_NodeProto) throws -> Bool {
        guard Self.foldable.contains(n.opType), !n.input.isEmpty, n.output.count == 1 else { return false }
        var inputs: [Folded?] = []
        for i in n.input {
            if i.isEmpty { inputs.append(nil); continue }
            guard case .constant(let t)? = values[i] else { return false }
            inputs.append(try folded(t))
        }
        guard let x = inputs[0] else { return false }
        let result: Folded
        do {
            result = try compute(n, x, Array(inputs.dropFirst()))
        } catch let e as FormatError {
            throw e
        } catch {
            throw Self.bad("node \(quoted(n.name)) (\(n.opType)) cannot be computed: \(error)")
        }
        guard Self.isSmall(result.dims), result.dims.reduce(1, *) == result.values.count else {
            throw Self.bad("node \(quoted(n.name)) (\(n.opType)) gives a constant of dimensions \(result.dims) that nets does not fold")
        }
        var p = try result.proto
        p.name = n.output[0]
        values[n.output[0]] = .constant(p)
        return true
    }

    func invalid(_ n: Onnx_NodeProto, _ why: String) -> FormatError {
        Self.bad("node \(quoted(n.name)) (\(n.opType)) \(why)")
    }

    /// An axis of a tensor of rank `rank`, negative ones counted from the end.
    func axis(_ a: Int, rank: Int, _ n: Onnx_NodeProto) throws -> Int {
        let k = a < 0 ? a + rank : a
        guard k >= 0, k < rank else { throw invalid(n, "has the axis \(a) for a tensor of rank \(rank)") }
        return k
    }

    /// The integer entries of a folded input.
    func entries(_ f: Folded?) -> [Int]? { f.map { $0.values.map { Int(clamping: Folded.int64($0)) } } }

    func compute(_ n: Onnx_NodeProto, _ x: Folded, _ rest: [Folded?]) throws -> Folded {
        let rank = x.dims.count
        switch n.opType {
        case "Identity":
            return x
        case "Shape":
            return Folded(dims: [rank], values: x.dims.map { Double($0) }, integer: true)
        case "ConstantOfShape":
            let shape = x.values.map { Int(clamping: Folded.int64($0)) }
            guard Self.isSmall(shape) else { throw invalid(n, "asks for a constant of dimensions \(shape)") }
            let count = shape.reduce(1, *)
            var fill = Folded(dims: [], values: [0], integer: false)
            if let a = attribute(n, "value"), a.hasT { fill = try folded(a.t) }
            return Folded(dims: shape, values: Array(repeating: fill.values.first ?? 0, count: count), integer: fill.integer)
        case "Cast":
            let to = int(n, "to", 1)
            let integer = [2, 3, 4, 5, 6, 7, 9, 12, 13].contains(to)
            return Folded(dims: x.dims, values: integer ? x.values.map { $0.rounded(.towardZero) } : x.values, integer: integer)
        case "Neg":
            return Folded(dims: x.dims, values: x.values.map { -$0 }, integer: x.integer)
        case "Reshape":
            guard let shape = entries(rest.first ?? nil) else { throw invalid(n, "lacks its shape") }
            var dims = try shape.enumerated().map { i, d -> Int in
                if d == 0, int(n, "allowzero", 0) == 0 {
                    guard i < rank else { throw invalid(n, "copies dimension \(i) of a tensor of rank \(rank)") }
                    return x.dims[i]
                }
                return d
            }
            if let free = dims.firstIndex(of: -1) {
                var known = dims
                known[free] = 1
                guard Self.isSmall(known) else { throw invalid(n, "reshapes \(x.dims) to \(shape)") }
                let product = known.reduce(1, *)
                dims[free] = product > 0 ? x.values.count / product : 0
            }
            guard Self.isSmall(dims), dims.reduce(1, *) == x.values.count else { throw invalid(n, "reshapes \(x.dims) to \(shape)") }
            return Folded(dims: dims, values: x.values, integer: x.integer)
        case "Squeeze", "Unsqueeze":
            let given = try entries(rest.first ?? nil) ?? ints(n, "axes") ?? (n.opType == "Squeeze" ? x.dims.indices.filter { x.dims[$0] == 1 } : [])
            if n.opType == "Squeeze" {
                let axes = Set(try given.map { try axis($0, rank: rank, n) })
                guard axes.allSatisfy({ x.dims[$0] == 1 }) else { throw invalid(n, "squeezes an axis that is not of length 1") }
                return Folded(dims: x.dims.indices.filter { !axes.contains($0) }.map { x.dims[$0] }, values: x.values, integer: x.integer)
            }
            let out = rank + given.count
            let axes = Set(try given.map { try axis($0, rank: out, n) })
            var dims: [Int] = [], source = x.dims.makeIterator()
            for i in 0..<out { dims.append(axes.contains(i) ? 1 : source.next() ?? 1) }
            return Folded(dims: dims, values: x.values, integer: x.integer)
        case "Concat":
            let parts = [x] + rest.compactMap { $0 }
            let k = try axis(int(n, "axis", 0), rank: rank, n)
            guard parts.allSatisfy({ $0.dims.count == rank && $0.dims.enumerated().allSatisfy { $0.offset == k || $0.element == x.dims[$0.offset] } }) else {
                throw invalid(n, "joins tensors of dimensions \(parts.map(\.dims))")
            }
            let outer = x.dims[..<k].reduce(1, *)
            var values: [Double] = []
            for o in 0..<outer {
                for p in parts {
                    let block = p.dims[k...].reduce(1, *)
                    values += p.values[(o * block)..<((o + 1) * block)]
                }
            }
            var dims = x.dims
            dims[k] = parts.reduce(0) { $0 + $1.dims[k] }
            return Folded(dims: dims, values: values, integer: parts.allSatisfy(\.integer))
        case "Transpose":
            let perm = ints(n, "perm") ?? Array((0..<rank).reversed())
            guard perm.sorted() == Array(0..<rank) else { throw invalid(n, "has the permutation \(perm)") }
            return try gathered(x, dims: perm.map { x.dims[$0] }, n) { index in perm.indices.map { (perm[$0], index[$0]) } }
        case "Slice":
            guard let starts = entries(rest.first ?? nil), let ends = entries(rest.count > 1 ? rest[1] : nil) else { throw invalid(n, "lacks its starts or ends") }
            let axes = try (entries(rest.count > 2 ? rest[2] : nil) ?? Array(starts.indices)).map { try axis($0, rank: rank, n) }
            let steps = entries(rest.count > 3 ? rest[3] : nil) ?? Array(repeating: 1, count: starts.count)
            guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count, steps.allSatisfy({ $0 != 0 }) else {
                throw invalid(n, "has starts, ends, axes and steps of different lengths or a zero step")
            }
            var picks = x.dims.map { Array(0..<$0) }
            for (j, a) in axes.enumerated() {
                let d = x.dims[a], step = steps[j]
                func clamp(_ v: Int, _ lo: Int, _ hi: Int) -> Int { Swift.min(Swift.max(v < 0 ? v &+ d : v, lo), hi) }
                var i = step > 0 ? clamp(starts[j], 0, d) : clamp(starts[j], 0, d - 1)
                let end = step > 0 ? clamp(ends[j], 0, d) : clamp(ends[j], -1, d - 1)
                var picked: [Int] = []
                while step > 0 ? i < end : i > end {
                    picked.append(i)
                    let (next, overflow) = i.addingReportingOverflow(step)
                    if overflow { break }
                    i = next
                }
                picks[a] = picked
            }
            return try gathered(x, dims: picks.map(\.count), n) { index in index.indices.map { ($0, picks[$0][index[$0]]) } }
        case "Gather":
            guard let indices = rest.first ?? nil else { throw invalid(n, "lacks its indices") }
            let k = try axis(int(n, "axis", 0), rank: rank, n)
            let picked = try indices.values.map { v -> Int in
                let i = Int(clamping: Folded.int64(v))
                guard i >= -x.dims[k], i < x.dims[k] else { throw invalid(n, "reads the index \(i) of an axis of length \(x.dims[k])") }
                return i < 0 ? i + x.dims[k] : i
            }
            let outer = x.dims[..<k].reduce(1, *), inner = x.dims[(k + 1)...].reduce(1, *)
            var values: [Double] = []
            for o in 0..<outer { for i in picked { values += x.values[((o * x.dims[k] + i) * inner)..<((o * x.dims[k] + i + 1) * inner)] } }
            return Folded(dims: Array(x.dims[..<k]) + indices.dims + Array(x.dims[(k + 1)...]), values: values, integer: x.integer)
        default:
            guard let y = rest.first ?? nil else { throw invalid(n, "needs two inputs") }
            guard x.dims == y.dims || x.values.count == 1 || y.values.count == 1 else {
                throw invalid(n, "broadcasts \(x.dims) and \(y.dims), which nets folds only for equal shapes or a scalar")
            }
            let count = Swift.max(x.values.count, y.values.count), integer = x.integer && y.integer
            let values = (0..<count).map { i -> Double in
                let a = x.values[x.values.count == 1 ? 0 : i], b = y.values[y.values.count == 1 ? 0 : i]
                switch n.opType {
                case "Add": return a + b
                case "Sub": return a - b
                case "Mul": return a * b
                default: return integer ? (b == 0 ? 0 : (a / b).rounded(.down)) : a / b
                }
            }
            return Folded(dims: x.values.count >= y.values.count ? x.dims : y.dims, values: values, integer: integer)
        }
    }

    /// A tensor of `dims` whose element at each index is x's element at the (axis, position)
    /// pairs `source(index)` gives.
    func gathered(_ x: Folded, dims: [Int], _ n: Onnx_NodeProto, source: ([Int]) -> [(Int, Int)]) throws -> Folded {
        guard Self.isSmall(dims) else { throw invalid(n, "gives a constant too large to fold") }
        let count = dims.reduce(1, *)
        var strides = [Int](repeating: 1, count: x.dims.count)
        for a in x.dims.indices.reversed().dropFirst() { strides[a] = strides[a + 1] * x.dims[a + 1] }
        var values: [Double] = []
        values.reserveCapacity(count)
        var index = [Int](repeating: 0, count: dims.count)
        for _ in 0..<count {
            values.append(x.values[source(index).reduce(0) { $0 + strides[$1.0] * $1.1 }])
            var a = dims.count - 1
            while a >= 0 {
                index[a] += 1
                if index[a] < dims[a] { break }
                index[a] = 0
                a -= 1
            }
        }
        return Folded(dims: dims, values: values, integer: x.integer)
    }
}
