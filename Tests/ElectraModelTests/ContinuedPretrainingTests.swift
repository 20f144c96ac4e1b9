// Continued pretraining: a run that starts from a converted Google checkpoint (or from two model
// directories) trains on, its first loss is the converted weights' loss computed on their own, and
// the shared embeddings are checked when the two networks come from separate directories.

@testable import Electra
import ElectraData
import ElectraNN
import ElectraOptim
import ElectraTensor
import ElectraTokenizer
import Foundation
import Testing
import _TestSupport

/// The TF fixture's vocabulary.
let tfCheckpointVocabulary = Fixtures.directory.appendingPathComponent("tfcheckpoint/vocab.txt").path

/// Shards of the novel's first chapters in the TF fixture's vocabulary (sequence length 64).
let tfVocabularyShards: String = {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("electra-tfshards-\(UUID().uuidString)").path
    let text = try! String(contentsOfFile: Fixtures.novel.path, encoding: .utf8)
    let excerpt = directory + "-excerpt.txt"
    try! String(text.prefix(60_000)).write(toFile: excerpt, atomically: true, encoding: .utf8)
    let preparer = try! CorpusPreparer(vocabulary: try! Vocabulary(contentsOf: tfCheckpointVocabulary), lowercase: true,
                                       vocabularyPath: tfCheckpointVocabulary,
                                       options: PrepareOptions(maxSequenceLength: 64, shardCount: 1, format: .paragraphs, seed: 3))
    _ = try! preparer.prepare(files: [excerpt], outputDirectory: directory)
    return directory
}()

/// Settings for continuing `networks` on the fixture shards for `steps` updates with Google's AdamW.
func continuedSettings(_ networks: InitialNetworks, steps: Int) -> PretrainingSettings {
    var settings = PretrainingSettings(discriminator: networks.model.discriminatorConfig, generator: networks.model.generatorConfig,
                                       schedule: LearningRateSchedule(peak: 2e-3, warmupSteps: 3, totalSteps: steps, power: 1),
                                       batchSize: 8, maxSequenceLength: 64, steps: steps, seed: 11, checkpointEvery: 1000,
                                       data: tfVocabularyShards, vocabulary: networks.vocabulary)
    settings.optimizer = .googleAdamW
    settings.logEvery = 1
    return settings
}

@Suite("Continued pretraining", .serialized) struct ContinuedPretrainingTests {
    @Test func continuesFromAConvertedCheckpoint() throws {
        let networks = try InitialNetworks.googleCheckpoint(tfCheckpointPrefix, options: tfCheckpointOptions)
        #expect(networks.vocabulary == tfCheckpointVocabulary && networks.embeddingDifference == 0)
        let run = temporaryRun("continued")
        let trainer = try Pretrainer(settings: continuedSettings(networks, steps: 40), run: run, initialWeights: networks.model)
        #expect(trainer.model.parameters.flat.scalars == networks.model.parameters.flat.scalars, "the run starts from the converted weights")

        // The first update's loss, computed on its own from the converted weights: the trainer's
        // first micro-batch, masking and dropout, through a step of their own.
        let s = trainer.settings
        let dataset = try PretrainingDataset(directory: s.data, vocabularyFingerprint: try Vocabulary(contentsOf: s.vocabulary).fingerprint,
                                             maxSequenceLength: s.maxSequenceLength, seed: s.seed, position: DataPosition(), padId: 0)
        var batch = PretrainingBatch(batchSize: s.batchSize, sequenceLength: s.maxSequenceLength)
        dataset.nextBatch(into: &batch)
        let tokens = TokenBatch(batch: s.batchSize, length: s.maxSequenceLength, ids: batch.inputIds, tokenTypes: batch.tokenTypeIds,
                                attentionMask: batch.attentionMask)
        let randomness = trainer.randomness(update: 0, micro: 0)
        var masking = randomness.split("masking")
        let part = PretrainingShard.split(tokens, policy: trainer.step.objective.masking, randomness: &masking,
                                          window: BatchWindow.share(0, of: 1, total: s.batchSize))
        let fresh = PretrainingStep(model: networks.model, objective: trainer.step.objective, batch: s.batchSize, length: s.maxSequenceLength)
            .run(part.masked, original: part.original, randomness: randomness, gradients: networks.model.makeGradients(), shard: part.shard)

        let history = try trainer.train { _ in }
        #expect(history.count == 40)
        #expect(history[0].loss == fresh.loss, "first update \(history[0].loss) vs the converted weights' loss \(fresh.loss)")
        func mean(_ values: ArraySlice<PretrainingMetrics>) -> Double { values.map(\.loss).reduce(0, +) / Double(values.count) }
        let before = mean(history.prefix(3)), after = mean(history.suffix(5))
        print("continued pretraining from the TF checkpoint: loss \(before) → \(after) over 40 updates")
        #expect(after < 0.8 * before, "loss \(before) → \(after)")

        // The export carries the vocabulary and the continued weights.
        let export = run + "/export"
        try Pretrainer.export(checkpoint: CheckpointStore.latest(run: run)!, to: export)
        #expect(try String(contentsOfFile: export + "/generator/vocab.txt", encoding: .utf8)
                == String(contentsOfFile: tfCheckpointVocabulary, encoding: .utf8))
        let generator = try ModelDirectory.loadGenerator(export + "/generator")
        #expect(generator.config.hiddenSize == 16 && generator.config.numAttentionHeads == 2)
    }

    @Test func twoDirectoriesShareTheDiscriminatorsEmbeddings() throws {
        let networks = try InitialNetworks.googleCheckpoint(tfCheckpointPrefix, options: tfCheckpointOptions)
        let directory = temporaryRun("pair")
        try Pretrainer.export(networks.model, vocabulary: networks.vocabulary, lowercase: true, to: directory)
        let pair = try InitialNetworks.directories(discriminator: directory + "/discriminator", generator: directory + "/generator")
        #expect(pair.model.parameters.flat.scalars == networks.model.parameters.flat.scalars && pair.embeddingDifference == 0)

        // A generator whose embeddings drifted: the discriminator's are kept, the difference reported.
        let generator = try ModelDirectory.loadGenerator(directory + "/generator")
        let word = generator.parameters["electra.embeddings.word_embeddings.weight"]
        word.pointer[5] += 0.25
        try ModelDirectory.save(config: generator.config, parameters: generator.parameters, role: .generator,
                                vocabulary: networks.vocabulary, to: directory + "/generator")
        let drifted = try InitialNetworks.directories(discriminator: directory + "/discriminator", generator: directory + "/generator")
        #expect(abs(drifted.embeddingDifference - 0.25) < 1e-6)
        #expect(drifted.model.parameters["electra.embeddings.word_embeddings.weight"].scalars
                == networks.model.parameters["electra.embeddings.word_embeddings.weight"].scalars)

        // A generator of another vocabulary is refused.
        let other = temporaryRun("other-vocab")
        try ModelDirectory.save(config: generator.config, parameters: generator.parameters, role: .generator, vocabulary: nil, to: other)
        var tokens = try Vocabulary(contentsOf: networks.vocabulary).tokens
        tokens.swapAt(20, 21)
        try (tokens.joined(separator: "\n") + "\n").write(toFile: other + "/vocab.txt", atomically: true, encoding: .utf8)
        #expect(throws: TrainingError.self) { try InitialNetworks.directories(discriminator: directory + "/discriminator", generator: other) }
    }
}
