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
            "tokens" and "offsets" (code-point ranges in the text) when asked.
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

    public func validate() throws {
        for file in files where !FileManager.default.isReadableFile(atPath: file) {
            throw ValidationError("cannot read \(file): check the path")
        }
        if let vocab, !FileManager.default.isReadableFile(atPath: vocab) {
            throw ValidationError("cannot read the vocabulary \(vocab): pass a vocab.txt with --vocab, or omit it for the bundled one")
        }
    }

    public func run() throws {
        let tokenizer = BertTokenizer(vocabulary: try Vocabulary(contentsOf: vocab ?? Vocabulary.bundledPath(cased: cased)),
                                      lowercase: !cased)
        let output = LineWriter(handle: .standardOutput)
        let sources = files.isEmpty ? [("standard input", FileHandle.standardInput)]
            : try files.map { ($0, try FileHandle(forReadingFrom: URL(fileURLWithPath: $0))) }
        for (name, handle) in sources {
            var lineNumber = 0
            var batch: [String] = []
            func flush() throws {
                let lines = try batch.enumerated().map { try text(of: $0.element, line: lineNumber - batch.count + $0.offset + 1, in: name) }
                for json in encodeInOrder(lines, tokenizer) { output.write(json) }
                batch.removeAll(keepingCapacity: true)
            }
            for line in LineReader(handle: handle) {
                lineNumber += 1
                batch.append(line)
                if batch.count == 4096 { try flush() }
            }
            try flush()
        }
        output.flush()
    }

    private func text(of line: String, line number: Int, in source: String) throws -> String {
        guard jsonl else { return line }
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let text = object["text"] as? String else {
            throw CommandError("\(source):\(number): not a JSON object with a \"text\" string field (--jsonl expects one per line)")
        }
        return text
    }

    /// Encodes `lines` on all cores and returns their JSON in input order.
    private func encodeInOrder(_ lines: [String], _ tokenizer: BertTokenizer) -> [String] {
        var results = [String](repeating: "", count: lines.count)
        let format = TokenizeFormat(special: special, tokens: tokens, offsets: offsets)
        let threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
        results.withUnsafeMutableBufferPointer { buffer in
            let out = UnsafeSendableBuffer(buffer)
            DispatchQueue.concurrentPerform(iterations: threads) { part in
                for i in stride(from: part, to: lines.count, by: threads) {
                    out.buffer[i] = format.json(for: lines[i], tokenizer)
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

    func json(for text: String, _ tokenizer: BertTokenizer) -> String {
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
            json += ",\"offsets\":[" + spans.map { "[\($0.lowerBound),\($0.upperBound)]" }.joined(separator: ",") + "]"
        }
        if tokens {
            json += ",\"tokens\":[" + ids.map { JSONText.quote(tokenizer.vocabulary.token($0)) }.joined(separator: ",") + "]"
        }
        return json + "}"
    }
}

/// A mutable buffer shared by threads that each write distinct elements.
private struct UnsafeSendableBuffer<Element>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Element>
    init(_ buffer: UnsafeMutableBufferPointer<Element>) { self.buffer = buffer }
}
