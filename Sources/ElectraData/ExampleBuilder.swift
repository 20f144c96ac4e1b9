// ExampleBuilder: packs tokenized sentences into ELECTRA pretraining examples, with the rules of
// Google's (and NVIDIA's) `build_pretraining_dataset.py` `ExampleBuilder`, drawing from a seeded
// `RandomGenerator` in the reference's order instead of Python's global `random`.

import ElectraTensor

/// One pretraining example: `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]`, unpadded.
public struct PretrainingExample: Equatable, Sendable {
    /// Token ids with `[CLS]` and `[SEP]` in place; at most the maximum sequence length.
    public var tokens: [Int32]
    /// Where segment B (token type 1) starts: `tokens.count` when there is no segment B.
    public var segmentBStart: Int
    /// The sentences the example was made of, in corpus order, with their full token counts and the
    /// segment each went to (statistics and checks only; shards do not store them). As in the
    /// reference, a short sentence can join segment A after a longer one went to B.
    public var sentences: [SentencePlacement]

    /// An example of `tokens` (`[CLS]`/`[SEP]` included) whose segment B starts at `segmentBStart`.
    public init(tokens: [Int32], segmentBStart: Int, sentences: [SentencePlacement] = []) {
        self.tokens = tokens
        self.segmentBStart = segmentBStart
        self.sentences = sentences
    }

    /// The token type of each position: 0 up to `segmentBStart`, 1 from there.
    public var tokenTypeIds: [Int32] {
        (0..<tokens.count).map { $0 < segmentBStart ? 0 : 1 }
    }

    /// Segment A's tokens, without `[CLS]` and `[SEP]`.
    public var firstSegment: ArraySlice<Int32> {
        let end = min(segmentBStart, tokens.count) - 1
        return end > 1 ? tokens[1..<end] : []
    }

    /// Segment B's tokens, without its `[SEP]` (empty when there is none).
    public var secondSegment: ArraySlice<Int32> {
        segmentBStart < tokens.count ? tokens[segmentBStart..<(tokens.count - 1)] : []
    }
}

/// Where one sentence of an example went.
public struct SentencePlacement: Equatable, Sendable {
    /// The sentence's tokens before truncation.
    public var tokenCount: Int
    /// 0 for segment A, 1 for segment B.
    public var segment: Int

    /// A sentence of `tokenCount` tokens placed in `segment` (0 or 1).
    public init(tokenCount: Int, segment: Int) {
        self.tokenCount = tokenCount
        self.segment = segment
    }
}

/// Builds pretraining examples from a stream of tokenized sentences and document ends.
///
/// The reference's rules, exactly:
/// - Sentences accumulate; once their total length reaches the target length, or at a document end
///   when anything has accumulated, an example is made of them.
/// - Making an example: with probability 0.1 the first segment's target is 100000 (one segment, as in
///   classification), else `(target − 3) / 2`. Each sentence goes to segment A if A is empty, or if A
///   stays under its target with it, or, only while B is empty and A is under its target, when a
///   uniform draw is below 0.5 (drawn only when reached, as Python's `or` short-circuits); otherwise
///   to segment B (so a short sentence may still join A after a longer one went to B). Then
///   `A = A[..<max − 2]`, `B = B[..<max(0, max − |A| − 3)]`.
/// - After each example the target is a uniform integer in `5...max` with probability 0.05, else
///   `max`.
///
/// Draw order per example: the 0.1 draw, the 0.5 draws as reached, then the 0.05 draw (and the
/// integer when taken). Sentences with no tokens change nothing (in the reference they can never
/// reach a draw), so they are skipped. Memory: only the first `maxSequenceLength` tokens of each
/// sentence are kept (no more can reach an example), with its full length for the rules.
public struct ExampleBuilder: Sendable {
    /// The longest example, `[CLS]` and `[SEP]`s included.
    public let maxSequenceLength: Int
    /// `[CLS]`, which starts every example.
    public let classifierId: Int32
    /// `[SEP]`, which ends each segment.
    public let separatorId: Int32
    /// The generator; its state after each call is part of what makes a run reproducible.
    public private(set) var generator: RandomGenerator
    /// The current target length (`maxSequenceLength`, or a random shorter one).
    public private(set) var targetLength: Int
    /// Tokens dropped by truncation so far.
    public private(set) var truncatedTokens = 0

    private var kept: [Int32] = []          // each sentence's first `maxSequenceLength` tokens, concatenated
    private var keptEnds: [Int] = []         // end of each sentence in `kept`
    private var lengths: [Int] = []          // each sentence's full length
    private var currentLength = 0

