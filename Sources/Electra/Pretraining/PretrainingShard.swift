// PretrainingShard: one data-parallel process's part of a global micro-batch, masked as a whole.
//
// Every process reads the whole global micro-batch (token ids only: cheap next to the networks) and
// masks all of it with the step's masking stream, exactly as one process would; it then keeps its
// own examples. Masking draws example after example, a varying number of words each, so replaying
// the whole batch is what makes N processes × b and one process × N·b mask the same positions.
// The window of examples and the window of masked positions (the generator head's rows) then place
// this process's dropout and Gumbel draws where they fall in the whole batch (`BatchWindow`), and the
// loss normalisers (masked positions and tokens of the whole batch) make the gradients of the
// processes sum to the whole batch's.

import ElectraNN
import ElectraTensor

/// This process's examples of a global micro-batch, with what ties its draws and losses to the whole.
public struct PretrainingShard: Sendable, Equatable {
    /// This process's examples of the global batch.
    public let examples: BatchWindow
    /// This process's masked positions among the global batch's (the generator head's rows).
    public let rows: BatchWindow
    /// Positions the generator's loss averages over, in the whole batch (`CrossEntropy`'s count).
    public let predictions: Int
    /// Tokens the discriminator's loss averages over, in the whole batch (non-padding).
    public let tokens: Int

    public init(examples: BatchWindow, rows: BatchWindow, predictions: Int, tokens: Int) {
        self.examples = examples
        self.rows = rows
        self.predictions = predictions
        self.tokens = tokens
    }

    /// The whole of `global` as one process's shard: what a single-process step computes.
    public static func whole(_ masked: MaskedBatch) -> PretrainingShard {
        let rows = masked.positions.count
        return PretrainingShard(examples: .whole(masked.input.batch), rows: .whole(rows),
                                predictions: masked.targets.filter { $0 != CrossEntropy.ignoreIndex }.count,
                                tokens: masked.input.attentionMask.filter { $0 != 0 }.count)
    }

    /// Masks `global` with `randomness` (`MaskingPolicy.mask`, over the whole batch) and returns the
    /// examples in `window`: their masked input, their original tokens and the shard.
    public static func split(_ global: TokenBatch, policy: MaskingPolicy, randomness: inout RandomGenerator,
                             window: BatchWindow) -> (masked: MaskedBatch, original: TokenBatch, shard: PretrainingShard) {
        precondition(window.total == global.batch, "PretrainingShard.split: a window of \(window.total) rows for a batch of \(global.batch)")
        let masked = policy.mask(global, randomness: &randomness)
        let whole = Self.whole(masked)
        if window == .whole(global.batch) { return (masked, global, whole) }
        let T = global.length
        let tokens = (window.first * T)..<((window.first + window.count) * T)
        func slice(_ values: [Int32]) -> [Int32] { Array(values[tokens]) }
        let low = Int32(tokens.lowerBound), high = Int32(tokens.upperBound)
        let firstRow = masked.positions.firstIndex { $0 >= low } ?? masked.positions.count
        let endRow = masked.positions.firstIndex { $0 >= high } ?? masked.positions.count
        let input = TokenBatch(batch: window.count, length: T, ids: slice(masked.input.ids),
                               tokenTypes: slice(masked.input.tokenTypes), attentionMask: slice(masked.input.attentionMask))
        let local = MaskedBatch(input: input, positions: masked.positions[firstRow..<endRow].map { $0 - low },
                                targets: Array(masked.targets[firstRow..<endRow]))
        let original = TokenBatch(batch: window.count, length: T, ids: slice(global.ids), tokenTypes: slice(global.tokenTypes),
                                  attentionMask: slice(global.attentionMask))
        let shard = PretrainingShard(examples: window,
                                     rows: BatchWindow(first: firstRow, count: endRow - firstRow, total: masked.positions.count),
                                     predictions: whole.predictions, tokens: whole.tokens)
        return (local, original, shard)
    }
}
