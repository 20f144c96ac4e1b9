// Hand-written tokenizer cases whose answers are known from BERT's definition.

import ElectraTokenizer
import Foundation
import Testing
import _TestSupport

@Suite("Tokenizer basics") struct BasicCasesTests {
    static let uncased = try! BertTokenizer(
        vocabularyFile: Vocabulary.bundledPath())

    @Test func vocabularySpecialIds() {
        let v = Self.uncased.vocabulary
        #expect(v.count == 30522)
        #expect([v.padId, v.unknownId, v.classifierId, v.separatorId, v.maskId] == [0, 100, 101, 102, 103])
    }

    @Test func simpleSentence() {
        #expect(Self.uncased.tokenize("Hello, World! unaffable") == ["hello", ",", "world", "!", "una", "##ffa", "##ble"])
        let e = Self.uncased.encode("Héllo [MASK] there")
        #expect(Self.uncased.vocabulary.token(e.ids[1]) == "[MASK]")
        #expect(e.offsets == [0..<5, 6..<12, 13..<18])
    }
}

@Suite("Bundled vocabularies") struct BundledVocabularyTests {
    @Test func bundledVocabulariesLoad() throws {
        let uncased = try Vocabulary.bundled()
        let cased = try Vocabulary.bundled(cased: true)
        #expect(uncased.count == 30522 && cased.count == 28996)
        #expect(uncased.fingerprint != cased.fingerprint)
        #expect(uncased.maskId == 103 && cased.maskId == 103)
    }
}
