// Precision: which arithmetic the matrix products use, chosen per task like `torch.autocast`.
//
// `fp32` multiplies in Float32 through BLAS. `bf16` rounds both inputs of every matrix product to
// bfloat16 and accumulates in Float32 (oneDNN on AVX512-BF16 or AMX-BF16); everything else (master
// weights, optimizer state, LayerNorm, softmax, losses) stays Float32. Where oneDNN or bf16
// instructions are missing, `bf16` runs in fp32 and `BF16Backend.status` says why.

import COneDNN

/// The arithmetic of matrix products.
public enum Precision: String, CaseIterable, Sendable {
    case fp32
    case bf16

    /// The precision matrix products use in the current task (`fp32` unless bound with
    /// `Precision.$current.withValue(.bf16) { … }`).
    @TaskLocal public static var current: Precision = .fp32

    /// What `bf16` runs as on this machine: `bf16` when the backend is available, else `fp32`.
    public var effective: Precision {
        self == .bf16 && BF16Backend.isAvailable ? .bf16 : .fp32
    }
}

/// The bf16 matrix-product backend: oneDNN, opened at run time.
public enum BF16Backend {
    /// Whether bf16 products run on bf16 hardware here, with the reason when they do not.
    public static let status: (available: Bool, reason: String) = {
        let features = SystemInfo.features
        guard features.contains(where: { ($0.name == "AVX512-BF16" || $0.name == "AMX-BF16") && $0.present }) else {
            return (false, "the processor has neither AVX512-BF16 nor AMX-BF16")
        }
        var message = [CChar](repeating: 0, count: 256)
        let loaded = electra_onednn_load(&message, message.count) != 0
        return (loaded, loaded ? "" : text(message))
    }()

    public static var isAvailable: Bool { status.available }

    /// oneDNN's version, when loaded.
    public static var version: String? {
        guard isAvailable else { return nil }
        var text = [CChar](repeating: 0, count: 64)
        electra_onednn_version(&text, text.count)
        return Self.text(text)
    }

    /// The kernel oneDNN chooses for a dense bf16 product (`brg:avx512_core_amx_bf16`, …), found by
    /// running one small product.
    public static var kernel: String? {
        guard isAvailable else { return nil }
        let a = [Float](repeating: 1, count: 64 * 64)
        var c = [Float](repeating: 0, count: 64 * 64)
        guard gemm(transposeA: false, transposeB: true, m: 64, n: 64, k: 64, alpha: 1, a: a, lda: 64,
                   b: a, ldb: 64, beta: 0, c: &c, ldc: 64) else { return nil }
        var text = [CChar](repeating: 0, count: 128)
        electra_onednn_kernel(&text, text.count)
        return Self.text(text)
    }

    /// The characters of a NUL-terminated C buffer.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// One bf16 product (the argument convention of `BLAS.gemm`); `false` when oneDNN refused it.
    @inlinable
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) -> Bool {
        batchedGemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                    a: a, lda: lda, aStrides: (0, 0), b: b, ldb: ldb, bStrides: (0, 0),
                    beta: beta, c: c, ldc: ldc, cStrides: (0, 0), outer: 1, inner: 1)
    }

    /// `outer × inner` products in one call; matrix (o, i) of each operand starts at
    /// `base + o·strides.outer + i·strides.inner`.
    @inlinable
    public static func batchedGemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
                                   a: UnsafePointer<Float>, lda: Int, aStrides: (outer: Int, inner: Int),
                                   b: UnsafePointer<Float>, ldb: Int, bStrides: (outer: Int, inner: Int),
                                   beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int,
                                   cStrides: (outer: Int, inner: Int), outer: Int, inner: Int) -> Bool {
        electra_onednn_bf16_gemm(transposeA ? 1 : 0, transposeB ? 1 : 0, m, n, k, alpha,
                                 a, lda, aStrides.outer, aStrides.inner, b, ldb, bStrides.outer, bStrides.inner,
                                 beta, c, ldc, cStrides.outer, cStrides.inner, outer, inner) == 0
    }
}
