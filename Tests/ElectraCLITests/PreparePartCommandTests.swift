// `electra prepare --part i/n`, `--merge` and `--sentences` through the command line: validation
// messages, two parts merged into the shards of one run, and the split text written out.

import ArgumentParser
import _TestSupport
@testable import ElectraCLI
import Foundation
import Testing

@Suite("Command line: prepare in parts", .serialized) struct PreparePartCommandTests {
    @Test func validationSaysWhatToPass() {
        let novel = Fixtures.novel.path
        #expect(commandOutcome(["prepare", novel, "--part", "2/2", "--output", "/tmp/x"]).contains("--part takes i/n"))
        #expect(commandOutcome(["prepare", novel, "--part", "x", "--output", "/tmp/x"]).contains("--part takes i/n"))
        #expect(commandOutcome(["prepare", novel, "--part", "0/2", "--merge", "--output", "/tmp/x"]).contains("--merge takes the part directories"))
        #expect(commandOutcome(["prepare", "--from-tfrecord", "a", "--part", "0/2", "--output", "/tmp/x"]).contains("--part splits text inputs"))
        let empty = temporaryDirectory("no-parts")
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(commandOutcome(["prepare", "--merge", empty, "--output", scratchPath("merged")]).contains("no part-*-of-*.json found"))
        #expect(PrepareCommand.helpMessage().contains("--part") && PrepareCommand.helpMessage().contains("--merge"))
    }

    @Test func twoPartsMergeIntoTheShardsOfOneRun() throws {
        let root = temporaryDirectory("parts")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let novel = Fixtures.novel.path
        let common = ["--format", "paragraphs", "--max-seq-length", "64", "--seed", "3"]
        #expect(commandOutcome(["prepare", novel, "--shards", "3", "--output", root + "/single"] + common) == "")
        for part in ["0/2", "1/2"] {
            #expect(commandOutcome(["prepare", novel, "--part", part, "--output", root + "/parts"] + common) == "")
        }
        #expect(commandOutcome(["prepare", "--merge", root + "/parts", "--shards", "3", "--output", root + "/merged"]) == "")
        for index in 0..<3 {
            let name = "/shard-0000\(index)-of-00003.bin"
            #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/merged" + name))
                == Data(contentsOf: URL(fileURLWithPath: root + "/single" + name)), "\(name)")
        }
    }

    @Test func sentencesAreWrittenOnePerLine() throws {
        let root = temporaryDirectory("sentences")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let input = root + "/in.txt"
        try Data("\"Oh! my dear Mr. Bennet,\" said she.\nIt was so. Then\n\n\n\nA second document.\n".utf8)
            .write(to: URL(fileURLWithPath: input))
        #expect(commandOutcome(["prepare", input, "--format", "paragraphs", "--sentences", "--output", root + "/out"]) == "")
        let text = try String(contentsOfFile: root + "/out/sentences.txt", encoding: .utf8)
        #expect(text == "\"Oh!\nmy dear Mr. Bennet,\" said she.\nIt was so.\nThen\n\nA second document.\n\n", "\(text)")
        #expect(commandOutcome(["prepare", input, "--sentences", "--part", "0/2", "--output", root + "/x"]).contains("--sentences writes"))
    }
}
