// SQuADFeature: one model input for SQuAD, `[CLS] question [SEP] context window [SEP]`, with the
// training targets and what post-processing needs to map token positions back to the context.

/// One window of one question's context, ready for the model (Hugging Face's `SquadFeatures`).
///
/// Layout (positions in the sequence), with `q` question tokens and `c` context tokens:
///
///     0            [CLS]                  token type 0   p_mask 0
///     1 … q        question               token type 0   p_mask 1
///     q + 1        [SEP]                  token type 0   p_mask 1
///     q + 2 …      context window         token type 1   p_mask 0
///     q + 2 + c    [SEP]                  token type 1   p_mask 1
///     … T - 1      [PAD]                  token type 0   p_mask 1, attention mask 0
///
/// Only the real tokens are stored; `inputIds`, `tokenTypeIds`, `attentionMask` and `pMask` give the
/// padded rows of `sequenceLength` (what the reference feeds the model). The context offsets are a
/// slice of the paragraph's single tokenization, shared by all its windows and questions.
public struct SQuADFeature: Sendable, Equatable {
    /// Index of the question in the examples given to the featurizer.
    public let exampleIndex: Int
    /// Which window of the question's context this is (0 for the first).
    public let windowIndex: Int
    /// The padded length `T` (the featurizer's `maxSequenceLength`).
    public let sequenceLength: Int
    /// `[CLS] question [SEP] context window [SEP]`, without padding.
    public let tokenIds: [Int32]
    /// The id used for padding.
    public let padId: Int32
    /// Position of the window's first context token (question tokens + 2).
    public let contextStart: Int
    /// Context tokens in this window (Hugging Face's `paragraph_len`).
    public let contextLength: Int
    /// Index of the window's first token in the whole context's tokenization (the doc span start).
    public let windowStart: Int
    /// For each context token of the window: its code-point range in `SQuADExample.context`.
    public let contextOffsets: ArraySlice<Range<Int>>
    /// For each context token of the window: whether this window gives it the most context of all
    /// windows holding it (BERT's `_check_is_max_context`).
    public let maxContextFlags: [Bool]
    /// Training target: position of the answer's first token, or 0 (`[CLS]`) when the question is
    /// unanswerable or the answer is not wholly inside this window. 0 for evaluation features.
    public let startPosition: Int
    /// Training target: position of the answer's last token, or 0 like `startPosition`.
    public let endPosition: Int
    /// Whether the target is "no answer": the question is unanswerable, or (training) the answer
    /// lies outside this window.
    public let isImpossible: Bool

    /// A feature from its parts (the featurizer builds these; see the properties for each).
    public init(exampleIndex: Int, windowIndex: Int, sequenceLength: Int, tokenIds: [Int32], padId: Int32,
                contextStart: Int, contextLength: Int, windowStart: Int, contextOffsets: ArraySlice<Range<Int>>,
                maxContextFlags: [Bool], startPosition: Int, endPosition: Int, isImpossible: Bool) {
        precondition(contextOffsets.count == contextLength && maxContextFlags.count == contextLength,
                     "one offset and one max-context flag per context token")
        precondition(tokenIds.count == contextStart + contextLength + 1 && tokenIds.count <= sequenceLength,
                     "tokens are [CLS] question [SEP] context [SEP] and fit the sequence length")
        self.exampleIndex = exampleIndex
        self.windowIndex = windowIndex
        self.sequenceLength = sequenceLength
        self.tokenIds = tokenIds
        self.padId = padId
        self.contextStart = contextStart
        self.contextLength = contextLength
        self.windowStart = windowStart
        self.contextOffsets = contextOffsets
        self.maxContextFlags = maxContextFlags
        self.startPosition = startPosition
        self.endPosition = endPosition
        self.isImpossible = isImpossible
    }

    /// Real (non-padding) tokens.
    public var length: Int { tokenIds.count }

    /// Positions of the window's context tokens.
    public var contextPositions: Range<Int> { contextStart..<(contextStart + contextLength) }

    /// Token ids padded with `[PAD]` to `sequenceLength`.
    public var inputIds: [Int32] { tokenIds + [Int32](repeating: padId, count: sequenceLength - length) }

    /// 0 for `[CLS]`, the question and its `[SEP]`; 1 for the context and the last `[SEP]`; 0 on padding.
    public var tokenTypeIds: [Int32] {
        var types = [Int32](repeating: 0, count: sequenceLength)
        for position in contextStart..<length { types[position] = 1 }
        return types
    }

    /// 1 on real tokens, 0 on padding.
    public var attentionMask: [Int32] {
        [Int32](repeating: 1, count: length) + [Int32](repeating: 0, count: sequenceLength - length)
    }

    /// 1 where no answer can start or end (question, `[SEP]`s, padding), 0 on the context and on
    /// `[CLS]` (which stands for "no answer").
    public var pMask: [Int32] {
        var mask = [Int32](repeating: 1, count: sequenceLength)
        mask[0] = 0
        for position in contextPositions { mask[position] = 0 }
        return mask
    }

    /// The code-point range in the original context of the token at `position`, or nil when that
    /// position is not a context token of this window (Hugging Face's `token_to_orig_map`, in
    /// characters rather than words).
    public func originalRange(atPosition position: Int) -> Range<Int>? {
        guard contextPositions.contains(position) else { return nil }
        return contextOffsets[contextOffsets.startIndex + position - contextStart]
    }

    /// Whether the token at `position` is a context token that has its maximum context here
    /// (Hugging Face's `token_is_max_context`; false off the context).
    public func isMaxContext(atPosition position: Int) -> Bool {
        guard contextPositions.contains(position) else { return false }
        return maxContextFlags[position - contextStart]
    }

    /// `originalRange(atPosition:)` for every position of the padded sequence.
    public var tokenOffsets: [Range<Int>?] { (0..<sequenceLength).map { originalRange(atPosition: $0) } }
}
