// ClassificationFeaturizer: sentences and sentence pairs, and words with tags, into model inputs:
// `[CLS] a [SEP] (b [SEP])` truncated longest-first; NER labels on each word's first sub-token.

import ElectraNN
import ElectraTensor
import ElectraTokenizer

/// The gold answer of one sequence for a sequence head.
public enum SequenceTarget: Hashable, Sendable {
    /// A class (single-label).
    case category(Int)
    /// 0/1 per label (multi-label).
    case labels([Float])
    /// A real number (regression).
    case value(Float)
}

/// One model input: token ids and types, and what a head learns from it.
public struct ClassificationFeature: Equatable, Sendable {
    public var ids: [Int32]
    public var tokenTypes: [Int32]
    /// The example (sentence, pair, or NER sentence) this came from.
    public var example: Int
    /// The sequence head's target (`nil`: unlabelled, or a token feature).
    public var target: SequenceTarget?
    /// Token heads: a label per token, `CrossEntropy.ignoreIndex` (−100) on special tokens and on
    /// sub-tokens after a word's first (all −100 when unlabelled).
    public var tokenLabels: [Int32]
    /// Token heads: for each token that starts a word, the word's index in its example; else `nil`.
    public var words: [Int?]

    public init(ids: [Int32], tokenTypes: [Int32], example: Int, target: SequenceTarget?, tokenLabels: [Int32], words: [Int?]) {
        precondition(tokenTypes.count == ids.count && (tokenLabels.isEmpty || tokenLabels.count == ids.count)
                     && (words.isEmpty || words.count == ids.count), "ClassificationFeature: one type (label, word) per token")
        self.ids = ids
        self.tokenTypes = tokenTypes
        self.example = example
        self.target = target
        self.tokenLabels = tokenLabels
        self.words = words
    }

    public var sequenceLength: Int { ids.count }
}

/// Turns text into `ClassificationFeature`s for a model's tokenizer.
public struct ClassificationFeaturizer: Sendable {
    public let tokenizer: BertTokenizer
    /// The longest input in tokens, special tokens included (Google's GLUE default: 128).
    public let maxSequenceLength: Int

    public init(tokenizer: BertTokenizer, maxSequenceLength: Int) {
        precondition(maxSequenceLength >= 3, "ClassificationFeaturizer: sequences need room for [CLS] x [SEP]")
        self.tokenizer = tokenizer
        self.maxSequenceLength = maxSequenceLength
    }

    /// `[CLS] text [SEP]`, or `[CLS] text [SEP] pair [SEP]` with token types 0 then 1, cut to
    /// `maxSequenceLength` by removing tokens from the end of the longer text first, one at a time
    /// (Google's `_truncate_seq_pair`; Hugging Face's `longest_first`).
    public func sequence(_ text: String, pair: String? = nil, target: SequenceTarget?, example: Int) -> ClassificationFeature {
        let encoding = tokenizer.encodePair(text, pair, maxLength: maxSequenceLength, truncation: .longestFirst)
        return ClassificationFeature(ids: encoding.ids, tokenTypes: encoding.tokenTypes, example: example, target: target,
                                     tokenLabels: [], words: [])
    }

    /// Features for one sentence of `words` (with a tag index per word, or `nil` when unlabelled):
    /// each word's sub-tokens, its tag on the first and −100 on the rest, `[CLS]` and `[SEP]` −100.
    ///
    /// A sentence whose sub-tokens do not fit in `maxSequenceLength − 2` is cut at word boundaries
    /// into consecutive pieces that each fit, every piece a feature of its own (no word is dropped,
    /// and a word is never split across pieces); a single word longer than the whole window keeps
    /// only its first sub-tokens. A word with no sub-tokens (text the tokenizer drops entirely, such
    /// as a control character) becomes `[UNK]` so that it still gets a prediction.
    public func words(_ words: [String], tags: [Int]?, example: Int) -> [ClassificationFeature] {
        precondition(tags == nil || tags!.count == words.count, "ClassificationFeaturizer: a tag per word")
        let room = maxSequenceLength - 2
        let pieces: [[Int32]] = words.map { word in
            let ids = tokenizer.encode(word).ids
            return ids.isEmpty ? [tokenizer.vocabulary.unknownId] : Array(ids.prefix(room))
        }
        var features: [ClassificationFeature] = []
        var start = 0
        while start < words.count {
            var end = start, used = 0
            while end < words.count && used + pieces[end].count <= room {
                used += pieces[end].count
                end += 1
            }
            let ignore = CrossEntropy.ignoreIndex
            var feature = ClassificationFeature(ids: [tokenizer.vocabulary.classifierId], tokenTypes: [0], example: example,
                                                target: nil, tokenLabels: [ignore], words: [nil])
            for w in start..<end {
                feature.ids += pieces[w]
                feature.tokenLabels += [tags.map { Int32($0[w]) } ?? ignore] + [Int32](repeating: ignore, count: pieces[w].count - 1)
                feature.words += [w] + [Int?](repeating: nil, count: pieces[w].count - 1)
            }
            feature.ids.append(tokenizer.vocabulary.separatorId)
            feature.tokenLabels.append(ignore)
            feature.words.append(nil)
            feature.tokenTypes = [Int32](repeating: 0, count: feature.ids.count)
            features.append(feature)
            start = end
        }
        return features
    }
}

/// Features `indices` padded to `length` tokens (padding id 0, mask 0, label −100).
public struct ClassificationBatch {
    public let tokens: TokenBatch
    /// `[B·length]` token labels (token heads).
    public let tokenLabels: [Int32]
    public let targets: [SequenceTarget?]

    public init(features: [ClassificationFeature], indices: [Int], length: Int, padId: Int32) {
        let B = indices.count
        var ids = [Int32](repeating: padId, count: B * length), types = [Int32](repeating: 0, count: B * length)
        var mask = [Int32](repeating: 0, count: B * length)
        var labels = [Int32](repeating: CrossEntropy.ignoreIndex, count: B * length)
        for (row, index) in indices.enumerated() {
            let feature = features[index], base = row * length
            precondition(feature.sequenceLength <= length, "ClassificationBatch: a feature of \(feature.sequenceLength) tokens in rows of \(length)")
            for t in 0..<feature.sequenceLength {
                ids[base + t] = feature.ids[t]
                types[base + t] = feature.tokenTypes[t]
                mask[base + t] = 1
                if !feature.tokenLabels.isEmpty { labels[base + t] = feature.tokenLabels[t] }
            }
        }
        tokens = TokenBatch(batch: B, length: length, ids: ids, tokenTypes: types, attentionMask: mask)
        tokenLabels = labels
        targets = indices.map { features[$0].target }
    }

    /// The sequence head's targets for `problem` with `outputs` labels; `nil` when a row has none.
    public func sequenceTargets(_ problem: ClassificationProblem, outputs: Int) -> ClassificationTargets? {
        switch problem {
        case .singleLabel:
            var classes: [Int32] = []
            for target in targets { guard case .category(let c)? = target else { return nil }; classes.append(Int32(c)) }
            return .classes(classes)
        case .multiLabel:
            var values: [Float] = []
            for target in targets {
                guard case .labels(let l)? = target, l.count == outputs else { return nil }
                values += l
            }
            return .labelSets(values)
        case .regression:
            var values: [Float] = []
            for target in targets { guard case .value(let v)? = target else { return nil }; values.append(v) }
            return .values(values)
        }
    }
}
