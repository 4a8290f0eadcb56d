import Foundation
import Tensor
import Testing

/// Reference values: `basic.json` from NumPy (Fixtures/make_fixtures.py), `torch.json` from
/// PyTorch autograd (Fixtures/make_torch_fixtures.py).
struct Fixture {
    static func load(_ file: String) -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(file)")
        guard let data = try? Data(contentsOf: url),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return json
    }

    nonisolated(unsafe) static let root = load("basic.json")
    nonisolated(unsafe) static let torch = load("torch.json")

    static func tensor(_ object: Any?) throws -> Tensor {
        guard let t = object as? [String: Any], let shape = t["shape"] as? [Int], let values = t["values"] as? [Double] else {
            throw TensorError("fixture tensor is missing")
        }
        return try Tensor(shape: shape, values: values.map(Float.init))
    }

    static func tensor(_ group: String, _ name: String) throws -> Tensor {
        try tensor((root[group] as? [String: Any])?[name])
    }

    /// A value at a path of keys in torch.json.
    static func torchValue(_ path: String...) -> Any? {
        var node: Any? = torch
        for key in path { node = (node as? [String: Any])?[key] }
        return node
    }

    static func torchTensor(_ path: String...) throws -> Tensor {
        var node: Any? = torch
        for key in path { node = (node as? [String: Any])?[key] }
        return try tensor(node)
    }

    static func ints(_ group: String, _ name: String) -> [Int] {
        ((root[group] as? [String: Any])?[name] as? [Int]) ?? []
    }
}

/// Agreement within `tolerance` relative to the larger magnitude (absolute near zero).
func close(_ a: Tensor, _ b: Tensor, tolerance: Float = 1e-4) -> Bool {
    guard a.shape == b.shape else { return false }
    return Swift.zip(a.values, b.values).allSatisfy { x, y in abs(x - y) <= tolerance * Swift.max(1, abs(x), abs(y)) }
}

@Suite struct TensorTests {
    @Test func shapesAreChecked() throws {
        #expect(throws: TensorError.self) { try Tensor(shape: [2, 2], values: [1, 2, 3]) }
        #expect(throws: TensorError.self) { try Tensor(shape: [-1]) }
        let m = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        #expect(throws: TensorError.self) { try m.reshaped([4, 2]) }
        #expect(try m.reshaped([3, -1]).shape == [3, 2])
        #expect(throws: TensorError.self) { try Tensor.matmul(m, m) }
        #expect(throws: TensorError.self) { try m + Tensor(shape: [4], repeating: 1) }
        #expect(throws: TensorError.self) { try m.sum(axis: 2) }
        #expect(throws: TensorError.self) { try m.element([2, 0]) }
        #expect(try m.element([1, 2]) == 6)
    }

    @Test func copyOnWrite() throws {
        let a = try Tensor(shape: [3], values: [1, 2, 3])
        var b = a
        b.withUnsafeMutableBufferPointer { $0[0] = 10 }
        #expect(a.values == [1, 2, 3])
        #expect(b.values == [10, 2, 3])
    }

    @Test func storageIsAligned() throws {
        let t = try Tensor(shape: [7, 13])
        #expect(Int(bitPattern: t.storage.pointer) % 64 == 0)
    }

