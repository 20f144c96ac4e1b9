// VocabularyTrainer: learns a WordPiece vocabulary from text, deterministically.
//
// Google never released the trainer behind BERT's vocabulary. This follows Hugging Face's
// `WordPieceTrainer` (the trainer of `tokenizers`): words from BERT's basic tokenizer are spelled as
// characters, with `##` marking every character that continues a word, and the most frequent
// adjacent pair of symbols is merged, again and again, until the vocabulary is full (byte-pair
// encoding with the WordPiece continuation prefix). Ties go to the pair that was made first, so the
// same text always gives the same vocabulary. The result is read by the ordinary greedy
// longest-match-first WordPiece tokenizer.

import Foundation

/// Trains a WordPiece vocabulary.
public struct VocabularyTrainer {
    /// Tokens the vocabulary should hold, special tokens and placeholders included.
    public var size: Int
    /// The most frequent characters kept as the alphabet; rarer ones are left out (and become
    /// `[UNK]` when tokenizing). Hugging Face's default is 1000.
    public var alphabetLimit: Int
    /// Pairs seen fewer times than this are never merged.
    public var minimumFrequency: Int
    /// `[unused0]`… placeholders between `[PAD]` and `[UNK]`; BERT has 99, which puts `[UNK]`,
    /// `[CLS]`, `[SEP]` and `[MASK]` at ids 100–103.
    public var unusedTokens: Int
    /// Lower-case and strip accents, as for uncased models.
    public var lowercase: Bool

    public init(size: Int = 30522, alphabetLimit: Int = 1000, minimumFrequency: Int = 2, unusedTokens: Int = 99,
                lowercase: Bool = true) {
        self.size = size
        self.alphabetLimit = alphabetLimit
        self.minimumFrequency = minimumFrequency
        self.unusedTokens = unusedTokens
        self.lowercase = lowercase
    }

    /// Word counts, accumulated text by text.
    public struct WordCounts {
        var counts: [String: Int] = [:]
        fileprivate var scratch = BasicTokenizer.Scratch()
        let basic: BasicTokenizer

        public init(lowercase: Bool) {
            basic = BasicTokenizer(lowercase: lowercase, stripAccents: lowercase, splitChineseCharacters: true)
        }

        /// Adds the words of `text` as BERT's basic tokenizer splits them.
        public mutating func add(_ text: String) {
            let scalars = text.unicodeScalars.map(\.value)
            var words: [String] = []
            scalars.withUnsafeBufferPointer { input in
                basic.words(input, 0..<input.count, scratch: &scratch) { word in
                    var view = String.UnicodeScalarView()
                    for value in word.scalars { view.append(Unicode.Scalar(value)!) }
                    words.append(String(view))
                }
            }
            for word in words { counts[word, default: 0] += 1 }
        }

        /// Number of distinct words.
        public var distinctWords: Int { counts.count }
    }

    /// The vocabulary's tokens in id order: `[PAD]`, the placeholders, `[UNK]`, `[CLS]`, `[SEP]`,
    /// `[MASK]`, then the alphabet (each character and its `##` form, by code point), then merged
    /// pieces in the order they were learned.
    public func train(_ words: WordCounts) -> [String] {
        var tokens = ["[PAD]"] + (0..<unusedTokens).map { "[unused\($0)]" } + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        // Alphabet: the most frequent characters, ties by code point.
        var characterCounts: [UInt32: Int] = [:]
        for (word, count) in words.counts {
            for scalar in word.unicodeScalars { characterCounts[scalar.value, default: 0] += count }
        }
        let alphabet = characterCounts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            .prefix(alphabetLimit).map(\.key).sorted()
        var symbols: [String] = []
        var symbolIds: [String: Int32] = [:]
        func symbol(_ text: String) -> Int32 {
            if let id = symbolIds[text] { return id }
            let id = Int32(symbols.count)
            symbols.append(text)
            symbolIds[text] = id
            return id
        }
        for value in alphabet {
            let character = String(Unicode.Scalar(value)!)
            _ = symbol(character)
            _ = symbol("##" + character)
        }
        let known = Set(alphabet)
        // Words as symbol sequences (words with characters outside the alphabet are skipped).
        var sequences: [[Int32]] = []
        var counts: [Int] = []
        for (word, count) in words.counts.sorted(by: { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }) {
            let scalars = word.unicodeScalars.map(\.value)
            guard scalars.allSatisfy(known.contains) else { continue }
            sequences.append(scalars.enumerated().map { symbol(($0.offset == 0 ? "" : "##") + String(Unicode.Scalar($0.element)!)) })
            counts.append(count)
        }
        let budget = size - tokens.count
        var merges = PairMerger(sequences: sequences, counts: counts)
        while symbols.count < budget, let (left, right) = merges.best(minimumFrequency: minimumFrequency) {
            let rightText = symbols[Int(right)]
            let merged = symbols[Int(left)] + (rightText.hasPrefix("##") ? String(rightText.dropFirst(2)) : rightText)
            let id = symbol(merged)
            merges.merge(left, right, into: id)
        }
        tokens += symbols
        return tokens
    }
}

