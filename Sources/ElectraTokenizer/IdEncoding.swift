// IdEncoding: `BertTokenizer`'s ids without offsets, for corpus preparation: printable-ASCII words go
// through a byte-level fast path, everything else through the full tokenizer, with the same ids.
//
// Why splitting the text at ASCII whitespace first changes nothing: BERT's cleaning turns tab, line
// feed and carriage return into spaces; a space never composes under NFC nor takes part in canonical
// reordering; special tokens (`[MASK]`) hold no whitespace; lower-casing (final sigma included),
// accent stripping and punctuation splitting look at one whitespace-delimited word at a time. So the
// ids of a text are the ids of its ASCII-whitespace-separated chunks, concatenated.

/// Buffers reused by `BertTokenizer.appendIds(of:to:scratch:)` across calls.
public struct IdScratch {
    var word: [UInt32] = []
    var encoding = Encoding()
    var basic = BasicTokenizer.Scratch()

    /// Empty buffers.
    public init() {}
}

extension BertTokenizer {
    /// The ids of `text`, without special tokens around it: `encode(text).ids`, faster.
    public func ids(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        var scratch = IdScratch()
        appendIds(of: text, to: &ids, scratch: &scratch)
        return ids
    }

    /// Appends the ids of `text` (`encode(text).ids`) to `ids`, reusing `scratch`.
    ///
    /// A chunk between ASCII whitespace that holds only printable ASCII other than `[` (no special
    /// token can start in it) is split at ASCII punctuation, lower-cased byte by byte when uncased
    /// (accent stripping and NFC leave ASCII alone), and looked up in the vocabulary directly; any
    /// other chunk goes through `encode(_:into:scratch:)`.
    public func appendIds(of text: String, to ids: inout [Int32], scratch: inout IdScratch) {
        var text = text
        text.withUTF8 { bytes in
            let n = bytes.count
            var start = 0
            while start < n {
                while start < n && Self.isASCIIWhitespace(bytes[start]) { start += 1 }
                var end = start
                var simple = true
                while end < n && !Self.isASCIIWhitespace(bytes[end]) {
                    let byte = bytes[end]
                    if byte < 0x21 || byte > 0x7E || byte == 0x5B { simple = false }
                    end += 1
                }
                guard end > start else { break }
                if simple {
                    appendASCIIChunk(UnsafeBufferPointer(rebasing: bytes[start..<end]), to: &ids, scratch: &scratch)
                } else {
                    appendSlowChunk(UnsafeBufferPointer(rebasing: bytes[start..<end]), to: &ids, scratch: &scratch)
                }
                start = end
            }
        }
    }

    @inline(__always)
    private static func isASCIIWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
    }

    /// BERT's ASCII punctuation: every printable non-alphanumeric character.
    @inline(__always)
    private static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
        (byte >= 33 && byte <= 47) || (byte >= 58 && byte <= 64) || (byte >= 91 && byte <= 96) || (byte >= 123 && byte <= 126)
    }

    /// A chunk of printable ASCII: punctuation characters are words of their own, runs between them
    /// are words.
    private func appendASCIIChunk(_ chunk: UnsafeBufferPointer<UInt8>, to ids: inout [Int32], scratch: inout IdScratch) {
        scratch.word.removeAll(keepingCapacity: true)
        for byte in chunk {
            if Self.isASCIIPunctuation(byte) {
                if !scratch.word.isEmpty { appendWord(&scratch.word, to: &ids) }
                scratch.word.append(UInt32(byte))
                appendWord(&scratch.word, to: &ids)
            } else {
                let lowered = lowercase && byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                scratch.word.append(UInt32(lowered))
            }
        }
        if !scratch.word.isEmpty { appendWord(&scratch.word, to: &ids) }
    }

    /// WordPiece of one word (then emptied), `[UNK]` when it is too long or has no segmentation.
    @inline(__always)
    private func appendWord(_ word: inout [UInt32], to ids: inout [Int32]) {
        defer { word.removeAll(keepingCapacity: true) }
        guard word.count <= maxCharactersPerWord else {
            ids.append(vocabulary.unknownId)
            return
        }
        let mark = ids.count
        let found = word.withUnsafeBufferPointer { buffer in
            vocabulary.wordPieces(of: buffer) { id, _ in ids.append(id) }
        }
        if !found {
            ids.removeSubrange(mark...)
            ids.append(vocabulary.unknownId)
        }
    }

    /// Any other chunk: the full tokenizer.
    private func appendSlowChunk(_ chunk: UnsafeBufferPointer<UInt8>, to ids: inout [Int32], scratch: inout IdScratch) {
        scratch.encoding.ids.removeAll(keepingCapacity: true)
        scratch.encoding.offsets.removeAll(keepingCapacity: true)
        encode(String(decoding: chunk, as: UTF8.self), into: &scratch.encoding, scratch: &scratch.basic)
        ids.append(contentsOf: scratch.encoding.ids)
    }
}
