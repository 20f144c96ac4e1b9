// BatchedMatmul: a batch of independent matrix products, as attention computes per (sequence, head).
//
// `forward` and `backward` take `[batch, rows, columns]` tensors. Attention calls the strided form,
// `MatrixBatch`, which addresses the heads of a `[B, T, NH·HS]` activation in place, so no head is
// ever copied out or permuted.

/// Where the matrices of a batch live: item `i` starts at `base + (i / inner)·outerStride +
/// (i % inner)·innerStride`, and its rows are `rowStride` apart.
///
/// For the heads of a `[B, T, C]` activation with `NH` heads of size `HS`: `inner = NH`,
/// `outerStride = T·C`, `innerStride = HS`, `rowStride = C`.
public struct MatrixBatch {
    public var base: UnsafeMutablePointer<Float>
    public var inner: Int
    public var outerStride: Int
    public var innerStride: Int
    public var rowStride: Int

    /// Contiguous `[count, rows, columns]` storage.
    public init(contiguous tensor: Tensor) {
        let rows = tensor.shape[tensor.rank - 2], columns = tensor.columns
        self.init(base: tensor.pointer, inner: 1, outerStride: rows * columns, innerStride: 0,
                  rowStride: columns)
    }

    /// The general strided layout described above.
    public init(base: UnsafeMutablePointer<Float>, inner: Int, outerStride: Int, innerStride: Int,
                rowStride: Int) {
        self.base = base
        self.inner = inner
        self.outerStride = outerStride
        self.innerStride = innerStride
        self.rowStride = rowStride
    }

    /// `(outerStride, innerStride)`.
    @inlinable
    public var strides: (outer: Int, inner: Int) { (outerStride, innerStride) }

    /// The inner size at which `count` items of `a`, `b` and `c` form one `[count / inner, inner]`
    /// grid of strides, or `nil` when they do not. A batch with `inner` 1 is a grid of any inner
    /// size that divides `count` (see `grid(inner:)`).
    @inlinable
    public static func commonInner(_ count: Int, _ a: MatrixBatch, _ b: MatrixBatch, _ c: MatrixBatch) -> Int? {
        let inner = max(a.inner, b.inner, c.inner)
        guard count % inner == 0 else { return nil }
        for batch in [a, b, c] where batch.inner != inner && batch.inner != 1 { return nil }
        return inner
    }

    /// This batch seen as a grid of `inner` items per outer group; item `i` is unchanged when this
    /// batch's own `inner` is `inner` or 1.
    @inlinable
    public func grid(inner: Int) -> MatrixBatch {
        if self.inner == inner { return self }
        return MatrixBatch(base: base, inner: inner, outerStride: outerStride * inner,
                           innerStride: outerStride, rowStride: rowStride)
    }

    /// The first element of item `index`.
    @inlinable
    public func pointer(_ index: Int) -> UnsafeMutablePointer<Float> {
        base + (index / inner) * outerStride + (index % inner) * innerStride
    }
}