/// Pair counts over words, with a max-heap of candidate merges.
private struct PairMerger {
    var sequences: [[Int32]]
    let counts: [Int]
    var pairCounts: [UInt64: Int] = [:]
    var pairWords: [UInt64: Set<Int>] = [:]
    var heap = MaxHeap()
    var order: [UInt64: Int] = [:]          // when a pair was first seen: the tie-break

    init(sequences: [[Int32]], counts: [Int]) {
        self.sequences = sequences
        self.counts = counts
        for (index, word) in sequences.enumerated() where word.count > 1 {
            for k in 0..<(word.count - 1) { add(Self.key(word[k], word[k + 1]), index, counts[index]) }
        }
        for (pair, count) in pairCounts { heap.push(count, order[pair]!, pair) }
    }

    static func key(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(a)) << 32 | UInt64(UInt32(b)) }

    mutating func add(_ pair: UInt64, _ word: Int, _ delta: Int) {
        if order[pair] == nil { order[pair] = order.count }
        pairCounts[pair, default: 0] += delta
        if delta > 0 { pairWords[pair, default: []].insert(word) }
    }

    /// The most frequent pair (first seen wins ties), if it is frequent enough.
    mutating func best(minimumFrequency: Int) -> (Int32, Int32)? {
        while let (count, _, pair) = heap.pop() {
            guard pairCounts[pair] == count else { continue }   // stale entry
            guard count >= max(minimumFrequency, 1) else { return nil }
            return (Int32(truncatingIfNeeded: pair >> 32), Int32(truncatingIfNeeded: pair))
        }
        return nil
    }

    /// Replaces every (left, right) by `merged` and updates the counts of the neighbouring pairs.
    mutating func merge(_ left: Int32, _ right: Int32, into merged: Int32) {
        let pair = Self.key(left, right)
        var touched: Set<UInt64> = []
        for index in (pairWords[pair] ?? []).sorted() {
            let word = sequences[index], count = counts[index]
            guard word.count > 1 else { continue }
            for k in 0..<(word.count - 1) { let p = Self.key(word[k], word[k + 1]); add(p, index, -count); touched.insert(p) }
            var rewritten: [Int32] = []
            var k = 0
            while k < word.count {
                if k + 1 < word.count && word[k] == left && word[k + 1] == right {
                    rewritten.append(merged)
                    k += 2
                } else {
                    rewritten.append(word[k])
                    k += 1
                }
            }
            if rewritten.count > 1 {
                for k in 0..<(rewritten.count - 1) {
                    let p = Self.key(rewritten[k], rewritten[k + 1])
                    add(p, index, count)
                    touched.insert(p)
                }
            }
            sequences[index] = rewritten
        }
        pairWords[pair] = nil
        pairCounts[pair] = 0
        for p in touched.sorted() where p != pair { heap.push(pairCounts[p] ?? 0, order[p]!, p) }
    }
}

/// A binary max-heap of (count, tie-break, pair): largest count first, then earliest tie-break.
private struct MaxHeap {
    private var items: [(count: Int, order: Int, pair: UInt64)] = []

    private static func above(_ a: (count: Int, order: Int, pair: UInt64), _ b: (count: Int, order: Int, pair: UInt64)) -> Bool {
        a.count != b.count ? a.count > b.count : a.order < b.order
    }

    mutating func push(_ count: Int, _ order: Int, _ pair: UInt64) {
        items.append((count, order, pair))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Self.above(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> (Int, Int, UInt64)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var best = i
                if l < items.count && Self.above(items[l], items[best]) { best = l }
                if r < items.count && Self.above(items[r], items[best]) { best = r }
                if best == i { break }
                items.swapAt(i, best)
                i = best
            }
        }
        return (top.count, top.order, top.pair)
    }
}
