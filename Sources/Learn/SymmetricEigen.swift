import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// LAPACK's `dsyevd` (divide and conquer) from the OpenBLAS the project links, looked up by name
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

    /// Eigenvalues (descending) and unit eigenvectors of the symmetric n x n matrix `a` (row-major);
    /// only the first `count` pairs are returned.
    static func decompose(_ a: [Double], _ n: Int, count: Int) throws -> (values: [Double], vectors: [[Double]]) {
        guard n > 0 else { return ([], []) }
        guard let dsyevd = routine else { throw LearnError("lapack", "LAPACK's dsyevd is not available in the linked OpenBLAS") }
        guard n < Int(Int32.max) / Swift.max(n, 1) else { throw LearnError("nomem", "the matrix is too large") }
        var m = a, w = [Double](repeating: 0, count: n)
        var size = Int32(n), info: Int32 = 0
        var lwork: Int32 = -1, liwork: Int32 = -1
        var workQuery = [Double](repeating: 0, count: 1), iworkQuery = [Int32](repeating: 0, count: 1)
        "V".withCString { jobz in
            "L".withCString { uplo in
                dsyevd(jobz, uplo, &size, &m, &size, &w, &workQuery, &lwork, &iworkQuery, &liwork, &info, 1, 1)
            }
        }
        guard info == 0 else { throw LearnError("lapack", "the eigen-decomposition failed (dsyevd info \(info))") }
        lwork = Int32(workQuery[0])
        liwork = iworkQuery[0]
        var work = [Double](repeating: 0, count: Int(Swift.max(lwork, 1))), iwork = [Int32](repeating: 0, count: Int(Swift.max(liwork, 1)))
        "V".withCString { jobz in
            "L".withCString { uplo in
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
