// ParallelBZip2Source: the decompressed bytes of a multistream bzip2 file, its streams decoded on
// several threads at once (split where its index says streams start) and delivered in file order.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CBZip2
import Dispatch
import Foundation

/// A multistream bzip2 file read as pieces `[offsets[i], offsets[i+1])`, each decoded whole by a
/// worker thread and handed to the reader in order.
///
/// A piece must decode as complete bzip2 streams that end exactly at the next offset: then the pieces'
/// bytes, one after another, are the file's bytes as `BZip2ByteSource` decodes it stream after stream,
/// and an offset that is not a stream start (a stream running past it, or no stream header there) is an
/// error, never different output. At most `window` pieces (`2 × threads`) are decoding or decoded and
/// waiting, so memory is bounded by `window × (compressedLimit + decodedLimit)`, and in practice by
/// `window` Wikimedia streams of 100 pages each, typically well under a megabyte decoded.
final class ParallelBZip2Source: ByteSource {
    /// Largest piece split off, compressed; an index with a larger gap is decoded in turn instead.
    static let compressedLimit = 32 << 20
    /// Largest piece accepted, decoded.
    static let decodedLimit = 256 << 20

    let path: String
    let threads: Int, window: Int
    private let boundaries: [Int]
    private let decoder: PieceDecoder
    private let queue = DispatchQueue(label: "electra.bzip2", attributes: .concurrent)
    private let gate: DispatchSemaphore
    private var pending: [Int: PieceResult] = [:]
    private var scheduled = 0, delivered = 0
    private var current: [UInt8] = [], position = 0
    private(set) var bytesConsumed = 0

    /// The source for `dump`, split at `index`'s offsets; the sequential `BZip2ByteSource` when the
    /// index leaves a piece larger than `compressedLimit`.
    /// - Throws: `WikiDumpError.unreadable`, or `.indexMismatch` for an offset at or past the file's end.
    static func open(dump: String, index: String, threads: Int) throws -> ByteSource {
        precondition(threads >= 1, "ParallelBZip2Source needs a thread")
        let offsets = try MultistreamIndex(path: index).offsets
        let file = try PieceDecoder(path: dump, index: index)
        let size = try file.size()
        if let last = offsets.last, last >= size {
            throw WikiDumpError.indexMismatch(dump: dump, index: index, detail: "offset \(last) is at or past the end of the \(size)-byte dump")
        }
        let boundaries = (offsets.first == 0 ? [] : [0]) + offsets + [size]
        let largest = zip(boundaries.dropFirst(), boundaries).map { $0 - $1 }.max() ?? 0
        if largest > compressedLimit { return try BZip2ByteSource(path: dump) }
        return ParallelBZip2Source(path: dump, decoder: file, boundaries: boundaries, threads: threads)
    }

    private init(path: String, decoder: PieceDecoder, boundaries: [Int], threads: Int) {
        self.path = path
        self.decoder = decoder
        self.boundaries = boundaries
        self.threads = threads
        window = 2 * threads
        gate = DispatchSemaphore(value: threads)
    }

    deinit { decoder.cancel() }

    private var pieceCount: Int { boundaries.count - 1 }

    /// Starts decoding pieces until `window` are in flight.
    private func schedule() {
        while scheduled < pieceCount && scheduled - delivered < window {
            let result = PieceResult(), range = boundaries[scheduled]..<boundaries[scheduled + 1]
            pending[scheduled] = result
            let decoder = decoder, gate = gate
            queue.async {
                gate.wait()
                defer { gate.signal() }
                result.fulfill(Result { try decoder.decode(range) })
            }
            scheduled += 1
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while position == current.count {
            guard delivered < pieceCount else { return 0 }
            schedule()
            current = try pending.removeValue(forKey: delivered)!.wait()
            position = 0
            delivered += 1
            bytesConsumed = boundaries[delivered]
            schedule()
        }
        let count = min(buffer.count, current.count - position)
        current.withUnsafeBytes { bytes in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)]))
        }
        position += count
        return count
    }
}

/// One piece's bytes, or why it failed, once a worker has decoded it.
private final class PieceResult: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: Result<[UInt8], any Error>?

    func fulfill(_ result: Result<[UInt8], any Error>) {
        condition.lock()
        value = result
        condition.signal()
        condition.unlock()
    }

    func wait() throws -> [UInt8] {
        condition.lock()
        defer { condition.unlock() }
        while value == nil { condition.wait() }
        return try value!.get()
    }
}

