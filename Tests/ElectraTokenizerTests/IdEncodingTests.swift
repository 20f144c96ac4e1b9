// The ids-only fast path (`BertTokenizer.ids`, `appendIds`) against the reference fixtures and the
// full tokenizer: ASCII, accents, CJK, control characters, special tokens, over-long words.

import ElectraTokenizer
import Foundation
import Testing
import _TestSupport

@Suite("Ids-only encoding") struct IdEncodingTests {
    @Test(arguments: [("uncased.jsonl", false), ("cased.jsonl", true)])
    func idsMatchTheReferenceFixtures(file: String, cased: Bool) throws {
        let records = try TokenizerRecord.load(file)
        let tokenizer = BertTokenizer(vocabulary: try Vocabulary.bundled(cased: cased), lowercase: !cased)
        #expect(records.count >= 1000)
        var scratch = IdScratch()
        var mismatches: [String] = []
        for record in records {
            var ids: [Int32] = [7]   // appendIds appends
            tokenizer.appendIds(of: record.text, to: &ids, scratch: &scratch)
            if Array(ids.dropFirst()) != tokenizer.encode(record.text).ids || (ids.dropFirst() != record.ids[...] && !record.newerUnicode) {
                mismatches.append("\(escaped(record.text)): got \(ids.dropFirst().map { tokenizer.vocabulary.token($0) }), expected \(record.tokens)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(records.count) differ, first: \(mismatches.prefix(5).joined(separator: "\n"))")
    }

    static let tricky = [
        "", " ", "\t\n\r ", "Hello, World!", "  leading and trailing  ", "don't stop-believing (1999).",
        "[MASK] a[CLS]b [SEP]", "[mask] [UNK]x [PAD", "a\u{0B}b c\u{0C}d e\u{1F}f", "a\u{0}b\u{7F}c",
        "caf\u{E9} CAF\u{C9} cafe\u{301} na\u{EF}ve \u{C5}ngstr\u{F6}m", "\u{6771}\u{4EAC}\u{30BF}\u{30EF}\u{30FC} is in Tokyo",
        "a\u{A0}b\u{2003}c\u{3000}d", "\u{301}leading mark", "\u{3A3}\u{399}\u{3A3}\u{3A5}\u{3A6}\u{39F}\u{3A3} \u{3A3}",
        "x" + String(repeating: "ab", count: 60), String(repeating: "z", count: 100), "\u{1F600} emoji \u{1F1EB}\u{1F1F7}",
        "1.5e-3 + 2,000 = $4.99 ~ 50% @home #tag ^_^ `code` {x|y} <a>", "ẞtraße İstanbul ǅ", "\u{FFFD}\u{200B}zero\u{200D}width",
        "line\u{2028}sep\u{85}nel", "qwxzv qqqqqq ##ing ##",
    ]

    @Test(arguments: [false, true])
    func idsMatchTheFullTokenizerOnTrickyText(cased: Bool) throws {
        let tokenizer = BertTokenizer(vocabulary: try Vocabulary.bundled(cased: cased), lowercase: !cased)
        for text in Self.tricky {
            #expect(tokenizer.ids(text) == tokenizer.encode(text).ids, "\(escaped(text))")
        }
    }

    @Test func everySentenceOfTheNovelMatches() throws {
        let tokenizer = BertTokenizer(vocabulary: try Vocabulary.bundled(), lowercase: true)
        let text = try String(contentsOf: Fixtures.novel, encoding: .utf8)
        var scratch = IdScratch()
        var checked = 0
        for line in text.split(whereSeparator: \.isNewline) {
            var ids: [Int32] = []
            tokenizer.appendIds(of: String(line), to: &ids, scratch: &scratch)
            #expect(ids == tokenizer.encode(String(line)).ids, "\(line)")
            checked += 1
        }
        #expect(checked > 10_000)
    }
}
