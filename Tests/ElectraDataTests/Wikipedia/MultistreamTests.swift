// Multistream dumps decoded in parallel: the index parsed (the fixture written by
// scripts/make_multistream_fixtures.py with Python's bz2), the bytes and the extracted text equal to
// the sequential decode's, and every inconsistent index or damaged stream refused with a typed error.

import _TestSupport
@testable import ElectraData
import Foundation
import Testing

@Suite("Wikipedia multistream") struct MultistreamTests {
    static let dump = Fixtures.directory.appendingPathComponent("wikipedia/sample-pages-articles-multistream.xml.bz2").path
    static let index = Fixtures.directory.appendingPathComponent("wikipedia/sample-pages-articles-multistream-index.txt.bz2").path

    /// Every byte a source yields, read in chunks of `chunk` bytes.
    static func drain(_ source: ByteSource, chunk: Int = 777) throws -> [UInt8] {
        var all: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            let count = try source.read(into: buffer)
            if count == 0 { return all }
            all += buffer[..<count]
        }
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// An index naming `offsets`, one page per offset, bzip2-compressed.
    static func indexFile(_ directory: TestDirectory, _ name: String, _ offsets: [Int]) -> String {
        let text = offsets.enumerated().map { "\($0.element):\($0.offset + 1):Page \($0.offset)\n" }.joined()
        return directory.write(name, WikipediaExtractionTests.bzip2(Array(text.utf8)))
    }

