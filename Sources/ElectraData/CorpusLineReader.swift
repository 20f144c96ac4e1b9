// CorpusLineReader: the lines of one text file, read in fixed-size blocks (never the whole file), with
// LF, CRLF and CR line ends, a leading UTF-8 byte-order mark dropped, and invalid UTF-8 replaced by
// U+FFFD and counted.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the lines of one file in blocks of `blockSize` bytes.
///
/// Memory stays at one block plus the longest line; a line longer than `maxLineBytes` is refused
/// with `CorpusError.lineTooLong`, since a plain-text corpus never needs one.
final class CorpusLineReader {
    let path: String
    private let descriptor: Int32
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0          // first unconsumed byte
    private var end = 0            // one past the last byte read
    private var endOfFile = false
    private var skipLineFeed = false
    private var atFileStart = true
    private let maxLineBytes: Int

    /// Lines returned so far (1-based number of the last line).
    private(set) var lineNumber = 0
    /// Bytes consumed so far, line ends included.
    private(set) var bytesRead = 0
    /// Invalid UTF-8 sequences replaced by U+FFFD so far.
    private(set) var invalidSequences = 0

    /// Opens `path`.
    /// - Throws: `CorpusError.unreadable` when the file cannot be opened.
    init(path: String, blockSize: Int = 1 << 20, maxLineBytes: Int = 8 << 20) throws {
        precondition(blockSize >= 16 && maxLineBytes >= 1, "CorpusLineReader needs blockSize >= 16 and maxLineBytes >= 1")
        self.path = path
        self.maxLineBytes = maxLineBytes
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw CorpusError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        buffer = .allocate(byteCount: blockSize, alignment: 64)
    }

    deinit {
        close(descriptor)
        buffer.deallocate()
    }

    /// The next line without its line end, or `nil` at the end of the file.
    func nextLine() throws -> String? {
        if atFileStart {
            while end - start < 3 && !endOfFile { try refill() }
            dropByteOrderMark()
        }
        var scanned = 0   // bytes after `start` known to hold no line end
        while true {
            if skipLineFeed && (start < end || endOfFile) {
                // A CR ended the previous line; a LF right after it belongs to that line end.
                skipLineFeed = false
                if start < end && buffer[start] == 0x0A {
                    start += 1
                    bytesRead += 1
                }
                scanned = 0
            }
            if !skipLineFeed {
                switch findLineEnd(from: start + scanned) {
                case .found(let lineEnd, let terminatorLength):
                    let line = makeString(start..<lineEnd)
                    consume(upTo: lineEnd + terminatorLength)
                    skipLineFeed = terminatorLength == 1 && buffer[lineEnd] == 0x0D
                    return line
                case .notFound(let resumeAt):
                    scanned = resumeAt - start
                }
                if endOfFile {
                    guard start < end else { return nil }
                    let line = makeString(start..<end)
                    consume(upTo: end)
                    return line
                }
            }
            try refill()
        }
    }

    private enum LineEnd {
        case found(Int, Int)   // index of the line end, its length (1 or 2)
        case notFound(Int)     // where to resume scanning after more bytes arrive
    }

    /// Finds the next LF, CR or CRLF at or after `from`. A CR at the buffer's end, before the end of
    /// the file, is left for the next block to decide between CR and CRLF.
    private func findLineEnd(from: Int) -> LineEnd {
        guard let base = buffer.baseAddress?.bindMemory(to: UInt8.self, capacity: buffer.count) else { return .notFound(from) }
        var i = from
        while i < end {
            let byte = base[i]
            if byte <= 0x0D {
                if byte == 0x0A { return .found(i, 1) }
                if byte == 0x0D {
                    if i + 1 < end { return .found(i, base[i + 1] == 0x0A ? 2 : 1) }
                    if endOfFile { return .found(i, 1) }
                    return .notFound(i)
                }
            }
            i += 1
        }
        return .notFound(end)
    }

    private func consume(upTo index: Int) {
        bytesRead += index - start
        start = index
        lineNumber += 1
    }

    /// Reads the next block, first moving the unconsumed bytes to the front (and growing the buffer
    /// when one line fills it).
    private func refill() throws {
        if start > 0 {
            let pending = end - start
            if pending > 0, let base = buffer.baseAddress {
                memmove(base, base + start, pending)
            }
            start = 0
            end = pending
        }
        if end == buffer.count {
            guard buffer.count < maxLineBytes else {
                throw CorpusError.lineTooLong(path: path, line: lineNumber + 1, limit: maxLineBytes)
            }
            let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: min(buffer.count * 2, maxLineBytes + 16),
                                                               alignment: 64)
            larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<end]))
            buffer.deallocate()
            buffer = larger
        }
        while true {
            let count = read(descriptor, buffer.baseAddress! + end, buffer.count - end)
            if count < 0 {
                if errno == EINTR { continue }
                throw CorpusError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { endOfFile = true } else { end += count }
            return
        }
    }

    private func dropByteOrderMark() {
        atFileStart = false
        if end - start >= 3 && buffer[start] == 0xEF && buffer[start + 1] == 0xBB && buffer[start + 2] == 0xBF {
            start += 3
            bytesRead += 3
        }
    }

    private func makeString(_ range: Range<Int>) -> String {
        let bytes = UnsafeRawBufferPointer(rebasing: buffer[range]).bindMemory(to: UInt8.self)
        let (text, invalid) = UTF8Repair.decode(bytes)
        invalidSequences += invalid
        return text
    }
}

/// UTF-8 decoding that replaces each invalid sequence by U+FFFD and says how many it replaced.
enum UTF8Repair {
    /// The text of `bytes` and the number of invalid sequences replaced. Replacement follows the
    /// Unicode "maximal subpart" practice, as Swift's `String(decoding:as:)` and Python's
    /// `errors="replace"` do: each maximal invalid subpart becomes one U+FFFD.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> (String, Int) {
        if isASCII(bytes) { return (String(decoding: bytes, as: UTF8.self), 0) }
        if let valid = String(validating: bytes, as: UTF8.self) { return (valid, 0) }
        let repaired = String(decoding: bytes, as: UTF8.self)
        var replacements = 0
        for scalar in repaired.unicodeScalars where scalar.value == 0xFFFD { replacements += 1 }
        // U+FFFD written in the input itself (EF BF BD) was no replacement.
        var i = 0
        while i + 2 < bytes.count {
            if bytes[i] == 0xEF && bytes[i + 1] == 0xBF && bytes[i + 2] == 0xBD {
                replacements -= 1
                i += 3
            } else {
                i += 1
            }
        }
        return (repaired, replacements)
    }

    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var i = 0
        var high: UInt64 = 0
        while i + 8 <= bytes.count {
            high |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < bytes.count {
            high |= UInt64(bytes[i])
            i += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }
}
