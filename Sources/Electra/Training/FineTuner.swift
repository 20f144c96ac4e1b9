// FineTuner: the training loop every fine-tuning task shares: shuffled micro-batches accumulated into
// updates, AdamW with layer-wise decay, warmup and linear decay, clipping, a stop on NaN, data
// parallelism, evaluation after every epoch and the best parameters kept.

import ElectraNN
import ElectraOptim
import ElectraTensor
import Foundation

/// One micro-batch's work for a task: forward and backward over the training items `indices` (this
/// rank's share of the micro-batch), the loss scaled by `share` before the backward pass so that the
/// gradients (accumulated, `+=`, into the task's gradient store) follow the update's mean loss, and
/// dropout drawn from `dropout`. Returns the micro-batch's unscaled mean loss.
public typealias FineTuningStep = (_ indices: [Int], _ share: Float, _ dropout: inout RandomGenerator) throws -> Float

/// After an epoch: the evaluation's score (higher is better) and a line for the log.
public struct FineTuningEvaluation: Sendable, Equatable {
    public var score: Double
    public var summary: String

    public init(score: Double, summary: String) {
        self.score = score
        self.summary = summary
    }
}

/// What a run did.
public struct FineTuningResult: Sendable, Equatable {
    /// The mean loss of every update.
    public var losses: [Float]
    /// Every evaluation, in order (one per epoch, the last after the last update).
    public var evaluations: [FineTuningEvaluation]
    /// The index in `evaluations` of the best score (the first of equal ones), whose parameters the
    /// model holds at the end with `keepBest`; `nil` without evaluations.
    public var best: Int?
}

/// Trains a task's parameters with `settings`. The task supplies the micro-batch (`FineTuningStep`)
/// and, optionally, an evaluation; the loop is the same for SQuAD, GLUE, classification and NER.
public struct FineTuner {
    public let settings: FineTuningSettings
    /// Names the random streams (`seed` → `stream` → `order`, `dropout`): SQuAD's is `squad`.
    public let stream: String

    public init(settings: FineTuningSettings, stream: String) {
        precondition(settings.batchSize >= 1 && settings.accumulation >= 1, "FineTuningSettings: batchSize and accumulation must be at least 1")
        self.settings = settings
        self.stream = stream
    }

    /// The rows of each micro-batch this rank trains on. Throws unless the batch splits evenly.
    public func window(_ parallelism: DataParallelism) throws -> BatchWindow {
        let communicator = parallelism.communicator
        guard settings.batchSize % communicator.size == 0 else {
            throw TrainingError.invalid("a micro-batch of \(settings.batchSize) sequences does not split evenly over \(communicator.size) ranks")
        }
        return BatchWindow.share(communicator.rank, of: communicator.size, total: settings.batchSize)
    }

