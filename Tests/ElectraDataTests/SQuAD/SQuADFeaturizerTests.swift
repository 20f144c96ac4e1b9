// SQuADFeaturizerTests: hand-checked features: the [CLS] question [SEP] context [SEP] layout and its
// masks, sliding windows and max-context flags, answers across window edges, code-point offsets
// through accents, CJK and emoji, unanswerable questions, mismatched answers skipped for training,
// question truncation, one tokenization per paragraph, and batches.

@testable import ElectraData
import ElectraTokenizer
import Foundation
import Testing

enum SQuADTestTokenizer {
    static let shared: Result<BertTokenizer, Error> = Result { BertTokenizer(vocabulary: try Vocabulary.bundled(), lowercase: true) }

    static func get() throws -> BertTokenizer { try shared.get() }
}

/// A one-paragraph example.
func squadExample(_ id: String, question: String = "Who won?", context: String, answer: String? = nil,
                  start: Int? = nil, impossible: Bool = false, paragraph: Int = 0) -> SQuADExample {
    SQuADExample(id: id, question: question, context: context, paragraphIndex: paragraph,
                 answers: answer.map { [SQuADAnswer(text: $0, start: start)] } ?? [], isImpossible: impossible)
}

@Suite("SQuAD featurization") struct SQuADFeaturizerTests {
    /// "0 1 2 … 39": one token per number; token k covers the characters of "k".
    static let numbers = (0..<40).map(String.init).joined(separator: " ")

    @Test("Layout: ids, token types, attention mask, p_mask, target and offsets of one window")
    func layout() throws {
        let tokenizer = try SQuADTestTokenizer.get()
        let featurizer = SQuADFeaturizer(tokenizer: tokenizer, maxSequenceLength: 20, documentStride: 4, maxQueryLength: 8)
        let example = squadExample("a", context: "Paris is the capital of France.", answer: "France", start: 24)
        let result = featurizer.featurize([example], training: true)
        #expect(result.features.count == 1 && result.skipped.isEmpty)
        let feature = try #require(result.features.first)
        let words = ["[CLS]", "who", "won", "?", "[SEP]", "paris", "is", "the", "capital", "of", "france", ".", "[SEP]"]
        #expect(feature.tokenIds.map { tokenizer.vocabulary.token($0) } == words)
        #expect(feature.inputIds.count == 20 && feature.inputIds.suffix(7).allSatisfy { $0 == tokenizer.vocabulary.padId })
        #expect(feature.tokenTypeIds == [Int32](repeating: 0, count: 5) + [Int32](repeating: 1, count: 8) + [Int32](repeating: 0, count: 7))
        #expect(feature.attentionMask == [Int32](repeating: 1, count: 13) + [Int32](repeating: 0, count: 7))
        #expect(feature.pMask == [0, 1, 1, 1, 1] + [Int32](repeating: 0, count: 7) + [Int32](repeating: 1, count: 8))
        #expect(feature.contextStart == 5 && feature.contextLength == 7 && feature.windowStart == 0)
        #expect(feature.startPosition == 10 && feature.endPosition == 10 && !feature.isImpossible)
        #expect(feature.originalRange(atPosition: 10) == 24..<30)
        #expect(feature.originalRange(atPosition: 4) == nil && feature.originalRange(atPosition: 12) == nil)
        #expect(feature.tokenOffsets.compactMap { $0 }.count == 7)
        #expect((5..<12).allSatisfy { feature.isMaxContext(atPosition: $0) } && !feature.isMaxContext(atPosition: 0))
        // Evaluation features carry no target and keep the question's own answerability.
        let evaluation = try #require(featurizer.featurize([example], training: false).features.first)
        #expect(evaluation.startPosition == 0 && evaluation.endPosition == 0 && !evaluation.isImpossible)
        #expect(evaluation.tokenIds == feature.tokenIds)
    }