/// Reads byte ranges of the dump with `pread` (safe on several threads) and decodes each as whole
/// bzip2 streams.
private final class PieceDecoder: @unchecked Sendable {
    let path: String, index: String
    private let descriptor: Int32
    private let lock = NSLock()
    private var cancelled = false

    init(path: String, index: String) throws {
        self.path = path
        self.index = index
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw WikiDumpError.unreadable(path: path, reason: systemErrorMessage()) }
    }

    deinit { close(descriptor) }

    func size() throws -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw WikiDumpError.unreadable(path: path, reason: systemErrorMessage()) }
        return Int(status.st_size)
    }

    /// Pieces not yet started are skipped once the reader is gone.
    func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    private var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    /// The decoded bytes of `range`: one or more complete bzip2 streams that end exactly at its end.
    func decode(_ range: Range<Int>) throws -> [UInt8] {
        if isCancelled { return [] }
        let input = try readBytes(range)
        var output = [UInt8](repeating: 0, count: min(max(4 * input.count, 1 << 16), ParallelBZip2Source.decodedLimit))
        let stream = UnsafeMutablePointer<bz_stream>.allocate(capacity: 1)
        defer { stream.deallocate() }
        var consumed = 0, produced = 0, open = false, streamStart = 0
        defer { if open { BZ2_bzDecompressEnd(stream) } }
        while true {
            if !open {
                stream.initialize(to: bz_stream())
                let status = BZ2_bzDecompressInit(stream, 0, 0)
                guard status == BZ_OK else { throw WikiDumpError.corruptCompression(path: path, detail: "libbz2 init failed (\(status))") }
                open = true
                streamStart = consumed
            }
            if produced == output.count {
                guard output.count < ParallelBZip2Source.decodedLimit else {
                    throw WikiDumpError.indexMismatch(dump: path, index: index, detail: "the bytes from offset \(range.lowerBound) to "
                        + "\(range.upperBound) decode to more than \(ParallelBZip2Source.decodedLimit >> 20) MiB")
                }
                output += repeatElement(0, count: min(output.count, ParallelBZip2Source.decodedLimit - output.count))
            }
            let inputCount = input.count, outputCount = output.count
            let status = input.withUnsafeBytes { inBytes in
                output.withUnsafeMutableBytes { outBytes in
                    stream.pointee.next_in = UnsafeMutablePointer(mutating: inBytes.baseAddress!.assumingMemoryBound(to: CChar.self) + consumed)
                    stream.pointee.avail_in = UInt32(inputCount - consumed)
                    stream.pointee.next_out = outBytes.baseAddress!.assumingMemoryBound(to: CChar.self) + produced
                    stream.pointee.avail_out = UInt32(outputCount - produced)
                    return BZ2_bzDecompress(stream)
                }
            }
            let before = produced
            consumed = input.count - Int(stream.pointee.avail_in)
            produced = output.count - Int(stream.pointee.avail_out)
            switch status {
            case BZ_STREAM_END:
                BZ2_bzDecompressEnd(stream)
                open = false
                if consumed == input.count {
                    output.removeSubrange(produced...)
                    return output
                }
            case BZ_OK:
                if consumed == input.count && produced == before {
                    if range.upperBound == (try size()) {
                        throw WikiDumpError.corruptCompression(path: path, detail: "the file ends inside a bzip2 stream (truncated)")
                    }
                    throw WikiDumpError.indexMismatch(dump: path, index: index, detail: "the bzip2 stream before offset \(range.upperBound) does not end there")
                }
            case BZ_DATA_ERROR_MAGIC:
                throw WikiDumpError.indexMismatch(dump: path, index: index, detail: "no bzip2 stream starts at offset \(range.lowerBound + streamStart)")
            default:
                throw WikiDumpError.corruptCompression(path: path, detail: "bzip2 data error \(status) in the stream before byte \(range.upperBound)")
            }
        }
    }

    private func readBytes(_ range: Range<Int>) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: range.count)
        var done = 0
        while done < range.count {
            let count = bytes.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + done, range.count - done, off_t(range.lowerBound + done))
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                throw WikiDumpError.unreadable(path: path, reason: count < 0 ? systemErrorMessage() : "the file shrank while it was read")
            }
            done += count
        }
        return bytes
    }
}
