// SQuADFeaturizer: questions to model inputs as Google's and NVIDIA's ELECTRA `squad_utils` (Hugging
// Face's `squad_convert_examples_to_features`) build them: the question truncated to
// `maxQueryLength` tokens, sliding windows over the context tokens every `documentStride` tokens,
// BERT's max-context bookkeeping, answer spans in tokens, and [CLS] as the target when there is none.
//
// One difference in means, not in result: the context is tokenized once, with code-point offsets,
// instead of word by word; the answer's token span is the tokens that overlap its characters, which
// is what the reference's `_improve_answer_span` recovers from whole words.

import ElectraTokenizer

/// The features of a list of questions, and the questions training had to skip.
public struct SQuADFeaturization: Sendable {
    /// All windows of all questions, question by question, window by window.
    public var features: [SQuADFeature]
    /// Training only: questions without features, each with why (an answer that does not match its
    /// context, an answer on no token, or an empty context). Evaluation keeps every question.
    public var skipped: [(id: String, reason: String)]
}

/// Turns `SQuADExample`s into `SQuADFeature`s.
public struct SQuADFeaturizer: Sendable {
    /// The WordPiece tokenizer of the model.
    public let tokenizer: BertTokenizer
    /// Tokens per feature, `[CLS]`, `[SEP]`s and padding included (384 in ELECTRA's SQuAD runs).
    public let maxSequenceLength: Int
    /// How far successive windows start apart, in context tokens (128).
    public let documentStride: Int
    /// Question tokens kept; longer questions are cut (64).
    public let maxQueryLength: Int

    /// A featurizer with the reference's parameters by default.
    /// - Parameters:
    ///   - maxSequenceLength: tokens per feature; must leave room for at least one context token
    ///     after `maxQueryLength` question tokens and three special tokens.
    ///   - documentStride: window step, at least 1.
    ///   - maxQueryLength: question tokens kept, at least 1.
    public init(tokenizer: BertTokenizer, maxSequenceLength: Int = 384, documentStride: Int = 128,
                maxQueryLength: Int = 64) {
        precondition(maxQueryLength >= 1 && documentStride >= 1, "maxQueryLength and documentStride must be positive")
        precondition(maxSequenceLength > maxQueryLength + 3,
                     "maxSequenceLength (\(maxSequenceLength)) must exceed maxQueryLength (\(maxQueryLength)) + 3")
        self.tokenizer = tokenizer
        self.maxSequenceLength = maxSequenceLength
        self.documentStride = documentStride
        self.maxQueryLength = maxQueryLength
    }

    /// The features of `examples`, in order.
    ///
    /// With `training`, each window carries the answer's token positions (the first answer's), or 0
    /// with `isImpossible` when the question is unanswerable or the answer is not wholly inside the
    /// window; questions that `SQuADExample.isTrainable` rejects get no feature and are listed in
    /// `skipped`. Without it, every question gets its windows with targets 0 and its own
    /// `isImpossible`.
    public func featurize(_ examples: [SQuADExample], training: Bool) -> SQuADFeaturization {
        var result = SQuADFeaturization(features: [], skipped: [])
        result.features.reserveCapacity(examples.count)
        var cachedParagraph: (index: Int, context: String, offsets: [Range<Int>], ids: [Int32])? = nil
        for (exampleIndex, example) in examples.enumerated() {
            if training && !example.isTrainable {
                result.skipped.append((example.id, example.answers.isEmpty
                    ? "an answerable question without an answer" : "an answer does not match the context"))
                continue
            }
            let context: (offsets: [Range<Int>], ids: [Int32])
            if let cached = cachedParagraph, cached.index == example.paragraphIndex,
               cached.context.utf8.elementsEqual(example.context.utf8) {
                context = (cached.offsets, cached.ids)
            } else {
                let encoding = tokenizer.encode(example.context)
                context = (encoding.offsets, encoding.ids)
                cachedParagraph = (example.paragraphIndex, example.context, encoding.offsets, encoding.ids)
            }
            var answerSpan: ClosedRange<Int>? = nil
            if training && !example.isImpossible, let answer = example.answers.first, let start = answer.start {
                let end = start + answer.text.unicodeScalars.count
                answerSpan = Self.tokenSpan(ofCharacters: start..<end, offsets: context.offsets)
                if answerSpan == nil {
                    result.skipped.append((example.id, "the answer covers no token of the context"))
                    continue
                }
            }
            let windows = featurize(example, exampleIndex: exampleIndex, contextIds: context.ids,
                                    contextOffsets: context.offsets, answerSpan: answerSpan, training: training)
            if windows.isEmpty && training { result.skipped.append((example.id, "the context has no token")) }
            result.features += windows
        }
        return result
    }

