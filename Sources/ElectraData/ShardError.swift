// ShardError: why a shard (or a directory of shards) cannot be written or used, with the fix.

/// A problem with pretraining shards; each message names the file and says what to do.
public enum ShardError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file cannot be opened, read or mapped.
    case unreadable(path: String, reason: String)
    /// The file does not start with the shard magic.
    case notAShard(path: String)
    /// The file is shorter than its header says.
    case truncated(path: String, size: Int, expected: Int)
    /// The file is in a format version this build does not read.
    case unsupportedVersion(path: String, version: Int)
    /// A checksum or a consistency check failed; `part` says which.
    case corrupt(path: String, part: String)
    /// The shard was built with another vocabulary.
    case wrongVocabulary(path: String, found: UInt64, expected: UInt64)
    /// The shard holds sequences of another length.
    case wrongSequenceLength(path: String, found: Int, expected: Int)
    /// A directory holds no shard.
    case noShards(directory: String)
    /// The shards in a directory do not form one complete set.
    case incompleteSet(directory: String, detail: String)
    /// A data-parallel rank would get no shard.
    case rankWithoutShards(directory: String, rank: Int, worldSize: Int, shardCount: Int)
    /// A saved data position lies outside the examples a rank now has.
    case positionOutOfRange(directory: String, epoch: Int, index: Int, exampleCount: Int)
    /// Writing a shard failed.
    case writeFailed(path: String, reason: String)

    /// The message for the user: the file, what went wrong, and what to do.
    public var description: String {
        let rebuild = "delete it and rerun `electra prepare`"
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read the shard \(path): \(reason); check the path and its permissions"
        case .notAShard(let path):
            return "\(path) is not an electra shard (it does not start with ELECSHRD): point at the --output "
                + "directory of `electra prepare`"
        case .truncated(let path, let size, let expected):
            return "the shard \(path) is truncated (\(size) bytes, its header needs \(expected)): an unfinished "
                + "copy or write; \(rebuild)"
        case .unsupportedVersion(let path, let version):
            return "the shard \(path) is in format version \(version), but this build reads version "
                + "\(ShardHeader.currentVersion): rebuild it with this build's `electra prepare`"
        case .corrupt(let path, let part):
            return "the shard \(path) is corrupt (\(part) check failed): \(rebuild)"
        case .wrongVocabulary(let path, let found, let expected):
            return "the shard \(path) was built with another vocab (fingerprint \(Self.hex(found)), expected "
                + "\(Self.hex(expected))): rebuild with `electra prepare --vocab …` using the model's vocab.txt"
        case .wrongSequenceLength(let path, let found, let expected):
            return "the shard \(path) holds sequences of \(found) tokens, but \(expected) were asked for: rebuild "
                + "with `electra prepare --max-seq-length \(expected)`, or train at \(found)"
        case .noShards(let directory):
            return "\(directory) holds no shard-*-of-*.bin file: run `electra prepare --output \(directory)` first"
        case .incompleteSet(let directory, let detail):
            return "the shards in \(directory) are not one complete set (\(detail)): rerun `electra prepare` "
                + "into an empty directory"
        case .rankWithoutShards(let directory, let rank, let worldSize, let shardCount):
            return "rank \(rank) of \(worldSize) gets no shard: \(directory) holds \(shardCount); rebuild with "
                + "`electra prepare --shards N` with N at least \(worldSize) (a multiple of it balances the ranks)"
        case .positionOutOfRange(let directory, let epoch, let index, let exampleCount):
            return "the saved data position (epoch \(epoch), example \(index)) is outside this rank's \(exampleCount) "
                + "examples in \(directory): resume with the shards (and --shards/world size) the run started with"
        case .writeFailed(let path, let reason):
            return "cannot write \(path): \(reason); check the free space and permissions of the output directory"
        }
    }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }
}
