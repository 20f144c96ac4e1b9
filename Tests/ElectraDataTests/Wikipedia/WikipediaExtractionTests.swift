// Wikipedia extraction: the sample dump (every markup construct, a redirect, a disambiguation page,
// another namespace, an article left empty) into the expected text, plain and bzip2 (single and
// multistream) alike; corrupt and foreign inputs refused; files complete or absent; then prepared.

import _TestSupport
import CBZip2
@testable import ElectraData
import ElectraTokenizer
import Foundation
import Testing

@Suite("Wikipedia extraction") struct WikipediaExtractionTests {
    static let sample = Fixtures.directory.appendingPathComponent("wikipedia/sample.xml").path
    static let expected = Fixtures.directory.appendingPathComponent("wikipedia/sample.expected.txt").path

    /// `bytes` compressed as one bzip2 stream (libbz2, block size 1).
    static func bzip2(_ bytes: [UInt8]) -> [UInt8] {
        var source = bytes.map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: bytes.count + bytes.count / 100 + 700)
        var length = UInt32(output.count)
        let status = BZ2_bzBuffToBuffCompress(&output, &length, &source, UInt32(source.count), 1, 0, 30)
        precondition(status == BZ_OK, "BZ2_bzBuffToBuffCompress: \(status)")
        return output.prefix(Int(length)).map { UInt8(bitPattern: $0) }
    }

    static func contents(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    @Test func theSampleDumpBecomesTheExpectedText() throws {
        let directory = TestDirectory()
        let summary = try WikipediaExtractor(threads: 2).extract(dump: Self.sample, outputDirectory: directory.path)
        #expect(summary.pages == 6 && summary.articles == 2 && summary.redirects == 1 && summary.disambiguations == 1
                && summary.otherNamespaces == 1 && summary.empty == 1, "\(summary)")
        #expect(directory.names() == ["wiki_00000.txt"])
        #expect(try Self.contents(directory.file("wiki_00000.txt")) == Self.contents(Self.expected))
        let text = try Self.contents(directory.file("wiki_00000.txt"))
        for leaked in ["{{", "}}", "[[", "]]", "<ref", "&amp;", "&nbsp;", "hidden comment", "Category", "thumb",
                       "1815 births", "wikitable", "Notes on the Analytical", "B_n", "'''", "__NOTOC__", "Mercury"] {
            #expect(!text.contains(leaked), "\(leaked) leaked into the text")
        }
    }

    @Test func bzip2SingleAndMultistreamGiveTheSameText() throws {
        let directory = TestDirectory()
        let xml = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.sample)))
        let single = directory.write("single.xml.bz2", Self.bzip2(xml))
        // As Wikimedia's multistream dumps: independent streams, cut mid-page here to test the seams.
        let multi = directory.write("multi.xml.bz2", Self.bzip2(Array(xml[..<1000])) + Self.bzip2(Array(xml[1000..<3000]))
                                        + Self.bzip2(Array(xml[3000...])))
        let reference = try Self.contents(Self.expected)
        for dump in [single, multi] {
            let output = directory.file(dump.hasSuffix("single.xml.bz2") ? "out-single" : "out-multi")
            let summary = try WikipediaExtractor().extract(dump: dump, outputDirectory: output)
            let size = try FileManager.default.attributesOfItem(atPath: dump)[.size] as! Int
            #expect(summary.articles == 2 && summary.inputBytes == size)
            #expect(try Self.contents(output + "/wiki_00000.txt") == reference, "\(dump)")
        }
    }

    @Test func corruptTruncatedAndForeignDumpsAreRefused() throws {
        let directory = TestDirectory()
        let compressed = Self.bzip2([UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.sample))))
        let truncated = directory.write("cut.xml.bz2", Array(compressed.prefix(compressed.count - 40)))
        var damaged = compressed
        damaged[compressed.count / 2] ^= 0xFF
        let corrupt = directory.write("bad.xml.bz2", damaged)
        let notBZip2 = directory.write("plain.xml.bz2", Array("<mediawiki>".utf8))
        for dump in [truncated, corrupt, notBZip2] {
            do {
                _ = try WikipediaExtractor().extract(dump: dump, outputDirectory: directory.file("out"))
                Issue.record("\(dump) was accepted")
            } catch let error as WikiDumpError {
                guard case .corruptCompression(let path, _) = error else { Issue.record("\(dump): \(error)"); continue }
                #expect(path == dump && error.description.contains("download it again"))
            }
            let left = TestDirectory.names(in: directory.file("out"))
            #expect(left.isEmpty, "\(dump) left \(left)")
        }
        let foreign = directory.write("notes.xml", "<notes><page>hello</page></notes>")
        #expect(throws: WikiDumpError.notAnExport(path: foreign)) {
            try WikipediaExtractor().extract(dump: foreign, outputDirectory: directory.file("out"))
        }
        let endless = directory.write("endless.xml", "<mediawiki><page><title>A</title>" + String(repeating: "x", count: 5000))
        #expect(throws: WikiDumpError.pageTooLarge(path: endless, page: 1, limit: 256 << 20)) {
            try WikipediaExtractor().extract(dump: endless, outputDirectory: directory.file("out"))
        }
    }

    /// Small files: each holds whole articles, and none is left under a temporary name.
    @Test func filesEndBetweenArticles() throws {
        let directory = TestDirectory()
        let summary = try WikipediaExtractor(maxFileBytes: 10).extract(dump: Self.sample, outputDirectory: directory.path)
        #expect(directory.names() == ["wiki_00000.txt", "wiki_00001.txt"])
        #expect(summary.files == [directory.file("wiki_00000.txt"), directory.file("wiki_00001.txt")])
        let joined = try Self.contents(directory.file("wiki_00000.txt")) + Self.contents(directory.file("wiki_00001.txt"))
        #expect(joined == (try Self.contents(Self.expected)))
    }

    /// The extracted text prepares as one document per article.
    @Test func extractedTextPreparesOneDocumentPerArticle() throws {
        let directory = TestDirectory()
        _ = try WikipediaExtractor().extract(dump: Self.sample, outputDirectory: directory.file("text"))
        let preparer = try CorpusPreparer(vocabulary: try Vocabulary(contentsOf: Vocabulary.bundledPath()), lowercase: true,
                                          vocabularyPath: "vocab.txt", options: PrepareOptions(format: .paragraphs))
        let summary = try preparer.prepare(files: try CorpusInputs.files([directory.file("text")]), outputDirectory: directory.file("shards"))
        #expect(summary.documents == 2 && summary.examples >= 2)
    }
}
