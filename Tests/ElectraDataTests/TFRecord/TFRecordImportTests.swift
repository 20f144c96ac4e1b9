// TFRecord import: TensorFlow-written ELECTRA and BERT records into shards exactly (BERT's masking
// undone), any feature order and packing, and every vocabulary mismatch and malformed record refused
// with nothing left under a shard's name.

import _TestSupport
@testable import ElectraData
import ElectraTokenizer
import Foundation
import Testing

@Suite("TFRecord import") struct TFRecordImportTests {
    static let vocabularyPath = Vocabulary.bundledPath()

    static func importer(_ vocabulary: Vocabulary? = nil, maxSequenceLength: Int? = nil, shards: Int = 1) throws -> TFRecordImporter {
        TFRecordImporter(vocabulary: try vocabulary ?? Vocabulary(contentsOf: vocabularyPath), vocabularyPath: vocabularyPath,
                         options: TFRecordImportOptions(maxSequenceLength: maxSequenceLength, shardCount: shards))
    }

    static func examples(in directory: String) throws -> [[PretrainingExample]] {
        try ShardNaming.shardPaths(in: directory).map { path in
            let shard = try ShardFile(path: path)
            return (0..<shard.count).map { shard.example(at: $0) }
        }
    }

    static func shardNames(_ directory: TestDirectory) -> [String] {
        directory.names().filter { ShardNaming.parse($0) != nil }
    }

    @Test func electraRecordsRoundTripExactly() throws {
        let directory = TestDirectory()
        let summary = try Self.importer().importRecords(files: [TFRecordFixtures.electra], outputDirectory: directory.path)
        let expected = try TFRecordFixtures.expected("electra-128.tfrecord")
        #expect(expected.count == 8)
        #expect(summary.records == 8 && summary.examples == 8 && summary.restoredTokens == 0)
        #expect(summary.maxSequenceLength == 128, "the padded length is the default sequence length")
        let shards = try Self.examples(in: directory.path)
        #expect(shards.count == 1)
        #expect(shards[0].map(\.tokens) == expected.map(\.tokens))
        #expect(shards[0].map(\.segmentBStart) == expected.map(\.segment_b_start))
        #expect(summary.exampleTokens == expected.reduce(0) { $0 + $1.tokens.count })
        let header = try ShardFile.readHeader(path: directory.file("shard-00000-of-00001.bin"))
        #expect(header.maxSequenceLength == 128)
        #expect(header.vocabularyFingerprint == (try Vocabulary(contentsOf: Self.vocabularyPath)).fingerprint)
        let manifest = try JSONDecoder().decode(TFRecordManifest.self,
                                                from: Data(contentsOf: URL(fileURLWithPath: directory.file("manifest.json"))))
        #expect(manifest.source == "tfrecord" && manifest.summary == summary && manifest.inputs == [TFRecordFixtures.electra])
    }

    /// BERT's records hold the masked input; the originals come back from masked_lm_positions/ids.
    @Test func bertRecordsAreUnmasked() throws {
        let directory = TestDirectory()
        let summary = try Self.importer().importRecords(files: [TFRecordFixtures.bert], outputDirectory: directory.path)
        let expected = try TFRecordFixtures.expected("bert-64.tfrecord")
        let examples = try Self.examples(in: directory.path)[0]
        #expect(examples.map(\.tokens) == expected.map(\.tokens))
        #expect(examples.map(\.segmentBStart) == expected.map(\.segment_b_start))
        #expect(summary.maxSequenceLength == 64)
        // round(0.15 × length) predictions per record, at most 20, at least 1.
        let predictions = expected.map { max(1, min(20, Int((0.15 * Double($0.tokens.count)).rounded(.toNearestOrEven)))) }
        #expect(summary.restoredTokens == predictions.reduce(0, +))
    }

