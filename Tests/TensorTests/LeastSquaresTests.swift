import Foundation
import Tensor
import Testing

/// The least-squares drivers agree: the normal equations (taken for tall, well-conditioned
/// matrices) give what `dgelsd` gives, and decline what they would get wrong. NumPy reference
/// values for the builtin are in Tests/KernelTests/Fixtures/linalg.
@Suite struct LeastSquaresTests {
    /// An m x n matrix of entries f(i, j), 1-based.
    static func matrix(_ m: Int, _ n: Int, _ f: (Double, Double) -> Double) -> Matrix {
        var a = Matrix(zeros: m, n)
        for i in 0..<m { for j in 0..<n { a[i, j] = f(Double(i + 1), Double(j + 1)) } }
        return a
    }

    static let tall = matrix(2000, 7) { i, j in sin(0.37 * i * j) + cos(0.11 * i + j) }

    @Test(arguments: [1, 3])
    func normalEquationsAgreeWithTheSVDDriver(_ k: Int) throws {
        let b = Self.matrix(2000, k) { i, j in sin(0.013 * i * j) + 0.1 * cos(0.7 * i) }
        let x = try #require(LinearAlgebra.normalEquations(Self.tall, b))
        let reference = try LinearAlgebra.leastSquaresSVD(Self.tall, b).x
        #expect(x.rows == 7 && x.cols == k)
        let error = zip(x.data, reference.data).map { abs($0 - $1) }.max() ?? .infinity
        #expect(error < 1e-12, "largest difference \(error)")
        // And the general entry point takes this path with the same answer.
        #expect(try LinearAlgebra.leastSquares(Self.tall, b).x == x)
    }

    /// Nearly dependent columns (condition number ~1e7), exactly dependent ones, and a wide
    /// matrix are left to `dgelsd`.
    @Test func illConditionedRankDeficientAndWideAreDeclined() throws {
        let nearly = Self.matrix(1000, 3) { i, j in j == 3 ? sin(0.01 * i) + 1e-7 * cos(0.3 * i) : sin(0.01 * i * j) }
        let dependent = Self.matrix(500, 3) { i, j in j == 3 ? sin(0.1 * i) + cos(0.2 * i) : j == 1 ? sin(0.1 * i) : cos(0.2 * i) }
        let wide = Self.matrix(3, 8) { i, j in sin(i * j) }
        for a in [nearly, dependent, wide] {
            let b = Self.matrix(a.rows, 1) { i, _ in cos(0.002 * i) }
            #expect(LinearAlgebra.normalEquations(a, b) == nil)
            #expect(try LinearAlgebra.leastSquares(a, b).x.rows == a.cols)
        }
    }

    @Test func mismatchedShapesAreRefused() {
        #expect(LinearAlgebra.normalEquations(Self.tall, Matrix(zeros: 10, 1)) == nil)
        #expect(throws: LinearAlgebraError.shapeMismatch) { try LinearAlgebra.leastSquares(Self.tall, Matrix(zeros: 10, 1)) }
    }
}
