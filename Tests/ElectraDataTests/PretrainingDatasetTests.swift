// PretrainingDataset: shard discovery, rank partitioning, per-epoch shuffles that visit each example
// once, padded batches, and exact resumption.

import _TestSupport
@testable import ElectraData
import ElectraTensor
import Foundation
import Testing

@Suite("Pretraining dataset") struct PretrainingDatasetTests {
    static let fingerprint: UInt64 = 0xFEED

    /// `shardCount` shards in `directory`; example *k* of the whole set (dealt round-robin) holds
    /// `[101, 1000 + k, …, 102]` so that every example can be recognised, with a segment B when k is odd.
    @discardableResult
    static func makeShards(_ directory: TestDirectory, shardCount: Int, examples: Int, maxLength: Int = 16) throws -> [PretrainingExample] {
        let writers = try (0..<shardCount).map {
            try ShardWriter(path: directory.file(ShardNaming.name(index: $0, count: shardCount)),
                            vocabularyFingerprint: fingerprint, vocabularySize: 30522, maxSequenceLength: maxLength)
        }
        var all: [PretrainingExample] = []
        for k in 0..<examples {
            let length = 3 + k % (maxLength - 3)
            var tokens: [Int32] = [101, Int32(1000 + k)] + Array(repeating: 7, count: length - 3) + [102]
            var segmentB = tokens.count
            if k % 2 == 1 && length >= 5 {
                tokens[length - 3] = 102
                segmentB = length - 2
            }
            let example = PretrainingExample(tokens: tokens, segmentBStart: segmentB)
            try writers[k % shardCount].append(example)
            all.append(example)
        }
        for writer in writers { try writer.finish() }
        return all
    }

    func open(_ directory: TestDirectory, rank: Int = 0, worldSize: Int = 1, seed: UInt64 = 1,
              maxLength: Int = 16) throws -> PretrainingDataset {
        try PretrainingDataset(directory: directory.path, vocabularyFingerprint: Self.fingerprint,
                               maxSequenceLength: maxLength, seed: seed, rank: rank, worldSize: worldSize)
    }

    /// The example number `1000 + k` written in each row of `batch`.
    func identities(_ batch: PretrainingBatch) -> [Int] {
        (0..<batch.batchSize).map { Int(batch.inputIds[$0 * batch.sequenceLength + 1]) - 1000 }
    }

    @Test func ranksGetTheirShards() throws {
        let directory = TestDirectory()
        try Self.makeShards(directory, shardCount: 4, examples: 40)
        let rank0 = try open(directory, rank: 0, worldSize: 2)
        let rank1 = try open(directory, rank: 1, worldSize: 2)
        #expect(rank0.shards.map { $0.path.hasSuffix("shard-00000-of-00004.bin") || $0.path.hasSuffix("shard-00002-of-00004.bin") } == [true, true])
        #expect(rank1.shards.map { ShardNaming.parse(String($0.path.split(separator: "/").last!))!.index } == [1, 3])
        // Example k sits in shard k % 4: rank 0 reads the even ones, rank 1 the odd ones.
        let seen0 = Set(identities(rank0.nextBatch(size: 20))), seen1 = Set(identities(rank1.nextBatch(size: 20)))
        #expect(seen0 == Set(stride(from: 0, to: 40, by: 2)) && seen1 == Set(stride(from: 1, to: 40, by: 2)))
        do {
            _ = try open(directory, rank: 4, worldSize: 5)
            Issue.record("a rank without shards was accepted")
        } catch let error as ShardError {
            #expect(error == .rankWithoutShards(directory: directory.path, rank: 4, worldSize: 5, shardCount: 4))
            #expect(error.description.contains("--shards"))
        }
    }

    @Test func everyExampleOncePerEpochInANewOrder() throws {
        let directory = TestDirectory()
        try Self.makeShards(directory, shardCount: 3, examples: 101)
        let dataset = try open(directory, seed: 77)
        var epochs: [[Int]] = []
        for _ in 0..<3 {
            var order: [Int] = []
            while order.count < 101 { order += identities(dataset.nextBatch(size: min(8, 101 - order.count))) }
            #expect(order.sorted() == Array(0..<101))
            epochs.append(order)
        }
        #expect(dataset.position == DataPosition(epoch: 3, index: 0))
        #expect(epochs[0] != epochs[1] && epochs[1] != epochs[2])
        #expect(epochs[0] != Array(0..<101))
        // The order is fixed by (seed, epoch): another dataset with the same seed agrees.
        #expect(try open(directory, seed: 77).epochOrder(1) == dataset.epochOrder(1))
        #expect(try open(directory, seed: 78).epochOrder(1) != dataset.epochOrder(1))
    }