    /// A builder of examples up to `maxSequenceLength` tokens.
    /// - Parameters:
    ///   - classifierId: `[CLS]`; `separatorId`: `[SEP]`.
    ///   - generator: the seeded source of every random choice.
    public init(maxSequenceLength: Int, classifierId: Int32, separatorId: Int32, generator: RandomGenerator) {
        precondition(maxSequenceLength >= 5, "ExampleBuilder needs maxSequenceLength >= 5, got \(maxSequenceLength)")
        self.maxSequenceLength = maxSequenceLength
        self.classifierId = classifierId
        self.separatorId = separatorId
        self.generator = generator
        targetLength = maxSequenceLength
    }

    /// Starts a document: from here the builder draws from `generator` and targets the full length,
    /// so a document's examples depend only on its sentences and its generator. (The reference carries
    /// its global `random` state and target length across documents; keying them per document is what
    /// lets `electra prepare --part` runs prepare disjoint documents independently.)
    public mutating func startDocument(generator: RandomGenerator) {
        precondition(currentLength == 0, "startDocument with sentences pending: end the document first")
        self.generator = generator
        targetLength = maxSequenceLength
    }

    /// Adds one tokenized sentence; returns an example when the accumulated sentences reach the target.
    public mutating func addSentence<C: Collection>(_ ids: C) -> PretrainingExample? where C.Element == Int32 {
        guard !ids.isEmpty else { return nil }
        kept.append(contentsOf: ids.prefix(maxSequenceLength))
        keptEnds.append(kept.count)
        lengths.append(ids.count)
        currentLength += ids.count
        return currentLength >= targetLength ? makeExample() : nil
    }

    /// Ends a document; returns an example of what has accumulated, if anything.
    public mutating func endDocument() -> PretrainingExample? {
        currentLength != 0 ? makeExample() : nil
    }

    /// The reference's `_create_example`.
    private mutating func makeExample() -> PretrainingExample {
        let firstTarget = generator.uniformDouble() < 0.1 ? 100_000 : (targetLength - 3) / 2
        var firstLength = 0, secondLength = 0
        var placements: [SentencePlacement] = []
        placements.reserveCapacity(lengths.count)
        for length in lengths {
            // Python's `or`: the 0.5 draw happens only when the first two tests fail and B is empty
            // and A is under its target.
            let toFirst = firstLength == 0
                || firstLength + length < firstTarget
                || (secondLength == 0 && firstLength < firstTarget && generator.uniformDouble() < 0.5)
            if toFirst { firstLength += length } else { secondLength += length }
            placements.append(SentencePlacement(tokenCount: length, segment: toFirst ? 0 : 1))
        }
        let firstKept = min(firstLength, maxSequenceLength - 2)
        let secondKept = min(secondLength, max(0, maxSequenceLength - firstKept - 3))
        var tokens: [Int32] = []
        tokens.reserveCapacity(firstKept + secondKept + 3)
        tokens.append(classifierId)
        appendTokens(of: placements, segment: 0, count: firstKept, to: &tokens)
        tokens.append(separatorId)
        let segmentBStart = tokens.count
        if secondKept > 0 {
            appendTokens(of: placements, segment: 1, count: secondKept, to: &tokens)
            tokens.append(separatorId)
        }
        truncatedTokens += firstLength + secondLength - firstKept - secondKept

        kept.removeAll(keepingCapacity: true)
        keptEnds.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        currentLength = 0
        targetLength = generator.uniformDouble() < 0.05
            ? 5 + generator.nextInt(below: maxSequenceLength - 4)
            : maxSequenceLength
        return PretrainingExample(tokens: tokens, segmentBStart: secondKept > 0 ? segmentBStart : tokens.count,
                                  sentences: placements)
    }

    /// Appends the first `count` tokens of the sentences placed in `segment`, in order.
    private func appendTokens(of placements: [SentencePlacement], segment: Int, count: Int,
                              to tokens: inout [Int32]) {
        var remaining = count
        for (index, placement) in placements.enumerated() where remaining > 0 && placement.segment == segment {
            let start = index == 0 ? 0 : keptEnds[index - 1]
            let take = min(remaining, keptEnds[index] - start)
            tokens.append(contentsOf: kept[start..<(start + take)])
            remaining -= take
        }
        precondition(remaining == 0, "kept too few tokens of a sentence")
    }
}