    @Test func theIndexListsTheStreamStarts() throws {
        let parsed = try MultistreamIndex(path: Self.index)
        #expect(parsed.pages == 6 && parsed.offsets.count == 3)
        let file = try Self.bytes(Self.dump)
        for offset in parsed.offsets {   // each offset is where a bzip2 header "BZh9" and block magic start
            #expect(Array(file[offset..<(offset + 10)]) == Array("BZh9".utf8) + [0x31, 0x41, 0x59, 0x26, 0x53, 0x59], "\(offset)")
        }
        #expect(MultistreamIndex.defaultPath(forDump: "/d/enwiki-20240601-pages-articles-multistream.xml.bz2")
                == "/d/enwiki-20240601-pages-articles-multistream-index.txt.bz2")
        #expect(MultistreamIndex.defaultPath(forDump: "enwiki-latest-pages-articles.xml.bz2") == nil)
        #expect(try MultistreamIndex(bytes: Array("5:1:A:B: with colons\n5:2:C\n9:3:D".utf8), path: "i").offsets == [5, 9])
    }

    @Test func parallelDecodingGivesTheSequentialBytes() throws {
        let sequential = try Self.drain(BZip2ByteSource(path: Self.dump))
        #expect(sequential == (try Self.bytes(WikipediaExtractionTests.sample)))
        for threads in [2, 3, 8] {
            let source = try ParallelBZip2Source.open(dump: Self.dump, index: Self.index, threads: threads)
            #expect(source is ParallelBZip2Source)
            #expect(try Self.drain(source) == sequential, "\(threads) threads")
            #expect(source.bytesConsumed == (try Self.bytes(Self.dump)).count)
        }
    }

    /// Many small streams, more than the window holds, some index offsets left out (a piece of two
    /// streams), read in chunks that cross every seam.
    @Test func manyStreamsArriveInOrder() throws {
        let directory = TestDirectory()
        var file: [UInt8] = [], plain: [UInt8] = [], offsets: [Int] = []
        for stream in 0..<300 {
            let text = Array((0..<(50 + stream % 37)).map { "stream \(stream) line \($0)\n" }.joined().utf8)
            if stream % 7 != 3 && stream > 0 { offsets.append(file.count) }
            file += WikipediaExtractionTests.bzip2(text)
            plain += text
        }
        let dump = directory.write("many.xml.bz2", file)
        let index = Self.indexFile(directory, "many-index.txt.bz2", offsets)
        for (threads, chunk) in [(2, 1000), (5, 65536), (16, 313)] {
            let source = try ParallelBZip2Source.open(dump: dump, index: index, threads: threads)
            #expect(try Self.drain(source, chunk: chunk) == plain, "\(threads) threads")
        }
        // Closing a reader mid-file leaves its workers to finish on their own.
        let early = try ParallelBZip2Source.open(dump: dump, index: index, threads: 4)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 100, alignment: 1)
        defer { buffer.deallocate() }
        #expect(try early.read(into: buffer) == 100)
    }

    @Test func theExtractedTextEqualsTheSequentialExtraction() throws {
        let directory = TestDirectory()
        let sequential = try WikipediaExtractor(threads: 1).extract(dump: Self.dump, index: Self.index, outputDirectory: directory.file("one"))
        let parallel = try WikipediaExtractor(threads: 3).extract(dump: Self.dump, index: Self.index, outputDirectory: directory.file("three"))
        #expect(parallel.articles == 2 && parallel.pages == sequential.pages && parallel.inputBytes == sequential.inputBytes)
        let expected = try String(contentsOfFile: WikipediaExtractionTests.expected, encoding: .utf8)
        for output in ["one", "three"] {
            #expect(try String(contentsOfFile: directory.file(output + "/wiki_00000.txt"), encoding: .utf8) == expected, "\(output)")
        }
    }

    @Test func badIndexesAreRefused() throws {
        let directory = TestDirectory()
        let cases: [(String, String, WikiDumpError)] = [
            ("words.txt", "hello world\n", .badIndex(path: directory.file("words.txt"), line: 1, reason: "not OFFSET:PAGEID:TITLE")),
            ("down.txt", "900:1:A\n900:2:B\n400:3:C\n", .badIndex(path: directory.file("down.txt"), line: 3,
                                                               reason: "offset 400 is smaller than 900 on the line before")),
            ("cut.txt", "356:974:Ada\n1718", .badIndex(path: directory.file("cut.txt"), line: 2, reason: "the last line is cut short")),
            ("empty.txt", "", .badIndex(path: directory.file("empty.txt"), line: 0, reason: "no line at all")),
            ("huge.txt", "1234567890123456789:1:A\n", .badIndex(path: directory.file("huge.txt"), line: 1, reason: "a number with more than 18 digits")),
        ]
        for (name, text, error) in cases {
            let index = directory.write(name, text)
            #expect(throws: error) { try WikiDumpReader(path: Self.dump, index: index, threads: 2) }
            #expect(error.description.contains(index) && error.description.contains("--threads 1"))
        }
        let missing = directory.file("absent-index.txt.bz2")
        #expect(throws: WikiDumpError.unreadable(path: missing, reason: "No such file or directory")) {
            try WikiDumpReader(path: Self.dump, index: missing, threads: 2)
        }
        let damaged = directory.write("damaged-index.txt.bz2", Array(try Self.bytes(Self.index).prefix(60)))
        #expect(throws: WikiDumpError.corruptCompression(path: damaged, detail: "the file ends inside a bzip2 stream (truncated)")) {
            try WikiDumpReader(path: Self.dump, index: damaged, threads: 2)
        }
    }

    /// Offsets that are not stream starts, past the end, a truncated or damaged stream: errors, never other bytes.
    @Test func indexesThatDoNotMatchTheDumpAreRefused() throws {
        let directory = TestDirectory()
        let size = try Self.bytes(Self.dump).count
        func mismatch(_ offsets: [Int]) throws -> String {
            let index = Self.indexFile(directory, "index-\(offsets).txt.bz2", offsets)
            do {
                let reader = try WikiDumpReader(path: Self.dump, index: index, threads: 2)
                while try reader.next() != nil {}
                Issue.record("\(offsets) accepted")
                return ""
            } catch let error as WikiDumpError {
                guard case .indexMismatch(let dump, let named, let detail) = error else { Issue.record("\(error)"); return "" }
                #expect(dump == Self.dump && named == index)
                return detail
            }
        }
        #expect(try mismatch([356, 1718, size]) == "offset \(size) is at or past the end of the \(size)-byte dump")
        #expect(try mismatch([356, 1719, 2013]) == "the bzip2 stream before offset 1719 does not end there")
        #expect(try mismatch([355, 1718]) == "the bzip2 stream before offset 355 does not end there")
        // An offset inside the header stream's data: the piece before it cannot end there.
        #expect(try mismatch([100]) == "the bzip2 stream before offset 100 does not end there")
        // One stream start left out: that piece holds two whole streams, which is fine.
        let fewer = Self.indexFile(directory, "fewer.txt.bz2", [1718])
        #expect(try Self.drain(ParallelBZip2Source.open(dump: Self.dump, index: fewer, threads: 2))
                == (try Self.bytes(WikipediaExtractionTests.sample)))

        let file = try Self.bytes(Self.dump)
        let truncated = directory.write("cut-multistream.xml.bz2", Array(file.prefix(file.count - 20)))
        #expect(throws: WikiDumpError.corruptCompression(path: truncated, detail: "the file ends inside a bzip2 stream (truncated)")) {
            try Self.drain(ParallelBZip2Source.open(dump: truncated, index: Self.index, threads: 2))
        }
        let trailing = directory.write("junk-multistream.xml.bz2", file + Array("not bzip2".utf8))
        #expect(throws: WikiDumpError.indexMismatch(dump: trailing, index: Self.index, detail: "no bzip2 stream starts at offset \(size)")) {
            try Self.drain(ParallelBZip2Source.open(dump: trailing, index: Self.index, threads: 2))
        }
        var flipped = file
        flipped[1718 + 200] ^= 0xFF
        let corrupt = directory.write("bad-multistream.xml.bz2", flipped)
        do {
            _ = try Self.drain(ParallelBZip2Source.open(dump: corrupt, index: Self.index, threads: 2))
            Issue.record("a damaged stream was accepted")
        } catch let error as WikiDumpError {
            guard case .corruptCompression(let path, _) = error else { Issue.record("\(error)"); return }
            #expect(path == corrupt)
        }
    }
}