    @Test func sliceAndConcatenate() throws {
        let m = try Tensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 6])
        #expect(try m.slice(1..<3).values == [3, 4, 5, 6])
        let joined = try Tensor.concatenate([m.slice(0..<1), m.slice(2..<3)])
        #expect(joined.shape == [2, 2])
        #expect(joined.values == [1, 2, 5, 6])
        #expect(throws: TensorError.self) { try Tensor.concatenate([m, Tensor(shape: [1, 3])]) }
        #expect(throws: TensorError.self) { try m.slice(2..<4) }
    }

    @Test func matmulMatchesNumPy() throws {
        let a = try Fixture.tensor("matmul", "a"), b = try Fixture.tensor("matmul", "b")
        #expect(close(try Tensor.matmul(a, b), try Fixture.tensor("matmul", "ab")))
        #expect(close(try Tensor.matmul(a, a, transposeA: true), try Fixture.tensor("matmul", "atb")))
        #expect(close(try Tensor.matmul(b, b, transposeB: true), try Fixture.tensor("matmul", "abt")))
    }

    @Test func matmulBackwardMatchesNumPy() throws {
        let a = try Fixture.tensor("matmulBackward", "a"), b = try Fixture.tensor("matmulBackward", "b")
        let g = try Fixture.tensor("matmulBackward", "g")
        let (da, db) = try Tensor.matmulBackward(a, b, gradient: g)
        #expect(close(da, try Fixture.tensor("matmulBackward", "da")))
        #expect(close(db, try Fixture.tensor("matmulBackward", "db")))
    }

    /// Finite differences of L(A, B) = sum(G ⊙ AB) agree with the analytic gradients.
    @Test func matmulGradientByFiniteDifferences() throws {
        var rng = SeededGenerator(seed: 7)
        func random(_ shape: [Int]) throws -> Tensor {
            try Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float(rng.normal()) })
        }
        let a = try random([3, 4]), b = try random([4, 2]), g = try random([3, 2])
        func loss(_ a: Tensor, _ b: Tensor) throws -> Double { try (Tensor.matmul(a, b) * g).total() }
        let (da, db) = try Tensor.matmulBackward(a, b, gradient: g)
        let h: Float = 1e-2
        for (which, analytic) in [(0, da), (1, db)] {
            let base = which == 0 ? a : b
            for i in 0..<base.count {
                var plus = base, minus = base
                plus.withUnsafeMutableBufferPointer { $0[i] += h }
                minus.withUnsafeMutableBufferPointer { $0[i] -= h }
                let numeric = which == 0
                    ? (try loss(plus, b) - loss(minus, b)) / Double(2 * h)
                    : (try loss(a, plus) - loss(a, minus)) / Double(2 * h)
                #expect(abs(numeric - Double(analytic.values[i])) < 1e-2 * Swift.max(1, abs(numeric)))
            }
        }
    }

    @Test func broadcastingMatchesNumPy() throws {
        let u = try Fixture.tensor("broadcast", "u"), v = try Fixture.tensor("broadcast", "v")
        #expect(close(try u + v, try Fixture.tensor("broadcast", "sum")))
        #expect(close(try u * v, try Fixture.tensor("broadcast", "product")))
        #expect(close(try u - v, try Fixture.tensor("broadcast", "difference")))
        #expect(try Tensor.broadcastShape([2, 3, 1], [3, 4]) == [2, 3, 4])
    }

    @Test func reductionsMatchNumPy() throws {
        let x = try Fixture.tensor("reductions", "x")
        #expect(close(try x.sum(axis: 0), try Fixture.tensor("reductions", "sum0")))
        #expect(close(try x.sum(axis: 1), try Fixture.tensor("reductions", "sum1")))
        #expect(close(try x.sum(axis: 2), try Fixture.tensor("reductions", "sum2")))
        #expect(close(try x.mean(axis: 1), try Fixture.tensor("reductions", "mean1")))
        #expect(close(try x.max(axis: 2), try Fixture.tensor("reductions", "max2")))
        #expect(try x.argmax(axis: 1) == Fixture.ints("reductions", "argmax1"))
    }

    @Test func permuteMatchesNumPy() throws {
        let x = try Fixture.tensor("permute", "x")
        #expect(close(try x.permuted([2, 0, 1]), try Fixture.tensor("permute", "p201"), tolerance: 0))
        #expect(close(try x.permuted([0, 2, 1]), try Fixture.tensor("permute", "p021"), tolerance: 0))
        #expect(throws: TensorError.self) { try x.permuted([0, 0, 1]) }
    }

    @Test func seededGeneratorIsReproducible() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let xs = (0..<5).map { _ in a.next() }
        #expect(xs == (0..<5).map { _ in b.next() })
        #expect(xs != (0..<5).map { _ in c.next() })
    }
}

@Suite struct NestedAndParallelTests {
    @Test func nestedListsRoundTrip() throws {
        let nested = NestedFloats.list([.list([.scalar(1), .scalar(2), .scalar(3)]), .list([.scalar(4), .scalar(5), .scalar(6)])])
        let t = try Tensor(nested: nested)
        #expect(t.shape == [2, 3])
        #expect(t.values == [1, 2, 3, 4, 5, 6])
        #expect(t.nested == nested)
        #expect(try Tensor(nested: .scalar(7)).shape == [])
        #expect(throws: TensorError.self) { try Tensor(nested: .list([.list([.scalar(1)]), .scalar(2)])) }
        #expect(throws: TensorError.self) { try Tensor(nested: .list([.list([.scalar(1)]), .list([.scalar(2), .scalar(3)])])) }
    }

    @Test func largeMapsAgreeWithSmallOnes() throws {
        let n = 300_001
        let t = try Tensor(shape: [n], values: (0..<n).map { Float($0 % 17) - 8 })
        let r = t.activated(.relu6)
        #expect(r.values == t.values.map { Swift.min(Swift.max($0, 0), 6) })
    }
}

/// `Matrix.transposed` (OpenBLAS's `cblas_domatcopy`) on rectangular and empty matrices.
@Test func matrixTransposeIsBLASCopy() {
    let m = Matrix(rows: 3, cols: 5, data: (0..<15).map(Double.init))
    let t = m.transposed
    #expect(t.rows == 5 && t.cols == 3)
    for i in 0..<3 { for j in 0..<5 { #expect(t[j, i] == m[i, j]) } }
    #expect(t.transposed == m)
    #expect(Matrix(zeros: 0, 4).transposed == Matrix(zeros: 4, 0))
}
