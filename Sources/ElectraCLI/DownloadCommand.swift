// `electra download wikipedia`: a Wikipedia dump from dumps.wikimedia.org (or a mirror) over HTTPS,
// resumable and verified against the site's checksum list (ElectraData's `WikipediaDump` and
// `FileDownloader` do the work); then `electra extract wikipedia` reads it.

import ArgumentParser
import ElectraDownload
import Foundation

/// `electra download`: corpora from the internet.
public struct DownloadCommand: ParsableCommand {
    public init() {}

    /// Name, abstract and subcommands for `electra download --help`.
    public static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download corpora for pre-training.",
        subcommands: [DownloadWikipediaCommand.self]
    )
}

/// `electra download wikipedia [--lang en] [--date latest] --output DIR`.
public struct DownloadWikipediaCommand: ParsableCommand {
    public init() {}

    /// Name, abstract and discussion for `electra download wikipedia --help`.
    public static let configuration = CommandConfiguration(
        commandName: "wikipedia",
        abstract: "Download a Wikipedia dump (pages-articles .xml.bz2), resumable and checksum-verified.",
        discussion: """
            Fetches {lang}wiki-{date}-pages-articles.xml.bz2 from {mirror}/{lang}wiki/{date}/ into DIR. \
            --date latest (the default) is resolved to the date of the latest finished dump through \
            {lang}wiki-latest-sha1sums.txt, and the dated file is kept under its dated name. The bytes go to \
            FILE.part; an interrupted download resumes from there (HTTP range requests), in this run after \
            a dropped connection and the next time the command runs. FILE appears only once its SHA-1 \
            (MD5 where the mirror lists no SHA-1) matches the site's list; a mismatch deletes the download. \
            Then: electra extract wikipedia DIR/FILE --output TEXT. See docs/corpora.md.
            """
    )

    @Option(help: "Language code of the wiki: en (English), de, fr, simple, ...")
    var lang = "en"

    @Option(help: "Dump date YYYYMMDD, or latest (resolved to the latest finished dump's date).")
    var date = "latest"

    @Option(name: [.short, .long], help: "Directory for the dump (created when missing).")
    var output: String

    @Option(help: "Dump site or mirror with the dumps.wikimedia.org layout (see https://dumps.wikimedia.org/mirrors.html).")
    var mirror = WikipediaDump.defaultMirror.absoluteString

    @Flag(help: "Download pages-articles-multistream.xml.bz2 and its index instead.")
    var multistream = false

    @Option(help: "Failed attempts in a row without progress before giving up.")
    var retries = 8

    @Option(help: "Seconds before the first retry (doubled after each further failure, at most 60).")
    var retryDelay = 1.0

    @Option(help: "Seconds without data after which a connection counts as dropped.")
    var timeout = 60.0

    @Flag(help: "No progress line on standard error (there is none when it is not a terminal either).")
    var quiet = false

