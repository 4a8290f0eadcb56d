import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// LAPACK's `dsyevd` (divide and conquer) and `dsyevr` from the OpenBLAS the project links, looked up by name
/// because the system module's header declares only CBLAS. A small private helper of the
/// learning methods; the tensor library has its own linear algebra.
enum SymmetricEigen {
    private typealias Routine = @convention(c) (
        UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafePointer<Int32>, UnsafeMutablePointer<Double>, UnsafePointer<Int32>,
        UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>, UnsafePointer<Int32>, UnsafeMutablePointer<Int32>,
        UnsafePointer<Int32>, UnsafeMutablePointer<Int32>, Int, Int) -> Void

    private static let routine: Routine? = {
        guard let p = dlsym(nil, "dsyevd_") else { return nil }
        return unsafeBitCast(p, to: Routine.self)
    }()

    private typealias RangeRoutine = @convention(c) (
        UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafePointer<Int32>, UnsafeMutablePointer<Double>,
        UnsafePointer<Int32>, UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Int32>, UnsafePointer<Int32>,
        UnsafePointer<Double>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>,
        UnsafePointer<Int32>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Double>, UnsafePointer<Int32>,
        UnsafeMutablePointer<Int32>, UnsafePointer<Int32>, UnsafeMutablePointer<Int32>, Int, Int, Int) -> Void

    /// LAPACK's `dsyevr` (relatively robust representations), which finds a range of eigenpairs
    /// without the others.
    private static let rangeRoutine: RangeRoutine? = {
        guard let p = dlsym(nil, "dsyevr_") else { return nil }
        return unsafeBitCast(p, to: RangeRoutine.self)
    }()

    /// Eigenvalues (descending) and unit eigenvectors of the symmetric n x n matrix `a` (row-major);
    /// only the first `count` pairs are returned. `lower` says that only the lower triangle (in
    /// row-major order) is filled in, as `cblas_dsyrk` leaves it. A few leading pairs of a large
    /// matrix come from `dsyevr`, which skips the others; all of them from `dsyevd`.
    static func decompose(_ a: [Double], _ n: Int, count: Int, lower: Bool = false) throws -> (values: [Double], vectors: [[Double]]) {
        guard n > 0 else { return ([], []) }
        guard n < Int(Int32.max) / Swift.max(n, 1) else { throw LearnError("nomem", "the matrix is too large") }
        // Row-major lower is column-major upper.
        let uplo = lower ? "U" : "L"
        if count >= 1, count < n / 2, n >= 64, let dsyevr = rangeRoutine {
            return try leading(a, n, count: count, uplo: uplo, dsyevr)
        }
        return try all(a, n, count: count, uplo: uplo)
    }

    private static func leading(_ a: [Double], _ n: Int, count k: Int, uplo: String, _ dsyevr: RangeRoutine) throws -> (values: [Double], vectors: [[Double]]) {
        var m = a, w = [Double](repeating: 0, count: n), z = [Double](repeating: 0, count: n * k)
        var size = Int32(n), found: Int32 = 0, info: Int32 = 0
        var low = 0.0, high = 0.0, abstol = 0.0
        var first = Int32(n - k + 1), last = Int32(n), ldz = Int32(n)
        var support = [Int32](repeating: 0, count: 2 * k)
        var lwork: Int32 = -1, liwork: Int32 = -1
        var workQuery = [Double](repeating: 0, count: 1), iworkQuery = [Int32](repeating: 0, count: 1)
        func call(_ work: inout [Double], _ iwork: inout [Int32]) {
            "V".withCString { jobz in
                "I".withCString { range in
                    uplo.withCString { u in
                        dsyevr(jobz, range, u, &size, &m, &size, &low, &high, &first, &last, &abstol, &found, &w, &z, &ldz,
                               &support, &work, &lwork, &iwork, &liwork, &info, 1, 1, 1)
                    }
                }
            }
        }
        call(&workQuery, &iworkQuery)
        guard info == 0 else { throw LearnError("lapack", "the eigen-decomposition failed (dsyevr info \(info))") }
        lwork = Int32(workQuery[0])
        liwork = iworkQuery[0]
        var work = [Double](repeating: 0, count: Int(Swift.max(lwork, 1))), iwork = [Int32](repeating: 0, count: Int(Swift.max(liwork, 1)))
        call(&work, &iwork)
        guard info == 0, Int(found) == k else { throw LearnError("lapack", "the eigen-decomposition did not converge (dsyevr info \(info))") }
        // Column c of z (ascending values) is z[c*n ..< (c+1)*n].
        let order = (0..<k).reversed()
        return (order.map { w[$0] }, order.map { Array(z[($0 * n)..<(($0 + 1) * n)]) })
    }

    private static func all(_ a: [Double], _ n: Int, count: Int, uplo: String) throws -> (values: [Double], vectors: [[Double]]) {
        guard let dsyevd = routine else { throw LearnError("lapack", "LAPACK's dsyevd is not available in the linked OpenBLAS") }
        var m = a, w = [Double](repeating: 0, count: n)
        var size = Int32(n), info: Int32 = 0
        var lwork: Int32 = -1, liwork: Int32 = -1
        var workQuery = [Double](repeating: 0, count: 1), iworkQuery = [Int32](repeating: 0, count: 1)
        "V".withCString { jobz in
            uplo.withCString { uplo in
                dsyevd(jobz, uplo, &size, &m, &size, &w, &workQuery, &lwork, &iworkQuery, &liwork, &info, 1, 1)
            }
        }
        guard info == 0 else { throw LearnError("lapack", "the eigen-decomposition failed (dsyevd info \(info))") }
        lwork = Int32(workQuery[0])
        liwork = iworkQuery[0]
        var work = [Double](repeating: 0, count: Int(Swift.max(lwork, 1))), iwork = [Int32](repeating: 0, count: Int(Swift.max(liwork, 1)))
        "V".withCString { jobz in
            uplo.withCString { uplo in
                dsyevd(jobz, uplo, &size, &m, &size, &w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
            }
        }
        guard info == 0 else { throw LearnError("lapack", "the eigen-decomposition did not converge (dsyevd info \(info))") }
        // Column-major eigenvectors: column c is m[c*n ..< (c+1)*n]; ascending eigenvalues.
        let k = Swift.min(count, n)
        let order = (0..<n).reversed().prefix(k)
        return (order.map { w[$0] }, order.map { Array(m[($0 * n)..<(($0 + 1) * n)]) })
    }
}
