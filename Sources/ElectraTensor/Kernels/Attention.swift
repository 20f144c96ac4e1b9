// Attention: multi-head scaled dot-product attention over one fused [B, T, 3C] projection.
//
// Legend: B sequences, T tokens, C = NH·HS channels, NH heads of HS channels each. Row n of the
// projection holds that token's query, key and value side by side ([q | k | v], C each), as one
// [3C, C] matrix product writes them. Heads are addressed in place through the row stride 3C, so
// the `view → permute → contiguous` dance of PyTorch never copies anything here.
//
// The (sequence, head) items are processed in groups small enough that a group's [T, T] scores stay
// in cache from the product that writes them to the one that reads them; no [B, NH, T, T] tensor
// exists. Backward recomputes each group's probabilities instead of keeping them, as flash attention
// does (one more Q·Kᵀ product per group); only the dropout's kept/dropped bytes are kept.

/// `context_h = dropout(softmax(Q_h K_hᵀ / √HS + mask)) · V_h` for every sequence and head `h`,
/// written back interleaved as `[B, T, C]` (Hugging Face's `ElectraSelfAttention` core).
public enum Attention {
    /// Attention-probability dropout for one layer: element `i` of the `[B, NH, T, T]` keep-mask uses
    /// the word at `start.position + i` (as `Dropout.makeMask` over the whole tensor would draw it).
    /// The forward pass draws it and keeps one byte per element, kept or dropped, for the backward
    /// pass (a quarter of a Float mask, and no second draw).
    public final class DropoutMask {
        public let probability: Float
        /// The generator at the layer's first draw; set before each forward pass.
        public var start: RandomGenerator
        let count: Int
        let kept: UnsafeMutablePointer<UInt8>

        public init(probability: Float, batch: Int, heads: Int, tokens: Int) {
            precondition(probability > 0 && probability < 1, "Attention dropout probability \(probability) not in (0, 1)")
            self.probability = probability
            start = RandomGenerator(seed: 0)
            count = batch * heads * tokens * tokens
            kept = .allocate(capacity: count)
            kept.initialize(repeating: 0, count: count)
        }

        deinit { kept.deallocate() }

        /// Takes this mask's words from `generator` (`RandomGenerator.claim`: with a data-parallel
        /// window, this process's sequences of the whole batch's mask) and advances it past them.
        public func draw(from generator: inout RandomGenerator) {
            start = generator.claim(words: count)
        }

        /// `weights = probabilities ⊙ mask` for a group whose first element is `offset`: drawing the
        /// mask into `weights` and recording which elements were kept when `draw`, otherwise from the
        /// record (the same products: `1/(1−p) · P` or 0).
        func apply(to probabilities: Tensor, into weights: Tensor, offset: Int, draw: Bool) {
            let flags = kept + offset, p = probabilities.pointer, w = weights.pointer
            if draw {
                Dropout.makeMask(weights, probability: probability, start: start, offset: offset)
                Parallel.forEachRange(weights.count, grain: 65536) { range in
                    for i in range {
                        flags[i] = w[i] != 0 ? 1 : 0
                        w[i] *= p[i]
                    }
                }
            } else {
                let keep = 1 / (1 - probability)
                Parallel.forEachRange(weights.count, grain: 65536) { range in
                    for i in range { w[i] = flags[i] != 0 ? keep * p[i] : 0 }
                }
            }
        }

        /// `gradient ⊙= mask` for a group whose first element is `offset`, from the record.
        func apply(toGradient gradient: Tensor, offset: Int) {
            let flags = kept + offset, g = gradient.pointer, keep = 1 / (1 - probability)
            Parallel.forEachRange(gradient.count, grain: 65536) { range in
                for i in range { g[i] = flags[i] != 0 ? g[i] * keep : 0 }
            }
        }
    }

    /// Scratch for one group of (sequence, head) items, `[items, T, T]` three times; one workspace
    /// serves every layer of an encoder.
    public final class Workspace {
        public let items: Int
        let probabilities, weights, gradient: Tensor

