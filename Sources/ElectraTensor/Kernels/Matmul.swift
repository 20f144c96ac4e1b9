// Matmul: C = op(A) · op(B) through BLAS, and its gradient.
//
// Tensors of rank > 2 are seen as matrices `[rows, columns]`: a `[B, T, C]` activation multiplies a
// `[out, in]` weight as a `[B·T, C]` matrix. A linear layer `y = x Wᵀ` is `forward(x, W,
// transposeB: true)`, with the weight kept in Hugging Face's `[out, in]` layout.

/// Matrix product with optional transposes.
public enum Matmul {
    /// `out = op(a) · op(b)`, or `out += op(a) · op(b)` when `accumulate`.
    ///
    /// - Parameters:
    ///   - a: `[m, k]`, or `[k, m]` when `transposeA`.
    ///   - b: `[k, n]`, or `[n, k]` when `transposeB`.
    ///   - out: `[m, n]`.
    public static func forward(_ a: Tensor, _ b: Tensor, transposeA: Bool = false,
                               transposeB: Bool = false, into out: Tensor, accumulate: Bool = false) {
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let (kb, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
        checkShape(k == kb && out.rows == m && out.columns == n, "Matmul.forward", a.shape, b.shape, out.shape)
        BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                  alpha: 1, a: a.pointer, lda: a.columns, b: b.pointer, ldb: b.columns,
                  beta: accumulate ? 1 : 0, c: out.pointer, ldc: out.columns)
    }

    /// Accumulates the gradients of `out = op(a) · op(b)`: `dA += ∂L/∂a` (`dA = ∂L/∂a` when
    /// `overwriteDA`), `dB += ∂L/∂b`.
    ///
    /// With `G = dOut`: `∂L/∂op(a) = G · op(b)ᵀ` and `∂L/∂op(b) = op(a)ᵀ · G`, each transposed back
    /// to the stored layout. Pass `nil` for a gradient that is not needed.
    public static func backward(_ dOut: Tensor, _ a: Tensor, _ b: Tensor, transposeA: Bool = false,
                                transposeB: Bool = false, dA: Tensor?, dB: Tensor?, overwriteDA: Bool = false) {
        if let dA {
            checkShape(dA.shape == a.shape || dA.count == a.count, "Matmul.backward dA", a.shape, dA.shape)
            if transposeA {
                forward(b, dOut, transposeA: transposeB, transposeB: true, into: dA, accumulate: !overwriteDA)
            } else {
                forward(dOut, b, transposeA: false, transposeB: !transposeB, into: dA, accumulate: !overwriteDA)
            }
        }
        if let dB {
            checkShape(dB.shape == b.shape || dB.count == b.count, "Matmul.backward dB", b.shape, dB.shape)
            if transposeB {
                forward(dOut, a, transposeA: true, transposeB: transposeA, into: dB, accumulate: true)
            } else {
                forward(a, dOut, transposeA: !transposeA, transposeB: false, into: dB, accumulate: true)
            }
        }
    }
}
