// CorpusReader: a stream of sentences and document ends from plain-text files, in either corpus
// format, read block by block so memory stays bounded whatever the corpus size.

/// One step of a corpus: a sentence, or the end of the document the previous sentences belong to.
public enum CorpusEvent: Equatable, Sendable {
    case sentence(String)
    case documentEnd
}

/// Counts kept while reading a corpus.
public struct CorpusStatistics: Equatable, Codable, Sendable {
    /// Files opened.
    public var files = 0
    /// Bytes read, line ends and byte-order marks included.
    public var bytes = 0
    /// Lines read.
    public var lines = 0
    /// Documents holding at least one sentence.
    public var documents = 0
    /// Sentences (non-blank lines in `sentences` format).
    public var sentences = 0
    /// Invalid UTF-8 sequences, each replaced by U+FFFD.
    public var invalidUTF8Sequences = 0
    /// Files whose Project Gutenberg header or footer was dropped (`books` format).
    public var gutenbergBooks = 0

    /// All counts zero.
    public init() {}
}

/// Reads plain-text files as sentences and document ends.
///
/// - `sentences` format (Google's): each non-blank line is a sentence; a blank (whitespace-only)
///   line ends a document.
/// - `paragraphs` format: the lines of a block are trimmed and joined with spaces into a paragraph,
///   which `SentenceSplitter` splits; a blank line ends a paragraph, two or more consecutive blank
///   lines end a document.
/// - `books` format: as `paragraphs`, except that only the end of a file ends a document, and lines
///   go through `GutenbergFilter` first.
///
/// The end of each file ends a document. A document end is reported only after a document that held
/// a sentence, so runs of blank lines never give empty documents. Lines may end in LF, CRLF or CR; a
/// UTF-8 byte-order mark at the start of a file is dropped; invalid UTF-8 is replaced by U+FFFD and
/// counted in `statistics`.
public final class CorpusReader {
    /// The files, read in this order.
    public let files: [String]
    /// How the files lay out sentences and documents.
    public let format: CorpusFormat
    private let maxLineBytes: Int
    private let blockSize: Int
    private let splitter = SentenceSplitter()
    private var gutenberg = GutenbergFilter()

    private var fileIndex = 0
    private var reader: CorpusLineReader?
    private var pending: [CorpusEvent] = []
    private var pendingHead = 0
    private var documentHasText = false
    private var blankRun = 0
    private var paragraph: [UInt8] = []     // UTF-8 of the paragraph's lines so far, joined by spaces
    private var paragraphFlushAt: Int
    private var closed = CorpusStatistics()   // counts of the files already finished

    /// Paragraphs longer than this many bytes are split piecewise, keeping only the unfinished
    /// sentence.
    static let paragraphFlushThreshold = 1 << 16

    /// A reader of `files` in `format`.
    /// - Parameters:
    ///   - maxLineBytes: the longest line (and, in `paragraphs` format, the longest sentence) accepted,
    ///     in bytes; longer ones throw rather than grow memory without bound.
    ///   - blockSize: bytes read from a file at a time.
    public init(files: [String], format: CorpusFormat, maxLineBytes: Int = 8 << 20, blockSize: Int = 1 << 20) {
        self.files = files
        self.format = format
        self.maxLineBytes = maxLineBytes
        self.blockSize = blockSize
        paragraphFlushAt = Self.paragraphFlushThreshold
    }

    /// Counts so far, the file being read included.
    public var statistics: CorpusStatistics {
        var total = closed
        if let reader {
            total.bytes += reader.bytesRead
            total.lines += reader.lineNumber
            total.invalidUTF8Sequences += reader.invalidSequences
        }
        return total
    }

    /// The next sentence or document end, or `nil` after the last file.
    /// - Throws: `CorpusError` when a file cannot be read or holds an over-long line or sentence.
    public func next() throws -> CorpusEvent? {
        while true {
            if pendingHead < pending.count {
                let event = pending[pendingHead]
                pendingHead += 1
                if pendingHead == pending.count {
                    pending.removeAll(keepingCapacity: true)
                    pendingHead = 0
                }
                return event
            }
            guard let reader = try currentReader() else { return nil }
            if let line = try reader.nextLine() {
                switch format {
                case .sentences: try addSentenceLine(line)
                case .paragraphs: try addParagraphLine(line, reader: reader)
                case .books: for kept in gutenberg.feed(line) { try addParagraphLine(kept, reader: reader) }
                }
            } else {
                if format == .books {
                    for kept in gutenberg.finish() { try addParagraphLine(kept, reader: reader) }
                    if gutenberg.stripped { closed.gutenbergBooks += 1 }
                    gutenberg = GutenbergFilter()
                }
                try flushParagraph(final: true, reader: reader)
                endDocument()
                closed.files += 1
                closed.bytes += reader.bytesRead
                closed.lines += reader.lineNumber
                closed.invalidUTF8Sequences += reader.invalidSequences
                self.reader = nil
            }
        }
    }

