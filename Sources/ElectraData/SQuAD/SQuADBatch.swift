// SQuADBatch: features stacked into the row-major arrays a question-answering model takes, with the
// training targets and the answer mask.

/// A batch of `SQuADFeature`s. Arrays are row-major `[batchSize, sequenceLength]` unless noted.
///
/// `[CLS]` sits at position 0 of every row (the reference's `cls_index`), so "no answer" targets
/// are 0.
public struct SQuADBatch: Sendable, Equatable {
    /// How rows are padded.
    public enum Padding: Sendable, Equatable {
        /// To the features' `sequenceLength`, as the reference does (same logits, same n-best lists).
        case full
        /// To the longest feature in the batch: less work; the post-processing then ranks fewer
        /// padding positions, which can change n-best lists where padding logits were among the top.
        case longest
    }

    /// Rows.
    public let batchSize: Int
    /// Tokens per row, padding included.
    public let sequenceLength: Int
    /// Which feature each row holds (indices into the array given to `init`).
    public let featureIndices: [Int]
    /// Token ids, `[PAD]` after each feature's end.
    public var inputIds: [Int32]
    /// 0 for `[CLS]`, the question and its `[SEP]`, 1 for the context and its `[SEP]`, 0 on padding.
    public var tokenTypeIds: [Int32]
    /// 1 on real tokens, 0 on padding.
    public var attentionMask: [Int32]
    /// 1 where no answer can be (question, `[SEP]`, padding), 0 on context tokens and `[CLS]`; as
    /// Float for `logits · (1 − p) − 1e30 · p`.
    public var pMask: [Float]
    /// `[batchSize]`: answer start positions (0 for "no answer").
    public var startPositions: [Int32]
    /// `[batchSize]`: answer end positions (0 for "no answer").
    public var endPositions: [Int32]
    /// `[batchSize]`: 1 where the target is "no answer", else 0 (for the answerability loss).
    public var isImpossible: [Float]

    /// Stacks `features[i]` for each `i` in `indices`.
    /// - Parameters:
    ///   - features: all features (e.g. `SQuADFeaturization.features`).
    ///   - indices: the rows, in order; at least one.
    ///   - padding: `.full` (the reference) or `.longest`.
    public init(features: [SQuADFeature], indices: some Collection<Int>, padding: Padding = .full) {
        precondition(!indices.isEmpty, "a batch needs at least one feature")
        featureIndices = Array(indices)
        batchSize = featureIndices.count
        switch padding {
        case .full: sequenceLength = featureIndices.map { features[$0].sequenceLength }.max() ?? 0
        case .longest: sequenceLength = featureIndices.map { features[$0].length }.max() ?? 0
        }
        let T = sequenceLength
        inputIds = [Int32](repeating: 0, count: batchSize * T)
        tokenTypeIds = inputIds
        attentionMask = inputIds
        pMask = [Float](repeating: 1, count: batchSize * T)
        startPositions = []
        endPositions = []
        isImpossible = []
        for (row, index) in featureIndices.enumerated() {
            let feature = features[index]
            let base = row * T
            for position in 0..<T {
                inputIds[base + position] = position < feature.length ? feature.tokenIds[position] : feature.padId
            }
            for position in 0..<feature.length { attentionMask[base + position] = 1 }
            for position in feature.contextStart..<feature.length { tokenTypeIds[base + position] = 1 }
            pMask[base] = 0
            for position in feature.contextPositions { pMask[base + position] = 0 }
            startPositions.append(Int32(feature.startPosition))
            endPositions.append(Int32(feature.endPosition))
            isImpossible.append(feature.isImpossible ? 1 : 0)
        }
    }
}
