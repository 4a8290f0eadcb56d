@preconcurrency import COpenBLAS
import Foundation

/// A dense row-major matrix of doubles: what the linear-algebra routines take and give.
public struct Matrix: Sendable, Equatable {
    public var rows: Int
    public var cols: Int
    /// Row-major entries: `data[i * cols + j]` is row i, column j.
    public var data: [Double]

    public init(rows: Int, cols: Int, data: [Double]) {
        self.rows = rows
        self.cols = cols
        self.data = data
    }

    public init(zeros rows: Int, _ cols: Int) {
        self.init(rows: rows, cols: cols, data: [Double](repeating: 0, count: rows * cols))
    }

    /// The matrix of these rows (all of one length), or nil if they are ragged or empty.
    public init?(_ rowList: [[Double]]) {
        guard let first = rowList.first, !first.isEmpty, rowList.allSatisfy({ $0.count == first.count }) else { return nil }
        self.init(rows: rowList.count, cols: first.count, data: rowList.flatMap { $0 })
    }

    public subscript(i: Int, j: Int) -> Double {
        get { data[i * cols + j] }
        set { data[i * cols + j] = newValue }
    }

    public var rowArrays: [[Double]] { (0..<rows).map { Array(data[($0 * cols)..<(($0 + 1) * cols)]) } }

    /// The transpose, by OpenBLAS's blocked copy (`cblas_domatcopy`); also the column-major
    /// layout LAPACK reads.
    public var transposed: Matrix {
        var t = Matrix(zeros: cols, rows)
        if rows > 0 && cols > 0 {
            cblas_domatcopy(CblasRowMajor, CblasTrans, Int32(rows), Int32(cols), 1, data, Int32(cols), &t.data, Int32(rows))
        }
        return t
    }

    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(zeros: n, n)
        for i in 0..<n { m.data[i * n + i] = 1 }
        return m
    }

    var isSquare: Bool { rows == cols }
}

/// Why a linear-algebra routine gave no answer.
public enum LinearAlgebraError: Error, Equatable {
    case notSquare
    case shapeMismatch
    case singular
    /// LAPACK did not converge (or refused its arguments): its `info` code.
    case lapack(Int)
}

