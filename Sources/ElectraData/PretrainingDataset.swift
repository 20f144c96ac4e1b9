// PretrainingDataset: a rank's share of a shard directory as an endless, reproducible stream of
// padded batches, shuffled per epoch, with a resumable position.

import ElectraTensor

/// The examples of a directory of shards that one data-parallel rank reads, in a shuffled order per
/// epoch, as padded batches.
///
/// - Every shard is checked against the expected vocabulary and sequence length (so all agree).
/// - Rank `r` of `w` reads the shards `i` with `i % w == r`; a rank that would get none is refused.
/// - Epoch `e` visits each of the rank's examples exactly once, in the order of a Fisher–Yates shuffle
///   drawn from `RandomGenerator(seed: seed).split("epoch-order").split(e)`, across all of the rank's
///   shards; the order depends only on (seed, epoch, the rank's shards).
/// - `position` (epoch, index in the epoch) can be saved and restored with `seek(to:)`; a restored
///   stream gives the same batches as one never interrupted. Epochs roll over inside a batch.
public final class PretrainingDataset {
    /// The shard directory.
    public let directory: String
    /// This process's data-parallel rank, in `0..<worldSize`.
    public let rank: Int
    /// The number of data-parallel processes.
    public let worldSize: Int
    /// Fixes the order of every epoch.
    public let seed: UInt64
    /// The shards' (and the batches') sequence length.
    public let maxSequenceLength: Int
    /// The id written after each example's end (`[PAD]`).
    public let padId: Int32
    /// This rank's shards.
    public let shards: [ShardFile]
    /// Examples in this rank's shards.
    public let exampleCount: Int
    /// The next example to take.
    public private(set) var position: DataPosition

    private let shardStarts: [Int]     // first example number of each shard, and the total at the end
    private var order: [Int] = []      // the shuffled example numbers of `orderEpoch`
    private var orderEpoch = -1

    /// Opens this rank's shards of `directory`.
    /// - Parameters:
    ///   - vocabularyFingerprint: `Vocabulary.fingerprint` of the model's vocabulary.
    ///   - maxSequenceLength: the model's training sequence length; the shards must hold exactly it.
    ///   - seed: fixes the order of every epoch.
    ///   - rank, worldSize: this process's place among the data-parallel processes.
    ///   - position: where to start (a saved `position`).
    ///   - padId: `[PAD]` (0 in BERT vocabularies).
    /// - Throws: `ShardError` for a missing, incomplete, corrupt or mismatched shard, a rank without
    ///   shards, or a `position` outside the rank's examples.
    public init(directory: String, vocabularyFingerprint: UInt64, maxSequenceLength: Int, seed: UInt64,
                rank: Int = 0, worldSize: Int = 1, position: DataPosition = DataPosition(), padId: Int32 = 0) throws {
        precondition(worldSize >= 1 && rank >= 0 && rank < worldSize, "rank \(rank) outside 0..<\(worldSize)")
        let paths = try ShardNaming.shardPaths(in: directory)
        guard rank < paths.count else {
            throw ShardError.rankWithoutShards(directory: directory, rank: rank, worldSize: worldSize, shardCount: paths.count)
        }
        // Other ranks' shards: headers only, so that a mismatch anywhere fails on every rank at once.
        for (index, path) in paths.enumerated() where index % worldSize != rank {
            let header = try ShardFile.readHeader(path: path)
            if header.vocabularyFingerprint != vocabularyFingerprint {
                throw ShardError.wrongVocabulary(path: path, found: header.vocabularyFingerprint, expected: vocabularyFingerprint)
            }
            if header.maxSequenceLength != maxSequenceLength {
                throw ShardError.wrongSequenceLength(path: path, found: header.maxSequenceLength, expected: maxSequenceLength)
            }
        }
        shards = try paths.enumerated().filter { $0.offset % worldSize == rank }.map {
            try ShardFile(path: $0.element, expectedVocabularyFingerprint: vocabularyFingerprint,
                          expectedMaxSequenceLength: maxSequenceLength)
        }
        var starts = [0]
        for shard in shards { starts.append(starts.last! + shard.count) }
        shardStarts = starts
        exampleCount = starts.last!
        guard exampleCount > 0 else {
            throw ShardError.incompleteSet(directory: directory, detail: "rank \(rank)'s shards hold no example")
        }
        guard position.epoch >= 0 && position.index >= 0 && position.index < exampleCount else {
            throw ShardError.positionOutOfRange(directory: directory, epoch: position.epoch, index: position.index,
                                               exampleCount: exampleCount)
        }
        self.directory = directory
        self.rank = rank
        self.worldSize = worldSize
        self.seed = seed
        self.maxSequenceLength = maxSequenceLength
        self.padId = padId
        self.position = DataPosition()
        seek(to: position)
    }

