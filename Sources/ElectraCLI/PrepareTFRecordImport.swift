// `electra prepare --from-tfrecord`: Google's or NVIDIA's TFRecord pretraining examples into our
// shards (ElectraData's `TFRecordImporter` does the work).

import ElectraData
import ElectraTokenizer
import Foundation

extension PrepareCommand {
    /// Imports the `--from-tfrecord` files and prints the summary.
    func importTFRecords() throws {
        let files = try TFRecordInputs.files(fromTFRecord)
        let vocabularyPath = vocab ?? Vocabulary.bundledPath(cased: cased)
        let importer = TFRecordImporter(vocabulary: try Vocabulary(contentsOf: vocabularyPath), vocabularyPath: vocabularyPath,
                                        options: TFRecordImportOptions(maxSequenceLength: maxSeqLength, shardCount: shards))
        try importer.checkVocabularyBeside(files)
        Console.line("electra prepare: importing \(files.count) TFRecord file\(files.count == 1 ? "" : "s"), "
              + "\(shards) shard\(shards == 1 ? "" : "s"), vocab \(vocabularyPath)")
        let onTerminal = isatty(STDERR_FILENO) != 0
        var lastShown = 0.0
        let summary = try importer.importRecords(files: files, outputDirectory: output) { progress in
            guard progress.seconds - lastShown >= (onTerminal ? 0.2 : 10) else { return }
            lastShown = progress.seconds
            let text = String(format: "prepare: %.1f of %.1f MB  ", Double(progress.bytesRead) / 1e6,
                              Double(progress.totalBytes) / 1e6) + "\(Self.count(progress.records)) records"
            FileHandle.standardError.write(Data((onTerminal ? "\r\u{1B}[K" + text : text + "\n").utf8))
        }
        if onTerminal && lastShown > 0 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        for line in Self.report(summary, output: output) { Console.line(line) }
    }

    /// The closing summary of an import, one line per item.
    static func report(_ summary: TFRecordImportSummary, output: String) -> [String] {
        let shardList = summary.shards.count <= 2 ? summary.shards.joined(separator: ", ")
            : "\(summary.shards[0]) … \(summary.shards[summary.shards.count - 1])"
        return [
            "  files              \(count(summary.files)) (\(String(format: "%.1f", Double(summary.inputBytes) / 1e6)) MB)",
            "  records            \(count(summary.records)) (\(count(summary.restoredTokens)) masked tokens restored)",
            "  examples           \(count(summary.examples)) (\(count(summary.exampleTokens)) tokens with [CLS]/[SEP]), "
                + "sequences of \(summary.maxSequenceLength)",
            "  shards             \(summary.shards.count) in \(output): \(shardList), manifest.json",
            "  time               " + String(format: "%.1f s", summary.seconds),
        ]
    }
}
