// PretrainingStep: one forward and backward pass of ELECTRA's replaced-token-detection objective.
//
//   1. mask positions of the batch (MaskingPolicy);
//   2. generator: logits at the masked positions; MLM loss against the original tokens;
//   3. sample replacements by Gumbel-max (no gradient), one per drawn position (a position drawn
//      twice gets the floor of its two samples' mean, as Google's scatter_update); a position is
//      "replaced" only if the token written there differs from the original;
//   4. discriminator on the corrupted batch; sigmoid cross-entropy over all non-padding tokens;
//   5. loss = generatorWeight · MLM + discriminatorWeight · discriminator; backward through both
//      networks, whose shared embeddings collect both gradients.

import ElectraNN
import ElectraTensor

/// The objective's weights and sampling temperature.
public struct PretrainingObjective: Codable, Equatable, Sendable {
    public var masking = MaskingPolicy()
    public var generatorWeight: Float = 1
    public var discriminatorWeight: Float = 50
    public var temperature: Float = 1

    public init() {}
}

/// Losses and accuracies of one step (or an average of several).
public struct PretrainingMetrics: Codable, Equatable, Sendable {
    public var loss: Double = 0
    public var generatorLoss: Double = 0
    public var discriminatorLoss: Double = 0
    public var generatorAccuracy: Double = 0
    public var discriminatorAccuracy: Double = 0
    /// Of the tokens the discriminator calls replaced, the share that were.
    public var precision: Double = 0
    /// Of the replaced tokens, the share the discriminator found.
    public var recall: Double = 0
    /// Counts behind the rates, so that metrics of several batches combine exactly.
    public var masked = 0, correctPredictions = 0, tokens = 0, correctDetections = 0
    public var replaced = 0, flagged = 0, truePositives = 0

    public init() {}

    /// Combines `other` (from another micro-batch) into this, weighting losses by their counts.
    public mutating func merge(_ other: PretrainingMetrics, weight: Double) {
        loss += other.loss * weight
        generatorLoss += other.generatorLoss * weight
        discriminatorLoss += other.discriminatorLoss * weight
        masked += other.masked; correctPredictions += other.correctPredictions
        tokens += other.tokens; correctDetections += other.correctDetections
        replaced += other.replaced; flagged += other.flagged; truePositives += other.truePositives
        finishRates()
    }

    mutating func finishRates() {
        generatorAccuracy = masked > 0 ? Double(correctPredictions) / Double(masked) : 0
        discriminatorAccuracy = tokens > 0 ? Double(correctDetections) / Double(tokens) : 0
        precision = flagged > 0 ? Double(truePositives) / Double(flagged) : 0
        recall = replaced > 0 ? Double(truePositives) / Double(replaced) : 0
    }
}

/// Buffers and the procedure for steps of one batch shape.
public final class PretrainingStep {
    public let model: PretrainingModel
    public let objective: PretrainingObjective
    public let batch: Int, length: Int
    let discriminatorWorkspace: ElectraDiscriminator.Workspace
    let generatorWorkspace: ElectraGenerator.Workspace
    let logSumExp: Tensor
    let dGeneratorLogits: Tensor
    let dDiscriminatorLogits: Tensor
    let labels: Tensor
    let weights: Tensor

    /// Buffers for `batch` sequences of `length` tokens; `maskedRows` bounds the masked positions of a
    /// batch (by default what the masking policy can choose).
    public init(model: PretrainingModel, objective: PretrainingObjective, batch: Int, length: Int, training: Bool = true,
                maskedRows: Int? = nil) {
        self.model = model
        self.objective = objective
        self.batch = batch
        self.length = length
        let rows = maskedRows ?? batch * max(1, objective.masking.maxPredictions(length: length))
        discriminatorWorkspace = ElectraDiscriminator.Workspace(config: model.discriminatorConfig, batch: batch, length: length, training: training)
        generatorWorkspace = ElectraGenerator.Workspace(config: model.generatorConfig, batch: batch, length: length, rows: rows, training: training)
        logSumExp = Tensor(zeros: [rows])
        dGeneratorLogits = Tensor(zeros: [rows, model.generatorConfig.vocabSize])
        dDiscriminatorLogits = Tensor(zeros: [batch * length, 1])
        labels = Tensor(zeros: [batch * length])
        weights = Tensor(zeros: [batch * length])
    }

    /// The masked positions a batch can hold (the generator head's rows at most).
    public var maskedRowCapacity: Int { logSumExp.count }

    /// Runs the objective on `input` with all randomness (masking, dropout, sampling) from
    /// `randomness`; with `gradients`, accumulates `scale ×` the loss's gradients into them.
    public func run(_ input: TokenBatch, randomness: RandomGenerator, gradients: PretrainingModel?,
                    scale: Float = 1) -> PretrainingMetrics {
        precondition(input.batch == batch && input.length == length, "PretrainingStep: batch shape changed")
        var masking = randomness.split("masking")
        let masked = objective.masking.mask(input, randomness: &masking)
        return run(masked, original: input, randomness: randomness, gradients: gradients, scale: scale)
    }

