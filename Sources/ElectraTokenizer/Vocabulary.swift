// Vocabulary: a WordPiece vocabulary (`vocab.txt`), its special tokens and fast piece lookup.

import Foundation

/// Why a vocabulary could not be loaded.
public enum VocabularyError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case empty(path: String)
    case missingSpecialToken(path: String, token: String)
    case tooLarge(path: String, bytes: Int)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read the vocabulary \(path): \(reason)"
        case .empty(path: let path):
            return "the vocabulary \(path) is empty; pass a BERT vocab.txt with one token per line"
        case .missingSpecialToken(let path, let token):
            return "the vocabulary \(path) has no \(token) token; BERT vocabularies need [PAD], [UNK], [CLS], [SEP] and [MASK]"
        case .tooLarge(let path, let bytes):
            return "the vocabulary \(path) is \(bytes) bytes, more than the 2 GiB a vocabulary may have (BERT's is 232 KB); "
                + "pass a vocab.txt with one token per line"
        }
    }
}

/// A WordPiece vocabulary: token `i` is line `i` of `vocab.txt`.
///
/// Lines are read as the reference does (`readlines()` then `rstrip("\n")`): a carriage return at the
/// end of a line stays part of its token, and when a token appears twice the later line's id wins.
public struct Vocabulary: Sendable {
    /// The tokens, by id.
    public let tokens: [String]
    /// Ids of the special tokens.
    public let padId: Int32, unknownId: Int32, classifierId: Int32, separatorId: Int32, maskId: Int32
    /// A 64-bit FNV-1a hash of the tokens joined by newlines: identifies the vocabulary in shard headers
    /// and checkpoints.
    public let fingerprint: UInt64

    let wordStarts: PieceTable        // pieces that may begin a word
    let continuations: PieceTable     // "##" pieces, stored without the "##"
    let ids: [String: Int32]

    /// The special tokens, in BERT's order.
    public static let specialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]

    /// Loads `vocab.txt` from `path`.
    public init(contentsOf path: String) throws {
        // Ids and the piece table's offsets are Int32; a file this large cannot be a vocabulary (checked
        // before reading it, so a wrong multi-gigabyte file is not read whole).
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size >= Int(Int32.max) {
            throw VocabularyError.tooLarge(path: path, bytes: size)
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw VocabularyError.unreadable(path: path, reason: error.localizedDescription)
        }
        guard data.count < Int(Int32.max) else { throw VocabularyError.tooLarge(path: path, bytes: data.count) }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw VocabularyError.empty(path: path) }
        try self.init(tokens: lines, source: path)
    }

    /// A vocabulary of `tokens` (id = position). `source` names it in error messages.
    public init(tokens: [String], source: String = "vocabulary") throws {
        self.tokens = tokens
        var ids: [String: Int32] = [:]
        var wordStarts = PieceTable(capacity: tokens.count)
        var continuations = PieceTable(capacity: tokens.count)
        for (index, token) in tokens.enumerated() {
            let id = Int32(index)
            ids[token] = id
            let scalars = token.unicodeScalars.map(\.value)
            if scalars.count > 2 && scalars[0] == 0x23 && scalars[1] == 0x23 {
                continuations.insert(scalars[2...], id: id)
            }
            wordStarts.insert(scalars[...], id: id)
        }
        func special(_ token: String) throws -> Int32 {
            guard let id = ids[token] else { throw VocabularyError.missingSpecialToken(path: source, token: token) }
            return id
        }
        padId = try special("[PAD]")
        unknownId = try special("[UNK]")
        classifierId = try special("[CLS]")
        separatorId = try special("[SEP]")
        maskId = try special("[MASK]")
        self.ids = ids
        self.wordStarts = wordStarts
        self.continuations = continuations
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for (index, token) in tokens.enumerated() {
            if index > 0 { hash = (hash ^ 0x0A) &* 0x0000_0100_0000_01B3 }
            for byte in token.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
        fingerprint = hash
    }

    /// Number of tokens.
    public var count: Int { tokens.count }

    /// The id of `token`, or `nil`. (Exact code-point comparison, unlike `String ==`, which treats
    /// canonically equivalent strings as equal.)
    public func id(of token: String) -> Int32? {
        let scalars = token.unicodeScalars.map(\.value)
        return scalars.withUnsafeBufferPointer { wordStarts.lookup($0, 0..<$0.count) }
    }

    /// The token of `id`.
    public func token(_ id: Int32) -> String { tokens[Int(id)] }

    /// Greedy longest-match-first WordPiece of one word's code points: calls `piece` with each piece's
    /// id and code-point range, in order; returns `false` (after some calls, possibly) when a
    /// remainder of the word matches no piece, in which case the whole word is `[UNK]`.
    @inline(__always)
    func wordPieces(of word: UnsafeBufferPointer<UInt32>, _ piece: (Int32, Range<Int>) -> Void) -> Bool {
        let n = word.count
        var start = 0
        while start < n {
            let table = start == 0 ? wordStarts : continuations
            var end = min(n, start + table.longest)
            var found: Int32? = nil
            while end > start {
                if let id = table.lookup(word, start..<end) {
                    found = id
                    break
                }
                end -= 1
            }
            guard let id = found else { return false }
            piece(id, start..<end)
            start = end
        }
        return true
    }

    /// Whether `id` is one of the five special tokens.
    public func isSpecial(_ id: Int32) -> Bool {
        id == padId || id == unknownId || id == classifierId || id == separatorId || id == maskId
    }
}