    /// Continues from `position` (as saved from `position`).
    public func seek(to position: DataPosition) {
        precondition(position.epoch >= 0 && position.index >= 0 && position.index < exampleCount,
                     "data position \(position) outside this rank's \(exampleCount) examples")
        self.position = position
    }

    /// The order in which epoch `epoch` visits the rank's examples (numbered across its shards in
    /// shard order).
    public func epochOrder(_ epoch: Int) -> [Int] {
        var order = Array(0..<exampleCount)
        var generator = RandomGenerator(seed: seed).split("epoch-order").split(UInt64(epoch))
        generator.shuffle(&order)
        return order
    }

    /// The shard and the example within it of example number `number`.
    public func locate(_ number: Int) -> (shard: ShardFile, index: Int) {
        precondition(number >= 0 && number < exampleCount, "example \(number) outside 0..<\(exampleCount)")
        var low = 0, high = shards.count - 1   // the last shard whose start is <= number
        while low < high {
            let middle = (low + high + 1) / 2
            if shardStarts[middle] <= number { low = middle } else { high = middle - 1 }
        }
        return (shards[low], number - shardStarts[low])
    }

    /// The next example number, advancing the position (and the epoch at its end).
    public func nextExample() -> Int {
        if orderEpoch != position.epoch {
            order = epochOrder(position.epoch)
            orderEpoch = position.epoch
        }
        let number = order[position.index]
        position.index += 1
        if position.index == exampleCount { position = DataPosition(epoch: position.epoch + 1, index: 0) }
        return number
    }

    /// The next `size` examples as a padded batch.
    public func nextBatch(size: Int) -> PretrainingBatch {
        var batch = PretrainingBatch(batchSize: size, sequenceLength: maxSequenceLength)
        nextBatch(into: &batch)
        return batch
    }

    /// Fills `batch` (made for this sequence length) with the next examples, reusing its storage.
    public func nextBatch(into batch: inout PretrainingBatch) {
        precondition(batch.sequenceLength == maxSequenceLength,
                     "batch of length \(batch.sequenceLength) for shards of \(maxSequenceLength)")
        let length = maxSequenceLength
        let padId = padId
        for row in 0..<batch.batchSize {
            let (shard, index) = locate(nextExample())
            let count = shard.length(of: index)
            let segmentB = shard.segmentBStart(of: index)
            let base = row * length
            batch.inputIds.withUnsafeMutableBufferPointer { ids in
                shard.copyTokens(of: index, to: ids.baseAddress! + base)
                for k in count..<length { ids[base + k] = padId }
            }
            batch.tokenTypeIds.withUnsafeMutableBufferPointer { types in
                for k in 0..<length { types[base + k] = k >= segmentB && k < count ? 1 : 0 }
            }
            batch.attentionMask.withUnsafeMutableBufferPointer { mask in
                for k in 0..<length { mask[base + k] = k < count ? 1 : 0 }
            }
            batch.lengths[row] = count
        }
    }
}
