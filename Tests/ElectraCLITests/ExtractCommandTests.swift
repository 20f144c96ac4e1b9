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
}
