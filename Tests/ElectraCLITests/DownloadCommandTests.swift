// `electra download wikipedia` through the command line, against a local HTTP server holding a dump
// mirror (Tests/Fixtures/download/mirror): validation messages; download (latest, with dropped
// connections), extract and prepare end to end; the multistream variant; a missing date and a
// damaged file ending in one message each.

import _TestSupport
@testable import ElectraCLI
import Foundation
import Testing

@Suite("Command line: download wikipedia", .serialized) struct DownloadCommandTests {
    static let mirror = Fixtures.directory.appendingPathComponent("download/mirror")
    static let dated = mirror.appendingPathComponent("enwiki/20260101")
    static let fast = ["--retry-delay", "0.01", "--timeout", "10", "--quiet"]

    @Test func validationMessagesSayWhatToPass() {
        let output = scratchPath("download-validation")
        #expect(commandOutcome(["download", "wikipedia", "--lang", "EN", "--output", output]).contains("--lang must be a wiki's language code"))
        #expect(commandOutcome(["download", "wikipedia", "--date", "2026-01", "--output", output])
            .contains("--date must be latest or a dump date YYYYMMDD"))
        #expect(commandOutcome(["download", "wikipedia", "--mirror", "ftp://example.org/", "--output", output])
            .contains("--mirror must be an http:// or https:// address"))
        #expect(commandOutcome(["download", "wikipedia", "--retries", "0", "--output", output]).contains("--retries must be at least 1"))
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect(ElectraCommand.helpMessage().contains("download"))
    }

    @Test func downloadExtractAndPrepareEndToEnd() throws {
        let server = try LocalHTTPServer(directory: Self.mirror)
        defer { server.stop() }
        server.dropConnections(afterBodyBytes: [0, .max, 700])   // the checksum list at once, then the dump mid-file
        let root = temporaryDirectory("download-e2e")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dumps = root + "/dumps", text = root + "/text", shards = root + "/shards"
        #expect(commandOutcome(["download", "wikipedia", "--mirror", server.baseURL, "--output", dumps] + Self.fast) == "")
        let name = "enwiki-20260101-pages-articles.xml.bz2"
        #expect(try FileManager.default.contentsOfDirectory(atPath: dumps) == [name])
        #expect(FileManager.default.contentsEqual(atPath: dumps + "/" + name, andPath: Self.dated.appendingPathComponent(name).path))
        #expect(server.requests.map(\.path).filter { $0.hasSuffix(".bz2") }.count == 2)
        #expect(server.requests.last?.headers["range"] == "bytes=700-67109563")

        #expect(commandOutcome(["extract", "wikipedia", dumps + "/" + name, "--output", text]) == "")
        let expected = try String(contentsOf: Fixtures.directory.appendingPathComponent("wikipedia/sample.expected.txt"), encoding: .utf8)
        #expect(try String(contentsOfFile: text + "/wiki_00000.txt", encoding: .utf8) == expected)
        #expect(commandOutcome(["prepare", text, "--format", "paragraphs", "--max-seq-length", "64", "--shards", "1", "--output", shards]) == "")
        #expect(FileManager.default.fileExists(atPath: shards + "/manifest.json"))

        #expect(commandOutcome(["download", "wikipedia", "--mirror", server.baseURL, "--output", dumps] + Self.fast) == "")
        #expect(server.requests.map(\.path).filter { $0.hasSuffix(".bz2") }.count == 2, "an existing dump is not fetched again")
    }

    @Test func theMultistreamVariantComesWithItsIndex() throws {
        let server = try LocalHTTPServer(directory: Self.mirror)
        defer { server.stop() }
        let root = temporaryDirectory("download-multistream")
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(commandOutcome(["download", "wikipedia", "--date", "20260101", "--multistream", "--mirror", server.baseURL,
                                "--output", root + "/dumps"] + Self.fast) == "")
        let names = ["enwiki-20260101-pages-articles-multistream-index.txt.bz2", "enwiki-20260101-pages-articles-multistream.xml.bz2"]
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/dumps").sorted() == names)
        #expect(commandOutcome(["extract", "wikipedia", root + "/dumps/" + names[1], "--output", root + "/text"]) == "")
        let expected = try String(contentsOf: Fixtures.directory.appendingPathComponent("wikipedia/sample.expected.txt"), encoding: .utf8)
        #expect(try String(contentsOfFile: root + "/text/wiki_00000.txt", encoding: .utf8) == expected)
    }

    @Test func aMissingDateAndADamagedFileEndInOneMessage() throws {
        let server = try LocalHTTPServer(directory: Self.mirror)
        defer { server.stop() }
        let root = temporaryDirectory("download-errors")
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(commandOutcome(["download", "wikipedia", "--date", "20250101", "--mirror", server.baseURL, "--output", root] + Self.fast)
            .contains("there is no enwiki dump dated 20250101 here: the dates on offer are listed at \(server.baseURL)enwiki/"))
        let path = "/enwiki/20260101/enwiki-20260101-pages-articles.xml.bz2"
        var damaged = Array(try Data(contentsOf: Self.dated.appendingPathComponent("enwiki-20260101-pages-articles.xml.bz2")))
        damaged[damaged.count / 2] ^= 0xFF
        server.setResource(path, .init(body: damaged, etag: "\"damaged\""))
        let message = commandOutcome(["download", "wikipedia", "--mirror", server.baseURL, "--output", root] + Self.fast)
        #expect(message.contains("but the dump site lists") && message.contains("the damaged download was deleted"), "\(message)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root).isEmpty)
        #expect(commandOutcome(["download", "wikipedia", "--mirror", "http://127.0.0.1:1/", "--output", root] + Self.fast)
            .contains("cannot reach http://127.0.0.1:1/enwiki/latest/enwiki-latest-sha1sums.txt (connection refused): check the network connection, or pass --mirror URL"))
    }
}