        /// A workspace for `tokens`-token sequences of `heads` heads, grouped to about `bytes` of
        /// scores per group.
        public init(batch: Int, heads: Int, tokens: Int, bytes: Int = Attention.groupBytes) {
            items = Attention.groupSize(batch: batch, heads: heads, tokens: tokens, bytes: bytes)
            let shape = [items, tokens, tokens]
            probabilities = Tensor(zeros: shape)
            weights = Tensor(zeros: shape)
            gradient = Tensor(zeros: shape)
        }
    }

    /// Target size of one group's scores: a few heads at 384–512 tokens, dozens at 128.
    public static let groupBytes = 2 << 20

    /// Items per group: a multiple of NH that divides into whole sequences when a sequence's heads
    /// fit in `bytes`, otherwise the largest divisor of NH that fits (at least one head).
    public static func groupSize(batch: Int, heads: Int, tokens: Int, bytes: Int) -> Int {
        let fit = max(1, bytes / max(1, tokens * tokens * MemoryLayout<Float>.size))
        if fit >= heads { return heads * min(batch, fit / heads) }
        return (1...fit).last { heads % $0 == 0 } ?? 1
    }

    /// Computes the attention context of `projection` (`[B, T, 3C]`) into `context` (`[B, T, C]`).
    /// - Parameters:
    ///   - heads: NH; must divide C.
    ///   - mask: `[B, T]` additive mask over keys, or `nil`.
    ///   - dropout: the probability dropout's draw, or `nil` (inference).
    public static func forward(projection: Tensor, heads: Int, mask: Tensor?, dropout: DropoutMask?,
                               workspace: Workspace, into context: Tensor) {
        let layout = Layout(projection, context, heads, mask, workspace)
        if let dropout { checkShape(dropout.count == layout.B * heads * layout.T * layout.T, "Attention dropout", [dropout.count]) }
        for group in layout.groups {
            let (q, k, v) = layout.heads(of: projection, group)
            let probabilities = layout.probabilities(q, k, group, mask: mask)
            let weights = layout.dropped(probabilities, group, dropout, draw: true)
            BatchedMatmul.run(count: group.count, m: layout.T, n: layout.HS, k: layout.T,
                              a: layout.scores(weights, group), transposeA: false, b: v, transposeB: false,
                              c: layout.heads(of: context, group, part: 0))
        }
    }

    /// Writes `dProjection` (`[B, T, 3C]`: dQ, dK and dV side by side) from `dContext`, recomputing
    /// the forward pass's probabilities and dropout mask.
    public static func backward(dContext: Tensor, projection: Tensor, heads: Int, mask: Tensor?,
                                dropout: DropoutMask?, workspace: Workspace, dProjection: Tensor) {
        let layout = Layout(projection, dContext, heads, mask, workspace)
        checkShape(dProjection.shape == projection.shape, "Attention.backward", projection.shape, dProjection.shape)
        let (T, HS) = (layout.T, layout.HS)
        for group in layout.groups {
            let (q, k, v) = layout.heads(of: projection, group)
            let (dQ, dK, dV) = layout.heads(of: dProjection, group)
            let g = layout.heads(of: dContext, group, part: 0)
            let probabilities = layout.probabilities(q, k, group, mask: mask)
            let weights = layout.dropped(probabilities, group, dropout, draw: false)
            let dWeights = workspace.gradient.prefix(group.count * T * T)
            let dW = layout.scores(dWeights, group)
            // dWeights = dContext · Vᵀ ;  dV = weightsᵀ · dContext
            BatchedMatmul.run(count: group.count, m: T, n: T, k: HS, a: g, transposeA: false, b: v, transposeB: true, c: dW)
            BatchedMatmul.run(count: group.count, m: T, n: HS, k: T, a: layout.scores(weights, group), transposeA: true,
                              b: g, transposeB: false, c: dV)
            if let dropout {   // dProbabilities = dWeights ⊙ keep-mask
                dropout.apply(toGradient: dWeights, offset: group.lowerBound * T * T)
            }
            // dScores = scale · P ⊙ (dP − rowsum(dP ⊙ P)), in place.
            Softmax.backward(dWeights, output: probabilities, scale: layout.scale, dX: dWeights)
            // dQ = dScores · K ;  dK = dScoresᵀ · Q
            BatchedMatmul.run(count: group.count, m: T, n: HS, k: T, a: dW, transposeA: false, b: k, transposeB: false, c: dQ)
            BatchedMatmul.run(count: group.count, m: T, n: HS, k: T, a: dW, transposeA: true, b: q, transposeB: false, c: dK)
        }
    }

