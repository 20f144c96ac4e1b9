// SentenceExport: a corpus's sentences as `CorpusReader` splits them, written in Google's sentences
// format (`electra prepare --sentences`): to check the splitter, or to prepare once-split text elsewhere.

import Foundation

/// Writes the sentences of a corpus, one per line, with a blank line after each document.
public enum SentenceExport {
    /// Reads `files` in `format` and writes their sentences to `path` (through `path.tmp`, renamed
    /// when complete). Sentences never hold a line end: the reader joins a paragraph's lines with
    /// spaces, and in `sentences` format a sentence is a line.
    /// - Returns: what was read.
    /// - Throws: `CorpusError` for unreadable input, `ShardError.writeFailed` when `path` cannot be written.
    public static func write(files: [String], format: CorpusFormat, to path: String) throws -> CorpusStatistics {
        let temporary = path + ".tmp"
        let output = try BufferedOutputFile(path: temporary)
        do {
            let reader = CorpusReader(files: files, format: format)
            while let event = try reader.next() {
                switch event {
                case .sentence(let text): try output.write(Array(text.utf8) + [0x0A])
                case .documentEnd: try output.write([0x0A])
                }
            }
            try output.syncAndClose()
            try replaceFile(path, with: temporary)
            return reader.statistics
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }
}
