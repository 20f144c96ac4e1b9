// BertTokenizer: BERT's WordPiece tokenizer, giving the reference's ids, with character offsets.

import Foundation

/// Token ids of one text, each with the range of input characters (Unicode code points, as Python
/// indexes strings) it came from.
public struct Encoding: Sendable, Equatable {
    public var ids: [Int32] = []
    /// `offsets[i]` is the half-open code-point range of token `i` in the input text. Special tokens
    /// added by `encodePair` have empty ranges.
    public var offsets: [Range<Int>] = []

    public init(ids: [Int32] = [], offsets: [Range<Int>] = []) {
        self.ids = ids
        self.offsets = offsets
    }
}

/// BERT's tokenizer: the basic tokenizer (cleaning, CJK spacing, NFC, lower-casing and accent
/// stripping when uncased, punctuation splitting), then greedy longest-match-first WordPiece with
/// `##` continuations, `[UNK]` for words with no segmentation or over 100 code points.
///
/// Special tokens (`[CLS]`, `[SEP]`, `[MASK]`, `[PAD]`, `[UNK]`) written in the text are kept whole,
/// as Hugging Face does. The ids equal Hugging Face's Python `BertTokenizer` (`BertTokenizerLegacy`
/// in transformers 5) for any text; code points that Unicode 14.0 leaves unassigned count as
/// control characters and are dropped, as they are under Python 3.11.
public struct BertTokenizer: Sendable {
    /// The vocabulary.
    public let vocabulary: Vocabulary
    /// Whether text is lower-cased (uncased models).
    public let lowercase: Bool
    /// The longest word, in code points, that WordPiece splits; longer words become `[UNK]`.
    public let maxCharactersPerWord: Int
    let basic: BasicTokenizer
    private let specialScalars: [(scalars: [UInt32], id: Int32)]

    /// A tokenizer over `vocabulary`.
    /// - Parameters:
    ///   - lowercase: lower-case the text (uncased vocabularies).
    ///   - stripAccents: remove accents; defaults to `lowercase`, as BERT does.
    ///   - splitChineseCharacters: put spaces around CJK ideographs (BERT's default).
    public init(vocabulary: Vocabulary, lowercase: Bool = true, stripAccents: Bool? = nil,
                splitChineseCharacters: Bool = true, maxCharactersPerWord: Int = 100) {
        self.vocabulary = vocabulary
        self.lowercase = lowercase
        self.maxCharactersPerWord = maxCharactersPerWord
        basic = BasicTokenizer(lowercase: lowercase, stripAccents: stripAccents ?? lowercase,
                               splitChineseCharacters: splitChineseCharacters)
        specialScalars = Vocabulary.specialTokens.compactMap { token in
            vocabulary.id(of: token).map { (token.unicodeScalars.map(\.value), $0) }
        }
        _ = ScalarTables.shared
    }

    /// Loads `vocab.txt` and builds a tokenizer for it.
    public init(vocabularyFile: String, lowercase: Bool = true) throws {
        self.init(vocabulary: try Vocabulary(contentsOf: vocabularyFile), lowercase: lowercase)
    }

    /// The ids and offsets of `text`, without special tokens around it.
    public func encode(_ text: String) -> Encoding {
        var encoding = Encoding()
        var scratch = BasicTokenizer.Scratch()
        encode(text, into: &encoding, scratch: &scratch)
        return encoding
    }

    /// Appends the ids and offsets of `text` to `encoding`, reusing `scratch` across calls.
    func encode(_ text: String, into encoding: inout Encoding, scratch: inout BasicTokenizer.Scratch) {
        let scalars = text.unicodeScalars.map(\.value)
        scalars.withUnsafeBufferPointer { input in
            var segmentStart = 0
            var i = 0
            while i < input.count {
                if input[i] == 0x5B, let (length, id) = specialToken(at: i, input) {   // "["
                    encodeSegment(input, segmentStart..<i, &encoding, &scratch)
                    encoding.ids.append(id)
                    encoding.offsets.append(i..<(i + length))
                    i += length
                    segmentStart = i
                } else {
                    i += 1
                }
            }
            encodeSegment(input, segmentStart..<input.count, &encoding, &scratch)
        }
    }

    /// The word-piece strings of `text` (Hugging Face's `tokenize`).
    public func tokenize(_ text: String) -> [String] {
        encode(text).ids.map { vocabulary.token($0) }
    }

    private func specialToken(at index: Int, _ input: UnsafeBufferPointer<UInt32>) -> (Int, Int32)? {
        var best: (Int, Int32)? = nil
        for (scalars, id) in specialScalars where index + scalars.count <= input.count {
            var matches = true
            for k in 0..<scalars.count where input[index + k] != scalars[k] {
                matches = false
                break
            }
            if matches && scalars.count > (best?.0 ?? 0) { best = (scalars.count, id) }
        }
        return best
    }

    private func encodeSegment(_ input: UnsafeBufferPointer<UInt32>, _ range: Range<Int>, _ encoding: inout Encoding,
                               _ scratch: inout BasicTokenizer.Scratch) {
        guard !range.isEmpty else { return }
        basic.words(input, range, scratch: &scratch) { word in
            wordPiece(word, &encoding)
        }
    }

    /// Greedy longest-match-first WordPiece of one word.
    private func wordPiece(_ word: TracedText, _ encoding: inout Encoding) {
        let n = word.count
        let wordRange = Int(word.starts.min()!)..<Int(word.ends.max()!)
        if n > maxCharactersPerWord {
            encoding.ids.append(vocabulary.unknownId)
            encoding.offsets.append(wordRange)
            return
        }
        let mark = encoding.ids.count
        let found = word.scalars.withUnsafeBufferPointer { buffer in
            vocabulary.wordPieces(of: buffer) { id, pieceRange in
                encoding.ids.append(id)
                var low = Int32.max, high = Int32.min
                for k in pieceRange {
                    low = min(low, word.starts[k])
                    high = max(high, word.ends[k])
                }
                encoding.offsets.append(Int(low)..<Int(high))
            }
        }
        if !found {
            encoding.ids.removeSubrange(mark...)
            encoding.offsets.removeSubrange(mark...)
            encoding.ids.append(vocabulary.unknownId)
            encoding.offsets.append(wordRange)
        }
    }
}
