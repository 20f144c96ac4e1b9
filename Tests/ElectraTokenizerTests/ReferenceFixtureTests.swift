// The tokenizer against Hugging Face's Python BertTokenizer (the slow reference) on over a thousand
// tricky lines, for both vocabularies; offsets against Hugging Face's Rust tokenizer.
// Fixtures: Tests/Fixtures/tokenizer/, written by scripts/make_tokenizer_fixtures.py.

import ElectraTokenizer
import Foundation
import Testing
import _TestSupport

struct TokenizerRecord: Decodable {
    let text: String
    let ids: [Int32]
    let tokens: [String]
    let fastIds: [Int32]
    let fastOffsets: [[Int]]
    let fastMatches: Bool
    let newerUnicode: Bool

    enum CodingKeys: String, CodingKey {
        case text, ids, tokens
        case fastIds = "fast_ids", fastOffsets = "fast_offsets", fastMatches = "fast_matches", newerUnicode = "newer_unicode"
    }

    static func load(_ name: String) throws -> [TokenizerRecord] {
        let url = Fixtures.directory.appendingPathComponent("tokenizer/\(name)")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(TokenizerRecord.self, from: Data($0.utf8)) }
    }
}

/// Whether BERT's cleaning removes any character of `text` (NUL, U+FFFD, or category C* other than
/// tab, newline and carriage return).
func hasRemovedCharacters(_ text: String) -> Bool {
    text.unicodeScalars.contains { scalar in
        if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        if scalar.value == 0 || scalar.value == 0xFFFD { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }
}

/// `text` with every non-printable-ASCII code point escaped, for failure messages.
func escaped(_ text: String) -> String {
    text.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? String($0) : String(format: "\\u{%X}", $0.value) }.joined()
}

@Suite("Tokenizer reference parity") struct ReferenceFixtureTests {
    @Test(arguments: [("uncased.jsonl", false), ("cased.jsonl", true)])
    func idsMatchTheReference(file: String, cased: Bool) throws {
        let records = try TokenizerRecord.load(file)
        let tokenizer = BertTokenizer(vocabulary: try Vocabulary.bundled(cased: cased), lowercase: !cased)
        #expect(records.count >= 1000)
        var mismatches: [String] = []
        for record in records {
            let ids = tokenizer.encode(record.text).ids
            if ids != record.ids {
                mismatches.append("\(escaped(record.text))\n   got      \(ids.map { tokenizer.vocabulary.token($0) })\n   expected \(record.tokens)")
            }
        }
        print("tokenizer parity \(file): \(records.count - mismatches.count)/\(records.count) lines identical")
        #expect(mismatches.isEmpty, "\(mismatches.count) lines differ; first: \(mismatches.prefix(5).joined(separator: "\n"))")
    }

    /// Where the two tokenizers agree on the ids, the offsets must agree too, except on lines where
    /// cleaning removes characters: Hugging Face's Rust tokenizer attaches a removed character to a
    /// neighbouring token's span, while electra's spans hold only the characters a token came from.
    @Test(arguments: [("uncased.jsonl", false), ("cased.jsonl", true)])
    func offsetsMatchTheRustTokenizer(file: String, cased: Bool) throws {
        let records = try TokenizerRecord.load(file).filter { $0.fastMatches && !$0.newerUnicode && !hasRemovedCharacters($0.text) }
        let tokenizer = BertTokenizer(vocabulary: try Vocabulary.bundled(cased: cased), lowercase: !cased)
        var mismatches: [String] = []
        for record in records {
            let encoding = tokenizer.encode(record.text)
            let offsets = encoding.offsets.map { [$0.lowerBound, $0.upperBound] }
            if encoding.ids == record.fastIds && offsets != record.fastOffsets {
                mismatches.append("\(escaped(record.text))\n   got      \(offsets)\n   expected \(record.fastOffsets)")
            }
        }
        print("tokenizer offsets \(file): \(records.count - mismatches.count)/\(records.count) lines identical")
        #expect(records.count > 800)
        #expect(mismatches.isEmpty, "\(mismatches.count) lines differ; first: \(mismatches.prefix(5).joined(separator: "\n"))")
    }
}
