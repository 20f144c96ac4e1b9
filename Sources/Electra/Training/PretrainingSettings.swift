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
    /// Sequences per micro-batch, all data-parallel ranks together (each rank takes an equal share).
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
    /// The named recipe the run's defaults came from (nil: set by hand).
    public var recipe: PretrainingRecipe? = nil

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

    /// Throws unless a run can be built from these settings (they may come from a damaged or edited
    /// `state.json`); `source` names the file in the message.
    public func validate(source: String) throws {
        func fail(_ reason: String) -> TrainingError { .invalid("\(source): \(reason)") }
        for (name, value) in [("batchSize", batchSize), ("accumulation", accumulation), ("steps", steps),
                              ("logEvery", logEvery), ("keepCheckpoints", keepCheckpoints)] where value < 1 {
            throw fail("\(name) is \(value), it must be at least 1")
        }
        guard checkpointEvery >= 0 else { throw fail("checkpointEvery is \(checkpointEvery)") }
        guard (8...4096).contains(maxSequenceLength) else { throw fail("maxSequenceLength \(maxSequenceLength) is not in 8...4096") }
        guard batchSize.multipliedReportingOverflow(by: maxSequenceLength).partialValue <= 1 << 24,
              !batchSize.multipliedReportingOverflow(by: maxSequenceLength).overflow else {
            throw fail("batchSize \(batchSize) × maxSequenceLength \(maxSequenceLength) is too large")
        }
        guard [1, 2].contains(phase) else { throw fail("phase is \(phase), it must be 1 or 2") }
        guard schedule.warmupSteps >= 0, schedule.totalSteps >= 1, schedule.peak.isFinite, schedule.end.isFinite,
              schedule.power.isFinite, clipNorm > 0 else { throw fail("the learning-rate schedule or clipping norm is invalid") }
        guard objective.masking.probability > 0 && objective.masking.probability < 1 else {
            throw fail("the mask probability \(objective.masking.probability) is not in (0, 1)")
        }
        try discriminator.validate(path: source + " (discriminator)")
        try generator.validate(path: source + " (generator)")
        guard discriminator.embeddingSize == generator.embeddingSize, discriminator.vocabSize == generator.vocabSize else {
            throw fail("the generator and discriminator disagree on embedding or vocabulary size, so they cannot share embeddings")
        }
        guard maxSequenceLength <= discriminator.maxPositionEmbeddings, maxSequenceLength <= generator.maxPositionEmbeddings else {
            throw fail("the sequence length \(maxSequenceLength) exceeds the model's max_position_embeddings \(discriminator.maxPositionEmbeddings)")
        }
    }
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
    /// The data-parallel ranks that wrote the checkpoint (nil: one, or before ranks existed). Every
    /// rank reads the same global batches, so `dataPosition` is the whole group's: a run resumes on
    /// any number of ranks that divides `settings.batchSize`.
    public var ranks: Int? = nil
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
