import CKernels
@preconcurrency import COpenBLAS
import Foundation

/// Matrix products through OpenBLAS's `cblas_sgemm`. The thread count follows the machine and
/// can be set with `NETS_THREADS` (as for the runtime's own loops, `Parallel.cores`).
public enum BLAS {
    /// Gives OpenBLAS the runtime's thread count; call once at start-up.
    public static func configureThreads() {
        openblas_set_num_threads(Int32(Parallel.cores))
    }

    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// The OpenBLAS kernel chosen for this CPU (say "Zen" or "Haswell").
    public static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// The OpenBLAS kernels to ask for instead of the ones OpenBLAS chose, or nil when its choice
    /// is fine (or the user chose with `OPENBLAS_CORETYPE`). Debian's OpenBLAS 0.3.21 does not
    /// recognise some recent CPUs (a virtual "Intel Xeon Processor" with AVX-512, for one) and
    /// falls back to its SSE3 `Prescott` kernels, which run a GEMM 3-5x slower than the `Haswell`
    /// (AVX2) or `SkylakeX` (AVX-512) kernels the same library holds. OpenBLAS reads its choice
    /// once, when it is loaded, so the choice can only be changed for a new process.
    public static var betterCoreType: String? {
        guard getenv("OPENBLAS_CORETYPE") == nil else { return nil }
        let fallbacks: Set = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Northwood", "Banias"]
        guard fallbacks.contains(coreName) else { return nil }
        switch nets_cpu_vector_level() {
        case 2: return "SkylakeX"
        case 1: return "Haswell"
        default: return nil
        }
    }

    /// Gives OpenBLAS `betterCoreType`'s kernels. A build of OpenBLAS for many CPUs (Debian's)
    /// chose its kernels when it was loaded, but exports the two functions it chose them with:
    /// forgetting the choice and choosing again with `OPENBLAS_CORETYPE` set swaps the kernel table
    /// in place, before any BLAS call has used it. Where they are missing, or the swap does not
    /// take, the program starts again as the same process with the variable set (which keeps this
    /// from happening twice). Call first thing in `main`, before any thread calls BLAS. Returns
    /// (doing nothing) when OpenBLAS's choice is fine or the exec fails.
    public static func restartWithBetterKernels() {
        guard let core = betterCoreType else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        typealias Hook = @convention(c) () -> Void
        if let quit = dlsym(nil, "gotoblas_dynamic_quit"),
           let choose = dlsym(nil, "gotoblas_dynamic_init") {
            unsafeBitCast(quit, to: Hook.self)()
            unsafeBitCast(choose, to: Hook.self)()
            if coreName.caseInsensitiveCompare(core) == .orderedSame { return }
        }
        execv("/proc/self/exe", CommandLine.unsafeArgv)
    }

    /// Runs `body` with OpenBLAS on one thread, for GEMMs issued from several workers at once
    /// (each worker's GEMM is then its own, and OpenBLAS's threads do not compete with them).
    /// Inside a `Parallel.jobs` job this is already so.
    public static func singleThreaded<T>(_ body: () throws -> T) rethrows -> T {
        if nets_serial() != 0 { return try body() }
        let threads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(threads) }
        return try body()
    }

    /// C = alpha * op(A) op(B) + beta * C on raw row-major buffers; op(A) is m x k, op(B) k x n.
    public static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                            a: UnsafePointer<Float>, b: UnsafePointer<Float>, beta: Float = 0,
                            c: UnsafeMutablePointer<Float>) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(transA ? m : k), b, Int32(transB ? k : n),
                    beta, c, Int32(n))
    }
}

extension Tensor {
    /// The matrix product op(a) · op(b) of two rank-2 tensors.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) throws -> Tensor {
        guard a.rank == 2, b.rank == 2 else { throw TensorError.shape("matmul", a.shape, b.shape) }
        let m = transposeA ? a.shape[1] : a.shape[0], k = transposeA ? a.shape[0] : a.shape[1]
        let k2 = transposeB ? b.shape[1] : b.shape[0], n = transposeB ? b.shape[0] : b.shape[1]
        guard k == k2 else { throw TensorError.shape("matmul", a.shape, b.shape) }
        var out = try Tensor(shape: [m, n])
        if m == 0 || n == 0 { return out }
        if k == 0 { return out }
        out.withUnsafeMutableBufferPointer { c in
            guard let cp = c.baseAddress else { return }
            BLAS.gemm(transA: transposeA, transB: transposeB, m: m, n: n, k: k,
                      a: a.storage.pointer, b: b.storage.pointer, c: cp)
        }
        return out
    }

    /// Gradients of `sum(G ⊙ (A · B))` with respect to A and B: (G Bᵀ, Aᵀ G).
    public static func matmulBackward(_ a: Tensor, _ b: Tensor, gradient g: Tensor) throws -> (Tensor, Tensor) {
        (try matmul(g, b, transposeB: true), try matmul(a, g, transposeA: true))
    }
}
