// TFRecordReader: the records of one TFRecord file, read as a stream with every CRC checked.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the records of a TFRecord file in order, in bounded memory.
///
/// Framing of each record (TensorFlow's `io/record_writer.cc`), little-endian:
///
/// | size | field |
/// |---|---|
/// | 8 | data length *n* (UInt64) |
/// | 4 | masked CRC-32C of those 8 bytes |
/// | *n* | data |
/// | 4 | masked CRC-32C of the data |
///
/// Both CRCs are checked (`CRC32C.mask`). A file that ends between records ends the stream; one that
/// ends inside a record, a failed CRC, or a length over `maxRecordBytes` throws `TFRecordError`
/// naming the file, the record (from 1) and its byte offset. Uncompressed files only (TensorFlow's
/// default); a GZIP-compressed file is recognised and refused with the fix.
public final class TFRecordReader {
    /// Names the file in errors.
    public let path: String
    /// The longest record accepted, in bytes.
    public let maxRecordBytes: Int
    /// Records returned so far.
    public private(set) var recordCount = 0
    /// Byte offset of the next record.
    public private(set) var offset = 0

    private let descriptor: Int32          // -1 for an in-memory source
    private var buffer: [UInt8]
    private var start = 0                  // first unread byte in `buffer`
    private var end = 0                    // end of the valid bytes in `buffer`
    private var endOfFile = false

    /// Opens `path`.
    /// - Throws: `TFRecordError.unreadable`.
    public init(path: String, maxRecordBytes: Int = 64 << 20) throws {
        self.path = path
        self.maxRecordBytes = maxRecordBytes
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw TFRecordError.unreadable(path: path, reason: systemErrorMessage()) }
        buffer = [UInt8](repeating: 0, count: 1 << 20)
    }

    /// A reader of records held in memory (tests and fuzzing); `name` stands for the file in errors.
    public init(bytes: [UInt8], name: String, maxRecordBytes: Int = 64 << 20) {
        path = name
        self.maxRecordBytes = maxRecordBytes
        descriptor = -1
        buffer = bytes
        end = bytes.count
        endOfFile = true
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Calls `body` with the next record's data (valid only during the call) and returns its result;
    /// `nil` at the end of the file.
    /// - Throws: `TFRecordError` for a truncated or corrupt record, or a read error.
    public func next<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) throws -> Result? {
        let record = recordCount + 1
        guard try fill(12) else {
            if end > start { throw TFRecordError.truncated(path: path, record: record, offset: offset, part: "length") }
            return nil
        }
        let (length, lengthCRC, storedLengthCRC) = buffer.withUnsafeBytes { raw in
            let head = UnsafeRawBufferPointer(rebasing: raw[start..<(start + 8)])
            return (UInt64(littleEndian: head.loadUnaligned(as: UInt64.self)), CRC32C.maskedChecksum(head),
                    UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 8, as: UInt32.self)))
        }
        guard lengthCRC == storedLengthCRC else {
            if offset == 0 && buffer[start] == 0x1F && buffer[start + 1] == 0x8B { throw TFRecordError.compressed(path: path) }
            throw TFRecordError.lengthChecksum(path: path, record: record, offset: offset)
        }
        guard length <= UInt64(maxRecordBytes) else {
            throw TFRecordError.recordTooLarge(path: path, record: record, offset: offset, length: length,
                                               limit: maxRecordBytes)
        }
        let count = Int(length)
        guard try fill(12 + count + 4) else {
            let part = end - start < 12 + count ? "data" : "data CRC"
            throw TFRecordError.truncated(path: path, record: record, offset: offset, part: part)
        }
        let dataStart = start + 12
        let result: Result = try buffer.withUnsafeBytes { raw in
            let data = UnsafeRawBufferPointer(rebasing: raw[dataStart..<(dataStart + count)])
            let stored = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: dataStart + count, as: UInt32.self))
            guard CRC32C.maskedChecksum(data) == stored else {
                throw TFRecordError.dataChecksum(path: path, record: record, offset: offset)
            }
            return try body(data)
        }
        start += 16 + count
        offset += 16 + count
        recordCount += 1
        return result
    }

    /// Makes `count` unread bytes available from `start`; false when the file ends first.
    private func fill(_ count: Int) throws -> Bool {
        while end - start < count {
            if endOfFile { return false }
            if start > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    raw.baseAddress!.copyMemory(from: raw.baseAddress! + start, byteCount: end - start)
                }
                end -= start
                start = 0
            }
            if buffer.count < count { buffer += [UInt8](repeating: 0, count: count - buffer.count) }
            let room = buffer.count - end
            let got = buffer.withUnsafeMutableBytes { raw in read(descriptor, raw.baseAddress! + end, room) }
            if got < 0 {
                if errno == EINTR { continue }
                throw TFRecordError.unreadable(path: path, reason: systemErrorMessage())
            }
            if got == 0 { endOfFile = true } else { end += got }
        }
        return true
    }
}
