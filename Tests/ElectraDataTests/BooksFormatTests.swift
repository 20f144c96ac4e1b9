// The `books` format: Project Gutenberg's header, credits, licence and footer dropped in their modern
// and older spellings, books without them untouched, one document per book, and the novel through it.

import _TestSupport
@testable import ElectraData
import ElectraTokenizer
import Foundation
import Testing

@Suite("Books format") struct BooksFormatTests {
    static let modernHeader = """
        The Project Gutenberg eBook of Pride and Prejudice, by Jane Austen

        This eBook is for the use of anyone anywhere in the United States and
        most other parts of the world at no cost and with almost no restrictions
        whatsoever.

        Title: Pride and Prejudice
        Author: Jane Austen

        *** START OF THE PROJECT GUTENBERG EBOOK PRIDE AND PREJUDICE ***




        Produced by Anonymous Volunteers, and David Widger
        and the Online Distributed Proofreading Team.


        """ + "\n"
    static let modernFooter = """

        End of the Project Gutenberg EBook of Pride and Prejudice, by Jane Austen

        *** END OF THE PROJECT GUTENBERG EBOOK PRIDE AND PREJUDICE ***

        Updated editions will replace the previous one--the old editions will
        be renamed.

        START: FULL LICENSE

        THE FULL PROJECT GUTENBERG LICENSE
        """
    static let olderHeader = """
        The Project Gutenberg Etext of Moby Dick, by Herman Melville
        **The Project Gutenberg Etext of Moby Dick, by Herman Melville**

        *END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*

        """
    static let body = """
        Chapter 1

        It is a truth universally acknowledged. A single man must be in want of a wife.



        Chapter 2

        Mr. Bennet was among the earliest of those
        who waited on Mr. Bingley.
        """

    static func filtered(_ text: String) -> ([String], Bool) {
        var filter = GutenbergFilter()
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { lines += filter.feed(String(line)) }
        lines += filter.finish()
        return (lines, filter.stripped)
    }

    static var bodyLines: [String] { body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    @Test func modernHeaderCreditsAndLicenceAreDropped() {
        let (lines, stripped) = Self.filtered(Self.modernHeader + Self.body + "\n" + Self.modernFooter)
        #expect(stripped)
        #expect(lines == [""] + Self.bodyLines + [""], "\(lines)")
    }

    @Test func olderSpellingsAreRecognised() {
        for (header, footer) in [
            (Self.olderHeader, "\nEnd of Project Gutenberg's Etext of Moby Dick\n\nlicence text"),
            ("*** START OF THIS PROJECT GUTENBERG EBOOK MOBY DICK ***\n", "\n*** END OF THIS PROJECT GUTENBERG EBOOK MOBY DICK ***\nmore"),
            ("***START OF THE PROJECT GUTENBERG EBOOK MOBY DICK***\nE-text prepared by Someone\nand Others\n\n",
             "\n***END OF THE PROJECT GUTENBERG EBOOK MOBY DICK***"),
            ("  *** start of the project gutenberg ebook moby dick ***  \n", "\n*** end  of  the project gutenberg ebook ***"),
        ] {
            let (lines, stripped) = Self.filtered(header + Self.body + "\n" + footer)
            #expect(stripped, "\(header)")
            #expect(lines.filter { !$0.isEmpty } == Self.bodyLines.filter { !$0.isEmpty }, "\(header): \(lines)")
        }
    }

    @Test func booksWithoutMarkersPassThroughWhole() {
        let (lines, stripped) = Self.filtered(Self.body)
        #expect(!stripped && lines == Self.bodyLines)
        // Longer than the lines held back while looking for a header.
        let long = (0..<(GutenbergFilter.headerLimit + 10)).map { "Line \($0) of a long book." }
        let (longLines, longStripped) = Self.filtered(long.joined(separator: "\n"))
        #expect(!longStripped && longLines == long)
        // A footer alone still goes.
        let (footed, footStripped) = Self.filtered(Self.body + "\n" + Self.modernFooter)
        #expect(footStripped && footed == Self.bodyLines + [""])
        // A line that merely mentions the project stays.
        let (mention, _) = Self.filtered("She read about the Project Gutenberg archive.\n*** A scene break ***")
        #expect(mention == ["She read about the Project Gutenberg archive.", "*** A scene break ***"])
    }

    @Test func eachBookIsOneDocument() throws {
        let directory = TestDirectory()
        let first = directory.write("a.txt", Self.modernHeader + Self.body + "\n" + Self.modernFooter)
        let second = directory.write("b.txt", Self.body)
        let reader = CorpusReader(files: [first, second], format: .books)
        var events: [CorpusEvent] = []
        while let event = try reader.next() { events.append(event) }
        let sentences: [CorpusEvent] = ["Chapter 1", "It is a truth universally acknowledged.",
                                        "A single man must be in want of a wife.", "Chapter 2",
                                        "Mr. Bennet was among the earliest of those who waited on Mr. Bingley."].map { .sentence($0) }
        #expect(events == sentences + [.documentEnd] + sentences + [.documentEnd], "\(events)")
        #expect(reader.statistics.documents == 2 && reader.statistics.gutenbergBooks == 1)
        // The same file in paragraphs format: chapters are documents, and the licence is text.
        let paragraphs = CorpusReader(files: [first], format: .paragraphs)
        var count = 0
        while let event = try paragraphs.next() { if event == .documentEnd { count += 1 } }
        #expect(count > 2)
    }

    /// The novel wrapped in a Gutenberg header and licence prepares exactly as the bare novel does.
    @Test func theNovelWithItsBoilerplatePreparesAsTheBareNovel() throws {
        let directory = TestDirectory()
        let novel = try String(contentsOf: Fixtures.novel, encoding: .utf8)
        let header = Self.modernHeader.replacingOccurrences(of: "\n", with: "\r\n")
        let footer = Self.modernFooter.replacingOccurrences(of: "\n", with: "\r\n")
        let wrapped = directory.write("books/pg1342.txt", "")
        try FileManager.default.createDirectory(atPath: directory.file("books"), withIntermediateDirectories: true)
        try (header + novel + footer).write(toFile: wrapped, atomically: true, encoding: .utf8)
        let vocabulary = try Vocabulary(contentsOf: Vocabulary.bundledPath())
        func prepare(_ path: String, into output: String) throws -> (PrepareSummary, [UInt8]) {
            let preparer = try CorpusPreparer(vocabulary: vocabulary, lowercase: true, vocabularyPath: "vocab.txt",
                                              options: PrepareOptions(format: .books, threads: 2))
            let summary = try preparer.prepare(files: try CorpusInputs.files([path]), outputDirectory: output)
            return (summary, try TFRecordFixtures.bytes(output + "/shard-00000-of-00001.bin"))
        }
        let (bare, bareShard) = try prepare(Fixtures.novel.path, into: directory.file("bare"))
        let (book, bookShard) = try prepare(directory.file("books"), into: directory.file("book"))
        #expect(bare.documents == 1 && book.documents == 1 && book.gutenbergBooks == 1 && bare.gutenbergBooks == 0)
        #expect(book.sentences == bare.sentences && book.examples == bare.examples)
        #expect(bookShard == bareShard)
    }
}
