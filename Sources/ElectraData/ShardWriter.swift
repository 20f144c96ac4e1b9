// ShardWriter: streams pretraining examples into one shard file (format: ShardHeader,
// docs/shard-format.md), in bounded memory, and makes it appear under its name only when complete.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one shard: examples stream to disk as they come, and the file appears under its name only
/// once it is whole.
///
/// While writing, each example goes to `NAME.records.tmp` as (UInt16 length, UInt16 segment-B start,
/// token ids), so memory does not grow with the shard. `finish()` assembles `NAME.tmp` from it (header,
/// then the index in one pass over the records, then the tokens in a second), computing the payload
/// checksum on the way; writes the header last; syncs; and renames `NAME.tmp` to `NAME`. A crash at any
/// point leaves only `.tmp` files, never a file under the final name that looks whole; a writer
/// dropped without `finish()` deletes its temporary files.
public final class ShardWriter {
    /// The final path of the shard.
    public let path: String
    /// Written to the header: the vocabulary's fingerprint and size.
    public let vocabularyFingerprint: UInt64
    /// Tokens in the vocabulary (decides the token width).
    public let vocabularySize: Int
    /// The longest example accepted.
    public let maxSequenceLength: Int
    /// Bytes per stored token id (2 or 4).
    public let tokenWidth: Int
    /// Examples appended so far.
    public private(set) var exampleCount = 0
    /// Tokens appended so far.
    public private(set) var tokenCount = 0

    private var records: BufferedOutputFile?
    private var recordsPath: String { path + ".records.tmp" }
    private var temporaryPath: String { path + ".tmp" }
    private var finished = false

    /// Starts a shard at `path`.
    /// - Parameters:
    ///   - vocabularyFingerprint: `Vocabulary.fingerprint` of the vocabulary the ids come from.
    ///   - vocabularySize: its token count (chooses 2- or 4-byte ids).
    ///   - maxSequenceLength: the longest example; at most 65535.
    /// - Throws: `ShardError.writeFailed` when the directory is not writable.
    public init(path: String, vocabularyFingerprint: UInt64, vocabularySize: Int, maxSequenceLength: Int,
                bufferSize: Int = 1 << 18) throws {
        precondition(maxSequenceLength >= 1 && maxSequenceLength <= Int(UInt16.max),
                     "ShardWriter: maxSequenceLength must be in 1...65535, got \(maxSequenceLength)")
        precondition(vocabularySize >= 1 && vocabularySize <= Int(UInt32.max), "ShardWriter: bad vocabulary size")
        self.path = path
        self.vocabularyFingerprint = vocabularyFingerprint
        self.vocabularySize = vocabularySize
        self.maxSequenceLength = maxSequenceLength
        tokenWidth = ShardHeader.tokenWidth(vocabularySize: vocabularySize)
        records = try BufferedOutputFile(path: path + ".records.tmp",
                                         bufferSize: max(bufferSize, 4 + 4 * maxSequenceLength))
    }

    deinit {
        if !finished { discard() }
    }

    /// Appends one example.
    public func append(_ example: PretrainingExample) throws {
        try append(tokens: example.tokens, segmentBStart: example.segmentBStart)
    }

    /// Appends one example's ids (`[CLS]`/`[SEP]` included) and where its segment B starts (the
    /// length when it has none). A longer example than `maxSequenceLength`, or an id outside the
    /// vocabulary, is a programmer error.
    public func append<C: Collection>(tokens: C, segmentBStart: Int) throws where C.Element == Int32 {
        guard let records else { preconditionFailure("ShardWriter.append after finish()") }
        let length = tokens.count
        precondition(length <= maxSequenceLength, "example of \(length) tokens exceeds \(maxSequenceLength)")
        precondition(segmentBStart >= 0 && segmentBStart <= length, "segment B start \(segmentBStart) outside 0...\(length)")
        let width = tokenWidth
        let vocabularySize = Int32(truncatingIfNeeded: vocabularySize)
        try records.append(count: 4 + width * length) { buffer in
            buffer.storeBytes(of: UInt16(length).littleEndian, toByteOffset: 0, as: UInt16.self)
            buffer.storeBytes(of: UInt16(segmentBStart).littleEndian, toByteOffset: 2, as: UInt16.self)
            var offset = 4
            for id in tokens {
                precondition(id >= 0 && id < vocabularySize, "token id \(id) outside the vocabulary")
                if width == 2 {
                    buffer.storeBytes(of: UInt16(truncatingIfNeeded: id).littleEndian, toByteOffset: offset, as: UInt16.self)
                } else {
                    buffer.storeBytes(of: UInt32(bitPattern: id).littleEndian, toByteOffset: offset, as: UInt32.self)
                }
                offset += width
            }
        }
        exampleCount += 1
        tokenCount += length
    }

    /// Assembles, syncs and renames the shard into place; returns its header.
    @discardableResult
    public func finish() throws -> ShardHeader {
        guard let records else { preconditionFailure("ShardWriter.finish called twice") }
        do {
            try records.syncAndClose()
            self.records = nil
            var header = ShardHeader(vocabularyFingerprint: vocabularyFingerprint, vocabularySize: vocabularySize,
                                     maxSequenceLength: maxSequenceLength, exampleCount: exampleCount,
                                     tokenCount: tokenCount, tokenWidth: tokenWidth)
            let output = try BufferedOutputFile(path: temporaryPath)
            try output.write([UInt8](repeating: 0, count: ShardHeader.size))
            var checksum = XXHash64()
            // Pass 1: the index.
            try forEachRecord { head, _ in
                try output.write(head)
                checksum.update(head)
            }
            // Pass 2: the token ids.
            try forEachRecord { _, ids in
                try output.write(ids)
                checksum.update(ids)
            }
            header.payloadChecksum = checksum.finalize()
            guard output.bytesWritten == header.fileSize else {
                throw ShardError.writeFailed(path: temporaryPath, reason: "assembled \(output.bytesWritten) bytes, expected \(header.fileSize)")
            }
            try output.write(header.encoded(), at: 0)
            try output.syncAndClose()
            try replaceFile(path, with: temporaryPath)
            unlink(recordsPath)
            finished = true
            return header
        } catch {
            discard()
            throw error
        }
    }

    /// Deletes the temporary files; the shard is not written.
    public func discard() {
        records = nil
        unlink(recordsPath)
        unlink(temporaryPath)
        finished = true
    }

    private func forEachRecord(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Void) throws {
        let input = try BufferedInputFile(path: recordsPath)
        while let head = try input.next(4) {
            let length = Int(UInt16(littleEndian: head.loadUnaligned(as: UInt16.self)))
            let headCopy = (head.loadUnaligned(as: UInt32.self))
            guard let ids = try input.next(length * tokenWidth) else {
                throw ShardError.corrupt(path: recordsPath, part: "record length")
            }
            try withUnsafeBytes(of: headCopy) { try body($0, ids) }
        }
    }
}
