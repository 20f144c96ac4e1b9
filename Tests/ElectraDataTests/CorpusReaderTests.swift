// CorpusReader: line ends, byte-order marks, invalid UTF-8, documents in both formats, block edges.

import _TestSupport
@testable import ElectraData
import Foundation
import Testing

@Suite("Corpus reader") struct CorpusReaderTests {
    /// Every event of `files`, and the final statistics.
    func read(_ files: [String], _ format: CorpusFormat, blockSize: Int = 1 << 20,
              maxLineBytes: Int = 8 << 20) throws -> ([CorpusEvent], CorpusStatistics) {
        let reader = CorpusReader(files: files, format: format, maxLineBytes: maxLineBytes, blockSize: blockSize)
        var events: [CorpusEvent] = []
        while let event = try reader.next() { events.append(event) }
        return (events, reader.statistics)
    }

    func sentences(_ texts: String...) -> [CorpusEvent] { texts.map { .sentence($0) } }

    @Test func lineEndsOfEveryKind() throws {
        let directory = TestDirectory()
        var expected = sentences("one", "two", "three", "four")
        expected += [.documentEnd] + sentences("five") + [.documentEnd]
        for (name, text) in [("lf", "one\ntwo\nthree\nfour\n\nfive\n"), ("crlf", "one\r\ntwo\r\nthree\r\nfour\r\n\r\nfive\r\n"),
                             ("cr", "one\rtwo\rthree\rfour\r\rfive\r"), ("mixed", "one\r\ntwo\rthree\nfour\r\n\rfive")] {
            let path = directory.write(name + ".txt", text)
            // Small blocks put line ends (and CRLF pairs) across block edges.
            for blockSize in [16, 17, 18, 19, 1 << 20] {
                let (events, statistics) = try read([path], .sentences, blockSize: blockSize)
                #expect(events == expected, "\(name), blocks of \(blockSize)")
                #expect(statistics.bytes == text.utf8.count && statistics.documents == 2 && statistics.sentences == 5)
            }
        }
    }

    @Test func byteOrderMarkIsDropped() throws {
        let directory = TestDirectory()
        let path = directory.write("bom.txt", [0xEF, 0xBB, 0xBF] + Array("Hello\nWorld".utf8))
        let (events, statistics) = try read([path], .sentences)
        #expect(events == sentences("Hello", "World") + [.documentEnd])
        #expect(statistics.bytes == 14 && statistics.invalidUTF8Sequences == 0)
        // Only at the start of a file: a BOM inside a line is text (U+FEFF).
        let inner = directory.write("inner.txt", Array("a".utf8) + [0xEF, 0xBB, 0xBF] + Array("b".utf8))
        #expect(try read([inner], .sentences).0 == sentences("a\u{FEFF}b") + [.documentEnd])
        // A file that is only a BOM holds nothing.
        let only = directory.write("only.txt", [0xEF, 0xBB, 0xBF])
        #expect(try read([only], .sentences).0 == [])
    }

    @Test func invalidUTF8IsReplacedAndCounted() throws {
        let directory = TestDirectory()
        // 0xFF; a lone continuation byte; a truncated 3-byte sequence (one maximal subpart); an
        // over-long encoding of "/" (two bytes, each invalid); and a real U+FFFD, which is not counted.
        let bytes: [UInt8] = Array("a".utf8) + [0xFF] + Array("b".utf8) + [0x80] + Array("c\n".utf8)
            + [0xE2, 0x82] + Array("d".utf8) + [0xC0, 0xAF] + Array("e\n".utf8) + [0xEF, 0xBF, 0xBD] + Array("ok\n".utf8)
        let path = directory.write("bad.txt", bytes)
        let (events, statistics) = try read([path], .sentences)
        let expected = sentences("a\u{FFFD}b\u{FFFD}c", "\u{FFFD}d\u{FFFD}\u{FFFD}e", "\u{FFFD}ok")
        #expect(events == expected + [.documentEnd])
        #expect(statistics.invalidUTF8Sequences == 5)
    }

