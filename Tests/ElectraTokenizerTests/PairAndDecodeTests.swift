// Pair encoding with truncation, and decoding, against Hugging Face's Python BertTokenizer.

import ElectraTokenizer
import Foundation
import Testing
import _TestSupport

private struct PairRecord: Decodable {
    let textA: String
    let textB: String?
    let maxLength: Int?
    let truncation: String?
    let inputIds: [Int32]
    let tokenTypeIds: [Int32]

    enum CodingKeys: String, CodingKey {
        case textA = "text_a", textB = "text_b", maxLength = "max_length", truncation
        case inputIds = "input_ids", tokenTypeIds = "token_type_ids"
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        textA = try c.decode(String.self, forKey: .textA)
        textB = try c.decodeIfPresent(String.self, forKey: .textB)
        maxLength = try c.decodeIfPresent(Int.self, forKey: .maxLength)
        truncation = try? c.decodeIfPresent(String.self, forKey: .truncation)   // `false` means none
        inputIds = try c.decode([Int32].self, forKey: .inputIds)
        tokenTypeIds = try c.decode([Int32].self, forKey: .tokenTypeIds)
    }
}

private struct DecodeRecord: Decodable {
    let ids: [Int32]
    let text: String
    let textSkipSpecial: String
    let vocab: String

    enum CodingKeys: String, CodingKey { case ids, text, vocab, textSkipSpecial = "text_skip_special" }
}

private func load<T: Decodable>(_ name: String, as type: T.Type) throws -> [T] {
    let text = try String(contentsOf: Fixtures.directory.appendingPathComponent("tokenizer/\(name)"), encoding: .utf8)
    return try text.split(separator: "\n").map { try JSONDecoder().decode(T.self, from: Data($0.utf8)) }
}

@Suite("Pairs and decoding") struct PairAndDecodeTests {
    @Test func pairsMatchTheReference() throws {
        let tokenizer = BertTokenizer(vocabulary: try Vocabulary.bundled())
        let records = try load("pairs.jsonl", as: PairRecord.self)
        #expect(records.count >= 40)
        for record in records {
            let strategy = record.truncation.flatMap(TruncationStrategy.init(rawValue:)) ?? .doNotTruncate
            let pair = tokenizer.encodePair(record.textA, record.textB, maxLength: record.maxLength, truncation: strategy)
            #expect(pair.ids == record.inputIds, "\(escaped(record.textA)) | \(record.textB.map(escaped) ?? "nil") \(strategy) \(record.maxLength ?? -1)")
            #expect(pair.tokenTypes == record.tokenTypeIds)
            #expect(pair.offsets.count == pair.ids.count && pair.sequence.count == pair.ids.count)
        }
    }

    @Test func decodingMatchesTheReference() throws {
        let uncased = BertTokenizer(vocabulary: try Vocabulary.bundled())
        let cased = BertTokenizer(vocabulary: try Vocabulary.bundled(cased: true), lowercase: false)
        for record in try load("decode.jsonl", as: DecodeRecord.self) {
            let tokenizer = record.vocab == "cased" ? cased : uncased
            #expect(tokenizer.decode(record.ids) == record.text)
            #expect(tokenizer.decode(record.ids, skipSpecialTokens: true) == record.textSkipSpecial)
        }
    }
}
