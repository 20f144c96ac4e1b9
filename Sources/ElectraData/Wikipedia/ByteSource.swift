// ByteSource: sequential bytes of a file, plain or bzip2-compressed (libbz2; multistream files such as
// Wikipedia's `pages-articles-multistream.xml.bz2` are read stream after stream).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CBZip2

/// Something that fills buffers with the next bytes of a file.
protocol ByteSource: AnyObject {
    /// Bytes of the file consumed so far (compressed bytes for a compressed file).
    var bytesConsumed: Int { get }
    /// Fills up to `buffer.count` bytes; 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// A file read with POSIX `read`.
final class FileByteSource: ByteSource {
    let path: String
    private let descriptor: Int32
    private(set) var bytesConsumed = 0

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw WikiDumpError.unreadable(path: path, reason: systemErrorMessage()) }
    }

    deinit { close(descriptor) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = systemRead(descriptor, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw WikiDumpError.unreadable(path: path, reason: systemErrorMessage())
            }
            bytesConsumed += count
            return count
        }
    }
}

/// The decompressed bytes of a bzip2 file: every concatenated stream in turn.
final class BZip2ByteSource: ByteSource {
    let path: String
    private let file: FileByteSource
    private let stream: UnsafeMutablePointer<bz_stream>   // libbz2 keeps a pointer to it: a fixed address
    private let input: UnsafeMutableRawBufferPointer
    private var inputEnded = false
    private var streamOpen = false
    private var finished = false

    var bytesConsumed: Int { file.bytesConsumed - Int(stream.pointee.avail_in) }

    init(path: String) throws {
        self.path = path
        file = try FileByteSource(path: path)
        stream = .allocate(capacity: 1)
        stream.initialize(to: bz_stream())
        input = .allocate(byteCount: 1 << 20, alignment: 16)
        try openStream()
    }

    deinit {
        if streamOpen { BZ2_bzDecompressEnd(stream) }
        stream.deallocate()
        input.deallocate()
    }

    private func openStream() throws {
        let status = BZ2_bzDecompressInit(stream, 0, 0)
        guard status == BZ_OK else { throw WikiDumpError.corruptCompression(path: path, detail: "libbz2 init failed (\(status))") }
        streamOpen = true
    }

    private func refill() throws {
        guard stream.pointee.avail_in == 0, !inputEnded else { return }
        let count = try file.read(into: input)
        if count == 0 { inputEnded = true }
        stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: CChar.self)
        stream.pointee.avail_in = UInt32(count)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while !finished {
            try refill()
            stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
            stream.pointee.avail_out = UInt32(buffer.count)
            let status = BZ2_bzDecompress(stream)
            let produced = buffer.count - Int(stream.pointee.avail_out)
            switch status {
            case BZ_STREAM_END:
                BZ2_bzDecompressEnd(stream)
                streamOpen = false
                try refill()
                if stream.pointee.avail_in == 0 && inputEnded {
                    finished = true
                } else {
                    try openStream()
                }
            case BZ_OK:
                if produced == 0 && inputEnded && stream.pointee.avail_in == 0 {
                    throw WikiDumpError.corruptCompression(path: path, detail: "the file ends inside a bzip2 stream (truncated)")
                }
            case BZ_DATA_ERROR_MAGIC:
                throw WikiDumpError.corruptCompression(path: path, detail: "not bzip2 data at byte \(bytesConsumed)")
            default:
                throw WikiDumpError.corruptCompression(path: path, detail: "bzip2 data error \(status) near byte \(bytesConsumed)")
            }
            if produced > 0 { return produced }
        }
        return 0
    }
}

/// The C `read`, under a name that methods called `read` do not shadow.
@inline(__always)
private func systemRead(_ descriptor: Int32, _ pointer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, pointer, count)
}