    /// The windows of one question.
    func featurize(_ example: SQuADExample, exampleIndex: Int, contextIds: [Int32], contextOffsets: [Range<Int>],
                   answerSpan: ClosedRange<Int>?, training: Bool) -> [SQuADFeature] {
        let vocabulary = tokenizer.vocabulary
        let query = Array(tokenizer.encode(example.question).ids.prefix(maxQueryLength))
        let windows = Self.windows(tokenCount: contextIds.count,
                                   maxTokensPerWindow: maxSequenceLength - query.count - 3, stride: documentStride)
        let contextStart = query.count + 2
        var features: [SQuADFeature] = []
        features.reserveCapacity(windows.count)
        for (w, window) in windows.enumerated() {
            var ids: [Int32] = [vocabulary.classifierId]
            ids.reserveCapacity(contextStart + window.count + 1)
            ids += query
            ids.append(vocabulary.separatorId)
            ids += contextIds[window]
            ids.append(vocabulary.separatorId)
            let flags = window.map { Self.isMaxContext(windowIndex: w, token: $0, windows: windows) }
            var startPosition = 0, endPosition = 0
            var isImpossible = example.isImpossible
            if training && !example.isImpossible, let span = answerSpan {
                if window.contains(span.lowerBound) && window.contains(span.upperBound) {
                    startPosition = span.lowerBound - window.lowerBound + contextStart
                    endPosition = span.upperBound - window.lowerBound + contextStart
                } else {
                    isImpossible = true
                }
            }
            features.append(SQuADFeature(
                exampleIndex: exampleIndex, windowIndex: w, sequenceLength: maxSequenceLength, tokenIds: ids,
                padId: vocabulary.padId, contextStart: contextStart, contextLength: window.count,
                windowStart: window.lowerBound, contextOffsets: contextOffsets[window], maxContextFlags: flags,
                startPosition: startPosition, endPosition: endPosition, isImpossible: isImpossible))
        }
        return features
    }

    /// The windows over `tokenCount` context tokens: each as long as allowed, starting `stride`
    /// tokens after the previous one, the last reaching the end (BERT's `doc_spans`).
    static func windows(tokenCount: Int, maxTokensPerWindow: Int, stride: Int) -> [Range<Int>] {
        var windows: [Range<Int>] = []
        var start = 0
        while start < tokenCount {
            let length = min(tokenCount - start, maxTokensPerWindow)
            windows.append(start..<(start + length))
            if start + length == tokenCount { break }
            start += min(length, stride)
        }
        return windows
    }

    /// Whether window `windowIndex` is the one where `token` has the most context: the largest
    /// `min(left, right) + 0.01 × window length`, the first such window on ties.
    static func isMaxContext(windowIndex: Int, token: Int, windows: [Range<Int>]) -> Bool {
        var bestScore = -Double.infinity
        var bestWindow = -1
        for (w, window) in windows.enumerated() where window.contains(token) {
            let left = token - window.lowerBound
            let right = window.upperBound - 1 - token
            let score = Double(min(left, right)) + 0.01 * Double(window.count)
            if score > bestScore {
                bestScore = score
                bestWindow = w
            }
        }
        return bestWindow == windowIndex
    }

    /// The context tokens covering the characters `characters`: from the first token ending after
    /// its start to the last token beginning before its end; nil when no token overlaps it.
    static func tokenSpan(ofCharacters characters: Range<Int>, offsets: [Range<Int>]) -> ClosedRange<Int>? {
        guard let first = offsets.firstIndex(where: { $0.upperBound > characters.lowerBound }),
              let last = offsets.lastIndex(where: { $0.lowerBound < characters.upperBound }),
              first <= last else { return nil }
        return first...last
    }
}