/// An open-addressing hash table from code-point sequences to ids, compared code point by code point.
struct PieceTable: Sendable {
    private var keys: [UInt32] = []               // all keys, concatenated
    private var slots: [Slot]
    private var mask: Int
    /// The longest key, in code points; no lookup needs to try a longer piece.
    private(set) var longest = 0

    private struct Slot: Sendable {
        var start: Int32 = -1
        var length: Int32 = 0
        var id: Int32 = 0
        var hash: UInt32 = 0
    }

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(), count: size)
        mask = size - 1
    }

    mutating func insert(_ key: ArraySlice<UInt32>, id: Int32) {
        let hash = key.withUnsafeBufferPointer { PieceTable.hash($0, 0..<$0.count) }
        var index = Int(hash) & mask
        while slots[index].start >= 0 {
            let slot = slots[index]
            if slot.hash == hash && Int(slot.length) == key.count
                && keys[Int(slot.start)..<Int(slot.start + slot.length)].elementsEqual(key) {
                slots[index].id = id   // a repeated token: the later line wins
                return
            }
            index = (index + 1) & mask
        }
        slots[index] = Slot(start: Int32(keys.count), length: Int32(key.count), id: id, hash: hash)
        keys.append(contentsOf: key)
        longest = max(longest, key.count)
    }

    /// The id of `buffer[range]`, or `nil`.
    @inline(__always)
    func lookup(_ buffer: UnsafeBufferPointer<UInt32>, _ range: Range<Int>) -> Int32? {
        let hash = PieceTable.hash(buffer, range)
        var index = Int(hash) & mask
        return keys.withUnsafeBufferPointer { pool in
            slots.withUnsafeBufferPointer { table in
                while true {
                    let slot = table[index]
                    if slot.start < 0 { return nil }
                    if slot.hash == hash && Int(slot.length) == range.count {
                        var equal = true
                        let start = Int(slot.start)
                        for k in 0..<range.count where pool[start + k] != buffer[range.lowerBound + k] {
                            equal = false
                            break
                        }
                        if equal { return slot.id }
                    }
                    index = (index + 1) & mask
                }
            }
        }
    }

    @inline(__always)
    static func hash(_ buffer: UnsafeBufferPointer<UInt32>, _ range: Range<Int>) -> UInt32 {
        var h: UInt32 = 0x811C_9DC5
        for i in range { h = (h ^ buffer[i]) &* 0x0100_0193 }
        return h ^ (h >> 15)
    }
}

extension Vocabulary {
    /// The path of a vocabulary shipped with electra: BERT's uncased (ELECTRA's) or cased vocabulary.
    public static func bundledPath(cased: Bool = false) -> String {
        let name = cased ? "bert-base-cased-vocab" : "bert-base-uncased-vocab"
        return Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Resources")?.path
            ?? Bundle.module.bundlePath + "/Resources/\(name).txt"
    }

    /// BERT's uncased vocabulary (or the cased one), shipped with electra.
    public static func bundled(cased: Bool = false) throws -> Vocabulary {
        try Vocabulary(contentsOf: bundledPath(cased: cased))
    }
}
