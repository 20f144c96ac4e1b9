// ShardFile: a pretraining shard opened for reading: memory-mapped, validated, random access to
// examples.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A shard file (format: `ShardHeader`, `docs/shard-format.md`) mapped into memory and checked.
///
/// Opening validates, in this order: the magic, the version, the header checksum and fields, the file
/// size (shorter: `.truncated`; longer: `.corrupt`), the payload checksum, the index (lengths within
/// the sequence length, segment starts within lengths, lengths adding up to the token count), then
/// the expected vocabulary fingerprint and sequence length when given. Pages are read on demand after
/// that, so an open shard costs memory only for the 8-byte offset of each example.
public final class ShardFile: @unchecked Sendable {   // immutable after init; the mapping is read-only
    /// The file's path.
    public let path: String
    /// The validated header.
    public let header: ShardHeader
    private let mapping: UnsafeRawBufferPointer
    private let offsets: [Int]        // token offset of each example, and the total at the end

    /// Opens and validates the shard at `path`.
    /// - Parameters:
    ///   - expectedVocabularyFingerprint: refuse a shard built with another vocabulary.
    ///   - expectedMaxSequenceLength: refuse a shard of another sequence length.
    /// - Throws: `ShardError` naming the file and what to do.
    public init(path: String, expectedVocabularyFingerprint: UInt64? = nil,
                expectedMaxSequenceLength: Int? = nil) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ShardError.unreadable(path: path, reason: systemErrorMessage()) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw ShardError.unreadable(path: path, reason: systemErrorMessage()) }
        let size = Int(status.st_size)
        guard size >= ShardHeader.size else {
            var bytes = [UInt8](repeating: 0, count: size)
            let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, size, 0) }
            let read = Array(bytes.prefix(max(0, count)))
            try read.withUnsafeBytes { _ = try ShardHeader.decode($0, fileSize: size, path: path) }
            throw ShardError.truncated(path: path, size: size, expected: ShardHeader.size)
        }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), base != MAP_FAILED else {
            throw ShardError.unreadable(path: path, reason: "cannot map it: \(systemErrorMessage())")
        }
        let mapping = UnsafeRawBufferPointer(start: base, count: size)
        do {
            let header = try ShardHeader.decode(mapping, fileSize: size, path: path)
            if size < header.fileSize { throw ShardError.truncated(path: path, size: size, expected: header.fileSize) }
            if size > header.fileSize { throw ShardError.corrupt(path: path, part: "file size: \(size - header.fileSize) bytes past the end") }
            let payload = UnsafeRawBufferPointer(rebasing: mapping[ShardHeader.size...])
            _ = madvise(UnsafeMutableRawPointer(mutating: base), size, MADV_SEQUENTIAL)
            guard XXHash64.hash(payload) == header.payloadChecksum else {
                throw ShardError.corrupt(path: path, part: "payload checksum")
            }
            _ = madvise(UnsafeMutableRawPointer(mutating: base), size, MADV_RANDOM)
            offsets = try Self.readIndex(mapping, header, path: path)
            if let expected = expectedVocabularyFingerprint, header.vocabularyFingerprint != expected {
                throw ShardError.wrongVocabulary(path: path, found: header.vocabularyFingerprint, expected: expected)
            }
            if let expected = expectedMaxSequenceLength, header.maxSequenceLength != expected {
                throw ShardError.wrongSequenceLength(path: path, found: header.maxSequenceLength, expected: expected)
            }
            self.header = header
            self.mapping = mapping
        } catch {
            munmap(base, size)
            throw error
        }
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: mapping.baseAddress), mapping.count)
    }

    /// Reads only the header of the shard at `path` (checked, but not the payload).
    public static func readHeader(path: String) throws -> ShardHeader {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ShardError.unreadable(path: path, reason: systemErrorMessage()) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw ShardError.unreadable(path: path, reason: systemErrorMessage()) }
        var bytes = [UInt8](repeating: 0, count: ShardHeader.size)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, ShardHeader.size, 0) }
        guard count >= 0 else { throw ShardError.unreadable(path: path, reason: systemErrorMessage()) }
        return try Array(bytes.prefix(count)).withUnsafeBytes {
            try ShardHeader.decode($0, fileSize: Int(status.st_size), path: path)
        }
    }

    private static func readIndex(_ mapping: UnsafeRawBufferPointer, _ header: ShardHeader, path: String) throws -> [Int] {
        var offsets = [Int](repeating: 0, count: header.exampleCount + 1)
        var total = 0
        for i in 0..<header.exampleCount {
            let entry = ShardHeader.size + ShardHeader.indexEntrySize * i
            let length = Int(UInt16(littleEndian: mapping.loadUnaligned(fromByteOffset: entry, as: UInt16.self)))
            let segmentB = Int(UInt16(littleEndian: mapping.loadUnaligned(fromByteOffset: entry + 2, as: UInt16.self)))
            guard length <= header.maxSequenceLength && segmentB <= length else {
                throw ShardError.corrupt(path: path, part: "index entry \(i)")
            }
            offsets[i] = total
            total += length
        }
        offsets[header.exampleCount] = total
        guard total == header.tokenCount else { throw ShardError.corrupt(path: path, part: "index total") }
        return offsets
    }

    // MARK: Examples

    /// Number of examples.
    public var count: Int { header.exampleCount }

    /// Tokens in example `index`, `[CLS]` and `[SEP]`s included.
    public func length(of index: Int) -> Int {
        precondition(index >= 0 && index < count, "example \(index) outside 0..<\(count) of \(path)")
        return offsets[index + 1] - offsets[index]
    }

    /// Where segment B of example `index` starts (its length when it has none).
    public func segmentBStart(of index: Int) -> Int {
        precondition(index >= 0 && index < count, "example \(index) outside 0..<\(count) of \(path)")
        let entry = ShardHeader.size + ShardHeader.indexEntrySize * index + 2
        return Int(UInt16(littleEndian: mapping.loadUnaligned(fromByteOffset: entry, as: UInt16.self)))
    }

    /// Copies the ids of example `index` to `destination` (which must hold `length(of:)` ids).
    public func copyTokens(of index: Int, to destination: UnsafeMutablePointer<Int32>) {
        let length = length(of: index)
        let start = header.tokensOffset + header.tokenWidth * offsets[index]
        if header.tokenWidth == 2 {
            for k in 0..<length {
                destination[k] = Int32(UInt16(littleEndian: mapping.loadUnaligned(fromByteOffset: start + 2 * k, as: UInt16.self)))
            }
        } else {
            for k in 0..<length {
                destination[k] = Int32(bitPattern: UInt32(littleEndian: mapping.loadUnaligned(fromByteOffset: start + 4 * k, as: UInt32.self)))
            }
        }
    }

    /// The ids of example `index`.
    public func tokens(of index: Int) -> [Int32] {
        let length = length(of: index)
        return [Int32](unsafeUninitializedCapacity: length) { buffer, initialized in
            if let base = buffer.baseAddress { copyTokens(of: index, to: base) }
            initialized = length
        }
    }

    /// Example `index` (without the sentence placements, which shards do not store).
    public func example(at index: Int) -> PretrainingExample {
        PretrainingExample(tokens: tokens(of: index), segmentBStart: segmentBStart(of: index))
    }
}
