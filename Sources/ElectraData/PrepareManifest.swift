// PrepareManifest: the options and counts of one `electra prepare` run, also written beside the
// shards as `manifest.json`.

/// Options of a corpus preparation.
public struct PrepareOptions: Codable, Equatable, Sendable {
    /// The longest example, `[CLS]` and `[SEP]`s included (8...4096).
    public var maxSequenceLength: Int
    /// Shards the examples are dealt into, round-robin.
    public var shardCount: Int
    /// How the input files lay out sentences and documents.
    public var format: CorpusFormat
    /// Seeds every random choice of the example builder.
    public var seed: UInt64
    /// Threads that tokenize.
    public var threads: Int
    /// Text, in bytes, read and tokenized per batch.
    public var batchBytes: Int
    /// When set, only this share of the documents is prepared, into part files for
    /// `PartMerger` instead of shards.
    public var part: PreparePart?

    /// Options with `electra prepare`'s defaults, except `threads` (1 here; all cores there).
    public init(maxSequenceLength: Int = 128, shardCount: Int = 1, format: CorpusFormat = .sentences,
                seed: UInt64 = 12345, threads: Int = 1, batchBytes: Int = 1 << 20, part: PreparePart? = nil) {
        self.maxSequenceLength = maxSequenceLength
        self.shardCount = shardCount
        self.format = format
        self.seed = seed
        self.threads = threads
        self.batchBytes = batchBytes
        self.part = part
    }

    /// The accepted sequence lengths.
    public static let sequenceLengths = 8...4096
}

/// What a preparation read and wrote.
public struct PrepareSummary: Codable, Equatable, Sendable {
    /// Input files read.
    public var files = 0
    /// Input bytes read.
    public var inputBytes = 0
    /// Documents holding at least one sentence.
    public var documents = 0
    /// Sentences read.
    public var sentences = 0
    /// Tokens of all sentences, before packing.
    public var tokens = 0
    /// Examples written.
    public var examples = 0
    /// Sentence tokens dropped by truncation to the sequence length.
    public var truncatedTokens = 0
    /// Tokens in the shards, `[CLS]` and `[SEP]`s included.
    public var exampleTokens = 0
    /// Invalid UTF-8 sequences replaced by U+FFFD.
    public var invalidUTF8Sequences = 0
    /// Files whose Project Gutenberg header or footer was dropped (`books` format).
    public var gutenbergBooks = 0
    /// Shard file names, in index order.
    public var shards: [String] = []
    /// Examples per shard.
    public var shardExamples: [Int] = []
    /// Seconds the preparation took.
    public var seconds = 0.0

    /// An empty summary.
    public init() {}

    /// Input megabytes (10⁶ bytes) per second.
    public var megabytesPerSecond: Double { seconds > 0 ? Double(inputBytes) / seconds / 1e6 : 0 }
}

/// `manifest.json`: how the shards in a directory were made.
public struct PrepareManifest: Codable, Equatable, Sendable {
    /// The shard format version written.
    public var formatVersion = ShardHeader.currentVersion
    /// The vocabulary file used.
    public var vocabularyPath: String
    /// `Vocabulary.fingerprint` as 16 hex digits (JSON numbers lose 64-bit precision in many readers).
    public var vocabularyFingerprint: String
    /// Tokens in the vocabulary.
    public var vocabularySize: Int
    /// Whether text was lower-cased (uncased vocabularies).
    public var lowercase: Bool
    /// The longest example, `[CLS]`/`[SEP]` included.
    public var maxSequenceLength: Int
    /// How the inputs were read.
    public var format: CorpusFormat
    /// The example builder's seed.
    public var seed: UInt64
    /// The input files, in the order read.
    public var inputs: [String]
    /// What was read and written.
    public var summary: PrepareSummary
    /// The share of the documents prepared, for the manifest of a part (`nil` for shards).
    public var part: PreparePart?

    /// The manifest of a preparation with `options` of `inputs`.
    public init(vocabularyPath: String, vocabularyFingerprint: UInt64, vocabularySize: Int, lowercase: Bool,
                options: PrepareOptions, inputs: [String], summary: PrepareSummary) {
        self.vocabularyPath = vocabularyPath
        self.vocabularyFingerprint = ShardError.hex(vocabularyFingerprint)
        self.vocabularySize = vocabularySize
        self.lowercase = lowercase
        maxSequenceLength = options.maxSequenceLength
        format = options.format
        seed = options.seed
        self.inputs = inputs
        self.summary = summary
        part = options.part
    }
}
