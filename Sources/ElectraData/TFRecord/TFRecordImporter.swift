// TFRecordImporter: pretraining examples of Google's or NVIDIA's TFRecord files into our shards,
// record for record, with `manifest.json` beside them.

import ElectraTensor
import ElectraTokenizer
import Foundation

/// Options of a TFRecord import.
public struct TFRecordImportOptions: Codable, Equatable, Sendable {
    /// The shards' sequence length; `nil` takes the length the first record is padded to.
    public var maxSequenceLength: Int?
    /// Shards the examples are dealt into, round-robin.
    public var shardCount: Int

    /// Options for `shardCount` shards of `maxSequenceLength` (or the records' padded length).
    public init(maxSequenceLength: Int? = nil, shardCount: Int = 1) {
        self.maxSequenceLength = maxSequenceLength
        self.shardCount = shardCount
    }
}

/// What an import read and wrote.
public struct TFRecordImportSummary: Codable, Equatable, Sendable {
    /// Files read.
    public var files = 0
    /// Bytes read.
    public var inputBytes = 0
    /// Records read (one example each).
    public var records = 0
    /// BERT masked positions whose original token was put back.
    public var restoredTokens = 0
    /// The shards' sequence length.
    public var maxSequenceLength = 0
    /// Examples written.
    public var examples = 0
    /// Tokens written, `[CLS]` and `[SEP]`s included.
    public var exampleTokens = 0
    /// Shard file names, in index order.
    public var shards: [String] = []
    /// Examples per shard.
    public var shardExamples: [Int] = []
    /// Seconds the import took.
    public var seconds = 0.0

    /// An empty summary.
    public init() {}
}

/// `manifest.json` of an imported shard set.
public struct TFRecordManifest: Codable, Equatable, Sendable {
    /// Always `tfrecord`: the shards were imported, not prepared from text.
    public var source = "tfrecord"
    /// The shard format version written.
    public var formatVersion = ShardHeader.currentVersion
    /// The vocabulary the ids were checked against.
    public var vocabularyPath: String
    /// `Vocabulary.fingerprint` as 16 hex digits.
    public var vocabularyFingerprint: String
    /// Tokens in the vocabulary.
    public var vocabularySize: Int
    /// The TFRecord files, in the order read.
    public var inputs: [String]
    /// What was read and written.
    public var summary: TFRecordImportSummary
}

/// How far an import has got, for progress displays.
public struct TFRecordImportProgress: Sendable {
    /// Bytes of the inputs read so far, and their total.
    public var bytesRead: Int, totalBytes: Int
    /// Records read so far.
    public var records: Int
    /// Seconds since the start.
    public var seconds: Double
}

/// Imports TFRecord pretraining records (see `PretrainingRecord`) into a shard set.
///
/// Files are read in the order given, records in file order; record *k* (from 0, over all files)
/// becomes example *k*, dealt to shard `k % shardCount`. With one shard, the shard holds exactly the
/// records' examples in order; `--shards N` gives the same dealing as `electra prepare`.
public struct TFRecordImporter {
    /// The vocabulary the ids must fit.
    public let vocabulary: Vocabulary
    /// Named in the manifest and in errors.
    public let vocabularyPath: String
    /// Sequence length and shard count.
    public let options: TFRecordImportOptions

    /// An importer checking ids against `vocabulary` (read from `vocabularyPath`).
    public init(vocabulary: Vocabulary, vocabularyPath: String, options: TFRecordImportOptions) {
        precondition(options.shardCount >= 1, "TFRecordImportOptions needs at least one shard")
        self.vocabulary = vocabulary
        self.vocabularyPath = vocabularyPath
        self.options = options
    }

    /// Refuses the import when a `vocab.txt` lies beside any of `files` and differs from the
    /// vocabulary (Google's and NVIDIA's data directories often keep the one they were made with).
    /// - Throws: `TFRecordError.vocabularyMismatch`.
    public func checkVocabularyBeside(_ files: [String]) throws {
        let directories = Set(files.map { ($0 as NSString).deletingLastPathComponent })
        for directory in directories.sorted() {
            let beside = directory.isEmpty ? "vocab.txt" : ShardSetWriter.slashed(directory) + "vocab.txt"
            guard FileManager.default.fileExists(atPath: beside),
                  let found = try? Vocabulary(contentsOf: beside) else { continue }
            guard found.fingerprint == vocabulary.fingerprint else {
                throw TFRecordError.vocabularyMismatch(vocabularyPath: vocabularyPath, besidePath: beside)
            }
        }
    }

