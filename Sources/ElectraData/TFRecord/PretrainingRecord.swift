// PretrainingRecord: one pretraining example of Google's or NVIDIA's TFRecord data (ELECTRA's
// `build_pretraining_dataset.py`, BERT's `create_pretraining_data.py`), checked against our vocabulary
// and turned into the ids and segment boundary a shard stores.

/// The example a TFRecord record holds, unpadded, with BERT's static masking undone.
///
/// Records carry `input_ids`, `input_mask` and `segment_ids`, each padded to the sequence length
/// (features in any order; others, such as `next_sentence_labels` and `masked_lm_weights`, are
/// ignored). The checks, in order:
/// - the three features are present, int64, of one length *L*;
/// - `input_mask` is *n* ones then zeros (*n* ≥ 2), and *n* fits the sequence length;
/// - `segment_ids` over the first *n* positions is zeros then ones; segment B starts at the first one
///   (at *n* when there is none);
/// - every id of the first *n* is in the vocabulary; the first is `[CLS]`, the last `[SEP]`, and the
///   one before segment B `[SEP]` (other vocabularies put them elsewhere: BERT's are 101 and 102).
///
/// BERT's records hold the *masked* input (`[MASK]` or a random token at 15% of positions) with the
/// originals in `masked_lm_positions`/`masked_lm_ids`; the originals are put back (positions of 0 are
/// padding: position 0 is `[CLS]`, which is never masked), since pretraining masks anew at each step.
public struct PretrainingRecord: Equatable, Sendable {
    /// Ids with `[CLS]` and `[SEP]`s, without padding.
    public var tokens: [Int32]
    /// Where segment B starts; `tokens.count` when there is none.
    public var segmentBStart: Int
    /// The length the record was padded to (*L*).
    public var paddedLength: Int
    /// Masked positions whose original token was put back.
    public var restoredTokens: Int

    /// The features the import reads; the others are skipped unparsed.
    public static let featureNames: Set<String> = ["input_ids", "input_mask", "segment_ids",
                                                   "masked_lm_positions", "masked_lm_ids"]

    /// The vocabulary facts the checks need.
    public struct Vocabulary: Sendable {
        /// Tokens in the vocabulary.
        public var size: Int
        /// `[CLS]`.
        public var classifierId: Int32
        /// `[SEP]`.
        public var separatorId: Int32

        /// The facts of a vocabulary of `size` tokens with these special ids.
        public init(size: Int, classifierId: Int32, separatorId: Int32) {
            self.size = size
            self.classifierId = classifierId
            self.separatorId = separatorId
        }
    }

    /// Decodes and checks `features`.
    /// - Parameters:
    ///   - maxSequenceLength: the longest example accepted.
    ///   - path, record: name the file and record (from 1) in errors.
    /// - Throws: `TFRecordError` for a missing feature, an inconsistent record, an id outside the
    ///   vocabulary, misplaced special tokens or an over-long example.
    public init(_ features: ExampleFeatures, vocabulary: Vocabulary, maxSequenceLength: Int,
                path: String, record: Int) throws {
        func int64(_ name: String) throws -> [Int64] {
            guard let values = features.int64(name) else {
                throw TFRecordError.missingFeature(path: path, record: record, name: name)
            }
            return values
        }
        func inconsistent(_ detail: String) -> TFRecordError {
            TFRecordError.inconsistentExample(path: path, record: record, detail: detail)
        }
        let ids = try int64("input_ids"), mask = try int64("input_mask"), segments = try int64("segment_ids")
        guard ids.count == mask.count && ids.count == segments.count else {
            throw inconsistent("input_ids, input_mask and segment_ids hold \(ids.count), \(mask.count) and "
                               + "\(segments.count) values")
        }
        let length = mask.firstIndex(of: 0) ?? mask.count
        guard mask[..<length].allSatisfy({ $0 == 1 }), mask[length...].allSatisfy({ $0 == 0 }) else {
            throw inconsistent("input_mask is not ones followed by zeros")
        }
        guard length >= 2 else { throw inconsistent("input_mask marks \(length) tokens; an example has at least [CLS] and [SEP]") }
        guard length <= maxSequenceLength else {
            throw TFRecordError.tooLong(path: path, record: record, length: length, maxSequenceLength: maxSequenceLength)
        }
        let bStart = segments[..<length].firstIndex(of: 1) ?? length
        guard segments[..<bStart].allSatisfy({ $0 == 0 }), segments[bStart..<length].allSatisfy({ $0 == 1 }) else {
            throw inconsistent("segment_ids is not zeros followed by ones over the masked tokens")
        }
        guard bStart >= 2 else { throw inconsistent("segment B starts at position \(bStart), before any segment A") }
        var tokens = [Int32](repeating: 0, count: length)
        for index in 0..<length {
            let id = ids[index]
            guard id >= 0 && id < Int64(vocabulary.size) else {
                throw TFRecordError.idOutsideVocabulary(path: path, record: record, id: id, vocabularySize: vocabulary.size)
            }
            tokens[index] = Int32(id)
        }

        var restored = 0
        if let positions = features.int64("masked_lm_positions"), let originals = features.int64("masked_lm_ids") {
            guard positions.count == originals.count else {
                throw inconsistent("masked_lm_positions and masked_lm_ids hold \(positions.count) and \(originals.count) values")
            }
            for (position, original) in zip(positions, originals) where position != 0 {
                guard position > 0 && position < Int64(length) else {
                    throw inconsistent("masked_lm_positions holds \(position), outside the \(length) tokens")
                }
                guard original >= 0 && original < Int64(vocabulary.size) else {
                    throw TFRecordError.idOutsideVocabulary(path: path, record: record, id: original,
                                                            vocabularySize: vocabulary.size)
                }
                tokens[Int(position)] = Int32(original)
                restored += 1
            }
        }

        func expect(_ id: Int32, at index: Int, _ what: String) throws {
            guard tokens[index] == id else {
                throw TFRecordError.specialTokenMismatch(path: path, record: record,
                                                         detail: "\(what) is id \(tokens[index]), but [\(id == vocabulary.classifierId ? "CLS" : "SEP")] is \(id) in this vocab")
            }
        }
        try expect(vocabulary.classifierId, at: 0, "the first token")
        try expect(vocabulary.separatorId, at: length - 1, "the last token")
        if bStart < length { try expect(vocabulary.separatorId, at: bStart - 1, "the token before segment B") }

        self.tokens = tokens
        segmentBStart = bStart
        paddedLength = ids.count
        restoredTokens = restored
    }
}
