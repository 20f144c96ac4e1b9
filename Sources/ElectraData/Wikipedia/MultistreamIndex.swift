// MultistreamIndex: the stream offsets of a multistream bzip2 dump, read from the index Wikimedia
// publishes beside it (`…-multistream-index.txt.bz2`, lines `OFFSET:PAGEID:TITLE`).

/// The byte offsets at which the bzip2 streams of a `pages-articles-multistream.xml.bz2` dump start,
/// as its index lists them: one line `OFFSET:PAGEID:TITLE` per page (about 100 pages share a stream,
/// so an offset repeats), offsets in increasing order. The index is read as a stream (bzip2-compressed
/// when its name ends in `.bz2`); only the distinct offsets are kept (about 1% of the lines).
public struct MultistreamIndex: Equatable, Sendable {
    /// The distinct stream offsets, increasing.
    public var offsets: [Int]
    /// Lines read.
    public var pages: Int

    /// The index Wikimedia publishes beside `dump`: `X-multistream.xml.bz2` → `X-multistream-index.txt.bz2`;
    /// nil when the name does not end in `multistream.xml.bz2`.
    public static func defaultPath(forDump dump: String) -> String? {
        let suffix = "multistream.xml.bz2"
        guard dump.hasSuffix(suffix) else { return nil }
        return String(dump.dropLast(".xml.bz2".count)) + "-index.txt.bz2"
    }

    /// Reads the index at `path`.
    /// - Throws: `WikiDumpError.unreadable`, `.corruptCompression` or `.badIndex` (a line that is not
    ///   `OFFSET:PAGEID:TITLE`, an offset smaller than the one before, or no line at all).
    public init(path: String) throws {
        let source: ByteSource = path.hasSuffix(".bz2") ? try BZip2ByteSource(path: path) : try FileByteSource(path: path)
        var parser = Parser(path: path)
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = try source.read(into: chunk)
            if count == 0 { break }
            try parser.feed(UnsafeRawBufferPointer(rebasing: chunk[..<count]))
        }
        try parser.finish()
        offsets = parser.offsets
        pages = parser.line
    }

    /// Parses index bytes already in memory (the fuzz target's entry).
    /// - Throws: `WikiDumpError.badIndex`, naming `path`.
    public init(bytes: [UInt8], path: String) throws {
        var parser = Parser(path: path)
        try bytes.withUnsafeBytes { try parser.feed($0) }
        try parser.finish()
        offsets = parser.offsets
        pages = parser.line
    }

    /// A line-at-a-time parser fed chunks of any size: digits, `:`, digits, `:`, the rest of the line.
    struct Parser {
        let path: String
        var offsets: [Int] = []
        var line = 0
        private var state = State.offset
        private var offset = 0, digits = 0
        private enum State { case offset, pageID, title }

        init(path: String) { self.path = path }

        private func failure(_ reason: String) -> WikiDumpError {
            .badIndex(path: path, line: line + 1, reason: reason)
        }

        mutating func feed(_ bytes: UnsafeRawBufferPointer) throws {
            for byte in bytes {
                switch state {
                case .offset, .pageID:
                    if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                        guard digits < 18 else { throw failure("a number with more than 18 digits") }
                        if state == .offset { offset = offset * 10 + Int(byte - UInt8(ascii: "0")) }
                        digits += 1
                    } else if byte == UInt8(ascii: ":") && digits > 0 {
                        if state == .offset {
                            if let last = offsets.last, offset < last {
                                throw failure("offset \(offset) is smaller than \(last) on the line before")
                            }
                            if offsets.last != offset { offsets.append(offset) }
                            state = .pageID
                        } else {
                            state = .title
                        }
                        digits = 0
                    } else {
                        throw failure("not OFFSET:PAGEID:TITLE")
                    }
                case .title:
                    if byte == UInt8(ascii: "\n") {
                        line += 1
                        state = .offset
                        offset = 0
                    }
                }
            }
        }

        mutating func finish() throws {
            if state == .title { line += 1 } else if state != .offset || digits > 0 { throw failure("the last line is cut short") }
            guard !offsets.isEmpty else { throw WikiDumpError.badIndex(path: path, line: 0, reason: "no line at all") }
        }
    }
}
