import CoreKernel
import Dispatch
import Foundation
import Language
import Testing

/// Packed contents of lists of machine numbers (PackedArray.swift): made once and kept, read
/// correctly, refused for anything that is not a rectangular array of machine numbers, and
/// invisible to the expression itself.
@Suite struct PackedArrayTests {
    static func reals(_ xs: [Double]) -> Expr { .list(xs.map { .real($0) }) }

    @Test func aMatrixIsPackedOnceAndTheContentsAreReused() throws {
        let m = Expr.list([Self.reals([1, 2, 3]), .list([.integer(4), .real(5), .integer(6)])])
        let n = try #require(m.asNormal)
        #expect(n.packedIfMade == nil)
        let first = try #require(m.packedArray)
        #expect(first.dims == [2, 3])
        #expect(first.data == [1, 2, 3, 4, 5, 6])
        #expect(first.kind == .mixed)
        // The second read gives the very same contents: nothing is read again.
        #expect(m.packedArray === first)
        #expect(n.packedIfMade === first)
    }

    @Test func packedRowsAreCopiedIntoTheirMatrix() throws {
        let row = try #require(Expr.packed([1.5, 2.5], dims: [2]))
        let m = Expr.list([row, Self.reals([3, 4])])
        let p = try #require(m.packedArray)
        #expect(p.data == [1.5, 2.5, 3, 4])
        #expect(p.kind == .reals)
    }

    @Test func integersAreTold() throws {
        let p = try #require(Expr.list([.integer(1), .integer(-2)]).packedArray)
        #expect(p.kind == .integers)
        #expect(!p.hasReal)
    }

    /// Anything but a non-empty rectangular array of machine numbers has no packed contents, and
    /// the answer is kept too.
    @Test(arguments: [
        Expr.list([]),
        Expr.list([.real(1), .sym("x")]),
        Expr.list([Expr.list([.real(1), .real(2)]), Expr.list([.real(3)])]),
        Expr.list([Expr.list([.real(1)]), .real(2)]),
        Expr.list([.real(1), Expr.list([.real(2)])]),
        Expr.list([Expr.list([])]),
        Expr.list([.string("1")]),
        Expr.call(Symbol.intern("f"), [.real(1), .real(2)]),
    ])
    func notPackable(_ e: Expr) {
        #expect(e.packedArray == nil)
        #expect(e.packedArray == nil)
    }

    /// A list built packed is an ordinary list of reals: same elements, same printing, equal to
    /// the list built element by element.
    @Test func builtPackedIsAnOrdinaryList() throws {
        let data: [Double] = [1, 2.5, -3, 0.25, 5, 6]
        let built = try #require(Expr.packed(data, dims: [2, 3]))
        let plain = Expr.list([Self.reals([1, 2.5, -3]), Self.reals([0.25, 5, 6])])
        #expect(built == plain)
        #expect(built.hashValue == plain.hashValue)
        #expect(built.args[1].args[2] == .real(6))
        let p = try #require(built.asNormal?.packedIfMade)
        #expect(p.data == data)
        #expect(p.dims == [2, 3])
    }

    /// A list built packed holds its contents alone until its elements are asked for; its
    /// length, its packed contents and equality with another packed list need no elements.
    @Test func builtPackedMakesItsElementsOnlyWhenAsked() throws {
        let built = try #require(Expr.packed([1, 2, 3, 4, 5, 6], dims: [3, 2]))
        let n = try #require(built.asNormal)
        #expect(n.isPackedOnly && n.isPacked)
        #expect(n.count == 3)
        #expect(built.isList && built.headSymbol === Sym.List)
        #expect(n.isInertList)
        #expect(n.packed?.dims == [3, 2])
        let other = try #require(Expr.packed([1, 2, 3, 4, 5, 6], dims: [3, 2]))
        #expect(built == other)
        #expect(built != Expr.packed([1, 2, 3, 4, 5, 7], dims: [3, 2]))
        #expect(built != Expr.packed([1, 2, 3, 4, 5, 6], dims: [2, 3]))
        #expect(n.isPackedOnly && other.asNormal?.isPackedOnly == true)
        // The elements, once made, are kept: the same rows on every read, themselves packed.
        let rows = n.args
        #expect(!n.isPackedOnly && n.isPacked)
        #expect(rows.count == 3)
        #expect(rows[2].isIdentical(to: n.args[2]))
        #expect(rows[2].asNormal?.isPackedOnly == true)
        #expect(rows[2].args == [.real(5), .real(6)])
    }

    /// SameQ of packed lists as of their elements: NaN is itself, 0. and -0. are the same, an
    /// integer is never a real.
    @Test func packedEqualityIsThatOfTheElements() throws {
        let nan = try #require(Expr.packed([.nan, 1], dims: [2]))
        #expect(nan == Expr.packed([.nan, 1], dims: [2]))
        #expect(Expr.packed([0, 1], dims: [2]) == Expr.packed([-0.0, 1], dims: [2]))
        let integers = try #require(Expr.packed(PackedArray(dims: [2], data: [1, 2], kind: .integers)))
        #expect(integers.args == [.integer(1), .integer(2)])
        #expect(integers != Expr.packed([1, 2], dims: [2]))
        #expect(integers == Expr.list([.integer(1), .integer(2)]))
        // Mixed contents cannot say which entries were integers: no list is made from them.
        #expect(Expr.packed(PackedArray(dims: [2], data: [1, 2], kind: .mixed)) == nil)
    }

