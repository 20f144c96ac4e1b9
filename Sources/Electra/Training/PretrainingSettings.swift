// PretrainingSettings: everything that defines a pretraining run, saved with every checkpoint.

import ElectraOptim
import Foundation

/// A pretraining run's resolved settings.
public struct PretrainingSettings: Codable, Equatable, Sendable {
    public var discriminator: ElectraConfig
    public var generator: ElectraConfig
    public var objective = PretrainingObjective()
    public var optimizer = OptimizerSettings.nvidiaLAMB
    public var schedule: LearningRateSchedule
    /// Sequences per micro-batch.
    public var batchSize: Int
    /// Micro-batches whose gradients are averaged into one update.
    public var accumulation = 1
    public var maxSequenceLength: Int
    /// Updates in this phase.
    public var steps: Int
    public var seed: UInt64
    /// Global gradient-norm clipping threshold.
    public var clipNorm: Float = 1
    public var checkpointEvery: Int
    public var keepCheckpoints = 3
    public var logEvery = 10
    /// 1 (sequence length 128) or 2 (512, from a phase-1 checkpoint), as NVIDIA's recipe.
    public var phase = 1
    /// The shard directory and the vocabulary the shards were built with.
    public var data: String
    public var vocabulary: String
    public var lowercase = true

    public init(discriminator: ElectraConfig, generator: ElectraConfig, schedule: LearningRateSchedule, batchSize: Int,
                maxSequenceLength: Int, steps: Int, seed: UInt64, checkpointEvery: Int, data: String, vocabulary: String) {
        self.discriminator = discriminator
        self.generator = generator
        self.schedule = schedule
        self.batchSize = batchSize
        self.maxSequenceLength = maxSequenceLength
        self.steps = steps
        self.seed = seed
        self.checkpointEvery = checkpointEvery
        self.data = data
        self.vocabulary = vocabulary
    }

    /// Sequences per update.
    public var sequencesPerStep: Int { batchSize * accumulation }
}

/// What a checkpoint records beyond the tensors.
public struct TrainingState: Codable, Equatable, Sendable {
    public var settings: PretrainingSettings
    /// Updates completed in this phase.
    public var step: Int
    public var optimizerStep: Int
    public var dataPosition: DataPositionRecord
    /// The root of all randomness (per-step streams are split from it by step number).
    public var randomness: RandomGeneratorRecord
}

/// `ElectraData.DataPosition`, as stored (kept here so the state format is explicit).
public struct DataPositionRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    public var index: Int
}

/// `ElectraTensor.RandomGenerator`'s state, as stored.
public struct RandomGeneratorRecord: Codable, Equatable, Sendable {
    public var key: UInt64
    public var stream: UInt64
    public var position: UInt64
}
