// Attention: multi-head scaled dot-product attention over [B, T, C] projections.
//
// Legend: B sequences, T tokens, C = NH·HS channels, NH heads of HS channels each.
// Heads are addressed in place inside the [B, T, C] activations (BLAS leading dimension C), so the
// `view → permute → contiguous` dance of PyTorch never copies anything here.

/// `context_h = dropout(softmax(Q_h K_hᵀ / √HS + mask)) · V_h` for every sequence and head `h`,
/// written back interleaved as `[B, T, C]` (Hugging Face's `ElectraSelfAttention` core).
public enum Attention {
    /// Caller-owned buffers for one batch shape.
    public struct Buffers {
        /// Softmax output, `[B, NH, T, T]`; kept for backward.
        public let probabilities: Tensor
        /// Attention-probability dropout: `scale` (0 or 1/(1−p), from `Dropout.makeMask`) and
        /// `applied = probabilities ⊙ scale`, both `[B, NH, T, T]`; `nil` without dropout.
        public let dropout: (scale: Tensor, applied: Tensor)?
        /// Gradient scratch, `[B, NH, T, T]`; used by backward only.
        public let scratch: Tensor

        /// Allocates buffers for `batch` sequences of `tokens` tokens and `heads` heads.
        public init(batch: Int, heads: Int, tokens: Int, dropout: Bool) {
            let shape = [batch, heads, tokens, tokens]
            probabilities = Tensor(zeros: shape)
            self.dropout = dropout ? (Tensor(zeros: shape), Tensor(zeros: shape)) : nil
            scratch = Tensor(zeros: shape)
        }
    }

    /// Computes the attention context of `query`, `key`, `value` (each `[B, T, C]`) into `context`.
    /// - Parameters:
    ///   - heads: NH; must divide C.
    ///   - mask: `[B, T]` additive mask over keys, or `nil`.
    ///   - buffers: `probabilities` is filled; with dropout, `dropout.scale` must already hold this
    ///     step's mask.
    public static func forward(query: Tensor, key: Tensor, value: Tensor, heads: Int, mask: Tensor?,
                               buffers: Buffers, into context: Tensor) {
        let (B, T, C) = dimensions(query, key, value, context, heads, buffers)
        let HS = C / heads, count = B * heads
        let q = headMatrices(query, heads, T, C), k = headMatrices(key, heads, T, C), v = headMatrices(value, heads, T, C)
        let p = MatrixBatch(contiguous: buffers.probabilities.reshaped([count, T, T]))
        BatchedMatmul.run(count: count, m: T, n: T, k: HS, a: q, transposeA: false, b: k, transposeB: true, c: p)
        Softmax.forward(buffers.probabilities, scale: 1 / Float(HS).squareRoot(), mask: mask,
                        into: buffers.probabilities)
        var weights = p
        if let dropout = buffers.dropout {
            Dropout.forward(buffers.probabilities, mask: dropout.scale, into: dropout.applied)
            weights = MatrixBatch(contiguous: dropout.applied.reshaped([count, T, T]))
        }
        BatchedMatmul.run(count: count, m: T, n: HS, k: T, a: weights, transposeA: false, b: v, transposeB: false,
                          c: headMatrices(context, heads, T, C))
    }

    /// Accumulates `dQuery`, `dKey`, `dValue` (each `[B, T, C]`) from `dContext`.
    public static func backward(dContext: Tensor, query: Tensor, key: Tensor, value: Tensor, heads: Int,
                                buffers: Buffers, dQuery: Tensor, dKey: Tensor, dValue: Tensor) {
        let (B, T, C) = dimensions(query, key, value, dContext, heads, buffers)
        checkShape(dQuery.shape == query.shape && dKey.shape == key.shape && dValue.shape == value.shape,
                   "Attention.backward", dQuery.shape, dKey.shape, dValue.shape)
        let HS = C / heads, count = B * heads, scale = 1 / Float(HS).squareRoot()
        let q = headMatrices(query, heads, T, C), k = headMatrices(key, heads, T, C), v = headMatrices(value, heads, T, C)
        let g = headMatrices(dContext, heads, T, C)
        let dWeights = MatrixBatch(contiguous: buffers.scratch.reshaped([count, T, T]))
        let weights = MatrixBatch(contiguous: (buffers.dropout?.applied ?? buffers.probabilities)
            .reshaped([count, T, T]))
        // dWeights = dContext · Vᵀ ;  dV += weightsᵀ · dContext
        BatchedMatmul.run(count: count, m: T, n: T, k: HS, a: g, transposeA: false, b: v, transposeB: true,
                          c: dWeights)
        BatchedMatmul.run(count: count, m: T, n: HS, k: T, a: weights, transposeA: true, b: g, transposeB: false,
                          c: headMatrices(dValue, heads, T, C), beta: 1)
        if let dropout = buffers.dropout {
            Multiply.inPlace(buffers.scratch, by: dropout.scale)
        }
        // dScores = scale · P ⊙ (dP − rowsum(dP ⊙ P)), in place.
        Softmax.backward(buffers.scratch, output: buffers.probabilities, scale: scale, dX: buffers.scratch)
        // dQ += dScores · K ;  dK += dScoresᵀ · Q
        BatchedMatmul.run(count: count, m: T, n: HS, k: T, a: dWeights, transposeA: false, b: k, transposeB: false,
                          c: headMatrices(dQuery, heads, T, C), beta: 1)
        BatchedMatmul.run(count: count, m: T, n: HS, k: T, a: dWeights, transposeA: true, b: q, transposeB: false,
                          c: headMatrices(dKey, heads, T, C), beta: 1)
    }

    /// The `B·NH` head matrices `[T, HS]` of a `[B, T, C]` tensor.
    private static func headMatrices(_ x: Tensor, _ heads: Int, _ T: Int, _ C: Int) -> MatrixBatch {
        MatrixBatch(base: x.pointer, inner: heads, outerStride: T * C, innerStride: C / heads, rowStride: C)
    }

    private static func dimensions(_ query: Tensor, _ key: Tensor, _ value: Tensor, _ context: Tensor,
                                   _ heads: Int, _ buffers: Buffers) -> (Int, Int, Int) {
        checkShape(query.rank == 3 && key.shape == query.shape && value.shape == query.shape
                   && context.shape == query.shape && heads > 0 && query.shape[2] % heads == 0,
                   "Attention (heads \(heads))", query.shape, key.shape, value.shape, context.shape)
        let (B, T, C) = (query.shape[0], query.shape[1], query.shape[2])
        checkShape(buffers.probabilities.shape == [B, heads, T, T] && buffers.scratch.shape == [B, heads, T, T],
                   "Attention buffers", buffers.probabilities.shape, [B, heads, T, T])
        return (B, T, C)
    }
}
