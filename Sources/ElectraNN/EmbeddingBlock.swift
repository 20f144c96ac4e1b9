// EmbeddingBlock: word + position + token-type embeddings, LayerNorm, dropout (HF `ElectraEmbeddings`).

import ElectraTensor

/// Token ids of a batch of sequences, padded to one length.
///
/// Legend: `B` sequences of `T` tokens, `N = B·T` positions in row-major order.
public struct TokenBatch: Sendable {
    public let batch: Int
    public let length: Int
    /// `[N]` token ids.
    public let ids: [Int32]
    /// `[N]` segment ids (0 or 1).
    public let tokenTypes: [Int32]
    /// `[N]` 1 for tokens, 0 for padding.
    public let attentionMask: [Int32]

    public init(batch: Int, length: Int, ids: [Int32], tokenTypes: [Int32]? = nil, attentionMask: [Int32]? = nil) {
        precondition(ids.count == batch * length, "TokenBatch: \(ids.count) ids for \(batch) × \(length)")
        self.batch = batch
        self.length = length
        self.ids = ids
        self.tokenTypes = tokenTypes ?? [Int32](repeating: 0, count: ids.count)
        self.attentionMask = attentionMask ?? [Int32](repeating: 1, count: ids.count)
        precondition(self.tokenTypes.count == ids.count && self.attentionMask.count == ids.count,
                     "TokenBatch: token types and attention mask need \(ids.count) entries")
    }

    /// Positions `N`.
    public var count: Int { ids.count }

    /// Hugging Face's additive attention mask `[B, T]`: 0 where attended, the most negative float
    /// where padded.
    public func additiveMask(into mask: Tensor) {
        precondition(mask.count == count, "additiveMask: \(mask.shape) for \(batch) × \(length)")
        let p = mask.pointer
        for i in 0..<count { p[i] = attentionMask[i] != 0 ? 0 : -Float.greatestFiniteMagnitude }
    }
}

/// The embedding block's parameters.
public struct EmbeddingBlock {
    public let word: Tensor
    public let position: Tensor
    public let tokenType: Tensor
    public let norm: LayerNormParameters
    /// The id whose row never receives a gradient (`pad_token_id`, as `padding_idx` in PyTorch).
    public let paddingId: Int32?

    public init(_ store: ParameterStore, _ prefix: String, epsilon: Float, paddingId: Int32?) {
        word = store["\(prefix).word_embeddings.weight"]
        position = store["\(prefix).position_embeddings.weight"]
        tokenType = store["\(prefix).token_type_embeddings.weight"]
        norm = LayerNormParameters(store, "\(prefix).LayerNorm", epsilon: epsilon)
        self.paddingId = paddingId
    }

    public static func layout(_ prefix: String, vocabulary: Int, positions: Int, types: Int, size: Int)
        -> [(name: String, shape: [Int])] {
        [("\(prefix).word_embeddings.weight", [vocabulary, size]),
         ("\(prefix).position_embeddings.weight", [positions, size]),
         ("\(prefix).token_type_embeddings.weight", [types, size])]
            + LayerNormParameters.layout("\(prefix).LayerNorm", size: size)
    }

    /// What the forward pass keeps for the backward pass, sized for one batch shape.
    public final class Activations {
        public let sum: Tensor            // [N, E] word + position + type
        public let statistics: LayerNormStatistics
        public let normalized: Tensor     // [N, E]
        public let dropout: DropoutLayer
        public let output: Tensor         // [N, E] (the normalised tensor itself without dropout)
        let dNormalized: Tensor           // [N, E] gradient scratch
        let dSum: Tensor                  // [N, E] gradient scratch

        public init(positions: Int, size: Int, dropout probability: Float) {
            dNormalized = Tensor(zeros: [positions, size])
            dSum = Tensor(zeros: [positions, size])
            sum = Tensor(zeros: [positions, size])
            statistics = LayerNormStatistics(rows: positions, columns: size)
            normalized = Tensor(zeros: [positions, size])
            dropout = DropoutLayer(probability: probability, shape: [positions, size])
            output = probability > 0 ? Tensor(zeros: [positions, size]) : normalized
        }
    }

    /// Embeds `batch` into `activations.output`.
    public func forward(_ batch: TokenBatch, _ activations: Activations, generator: inout RandomGenerator) {
        let E = word.columns, T = batch.length
        precondition(T <= position.rows, "sequence length \(T) exceeds the \(position.rows) position embeddings")
        Embedding.forward(ids: batch.ids, table: word, into: activations.sum)
        let sp = activations.sum.pointer, pp = position.pointer, tp = tokenType.pointer
        let types = batch.tokenTypes
        let typeCount = tokenType.rows
        types.withUnsafeBufferPointer { tt in
            Parallel.forEachRange(batch.count, grain: max(1, 4096 / max(E, 1))) { rows in
                for r in rows {
                    let type = Int(tt[r])
                    precondition(type >= 0 && type < typeCount, "token type \(type) outside 0..<\(typeCount)")
                    let row = sp + r * E, positionRow = pp + (r % T) * E, typeRow = tp + type * E
                    for c in 0..<E { row[c] += typeRow[c] + positionRow[c] }
                }
            }
        }
        norm.forward(activations.sum, into: activations.normalized, statistics: activations.statistics)
        activations.dropout.forward(activations.normalized, into: activations.output, generator: &generator)
    }

    /// Accumulates the gradients of the tables and the LayerNorm into `gradients` from `dOutput`.
    public func backward(_ dOutput: Tensor, _ batch: TokenBatch, _ activations: Activations, gradients: EmbeddingBlock) {
        var dNormalized = dOutput
        if activations.dropout.mask != nil {
            activations.dNormalized.fill(0)
            activations.dropout.backward(dOutput, dX: activations.dNormalized)
            dNormalized = activations.dNormalized
        }
        activations.dSum.fill(0)
        norm.backward(dNormalized, input: activations.sum, statistics: activations.statistics, dX: activations.dSum,
                      gradients: gradients.norm)
        Embedding.backward(activations.dSum, ids: batch.ids, dTable: gradients.word, paddingId: paddingId)
        Embedding.backward(activations.dSum, ids: batch.tokenTypes, dTable: gradients.tokenType)
        PositionGradient.accumulate(activations.dSum, length: batch.length, into: gradients.position)
    }
}

/// Sums the gradient of every position index over the sequences of a batch.
enum PositionGradient {
    /// `dPosition[t] += Σ_b dSum[b·T + t]`.
    static func accumulate(_ dSum: Tensor, length T: Int, into dPosition: Tensor) {
        let E = dSum.columns, B = dSum.rows / T
        let gp = dSum.pointer, dp = dPosition.pointer
        Parallel.forEachRange(T, grain: max(1, 4096 / max(E * B, 1))) { positions in
            for t in positions {
                let target = dp + t * E
                for b in 0..<B {
                    let row = gp + (b * T + t) * E
                    for c in 0..<E { target[c] += row[c] }
                }
            }
        }
    }
}
