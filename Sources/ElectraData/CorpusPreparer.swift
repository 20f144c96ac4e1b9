// CorpusPreparer: the whole `electra prepare` pipeline as a library call: stream the corpus, tokenize
// in parallel, build examples in order, deal them round-robin into shards, write the manifest.

import Dispatch
import ElectraTensor
import ElectraTokenizer
import Foundation

/// What a preparation has done so far, for progress displays.
public struct PrepareProgress: Sendable {
    /// Input bytes read so far.
    public var bytesRead: Int
    /// The size of all inputs.
    public var totalBytes: Int
    /// Sentences read so far.
    public var sentences: Int
    /// Examples written so far.
    public var examples: Int
    /// Seconds since the start.
    public var seconds: Double
}

/// Turns text files into pretraining shards, as Google's `build_pretraining_dataset.py` does.
///
/// The corpus is read in batches of about `options.batchBytes` of text; while one batch is tokenized on
/// `options.threads` threads, the next is read and the previous one's sentences go, in corpus order,
/// through one `ExampleBuilder` seeded with `RandomGenerator(seed: options.seed).split("examples")`.
/// Example *k* goes to shard `k % shardCount`. The shards are therefore the same for any thread count.
/// Memory is bounded whatever the corpus size: two batches of text and ids, the builder's pending
/// sentences, and a write buffer per shard (32 MiB in all at most).
public struct CorpusPreparer {
    /// The tokenizer (BERT's basic tokenizer and WordPiece, with `lowercase` deciding case and
    /// accents, as for BERT's released vocabularies).
    public let tokenizer: BertTokenizer
    /// Sequence length, shards, format, seed, threads.
    public let options: PrepareOptions
    /// Named in the manifest.
    public let vocabularyPath: String
    /// Called with every example in order (tests and statistics).
    public var exampleObserver: ((PretrainingExample) -> Void)?
    /// One tokenizer per thread, each over its own copy of the vocabulary: threads that share one
    /// vocabulary contend on its reference counts and scale poorly.
    private let threadTokenizers: [BertTokenizer]

    /// A preparer that tokenizes with `vocabulary`, lower-casing (and stripping accents) when
    /// `lowercase`.
    /// - Parameter vocabularyPath: where `vocabulary` came from, recorded in the manifest.
    public init(vocabulary: Vocabulary, lowercase: Bool, vocabularyPath: String, options: PrepareOptions) throws {
        precondition(PrepareOptions.sequenceLengths.contains(options.maxSequenceLength),
                     "maxSequenceLength \(options.maxSequenceLength) outside \(PrepareOptions.sequenceLengths)")
        precondition(options.shardCount >= 1 && options.threads >= 1 && options.batchBytes >= 1,
                     "PrepareOptions needs at least one shard, thread and byte per batch")
        tokenizer = BertTokenizer(vocabulary: vocabulary, lowercase: lowercase)
        threadTokenizers = try [tokenizer] + (1..<options.threads).map { _ in
            BertTokenizer(vocabulary: try Vocabulary(tokens: vocabulary.tokens, source: vocabularyPath), lowercase: lowercase)
        }
        self.vocabularyPath = vocabularyPath
        self.options = options
    }

    /// Prepares `files` (see `CorpusInputs.files`) into `outputDirectory`: the shards, then
    /// `manifest.json`. Shards of an earlier run with another shard count are removed afterwards.
    /// - Parameter progress: called after each batch.
    /// - Throws: `CorpusError` (unreadable input, no text, unwritable output) or `ShardError`.
    public func prepare(files: [String], outputDirectory: String,
                        progress: ((PrepareProgress) -> Void)? = nil) throws -> PrepareSummary {
        let clock = ContinuousClock()
        let started = clock.now
        let totalBytes = CorpusInputs.totalBytes(files)
        let vocabulary = tokenizer.vocabulary
        let shards = try ShardSetWriter(directory: outputDirectory, count: options.shardCount,
                                        vocabularyFingerprint: vocabulary.fingerprint, vocabularySize: vocabulary.count,
                                        maxSequenceLength: options.maxSequenceLength)
        var summary = PrepareSummary()
        var builder = ExampleBuilder(maxSequenceLength: options.maxSequenceLength, classifierId: vocabulary.classifierId,
                                     separatorId: vocabulary.separatorId,
                                     generator: RandomGenerator(seed: options.seed).split("examples"))
        let reader = CorpusReader(files: files, format: options.format)

        func emit(_ example: PretrainingExample?) throws {
            guard let example else { return }
            try shards.append(tokens: example.tokens, segmentBStart: example.segmentBStart)
            exampleObserver?(example)
        }
        func consume(_ job: TokenizationJob) throws {
            for (index, event) in job.events.enumerated() {
                switch event {
                case .sentence:
                    summary.tokens += job.ids[index].count
                    try emit(builder.addSentence(job.ids[index]))
                case .documentEnd:
                    try emit(builder.endDocument())
                }
            }
        }

        var pending: TokenizationJob? = nil
        while true {
            let events = try readBatch(reader)
            pending?.wait()
            let next = events.isEmpty ? nil : TokenizationJob(events: events, tokenizers: threadTokenizers)
            if let pending {
                try consume(pending)
                if let progress {
                    let statistics = reader.statistics
                    progress(PrepareProgress(bytesRead: statistics.bytes, totalBytes: totalBytes,
                                             sentences: statistics.sentences, examples: shards.examples,
                                             seconds: Self.seconds(clock.now - started)))
                }
            }
            pending = next
            if pending == nil { break }
        }
        try emit(builder.endDocument())   // nothing is pending: every file ended its document

        let statistics = reader.statistics
        guard shards.examples > 0 else {
            shards.discard()
            throw CorpusError.noText(paths: files)
        }
        try shards.finish()
        summary.shards = shards.names
        summary.shardExamples = shards.shardExamples
        summary.examples = shards.examples
        summary.exampleTokens = shards.tokens
        summary.files = statistics.files
        summary.inputBytes = statistics.bytes
        summary.documents = statistics.documents
        summary.sentences = statistics.sentences
        summary.invalidUTF8Sequences = statistics.invalidUTF8Sequences
        summary.gutenbergBooks = statistics.gutenbergBooks
        summary.truncatedTokens = builder.truncatedTokens
        summary.seconds = Self.seconds(clock.now - started)
        let manifest = PrepareManifest(vocabularyPath: vocabularyPath, vocabularyFingerprint: vocabulary.fingerprint,
                                       vocabularySize: vocabulary.count, lowercase: tokenizer.lowercase,
                                       options: options, inputs: files, summary: summary)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(try encoder.encode(manifest) + [0x0A], to: ShardSetWriter.slashed(outputDirectory) + "manifest.json")
        return summary
    }

    /// The next events, up to about `batchBytes` of sentence text; empty at the end of the corpus.
    private func readBatch(_ reader: CorpusReader) throws -> [CorpusEvent] {
        var events: [CorpusEvent] = []
        var bytes = 0
        while bytes < options.batchBytes, let event = try reader.next() {
            if case .sentence(let text) = event { bytes += text.utf8.count + 1 } else { bytes += 1 }
            events.append(event)
        }
        return events
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
