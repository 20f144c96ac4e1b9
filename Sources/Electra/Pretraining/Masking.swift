// Masking: ELECTRA's dynamic choice of positions for the generator to fill, drawn anew each step.

import ElectraNN
import ElectraTensor

/// The masked-language-model corruption of a batch.
public struct MaskedBatch: Sendable {
    /// The generator's input: chosen positions hold `[MASK]` (85%) or their own token (15%).
    public let input: TokenBatch
    /// Flattened positions `b·T + t` that were chosen, ascending; a position drawn twice appears
    /// twice (next to itself), as the references' draws with replacement give it.
    public let positions: [Int32]
    /// The original token at each chosen position.
    public let targets: [Int32]

    public init(input: TokenBatch, positions: [Int32], targets: [Int32]) {
        self.input = input
        self.positions = positions
        self.targets = targets
    }

    /// The discriminator's input: `original` with the generator's `samples` (one per entry of
    /// `positions`) written in, as Google's `pretrain_helpers.scatter_update` (lines 62–110, the
    /// floor division at 106) writes int32 tokens: the samples for one position are summed and
    /// floor-divided by their count, so a position drawn once takes its sample and one drawn twice
    /// with samples a and b takes ⌊(a + b) / 2⌋ (NVIDIA's TF2 `pretrain_utils.scatter_update`,
    /// lines 175–229, is the same code).
    public func corrupted(_ original: [Int32], samples: [Int32]) -> [Int32] {
        precondition(samples.count == positions.count, "MaskedBatch.corrupted: \(samples.count) samples for \(positions.count) positions")
        var ids = original
        var k = 0
        while k < positions.count {
            var end = k + 1, sum = Int64(samples[k])
            while end < positions.count && positions[end] == positions[k] {
                sum += Int64(samples[end])
                end += 1
            }
            ids[Int(positions[k])] = Int32(sum / Int64(end - k))   // token ids are non-negative: / is floor
            k = end
        }
        return ids
    }
}

/// How ELECTRA chooses positions, exactly as Google's `pretrain_helpers.mask` (lines 145–213: the
/// count at 174, the draw at 188, the [MASK] choice at 201–202) and NVIDIA's TF2 `pretrain_utils.mask`
/// (244–311, the same code) do:
///
/// - candidates: non-padding tokens other than `[CLS]`, `[SEP]` and `[MASK]` (`_get_candidates_mask`);
/// - count: `max(1, min(N, round(tokens · probability)))` with `tokens` the non-padding length
///   (`[CLS]` and `[SEP]` included), `N = int((probability + 0.005) · T)` and rounding half to even
///   (`num_to_predict`);
/// - positions: that many draws from the candidates, uniformly and **with replacement**
///   (`tf.random.categorical`); a position drawn twice weighs twice in the MLM loss;
/// - each draw independently turns its position into `[MASK]` with probability 0.85, so a position
///   drawn twice is `[MASK]` if either draw says so; the others keep their token (no random tokens).
///
/// A sequence without candidates is left alone (the reference would divide by zero).
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
        var candidates: [Int] = []
        for b in 0..<batch.batch {
            candidates.removeAll(keepingCapacity: true)
            var tokens = 0
            for t in 0..<T where batch.attentionMask[b * T + t] != 0 {
                tokens += 1
                if !excludedIds.contains(batch.ids[b * T + t]) { candidates.append(b * T + t) }
            }
            guard !candidates.isEmpty else { continue }
            let count = max(1, min(limit, Int((Float(tokens) * probability).rounded(.toNearestOrEven))))
            var drawn: [(position: Int, masked: Bool)] = []
            for _ in 0..<count {
                let position = candidates[randomness.nextInt(below: candidates.count)]
                drawn.append((position, randomness.uniform() < maskTokenFraction))
            }
            for draw in drawn.sorted(by: { $0.position < $1.position }) {
                positions.append(Int32(draw.position))
                targets.append(batch.ids[draw.position])
                if draw.masked { ids[draw.position] = maskId }
            }
        }
        let input = TokenBatch(batch: batch.batch, length: T, ids: ids, tokenTypes: batch.tokenTypes, attentionMask: batch.attentionMask)
        return MaskedBatch(input: input, positions: positions, targets: targets)
    }
}