    /// Shapes, strides and the grouping of one call.
    private struct Layout {
        let B, T, C, NH, HS: Int
        let scale: Float
        let workspace: Workspace

        init(_ projection: Tensor, _ context: Tensor, _ heads: Int, _ mask: Tensor?, _ workspace: Workspace) {
            checkShape(projection.rank == 3 && heads > 0 && projection.shape[2] % (3 * heads) == 0
                       && context.shape == [projection.shape[0], projection.shape[1], projection.shape[2] / 3],
                       "Attention (heads \(heads))", projection.shape, context.shape)
            (B, T, C, NH) = (projection.shape[0], projection.shape[1], projection.shape[2] / 3, heads)
            HS = C / heads
            scale = 1 / Float(HS).squareRoot()
            checkShape(workspace.probabilities.shape[1] == T && (workspace.items % heads == 0 || heads % workspace.items == 0),
                       "Attention workspace (heads \(heads))", workspace.probabilities.shape, [B, heads, T, T])
            if let mask { checkShape(mask.shape == [B, T], "Attention mask", mask.shape, [B, T]) }
            self.workspace = workspace
        }

        /// Consecutive item ranges of at most `workspace.items` (whole sequences or whole head divisors).
        var groups: [Range<Int>] {
            stride(from: 0, to: B * NH, by: workspace.items).map { $0..<min($0 + workspace.items, B * NH) }
        }

        /// Item `i`'s matrix in a `[B, T, parts·C]` tensor, part `part` (0 q, 1 k, 2 v), as a batch
        /// starting at the group's first item.
        func heads(of x: Tensor, _ group: Range<Int>, part: Int) -> MatrixBatch {
            let width = x.shape[2]
            let (b, h) = group.lowerBound.quotientAndRemainder(dividingBy: NH)
            return MatrixBatch(base: x.pointer + b * T * width + part * C + h * HS, inner: min(group.count, NH),
                               outerStride: T * width, innerStride: HS, rowStride: width)
        }

        func heads(of x: Tensor, _ group: Range<Int>) -> (MatrixBatch, MatrixBatch, MatrixBatch) {
            (heads(of: x, group, part: 0), heads(of: x, group, part: 1), heads(of: x, group, part: 2))
        }

        /// A group's `[count, T, T]` scratch as a contiguous batch.
        func scores(_ x: Tensor, _ group: Range<Int>) -> MatrixBatch {
            MatrixBatch(contiguous: x.reshaped([group.count, T, T]))
        }

        /// `softmax(scale · Q Kᵀ + mask)` of the group, in the workspace.
        func probabilities(_ q: MatrixBatch, _ k: MatrixBatch, _ group: Range<Int>, mask: Tensor?) -> Tensor {
            let p = workspace.probabilities.prefix(group.count * T * T).reshaped([group.count * T, T])
            BatchedMatmul.run(count: group.count, m: T, n: T, k: HS, a: q, transposeA: false, b: k, transposeB: true,
                              c: scores(p, group))
            let first = group.lowerBound / NH, last = (group.upperBound - 1) / NH
            Softmax.forward(p, scale: scale, mask: mask?.rows(first..<(last + 1)), into: p)
            return p
        }

        /// The probabilities after dropout (in the workspace), or the probabilities themselves.
        func dropped(_ probabilities: Tensor, _ group: Range<Int>, _ dropout: DropoutMask?, draw: Bool) -> Tensor {
            guard let dropout else { return probabilities }
            let weights = workspace.weights.prefix(group.count * T * T).reshaped(probabilities.shape)
            dropout.apply(to: probabilities, into: weights, offset: group.lowerBound * T * T, draw: draw)
            return weights
        }
    }
}
