// The whole pipeline on the shipped novel: prepare it into two shards (a library call), read every
// example back, and account for every token of every sentence, truncation included.

import _TestSupport
@testable import ElectraData
import ElectraTokenizer
import Foundation
import Testing

/// Collects the examples a preparation makes, in order.
private final class ExampleLog: @unchecked Sendable {
    var examples: [PretrainingExample] = []
}

@Suite("Novel round trip") struct NovelRoundTripTests {
    static let novel = Fixtures.novel.path
    static let vocabulary = Vocabulary.bundledPath()

    /// The novel's documents as lists of sentences, read independently of `CorpusReader`: the whole
    /// file at once, lines trimmed and joined per paragraph, two or more blank lines between documents.
    static func documents() throws -> [[String]] {
        let text = try String(contentsOfFile: novel, encoding: .utf8).replacingOccurrences(of: "\r\n", with: "\n")
        var documents: [[String]] = [[]]
        var paragraph: [String] = []
        var blanks = 0
        func endParagraph() {
            if !paragraph.isEmpty { documents[documents.count - 1] += SentenceSplitter().split(paragraph.joined(separator: " ")) }
            paragraph = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty {
                endParagraph()
                blanks += 1
                if blanks == 2 && !documents[documents.count - 1].isEmpty { documents.append([]) }
            } else {
                blanks = 0
                paragraph.append(trimmed)
            }
        }
        endParagraph()
        return documents.filter { !$0.isEmpty }
    }

    @Test func everySentenceTokenIsInTheShardsOrCountedAsTruncated() throws {
        let directory = TestDirectory()
        let tokenizer = try BertTokenizer(vocabularyFile: Self.vocabulary, lowercase: true)
        let maxLength = 128
        var preparer = try CorpusPreparer(vocabulary: tokenizer.vocabulary, lowercase: true, vocabularyPath: Self.vocabulary,
                                      options: PrepareOptions(maxSequenceLength: maxLength, shardCount: 2, format: .paragraphs,
                                                              seed: 12345, threads: 2, batchBytes: 64 << 10))
        let log = ExampleLog()
        preparer.exampleObserver = { log.examples.append($0) }
        let summary = try preparer.prepare(files: [Self.novel], outputDirectory: directory.path)
        #expect(directory.names() == ["manifest.json", "shard-00000-of-00002.bin", "shard-00001-of-00002.bin"])

        // Read back: example k is number k / 2 of shard k % 2.
        let shards = try ShardNaming.shardPaths(in: directory.path).map {
            try ShardFile(path: $0, expectedVocabularyFingerprint: tokenizer.vocabulary.fingerprint,
                          expectedMaxSequenceLength: maxLength)
        }
        #expect(shards[0].count + shards[1].count == summary.examples && summary.examples == log.examples.count)
        #expect(shards[0].count - shards[1].count == summary.examples % 2)
        let examples = (0..<summary.examples).map { shards[$0 % 2].example(at: $0 / 2) }
        #expect(examples.map(\.tokens) == log.examples.map(\.tokens))
        #expect(examples.map(\.segmentBStart) == log.examples.map(\.segmentBStart))

        // Walk the independently tokenized sentences: each example takes the next sentences of the
        // current document (never more than it has left); segment A is the prefix of its A-sentences'
        // tokens, segment B of its B-sentences' tokens.
        let documents = try Self.documents().map { $0.map { tokenizer.encode($0).ids }.filter { !$0.isEmpty } }
        var document = 0, sentence = 0, truncated = 0, problems = 0
        for (number, (example, record)) in zip(examples, log.examples).enumerated() {
            if sentence == documents[document].count {
                document += 1
                sentence = 0
            }
            let taken = record.sentences.count
            guard sentence + taken <= documents[document].count else {
                Issue.record("example \(number) runs past the end of document \(document)")
                return
            }
            var first: [Int32] = [], second: [Int32] = []
            for (offset, placement) in record.sentences.enumerated() {
                let ids = documents[document][sentence + offset]
                #expect(placement.tokenCount == ids.count)
                if placement.segment == 0 { first += ids } else { second += ids }
            }
            sentence += taken
            let keptFirst = Array(first.prefix(maxLength - 2))
            let keptSecond = Array(second.prefix(max(0, maxLength - keptFirst.count - 3)))
            if Array(example.firstSegment) != keptFirst || Array(example.secondSegment) != keptSecond {
                problems += 1
                if problems <= 3 { Issue.record("example \(number) does not match its sentences") }
            }
            truncated += first.count + second.count - keptFirst.count - keptSecond.count
            #expect(example.tokens.count <= maxLength)
        }
        #expect(problems == 0)
        #expect(document == documents.count - 1 && sentence == documents[document].count, "every sentence was used")
        #expect(truncated == summary.truncatedTokens)
        #expect(summary.tokens == documents.joined().reduce(0) { $0 + $1.count })
        #expect(summary.exampleTokens == summary.tokens - summary.truncatedTokens
                + examples.reduce(0) { $0 + ($1.segmentBStart < $1.tokens.count ? 3 : 2) })
        #expect(summary.documents == documents.count && summary.documents > 50)
        #expect(summary.invalidUTF8Sequences == 0 && summary.inputBytes == 697_725)
        print("novel: \(summary.documents) documents, \(summary.sentences) sentences, \(summary.tokens) tokens, "
              + "\(summary.examples) examples, \(summary.truncatedTokens) truncated")