    @Test("A long context gives stride-spaced windows; each token has its max context in exactly one")
    func windowsAndMaxContext() throws {
        let featurizer = SQuADFeaturizer(tokenizer: try SQuADTestTokenizer.get(), maxSequenceLength: 20, documentStride: 4,
                                         maxQueryLength: 4)
        let features = featurizer.featurize([squadExample("n", question: "who", context: Self.numbers)], training: false).features
        // 16 context tokens fit (20 − 1 question token − 3 special); windows start every 4 tokens.
        #expect(features.map(\.windowStart) == [0, 4, 8, 12, 16, 20, 24])
        #expect(features.allSatisfy { $0.contextLength == 16 && $0.contextStart == 3 && $0.length == 20 })
        #expect(features.map(\.windowIndex) == Array(0..<7))
        for token in 0..<40 {
            let owners = features.filter { $0.windowStart <= token && token < $0.windowStart + 16 && $0.maxContextFlags[token - $0.windowStart] }
            #expect(owners.count == 1, "token \(token)")
        }
        // Token 10: windows 0 (score 5.16), 1 (6.16), 2 (2.16): window 1. Token 20: window 3 (7.16).
        func owner(_ token: Int) -> Int? {
            features.first { $0.windowStart <= token && token < $0.windowStart + 16 && $0.maxContextFlags[token - $0.windowStart] }?.windowIndex
        }
        #expect(owner(0) == 0 && owner(10) == 1 && owner(20) == 3 && owner(39) == 6)
        #expect(features[1].isMaxContext(atPosition: 3 + 10 - 4) && !features[0].isMaxContext(atPosition: 3 + 10))
        // Offsets are the context's: token 12 ("12") covers characters 26..<28.
        #expect(features[2].originalRange(atPosition: 3 + 12 - 8) == 26..<28)
    }

    @Test("An answer across a window edge: [CLS] target where it does not fit wholly")
    func answerAcrossWindows() throws {
        let featurizer = SQuADFeaturizer(tokenizer: try SQuADTestTokenizer.get(), maxSequenceLength: 20, documentStride: 4,
                                         maxQueryLength: 4)
        // "14 15 16 17" = tokens 14…17, characters 32..<43.
        let example = squadExample("n", question: "who", context: Self.numbers, answer: "14 15 16 17", start: 32)
        let features = featurizer.featurize([example], training: true).features
        #expect(features.count == 7)
        let targets = features.map { [$0.startPosition, $0.endPosition, $0.isImpossible ? 1 : 0] }
        #expect(targets == [[0, 0, 1], [13, 16, 0], [9, 12, 0], [5, 8, 0], [0, 0, 1], [0, 0, 1], [0, 0, 1]])
        for feature in features where !feature.isImpossible {
            let first = feature.originalRange(atPosition: feature.startPosition)
            let last = feature.originalRange(atPosition: feature.endPosition)
            #expect(first?.lowerBound == 32 && last?.upperBound == 43)
        }
    }

