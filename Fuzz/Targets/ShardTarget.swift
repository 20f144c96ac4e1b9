// ShardTarget: the input is a pretraining shard. It is read twice: as it is, and with its two XXH64
// checksums recomputed, so that mutations reach the checks behind them (the index, the sizes) instead
// of stopping at a checksum mismatch. Each time: the header alone, the whole file with every example,
// and a `PretrainingDataset` over a directory holding only it.

import ElectraData

enum ShardTarget {
    static func run(_ input: [UInt8]) {
        read(input)
        if let fixed = withChecksums(input), fixed != input { read(fixed) }
    }

    private static func read(_ bytes: [UInt8]) {
        let path = Scratch.write(bytes, to: "shards/" + ShardNaming.name(index: 0, count: 1))
        guard let header = try? ShardFile.readHeader(path: path),
              let shard = try? ShardFile(path: path, expectedVocabularyFingerprint: header.vocabularyFingerprint,
                                         expectedMaxSequenceLength: header.maxSequenceLength) else { return }
        for index in 0..<shard.count {
            _ = shard.example(at: index)
            _ = shard.length(of: index)
        }
        guard let dataset = try? PretrainingDataset(directory: Scratch.path("shards"),
                                                    vocabularyFingerprint: header.vocabularyFingerprint,
                                                    maxSequenceLength: header.maxSequenceLength, seed: 7) else { return }
        for _ in 0..<2 { _ = dataset.nextBatch(size: 3) }
    }

    /// `bytes` with the payload checksum (bytes 56..<64) and the header checksum (72..<80) made to
    /// match; nil when it is shorter than a header.
    static func withChecksums(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= ShardHeader.size else { return nil }
        var fixed = bytes
        func put(_ value: UInt64, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { fixed.replaceSubrange(offset..<(offset + 8), with: $0) }
        }
        put(XXHash64.hash(Array(bytes[ShardHeader.size...])), at: 56)
        put(XXHash64.hash(Array(fixed[0..<72])), at: 72)
        return fixed
    }

    /// Shards from `ShardWriter`: 2-byte ids with and without segment B, 4-byte ids, and no example.
    static func seeds() -> [(name: String, bytes: [UInt8])] {
        let sets: [(name: String, vocabularySize: Int, length: Int, examples: [(tokens: [Int32], segmentB: Int)])] = [
            ("pairs.bin", 120, 12, [([101, 7, 8, 102, 9, 102], 4), ([101, 10, 11, 12, 102], 5), ([101, 13, 102, 14, 15, 16, 102], 3)]),
            ("wide-ids.bin", 70_000, 8, [([101, 69_999, 102], 3), ([101, 65_536, 102, 300, 102], 3)]),
            ("empty.bin", 30, 8, []),
        ]
        return sets.map { set in
            let path = Scratch.path("seeds/" + set.name)
            if let writer = try? ShardWriter(path: path, vocabularyFingerprint: 0x5EED, vocabularySize: set.vocabularySize,
                                             maxSequenceLength: set.length) {
                for example in set.examples { try? writer.append(tokens: example.tokens, segmentBStart: example.segmentB) }
                _ = try? writer.finish()
            }
            return (set.name, Scratch.read("seeds/" + set.name))
        }
    }
}
