// VocabularyTrainer: deterministic, BERT's special-token ids, and a vocabulary the tokenizer can use.

import ElectraTokenizer
import Foundation
import Testing
import _TestSupport

@Suite("Vocabulary training") struct VocabularyTrainerTests {
    static let novel: [String] = {
        let url = Fixtures.novel
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return Array(text.components(separatedBy: "\r\n").prefix(3000))
    }()

    private func train(size: Int) -> [String] {
        var words = VocabularyTrainer.WordCounts(lowercase: true)
        for line in Self.novel { words.add(line) }
        return VocabularyTrainer(size: size).train(words)
    }

    @Test func layoutAndDeterminism() throws {
        let tokens = train(size: 1500)
        #expect(tokens.count == 1500)
        #expect(tokens == train(size: 1500), "the same text gives the same vocabulary")
        #expect(Set(tokens).count == tokens.count, "no token twice")
        let vocabulary = try Vocabulary(tokens: tokens)
        #expect([vocabulary.padId, vocabulary.unknownId, vocabulary.classifierId, vocabulary.separatorId, vocabulary.maskId]
                == [0, 100, 101, 102, 103])
        #expect(tokens.contains("the") && tokens.contains("##s"))
    }

    @Test func learnedVocabularyTokenizesItsText() throws {
        let tokens = train(size: 3000)
        let tokenizer = BertTokenizer(vocabulary: try Vocabulary(tokens: tokens))
        var pieces = 0, unknown = 0, words = 0
        for line in Self.novel.prefix(500) {
            let ids = tokenizer.encode(line).ids
            pieces += ids.count
            unknown += ids.filter { $0 == tokenizer.vocabulary.unknownId }.count
            words += line.split(separator: " ").count
        }
        #expect(unknown == 0, "every character of the training text is in the alphabet")
        #expect(Double(pieces) < 1.6 * Double(words), "frequent words are whole tokens: \(pieces) pieces for \(words) words")
    }
}