    /// Imports every record of `files` into shards in `outputDirectory`, then writes `manifest.json`.
    /// Nothing is left under a shard's name unless the whole import succeeded.
    /// - Throws: `TFRecordError` for a bad file or record, `CorpusError`/`ShardError` for the output.
    public func importRecords(files: [String], outputDirectory: String,
                              progress: ((TFRecordImportProgress) -> Void)? = nil) throws -> TFRecordImportSummary {
        let clock = ContinuousClock()
        let started = clock.now
        func seconds() -> Double {
            let elapsed = (clock.now - started).components
            return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        }
        let totalBytes = CorpusInputs.totalBytes(files)
        let facts = PretrainingRecord.Vocabulary(size: vocabulary.count, classifierId: vocabulary.classifierId,
                                                 separatorId: vocabulary.separatorId)
        var summary = TFRecordImportSummary()
        let maxSequenceLength = try options.maxSequenceLength ?? Self.longestPaddedLength(files)
        let shards = try ShardSetWriter(directory: outputDirectory, count: options.shardCount,
                                        vocabularyFingerprint: vocabulary.fingerprint,
                                        vocabularySize: vocabulary.count, maxSequenceLength: maxSequenceLength)
        do {
            for path in files {
                let reader = try TFRecordReader(path: path)
                while let record = try reader.next({ data in
                    let number = reader.recordCount + 1
                    let features: ExampleFeatures
                    do {
                        features = try ExampleFeatures(parsing: data, keeping: PretrainingRecord.featureNames)
                    } catch let error as ProtobufError {
                        throw TFRecordError.malformedExample(path: path, record: number, detail: error.description)
                    }
                    return try PretrainingRecord(features, vocabulary: facts, maxSequenceLength: maxSequenceLength,
                                                 path: path, record: number)
                }) {
                    try shards.append(tokens: record.tokens, segmentBStart: record.segmentBStart)
                    summary.records += 1
                    summary.restoredTokens += record.restoredTokens
                    if summary.records % 4096 == 0, let progress {
                        progress(TFRecordImportProgress(bytesRead: summary.inputBytes + reader.offset,
                                                        totalBytes: totalBytes, records: summary.records,
                                                        seconds: seconds()))
                    }
                }
                summary.files += 1
                summary.inputBytes += reader.offset
            }
        } catch {
            shards.discard()
            throw error
        }
        guard shards.examples > 0 else {
            shards.discard()
            throw TFRecordError.noRecords(paths: files)
        }
        try shards.finish()
        summary.maxSequenceLength = maxSequenceLength
        summary.examples = shards.examples
        summary.exampleTokens = shards.tokens
        summary.shards = shards.names
        summary.shardExamples = shards.shardExamples
        summary.seconds = seconds()
        let manifest = TFRecordManifest(vocabularyPath: vocabularyPath, vocabularyFingerprint: ShardError.hex(vocabulary.fingerprint),
                                        vocabularySize: vocabulary.count, inputs: files, summary: summary)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeAtomically(try encoder.encode(manifest) + [0x0A], to: ShardSetWriter.slashed(outputDirectory) + "manifest.json")
        return summary
    }

    /// The longest length the first records of `files` are padded to, which sets the sequence length
    /// when none was given (a file's records share one padded length).
    /// - Throws: `TFRecordError` for an unreadable first record, or a length outside 8...4096.
    static func longestPaddedLength(_ files: [String]) throws -> Int {
        var longest = PrepareOptions.sequenceLengths.lowerBound
        for path in files {
            let reader = try TFRecordReader(path: path)
            let length = try reader.next { data in
                do {
                    return try ExampleFeatures(parsing: data, keeping: ["input_ids"]).int64("input_ids")?.count ?? 0
                } catch let error as ProtobufError {
                    throw TFRecordError.malformedExample(path: path, record: 1, detail: error.description)
                }
            } ?? 0
            guard length <= PrepareOptions.sequenceLengths.upperBound else {
                throw TFRecordError.tooLong(path: path, record: 1, length: length,
                                            maxSequenceLength: PrepareOptions.sequenceLengths.upperBound)
            }
            longest = max(longest, length)
        }
        return longest
    }
}
