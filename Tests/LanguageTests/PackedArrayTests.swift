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

    @Test func shapesThatDoNotMatchTheDataAreRefused() {
        #expect(Expr.packed([1, 2, 3], dims: [2, 2]) == nil)
        #expect(Expr.packed([1, 2], dims: []) == nil)
        #expect(Expr.packed([1, 2], dims: [-2, -1]) == nil)
        #expect(Expr.packed([], dims: [0]) == Expr.list([]))
        #expect(Expr.packed([], dims: [0])?.asNormal?.packedIfMade == nil)
    }
}
