// `electra extract wikipedia` through the command line: validation messages, a whole extraction, and
// a file that is not a dump ending in one message and a non-zero exit.

import ArgumentParser
import _TestSupport
@testable import ElectraCLI
import Foundation
import Testing

@Suite("Command line: extract wikipedia", .serialized) struct ExtractCommandTests {
    static let sample = Fixtures.directory.appendingPathComponent("wikipedia/sample.xml").path

    @Test func validationAndAWholeExtraction() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("electra-cli-extract-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        #expect(commandOutcome(["extract", "wikipedia", "/nonexistent.xml.bz2", "--output", output])
            .contains("cannot read /nonexistent.xml.bz2: pass a pages-articles dump"))
        #expect(commandOutcome(["extract", "wikipedia", Self.sample, "--output", output, "--file-size", "0"])
            .contains("--file-size must be at least 1"))
        #expect(commandOutcome(["extract", "wikipedia", Self.sample, "--output", output]) == "")
        #expect(try FileManager.default.contentsOfDirectory(atPath: output) == ["wiki_00000.txt"])
        let vocab = Fixtures.directory.appendingPathComponent("tfrecord/expected.json").path
        #expect(commandOutcome(["extract", "wikipedia", vocab, "--output", output])
            .contains("is not a MediaWiki XML export"))
        #expect(ElectraCommand.helpMessage().contains("extract"))
    }

    /// A multistream dump with its index beside it decodes in parallel by default; a bad --index is one message.
    @Test func aMultistreamDumpWithItsIndex() throws {
        let directory = temporaryDirectory("extract-multistream")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fixtures = Fixtures.directory.appendingPathComponent("wikipedia").path
        for name in ["sample-pages-articles-multistream.xml.bz2", "sample-pages-articles-multistream-index.txt.bz2"] {
            try FileManager.default.copyItem(atPath: fixtures + "/" + name, toPath: directory + "/" + name)
        }
        let dump = directory + "/sample-pages-articles-multistream.xml.bz2"
        #expect(commandOutcome(["extract", "wikipedia", dump, "--output", directory + "/out", "--threads", "2"]) == "")
        #expect(try String(contentsOfFile: directory + "/out/wiki_00000.txt", encoding: .utf8)
                == String(contentsOfFile: fixtures + "/sample.expected.txt", encoding: .utf8))
        #expect(commandOutcome(["extract", "wikipedia", dump, "--output", directory + "/out2", "--index", directory + "/nothing.txt.bz2"])
            .contains("cannot read the index \(directory)/nothing.txt.bz2: pass the pages-articles-multistream-index.txt.bz2"))
        let wrong = directory + "/wrong-index.txt"
        try "5:1:A\n".write(toFile: wrong, atomically: true, encoding: .utf8)
        #expect(commandOutcome(["extract", "wikipedia", dump, "--output", directory + "/out3", "--index", wrong, "--threads", "2"])
            .contains("does not match the index \(wrong): the bzip2 stream before offset 5 does not end there"))
    }
}