/// Batched matrix product with optional transposes.
public enum BatchedMatmul {
    /// `c[i] = alpha · op(a[i]) · op(b[i]) + beta · c[i]` for `i` in `0..<count`; `op(a[i])` is
    /// `[m, k]`, `op(b[i])` is `[k, n]`.
    public static func run(count: Int, m: Int, n: Int, k: Int,
                           a: MatrixBatch, transposeA: Bool, b: MatrixBatch, transposeB: Bool,
                           c: MatrixBatch, alpha: Float = 1, beta: Float = 0) {
        if count == 0 { return }
        if Precision.current == .bf16, BF16Backend.isAvailable, let inner = MatrixBatch.commonInner(count, a, b, c) {
            let (ga, gb, gc) = (a.grid(inner: inner), b.grid(inner: inner), c.grid(inner: inner))
            if BF16Backend.batchedGemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                       alpha: alpha, a: ga.base, lda: ga.rowStride, aStrides: ga.strides,
                                       b: gb.base, ldb: gb.rowStride, bStrides: gb.strides, beta: beta,
                                       c: gc.base, ldc: gc.rowStride, cStrides: gc.strides,
                                       outer: count / inner, inner: inner) {
                return
            }
        }
        for i in 0..<count {
            BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                      alpha: alpha, a: a.pointer(i), lda: a.rowStride, b: b.pointer(i), ldb: b.rowStride,
                      beta: beta, c: c.pointer(i), ldc: c.rowStride)
        }
    }

    /// `out[i] = op(a[i]) · op(b[i])` on `[batch, ·, ·]` tensors.
    public static func forward(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
                               into out: Tensor) {
        let (count, m, k, n) = dimensions(a, b, transposeA, transposeB, out, "BatchedMatmul.forward")
        run(count: count, m: m, n: n, k: k, a: MatrixBatch(contiguous: a), transposeA: transposeA,
            b: MatrixBatch(contiguous: b), transposeB: transposeB, c: MatrixBatch(contiguous: out))
    }

    /// Accumulates `dA` and `dB` for `out[i] = op(a[i]) · op(b[i])` (see `Matmul.backward`).
    public static func backward(_ dOut: Tensor, _ a: Tensor, _ b: Tensor, transposeA: Bool = false,
                                transposeB: Bool = false, dA: Tensor?, dB: Tensor?) {
        let (count, m, k, n) = dimensions(a, b, transposeA, transposeB, dOut, "BatchedMatmul.backward")
        let g = MatrixBatch(contiguous: dOut), av = MatrixBatch(contiguous: a), bv = MatrixBatch(contiguous: b)
        if let dA {
            checkShape(dA.shape == a.shape, "BatchedMatmul.backward dA", a.shape, dA.shape)
            if transposeA {   // dA[i] (k×m) = op(b) · Gᵀ
                run(count: count, m: k, n: m, k: n, a: bv, transposeA: transposeB, b: g, transposeB: true,
                    c: MatrixBatch(contiguous: dA), beta: 1)
            } else {          // dA[i] (m×k) = G · op(b)ᵀ
                run(count: count, m: m, n: k, k: n, a: g, transposeA: false, b: bv, transposeB: !transposeB,
                    c: MatrixBatch(contiguous: dA), beta: 1)
            }
        }
        if let dB {
            checkShape(dB.shape == b.shape, "BatchedMatmul.backward dB", b.shape, dB.shape)
            if transposeB {   // dB[i] (n×k) = Gᵀ · op(a)
                run(count: count, m: n, n: k, k: m, a: g, transposeA: true, b: av, transposeB: transposeA,
                    c: MatrixBatch(contiguous: dB), beta: 1)
            } else {          // dB[i] (k×n) = op(a)ᵀ · G
                run(count: count, m: k, n: n, k: m, a: av, transposeA: !transposeA, b: g, transposeB: false,
                    c: MatrixBatch(contiguous: dB), beta: 1)
            }
        }
    }

    private static func dimensions(_ a: Tensor, _ b: Tensor, _ transposeA: Bool, _ transposeB: Bool,
                                   _ out: Tensor, _ op: String) -> (Int, Int, Int, Int) {
        checkShape(a.rank == 3 && b.rank == 3 && out.rank == 3 && a.shape[0] == b.shape[0]
                   && out.shape[0] == a.shape[0], op, a.shape, b.shape, out.shape)
        let (m, k) = transposeA ? (a.shape[2], a.shape[1]) : (a.shape[1], a.shape[2])
        let (kb, n) = transposeB ? (b.shape[2], b.shape[1]) : (b.shape[1], b.shape[2])
        checkShape(k == kb && out.shape[1] == m && out.shape[2] == n, op, a.shape, b.shape, out.shape)
        return (a.shape[0], m, k, n)
    }
}
