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
/// through one `ExampleBuilder`, which starts document *d* (from 0) with the generator
/// `RandomGenerator(seed: options.seed).split("documents").split(d)`. Example *k* goes to shard
/// `k % shardCount`. The shards are therefore the same for any thread count, and, since documents
/// are independent, the same when `options.part` splits the work and `PartMerger` joins it.
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
        let part = options.part
        let shards = try ShardSetWriter(directory: outputDirectory, count: part == nil ? options.shardCount : 1,
                                        vocabularyFingerprint: vocabulary.fingerprint, vocabularySize: vocabulary.count,
                                        maxSequenceLength: options.maxSequenceLength, names: part.map { [$0.examplesName] })
        var summary = PrepareSummary()
        let documentGenerators = RandomGenerator(seed: options.seed).split("documents")
        var builder = ExampleBuilder(maxSequenceLength: options.maxSequenceLength, classifierId: vocabulary.classifierId,
                                     separatorId: vocabulary.separatorId, generator: documentGenerators.split(0))
        var document = 0                   // the number of the document being read
        var documentExamples: [UInt32] = []  // with a part: each of its documents' examples
        var examplesBefore = 0
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
                    if let part, part.owns(document: document) {
                        documentExamples.append(UInt32(shards.examples - examplesBefore))
                        examplesBefore = shards.examples
                    }
                    document += 1
                    builder.startDocument(generator: documentGenerators.split(UInt64(document)))
                }
            }
        }

        var readDocument = 0   // the number of the document `readBatch` is in
        var pending: TokenizationJob? = nil
        while true {
            let events = try readBatch(reader, part: part, document: &readDocument)
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
        guard shards.examples > 0 || (part != nil && statistics.sentences > 0) else {
            shards.discard()
            throw CorpusError.noText(paths: files)
        }
        if let part {
            var bytes = [UInt8]()
            bytes.reserveCapacity(4 * documentExamples.count)
            for count in documentExamples { withUnsafeBytes(of: count.littleEndian) { bytes.append(contentsOf: $0) } }
            try writeAtomically(Data(bytes), to: ShardSetWriter.slashed(outputDirectory) + part.documentsName)
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
        try writeAtomically(try encoder.encode(manifest) + [0x0A],
                            to: ShardSetWriter.slashed(outputDirectory) + (part?.manifestName ?? "manifest.json"))
        return summary
    }

    /// The next events, up to about `batchBytes` of sentence text; empty at the end of the corpus.
    /// With a part, the sentences of other parts' documents are left out (their document ends stay,
    /// to keep the count); `document` is the number of the document being read.
    private func readBatch(_ reader: CorpusReader, part: PreparePart?, document: inout Int) throws -> [CorpusEvent] {
        var events: [CorpusEvent] = []
        var bytes = 0
        while bytes < options.batchBytes, let event = try reader.next() {
            switch event {
            case .sentence(let text):
                if let part, !part.owns(document: document) { continue }
                bytes += text.utf8.count + 1
            case .documentEnd:
                document += 1
                bytes += 1
            }
            events.append(event)
        }
        return events
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
