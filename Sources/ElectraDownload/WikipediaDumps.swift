// WikipediaDumps: where a Wikipedia dump lives on dumps.wikimedia.org or a mirror of it, and which
// checksums it must have. The layout: `{mirror}/{lang}wiki/{date}/{lang}wiki-{date}-pages-articles.xml.bz2`
// (or `-pages-articles-multistream.xml.bz2` with its `-multistream-index.txt.bz2`), beside
// `{lang}wiki-{date}-sha1sums.txt` and `-md5sums.txt` ("HEX  filename" per line). `{lang}wiki/latest/`
// holds `{lang}wiki-latest-sha1sums.txt`, which lists the latest finished dump under its dated names:
// "latest" is resolved through it to a date, and the dated files are downloaded, so that a dump
// published mid-download cannot mix with the one being resumed.

import Foundation

/// A Wikipedia dump to fetch: the wiki's language, the date and the variant.
public struct WikipediaDump: Sendable, Equatable {
    /// The dump site or a mirror with the same layout.
    public static let defaultMirror = URL(string: "https://dumps.wikimedia.org/")!

    /// The language code of the wiki (`en` for enwiki, `simple` for simplewiki).
    public var language: String
    /// `latest` or a dump date `YYYYMMDD`.
    public var date: String
    /// `pages-articles-multistream.xml.bz2` and its index instead of `pages-articles.xml.bz2`.
    public var multistream: Bool
    /// The site's root, ending in `/`.
    public var mirror: URL

    public init(language: String = "en", date: String = "latest", multistream: Bool = false, mirror: URL = defaultMirror) {
        self.language = language
        self.date = date
        self.multistream = multistream
        let text = mirror.absoluteString
        self.mirror = text.hasSuffix("/") ? mirror : URL(string: text + "/") ?? mirror
    }

    /// `enwiki` for `en`.
    public var wiki: String { language + "wiki" }

    /// Whether `text` is a language code as the dump site spells them (`en`, `simple`, `zh_yue`).
    public static func isLanguageCode(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLowercase else { return false }
        return text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
    }

    /// Whether `text` is `latest` or eight digits.
    public static func isDate(_ text: String) -> Bool {
        text == "latest" || (text.count == 8 && text.allSatisfy { $0.isASCII && $0.isNumber })
    }

    /// `{mirror}/{wiki}/`: the list of dump dates.
    public var datesListing: URL { mirror.appendingPathComponent(wiki + "/") }

    /// `{mirror}/{wiki}/{date}/`.
    public func directory(date: String) -> URL { datesListing.appendingPathComponent(date + "/") }

    /// The files of the dump of `date`.
    public func fileNames(date: String) -> [String] {
        let stem = "\(wiki)-\(date)-pages-articles"
        return multistream ? [stem + "-multistream.xml.bz2", stem + "-multistream-index.txt.bz2"] : [stem + ".xml.bz2"]
    }

    /// The dated dump this names, its files and their checksums, read from the checksum list (SHA-1
    /// when the site has one, MD5 otherwise); `latest` is resolved to the date the latest list names.
    public func resolve(with downloader: FileDownloader) throws(DownloadError) -> ResolvedWikipediaDump {
        let latest = date == "latest"
        let stem = latest ? "\(wiki)-latest" : "\(wiki)-\(date)"
        let folder = directory(date: date)
        var found: (list: ChecksumList, url: URL)?
        for algorithm in ChecksumAlgorithm.allCases {
            let url = folder.appendingPathComponent("\(stem)-\(algorithm.rawValue)sums.txt")
            if let text = try downloader.fetchText(url) {
                found = (try ChecksumList(parsing: text, algorithm: algorithm, source: url.absoluteString), url)
                break
            }
        }
        guard let (list, listURL) = found else {
            let url = folder.appendingPathComponent("\(stem)-sha1sums.txt").absoluteString
            throw .notFound(url: url, hint: latest
                ? "check --lang (\(wiki) must be a wiki of the dump site), or this mirror has no latest/ directory: "
                    + "pass --date YYYYMMDD, one of the dates listed at \(datesListing.absoluteString)"
                : "there is no \(wiki) dump dated \(date) here: the dates on offer are listed at \(datesListing.absoluteString) "
                    + "(the dump site keeps the last few months); pass one with --date, or --date latest")
        }
        var resolvedDate = date
        if latest {
            let prefix = "\(wiki)-", suffix = "-pages-articles.xml.bz2"
            let dates = list.digests.keys.compactMap { name -> String? in
                guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return nil }
                let middle = String(name.dropFirst(prefix.count).dropLast(suffix.count))
                return middle != "latest" && Self.isDate(middle) ? middle : nil
            }
            guard let newest = dates.max() else {
                throw .notListed(file: "\(wiki)-YYYYMMDD\(suffix)", list: listURL.absoluteString,
                                 hint: "the latest dump is not finished yet: pass --date YYYYMMDD, one of the dates listed at "
                                    + datesListing.absoluteString)
            }
            resolvedDate = newest
        }
        var files: [ResolvedWikipediaDump.File] = []
        for name in fileNames(date: resolvedDate) {
            guard let digest = list.digests[name] else {
                throw .notListed(file: name, list: listURL.absoluteString,
                                 hint: "the dump of \(resolvedDate) is not finished, or has no such file (see "
                                    + "\(directory(date: resolvedDate).absoluteString)): pass another --date")
            }
            files.append(.init(name: name, url: directory(date: resolvedDate).appendingPathComponent(name), digest: digest))
        }
        return ResolvedWikipediaDump(date: resolvedDate, algorithm: list.algorithm, checksumList: listURL, files: files)
    }
}

/// A dated dump: its files with their addresses and checksums.
public struct ResolvedWikipediaDump: Sendable, Equatable {
    public struct File: Sendable, Equatable {
        public let name: String
        public let url: URL
        public let digest: String
    }

    public let date: String
    public let algorithm: ChecksumAlgorithm
    /// The checksum list the digests come from.
    public let checksumList: URL
    /// The dump, then (multistream) its index.
    public let files: [File]

    /// The requests that download the files into `directory`.
    public func requests(into directory: String) -> [DownloadRequest] {
        files.map { file in
            DownloadRequest(url: file.url, destination: (directory as NSString).appendingPathComponent(file.name),
                            algorithm: algorithm, digest: file.digest,
                            notFoundHint: "the checksum list \(checksumList.absoluteString) names it but the file is not there "
                                + "(the mirror may be updating): try again later, pass another --date, or pass --mirror URL")
        }
    }
}