/// Float64 linear algebra on LAPACK (OpenBLAS's `dgesdd`, `dsyevd`, `dgeev`, `dgetrf`, `dgelsd`)
/// and BLAS's `dgemm`. Matrices go in and come out row-major; the column-major transposes LAPACK
/// needs are made here.
public enum LinearAlgebra {
    /// The product a · b through `cblas_dgemm`.
    public static func multiply(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        guard a.cols == b.rows else { throw LinearAlgebraError.shapeMismatch }
        var c = Matrix(zeros: a.rows, b.cols)
        if a.rows == 0 || b.cols == 0 || a.cols == 0 { return c }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(a.rows), Int32(b.cols), Int32(a.cols),
                    1, a.data, Int32(a.cols), b.data, Int32(b.cols), 0, &c.data, Int32(b.cols))
        return c
    }

    /// Eigenvalues and unit eigenvectors of a symmetric matrix, eigenvalues ascending (LAPACK's
    /// order); `vectors` row i belongs to `values[i]`.
    public static func symmetricEigen(_ a: Matrix) throws -> (values: [Double], vectors: Matrix) {
        guard a.isSquare else { throw LinearAlgebraError.notSquare }
        var n = Int32(a.rows), lda = n, info: Int32 = 0
        var m = a.data  // symmetric: row-major is column-major
        var w = [Double](repeating: 0, count: a.rows)
        var lwork: Int32 = -1, liwork: Int32 = -1
        var wq = [Double](repeating: 0, count: 1), iq = [Int32](repeating: 0, count: 1)
        dsyevd_("V", "U", &n, &m, &lda, &w, &wq, &lwork, &iq, &liwork, &info, 1, 1)
        guard info == 0 else { throw LinearAlgebraError.lapack(Int(info)) }
        lwork = Int32(wq[0]); liwork = iq[0]
        var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_("V", "U", &n, &m, &lda, &w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
        guard info == 0 else { throw LinearAlgebraError.lapack(Int(info)) }
        // Column j of the column-major result is eigenvector j: row j of the row-major view.
        return (w, Matrix(rows: a.rows, cols: a.cols, data: m))
    }

    /// Eigenvalues (real and imaginary parts) and right eigenvectors of a general matrix, in
    /// LAPACK's order; each vector has unit Euclidean norm. A complex pair's vectors are
    /// `re ± i im`; `vectorsRe` and `vectorsIm` hold them row by row.
    public static func generalEigen(_ a: Matrix) throws -> (re: [Double], im: [Double], vectorsRe: Matrix, vectorsIm: Matrix) {
        guard a.isSquare else { throw LinearAlgebraError.notSquare }
        let size = a.rows
        var n = Int32(size), lda = n, one: Int32 = 1, info: Int32 = 0
        var m = a.transposed.data
        var wr = [Double](repeating: 0, count: size), wi = wr
        var vl = [Double](repeating: 0, count: 1), vr = [Double](repeating: 0, count: size * size)
        var lwork: Int32 = -1, wq = [Double](repeating: 0, count: 1)
        dgeev_("N", "V", &n, &m, &lda, &wr, &wi, &vl, &one, &vr, &n, &wq, &lwork, &info, 1, 1)
        guard info == 0 else { throw LinearAlgebraError.lapack(Int(info)) }
        lwork = Int32(wq[0])
        var work = [Double](repeating: 0, count: Int(lwork))
        dgeev_("N", "V", &n, &m, &lda, &wr, &wi, &vl, &one, &vr, &n, &work, &lwork, &info, 1, 1)
        guard info == 0 else { throw LinearAlgebraError.lapack(Int(info)) }
        var vre = Matrix(zeros: size, size), vim = Matrix(zeros: size, size)
        var j = 0
        while j < size {
            let column = Array(vr[(j * size)..<((j + 1) * size)])
            if wi[j] != 0, j + 1 < size {
                let imag = Array(vr[((j + 1) * size)..<((j + 2) * size)])
                for i in 0..<size {
                    vre[j, i] = column[i]; vim[j, i] = imag[i]
                    vre[j + 1, i] = column[i]; vim[j + 1, i] = -imag[i]
                }
                j += 2
            } else {
                for i in 0..<size { vre[j, i] = column[i] }
                j += 1
            }
        }
        return (wr, wi, vre, vim)
    }

    /// The singular value decomposition a = u · diag(s) · vᵀ: u is m x m, v is n x n, s has
    /// min(m, n) values, decreasing.
    public static func svd(_ a: Matrix) throws -> (u: Matrix, s: [Double], v: Matrix) {
        let rows = a.rows, cols = a.cols, k = min(rows, cols)
        var m = Int32(rows), n = Int32(cols), lda = m, ldu = m, ldvt = n, info: Int32 = 0
        var x = a.transposed.data
        var s = [Double](repeating: 0, count: k)
        var u = [Double](repeating: 0, count: rows * rows), vt = [Double](repeating: 0, count: cols * cols)
        var iwork = [Int32](repeating: 0, count: 8 * k)
        var lwork: Int32 = -1, wq = [Double](repeating: 0, count: 1)
        dgesdd_("A", &m, &n, &x, &lda, &s, &u, &ldu, &vt, &ldvt, &wq, &lwork, &iwork, &info, 1)
        guard info == 0 else { throw LinearAlgebraError.lapack(Int(info)) }
        lwork = Int32(wq[0])
        var work = [Double](repeating: 0, count: Int(lwork))
        dgesdd_("A", &m, &n, &x, &lda, &s, &u, &ldu, &vt, &ldvt, &work, &lwork, &iwork, &info, 1)
        guard info == 0 else { throw LinearAlgebraError.lapack(Int(info)) }
        // Column-major u read row-major is uᵀ; column-major vᵀ read row-major is v.
        return (Matrix(rows: rows, cols: rows, data: u).transposed, s, Matrix(rows: cols, cols: cols, data: vt))
    }

    /// LU factorisation (column-major factors and pivots), or `.singular`.
    private static func lu(_ a: Matrix) throws -> (factors: [Double], pivots: [Int32]) {
        guard a.isSquare else { throw LinearAlgebraError.notSquare }
        var n = Int32(a.rows), lda = n, info: Int32 = 0
        var f = a.transposed.data
        var pivots = [Int32](repeating: 0, count: a.rows)
        dgetrf_(&n, &n, &f, &lda, &pivots, &info)
        if info > 0 { throw LinearAlgebraError.singular }
        guard info == 0 else { throw LinearAlgebraError.lapack(Int(info)) }
        return (f, pivots)
    }

    /// The solution x of a · x = b (b with one column per right-hand side), or `.singular`.
    public static func solve(_ a: Matrix, _ b: Matrix) throws -> Matrix {
        guard a.rows == b.rows else { throw LinearAlgebraError.shapeMismatch }
        let (f, pivots) = try lu(a)
        try checkConditioned(a, f)
        var n = Int32(a.rows), nrhs = Int32(b.cols), lda = n, ldb = n, info: Int32 = 0
        var x = b.transposed.data
        dgetrs_("N", &n, &nrhs, f, &lda, pivots, &x, &ldb, &info, 1)
        guard info == 0 else { throw LinearAlgebraError.lapack(Int(info)) }
        return Matrix(rows: b.cols, cols: b.rows, data: x).transposed
    }

    /// A matrix whose LU factor has a pivot negligible beside the largest entry is singular to
    /// working precision (as Wolfram's `Inverse::sing` has it).
    private static func checkConditioned(_ a: Matrix, _ f: [Double]) throws {
        let n = a.rows
        let scale = a.data.reduce(0) { max($0, abs($1)) }
        for i in 0..<n where abs(f[i * n + i]) <= scale * Double(n) * Double.ulpOfOne {
            throw LinearAlgebraError.singular
        }
    }

    public static func inverse(_ a: Matrix) throws -> Matrix {
        try solve(a, .identity(a.rows))
    }

    /// The determinant, from the LU factors (0 for a singular matrix).
    public static func determinant(_ a: Matrix) throws -> Double {
        guard a.isSquare else { throw LinearAlgebraError.notSquare }
        if a.rows == 0 { return 1 }
        do {
            let (f, pivots) = try lu(a)
            var d = 1.0
            for i in 0..<a.rows {
                d *= f[i * a.rows + i]
                if pivots[i] != Int32(i + 1) { d = -d }
            }
            return d
        } catch LinearAlgebraError.singular {
            return 0
        }
    }

    /// The minimum-norm least-squares solution of a · x ≈ b, and the rank of a: by the normal
    /// equations (`normalEquations`) for a tall, well-conditioned a, otherwise by `dgelsd`.
    public static func leastSquares(_ a: Matrix, _ b: Matrix) throws -> (x: Matrix, rank: Int) {
        guard a.rows == b.rows else { throw LinearAlgebraError.shapeMismatch }
        if let x = normalEquations(a, b) { return (x, a.cols) }
        return try leastSquaresSVD(a, b)
    }

    /// The minimum-norm least-squares solution by `dgelsd` (divide-and-conquer SVD), which also
    /// handles rank deficiency; and the rank of a.
    public static func leastSquaresSVD(_ a: Matrix, _ b: Matrix) throws -> (x: Matrix, rank: Int) {
        guard a.rows == b.rows else { throw LinearAlgebraError.shapeMismatch }
        let rows = a.rows, cols = a.cols, big = max(rows, cols, 1)
        var m = Int32(rows), n = Int32(cols), nrhs = Int32(b.cols), lda = Int32(max(rows, 1)), ldb = Int32(big)
        var x = a.transposed.data
        var rhs = [Double](repeating: 0, count: big * b.cols)
        for j in 0..<b.cols { for i in 0..<rows { rhs[j * big + i] = b[i, j] } }
        var s = [Double](repeating: 0, count: max(min(rows, cols), 1))
        // Singular values below the largest times max(m, n) ε count as zero, as NumPy's lstsq has it.
        var rcond = Double.ulpOfOne * Double(big), rank: Int32 = 0, info: Int32 = 0
        var lwork: Int32 = -1, wq = [Double](repeating: 0, count: 1), iq = [Int32](repeating: 0, count: 1)
        dgelsd_(&m, &n, &nrhs, &x, &lda, &rhs, &ldb, &s, &rcond, &rank, &wq, &lwork, &iq, &info)
        guard info == 0 else { throw LinearAlgebraError.lapack(Int(info)) }
        lwork = Int32(wq[0])
        var work = [Double](repeating: 0, count: Int(lwork)), iwork = [Int32](repeating: 0, count: Int(max(iq[0], 1)))
        dgelsd_(&m, &n, &nrhs, &x, &lda, &rhs, &ldb, &s, &rcond, &rank, &work, &lwork, &iwork, &info)
        guard info == 0 else { throw LinearAlgebraError.lapack(Int(info)) }
        var out = Matrix(zeros: cols, b.cols)
        for j in 0..<b.cols { for i in 0..<cols { out[i, j] = rhs[j * big + i] } }
        return (out, Int(rank))
    }

    /// The tolerance below which a singular value counts as zero: the largest times
    /// max(m, n) times machine epsilon (as NumPy's `matrix_rank` and `pinv` use).
    public static func tolerance(_ s: [Double], _ a: Matrix) -> Double {
        (s.first ?? 0) * Double(max(a.rows, a.cols)) * Double.ulpOfOne
    }

    /// The Moore–Penrose pseudo-inverse, from the SVD.
    public static func pseudoInverse(_ a: Matrix) throws -> Matrix {
        let (u, s, v) = try svd(a)
        let tol = tolerance(s, a)
        var out = Matrix(zeros: a.cols, a.rows)
        for k in 0..<s.count where s[k] > tol {
            let r = 1 / s[k]
            for i in 0..<a.cols { for j in 0..<a.rows { out[i, j] += v[i, k] * r * u[j, k] } }
        }
        return out
    }

    public static func rank(_ a: Matrix) throws -> Int {
        let s = try svd(a).s
        let tol = tolerance(s, a)
        return s.filter { $0 > tol }.count
    }

    /// The reciprocal condition number of aᵀa below which `normalEquations` declines: squaring
    /// the conditioning would then cost more digits than one refinement step wins back.
    public static let normalEquationsMinimumRcond = 1e-8

    /// The least-squares solution of a · x ≈ b for a tall a (rows ≥ columns) of full column rank,
    /// by the normal equations: aᵀa by `dsyrk` straight from the row-major entries (no
    /// transpose), its Cholesky factor (`dpotrf`), then one step of iterative refinement on the
    /// residual. Nil when a is wide, aᵀa is not positive definite, or its reciprocal condition
    /// number (`dpocon`) is below `normalEquationsMinimumRcond`: `dgelsd` then answers.
    ///
    /// For a 100,000 x 20 matrix this reads the matrix three times (once for aᵀa in compute-bound
    /// BLAS-3, twice for the refinement), where QR-based drivers make one memory-bound pass per
    /// column.
    public static func normalEquations(_ a: Matrix, _ b: Matrix) -> Matrix? {
        let m = a.rows, n = a.cols, k = b.cols
        guard m >= n, n > 0, k > 0, b.rows == m, m < Int(Int32.max), a.data.count == m * n, b.data.count == m * k else { return nil }
        var size = Int32(n), info: Int32 = 0
        // Column-major, the row-major a is aᵀ (n x m, leading dimension n): aᵀa = X Xᵀ.
        var gram = [Double](repeating: 0, count: n * n)
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, size, Int32(m), 1, a.data, size, 0, &gram, size)
        var columnSums = [Double](repeating: 0, count: n)
        for j in 0..<n {
            for i in 0...j {
                let v = abs(gram[j * n + i])
                columnSums[j] += v
                if i != j { columnSums[i] += v }
            }
        }
        var norm = columnSums.max() ?? 0
        dpotrf_("U", &size, &gram, &size, &info, 1)
        guard info == 0 else { return nil }
        var rcond = 0.0
        var work = [Double](repeating: 0, count: 3 * n), iwork = [Int32](repeating: 0, count: n)
        dpocon_("U", &size, gram, &size, &norm, &rcond, &work, &iwork, &info, 1)
        guard info == 0, rcond >= normalEquationsMinimumRcond else { return nil }

        /// (aᵀa)⁻¹ aᵀ r for a row-major m x k right-hand side r: column-major n x k.
        func solve(_ r: [Double]) -> [Double]? {
            var y = [Double](repeating: 0, count: n * k)
            if k == 1 {
                cblas_dgemv(CblasColMajor, CblasNoTrans, size, Int32(m), 1, a.data, size, r, 1, 0, &y, 1)
            } else {
                cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, size, Int32(k), Int32(m), 1, a.data, size, r, Int32(k), 0, &y, size)
            }
            var nrhs = Int32(k), status: Int32 = 0
            dpotrs_("U", &size, &nrhs, gram, &size, &y, &size, &status, 1)
            return status == 0 ? y : nil
        }
        // Row-major n x k from column-major.
        func rowMajor(_ y: [Double]) -> Matrix {
            k == 1 ? Matrix(rows: n, cols: 1, data: y) : Matrix(rows: k, cols: n, data: y).transposed
        }
        guard let first = solve(b.data) else { return nil }
        var x = rowMajor(first)
        // One refinement step: x += (aᵀa)⁻¹ aᵀ (b - a x).
        var residual = b.data
        if k == 1 {
            cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(m), size, -1, a.data, size, x.data, 1, 1, &residual, 1)
        } else {
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(k), size, -1, a.data, size, x.data, Int32(k), 1, &residual, Int32(k))
        }
        guard let correction = solve(residual) else { return nil }
        let dx = rowMajor(correction)
        for i in x.data.indices { x.data[i] += dx.data[i] }
        return x
    }
}
