// PretrainingBatch: one batch of pretraining examples, padded to the sequence length, and the
// position in the data stream that checkpoints save.

/// A batch of `batchSize` examples padded to `sequenceLength` tokens. Arrays are row-major
/// `[batchSize, sequenceLength]`.
public struct PretrainingBatch: Equatable, Sendable {
    /// Examples in the batch.
    public private(set) var batchSize: Int
    /// Tokens per row, padding included.
    public private(set) var sequenceLength: Int
    /// Token ids, `[PAD]` after each example's end.
    public var inputIds: [Int32]
    /// 0 for `[CLS]`, segment A and its `[SEP]`; 1 for segment B and its `[SEP]`; 0 on padding.
    public var tokenTypeIds: [Int32]
    /// 1 on real tokens, 0 on padding.
    public var attentionMask: [Int32]
    /// Real tokens in each example.
    public var lengths: [Int]

    /// An all-padding batch, ready to be filled by `PretrainingDataset.nextBatch(into:)`.
    public init(batchSize: Int, sequenceLength: Int) {
        precondition(batchSize >= 1 && sequenceLength >= 1, "a batch needs a positive size and length")
        self.batchSize = batchSize
        self.sequenceLength = sequenceLength
        inputIds = [Int32](repeating: 0, count: batchSize * sequenceLength)
        tokenTypeIds = inputIds
        attentionMask = inputIds
        lengths = [Int](repeating: 0, count: batchSize)
    }

    /// Real tokens in the whole batch.
    public var tokenCount: Int { lengths.reduce(0, +) }
}

/// Where a data stream stands: the epoch, and how many examples of that epoch's order were taken.
/// Saved in checkpoints; restoring it continues exactly where the stream was.
public struct DataPosition: Codable, Equatable, Hashable, Sendable {
    /// The epoch, from 0.
    public var epoch: Int
    /// Examples of this epoch already taken, in `0..<exampleCount`.
    public var index: Int

    /// Example `index` of epoch `epoch`; the default is the very start.
    public init(epoch: Int = 0, index: Int = 0) {
        self.epoch = epoch
        self.index = index
    }
}
