// `electra prepare --from-tfrecord` and `--format books` through the command line: validation
// messages, a whole import, and corrupt input ending in one message and a non-zero exit.

import ArgumentParser
import _TestSupport
@testable import ElectraCLI
import Foundation
import Testing

@Suite("Command line: prepare imports", .serialized) struct PrepareImportCommandTests {
    static let fixtures = Fixtures.directory.appendingPathComponent("tfrecord").path

    @Test func validationSaysWhatToPass() {
        #expect(commandOutcome(["prepare", "--output", "/tmp/x"]).contains("--from-tfrecord"))
        #expect(commandOutcome(["prepare", "a.txt", "--from-tfrecord", "b.tfrecord", "--output", "/tmp/x"]).contains("not both"))
        #expect(commandOutcome(["prepare", "--from-tfrecord", "/nonexistent/*.tfrecord", "--output", scratchPath("none")])
            .contains("no file matches /nonexistent/*.tfrecord"))
        #expect(commandOutcome(["prepare", "--from-tfrecord", "x", "--max-seq-length", "4", "--output", "/tmp/x"]).contains("8...4096"))
        #expect(PrepareCommand.helpMessage().contains("--from-tfrecord") && PrepareCommand.helpMessage().contains("books"))
    }

    @Test func importsTheFixturesAndRefusesACorruptCopy() throws {
        let output = scratchPath("import")
        defer { try? FileManager.default.removeItem(atPath: output) }
        #expect(commandOutcome(["prepare", "--from-tfrecord", Self.fixtures + "/*.tfrecord", "--shards", "2", "--output", output]) == "")
        let names = try FileManager.default.contentsOfDirectory(atPath: output).sorted()
        #expect(names == ["manifest.json", "shard-00000-of-00002.bin", "shard-00001-of-00002.bin"])

        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/electra-128.tfrecord")))
        bytes[100] ^= 1
        let corrupt = output + "/in/corrupt.tfrecord"
        try FileManager.default.createDirectory(atPath: output + "/in", withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: corrupt))
        let message = commandOutcome(["prepare", "--from-tfrecord", output + "/in", "--output", output + "/out"])
        #expect(message.contains("\(corrupt): record 1 (byte 0) fails its data CRC-32C"), "\(message)")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: output + "/out")) ?? []
        #expect(left.isEmpty, "\(left)")
    }
}