    /// Integers doubles do not hold exactly are not packed (they would come back changed).
    @Test func integersBeyondTwoToThe53AreNotPacked() {
        #expect(Expr.list([.integer(1 << 53), .integer(-(1 << 53))]).packedArray != nil)
        #expect(Expr.list([.integer((1 << 53) + 1), .integer(1)]).packedArray == nil)
        #expect(Expr.list([.real(1), .integer(Int.max)]).packedArray == nil)
    }

    /// `numbers` answers from the packed contents: a built list is not unpacked, an ordinary
    /// one gets its contents made once (the reader Dot uses), others are read one by one.
    @Test func numbersReadThePackedContents() throws {
        let built = try #require(Expr.packed([1.5, -2, 3], dims: [3])?.asNormal)
        #expect(built.numbers == [1.5, -2, 3])
        #expect(built.isPackedOnly)
        let plain = try #require(Expr.list([.integer(1), .real(2.5)]).asNormal)
        #expect(plain.numbers == [1, 2.5])
        #expect(plain.packedIfMade?.data == [1, 2.5])
        #expect(Expr.list([.sym("x")]).asNormal?.numbers == nil)
        #expect(try #require(Expr.packed([1, 2, 3, 4], dims: [2, 2])?.asNormal).numbers == nil)
        #expect(Expr.list([]).asNormal?.numbers == [])
    }

    /// Parallel first readers of one list agree on its packed contents and on its elements (the
    /// first stored wins; review finding: the cache was set without synchronization).
    @Test func parallelFirstReadsAgree() throws {
        for _ in 0..<20 {
            let plain = Expr.list((0..<64).map { r in Expr.list((0..<64).map { .real(Double(r * 64 + $0)) }) })
            let built = try #require(Expr.packed((0..<4096).map(Double.init), dims: [64, 64]))
            let p = try #require(plain.asNormal), b = try #require(built.asNormal)
            let contents = Results<PackedArray>(8), rows = Results<Normal>(8)
            DispatchQueue.concurrentPerform(iterations: 8) { i in
                contents.set(i, p.packed)
                rows.set(i, b.args[63].asNormal)
            }
            let first = try #require(contents.values[0]), firstRow = try #require(rows.values[0])
            #expect(contents.values.allSatisfy { $0 === first })
            #expect(rows.values.allSatisfy { $0 === firstRow })
            #expect(first.data == (0..<4096).map(Double.init))
            #expect(plain == built)
        }
    }

    /// A list built packed prints as its elements would, in every form and under a budget.
    @Test func builtPackedPrintsAsItsElements() throws {
        let data: [Double] = [1, -2.5, 1e-7, 123456789, .infinity, 0.1]
        let built = try #require(Expr.packed(data, dims: [2, 3]))
        let plain = Expr.list([Self.reals(Array(data[0..<3])), Self.reals(Array(data[3...]))])
        for form in [Printer.Form.output, .input, .full, .message] {
            #expect(Printer(form).string(built) == Printer(form).string(plain))
            for limit in [1, 3, 5, 8] {
                #expect(Printer(form, limit: limit).string(try #require(Expr.packed(data, dims: [2, 3]))) == Printer(form, limit: limit).string(plain))
            }
        }
        let integers = try #require(Expr.packed(PackedArray(dims: [3], data: [1, -2, 3], kind: .integers)))
        #expect(Printer(.output).string(integers) == "{1, -2, 3}")
        #expect(built.asNormal?.isPackedOnly == true)
    }

    /// A builtin's packed result is a value as it stands: the evaluator does not make its
    /// elements to evaluate them (a million draws cost 60 ms that way, most of RandomVariate's
    /// time), whether the result comes at top level or inside a `CompoundExpression`.
    @Test func aBuiltinsPackedResultIsNotUnpackedByEvaluation() throws {
        let kernel = Kernel()
        for input in ["RandomReal[1, 100000]", "SeedRandom[1]; RandomReal[1, {300, 300}]", "x = RandomReal[1, 1000]; x"] {
            var result: Expr?
            #expect(kernel.evaluateEach(input) { _, r in result = r } == nil)
            let n = try #require(result?.asNormal, "\(input)")
            #expect(n.isPacked && n.isPackedOnly, "\(input)")
        }
    }

    @Test func shapesThatDoNotMatchTheDataAreRefused() {
        #expect(Expr.packed([1, 2, 3], dims: [2, 2]) == nil)
        #expect(Expr.packed([1, 2], dims: []) == nil)
        #expect(Expr.packed([1, 2], dims: [-2, -1]) == nil)
        #expect(Expr.packed([], dims: [0]) == Expr.list([]))
        #expect(Expr.packed([], dims: [0])?.asNormal?.packedIfMade == nil)
    }
}

/// Values set by parallel workers, one slot each.
private final class Results<T>: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [T?]
    init(_ n: Int) { values = Array(repeating: nil, count: n) }
    func set(_ i: Int, _ v: T?) {
        lock.lock()
        values[i] = v
        lock.unlock()
    }
}
