// LineIO: streaming line reading and buffered line writing for the text-processing commands.

import Foundation

/// A line of input, or a piece of one that is longer than the reader's limit.
struct LinePiece: Equatable {
    /// The text, without its line end.
    var text: String
    /// The 1-based line number in its source.
    var line: Int
    /// Whether the line's earlier bytes were the previous piece.
    var continuation: Bool
    /// Whether the line ends with this piece (false for every piece of a split line but the last).
    var endsLine: Bool
    /// Code points of the line before this piece (counted only when the reader is asked to).
    var offset: Int
}

/// The lines of a file descriptor, read in blocks (never the whole input), with LF, CRLF and CR line
/// ends; invalid UTF-8 becomes U+FFFD. A line longer than `maxBytes` bytes comes in pieces of at most
/// `maxBytes`: each cut falls after the last whitespace byte (space, tab, VT, FF) before the limit, or,
/// in a stretch without one, at the last UTF-8 character boundary. Memory stays at `maxBytes` plus two
/// blocks, and each byte is scanned a bounded number of times, so time is linear in the input.
final class LinePieceReader {
    let name: String
    private let descriptor: Int32
    private let maxBytes: Int
    private let blockSize: Int
    private let countOffsets: Bool
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var start = 0             // first unconsumed byte
    private var end = 0               // one past the last byte read
    private var scanned = 0           // bytes after `start` known to hold no line end
    private var endOfFile = false
    private var skipLineFeed = false  // a CR ended the last line at a block's end; a LF may follow
    private var lineNumber = 0        // lines finished so far
    private var inSplitLine = false
    private var lineOffset = 0

    /// - Parameters:
    ///   - descriptor: an open file descriptor (not closed here).
    ///   - name: the source's name for messages.
    ///   - maxBytes: the longest piece, at least 8 bytes.
    ///   - countOffsets: whether pieces of split lines carry their code-point `offset` (costs one pass).
    init(descriptor: Int32, name: String, maxBytes: Int, countOffsets: Bool = false, blockSize: Int = 1 << 20) {
        precondition(maxBytes >= 8 && blockSize >= 1, "LinePieceReader needs maxBytes >= 8")
        self.descriptor = descriptor
        self.name = name
        self.maxBytes = maxBytes
        self.blockSize = max(blockSize, maxBytes / 4)
        self.countOffsets = countOffsets
        capacity = maxBytes + 1 + 2 * self.blockSize
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// The next line or piece, or `nil` at the end of the input.
    func next() throws -> LinePiece? {
        while true {
            if skipLineFeed {
                if start == end && !endOfFile {
                    try refill()
                    continue
                }
                skipLineFeed = false
                if start < end && buffer[start] == 0x0A { start += 1 }
            }
            // A line end among the first maxBytes + 1 bytes ends a line that fits.
            let limit = min(end, start + maxBytes + 1)
            var i = start + scanned
            while i < limit && buffer[i] != 0x0A && buffer[i] != 0x0D { i += 1 }
            if i < limit {
                let piece = makePiece(start..<i, endsLine: true)
                if buffer[i] == 0x0D && i + 1 == end {
                    skipLineFeed = true
                    start = i + 1
                } else {
                    start = buffer[i] == 0x0D && buffer[i + 1] == 0x0A ? i + 2 : i + 1
                }
                scanned = 0
                return piece
            }
            scanned = i - start
            if end - start > maxBytes {
                let cut = cutPoint()
                let piece = makePiece(start..<cut, endsLine: false)
                scanned -= cut - start
                start = cut
                return piece
            }
            if endOfFile {
                guard start < end else { return nil }
                let piece = makePiece(start..<end, endsLine: true)
                start = end
                scanned = 0
                return piece
            }
            try refill()
        }
    }

    /// Where to end a piece of the over-long line at `start`: after the last whitespace byte among the
    /// first `maxBytes`, else at the last character boundary at or before `start + maxBytes`.
    private func cutPoint() -> Int {
        let limit = start + maxBytes
        var j = limit - 1
        while j >= start {
            let byte = buffer[j]
            if byte == 0x20 || byte == 0x09 || byte == 0x0B || byte == 0x0C { return j + 1 }
            j -= 1
        }
        var cut = limit
        while cut > start && buffer[cut] & 0xC0 == 0x80 { cut -= 1 }   // not inside a UTF-8 sequence
        return cut > start ? cut : limit
    }

    private func makePiece(_ range: Range<Int>, endsLine: Bool) -> LinePiece {
        let text = String(decoding: UnsafeBufferPointer(start: buffer + range.lowerBound, count: range.count), as: UTF8.self)
        let piece = LinePiece(text: text, line: lineNumber + 1, continuation: inSplitLine, endsLine: endsLine, offset: lineOffset)
        if endsLine {
            lineNumber += 1
            inSplitLine = false
            lineOffset = 0
        } else {
            inSplitLine = true
            if countOffsets { lineOffset += text.unicodeScalars.count }
        }
        return piece
    }

    /// Reads more bytes, first moving the unconsumed ones (at most `maxBytes`: a longer run was cut) to
    /// the front when less than a block of room is left.
    private func refill() throws {
        if capacity - end < blockSize {
            let pending = end - start
            if pending > 0 { memmove(buffer, buffer + start, pending) }
            start = 0
            end = pending
        }
        while true {
            let count = read(descriptor, buffer + end, capacity - end)
            if count < 0 {
                if errno == EINTR { continue }
                throw CommandError("cannot read \(name): \(String(cString: strerror(errno)))")
            }
            if count == 0 { endOfFile = true } else { end += count }
            return
        }
    }
}

/// Buffers output lines and writes them in large blocks.
final class LineWriter {
    private let handle: FileHandle
    private var pending = Data()

    init(handle: FileHandle) { self.handle = handle }

    func write(_ line: String) {
        pending.append(contentsOf: line.utf8)
        pending.append(0x0A)
        if pending.count >= 1 << 20 { flush() }
    }

    func flush() {
        if !pending.isEmpty { handle.write(pending) }
        pending.removeAll(keepingCapacity: true)
    }
}
