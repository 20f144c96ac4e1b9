// `electra tokenize`: text to WordPiece ids, one JSON object per input line.

import ArgumentParser
import ElectraTensor
import ElectraTokenizer
import Foundation

public struct TokenizeCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Turn text into BERT WordPiece ids, one JSON object per input line.",
        discussion: """
            Reads one text per line from the files given (or standard input), or with --jsonl one JSON \
            object per line with a "text" field. Writes {"ids": [...]} per line, in input order, with \
            "tokens" and "offsets" (code-point ranges in the line) when asked. Input is read in blocks, \
            so memory stays bounded whatever the lines' lengths: a plain-text line longer than \
            --max-line-bytes (default 1 MiB) is split, never truncated, after the last whitespace before \
            the limit (or, in a stretch without whitespace, at a UTF-8 character boundary, which may cut \
            a word in two), with a warning on standard error naming the file and line. Each piece is one \
            output object (wrapped in [CLS] ... [SEP] with --special); pieces after the first have \
            "continuation": true, and their offsets still count from the start of the line. A --jsonl line \
            over the limit is an error, since a JSON object cannot be split: raise --max-line-bytes.
            """
    )

    @Argument(help: "Text files to read (default: standard input).")
    var files: [String] = []

    @Option(help: "WordPiece vocabulary (default: the bundled BERT uncased vocabulary, or the cased one with --cased).")
    var vocab: String?

    @Flag(help: "Keep case and accents (cased vocabularies).")
    var cased = false

    @Flag(help: "Read JSON lines with a \"text\" field instead of plain lines.")
    var jsonl = false

    @Flag(help: "Add [CLS] and [SEP] around each text.")
    var special = false

    @Flag(help: "Also print the token strings.")
    var tokens = false

    @Flag(help: "Also print each token's [start, end) code-point offsets in the text.")
    var offsets = false

    @Option(help: "Longest line read whole, in bytes; longer plain-text lines are split into pieces this long at most.")
    var maxLineBytes = 1 << 20

    public func validate() throws {
        for file in files where !FileManager.default.isReadableFile(atPath: file) {
            throw ValidationError("cannot read \(file): check the path")
        }
        if let vocab, !FileManager.default.isReadableFile(atPath: vocab) {
            throw ValidationError("cannot read the vocabulary \(vocab): pass a vocab.txt with --vocab, or omit it for the bundled one")
        }
        guard maxLineBytes >= 64 else { throw ValidationError("--max-line-bytes must be at least 64 (default 1048576)") }
    }

    public func run() throws {
        let tokenizer = BertTokenizer(vocabulary: try Vocabulary(contentsOf: vocab ?? Vocabulary.bundledPath(cased: cased)),
                                      lowercase: !cased)
        let output = LineWriter(handle: .standardOutput)
        let sources = files.isEmpty ? [("standard input", FileHandle.standardInput)]
            : try files.map { ($0, try FileHandle(forReadingFrom: URL(fileURLWithPath: $0))) }
        for (name, handle) in sources {
            try tokenize(LinePieceReader(descriptor: handle.fileDescriptor, name: name, maxBytes: maxLineBytes, countOffsets: offsets),
                         tokenizer, into: output, warn: { FileHandle.standardError.write(Data(("warning: " + $0 + "\n").utf8)) })
        }
        output.flush()
    }

    /// Tokenizes every piece of `reader` on all cores, in batches of 4096 pieces or of enough bytes to give
    /// each core a piece (4 MiB at least), and writes their JSON to `output` in order (`output` is not
    /// flushed). Memory stays at a few batches whatever the lines' lengths.
    func tokenize(_ reader: LinePieceReader, _ tokenizer: BertTokenizer, into output: LineWriter, warn: (String) -> Void) throws {
        var batch: [LinePiece] = []
        var batchBytes = 0
        let batchByteLimit = max(4 << 20, ProcessInfo.processInfo.activeProcessorCount * maxLineBytes)
        func flush() throws {
            let texts = try batch.map { try text(of: $0.text, line: $0.line, in: reader.name) }
            for json in encodeInOrder(texts, batch, tokenizer) { output.write(json) }
            batch.removeAll(keepingCapacity: true)
            batchBytes = 0
        }
        while let piece = try reader.next() {
            if !piece.continuation && !piece.endsLine {
                guard !jsonl else {
                    throw CommandError("\(reader.name):\(piece.line): the line is longer than --max-line-bytes \(maxLineBytes), "
                        + "and a JSON object cannot be split: raise --max-line-bytes")
                }
                warn("\(reader.name):\(piece.line): the line is longer than --max-line-bytes \(maxLineBytes); "
                     + "it is tokenized in pieces (split at whitespace where there is some), one output object each, "
                     + "\"continuation\": true after the first")
            }
            batchBytes += piece.text.utf8.count
            batch.append(piece)
            if batch.count == 4096 || batchBytes >= batchByteLimit { try flush() }
        }
        try flush()
    }

    private func text(of line: String, line number: Int, in source: String) throws -> String {
        guard jsonl else { return line }
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let text = object["text"] as? String else {
            throw CommandError("\(source):\(number): not a JSON object with a \"text\" string field (--jsonl expects one per line)")
        }
        return text
    }

    /// Encodes `texts` (of `pieces`) on all cores and returns their JSON in input order.
    private func encodeInOrder(_ texts: [String], _ pieces: [LinePiece], _ tokenizer: BertTokenizer) -> [String] {
        var results = [String](repeating: "", count: texts.count)
        let format = TokenizeFormat(special: special, tokens: tokens, offsets: offsets)
        let threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
        results.withUnsafeMutableBufferPointer { buffer in
            let out = UnsafeSendableBuffer(buffer)
            DispatchQueue.concurrentPerform(iterations: threads) { part in
                for i in stride(from: part, to: texts.count, by: threads) {
                    out.buffer[i] = format.json(for: texts[i], tokenizer, offset: pieces[i].offset, continuation: pieces[i].continuation)
                }
            }
        }
        return results
    }
}

/// What `electra tokenize` prints for each text.
private struct TokenizeFormat: Sendable {
    let special: Bool
    let tokens: Bool
    let offsets: Bool

    /// `offset`: code points of the line before `text` (a piece of a split line), added to every offset.
    func json(for text: String, _ tokenizer: BertTokenizer, offset: Int = 0, continuation: Bool = false) -> String {
        var ids: [Int32], spans: [Range<Int>]
        if special {
            let pair = tokenizer.encodePair(text)
            (ids, spans) = (pair.ids, pair.offsets)
        } else {
            let encoding = tokenizer.encode(text)
            (ids, spans) = (encoding.ids, encoding.offsets)
        }
        var json = "{\"ids\":[" + ids.map(String.init).joined(separator: ",") + "]"
        if offsets {
            // Special tokens keep their empty 0..<0 range.
            json += ",\"offsets\":[" + spans.map { $0.isEmpty ? "[\($0.lowerBound),\($0.upperBound)]" : "[\($0.lowerBound + offset),\($0.upperBound + offset)]" }
                .joined(separator: ",") + "]"
        }
        if tokens {
            json += ",\"tokens\":[" + ids.map { JSONText.quote(tokenizer.vocabulary.token($0)) }.joined(separator: ",") + "]"
        }
        if continuation { json += ",\"continuation\":true" }
        return json + "}"
    }
}

/// A mutable buffer shared by threads that each write distinct elements.
private struct UnsafeSendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
