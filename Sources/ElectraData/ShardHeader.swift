// ShardHeader: the fixed 80-byte header of a pretraining shard file (docs/shard-format.md).

/// The header of a pretraining shard: what the shard holds and the checksums that guard it.
///
/// Layout, all integers little-endian (see `docs/shard-format.md`):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | magic `ELECSHRD` |
/// | 8 | 4 | format version (1) |
/// | 12 | 4 | header size in bytes (80) |
/// | 16 | 8 | vocabulary fingerprint (`Vocabulary.fingerprint`) |
/// | 24 | 4 | vocabulary size |
/// | 28 | 4 | maximum sequence length |
/// | 32 | 8 | example count *n* |
/// | 40 | 8 | token count *t* |
/// | 48 | 4 | token width in bytes: 2 (UInt16) when the vocabulary has at most 65536 tokens, else 4 |
/// | 52 | 4 | reserved, 0 |
/// | 56 | 8 | payload checksum: XXH64 (seed 0) of every byte after the header |
/// | 64 | 8 | reserved, 0 |
/// | 72 | 8 | header checksum: XXH64 (seed 0) of bytes 0..<72 |
///
/// The payload follows: the index, *n* entries of (UInt16 length, UInt16 segment-B start), where the
/// segment-B start equals the length when there is no segment B; then the *t* token ids of the
/// examples, one after another, `[CLS]` and `[SEP]` included, without padding. The file is exactly
/// `80 + 4n + width·t` bytes.
public struct ShardHeader: Equatable, Sendable {
    /// The 8 bytes every shard starts with.
    public static let magic: [UInt8] = Array("ELECSHRD".utf8)
    /// The format version this build writes and reads.
    public static let currentVersion = 1
    /// Bytes in the header.
    public static let size = 80
    /// Bytes per index entry.
    public static let indexEntrySize = 4

    /// The format version.
    public var version: Int
    /// `Vocabulary.fingerprint` of the vocabulary the ids come from.
    public var vocabularyFingerprint: UInt64
    /// Tokens in that vocabulary.
    public var vocabularySize: Int
    /// The longest example the shard may hold.
    public var maxSequenceLength: Int
    /// Examples in the shard.
    public var exampleCount: Int
    /// Token ids in the shard, `[CLS]`/`[SEP]` included.
    public var tokenCount: Int
    /// Bytes per token id: 2 or 4.
    public var tokenWidth: Int
    /// XXH64 of everything after the header.
    public var payloadChecksum: UInt64

    /// A header with these fields; `tokenWidth` defaults to the vocabulary's.
    public init(version: Int = ShardHeader.currentVersion, vocabularyFingerprint: UInt64, vocabularySize: Int,
                maxSequenceLength: Int, exampleCount: Int, tokenCount: Int, tokenWidth: Int? = nil,
                payloadChecksum: UInt64 = 0) {
        self.version = version
        self.vocabularyFingerprint = vocabularyFingerprint
        self.vocabularySize = vocabularySize
        self.maxSequenceLength = maxSequenceLength
        self.exampleCount = exampleCount
        self.tokenCount = tokenCount
        self.tokenWidth = tokenWidth ?? ShardHeader.tokenWidth(vocabularySize: vocabularySize)
        self.payloadChecksum = payloadChecksum
    }

    /// Token width for a vocabulary: 2 bytes when every id fits a UInt16, else 4.
    public static func tokenWidth(vocabularySize: Int) -> Int {
        vocabularySize <= 65536 ? 2 : 4
    }

    /// Byte offset of the token ids.
    public var tokensOffset: Int { ShardHeader.size + ShardHeader.indexEntrySize * exampleCount }

    /// The size the whole file must have.
    public var fileSize: Int { tokensOffset + tokenWidth * tokenCount }

    /// The 80 header bytes, checksum included.
    public func encoded() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: ShardHeader.size)
        bytes.replaceSubrange(0..<8, with: ShardHeader.magic)
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<(offset + $0.count), with: $0) }
        }
        put(UInt32(version), at: 8)
        put(UInt32(ShardHeader.size), at: 12)
        put(vocabularyFingerprint, at: 16)
        put(UInt32(vocabularySize), at: 24)
        put(UInt32(maxSequenceLength), at: 28)
        put(UInt64(exampleCount), at: 32)
        put(UInt64(tokenCount), at: 40)
        put(UInt32(tokenWidth), at: 48)
        put(payloadChecksum, at: 56)
        put(XXHash64.hash(Array(bytes[0..<72])), at: 72)
        return bytes
    }

    /// Reads and checks a header: magic, version, size, checksum and field ranges.
    /// - Parameters:
    ///   - bytes: at least the first 80 bytes of the file (or all of a shorter file).
    ///   - path: names the file in errors.
    /// - Throws: `ShardError.notAShard`, `.truncated`, `.unsupportedVersion` or `.corrupt`.
    public static func decode(_ bytes: UnsafeRawBufferPointer, fileSize: Int, path: String) throws -> ShardHeader {
        guard bytes.count >= 8, bytes.prefix(8).elementsEqual(magic) else {
            throw fileSize < 8 && bytes.elementsEqual(magic.prefix(bytes.count))
                ? ShardError.truncated(path: path, size: fileSize, expected: size)
                : ShardError.notAShard(path: path)
        }
        func get<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
            T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        }
        guard bytes.count >= 12 else { throw ShardError.truncated(path: path, size: fileSize, expected: size) }
        let version = Int(get(UInt32.self, at: 8))
        guard version == currentVersion else { throw ShardError.unsupportedVersion(path: path, version: version) }
        guard bytes.count >= size else { throw ShardError.truncated(path: path, size: fileSize, expected: size) }
        guard XXHash64.hash(UnsafeRawBufferPointer(rebasing: bytes[0..<72])) == get(UInt64.self, at: 72) else {
            throw ShardError.corrupt(path: path, part: "header")
        }
        let header = ShardHeader(version: version, vocabularyFingerprint: get(UInt64.self, at: 16),
                                 vocabularySize: Int(get(UInt32.self, at: 24)),
                                 maxSequenceLength: Int(get(UInt32.self, at: 28)),
                                 exampleCount: Int(truncatingIfNeeded: get(UInt64.self, at: 32)),
                                 tokenCount: Int(truncatingIfNeeded: get(UInt64.self, at: 40)),
                                 tokenWidth: Int(get(UInt32.self, at: 48)),
                                 payloadChecksum: get(UInt64.self, at: 56))
        // Counts up to Int.max / 16 keep `fileSize` (80 + 4n + 4t at most) from overflowing.
        let sane = get(UInt32.self, at: 12) == UInt32(size)
            && (header.tokenWidth == 2 || header.tokenWidth == 4)
            && header.maxSequenceLength >= 1 && header.maxSequenceLength <= Int(UInt16.max)
            && header.exampleCount >= 0 && header.tokenCount >= 0
            && header.exampleCount <= Int.max / 16 && header.tokenCount <= Int.max / 16
        guard sane else { throw ShardError.corrupt(path: path, part: "header fields") }
        return header
    }
}
