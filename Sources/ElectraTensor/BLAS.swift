// BLAS: the one place that calls the platform's single-precision matrix product.
//
// Linux links Debian's OpenBLAS through the `COpenBLAS` system-library target; Apple platforms use
// Accelerate. Everything above this file calls `BLAS.gemm` and never a CBLAS symbol directly.

import Foundation

#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
#endif

/// Single-precision general matrix multiply and a description of the BLAS in use.
public enum BLAS {
    /// `C = alpha · op(A) · op(B) + beta · C` on row-major matrices, in the task's `Precision`.
    ///
    /// `op(A)` is `[m, k]`, `op(B)` is `[k, n]`, `C` is `[m, n]`; `lda`, `ldb`, `ldc` are the row
    /// strides of the matrices as stored (before transposition).
    @inlinable
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            alpha: Float, a: UnsafePointer<Float>, lda: Int,
                            b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        if Precision.current == .bf16, BF16Backend.isAvailable,
           BF16Backend.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                            a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc) {
            return
        }
        sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
              a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }

    /// The Float32 product of the platform's BLAS, whatever the task's precision.
    @inlinable
    public static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                             alpha: Float, a: UnsafePointer<Float>, lda: Int,
                             b: UnsafePointer<Float>, ldb: Int,
                             beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }

    /// The library's name: `OpenBLAS` or `Accelerate`.
    public static var libraryName: String {
        #if canImport(Accelerate)
        return "Accelerate"
        #else
        return "OpenBLAS"
        #endif
    }

    /// OpenBLAS's build configuration string (version, threading, architecture), if known.
    public static var configuration: String? {
        #if canImport(Accelerate)
        return nil
        #else
        guard let text = openblas_get_config() else { return nil }
        return String(cString: text).trimmingCharacters(in: .whitespaces)
        #endif
    }

    /// The CPU kernels OpenBLAS selected at start-up (`Haswell`, `SkylakeX`, …), if known.
    public static var coreName: String? {
        #if canImport(Accelerate)
        return nil
        #else
        guard let text = openblas_get_corename() else { return nil }
        return String(cString: text)
        #endif
    }

    /// Makes the BLAS use `count` threads per call (a data-parallel rank's share of the cores).
    public static func setThreadCount(_ count: Int) {
        #if !canImport(Accelerate)
        openblas_set_num_threads(Int32(max(1, count)))
        #endif
    }

    /// Threads the BLAS uses for one call.
    public static var threadCount: Int {
        #if canImport(Accelerate)
        return Parallel.threadCount
        #else
        return Int(openblas_get_num_threads())
        #endif
    }
}
