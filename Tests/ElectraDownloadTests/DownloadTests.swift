// FileDownloader and WikipediaDump against a local HTTP server (_TestSupport's LocalHTTPServer):
// a whole download, a connection dropped mid-file (resumed with a range request from the bytes on
// disk, in the same run and in the next), a server that ignores Range or whose file changed (a clean
// restart, never appended), a wrong checksum (nothing left), 404, no server, a full disk, and the
// dump site's layout (latest resolved to a date, SHA-1 preferred, MD5 as the fallback).

import _TestSupport
@testable import ElectraDownload
import Foundation
import Testing

@Suite("Download: resumable, verified") struct DownloadTests {
    static let length = 65537
    static let body = DigestTests.pattern(length)
    static let sha1 = DigestTests.fixture.vectors.first { $0.length == length }!.sha1
    static let md5 = DigestTests.fixture.vectors.first { $0.length == length }!.md5
    static let fast = RetryPolicy(attempts: 4, firstDelay: 0.01, maximumDelay: 0.05, stallTimeout: 10)

    static func server() throws -> LocalHTTPServer {
        try LocalHTTPServer(resources: ["/dump.bz2": .init(body: body, etag: "\"v1\"")])
    }

    static func request(_ server: LocalHTTPServer, into directory: TestDirectory, path: String = "/dump.bz2",
                        algorithm: ChecksumAlgorithm = .sha1, digest: String = sha1) -> DownloadRequest {
        DownloadRequest(url: URL(string: "http://127.0.0.1:\(server.port)\(path)")!, destination: directory.file("dump.bz2"),
                        algorithm: algorithm, digest: digest, notFoundHint: "pass another --date")
    }

    static func contents(_ path: String) -> [UInt8]? { (try? Data(contentsOf: URL(fileURLWithPath: path))).map(Array.init) }

    @Test func aWholeDownloadIsVerifiedAndRenamed() throws {
        let server = try Self.server()
        defer { server.stop() }
        let directory = TestDirectory()
        var reports = 0
        let outcome = try FileDownloader(policy: Self.fast).download(Self.request(server, into: directory)) { _ in reports += 1 }
        #expect(outcome.bytes == Self.length && outcome.resumedFrom == 0 && outcome.retries == 0 && !outcome.alreadyPresent)
        #expect(Self.contents(directory.file("dump.bz2")) == Self.body)
        #expect(directory.names() == ["dump.bz2"])
        #expect(reports > 0)
        #expect(server.requests.map { $0.headers["range"] } == ["bytes=0-67108863"])
        #expect(server.requests[0].headers["accept-encoding"] == "identity")
        let again = try FileDownloader(policy: Self.fast).download(Self.request(server, into: directory))
        #expect(again.alreadyPresent && server.requests.count == 1)
    }

    @Test func md5IsVerifiedToo() throws {
        let server = try Self.server()
        defer { server.stop() }
        let directory = TestDirectory()
        _ = try FileDownloader(policy: Self.fast).download(Self.request(server, into: directory, algorithm: .md5, digest: Self.md5))
        #expect(Self.contents(directory.file("dump.bz2")) == Self.body)
    }

    @Test func droppedConnectionsResumeFromTheBytesOnDisk() throws {
        let server = try Self.server()
        defer { server.stop() }
        server.dropConnections(afterBodyBytes: [10000, 30000])
        let directory = TestDirectory()
        let outcome = try FileDownloader(policy: Self.fast).download(Self.request(server, into: directory))
        #expect(outcome.retries == 2)
        #expect(Self.contents(directory.file("dump.bz2")) == Self.body)
        let ranges = server.requests.map { $0.headers["range"] }
        #expect(ranges == ["bytes=0-67108863", "bytes=10000-67118863", "bytes=40000-67148863"], "\(ranges)")
        #expect(server.requests.dropFirst().allSatisfy { $0.headers["if-range"] == "\"v1\"" })
        #expect(directory.names() == ["dump.bz2"])
    }

    @Test func rangesOfOneSegmentEachBoundWhatIsInFlight() throws {
        let server = try Self.server()
        defer { server.stop() }
        server.dropConnections(afterBodyBytes: [.max, 5000])   // the second range drops a third of the way in
        let directory = TestDirectory()
        let outcome = try FileDownloader(policy: Self.fast, segmentBytes: 16384).download(Self.request(server, into: directory))
        #expect(outcome.retries == 1)
        #expect(Self.contents(directory.file("dump.bz2")) == Self.body)
        let ranges = server.requests.map { $0.headers["range"] ?? "" }
        #expect(ranges == ["bytes=0-16383", "bytes=16384-32767", "bytes=21384-37767", "bytes=37768-54151", "bytes=54152-70535"], "\(ranges)")
        #expect(server.requests.dropFirst().allSatisfy { $0.headers["if-range"] == "\"v1\"" })
    }