    /// Checks the options; each mistake ends with one message that says what to pass instead.
    public func validate() throws {
        guard WikipediaDump.isLanguageCode(lang) else {
            throw ValidationError("--lang must be a wiki's language code such as en, de or simple (lowercase letters, digits, _), got \(lang)")
        }
        guard WikipediaDump.isDate(date) else {
            throw ValidationError("--date must be latest or a dump date YYYYMMDD (listed at https://dumps.wikimedia.org/\(lang)wiki/), got \(date)")
        }
        guard let url = URL(string: mirror), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw ValidationError("--mirror must be an http:// or https:// address such as https://dumps.wikimedia.org/, got \(mirror)")
        }
        guard retries >= 1 else { throw ValidationError("--retries must be at least 1, got \(retries)") }
        guard retryDelay >= 0 && retryDelay <= 3600 else { throw ValidationError("--retry-delay must be in 0...3600 seconds, got \(retryDelay)") }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive (seconds), got \(timeout)") }
    }

    /// Resolves the dump, downloads its files and prints where they are.
    public func run() throws {
        let dump = WikipediaDump(language: lang, date: date, multistream: multistream, mirror: URL(string: mirror)!)
        let downloader = FileDownloader(policy: RetryPolicy(attempts: retries, firstDelay: retryDelay,
                                                            maximumDelay: max(60, retryDelay), stallTimeout: timeout))
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch {
            throw DownloadError.notWritable(path: output, reason: "cannot create the directory")
        }
        let resolved = try dump.resolve(with: downloader)
        Console.line("electra download wikipedia: \(dump.wiki) dump of \(resolved.date)"
                     + (date == "latest" ? " (the latest)" : "") + " from \(dump.mirror.absoluteString), "
                     + "\(resolved.algorithm.displayName) from \(resolved.checksumList.lastPathComponent)")
        let display = DownloadProgressDisplay(enabled: !quiet && isatty(STDERR_FILENO) != 0)
        for request in resolved.requests(into: output) {
            let outcome: DownloadOutcome
            do {
                outcome = try downloader.download(request, progress: display.show)
            } catch {
                display.finish()
                throw error
            }
            display.finish()
            Console.line(Self.report(outcome, algorithm: resolved.algorithm))
        }
        if let dumpFile = resolved.requests(into: output).first?.destination {
            Console.line("next: electra extract wikipedia \(dumpFile) --output TEXT_DIR")
        }
    }

    /// One line about a finished download.
    static func report(_ outcome: DownloadOutcome, algorithm: ChecksumAlgorithm) -> String {
        if outcome.alreadyPresent {
            return "  \(outcome.path): already there (\(DownloadProgressDisplay.size(outcome.bytes))); delete it to download it again"
        }
        let fetched = outcome.fetched
        var line = "  \(outcome.path): \(DownloadProgressDisplay.size(outcome.bytes)), \(algorithm.displayName) verified, "
            + "\(DownloadProgressDisplay.size(fetched)) in " + String(format: "%.1f s", outcome.seconds)
        if outcome.resumedFrom > 0 { line += ", resumed at \(DownloadProgressDisplay.size(outcome.resumedFrom))" }
        if outcome.retries > 0 { line += ", \(outcome.retries) retr\(outcome.retries == 1 ? "y" : "ies")" }
        return line
    }
}

/// The progress line on standard error: bytes, rate and time left, redrawn at most twice a second.
final class DownloadProgressDisplay: @unchecked Sendable {
    private let enabled: Bool
    private var lastShown = -1.0
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ progress: DownloadProgress) {
        guard enabled, progress.seconds - lastShown >= 0.5 else { return }
        lastShown = progress.seconds
        var text: String
        switch progress.phase {
        case .checkingPartial:
            text = "\(progress.file): checking the \(Self.size(progress.totalBytes ?? 0)) already downloaded: \(Self.size(progress.bytes))"
        case .downloading:
            text = "\(progress.file): \(Self.size(progress.bytes))"
            if let total = progress.totalBytes, total > 0 {
                text += " of \(Self.size(total)) (" + String(format: "%.1f%%", 100 * Double(progress.bytes) / Double(total)) + ")"
            }
            let rate = progress.seconds > 0 ? Double(progress.bytesThisRun) / progress.seconds : 0
            text += "  \(Self.size(Int(rate)))/s"
            if let total = progress.totalBytes, rate > 0 {
                text += "  ETA \(Self.duration(Double(total - progress.bytes) / rate))"
            }
        }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        shown = true
    }

    /// Clears the line.
    func finish() {
        if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        shown = false
        lastShown = -1
    }

    /// `1234567` bytes as `1.2 MB`.
    static func size(_ bytes: Int) -> String {
        let value = Double(bytes)
        if value >= 1e9 { return String(format: "%.2f GB", value / 1e9) }
        if value >= 1e6 { return String(format: "%.1f MB", value / 1e6) }
        if value >= 1e3 { return String(format: "%.1f kB", value / 1e3) }
        return "\(bytes) B"
    }

    /// Seconds as `1h02m`, `3m05s` or `42s`.
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole >= 3600 { return String(format: "%dh%02dm", whole / 3600, whole % 3600 / 60) }
        if whole >= 60 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
        return "\(whole)s"
    }
}
