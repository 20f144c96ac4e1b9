// `electra extract wikipedia`: a Wikipedia dump to plain-text files that `electra prepare --format
// paragraphs` reads (ElectraData's `WikipediaExtractor` does the work).

import ArgumentParser
import ElectraData
import ElectraTensor
import Foundation

/// `electra extract`: corpora in other formats to plain text.
public struct ExtractCommand: ParsableCommand {
    public init() {}

    /// Name, abstract and subcommands for `electra extract --help`.
    public static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Turn corpora in other formats into text files that `electra prepare` reads.",
        subcommands: [ExtractWikipediaCommand.self]
    )
}

/// `electra extract wikipedia DUMP --output DIR`.
public struct ExtractWikipediaCommand: ParsableCommand {
    public init() {}

    /// Name, abstract and discussion for `electra extract wikipedia --help`.
    public static let configuration = CommandConfiguration(
        commandName: "wikipedia",
        abstract: "Extract the articles of a Wikipedia dump (pages-articles .xml or .xml.bz2) as plain text.",
        discussion: """
            Streams the dump (bzip2 decompressed on the fly; a multistream dump with its index \
            beside it or given by --index has its streams decoded on all --threads at once) in bounded \
            memory, keeps main-namespace articles that are not redirects or disambiguation pages, and \
            cleans their markup as WikiExtractor does (templates, tables, references, files, categories \
            and lists dropped; links to their text). Writes wiki_00000.txt, ... in the paragraphs \
            format: then `electra prepare DIR --format paragraphs`. See docs/corpora.md.
            """
    )

    @Argument(help: "The dump: enwiki-latest-pages-articles.xml.bz2 (or multistream, or uncompressed .xml).")
    var dump: String

    @Option(name: [.short, .long], help: "Directory for the text files (created when missing).")
    var output: String

    @Option(help: "Megabytes of text per output file.")
    var fileSize = 100

    @Option(help: "Threads that clean markup and decode a multistream dump's streams (default: all cores).")
    var threads: Int?

    @Option(help: "The multistream index (OFFSET:PAGEID:TITLE lines, .txt.bz2) whose offsets split the dump for parallel decoding (default: the -index.txt.bz2 beside a multistream dump, when present).")
    var index: String?

    /// The index used: `--index`, or the one Wikimedia publishes beside a multistream dump when it is there.
    var resolvedIndex: String? {
        if let index { return index }
        guard let beside = MultistreamIndex.defaultPath(forDump: dump), FileManager.default.isReadableFile(atPath: beside) else { return nil }
        return beside
    }

    /// Checks the options; each mistake ends with one message that says what to pass instead.
    public func validate() throws {
        guard FileManager.default.isReadableFile(atPath: dump) else {
            throw ValidationError("cannot read \(dump): pass a pages-articles dump (.xml or .xml.bz2) from dumps.wikimedia.org")
        }
        guard fileSize >= 1 else { throw ValidationError("--file-size must be at least 1 (megabytes), got \(fileSize)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if let index, !FileManager.default.isReadableFile(atPath: index) {
            throw ValidationError("cannot read the index \(index): pass the pages-articles-multistream-index.txt.bz2 published with the dump, or leave --index out")
        }
    }

    /// Extracts and prints the summary.
    public func run() throws {
        let extractor = WikipediaExtractor(maxFileBytes: fileSize << 20, threads: threads ?? Parallel.threadCount)
        let total = (try? FileManager.default.attributesOfItem(atPath: dump)[.size] as? NSNumber)??.intValue ?? 0
        let onTerminal = isatty(STDERR_FILENO) != 0
        var lastShown = 0.0
        let clock = ContinuousClock(), started = clock.now
        let index = resolvedIndex
        Console.line("electra extract wikipedia: \(dump) into \(output), \(extractor.threads) thread\(extractor.threads == 1 ? "" : "s")"
                     + (index.map { extractor.threads > 1 && dump.hasSuffix(".bz2") ? ", streams split at the offsets of \($0)" : "" } ?? ""))
        let summary = try extractor.extract(dump: dump, index: index, outputDirectory: output) { progress in
            let elapsed = (clock.now - started).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
            guard seconds - lastShown >= (onTerminal ? 0.5 : 10) else { return }
            lastShown = seconds
            let text = String(format: "extract: %5.1f%%  %.1f MB read  ", total > 0 ? 100 * Double(progress.inputBytes) / Double(total) : 0,
                              Double(progress.inputBytes) / 1e6) + "\(PrepareCommand.count(progress.articles)) articles"
            FileHandle.standardError.write(Data((onTerminal ? "\r\u{1B}[K" + text : text + "\n").utf8))
        }
        if onTerminal && lastShown > 0 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        let count = PrepareCommand.count
        for line in [
            "  pages              \(count(summary.pages))",
            "  articles           \(count(summary.articles)) (\(count(summary.paragraphs)) paragraphs)",
            "  skipped            \(count(summary.redirects)) redirects, \(count(summary.disambiguations)) disambiguation pages, "
                + "\(count(summary.otherNamespaces)) in other namespaces, \(count(summary.empty)) empty after cleaning",
            "  files              \(summary.files.count) in \(output) (\(String(format: "%.1f", Double(summary.outputBytes) / 1e6)) MB)",
            "  throughput         " + String(format: "%.2f MB/s of dump (%.1f s)", summary.seconds > 0 ? Double(summary.inputBytes) / summary.seconds / 1e6 : 0, summary.seconds),
        ] { Console.line(line) }
    }
}
