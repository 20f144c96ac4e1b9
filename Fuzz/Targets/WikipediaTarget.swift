// WikipediaTarget: the input is a MediaWiki XML dump. It is read as a dump file (plain XML), every
// page's text cleaned, and as the wikitext of one article, so that mutations reach the markup cleaner
// directly; and as a multistream index (OFFSET:PAGEID:TITLE lines).

import ElectraData
import Foundation

enum WikipediaTarget {
    static func run(_ input: [UInt8]) {
        let path = Scratch.write(input, to: "dump.xml")
        if let reader = try? WikiDumpReader(path: path, maxPageBytes: 1 << 20) {
            while let page = try? reader.next() {
                _ = WikipediaExtractor.isDisambiguation(page)
                _ = WikiMarkup.paragraphs(page.text)
            }
        }
        _ = WikiMarkup.paragraphs(String(decoding: input, as: UTF8.self))
        _ = try? MultistreamIndex(bytes: input, path: "index.txt")
    }

    /// The test dump: every markup construct, a redirect, a disambiguation page, another namespace.
    static func seeds() -> [(name: String, bytes: [UInt8])] {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/wikipedia/sample.xml")
        guard let data = try? Data(contentsOf: sample) else { return [] }
        return [("sample.xml", [UInt8](data)), ("index.txt", Array("356:974:Ada Lovelace\n356:975:Lovelace\n1718:976:Mercury\n".utf8))]
    }
}
