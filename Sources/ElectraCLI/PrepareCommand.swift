// `electra prepare`: text files to pretraining shards, with the rules of Google's
// `build_pretraining_dataset.py` (ElectraData's `CorpusPreparer` does the work).

import ArgumentParser
import ElectraData
import ElectraDistributed
import ElectraTensor
import ElectraTokenizer
import Foundation

extension CorpusFormat: ExpressibleByArgument {}

/// `electra prepare INPUT... --output DIR`: text to pretraining shards.
public struct PrepareCommand: ParsableCommand {
    public init() {}

    /// Name, abstract and discussion for `electra prepare --help`.
    public static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Turn text files into pretraining shards (token ids packed into examples, with segment ids).",
        discussion: """
            Reads the corpus as a stream, tokenizes it on all cores and packs sentences into examples as \
            Google's ELECTRA build_pretraining_dataset.py does ([CLS] A [SEP] B [SEP], random shorter \
            targets 5% of the time, one segment 10% of the time). Examples are dealt round-robin into \
            --shards files named shard-00000-of-0000N.bin; manifest.json records how they were made. \
            The output is the same for a given seed whatever the thread count. With --from-tfrecord, \
            imports the examples of Google's or NVIDIA's TFRecord files instead (docs/corpora.md). \
            With --part i/n, prepares only every n-th document (from the i-th) into part files; \
            `electra prepare --merge DIR... -o OUT --shards N` then writes the shards one process would.
            """
    )

    @Argument(help: "Text files, or directories of *.txt files (searched recursively, sorted by path).")
    var inputs: [String] = []

    @Option(name: .customLong("from-tfrecord"), parsing: .singleValue,
            help: "Import TFRecord files of pretraining examples instead of text: a file, a directory, or a quoted glob ('data/*.tfrecord*'); repeatable.")
    var fromTFRecord: [String] = []

    @Option(name: [.short, .long], help: "Directory for the shards and manifest.json (created when missing).")
    var output: String

    @Option(help: "WordPiece vocabulary (default: the bundled BERT uncased vocabulary, or the cased one with --cased).")
    var vocab: String?

    @Flag(help: "Keep case and accents (cased vocabularies).")
    var cased = false

    @Option(help: "Longest example in tokens, [CLS] and [SEP]s included (8 to 4096; default 128, or with --from-tfrecord the records' padded length).")
    var maxSeqLength: Int?

    @Option(help: "Shard files to deal the examples into.")
    var shards = 1

    @Option(help: "sentences: one sentence per line, a blank line between documents (Google's format); paragraphs: hard-wrapped paragraphs split into sentences, two or more blank lines between documents; books: paragraphs, one book (document) per file, Project Gutenberg header and licence dropped.")
    var format: CorpusFormat = .sentences

    @Option(help: "Seed of the example builder's random choices.")
    var seed: UInt64 = 12345

    @Option(help: "Tokenizer threads (default: all cores).")
    var threads: Int?

    @Option(help: "Prepare only part i of n (0-based): the documents d with d % n == i, into part-*.bin/.documents/.json files for --merge.")
    var part: String?

    @Flag(help: "The inputs are directories holding the parts of `--part i/n` runs: merge them into --shards shards.")
    var merge = false

    @Flag(help: "Write the sentences as split (one per line, a blank line after each document) to OUTPUT/sentences.txt instead of shards.")
    var sentences = false

    /// Checks the options; each mistake ends with one message that says what to pass instead.
    public func validate() throws {
        guard !inputs.isEmpty || !fromTFRecord.isEmpty else {
            throw ValidationError("give at least one input: text files, or directories of *.txt files (or --from-tfrecord FILES)")
        }
        guard inputs.isEmpty || fromTFRecord.isEmpty else {
            throw ValidationError("give either text inputs or --from-tfrecord, not both: run `electra prepare` once for each")
        }
        for input in inputs where !FileManager.default.fileExists(atPath: input) {
            throw ValidationError("\(input) does not exist: pass text files or directories of *.txt files")
        }
        if let maxSeqLength, !PrepareOptions.sequenceLengths.contains(maxSeqLength) {
            throw ValidationError("--max-seq-length must be in 8...4096 (ELECTRA uses 128, then 512), got \(maxSeqLength)")
        }
        guard shards >= 1 && shards <= 99_999 else {
            throw ValidationError("--shards must be in 1...99999, got \(shards)")
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let part, PreparePart(parsing: part) == nil {
            throw ValidationError("--part takes i/n with 0 <= i < n (for example 0/4 ... 3/4), got \(part)")
        }
        if merge && (part != nil || !fromTFRecord.isEmpty) {
            throw ValidationError("--merge takes the part directories as inputs: run it without --part and --from-tfrecord")
        }
        if sentences && (merge || part != nil || !fromTFRecord.isEmpty) {
            throw ValidationError("--sentences writes the split text of text inputs: run it without --merge, --part and --from-tfrecord")
        }
        if part != nil && !fromTFRecord.isEmpty {
            throw ValidationError("--part splits text inputs: drop it with --from-tfrecord")
        }
        if let vocab, !FileManager.default.isReadableFile(atPath: vocab) {
            throw ValidationError("cannot read the vocabulary \(vocab): pass a vocab.txt with --vocab, or omit it for the bundled one")
        }
    }

    /// Prepares the corpus and prints the summary.
    public func run() throws {
        if !fromTFRecord.isEmpty { return try importTFRecords() }
        if merge { return try mergeParts() }
        if sentences { return try writeSentences() }
        if Launch.current.isDistributed { return try prepareAsRanks(Launch.current) }
        try prepareText(part: part.flatMap(PreparePart.init(parsing:)), into: output, reports: true)
    }

    /// Prepares the text inputs (or `part` of them) into `directory`; prints the summary when `reports`.
    func prepareText(part: PreparePart?, into directory: String, reports: Bool) throws {
        let files = try CorpusInputs.files(inputs)
        let vocabularyPath = vocab ?? Vocabulary.bundledPath(cased: cased)
        let maxSeqLength = maxSeqLength ?? 128
        let options = PrepareOptions(maxSequenceLength: maxSeqLength, shardCount: shards, format: format, seed: seed,
                                     threads: threads ?? Parallel.threadCount, part: part)
        let preparer = try CorpusPreparer(vocabulary: try Vocabulary(contentsOf: vocabularyPath), lowercase: !cased,
                                          vocabularyPath: vocabularyPath, options: options)
        guard reports else { _ = try preparer.prepare(files: files, outputDirectory: directory); return }
        let progress = PrepareProgressDisplay(onTerminal: isatty(STDERR_FILENO) != 0)
        print("electra prepare: \(files.count) file\(files.count == 1 ? "" : "s"), \(format.rawValue) format, "
              + "sequences of \(maxSeqLength), \(shards) shard\(shards == 1 ? "" : "s"), seed \(seed), "
              + "\(options.threads) thread\(options.threads == 1 ? "" : "s")" + (options.part.map { ", part \($0)" } ?? ""))
        let summary: PrepareSummary
        do {
            summary = try preparer.prepare(files: files, outputDirectory: directory, progress: progress.show)
        } catch {
            progress.finish()
            throw error
        }
        progress.finish()
        for line in Self.report(summary, output: directory, threads: options.threads,
                                manifest: options.part?.manifestName ?? "manifest.json") { print(line) }
        if format == .books {
            print("  gutenberg          \(Self.count(summary.gutenbergBooks)) of \(Self.count(summary.files)) books had their Project Gutenberg header or licence dropped")
        }
    }

    /// `--merge`: the parts in the input directories into shards.
    func mergeParts() throws {
        print("electra prepare --merge: \(inputs.count) director\(inputs.count == 1 ? "y" : "ies"), \(shards) shard\(shards == 1 ? "" : "s")")
        let summary = try PartMerger.merge(directories: inputs, outputDirectory: output, shardCount: shards)
        for line in Self.report(summary, output: output, threads: 1).dropLast() { print(line) }
    }

    /// `--sentences`: the split text instead of shards.
    private func writeSentences() throws {
        let files = try CorpusInputs.files(inputs)
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch {
            throw CorpusError.outputNotWritable(path: output, reason: "cannot create the directory")
        }
        let path = (output.hasSuffix("/") ? output : output + "/") + "sentences.txt"
        let statistics = try SentenceExport.write(files: files, format: format, to: path)
        print("electra prepare --sentences: \(Self.count(statistics.documents)) documents, "
              + "\(Self.count(statistics.sentences)) sentences in \(path)")
    }

    /// The closing summary, one line per item.
    static func report(_ summary: PrepareSummary, output: String, threads: Int, manifest: String = "manifest.json") -> [String] {
        let shardList = summary.shards.count <= 2 ? summary.shards.joined(separator: ", ")
            : "\(summary.shards[0]) … \(summary.shards[summary.shards.count - 1])"
        return [
            "  files              \(count(summary.files))",
            "  documents          \(count(summary.documents))",
            "  sentences          \(count(summary.sentences))",
            "  tokens             \(count(summary.tokens)) (\(count(summary.truncatedTokens)) dropped by truncation)",
            "  examples           \(count(summary.examples)) (\(count(summary.exampleTokens)) tokens with [CLS]/[SEP])",
            "  shards             \(summary.shards.count) in \(output): \(shardList), \(manifest)",
            "  invalid UTF-8      \(count(summary.invalidUTF8Sequences)) sequence\(summary.invalidUTF8Sequences == 1 ? "" : "s") replaced by U+FFFD",
            "  throughput         " + String(format: "%.2f MB/s (%.1f MB in %.1f s, ", summary.megabytesPerSecond,
                                                Double(summary.inputBytes) / 1e6, summary.seconds)
                + "\(threads) thread\(threads == 1 ? "" : "s"))",
        ]
    }

    /// `1234567` as `1,234,567`.
    static func count(_ value: Int) -> String {
        let digits = Array(String(value.magnitude))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }
}

