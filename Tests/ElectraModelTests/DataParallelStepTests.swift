// Data parallelism without MPI: the ranks of a group, played one after another in one process, draw
// the same masks, dropout and samples and sum to the same gradients as one process with the whole
// batch; and the whole batch as one shard is bit for bit the single-process step.

import Electra
import ElectraData
import ElectraNN
import ElectraTensor
import ElectraTokenizer
import Foundation
import Testing
import _TestSupport

@Suite("Data-parallel step") struct DataParallelStepTests {
    /// A global batch of 4 sequences of the small shards, a model and an objective.
    func setUp() throws -> (TokenBatch, PretrainingModel, PretrainingObjective) {
        let settings = tinySettings(steps: 1, run: "")
        let vocabulary = try Vocabulary.bundled()
        let dataset = try PretrainingDataset(directory: settings.data, vocabularyFingerprint: vocabulary.fingerprint,
                                             maxSequenceLength: settings.maxSequenceLength, seed: 5, padId: vocabulary.padId)
        let batch = dataset.nextBatch(size: 4)
        let tokens = TokenBatch(batch: 4, length: settings.maxSequenceLength, ids: batch.inputIds, tokenTypes: batch.tokenTypeIds,
                                attentionMask: batch.attentionMask)
        var initialization = RandomGenerator(seed: 3)
        let model = PretrainingModel.initialized(discriminator: settings.discriminator, generator: settings.generator,
                                                 randomness: &initialization)
        var objective = settings.objective
        objective.masking.maskId = vocabulary.maskId
        objective.masking.excludedIds = [vocabulary.classifierId, vocabulary.separatorId, vocabulary.maskId]
        return (tokens, model, objective)
    }

    @Test func theWholeBatchAsOneShardIsTheSingleProcessStep() throws {
        let (tokens, model, objective) = try setUp()
        let randomness = RandomGenerator(seed: 11).split(1)
        let step = PretrainingStep(model: model, objective: objective, batch: 4, length: tokens.length)
        let plain = model.makeGradients(), sharded = model.makeGradients()
        let expected = step.run(tokens, randomness: randomness, gradients: plain, scale: 0.5)
        var masking = randomness.split("masking")
        let part = PretrainingShard.split(tokens, policy: objective.masking, randomness: &masking, window: .whole(4))
        let metrics = step.run(part.masked, original: part.original, randomness: randomness, gradients: sharded, scale: 0.5,
                               shard: part.shard)
        #expect(metrics == expected)
        #expect(plain.parameters.flat.scalars == sharded.parameters.flat.scalars, "gradients differ")
    }

    @Test(arguments: [2, 4]) func ranksPlayedInTurnSumToTheWholeBatch(ranks: Int) throws {
        let (tokens, model, objective) = try setUp()
        let randomness = RandomGenerator(seed: 11).split(2)
        let whole = PretrainingStep(model: model, objective: objective, batch: 4, length: tokens.length)
        let expectedGradients = model.makeGradients()
        let expected = whole.run(tokens, randomness: randomness, gradients: expectedGradients)
        let step = PretrainingStep(model: model, objective: objective, batch: 4 / ranks, length: tokens.length)
        let gradients = model.makeGradients()
        var metrics: [PretrainingMetrics] = []
        for rank in 0..<ranks {
            var masking = randomness.split("masking")
            let part = PretrainingShard.split(tokens, policy: objective.masking, randomness: &masking,
                                              window: .share(rank, of: ranks, total: 4))
            metrics.append(step.run(part.masked, original: part.original, randomness: randomness, gradients: gradients, shard: part.shard))
        }
        // The losses are shares of the whole batch's means; the counts add up.
        #expect(abs(metrics.map(\.generatorLoss).reduce(0, +) - expected.generatorLoss) < 1e-5 * expected.generatorLoss)
        #expect(abs(metrics.map(\.discriminatorLoss).reduce(0, +) - expected.discriminatorLoss) < 1e-5 * expected.discriminatorLoss)
        #expect(metrics.map(\.masked).reduce(0, +) == expected.masked)
        #expect(metrics.map(\.correctDetections).reduce(0, +) == expected.correctDetections)
        #expect(metrics.map(\.truePositives).reduce(0, +) == expected.truePositives)
        // The gradients, summed over the ranks, are the whole batch's up to the order of additions.
        let a = expectedGradients.parameters.flat.scalars, b = gradients.parameters.flat.scalars
        let scale = a.map(abs).max()!
        let worst = zip(a, b).map { abs($0 - $1) }.max()!
        print("\(ranks) ranks in turn vs the whole batch: max |Δ gradient| \(worst) (largest gradient \(scale))")
        #expect(worst <= 1e-5 * scale, "max |Δ| \(worst) of \(scale)")
        // Without windows (every rank drawing its own part from the start of each stream) they differ:
        // the comparison can tell.
        let unwindowed = model.makeGradients()
        for rank in 0..<ranks {
            var masking = randomness.split("masking")
            let part = PretrainingShard.split(tokens, policy: objective.masking, randomness: &masking,
                                              window: .share(rank, of: ranks, total: 4))
            let shard = PretrainingShard(examples: .whole(part.original.batch), rows: .whole(part.masked.positions.count),
                                         predictions: part.shard.predictions, tokens: part.shard.tokens)
            _ = step.run(part.masked, original: part.original, randomness: randomness, gradients: unwindowed, shard: shard)
        }
        let unwindowedWorst = zip(a, unwindowed.parameters.flat.scalars).map { abs($0 - $1) }.max()!
        #expect(unwindowedWorst > 100 * max(worst, 1e-9 * scale), "dropout without windows gave \(unwindowedWorst)")
    }

    @Test func aWindowedMaskIsItsRowsOfTheWholeMask() {
        let rows = 6, perRow = 37
        let whole = Tensor(zeros: [rows, perRow]), part = Tensor(zeros: [2, perRow])
        var generator = RandomGenerator(seed: 9).split("dropout")
        Dropout.makeMask(whole, probability: 0.3, generator: &generator)
        var windowed = RandomGenerator(seed: 9).split("dropout").windowed(BatchWindow(first: 3, count: 2, total: rows))
        Dropout.makeMask(part, probability: 0.3, generator: &windowed)
        #expect(part.scalars == Array(whole.scalars[(3 * perRow)..<(5 * perRow)]))
        #expect(windowed.position == generator.position, "both advance past the whole batch's mask")
        #expect(windowed.window == BatchWindow(first: 3, count: 2, total: rows), "the window stays for the next tensor")
    }
}