    /// Trains `parameters` on `items` training sequences.
    ///
    /// Each update averages the gradients of `accumulation` micro-batches of `batchSize` sequences:
    /// micro-batch `k`'s loss is scaled by its share of the update's sequences, so the update follows the
    /// gradient of the mean loss over all `batchSize × accumulation` of them, as NVIDIA's 8 GPUs (each
    /// a mean over its 16, averaged by Horovod) and Google's single batch of 32 do. Epochs are
    /// consecutive shuffles of the items and micro-batches run across their boundaries (as Google's
    /// `repeat()`ed input does), so no micro-batch is ever short: there are
    /// `⌈items × epochs / (batchSize × accumulation)⌉` updates, and the last may reach up to
    /// `batchSize × accumulation − 1` sequences into one more shuffle.
    ///
    /// With several ranks in `parallelism`, each micro-batch is the whole group's: every rank draws
    /// the same indices and trains on its equal share of them (`window(_:)`), with its share of the
    /// micro-batch's dropout numbers; gradients and losses are summed over the ranks before the same
    /// update on each, so N ranks compute what one process computes.
    ///
    /// `evaluate(epoch)` (when given) runs after the update in which epoch `epoch` (1-based) ends, and
    /// after the last update if a fractional epoch remains; with `keepBest` the parameters of the best
    /// score are copied aside and put back at the end. Every rank evaluates (the same model on the
    /// same data), so their weights stay equal.
    ///
    /// - Parameters:
    ///   - step: built by `prepare` for the local micro-batch size (`window(_:).count`), once.
    ///   - report: called after each update with (update, updates, the update's mean loss).
    /// - Throws: `FineTuningError` when the loss or the gradients' norm becomes NaN or infinite
    ///   (nothing is updated with them); whatever `step` or `evaluate` throw.
    public func train(items: Int, parameters: ParameterStore, gradients: ParameterStore, rateScales: [String: Float],
                      parallelism: DataParallelism = DataParallelism(), prepare: (Int) throws -> FineTuningStep,
                      evaluate: ((Int) throws -> FineTuningEvaluation)? = nil, keepBest: Bool = true,
                      report: (Int, Int, Float) -> Void = { _, _, _ in }) throws -> FineTuningResult {
        var result = FineTuningResult(losses: [], evaluations: [], best: nil)
        guard items > 0 else { return result }
        let communicator = parallelism.communicator
        let window = try window(parallelism)
        let step = try prepare(window.count)
        let reducer = GradientReducer(communicator: communicator, precision: parallelism.precision)
        let A = settings.accumulation
        let updates = settings.updates(items: items)
        let schedule = settings.learningRates(items: items)
        let optimizer = Optimizer(settings: settings.optimizer, parameters: parameters)
        optimizer.rateScale = rateScales
        let root = RandomGenerator(seed: settings.seed).split(stream)
        var order = EpochOrder(count: items, generator: root.split("order"))
        var bestParameters: [Float]? = nil
        result.losses.reserveCapacity(updates)
        for update in 0..<updates {
            gradients.zero()
            var loss: Float = 0
            for micro in 0..<A {
                let indices = Array(order.next(settings.batchSize)[window.rows])
                let share = Float(indices.count) / Float(settings.sequencesPerUpdate)
                var dropout = root.split("dropout").split(UInt64(update)).split(UInt64(micro)).windowed(window)
                loss += share * (try step(indices, share, &dropout))
            }
            try reducer.sum(gradients)
            if communicator.size > 1 {
                var total = [Double(loss)]
                try communicator.allReduceSum(&total)
                loss = Float(total[0])
            }
            let rate = schedule.rate(update)
            guard loss.isFinite else {
                throw FineTuningError.nonFiniteLoss(update: update + 1, updates: updates, learningRate: rate)
            }
            let norm = GlobalNorm.clip(gradients.tensors, maxNorm: settings.clipNorm)
            guard norm.isFinite else {
                throw FineTuningError.nonFiniteGradient(update: update + 1, updates: updates, learningRate: rate)
            }
            optimizer.update(gradients: gradients, learningRate: rate)
            if update == 0 || (update + 1) % parallelism.checkEvery == 0 || update + 1 == updates {
                try reducer.checkReplicas(parameters, what: "weights", step: update + 1)
            }
            result.losses.append(loss)
            report(update + 1, updates, loss)
            guard let evaluate else { continue }
            let seen = (update + 1) * settings.sequencesPerUpdate, before = update * settings.sequencesPerUpdate
            let epochEnds = seen / items > before / items
            guard epochEnds || update + 1 == updates else { continue }
            let evaluation = try evaluate(result.evaluations.count + 1)
            result.evaluations.append(evaluation)
            if result.best.map({ evaluation.score > result.evaluations[$0].score }) ?? true {
                result.best = result.evaluations.count - 1
                bestParameters = keepBest && update + 1 < updates ? parameters.flat.scalars : nil
            }
        }
        if keepBest, let bestParameters {
            bestParameters.withUnsafeBufferPointer { parameters.flat.pointer.update(from: $0.baseAddress!, count: $0.count) }
        }
        return result
    }
}

/// Item indices, epoch after epoch, each epoch a fresh shuffle drawn from `generator.split(epoch)`.
struct EpochOrder {
    let count: Int
    let generator: RandomGenerator
    private var epoch = 0
    private var order: [Int] = []
    private var position = 0

    init(count: Int, generator: RandomGenerator) {
        precondition(count > 0, "EpochOrder needs at least one item")
        self.count = count
        self.generator = generator
    }

    /// The next `n` indices, continuing into the next epoch's shuffle when this one runs out.
    mutating func next(_ n: Int) -> [Int] {
        var indices: [Int] = []
        indices.reserveCapacity(n)
        while indices.count < n {
            if position == order.count {
                order = Array(0..<count)
                var shuffle = generator.split(UInt64(epoch))
                shuffle.shuffle(&order)
                epoch += 1
                position = 0
            }
            let take = min(n - indices.count, order.count - position)
            indices += order[position..<(position + take)]
            position += take
        }
        return indices
    }
}