    /// Runs the objective given the masked batch; `sampled` replaces Gumbel sampling when given
    /// (to reproduce a reference step). With `shard` (data parallelism: this batch is part of a global
    /// one, see `PretrainingShard`), dropout and sampling draw this part's share of the whole batch's
    /// numbers, the gradients are this part's share of the whole batch's (they sum to them over the
    /// parts) and the returned losses are shares that sum to the whole batch's means.
    public func run(_ masked: MaskedBatch, original input: TokenBatch, randomness: RandomGenerator, gradients: PretrainingModel?,
                    scale: Float = 1, sampled given: [Int32]? = nil, shard: PretrainingShard? = nil) -> PretrainingMetrics {
        var metrics = PretrainingMetrics()
        let R = masked.positions.count
        func windowed(_ generator: RandomGenerator, _ window: BatchWindow?) -> RandomGenerator {
            window.map { generator.windowed($0) } ?? generator
        }
        // Generator.
        var dropout = windowed(randomness.split("generator dropout"), shard?.examples)
        let logits = model.generator.forward(masked.input, rows: masked.positions, generatorWorkspace, generator: &dropout)
        let lse = logSumExp.prefix(R)
        let (mlm, count) = CrossEntropy.forward(logits, targets: masked.targets, logSumExp: lse)
        metrics.masked = count
        let V = logits.columns
        for r in 0..<R {
            let row = logits.pointer + r * V
            var best = 0
            for j in 1..<V where row[j] > row[best] { best = j }
            if Int32(best) == masked.targets[r] { metrics.correctPredictions += 1 }
        }
        // Replacements.
        var sampling = windowed(randomness.split("sampling"), shard?.rows)
        let sampled = given ?? GumbelSampler.sample(logits, temperature: objective.temperature, randomness: &sampling)
        let fake = masked.corrupted(input.ids, samples: sampled)
        let corrupted = TokenBatch(batch: batch, length: length, ids: fake, tokenTypes: input.tokenTypes, attentionMask: input.attentionMask)
        let labelPointer = labels.pointer, weightPointer = weights.pointer
        for i in 0..<input.count {
            labelPointer[i] = fake[i] != input.ids[i] ? 1 : 0
            weightPointer[i] = input.attentionMask[i] != 0 ? 1 : 0
        }
        // Discriminator.
        var discriminatorDropout = windowed(randomness.split("discriminator dropout"), shard?.examples)
        let discriminatorLogits = model.discriminator.forward(corrupted, discriminatorWorkspace, generator: &discriminatorDropout)
            .reshaped([input.count])
        let (bce, total) = BinaryCrossEntropy.forward(logits: discriminatorLogits, labels: labels, weights: weights)
        let dp = discriminatorLogits.pointer
        for i in 0..<input.count where weightPointer[i] != 0 {
            let flagged = dp[i] > 0, replaced = labelPointer[i] != 0
            metrics.tokens += 1
            if flagged == replaced { metrics.correctDetections += 1 }
            if replaced { metrics.replaced += 1 }
            if flagged { metrics.flagged += 1 }
            if flagged && replaced { metrics.truePositives += 1 }
        }
        func share(_ part: Double, _ whole: Int?) -> Double { whole.map { $0 > 0 ? part / Double($0) : 0 } ?? 1 }
        metrics.generatorLoss = Double(mlm) * share(Double(count), shard?.predictions)
        metrics.discriminatorLoss = Double(bce) * share(Double(total), shard?.tokens)
        metrics.loss = Double(objective.generatorWeight) * metrics.generatorLoss + Double(objective.discriminatorWeight) * metrics.discriminatorLoss
        metrics.finishRates()
        // Backward.
        if let gradients {
            dDiscriminatorLogits.fill(0)
            BinaryCrossEntropy.backward(dLoss: scale * objective.discriminatorWeight, logits: discriminatorLogits, labels: labels,
                                        weights: weights, totalWeight: shard.map { Float($0.tokens) } ?? total,
                                        dLogits: dDiscriminatorLogits.reshaped([input.count]))
            model.discriminator.backward(dDiscriminatorLogits, corrupted, discriminatorWorkspace, gradients: gradients.discriminator)
            let dLogits = dGeneratorLogits.rows(0..<R)
            dLogits.fill(0)
            CrossEntropy.backward(dLoss: scale * objective.generatorWeight, logits: logits, targets: masked.targets,
                                  logSumExp: lse, count: shard?.predictions ?? count, dLogits: dLogits)
            model.generator.backward(dLogits, masked.input, rows: masked.positions, generatorWorkspace, gradients: gradients.generator)
        }
        return metrics
    }
}