    /// A run that gives up after the connection dropped at `bytes`, leaving dump.bz2.part behind.
    static func interruptedRun(_ server: LocalHTTPServer, _ directory: TestDirectory, at bytes: Int) {
        server.dropConnections(afterBodyBytes: [bytes])
        let once = RetryPolicy(attempts: 1, firstDelay: 0, maximumDelay: 0, stallTimeout: 10)
        #expect(throws: DownloadError.connectionFailed(url: "\(server.baseURL)dump.bz2", reason: "the connection dropped at byte \(bytes) of \(length)", attempts: 1,
                                                       partial: directory.file("dump.bz2.part"), bytes: bytes)) {
            try FileDownloader(policy: once).download(request(server, into: directory))
        }
        #expect(directory.names() == ["dump.bz2.part", "dump.bz2.part.json"])
        #expect(contents(directory.file("dump.bz2.part")) == Array(body[0..<bytes]))
    }

    @Test func theNextRunResumesAnInterruptedOne() throws {
        let server = try Self.server()
        defer { server.stop() }
        let directory = TestDirectory()
        Self.interruptedRun(server, directory, at: 20000)
        let outcome = try FileDownloader(policy: Self.fast).download(Self.request(server, into: directory))
        #expect(outcome.resumedFrom == 20000 && outcome.retries == 0)
        #expect(server.requests.last?.headers["range"] == "bytes=20000-67128863")
        #expect(Self.contents(directory.file("dump.bz2")) == Self.body)
        #expect(directory.names() == ["dump.bz2"])
    }

    @Test func aServerIgnoringRangeRestartsCleanly() throws {
        let server = try Self.server()
        defer { server.stop() }
        let directory = TestDirectory()
        Self.interruptedRun(server, directory, at: 20000)
        server.ignoreRanges(true)
        let outcome = try FileDownloader(policy: Self.fast).download(Self.request(server, into: directory))
        #expect(server.requests.last?.headers["range"] == "bytes=20000-67128863")
        #expect(outcome.bytes == Self.length)
        #expect(Self.contents(directory.file("dump.bz2")) == Self.body)
    }

    @Test func aChangedFileOnTheServerRestartsCleanly() throws {
        let server = try Self.server()
        defer { server.stop() }
        let directory = TestDirectory()
        Self.interruptedRun(server, directory, at: 20000)
        server.setResource("/dump.bz2", .init(body: Self.body, etag: "\"v2\""))
        _ = try FileDownloader(policy: Self.fast).download(Self.request(server, into: directory))
        #expect(server.requests.last?.headers["if-range"] == "\"v1\"")
        #expect(Self.contents(directory.file("dump.bz2")) == Self.body)
    }

    @Test func aPartialFileOfAnotherDownloadIsNotContinued() throws {
        let server = try Self.server()
        defer { server.stop() }
        let directory = TestDirectory()
        directory.write("dump.bz2.part", Array(repeating: 0xAA, count: 5000))
        _ = try FileDownloader(policy: Self.fast).download(Self.request(server, into: directory))
        #expect(server.requests.map { $0.headers["range"] } == ["bytes=0-67108863"])
        #expect(Self.contents(directory.file("dump.bz2")) == Self.body)
    }

    @Test func aWrongChecksumLeavesNothingBehind() throws {
        let server = try Self.server()
        defer { server.stop() }
        let directory = TestDirectory()
        let wrong = DigestTests.fixture.vectors.first { $0.length == 1000 }!.sha1
        #expect(throws: DownloadError.checksumMismatch(file: directory.file("dump.bz2"), algorithm: "SHA-1", expected: wrong,
                                                       actual: Self.sha1, url: "\(server.baseURL)dump.bz2")) {
            try FileDownloader(policy: Self.fast).download(Self.request(server, into: directory, digest: wrong))
        }
        #expect(directory.names().isEmpty)
        let message = DownloadError.checksumMismatch(file: "f", algorithm: "SHA-1", expected: "a", actual: "b", url: "u").description
        #expect(message.contains("was deleted: run the command again") && message.contains("--mirror"))
    }

    @Test func missingFilesAndMissingServersSayWhatToDo() throws {
        let server = try Self.server()
        let directory = TestDirectory()
        #expect(throws: DownloadError.notFound(url: "\(server.baseURL)gone.bz2", hint: "pass another --date")) {
            try FileDownloader(policy: Self.fast).download(Self.request(server, into: directory, path: "/gone.bz2"))
        }
        server.stop()
        #expect(throws: DownloadError.unreachable(url: "\(server.baseURL)dump.bz2", reason: "connection refused")) {
            try FileDownloader(policy: Self.fast).download(Self.request(server, into: directory))
        }
        #expect(DownloadError.unreachable(url: "u", reason: "r").description.contains("pass --mirror URL"))
        let notADirectory = directory.write("file", "x")
        var request = Self.request(server, into: directory)
        request.destination = notADirectory + "/dump.bz2"
        #expect(throws: DownloadError.notWritable(path: notADirectory + "/dump.bz2.part", reason: "Not a directory")) {
            try FileDownloader(policy: Self.fast).download(request)
        }
    }

    #if os(Linux)
    @Test func aFullDiskKeepsWhatWasWrittenAndSaysSo() throws {
        let server = try Self.server()
        defer { server.stop() }
        let directory = TestDirectory()
        try FileManager.default.createSymbolicLink(atPath: directory.file("dump.bz2.part"), withDestinationPath: "/dev/full")
        #expect(throws: DownloadError.diskFull(path: directory.file("dump.bz2.part"), bytes: 0)) {
            try FileDownloader(policy: Self.fast).download(Self.request(server, into: directory))
        }
        #expect(DownloadError.diskFull(path: "p", bytes: 1).description.contains("free some space, then run the same command again"))
    }
    #endif

    static let mirror = Fixtures.directory.appendingPathComponent("download/mirror")

    @Test func theDumpSiteLayoutResolvesLatestToADate() throws {
        let server = try LocalHTTPServer(directory: Self.mirror)
        defer { server.stop() }
        let base = URL(string: server.baseURL)!
        let downloader = FileDownloader(policy: Self.fast)
        let sha1s = try String(contentsOf: Self.mirror.appendingPathComponent("enwiki/20260101/enwiki-20260101-sha1sums.txt"), encoding: .utf8)
        let listed = try ChecksumList(parsing: sha1s, algorithm: .sha1, source: "")
        let latest = try WikipediaDump(mirror: base).resolve(with: downloader)
        #expect(latest.date == "20260101" && latest.algorithm == .sha1)
        #expect(latest.checksumList.absoluteString == server.baseURL + "enwiki/latest/enwiki-latest-sha1sums.txt")
        #expect(latest.files.map(\.url.absoluteString) == [server.baseURL + "enwiki/20260101/enwiki-20260101-pages-articles.xml.bz2"])
        #expect(latest.files[0].digest == listed.digests["enwiki-20260101-pages-articles.xml.bz2"])
        let multistream = try WikipediaDump(date: "20260101", multistream: true, mirror: base).resolve(with: downloader)
        #expect(multistream.files.map(\.name) == ["enwiki-20260101-pages-articles-multistream.xml.bz2",
                                                  "enwiki-20260101-pages-articles-multistream-index.txt.bz2"])
        #expect(throws: DownloadError.self) { try WikipediaDump(date: "20250101", mirror: base).resolve(with: downloader) }
        do {
            _ = try WikipediaDump(date: "20250101", mirror: base).resolve(with: downloader)
        } catch {
            #expect(error.description.contains("there is no enwiki dump dated 20250101 here: the dates on offer are listed at \(server.baseURL)enwiki/"))
        }
        do {
            _ = try WikipediaDump(language: "xx", mirror: base).resolve(with: downloader)
        } catch {
            #expect(error.description.contains("check --lang (xxwiki must be a wiki"))
        }
    }

    @Test func md5ListsServeWhereNoSHA1ListIs() throws {
        let server = try LocalHTTPServer(directory: Self.mirror)
        defer { server.stop() }
        server.setResource("/enwiki/20260101/enwiki-20260101-sha1sums.txt", .init(body: Array("<html>".utf8), etag: "\"x\""))
        let base = URL(string: server.baseURL)!
        #expect(throws: DownloadError.malformedChecksumList(url: server.baseURL + "enwiki/20260101/enwiki-20260101-sha1sums.txt", line: 1)) {
            try WikipediaDump(date: "20260101", mirror: base).resolve(with: FileDownloader(policy: Self.fast))
        }
        let noSHA1 = try LocalHTTPServer(resources: [
            "/enwiki/20260101/enwiki-20260101-md5sums.txt": .init(body: Array(try Data(contentsOf: Self.mirror.appendingPathComponent(
                "enwiki/20260101/enwiki-20260101-md5sums.txt"))), etag: "\"m\""),
        ])
        defer { noSHA1.stop() }
        let resolved = try WikipediaDump(date: "20260101", mirror: URL(string: noSHA1.baseURL)!).resolve(with: FileDownloader(policy: Self.fast))
        #expect(resolved.algorithm == .md5 && resolved.files[0].digest.count == 32)
        #expect(noSHA1.requests.map(\.path) == ["/enwiki/20260101/enwiki-20260101-sha1sums.txt", "/enwiki/20260101/enwiki-20260101-md5sums.txt"])
    }
}
