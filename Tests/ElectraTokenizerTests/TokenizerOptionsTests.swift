// BERT's basic-tokenizer options (lower-casing, accent stripping, CJK splitting) against Hugging
// Face's Python BertTokenizer, in every combination that tokenizer_config.json can ask for.

import ElectraTokenizer
import Testing

@Suite("Tokenizer options") struct TokenizerOptionsTests {
    /// Texts with accents in both cases, CJK ideographs beside kana, and upper case.
    static let texts = ["H\u{E9}llo W\u{F6}rld, na\u{EF}ve Caf\u{E9}!", "\u{6771}\u{4EAC}\u{30BF}\u{30EF}\u{30FC} is in Tokyo",
                        "\u{C5}NGSTR\u{D6}M r\u{E9}sum\u{E9}"]

    struct Case: Sendable, CustomTestStringConvertible {
        let cased: Bool
        let lowercase: Bool
        let stripAccents: Bool?
        let splitChinese: Bool
        let expected: [[String]]

        init(_ cased: Bool, _ lowercase: Bool, _ stripAccents: Bool?, _ splitChinese: Bool, _ expected: [[String]]) {
            (self.cased, self.lowercase, self.stripAccents, self.splitChinese, self.expected) = (cased, lowercase, stripAccents, splitChinese, expected)
        }

        var testDescription: String {
            "\(cased ? "cased" : "uncased") vocabulary, do_lower_case \(lowercase), strip_accents \(stripAccents.map(String.init) ?? "null"), "
                + "tokenize_chinese_chars \(splitChinese)"
        }
    }

    /// `BertTokenizerLegacy(vocab_file=…, do_lower_case=…, strip_accents=…, tokenize_chinese_chars=…).tokenize(text)`
    /// in transformers 5.24.0 (Python 3.11) with the bundled BERT vocabularies; the Rust-backed
    /// `BertTokenizer` of the same version gives the same tokens.
    static let cases: [Case] = [
        Case(false, true, nil, true, [["hello", "world", ",", "naive", "cafe", "!"], ["東", "京", "タ", "##ワ", "##ー", "is", "in", "tokyo"], ["ang", "##strom", "resume"]]),
        Case(false, true, false, true, [["[UNK]", "[UNK]", ",", "[UNK]", "[UNK]", "!"], ["東", "京", "タ", "##ワ", "##ー", "is", "in", "tokyo"], ["[UNK]", "[UNK]"]]),
        Case(false, false, nil, true, [["[UNK]", "[UNK]", ",", "[UNK]", "[UNK]", "!"], ["東", "京", "タ", "##ワ", "##ー", "is", "in", "[UNK]"], ["[UNK]", "[UNK]"]]),
        Case(false, false, true, true, [["[UNK]", "[UNK]", ",", "naive", "[UNK]", "!"], ["東", "京", "タ", "##ワ", "##ー", "is", "in", "[UNK]"], ["[UNK]", "resume"]]),
        Case(false, true, nil, false, [["hello", "world", ",", "naive", "cafe", "!"], ["東", "##京", "##タ", "##ワ", "##ー", "is", "in", "tokyo"], ["ang", "##strom", "resume"]]),
        Case(false, false, nil, false, [["[UNK]", "[UNK]", ",", "[UNK]", "[UNK]", "!"], ["東", "##京", "##タ", "##ワ", "##ー", "is", "in", "[UNK]"], ["[UNK]", "[UNK]"]]),
        Case(true, true, nil, true, [["hello", "world", ",", "naive", "cafe", "!"], ["東", "京", "[UNK]", "is", "in", "to", "##ky", "##o"], ["an", "##gs", "##trom", "resume"]]),
        Case(true, true, false, true, [["h", "##é", "##llo", "w", "##ö", "##rl", "##d", ",", "na", "##ï", "##ve", "café", "!"], ["東", "京", "[UNK]", "is", "in", "to", "##ky", "##o"], ["å", "##ng", "##st", "##röm", "r", "##és", "##um", "##é"]]),
        Case(true, false, nil, true, [["H", "##é", "##llo", "W", "##ö", "##rl", "##d", ",", "na", "##ï", "##ve", "Café", "!"], ["東", "京", "[UNK]", "is", "in", "Tokyo"], ["Å", "##NG", "##ST", "##R", "##Ö", "##M", "r", "##és", "##um", "##é"]]),
        Case(true, false, true, true, [["Hello", "World", ",", "naive", "Cafe", "!"], ["東", "京", "[UNK]", "is", "in", "Tokyo"], ["AN", "##GS", "##TR", "##OM", "resume"]]),
        Case(true, true, nil, false, [["hello", "world", ",", "naive", "cafe", "!"], ["[UNK]", "is", "in", "to", "##ky", "##o"], ["an", "##gs", "##trom", "resume"]]),
        Case(true, false, nil, false, [["H", "##é", "##llo", "W", "##ö", "##rl", "##d", ",", "na", "##ï", "##ve", "Café", "!"], ["[UNK]", "is", "in", "Tokyo"], ["Å", "##NG", "##ST", "##R", "##Ö", "##M", "r", "##és", "##um", "##é"]]),
    ]

    @Test(arguments: cases) func matchesTransformers(_ c: Case) throws {
        let tokenizer = BertTokenizer(vocabulary: try Vocabulary.bundled(cased: c.cased), lowercase: c.lowercase,
                                      stripAccents: c.stripAccents, splitChineseCharacters: c.splitChinese)
        for (text, expected) in zip(Self.texts, c.expected) {
            #expect(tokenizer.tokenize(text) == expected, "\(text)")
        }
    }
}