        // The manifest names what was done.
        let manifest = try JSONDecoder().decode(PrepareManifest.self,
                                                from: Data(contentsOf: URL(fileURLWithPath: directory.file("manifest.json"))))
        #expect(manifest.summary == summary && manifest.format == .paragraphs && manifest.maxSequenceLength == 128)
        #expect(manifest.vocabularyFingerprint == ShardError.hex(tokenizer.vocabulary.fingerprint))
    }

    @Test func outputDoesNotDependOnThreadsOrBatchSize() throws {
        // The first 40 KB of the novel, in Google's sentence-per-line format (each wrapped line a
        // "sentence"), prepared with 1 thread and small batches, then 3 threads and large ones.
        let directory = TestDirectory()
        let text = try String(contentsOfFile: Self.novel, encoding: .utf8)
        let input = directory.write("part.txt", String(text.prefix(40_000)))
        let tokenizer = try BertTokenizer(vocabularyFile: Self.vocabulary, lowercase: true)
        var outputs: [[UInt8]] = []
        for (threads, batchBytes) in [(1, 1000), (3, 1 << 20)] {
            let out = directory.file("out\(threads)")
            let preparer = try CorpusPreparer(vocabulary: tokenizer.vocabulary, lowercase: true, vocabularyPath: Self.vocabulary,
                                          options: PrepareOptions(maxSequenceLength: 64, shardCount: 3, seed: 9,
                                                                  threads: threads, batchBytes: batchBytes))
            _ = try preparer.prepare(files: [input], outputDirectory: out)
            outputs.append(try (0..<3).flatMap { [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/" + ShardNaming.name(index: $0, count: 3)))) })
        }
        #expect(outputs[0] == outputs[1])
        // A second run into the same directory with fewer shards replaces the old set.
        let preparer = try CorpusPreparer(vocabulary: tokenizer.vocabulary, lowercase: true, vocabularyPath: Self.vocabulary,
                                      options: PrepareOptions(maxSequenceLength: 64, shardCount: 2, seed: 9))
        _ = try preparer.prepare(files: [input], outputDirectory: directory.file("out1"))
        #expect(TestDirectory.names(in: directory.file("out1")) == ["manifest.json", "shard-00000-of-00002.bin", "shard-00001-of-00002.bin"])
    }

    @Test func noTextIsAnError() throws {
        let directory = TestDirectory()
        let blank = directory.write("blank.txt", "\n  \n\r\n")
        let tokenizer = try BertTokenizer(vocabularyFile: Self.vocabulary, lowercase: true)
        let preparer = try CorpusPreparer(vocabulary: tokenizer.vocabulary, lowercase: true, vocabularyPath: Self.vocabulary, options: PrepareOptions())
        #expect(throws: CorpusError.noText(paths: [blank])) {
            _ = try preparer.prepare(files: [blank], outputDirectory: directory.file("out"))
        }
        #expect(TestDirectory.names(in: directory.file("out")) == [], "nothing is left behind")
        let file = directory.write("file.txt", "text")
        #expect(throws: CorpusError.self) {
            _ = try preparer.prepare(files: [file], outputDirectory: file + "/under-a-file")
        }
    }
}
