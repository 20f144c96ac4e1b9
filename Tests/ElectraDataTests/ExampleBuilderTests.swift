// ExampleBuilder: hand-computed examples for every branch of the reference's rules, a literal
// transcription of the reference as an oracle, and the invariants on random streams.

@testable import ElectraData
import ElectraTensor
import Testing

/// Google's `ExampleBuilder`, transcribed line by line from `build_pretraining_dataset.py` (lists of
/// sentences, Python's `or`, slicing), drawing from the same generator: the oracle for the real one.
struct ReferenceExampleBuilder {
    let maxLength: Int
    var generator: RandomGenerator
    var currentSentences: [[Int32]] = []
    var currentLength = 0
    var targetLength: Int

    init(maxLength: Int, generator: RandomGenerator) {
        self.maxLength = maxLength
        self.generator = generator
        targetLength = maxLength
    }

    mutating func addLine(_ ids: [Int32]?) -> [Int32]? {   // nil: a blank line
        if ids == nil && currentLength != 0 { return createExample() }
        let tokens = ids ?? []
        currentSentences.append(tokens)
        currentLength += tokens.count
        if currentLength >= targetLength { return createExample() }
        return nil
    }

    mutating func createExample() -> [Int32] {
        let firstSegmentTargetLength = generator.uniformDouble() < 0.1 ? 100_000 : (targetLength - 3) / 2
        var firstSegment: [Int32] = [], secondSegment: [Int32] = []
        for sentence in currentSentences {
            if firstSegment.isEmpty || firstSegment.count + sentence.count < firstSegmentTargetLength
                || (secondSegment.isEmpty && firstSegment.count < firstSegmentTargetLength
                    && generator.uniformDouble() < 0.5) {
                firstSegment += sentence
            } else {
                secondSegment += sentence
            }
        }
        firstSegment = Array(firstSegment.prefix(maxLength - 2))
        secondSegment = Array(secondSegment.prefix(max(0, maxLength - firstSegment.count - 3)))
        currentSentences = []
        currentLength = 0
        if generator.uniformDouble() < 0.05 {
            targetLength = 5 + generator.nextInt(below: maxLength - 4)   // random.randint(5, max_length)
        } else {
            targetLength = maxLength
        }
        var example: [Int32] = [101] + firstSegment + [102]
        if !secondSegment.isEmpty { example += secondSegment + [102] }
        return example
    }
}

@Suite("Example builder") struct ExampleBuilderTests {
    func builder(max: Int, seed: UInt64) -> ExampleBuilder {
        ExampleBuilder(maxSequenceLength: max, classifierId: 101, separatorId: 102, generator: RandomGenerator(seed: seed))
    }

    /// Max 12: sentences of 2, 3 and 8 tokens reach the target (13 ≥ 12) at the third.
    @Test func threeBranchesByHand() {
        var seen = Set<String>()
        for seed in UInt64(0)..<300 {
            var draws = RandomGenerator(seed: seed)
            var builder = builder(max: 12, seed: seed)
            #expect(builder.addSentence([1, 2] as [Int32]) == nil)
            #expect(builder.addSentence([3, 4, 5] as [Int32]) == nil)
            let example = builder.addSentence([6, 7, 8, 9, 10, 11, 12, 13] as [Int32])
            let expected: [Int32]
            let expectedBStart: Int, expectedTruncated: Int
            if draws.uniformDouble() < 0.1 {
                // One segment: all 13 tokens go to A, cut to 12 − 2.
                expected = [101, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 102]
                expectedBStart = 12
                expectedTruncated = 3
                seen.insert("one segment")
            } else if draws.uniformDouble() < 0.5 {
                // A target (12 − 3) / 2 = 4: [3,4,5] would pass it, but the coin takes it into A; the
                // 8-token sentence goes to B, cut to 12 − 5 − 3 = 4.
                expected = [101, 1, 2, 3, 4, 5, 102, 6, 7, 8, 9, 102]
                expectedBStart = 7
                expectedTruncated = 4
                seen.insert("coin to A")
            } else {
                // The coin sends [3,4,5] to B, and the rest follows it; B is cut to 12 − 2 − 3 = 7.
                expected = [101, 1, 2, 102, 3, 4, 5, 6, 7, 8, 9, 102]
                expectedBStart = 4
                expectedTruncated = 4
                seen.insert("coin to B")
            }
            #expect(example?.tokens == expected, "seed \(seed)")
            #expect(example?.segmentBStart == expectedBStart, "seed \(seed)")
            #expect(builder.truncatedTokens == expectedTruncated)
            let nextTarget = draws.uniformDouble() < 0.05 ? 5 + draws.nextInt(below: 12 - 4) : 12
            #expect(builder.targetLength == nextTarget, "seed \(seed)")
            if nextTarget != 12 { seen.insert("short target") }
        }
        #expect(seen == ["one segment", "coin to A", "coin to B", "short target"])
    }