    @Test func severalFilesAreDealtRoundRobinAtTheLongestPaddedLength() throws {
        let directory = TestDirectory()
        let files = try TFRecordInputs.files([TFRecordFixtures.directory + "/*.tfrecord"])
        #expect(files == [TFRecordFixtures.bert, TFRecordFixtures.electra])
        #expect(try TFRecordInputs.files([TFRecordFixtures.directory]) == files)
        let summary = try Self.importer(shards: 3).importRecords(files: files, outputDirectory: directory.path)
        #expect(summary.maxSequenceLength == 128 && summary.records == 13 && summary.shardExamples == [5, 4, 4])
        let all = try TFRecordFixtures.expected("bert-64.tfrecord") + TFRecordFixtures.expected("electra-128.tfrecord")
        let shards = try Self.examples(in: directory.path)
        for (k, example) in all.enumerated() {
            #expect(shards[k % 3][k / 3].tokens == example.tokens, "example \(k)")
        }
        #expect(throws: TFRecordError.noMatch(pattern: directory.path + "/*.tfrecord")) {
            try TFRecordInputs.files([directory.path + "/*.tfrecord"])
        }
    }

    @Test func featureOrderPackingAndUnknownFieldsDoNotMatter() throws {
        let tokens: [Int64] = [101, 2023, 2003, 102, 1037, 3231, 102]
        var entries = ProtoEncoder.pretrainingExample(tokens, bStart: 4, length: 16)
        entries.reverse()
        entries.insert(("next_sentence_labels", ProtoEncoder.int64Feature([1])), at: 1)
        #expect(entries[0].0 == "segment_ids")
        entries[0].1 = ProtoEncoder.int64Feature([0, 0, 0, 0, 1, 1, 1] + [Int64](repeating: 0, count: 9), packed: false)
        var withUnknown = ProtoEncoder.example(entries)
        withUnknown += [0x15, 1, 2, 3, 4]   // field 2, fixed32: skipped
        let directory = TestDirectory()
        let path = directory.write("mixed.tfrecord", tfrecordFile([withUnknown, ProtoEncoder.example(entries.shuffled())]))
        let output = directory.file("out")
        let summary = try Self.importer(maxSequenceLength: 128).importRecords(files: [path], outputDirectory: output)
        #expect(summary.records == 2 && summary.maxSequenceLength == 128)
        let examples = try Self.examples(in: output)[0]
        #expect(examples.allSatisfy { $0.tokens == tokens.map(Int32.init) && $0.segmentBStart == 4 })
    }

    @Test func aVocabularyMismatchIsRefused() throws {
        let directory = TestDirectory()
        // The cased vocabulary has 28,996 tokens; the records use ids up to 30,521.
        let cased = try Vocabulary(contentsOf: Vocabulary.bundledPath(cased: true))
        #expect(throws: TFRecordError.idOutsideVocabulary(path: TFRecordFixtures.electra, record: 1, id: 29500, vocabularySize: 28996)) {
            try Self.importer(cased).importRecords(files: [TFRecordFixtures.electra], outputDirectory: directory.path)
        }
        // A vocabulary of the same size with [CLS] elsewhere.
        var tokens = try Vocabulary(contentsOf: Self.vocabularyPath).tokens
        tokens.swapAt(101, 2000)
        let moved = try Vocabulary(tokens: tokens)
        do {
            _ = try Self.importer(moved).importRecords(files: [TFRecordFixtures.electra], outputDirectory: directory.path)
            Issue.record("a vocabulary with [CLS] at 2000 was accepted")
        } catch let error as TFRecordError {
            guard case .specialTokenMismatch(_, 1, _) = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("[CLS] is 2000"), "\(error)")
        }
        // A vocab.txt beside the records that is not the one given.
        let copy = directory.file("data")
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: TFRecordFixtures.electra, toPath: copy + "/a.tfrecord")
        try FileManager.default.copyItem(atPath: Vocabulary.bundledPath(cased: true), toPath: copy + "/vocab.txt")
        #expect(throws: TFRecordError.vocabularyMismatch(vocabularyPath: Self.vocabularyPath, besidePath: copy + "/vocab.txt")) {
            try Self.importer().checkVocabularyBeside([copy + "/a.tfrecord"])
        }
        try FileManager.default.removeItem(atPath: copy + "/vocab.txt")
        try FileManager.default.copyItem(atPath: Self.vocabularyPath, toPath: copy + "/vocab.txt")
        try Self.importer().checkVocabularyBeside([copy + "/a.tfrecord"])
        #expect(Self.shardNames(directory).isEmpty)
    }

    /// A bad record anywhere leaves no shard under its final name, and the message names it.
    @Test func badRecordsAreRefusedWithTheirNumber() throws {
        let good = ProtoEncoder.example(ProtoEncoder.pretrainingExample([101, 2023, 102], bStart: 3, length: 8))
        let cases: [([UInt8], String)] = [
            (ProtoEncoder.example(Array(ProtoEncoder.pretrainingExample([101, 2023, 102], bStart: 3, length: 8).dropLast())),
             "has no int64 feature segment_ids"),
            (ProtoEncoder.example([("input_ids", ProtoEncoder.int64Feature([101, 2023, 102])),
                                   ("input_mask", ProtoEncoder.int64Feature([1, 0, 1])),
                                   ("segment_ids", ProtoEncoder.int64Feature([0, 0, 0]))]), "input_mask is not ones followed by zeros"),
            (ProtoEncoder.example([("input_ids", ProtoEncoder.int64Feature([101, 2023, 102])),
                                   ("input_mask", ProtoEncoder.int64Feature([1, 1])),
                                   ("segment_ids", ProtoEncoder.int64Feature([0, 0, 0]))]), "hold 3, 2 and 3 values"),
            (ProtoEncoder.example([("input_ids", ProtoEncoder.int64Feature([101, 2023, 102, 2000, 102])),
                                   ("input_mask", ProtoEncoder.int64Feature([1, 1, 1, 1, 1])),
                                   ("segment_ids", ProtoEncoder.int64Feature([0, 1, 0, 1, 1]))]), "segment_ids is not zeros followed by ones"),
            (ProtoEncoder.example([("input_ids", ProtoEncoder.int64Feature([101, -5, 102])),
                                   ("input_mask", ProtoEncoder.int64Feature([1, 1, 1])),
                                   ("segment_ids", ProtoEncoder.int64Feature([0, 0, 0]))]), "holds token id -5"),
            (ProtoEncoder.example(ProtoEncoder.pretrainingExample([101, 2023, 2000], bStart: 3, length: 8)), "the last token is id 2000"),
            (ProtoEncoder.example(ProtoEncoder.pretrainingExample([101, 2023, 102, 2000, 102], bStart: 0, length: 8)),
             "segment B starts at position 0"),
            (ProtoEncoder.example(ProtoEncoder.pretrainingExample([101] + [Int64](repeating: 2000, count: 9) + [102],
                                                                  bStart: 11, length: 11)), "holds 11 tokens"),
            (ProtoEncoder.example(ProtoEncoder.pretrainingExample([101, 2023, 102], bStart: 3, length: 8)
                                  + [("masked_lm_positions", ProtoEncoder.int64Feature([5])),
                                     ("masked_lm_ids", ProtoEncoder.int64Feature([2000]))]), "masked_lm_positions holds 5"),
            ([0x0A, 0x04, 0x0A, 0x03, 0x0A, 0x01], "not a tf.train.Example (length 3 runs past the end at byte 4)"),
            ([0x0B], "unsupported wire type 3"),
        ]
        for (index, (record, message)) in cases.enumerated() {
            let directory = TestDirectory()
            let path = directory.write("bad\(index).tfrecord", tfrecordFile([good, good, record]))
            do {
                _ = try Self.importer(maxSequenceLength: 10).importRecords(files: [path], outputDirectory: directory.path)
                Issue.record("case \(index) (\(message)) was accepted")
            } catch let error as TFRecordError {
                #expect(error.description.hasPrefix("\(path): record 3"), "case \(index): \(error)")
                #expect(error.description.contains(message), "case \(index): \(error)")
            }
            #expect(Self.shardNames(directory).isEmpty && !directory.names().contains("manifest.json"), "case \(index)")
            #expect(directory.names() == ["bad\(index).tfrecord"], "case \(index): \(directory.names())")
        }
    }

    @Test func emptyFilesHoldNoRecords() throws {
        let directory = TestDirectory()
        let path = directory.write("empty.tfrecord", [UInt8]())
        #expect(throws: TFRecordError.noRecords(paths: [path])) {
            try Self.importer(maxSequenceLength: 128).importRecords(files: [path], outputDirectory: directory.path)
        }
    }
}
