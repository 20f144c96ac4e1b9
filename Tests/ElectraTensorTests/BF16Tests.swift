// bf16 matrix products: every product equals the exact product of the bf16-rounded inputs (rounded
// here bit by bit, round to nearest even, independently of oneDNN) up to fp32 accumulation error;
// batched head layouts equal their per-item products; and where no bf16 backend exists, bf16 falls
// back to exactly the fp32 result.

import ElectraTensor
import Foundation
import Testing

/// `value` rounded to bfloat16 (nearest, ties to even), as IEEE defines it: keep the top 16 bits.
private func bfloat16(_ value: Float) -> Double {
    let bits = value.bitPattern
    let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000
    return Double(Float(bitPattern: rounded))
}

private func randomMatrix(_ count: Int, _ generator: inout RandomGenerator) -> [Float] {
    (0..<count).map { _ in generator.uniform() * 2 - 1 }
}

/// The `rows × columns` matrix stored with leading dimension `ld`, rounded to bf16, packed densely.
private func packedBF16(_ x: [Float], rows: Int, columns: Int, ld: Int) -> [Double] {
    (0..<rows).flatMap { r in (0..<columns).map { bfloat16(x[r * ld + $0]) } }
}

/// `C = op(A)·op(B) + beta·C` in Double on bf16-rounded inputs (row-major, leading dimensions given).
private func reference(_ transposeA: Bool, _ transposeB: Bool, _ m: Int, _ n: Int, _ k: Int, _ a: [Float], _ lda: Int,
                       _ b: [Float], _ ldb: Int, _ beta: Float, _ c: [Float], _ ldc: Int) -> [Double] {
    let a16 = transposeA ? packedBF16(a, rows: k, columns: m, ld: lda) : packedBF16(a, rows: m, columns: k, ld: lda)
    let b16 = transposeB ? packedBF16(b, rows: n, columns: k, ld: ldb) : packedBF16(b, rows: k, columns: n, ld: ldb)
    let product = NaiveReference.matmul(a16, b16, m: m, k: k, n: n, transposeA: transposeA, transposeB: transposeB)
    var out = c.map(Double.init)
    for i in 0..<m { for j in 0..<n { out[i * ldc + j] = product[i * n + j] + Double(beta) * Double(c[i * ldc + j]) } }
    return out
}

@Suite("bf16 matrix products") struct BF16Tests {
    @Test(.enabled(if: BF16Backend.isAvailable, "no bf16 backend on this machine (see electra doctor)"),
          arguments: [(false, false), (false, true), (true, false), (true, true)])
    func productsEqualTheExactProductOfRoundedInputs(transposes: (Bool, Bool)) {
        let (transposeA, transposeB) = transposes
        var generator = RandomGenerator(seed: 11)
        for (m, n, k, beta) in [(37, 29, 53, Float(0)), (64, 48, 300, 1), (1, 7, 5, 0)] {
            let lda = (transposeA ? m : k) + 3, ldb = (transposeB ? k : n) + 1, ldc = n + 2
            let a = randomMatrix((transposeA ? k : m) * lda, &generator)
            let b = randomMatrix((transposeB ? n : k) * ldb, &generator)
            var c = randomMatrix(m * ldc, &generator)
            let expected = reference(transposeA, transposeB, m, n, k, a, lda, b, ldb, beta, c, ldc)
            Precision.$current.withValue(.bf16) {
                BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1,
                          a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: &c, ldc: ldc)
            }
            // fp32 accumulation of k products of values below 1: a few ulps of k.
            let tolerance = 4e-7 * Double(k)
            var worst = 0.0
            for i in 0..<m { for j in 0..<n { worst = max(worst, abs(Double(c[i * ldc + j]) - expected[i * ldc + j])) } }
            #expect(worst < tolerance, "\(m)×\(n)×\(k) beta \(beta): worst error \(worst)")
        }
    }

    @Test(.enabled(if: BF16Backend.isAvailable, "no bf16 backend on this machine"))
    func headBatchesEqualTheirItems() {
        // Attention's layout: B sequences × NH heads of [T, HS] inside [B, T, C] activations.
        let (B, NH, T, HS) = (3, 2, 9, 4), C = NH * HS
        var generator = RandomGenerator(seed: 5)
        let q = Tensor(shape: [B, T, C], values: randomMatrix(B * T * C, &generator))
        let k = Tensor(shape: [B, T, C], values: randomMatrix(B * T * C, &generator))
        let scores = Tensor(zeros: [B * NH, T, T]), items = Tensor(zeros: [B * NH, T, T])
        let heads = { (x: Tensor) in MatrixBatch(base: x.pointer, inner: NH, outerStride: T * C, innerStride: HS, rowStride: C) }
        Precision.$current.withValue(.bf16) {
            BatchedMatmul.run(count: B * NH, m: T, n: T, k: HS, a: heads(q), transposeA: false, b: heads(k), transposeB: true,
                              c: MatrixBatch(contiguous: scores))
            for i in 0..<(B * NH) {
                BLAS.gemm(transposeA: false, transposeB: true, m: T, n: T, k: HS, alpha: 1, a: heads(q).pointer(i), lda: C,
                          b: heads(k).pointer(i), ldb: C, beta: 0, c: MatrixBatch(contiguous: items).pointer(i), ldc: T)
            }
        }
        #expect(scores.scalars == items.scalars)
    }

    @Test func productsTheBackendRefusesAreFP32() {
        // oneDNN is asked only for beta 0 or 1; any other product, and every product on a machine
        // without the backend, is BLAS's own fp32 product, bit for bit.
        #expect(Precision.fp32.effective == .fp32)
        #expect(Precision.bf16.effective == (BF16Backend.isAvailable ? .bf16 : .fp32))
        var generator = RandomGenerator(seed: 2)
        let a = randomMatrix(12 * 8, &generator), b = randomMatrix(8 * 5, &generator)
        let start = randomMatrix(60, &generator)
        var viaBF16 = start, direct = start
        Precision.$current.withValue(.bf16) {
            BLAS.gemm(transposeA: false, transposeB: false, m: 12, n: 5, k: 8, alpha: 1, a: a, lda: 8, b: b, ldb: 5,
                      beta: 0.5, c: &viaBF16, ldc: 5)
        }
        BLAS.sgemm(transposeA: false, transposeB: false, m: 12, n: 5, k: 8, alpha: 1, a: a, lda: 8, b: b, ldb: 5,
                   beta: 0.5, c: &direct, ldc: 5)
        #expect(viaBF16 == direct)
    }
}