    /// Max 20, A target 8: a short sentence joins A after a longer one went to B, as in the reference.
    @Test func shortSentenceJoinsSegmentAAfterB() {
        var seen = Set<Bool>()
        for seed in UInt64(0)..<100 {
            var draws = RandomGenerator(seed: seed)
            guard draws.uniformDouble() >= 0.1 else { continue }
            let coinToA = draws.uniformDouble() < 0.5
            var builder = builder(max: 20, seed: seed)
            let a: [Int32] = [1, 2, 3, 4, 5], b: [Int32] = [11, 12, 13, 14, 15, 16], c: [Int32] = [21, 22]
            let d: [Int32] = [31, 32, 33, 34, 35, 36, 37]
            for sentence in [a, b, c] { #expect(builder.addSentence(sentence) == nil) }
            let example = builder.addSentence(d)!
            if coinToA {
                // A = a b (11 ≥ 8), then c and d go to B: 9 tokens, cut to 20 − 11 − 3 = 6.
                #expect(example.tokens == [101] + a + b + [102] + c + d.prefix(4) + [102])
                #expect(example.sentences.map(\.segment) == [0, 0, 1, 1])
            } else {
                // b goes to B; c (5 + 2 < 8) still joins A; d goes to B, cut to 20 − 7 − 3 = 10.
                #expect(example.tokens == [101] + a + c + [102] + b + d.prefix(4) + [102])
                #expect(example.sentences.map(\.segment) == [0, 1, 0, 1])
            }
            #expect(example.sentences.map(\.tokenCount) == [5, 6, 2, 7])
            seen.insert(coinToA)
        }
        #expect(seen.count == 2)
    }

    @Test func documentEndsFlushAndEmptyOnesDoNothing() {
        var builder = builder(max: 128, seed: 7)
        #expect(builder.endDocument() == nil)
        #expect(builder.addSentence([Int32]()) == nil)
        #expect(builder.addSentence([5, 6, 7] as [Int32]) == nil)
        let example = builder.endDocument()
        #expect(example?.tokens == [101, 5, 6, 7, 102] && example?.segmentBStart == 5)
        #expect(builder.endDocument() == nil)
    }

    /// A random stream: sentences of 0 to 60 tokens (sometimes 300), a document end 10% of the time.
    static func stream(seed: UInt64, count: Int) -> [[Int32]?] {
        var random = RandomGenerator(seed: seed).split("stream")
        var events: [[Int32]?] = []
        var document: Int32 = 0
        for _ in 0..<count {
            if random.uniform() < 0.1 {
                events.append(nil)
                document += 1
                continue
            }
            let length = random.uniform() < 0.03 ? 300 : random.nextInt(below: 61)
            // Ids name their document (and never collide with [CLS]/[SEP]).
            events.append((0..<length).map { _ in 1000 + document * 100 + Int32(random.nextInt(below: 100)) })
        }
        events.append(nil)
        return events
    }

    func build(_ events: [[Int32]?], max: Int, seed: UInt64) -> [PretrainingExample] {
        var builder = builder(max: max, seed: seed)
        var examples: [PretrainingExample] = []
        for event in events {
            let example = event.map { builder.addSentence($0) } ?? builder.endDocument()
            if let example { examples.append(example) }
        }
        return examples
    }

    @Test(arguments: [8, 16, 128, 512])
    func equalsTheReferenceTranscription(max: Int) {
        for seed in UInt64(1)...20 {
            let events = Self.stream(seed: seed, count: 400)
            var reference = ReferenceExampleBuilder(maxLength: max, generator: RandomGenerator(seed: seed))
            let expected = events.compactMap { reference.addLine($0) }
            let examples = build(events, max: max, seed: seed)
            #expect(examples.map(\.tokens) == expected, "max \(max), seed \(seed)")
        }
    }

    @Test func invariants() {
        let max = 64
        for seed in UInt64(1)...10 {
            let events = Self.stream(seed: seed, count: 600)
            let examples = build(events, max: max, seed: seed)
            #expect(examples.count > 20)
            var placed = 0
            for example in examples {
                let tokens = example.tokens
                #expect(tokens.count <= max && tokens.count >= 3)
                #expect(tokens.first == 101 && tokens.last == 102 && tokens[example.segmentBStart - 1] == 102)
                #expect(tokens.filter { $0 == 101 }.count == 1)
                #expect(tokens.filter { $0 == 102 }.count == (example.segmentBStart < tokens.count ? 2 : 1))
                let types = example.tokenTypeIds
                #expect(types.prefix(example.segmentBStart).allSatisfy { $0 == 0 })
                #expect(types.dropFirst(example.segmentBStart).allSatisfy { $0 == 1 })
                // No example crosses a document: every id names the same document.
                let documents = Set(tokens.filter { $0 >= 1000 }.map { ($0 - 1000) / 100 })
                #expect(documents.count == 1)
                // What was kept plus what was cut is what the sentences held.
                let kept = example.firstSegment.count + example.secondSegment.count
                let source = example.sentences.reduce(0) { $0 + $1.tokenCount }
                #expect(kept <= source)
                placed += source
            }
            let total = events.reduce(0) { $0 + ($1?.count ?? 0) }
            #expect(placed == total, "every sentence token is placed in exactly one example")
        }
    }

    @Test func deterministicForASeedAndDifferentForAnother() {
        let events = Self.stream(seed: 3, count: 500)
        let first = build(events, max: 128, seed: 42)
        #expect(build(events, max: 128, seed: 42) == first)
        #expect(build(events, max: 128, seed: 43).map(\.tokens) != first.map(\.tokens))
    }
}
