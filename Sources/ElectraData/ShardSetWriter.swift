// ShardSetWriter: the shards of one output directory, with examples dealt round-robin into them;
// shared by `CorpusPreparer` (text) and `TFRecordImporter` (TFRecord files).

import Foundation

/// Writes a set of `count` shards into a directory: example *k* goes to shard `k % count`. Each
/// shard appears under its name only when `finish()` has written it whole; `finish()` then removes
/// the shards of sets of other sizes an earlier run left there.
final class ShardSetWriter {
    /// The shard file names, by index.
    let names: [String]
    /// Examples written to each shard.
    private(set) var shardExamples: [Int]
    /// Examples written in all.
    private(set) var examples = 0
    /// Tokens written in all, `[CLS]` and `[SEP]`s included.
    private(set) var tokens = 0
    private let directory: String
    private let writers: [ShardWriter]
    private let removesOtherSets: Bool

    /// Creates `directory` when needed and starts `count` shards in it (or, given `names`, files of
    /// those names, and `finish()` then leaves other files alone).
    /// - Throws: `CorpusError.outputNotWritable` or `ShardError.writeFailed`.
    init(directory: String, count: Int, vocabularyFingerprint: UInt64, vocabularySize: Int,
         maxSequenceLength: Int, names: [String]? = nil) throws {
        precondition(names == nil || names!.count == count, "ShardSetWriter: \(count) shards need \(count) names")
        try Self.makeWritableDirectory(directory)
        self.directory = directory
        removesOtherSets = names == nil
        self.names = names ?? (0..<count).map { ShardNaming.name(index: $0, count: count) }
        // 256 KiB of write buffer per shard, less when there are many (32 MiB in all at most).
        let bufferSize = max(1 << 14, min(1 << 18, (32 << 20) / count))
        let base = Self.slashed(directory)
        writers = try self.names.map {
            try ShardWriter(path: base + $0, vocabularyFingerprint: vocabularyFingerprint, vocabularySize: vocabularySize,
                            maxSequenceLength: maxSequenceLength, bufferSize: bufferSize)
        }
        shardExamples = [Int](repeating: 0, count: count)
    }

    /// Appends one example's ids to the next shard in turn.
    func append<C: Collection>(tokens ids: C, segmentBStart: Int) throws where C.Element == Int32 {
        let shard = examples % writers.count
        try writers[shard].append(tokens: ids, segmentBStart: segmentBStart)
        shardExamples[shard] += 1
        examples += 1
        tokens += ids.count
    }

    /// Writes every shard into place, then removes shards of other set sizes.
    func finish() throws {
        for writer in writers { try writer.finish() }
        guard removesOtherSets else { return }
        let base = Self.slashed(directory)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            if let parsed = ShardNaming.parse(name), parsed.count != writers.count {
                try? FileManager.default.removeItem(atPath: base + name)
            }
        }
    }

    /// Deletes every temporary file; no shard is written.
    func discard() {
        writers.forEach { $0.discard() }
    }

    /// `directory` with a trailing slash.
    static func slashed(_ directory: String) -> String {
        directory.hasSuffix("/") ? directory : directory + "/"
    }

    private static func makeWritableDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CorpusError.outputNotWritable(path: path, reason: "cannot create the directory")
        }
        guard FileManager.default.isWritableFile(atPath: path) else {
            throw CorpusError.outputNotWritable(path: path, reason: "the directory is not writable")
        }
    }
}