/// Progress on standard error: a line redrawn in place on a terminal, plain log lines every ten
/// seconds otherwise.
private final class PrepareProgressDisplay {
    private let onTerminal: Bool
    private var lastShown = -Double.infinity
    private var drewLine = false

    init(onTerminal: Bool) { self.onTerminal = onTerminal }

    func show(_ progress: PrepareProgress) {
        let interval = onTerminal ? 0.2 : 10
        guard progress.seconds - lastShown >= interval else { return }
        lastShown = progress.seconds
        let fraction = progress.totalBytes > 0 ? 100 * Double(progress.bytesRead) / Double(progress.totalBytes) : 0
        let rate = progress.seconds > 0 ? Double(progress.bytesRead) / progress.seconds / 1e6 : 0
        let text = String(format: "prepare: %5.1f%%  %.1f of %.1f MB  %.2f MB/s  ", min(fraction, 100),
                          Double(progress.bytesRead) / 1e6, Double(progress.totalBytes) / 1e6, rate)
            + "\(PrepareCommand.count(progress.sentences)) sentences  \(PrepareCommand.count(progress.examples)) examples"
        write(onTerminal ? "\r\u{1B}[K" + text : text + "\n")
        drewLine = onTerminal
    }

    func finish() {
        if drewLine { write("\r\u{1B}[K") }
        drewLine = false
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