    private func currentReader() throws -> CorpusLineReader? {
        if let reader { return reader }
        guard fileIndex < files.count else { return nil }
        let opened = try CorpusLineReader(path: files[fileIndex], blockSize: blockSize, maxLineBytes: maxLineBytes)
        fileIndex += 1
        reader = opened
        return opened
    }

    private func addSentenceLine(_ line: String) throws {
        if Self.isBlank(line) {
            endDocument()
        } else {
            emit(line)
        }
    }

    private func addParagraphLine(_ line: String, reader: CorpusLineReader) throws {
        var line = line
        let (first, last) = line.withUTF8 { bytes in Self.trimmed(UTF8Text(bytes: bytes)) }
        guard first < last else {
            try flushParagraph(final: true, reader: reader)
            blankRun += 1
            if blankRun == 2 && format == .paragraphs { endDocument() }
            return
        }
        blankRun = 0
        if !paragraph.isEmpty { paragraph.append(UInt8(ascii: " ")) }
        line.withUTF8 { paragraph.append(contentsOf: $0[first..<last]) }
        if paragraph.count > paragraphFlushAt { try flushParagraph(final: false, reader: reader) }
    }

    /// Emits the paragraph's finished sentences; with `final`, the rest as well.
    private func flushParagraph(final: Bool, reader: CorpusLineReader) throws {
        guard !paragraph.isEmpty else { return }
        let (sentences, remainder) = splitter.completedSentences(in: paragraph)
        for range in sentences { emit(String(decoding: paragraph[range], as: UTF8.self)) }
        if final {
            let rest = SentenceSplitter.trimmedEnd(paragraph, remainder..<paragraph.count)
            if !rest.isEmpty { emit(String(decoding: paragraph[rest], as: UTF8.self)) }
            paragraph.removeAll(keepingCapacity: paragraph.count <= 4 * Self.paragraphFlushThreshold)
            paragraphFlushAt = Self.paragraphFlushThreshold
        } else {
            paragraph.removeFirst(remainder)
            guard paragraph.count <= maxLineBytes else {
                throw CorpusError.sentenceTooLong(path: reader.path, line: reader.lineNumber, limit: maxLineBytes)
            }
            // An unfinished sentence this long is scanned again only once it has doubled.
            paragraphFlushAt = max(Self.paragraphFlushThreshold, 2 * paragraph.count)
        }
    }

    private func emit(_ sentence: String) {
        pending.append(.sentence(sentence))
        closed.sentences += 1
        documentHasText = true
    }

    private func endDocument() {
        guard documentHasText else { return }
        pending.append(.documentEnd)
        closed.documents += 1
        documentHasText = false
    }

    /// Python's `str.isspace` for one code point (what `line.strip()` removes in the reference).
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value == 0x20 || (value >= 0x09 && value <= 0x0D) || (value >= 0x1C && value <= 0x1F) }
        return scalar.properties.isWhitespace
    }

    /// Whether `line` holds only whitespace.
    static func isBlank(_ line: String) -> Bool {
        var utf8 = line.utf8.makeIterator()
        if let first = utf8.next(), first > 0x20 && first < 0x80 { return false }   // the common case
        return line.unicodeScalars.allSatisfy(isSpace)
    }

    /// The byte range of `text` without leading and trailing whitespace (Python's `strip()`), as
    /// (start, end); start == end when the text is blank.
    static func trimmed(_ text: UTF8Text) -> (Int, Int) {
        var start = 0
        while start < text.count {
            let (scalar, length) = text.scalar(at: start)
            guard isSpace(scalar) else { break }
            start += length
        }
        var end = text.count
        while end > start {
            let (scalar, scalarStart) = text.scalar(before: end)
            guard isSpace(scalar) else { break }
            end = scalarStart
        }
        return (start, end)
    }
}
