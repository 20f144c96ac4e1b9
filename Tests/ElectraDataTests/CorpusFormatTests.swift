// CorpusFormat: the names the command line accepts.

import ElectraData
import Testing

@Suite("Corpus format") struct CorpusFormatTests {
    @Test func namesAreStable() {
        #expect(CorpusFormat(rawValue: "sentences") == .sentences)
        #expect(CorpusFormat(rawValue: "paragraphs") == .paragraphs)
        #expect(CorpusFormat(rawValue: "books") == .books)
        #expect(CorpusFormat.allCases.count == 3)
    }
}