    @Test("Offsets are code points: accents, CJK and emoji map answers to the right tokens and back")
    func unicodeOffsets() throws {
        let tokenizer = try SQuADTestTokenizer.get()
        let featurizer = SQuADFeaturizer(tokenizer: tokenizer, maxSequenceLength: 40, documentStride: 8, maxQueryLength: 8)
        let context = "Café crème à Zürich: 東京タワー 1958年."
        let examples = [
            squadExample("cjk", context: context, answer: "東京タワー", start: 21),
            squadExample("accent", context: context, answer: "Zürich", start: 13),
            squadExample("year", context: context, answer: "1958年", start: 27),
            squadExample("emoji", context: "🎉 party at Straße 5", answer: "Straße 5", start: 11, paragraph: 1),
        ]
        let features = featurizer.featurize(examples, training: true).features
        #expect(features.count == 4)
        let contextScalars = Array(context.unicodeScalars)
        for (feature, example) in zip(features, examples) {
            let first = try #require(feature.originalRange(atPosition: feature.startPosition))
            let last = try #require(feature.originalRange(atPosition: feature.endPosition))
            let scalars = example.id == "emoji" ? Array(example.context.unicodeScalars) : contextScalars
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[first.lowerBound..<last.upperBound])
            #expect(String(view) == example.answers[0].text, "\(example.id)")
        }
        // 東 京 タ ##ワ ##ー are tokens 6…10 of the context.
        #expect(features[0].startPosition - features[0].contextStart == 6 && features[0].endPosition - features[0].contextStart == 10)
        #expect(features[0].tokenIds[features[0].startPosition] == tokenizer.vocabulary.id(of: "東"))
        // [UNK] 🎉 party at st ##raße 5: "Straße 5" is tokens 3…5.
        #expect(features[3].startPosition - features[3].contextStart == 3 && features[3].endPosition - features[3].contextStart == 5)
    }

    @Test("Unanswerable questions point at [CLS] in every window")
    func unanswerable() throws {
        let featurizer = SQuADFeaturizer(tokenizer: try SQuADTestTokenizer.get(), maxSequenceLength: 20, documentStride: 4,
                                         maxQueryLength: 4)
        let example = squadExample("x", question: "who", context: Self.numbers, impossible: true)
        for training in [true, false] {
            let features = featurizer.featurize([example], training: training).features
            #expect(features.count == 7)
            #expect(features.allSatisfy { $0.isImpossible && $0.startPosition == 0 && $0.endPosition == 0 })
        }
    }

    @Test("Answers that do not match their context are counted and skipped for training, kept for evaluation")
    func mismatchedAnswers() throws {
        let json = """
            {"version": "1.1", "data": [{"title": "t", "paragraphs": [{"context": "Paris is the capital of France.", "qas": [
              {"id": "good", "question": "Which country?", "answers": [{"text": "France", "answer_start": 24}]},
              {"id": "bad", "question": "Which city?", "answers": [{"text": "Paris", "answer_start": 3}]},
              {"id": "gone", "question": "Which river?", "answers": [{"text": "Seine", "answer_start": 500}]}]}]}]}
            """
        let dataset = try SQuADDataset(data: Data(json.utf8), source: "train.json")
        #expect(dataset.answerProblems.map(\.questionId) == ["bad", "gone"] && dataset.untrainableCount == 2)
        let featurizer = SQuADFeaturizer(tokenizer: try SQuADTestTokenizer.get(), maxSequenceLength: 32, documentStride: 8,
                                         maxQueryLength: 8)
        let training = featurizer.featurize(dataset.examples, training: true)
        #expect(training.features.map(\.exampleIndex) == [0])
        #expect(training.skipped.map(\.id) == ["bad", "gone"])
        let evaluation = featurizer.featurize(dataset.examples, training: false)
        #expect(evaluation.features.map(\.exampleIndex) == [0, 1, 2] && evaluation.skipped.isEmpty)
        // An answer on whitespace only covers no token.
        let blank = featurizer.featurize([squadExample("blank", context: "Paris  is", answer: " ", start: 5)], training: true)
        #expect(blank.features.isEmpty && blank.skipped.map(\.id) == ["blank"])
    }

    @Test("Questions are cut to maxQueryLength tokens")
    func questionTruncation() throws {
        let tokenizer = try SQuADTestTokenizer.get()
        let featurizer = SQuADFeaturizer(tokenizer: tokenizer, maxSequenceLength: 32, documentStride: 8, maxQueryLength: 4)
        let example = squadExample("q", question: "who won the prize in the year after the war", context: "Paris is nice.")
        let feature = try #require(featurizer.featurize([example], training: false).features.first)
        #expect(feature.contextStart == 6)
        #expect(feature.tokenIds[0..<6].map { tokenizer.vocabulary.token($0) } == ["[CLS]", "who", "won", "the", "prize", "[SEP]"])
    }

    @Test("A paragraph is tokenized once: its questions share the context offsets")
    func sharedTokenization() throws {
        let featurizer = SQuADFeaturizer(tokenizer: try SQuADTestTokenizer.get(), maxSequenceLength: 20, documentStride: 4,
                                         maxQueryLength: 4)
        let examples = [squadExample("a", question: "who", context: Self.numbers),
                        squadExample("b", question: "what now", context: Self.numbers)]
        let features = featurizer.featurize(examples, training: false).features
        let first = try #require(features.first { $0.exampleIndex == 0 }), second = try #require(features.first { $0.exampleIndex == 1 })
        let a = first.contextOffsets.withUnsafeBufferPointer { $0.baseAddress }
        let b = second.contextOffsets.withUnsafeBufferPointer { $0.baseAddress }
        #expect(a != nil && a == b)
        #expect(second.contextLength == 15)   // two question tokens leave 15
    }

    @Test("Batches stack features row-major, padded fully or to the longest")
    func batch() throws {
        let tokenizer = try SQuADTestTokenizer.get()
        let featurizer = SQuADFeaturizer(tokenizer: tokenizer, maxSequenceLength: 24, documentStride: 8, maxQueryLength: 8)
        let examples = [squadExample("a", context: "Paris is the capital of France.", answer: "France", start: 24),
                        squadExample("b", context: "Short one.", impossible: true, paragraph: 1)]
        let features = featurizer.featurize(examples, training: true).features
        let full = SQuADBatch(features: features, indices: [1, 0])
        #expect(full.batchSize == 2 && full.sequenceLength == 24 && full.featureIndices == [1, 0])
        #expect(Array(full.inputIds[24..<48]) == features[0].inputIds && Array(full.inputIds[0..<24]) == features[1].inputIds)
        #expect(Array(full.tokenTypeIds[24..<48]) == features[0].tokenTypeIds)
        #expect(Array(full.attentionMask[24..<48]) == features[0].attentionMask)
        #expect(Array(full.pMask[24..<48]) == features[0].pMask.map(Float.init))
        #expect(full.startPositions == [0, 10] && full.endPositions == [0, 10] && full.isImpossible == [1, 0])
        let longest = SQuADBatch(features: features, indices: 0..<2, padding: .longest)
        #expect(longest.sequenceLength == features[0].length)
        #expect(Array(longest.inputIds[0..<features[0].length]) == features[0].tokenIds)
        #expect(longest.attentionMask[longest.sequenceLength + features[1].length] == 0)
    }
}
