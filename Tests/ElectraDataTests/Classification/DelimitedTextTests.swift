// DelimitedTextTests: rows as Python's csv module splits them: RFC 4180 quotes (delimiters, line breaks
// and "" inside), GLUE's quote-free TSV, a byte-order mark, CRLF and lone CR line ends, empty lines
// and fields, invalid UTF-8, and a quote never closed.

@testable import ElectraData
import Foundation
import Testing

@Suite("Delimited text") struct DelimitedTextTests {
    func rows(_ text: String, _ dialect: DelimitedDialect) throws -> [[String]] {
        try DelimitedText.parse(Data(text.utf8), dialect: dialect, path: "t").map(\.fields)
    }

    @Test("CSV: quoted commas, line breaks and doubled quotes; text after a closing quote is kept (as Python)")
    func csvQuotes() throws {
        let text = "a,\"b,c\",\"say \"\"hi\"\"\"\n\"two\nlines\",x\"y,\"\"\n\"q\"z,\n"
        #expect(try rows(text, .csv) == [["a", "b,c", "say \"hi\""], ["two\nlines", "x\"y", ""], ["qz", ""]])
        let records = try DelimitedText.parse(Data(text.utf8), dialect: .csv, path: "t")
        #expect(records.map(\.line) == [1, 2, 4])
    }

    @Test("GLUE TSV: quotes are plain characters")
    func tsvWithoutQuotes() throws {
        #expect(try rows("\"a\tb\"\tc\n\"\"\t\"\n", .glueTSV) == [["\"a", "b\"", "c"], ["\"\"", "\""]])
    }

    @Test("BOM, CRLF, lone CR, empty lines and a last line without a break")
    func lineEnds() throws {
        let text = "\u{FEFF}h1\th2\r\n\r\na\t\rb\tc"
        let records = try DelimitedText.parse(Data(text.utf8), dialect: .glueTSV, path: "t")
        #expect(records.map(\.fields) == [["h1", "h2"], [], ["a", ""], ["b", "c"]])
        #expect(records.map(\.line) == [1, 2, 3, 4])
        // CRLF inside a quoted CSV field becomes one \n, as universal newlines give Python.
        #expect(try rows("\"x\r\ny\",z\r\n", .csv) == [["x\ny", "z"]])
    }

    @Test("Invalid UTF-8 marks the row; an unterminated quote is an error naming its line")
    func badInput() throws {
        let bytes: [UInt8] = Array("ok\tfine\n".utf8) + [0x66, 0xFF, 0x09, 0x67, 0x0A]
        let records = try DelimitedText.parse(Data(bytes), dialect: .glueTSV, path: "t")
        #expect(records.map(\.invalidUTF8) == [false, true])
        #expect(throws: ClassificationError.malformedFile(path: "f.csv", line: 2, reason: "a quoted field opened here is never closed")) {
            try DelimitedText.parse(Data("a,b\nc,\"open\nstill\n".utf8), dialect: .csv, path: "f.csv")
        }
        let error = #expect(throws: ClassificationError.self) { try DelimitedText.read(path: "/nonexistent/x.tsv", dialect: .glueTSV) }
        guard case .unreadable(let path, _)? = error else { Issue.record("expected unreadable, got \(String(describing: error))"); return }
        #expect(path == "/nonexistent/x.tsv")
    }
}
