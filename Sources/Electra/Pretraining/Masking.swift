// Masking: ELECTRA's dynamic choice of positions for the generator to fill, drawn anew each step.

import ElectraNN
import ElectraTensor

/// The masked-language-model corruption of a batch.
public struct MaskedBatch: Sendable {
    /// The generator's input: chosen positions hold `[MASK]` (85%) or their own token (15%).
    public let input: TokenBatch
    /// Flattened positions `b·T + t` that were chosen, ascending.
    public let positions: [Int32]
    /// The original token at each chosen position.
    public let targets: [Int32]

    public init(input: TokenBatch, positions: [Int32], targets: [Int32]) {
        self.input = input
        self.positions = positions
        self.targets = targets
    }
}

/// How ELECTRA chooses positions (Google's `pretrain_helpers.mask`).
///
/// Per sequence: candidates are tokens that are not padding, `[CLS]`, `[SEP]` or `[MASK]`; the count
/// is `max(1, min(maxPredictions, round(tokens · probability)))` with `tokens` the sequence's non-padding
/// length and rounding half to even, limited to the candidates available; positions are drawn uniformly
/// without replacement; 85% of them become `[MASK]` and the rest keep their token.
public struct MaskingPolicy: Codable, Equatable, Sendable {
    public var probability: Float = 0.15
    public var maskTokenFraction: Float = 0.85
    public var maskId: Int32 = 103
    public var excludedIds: [Int32] = [101, 102, 103]   // [CLS], [SEP], [MASK]

    public init() {}

    /// `int((probability + 0.005) · length)`, as Google's configuration derives it.
    public func maxPredictions(length: Int) -> Int { Int((probability + 0.005) * Float(length)) }

    /// Masks `batch` with draws from `randomness`.
    public func mask(_ batch: TokenBatch, randomness: inout RandomGenerator) -> MaskedBatch {
        var ids = batch.ids
        var positions: [Int32] = []
        var targets: [Int32] = []
        let T = batch.length, limit = maxPredictions(length: T)
        for b in 0..<batch.batch {
            var candidates: [Int] = []
            var tokens = 0
            for t in 0..<T where batch.attentionMask[b * T + t] != 0 {
                tokens += 1
                if !excludedIds.contains(batch.ids[b * T + t]) { candidates.append(b * T + t) }
            }
            guard !candidates.isEmpty else { continue }
            let wanted = max(1, min(limit, Int((Float(tokens) * probability).rounded(.toNearestOrEven))))
            let count = min(wanted, candidates.count)
            for k in 0..<count {   // partial Fisher–Yates
                candidates.swapAt(k, k + randomness.nextInt(below: candidates.count - k))
            }
            for position in candidates.prefix(count).sorted() {
                positions.append(Int32(position))
                targets.append(batch.ids[position])
                if randomness.uniform() < maskTokenFraction { ids[position] = maskId }
            }
        }
        let input = TokenBatch(batch: batch.batch, length: T, ids: ids, tokenTypes: batch.tokenTypes, attentionMask: batch.attentionMask)
        return MaskedBatch(input: input, positions: positions, targets: targets)
    }
}
