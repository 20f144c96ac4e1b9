// `--part i/n` and `--merge`: parts prepared separately and merged give exactly the shards of one
// run (same seed, any thread count), on the novel and on a corpus of many small documents.

@testable import ElectraData
import ElectraTokenizer
import Foundation
import Testing
import _TestSupport

@Suite("Prepare in parts") struct PreparePartTests {
    static let vocabulary = try! Vocabulary.bundled()

    /// Many documents of varied length in Google's one-sentence-per-line format, over two files,
    /// with accents, CJK and punctuation; deterministic.
    static func sentenceCorpus(in directory: TestDirectory) -> [String] {
        var generator = SplitMix(state: 7)
        let words = ["the", "Caf\u{E9}", "na\u{EF}ve", "\u{6771}\u{4EAC}", "engine", "Babbage's", "(1842)", "U.S.", "computation",
                     "\u{201C}notes\u{201D}", "analytical", "a", "of", "numbers", "Bernoulli", "she", "wrote", "\u{2014}", "3.14"]
        return (0..<2).map { file in
            var text = ""
            for _ in 0..<(90 + 40 * file) {
                for _ in 0..<(1 + generator.next() % 12) {
                    let length = 1 + generator.next() % (generator.next() % 9 == 0 ? 140 : 20)
                    text += (0..<length).map { _ in words[generator.next() % words.count] }.joined(separator: " ") + ".\n"
                }
                text += "\n"
            }
            return directory.write("corpus-\(file).txt", text)
        }
    }

    static func prepare(_ files: [String], format: CorpusFormat, into directory: String, part: PreparePart?,
                        threads: Int) throws -> PrepareSummary {
        let options = PrepareOptions(maxSequenceLength: 64, shardCount: 3, format: format, seed: 99, threads: threads,
                                     batchBytes: 16 << 10, part: part)
        return try CorpusPreparer(vocabulary: vocabulary, lowercase: true, vocabularyPath: "vocab.txt", options: options)
            .prepare(files: files, outputDirectory: directory)
    }

    static func shardBytes(_ directory: String) throws -> [Data] {
        try ShardNaming.shardPaths(in: directory).map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
    }

    @Test(arguments: [1, 2, 3])
    func mergedPartsEqualOneRun(parts: Int) throws {
        let directory = TestDirectory()
        for (files, format) in [(Self.sentenceCorpus(in: directory), CorpusFormat.sentences),
                                ([Fixtures.novel.path], CorpusFormat.paragraphs)] {
            let single = directory.file("single-\(format)")
            var expected = try Self.prepare(files, format: format, into: single, part: nil, threads: 2)
            // Parts into one directory (n = 2) or one directory each.
            var partDirectories: [String] = []
            for index in 0..<parts {
                let target = directory.file(parts == 2 ? "parts-\(format)" : "part-\(index)-\(format)")
                _ = try Self.prepare(files, format: format, into: target, part: PreparePart(index: index, count: parts),
                                     threads: 1 + index % 2)
                if !partDirectories.contains(target) { partDirectories.append(target) }
            }
            let merged = directory.file("merged-\(format)")
            var summary = try PartMerger.merge(directories: partDirectories.reversed(), outputDirectory: merged, shardCount: 3)
            #expect(expected.examples > 30)
            #expect(try Self.shardBytes(merged) == Self.shardBytes(single), "\(format), \(parts) parts")
            summary.seconds = 0
            expected.seconds = 0
            #expect(summary == expected)
            let manifest = try JSONDecoder().decode(PrepareManifest.self, from: Data(contentsOf: URL(fileURLWithPath: merged + "/manifest.json")))
            #expect(manifest.part == nil && manifest.summary.examples == expected.examples)
        }
    }

    @Test func documentsAreKeyedIndependently() throws {
        // A document's examples do not depend on the documents before it.
        let directory = TestDirectory()
        let files = Self.sentenceCorpus(in: directory)
        let first = directory.file("first")
        _ = try Self.prepare([files[0]], format: .sentences, into: first, part: nil, threads: 1)
        let both = directory.file("both")
        _ = try Self.prepare(files, format: .sentences, into: both, part: nil, threads: 1)
        let prefix = try ShardNaming.shardPaths(in: first).map { try ShardFile(path: $0) }
        let whole = try ShardNaming.shardPaths(in: both).map { try ShardFile(path: $0) }
        let prefixCount = prefix.reduce(0) { $0 + $1.count }
        for k in 0..<prefixCount {
            #expect(prefix[k % 3].example(at: k / 3) == whole[k % 3].example(at: k / 3))
        }
        // Different seeds give different shards.
        let other = directory.file("other")
        let options = PrepareOptions(maxSequenceLength: 64, shardCount: 3, format: .sentences, seed: 100, batchBytes: 16 << 10)
        _ = try CorpusPreparer(vocabulary: Self.vocabulary, lowercase: true, vocabularyPath: "vocab.txt", options: options)
            .prepare(files: files, outputDirectory: other)
        #expect(try Self.shardBytes(other) != Self.shardBytes(both))
    }

    @Test func mergeRefusesIncompleteOrMixedParts() throws {
        let directory = TestDirectory()
        let files = Self.sentenceCorpus(in: directory)
        let parts = directory.file("parts")
        _ = try Self.prepare(files, format: .sentences, into: parts, part: PreparePart(index: 0, count: 2), threads: 1)
        #expect(throws: CorpusError.unmergeableParts(path: parts, detail: "part 1/2 is missing")) {
            try PartMerger.merge(directories: [parts], outputDirectory: directory.file("out"), shardCount: 2)
        }
        _ = try Self.prepare(files, format: .sentences, into: parts, part: PreparePart(index: 1, count: 3), threads: 1)
        #expect(throws: CorpusError.self) {
            try PartMerger.merge(directories: [parts], outputDirectory: directory.file("out"), shardCount: 2)
        }
        let other = directory.file("other")
        _ = try Self.prepare([files[0]], format: .sentences, into: other, part: PreparePart(index: 1, count: 2), threads: 1)
        let empty = directory.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        #expect(throws: CorpusError.unmergeableParts(path: empty, detail: "no part-*-of-*.json found")) {
            try PartMerger.merge(directories: [empty], outputDirectory: directory.file("out"), shardCount: 2)
        }
        try FileManager.default.removeItem(atPath: parts + "/part-00001-of-00003.json")
        #expect(throws: CorpusError.unmergeableParts(path: other + "/part-00001-of-00002.json",
                                                     detail: "its inputs or options differ from part 0's")) {
            try PartMerger.merge(directories: [parts, other], outputDirectory: directory.file("out"), shardCount: 2)
        }
    }

    @Test func partsParseAndName() {
        #expect(PreparePart(parsing: "1/3") == PreparePart(index: 1, count: 3))
        for bad in ["3/3", "-1/2", "1", "a/b", "1/0", "1/2/3", ""] { #expect(PreparePart(parsing: bad) == nil, "\(bad)") }
        let part = PreparePart(index: 2, count: 12)
        #expect(part.examplesName == "part-00002-of-00012.bin" && part.documentsName == "part-00002-of-00012.documents")
        #expect(PreparePart.parse(manifestName: part.manifestName) == part)
        #expect(PreparePart.parse(manifestName: "manifest.json") == nil)
    }
}

/// A tiny deterministic generator for test corpora.
private struct SplitMix {
    var state: UInt64
    mutating func next() -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
    }
}
