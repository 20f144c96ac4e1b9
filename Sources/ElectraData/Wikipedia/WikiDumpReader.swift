// WikiDumpReader: the pages of a MediaWiki XML export (`pages-articles.xml`, plain or .bz2), one at a
// time in bounded memory.

/// One `<page>` of a MediaWiki export, its latest revision's text XML-unescaped.
public struct WikiPage: Equatable, Sendable {
    /// `<title>`.
    public var title: String
    /// `<ns>`: 0 for articles.
    public var namespace: Int
    /// `<id>` of the page.
    public var id: Int
    /// Whether the page has a `<redirect>` element.
    public var isRedirect: Bool
    /// The wikitext of `<text>`.
    public var text: String
}

/// Reads the `<page>` elements of a MediaWiki XML export (export schema 0.10/0.11, as Wikimedia's
/// dumps are written) as a stream: the decompressed bytes go through a buffer that holds one page at a
/// time (`maxPageBytes` at most), so memory does not grow with the dump. Only the elements a
/// pages-articles dump has are read: `title`, `ns`, `id`, `redirect` and the revision's `text`.
public final class WikiDumpReader {
    /// The dump's path, named in errors.
    public let path: String
    /// The longest page accepted, in bytes of XML.
    public let maxPageBytes: Int
    /// Pages read so far.
    public private(set) var pageCount = 0
    /// Bytes of the file consumed so far (compressed bytes for .bz2).
    public var bytesConsumed: Int { source.bytesConsumed }

    private let source: ByteSource
    private var buffer: [UInt8] = []
    private var head = 0               // first byte of `buffer` still needed
    private var ended = false
    private var checkedStart = false

    /// Opens `path`; `.bz2` files are decompressed on the fly: stream after stream, or, given the
    /// `index` of a multistream dump and `threads` above 1, several streams at once on `threads` threads
    /// (`ParallelBZip2Source`; the bytes read are the same).
    /// - Throws: `WikiDumpError.unreadable`; with an index, `.badIndex` or `.indexMismatch`.
    public init(path: String, maxPageBytes: Int = 256 << 20, index: String? = nil, threads: Int = 1) throws {
        self.path = path
        self.maxPageBytes = maxPageBytes
        if !path.hasSuffix(".bz2") {
            source = try FileByteSource(path: path)
        } else if let index, threads > 1 {
            source = try ParallelBZip2Source.open(dump: path, index: index, threads: threads)
        } else {
            source = try BZip2ByteSource(path: path)
        }
    }

    /// The next page, or `nil` after the last.
    /// - Throws: `WikiDumpError` for a file that is not an export, a corrupt .bz2, or an endless page.
    public func next() throws -> WikiPage? {
        guard let start = try find(Self.pageOpen, from: head) else { return nil }
        head = start   // the page stays in the buffer while its end is looked for
        guard let end = try find(Self.pageClose, from: head) else {
            throw WikiDumpError.pageTooLarge(path: path, page: pageCount + 1, limit: maxPageBytes)
        }
        let page = Self.parse(buffer[head..<end])
        head = end + Self.pageClose.count
        pageCount += 1
        return page
    }

    static let pageOpen = Array("<page>".utf8), pageClose = Array("</page>".utf8)

    /// The offset of `marker` in the buffer at or after `start`, reading more as needed; nil at the end
    /// of the file. Reading may move the buffer's contents: offsets before `head` are not kept.
    private func find(_ marker: [UInt8], from start: Int) throws -> Int? {
        var from = start
        while true {
            if let index = Self.search(buffer, marker, from: from) { return index }
            guard !ended else { return nil }
            guard buffer.count - head < maxPageBytes else {
                throw WikiDumpError.pageTooLarge(path: path, page: pageCount + 1, limit: maxPageBytes)
            }
            let searched = max(head, buffer.count - marker.count + 1)
            from = searched - (try fill())   // `fill` may move the buffer back
        }
    }

    /// Drops the bytes before `head` (rebasing `head` to 0) once the start of the file has been
    /// checked, then reads up to 1 MiB more; returns how far the buffer moved back.
    private func fill() throws -> Int {
        let shift = checkedStart ? head : 0
        if shift > 0 {
            buffer.removeFirst(shift)
            head = 0
        }
        let chunk = 1 << 20
        let old = buffer.count
        buffer += repeatElement(0, count: chunk)
        let count = try buffer.withUnsafeMutableBytes { raw in
            try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[old...]))
        }
        buffer.removeLast(chunk - count)
        if count == 0 { ended = true }
        if !checkedStart && (buffer.count >= 4096 || ended) {
            checkedStart = true
            let opening = String(decoding: buffer.prefix(4096), as: UTF8.self)
            guard opening.contains("<mediawiki") else { throw WikiDumpError.notAnExport(path: path) }
        }
        return shift
    }

    static func search(_ bytes: [UInt8], _ marker: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= marker.count else { return nil }
        var i = start
        let first = marker[0]
        let last = bytes.count - marker.count
        while i <= last {
            if bytes[i] == first {
                var k = 1
                while k < marker.count && bytes[i + k] == marker[k] { k += 1 }
                if k == marker.count { return i }
            }
            i += 1
        }
        return nil
    }

    /// The fields of one page's XML (from `<page>` to just before `</page>`).
    static func parse(_ xml: ArraySlice<UInt8>) -> WikiPage {
        let bytes = Array(xml)
        func element(_ name: String) -> String? {
            guard let open = search(bytes, Array("<\(name)".utf8), from: 0),
                  let close = search(bytes, Array(">".utf8), from: open) else { return nil }
            if bytes[close - 1] == UInt8(ascii: "/") { return "" }
            guard let end = search(bytes, Array("</\(name)>".utf8), from: close) else { return nil }
            return HTMLEntities.decode(String(decoding: bytes[(close + 1)..<end], as: UTF8.self))
        }
        return WikiPage(title: element("title") ?? "", namespace: Int(element("ns") ?? "") ?? 0,
                        id: Int(element("id") ?? "") ?? 0,
                        isRedirect: search(bytes, Array("<redirect".utf8), from: 0) != nil,
                        text: element("text") ?? "")
    }
}