    @Test func batchesArePaddedWithMasksAndTypes() throws {
        let directory = TestDirectory()
        let examples = try Self.makeShards(directory, shardCount: 2, examples: 30)
        let dataset = try open(directory)
        let batch = dataset.nextBatch(size: 30)
        for row in 0..<30 {
            let example = examples[identities(batch)[row]]
            let base = row * 16, length = example.tokens.count
            #expect(batch.lengths[row] == length)
            #expect(Array(batch.inputIds[base..<(base + length)]) == example.tokens)
            #expect(batch.inputIds[(base + length)..<(base + 16)].allSatisfy { $0 == 0 })
            #expect(Array(batch.attentionMask[base..<(base + 16)]) == (0..<16).map { $0 < length ? 1 : 0 })
            #expect(Array(batch.tokenTypeIds[base..<(base + 16)])
                    == (0..<16).map { $0 >= example.segmentBStart && $0 < length ? 1 : 0 })
        }
        #expect(batch.tokenTypeIds.contains(1))
    }

    @Test func resumeEqualsUninterrupted() throws {
        let directory = TestDirectory()
        try Self.makeShards(directory, shardCount: 2, examples: 37)
        let straight = try open(directory, seed: 5)
        var expected: [PretrainingBatch] = []
        for _ in 0..<12 { expected.append(straight.nextBatch(size: 7)) }   // crosses two epoch ends

        let first = try open(directory, seed: 5)
        var resumed: [PretrainingBatch] = []
        for _ in 0..<5 { resumed.append(first.nextBatch(size: 7)) }
        let saved = try JSONEncoder().encode(first.position)
        let position = try JSONDecoder().decode(DataPosition.self, from: saved)
        #expect(position == DataPosition(epoch: 0, index: 35))
        let second = try PretrainingDataset(directory: directory.path, vocabularyFingerprint: Self.fingerprint,
                                            maxSequenceLength: 16, seed: 5, position: position)
        var batch = PretrainingBatch(batchSize: 7, sequenceLength: 16)
        for _ in 0..<7 {
            second.nextBatch(into: &batch)
            resumed.append(batch)
        }
        #expect(resumed == expected)
        // A position from another data set is refused with a message, not a trap.
        #expect(throws: ShardError.positionOutOfRange(directory: directory.path, epoch: 0, index: 40, exampleCount: 37)) {
            _ = try PretrainingDataset(directory: directory.path, vocabularyFingerprint: Self.fingerprint,
                                       maxSequenceLength: 16, seed: 5, position: DataPosition(epoch: 0, index: 40))
        }
    }

    @Test func mismatchedOrIncompleteDirectoriesAreRefused() throws {
        let directory = TestDirectory()
        #expect(throws: ShardError.noShards(directory: directory.path)) { _ = try open(directory) }
        try Self.makeShards(directory, shardCount: 3, examples: 9)
        #expect(throws: ShardError.wrongSequenceLength(path: directory.file("shard-00000-of-00003.bin"), found: 16, expected: 128)) {
            _ = try open(directory, maxLength: 128)
        }
        // Rank 1 of 2 checks the headers of the other rank's shards too.
        #expect(throws: ShardError.wrongVocabulary(path: directory.file("shard-00000-of-00003.bin"), found: Self.fingerprint, expected: 1)) {
            _ = try PretrainingDataset(directory: directory.path, vocabularyFingerprint: 1, maxSequenceLength: 16, seed: 1,
                                       rank: 1, worldSize: 2)
        }
        try FileManager.default.removeItem(atPath: directory.file("shard-00001-of-00003.bin"))
        #expect(throws: ShardError.incompleteSet(directory: directory.path, detail: "shard-00001-of-00003.bin is missing")) {
            _ = try open(directory)
        }
        try Self.makeShards(directory, shardCount: 2, examples: 4)
        #expect(throws: ShardError.incompleteSet(directory: directory.path, detail: "shards of sets of 2, 3")) {
            _ = try open(directory)
        }
    }

    @Test func shardNames() {
        #expect(ShardNaming.name(index: 3, count: 4) == "shard-00003-of-00004.bin")
        #expect(ShardNaming.parse("shard-00003-of-00004.bin")! == (3, 4))
        #expect(ShardNaming.parse("shard-00004-of-00004.bin") == nil)
        #expect(ShardNaming.parse("shard-3-of-4.bin") == nil)
        #expect(ShardNaming.parse("manifest.json") == nil)
        #expect(ShardNaming.parse("shard-00000-of-00001.bin.tmp") == nil)
    }
}