    @Test func blankLinesEndDocumentsInSentenceFormat() throws {
        let directory = TestDirectory()
        let first = directory.write("a.txt", "\n \t\nS1\nS2\n\n\n  \nS3\n\u{3000}\nS4")
        let second = directory.write("b.txt", "S5\n")
        let empty = directory.write("c.txt", "")
        let (events, statistics) = try read([first, empty, second], .sentences)
        var expected = sentences("S1", "S2") + [.documentEnd]
        expected += sentences("S3") + [.documentEnd]
        expected += sentences("S4") + [.documentEnd]
        expected += sentences("S5") + [.documentEnd]
        #expect(events == expected)
        #expect(statistics.files == 3 && statistics.documents == 4 && statistics.sentences == 5 && statistics.lines == 11)
    }

    @Test func paragraphsFormat() throws {
        let directory = TestDirectory()
        let text = "It is a truth universally acknowledged, that a single man in possession\r\n"
            + "of a good fortune, must be in want of a wife.  \r\n\r\n"
            + "  However little known. The feelings of Mr.\r\nBennet were\r\nclear.\r\n"
            + "\r\n\r\n\r\n"
            + "Chapter 2\r\n\r\nMr. Bennet was among the earliest.\r\n \r\n\r\n"
            + "Last one! Really\r\n"
        let path = directory.write("novel.txt", text)
        let (events, statistics) = try read([path], .paragraphs)
        var expected = sentences(
            "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.",
            "However little known.", "The feelings of Mr. Bennet were clear.")
        expected += [.documentEnd] + sentences("Chapter 2", "Mr. Bennet was among the earliest.")
        expected += [.documentEnd] + sentences("Last one!", "Really") + [.documentEnd]
        #expect(events == expected)
        #expect(statistics.documents == 3 && statistics.sentences == 7)
    }

    @Test func longParagraphsAreSplitPiecewise() throws {
        // One paragraph far longer than the piecewise threshold gives the same sentences as the
        // splitter on the whole text.
        let directory = TestDirectory()
        var lines: [String] = []
        for i in 0..<12_000 { lines.append(i % 7 == 0 ? "Dr. Who met No. \(i) at 3.5 p.m. in" : "the U.S. Navy. Then \(i) left!") }
        let path = directory.write("long.txt", lines.joined(separator: "\n"))
        let (events, _) = try read([path], .paragraphs, blockSize: 4096)
        let whole = SentenceSplitter().split(lines.joined(separator: " "))
        #expect(whole.count > 1000)
        #expect(events == whole.map { .sentence($0) } + [.documentEnd])
    }

    @Test func overlongLinesAndSentencesAreRefused() throws {
        let directory = TestDirectory()
        let path = directory.write("long.txt", "short\n" + String(repeating: "x", count: 5000) + "\n")
        #expect(throws: CorpusError.lineTooLong(path: path, line: 2, limit: 1024)) {
            _ = try read([path], .sentences, blockSize: 64, maxLineBytes: 1024)
        }
        let runOn = directory.write("runon.txt", Array(repeating: "words without an end", count: 8000).joined(separator: "\n"))
        #expect(throws: CorpusError.self) { _ = try read([runOn], .paragraphs, maxLineBytes: 100_000) }
        let missing = directory.file("missing.txt")
        #expect(throws: CorpusError.unreadable(path: missing, reason: "No such file or directory")) {
            _ = try read([missing], .sentences)
        }
    }

    @Test func inputsExpandDirectoriesSorted() throws {
        let directory = TestDirectory()
        directory.write("b.txt", "x")
        directory.write("a.txt", "x")
        directory.write("notes.md", "x")
        try FileManager.default.createDirectory(atPath: directory.file("sub"), withIntermediateDirectories: true)
        directory.write("sub/c.txt", "x")
        directory.write(".hidden.txt", "x")
        let files = try CorpusInputs.files([directory.path, directory.file("notes.md")])
        let expected: [String] = [directory.file("a.txt"), directory.file("b.txt"), directory.file("sub/c.txt"),
                                  directory.file("notes.md")]
        #expect(files == expected)
        #expect(throws: CorpusError.missingInput(path: directory.file("nope"))) { try CorpusInputs.files([directory.file("nope")]) }
        try FileManager.default.createDirectory(atPath: directory.file("empty"), withIntermediateDirectories: true)
        #expect(throws: CorpusError.noTextFiles(directory: directory.file("empty"))) { try CorpusInputs.files([directory.file("empty")]) }
        #expect(CorpusError.noTextFiles(directory: "x").description.contains("*.txt"))
    }
}
