// WikipediaExtractor: a Wikipedia dump to plain-text files in the `paragraphs` corpus format, one
// document per article (what `electra extract wikipedia` runs).

import Dispatch
import ElectraTensor
import Foundation

/// What an extraction read and wrote.
public struct WikiExtractSummary: Codable, Equatable, Sendable {
    /// Pages read.
    public var pages = 0
    /// Articles written.
    public var articles = 0
    /// Pages skipped: redirects, disambiguation pages, other namespaces, and articles left empty.
    public var redirects = 0, disambiguations = 0, otherNamespaces = 0, empty = 0
    /// Paragraphs written.
    public var paragraphs = 0
    /// Bytes of the dump file read, and of text written.
    public var inputBytes = 0, outputBytes = 0
    /// The files written, in order.
    public var files: [String] = []
    /// Seconds the extraction took.
    public var seconds = 0.0

    /// An empty summary.
    public init() {}
}

/// Extracts the articles of a MediaWiki dump as plain text.
///
/// Keeps pages of namespace 0 that are neither redirects nor disambiguation pages (a title ending in
/// `(disambiguation)`, or a template whose name contains `disambig`, or `dab`, `hndis`, `geodis`,
/// `numberdis`, `mathdab`); cleans each with `WikiMarkup`. The output files `wiki_00000.txt`, … hold one
/// article after another: its paragraphs, one per line with a blank line between them, then two
/// blank lines (the `paragraphs` format of `electra prepare`: two blank lines end a document). A file
/// is closed after `maxFileBytes`; each is written under `NAME.tmp` and renamed when complete.
/// Pages are cleaned on `threads` threads in batches, and written in dump order.
public struct WikipediaExtractor {
    /// Bytes of text per output file (a file ends after the article that reaches it).
    public var maxFileBytes: Int
    /// Threads that clean markup.
    public var threads: Int

    /// An extractor writing files of about `maxFileBytes` with `threads` threads.
    public init(maxFileBytes: Int = 100 << 20, threads: Int = 1) {
        precondition(maxFileBytes >= 1 && threads >= 1, "WikipediaExtractor needs positive sizes")
        self.maxFileBytes = maxFileBytes
        self.threads = threads
    }

    /// Whether `page` is a disambiguation page.
    public static func isDisambiguation(_ page: WikiPage) -> Bool {
        if page.title.hasSuffix("(disambiguation)") { return true }
        var rest = Substring(page.text)
        while let open = rest.range(of: "{{") {
            let name = rest[open.upperBound...].prefix { $0 != "|" && $0 != "}" && $0 != "\n" }
                .trimmingCharacters(in: .whitespaces).lowercased()
            if name.contains("disambig") || ["dab", "hndis", "geodis", "numberdis", "mathdab"].contains(name) { return true }
            rest = rest[open.upperBound...]
        }
        return false
    }

    /// Extracts `dump` into `outputDirectory`.
    /// - Parameters:
    ///   - index: the multistream index of a `.bz2` dump: its streams are then decoded on `threads`
    ///     threads at once (nil: stream after stream).
    ///   - progress: called after each batch with the summary so far.
    /// - Throws: `WikiDumpError`.
    public func extract(dump: String, index: String? = nil, outputDirectory: String,
                        progress: ((WikiExtractSummary) -> Void)? = nil) throws -> WikiExtractSummary {
        let clock = ContinuousClock()
        let started = clock.now
        do {
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        } catch {
            throw WikiDumpError.outputNotWritable(path: outputDirectory, reason: "cannot create the directory")
        }
        let reader = try WikiDumpReader(path: dump, index: index, threads: threads)
        let output = WikiOutputFiles(directory: outputDirectory, maxFileBytes: maxFileBytes)
        var summary = WikiExtractSummary()
        do {
            var batch: [WikiPage] = []
            func flush() throws {
                let cleaned = Self.clean(batch, threads: threads)
                for paragraphs in cleaned {
                    guard let paragraphs else { continue }
                    if paragraphs.isEmpty { summary.empty += 1; continue }
                    try output.write(article: paragraphs)
                    summary.articles += 1
                    summary.paragraphs += paragraphs.count
                }
                batch.removeAll(keepingCapacity: true)
                summary.inputBytes = reader.bytesConsumed
                summary.outputBytes = output.bytesWritten
                progress?(summary)
            }
            while let page = try reader.next() {
                summary.pages += 1
                if page.namespace != 0 { summary.otherNamespaces += 1; continue }
                if page.isRedirect { summary.redirects += 1; continue }
                if Self.isDisambiguation(page) { summary.disambiguations += 1; continue }
                batch.append(page)
                if batch.count >= 256 { try flush() }
            }
            try flush()
            try output.finish()
        } catch {
            output.discard()
            throw error
        }
        summary.files = output.files
        summary.inputBytes = reader.bytesConsumed
        summary.outputBytes = output.bytesWritten
        let elapsed = (clock.now - started).components
        summary.seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
        return summary
    }

    /// Each page's paragraphs, cleaned on `threads` threads.
    static func clean(_ pages: [WikiPage], threads: Int) -> [[String]?] {
        var results = [[String]?](repeating: nil, count: pages.count)
        results.withUnsafeMutableBufferPointer { buffer in
            let output = SendableBuffer(buffer)
            let count = pages.count
            let work: @Sendable (Int) -> Void = { thread in
                var index = thread
                while index < count {
                    output.buffer[index] = WikiMarkup.paragraphs(pages[index].text)
                    index += threads
                }
            }
            if threads == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: threads, execute: work) }
        }
        return results
    }
}
