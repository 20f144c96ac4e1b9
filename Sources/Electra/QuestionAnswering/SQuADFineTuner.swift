// SQuADFineTuner: fine-tuning on SQuAD features (micro-batches accumulated into updates) and
// predicting answers, for both heads.

import ElectraData
import ElectraNN
import ElectraOptim
import ElectraTensor
import Foundation

/// Fine-tuning hyper-parameters. `init()` gives NVIDIA's for SQuAD v1.1 (`SQuADRecipe.nvidia`), whose
/// sources `SQuADRecipe` cites.
public struct SQuADTrainingSettings: Codable, Equatable, Sendable {
    /// Passes over the features (fractions allowed).
    public var epochs: Double
    /// Sequences per forward and backward pass, all data-parallel ranks together (NVIDIA: per GPU).
    public var batchSize: Int
    /// Micro-batches of `batchSize` whose gradients are averaged into one update (NVIDIA: its GPUs).
    public var accumulation: Int
    /// Peak learning rate.
    public var learningRate: Float
    /// Share of the updates spent warming up: `Int(updates × warmupProportion)` warmup updates.
    public var warmupProportion: Float
    /// The update rule (AdamW with or without bias correction) and its weight decay.
    public var optimizer: OptimizerSettings
    /// How warmup and the linear decay combine (NVIDIA: warmup then decay; Google: decay × warmup).
    public var schedule: LearningRateSchedule.Kind
    /// Layer-wise learning-rate decay (`QuestionAnsweringModel.layerRateScales`).
    public var layerDecay: Float
    /// Global-norm gradient clipping.
    public var clipNorm: Float
    /// Seed of the feature order and dropout.
    public var seed: UInt64
    /// Beam size of the joint head at prediction.
    public var beamSize: Int

    public init(epochs: Double, batchSize: Int, accumulation: Int, learningRate: Float, warmupProportion: Float,
                optimizer: OptimizerSettings, schedule: LearningRateSchedule.Kind, weightDecay: Float, layerDecay: Float,
                clipNorm: Float = 1, seed: UInt64 = 1, beamSize: Int) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.accumulation = accumulation
        self.learningRate = learningRate
        self.warmupProportion = warmupProportion
        self.optimizer = optimizer
        self.optimizer.weightDecay = weightDecay
        self.schedule = schedule
        self.layerDecay = layerDecay
        self.clipNorm = clipNorm
        self.seed = seed
        self.beamSize = beamSize
    }

    /// NVIDIA's recipe for SQuAD v1.1.
    public init() { self = SQuADRecipe.nvidia.settings(version: .v1_1) }

    /// Decoupled weight decay (not on LayerNorm parameters or biases).
    public var weightDecay: Float {
        get { optimizer.weightDecay }
        set { optimizer.weightDecay = newValue }
    }

    /// Sequences whose mean loss one update follows: `batchSize × accumulation`.
    public var sequencesPerUpdate: Int { batchSize * accumulation }

    /// Updates for `features` windows: `⌈features × epochs / (batchSize × accumulation)⌉`; 0 without features.
    public func updates(features: Int) -> Int {
        guard features > 0 else { return 0 }
        return max(1, Int((Double(features) * epochs / Double(sequencesPerUpdate)).rounded(.up)))
    }

    /// The learning-rate schedule over `updates(features:)`: `Int(updates × warmupProportion)` warmup
    /// updates (NVIDIA run_tf_squad.py:457), then linear decay to 0 in `schedule`'s arrangement.
    public func learningRates(features: Int) -> LearningRateSchedule {
        let total = updates(features: features)
        return LearningRateSchedule(peak: learningRate, warmupSteps: Int(Float(total) * warmupProportion), totalSteps: total,
                                    power: 1, kind: schedule)
    }

    /// One line for the user: the update rule, the effective batch and rate, and the update count.
    public func summary(features: Int) -> String {
        let rule = optimizer.biasCorrection ? "AdamW with bias correction" : "AdamW without bias correction"
        let arrangement = schedule == .warmupThenDecay ? "warmup then linear decay" : "linear decay times warmup"
        let count = updates(features: features)
        return "\(rule), learning rate \(String(format: "%g", learningRate)) (\(arrangement), "
            + "\(String(format: "%g", warmupProportion * 100))% warmup), "
            + "\(batchSize) × \(accumulation) = \(sequencesPerUpdate) sequences per update, "
            + "\(String(format: "%g", epochs)) epochs of \(features) windows = \(count) update\(count == 1 ? "" : "s"), "
            + "layer decay \(String(format: "%g", layerDecay)), weight decay \(String(format: "%g", weightDecay)), "
            + "clip \(String(format: "%g", clipNorm)), beam \(beamSize)"
    }
}

/// Why fine-tuning stopped.
public enum SQuADTrainingError: Error, CustomStringConvertible, Equatable {
    /// The loss was NaN or infinite at `update` (1-based) of `updates`, with `learningRate` that update's rate.
    case nonFiniteLoss(update: Int, updates: Int, learningRate: Float)
    /// The gradients' global norm was NaN or infinite (the loss was finite).
    case nonFiniteGradient(update: Int, updates: Int, learningRate: Float)

    public var description: String {
        switch self {
        case .nonFiniteLoss(let update, let updates, let rate):
            return Self.message("the loss became NaN or infinite", update, updates, rate)
        case .nonFiniteGradient(let update, let updates, let rate):
            return Self.message("the gradients' norm became NaN or infinite", update, updates, rate)
        }
    }

    private static func message(_ what: String, _ update: Int, _ updates: Int, _ rate: Float) -> String {
        "fine-tuning stopped at update \(update) of \(updates): \(what) (learning rate \(rate) at that update); "
            + "nothing was saved: restart with a lower --learning-rate (or a larger --warmup-proportion)"
    }
}

/// Trains a question-answering model and runs it.
public final class SQuADFineTuner {
    public let model: QuestionAnsweringModel
    public let settings: SQuADTrainingSettings

    public init(model: QuestionAnsweringModel, settings: SQuADTrainingSettings) {
        precondition(settings.batchSize >= 1 && settings.accumulation >= 1 && settings.beamSize >= 1,
                     "SQuADTrainingSettings: batchSize, accumulation and beamSize must be at least 1")
        self.model = model
        self.settings = settings
    }

    /// Throws `InputError` unless every feature's token ids, token types and length fit the model
    /// (e.g. a model with `type_vocab_size` 1 cannot take question/context pairs). `source` names the
    /// data in the message: the SQuAD file's path, say.
    public func check(_ features: [SQuADFeature], source: String) throws {
        var start = 0
        while start < features.count {
            let batch = SQuADBatch(features: features, indices: start..<min(features.count, start + 256))
            try model.config.check(tokenBatch(batch), source: source)
            start += batch.batchSize
        }
    }

    /// Trains on `features` (made with `training: true`), after `check(features, source:)`.
    ///
    /// Each update averages the gradients of `accumulation` micro-batches of `batchSize` sequences:
    /// micro-batch `k`'s loss is scaled by its share of the update's sequences, so the update follows the
    /// gradient of the mean loss over all `batchSize × accumulation` of them, as NVIDIA's 8 GPUs (each
    /// a mean over its 16, averaged by Horovod) and Google's single batch of 32 do. Epochs are
    /// consecutive shuffles of the features and micro-batches run across their boundaries (as Google's
    /// `repeat()`ed input does), so no micro-batch is ever short: there are
    /// `⌈features × epochs / (batchSize × accumulation)⌉` updates, and the last may reach up to
    /// `batchSize × accumulation − 1` sequences into one more shuffle. (NVIDIA instead drops each
    /// epoch's last partial batch on every GPU, run_tf_squad.py:223, and schedules over
    /// `int(features × epochs / 128) + 1` updates, :446; the difference is below one update per epoch.)
    ///
    /// With several ranks in `parallelism`, each micro-batch is the whole group's: every rank draws
    /// the same indices and trains on its equal share of them, with its share of the whole
    /// micro-batch's dropout numbers (`BatchWindow`); gradients and losses are summed over the ranks
    /// before the same update on each, so N ranks compute what one process computes.
    ///
    /// Calls `report(update, updates, loss)` after each update, `loss` being the update's mean.
    /// - Returns: the loss of every update.
    /// - Throws: `InputError` for features the model cannot take; `SQuADTrainingError` when the loss
    ///   or the gradients' norm becomes NaN or infinite (nothing is updated with them).
    @discardableResult
    public func train(_ features: [SQuADFeature], source: String = "the SQuAD training features",
                      parallelism: DataParallelism = DataParallelism(),
                      report: (Int, Int, Float) -> Void = { _, _, _ in }) throws -> [Float] {
        guard !features.isEmpty else { return [] }
        try check(features, source: source)
        let communicator = parallelism.communicator
        guard settings.batchSize % communicator.size == 0 else {
            throw TrainingError.invalid("a micro-batch of \(settings.batchSize) sequences does not split evenly over \(communicator.size) ranks")
        }
        let window = BatchWindow.share(communicator.rank, of: communicator.size, total: settings.batchSize)
        let reducer = GradientReducer(communicator: communicator, precision: parallelism.precision)
        let B = window.count, A = settings.accumulation, H = model.config.hiddenSize
        let length = features.map(\.sequenceLength).max()!
        let updates = settings.updates(features: features.count)
        let schedule = settings.learningRates(features: features.count)
        let optimizer = Optimizer(settings: settings.optimizer, parameters: model.parameters)
        optimizer.rateScale = model.layerRateScales(decay: settings.layerDecay)
        let gradients = model.makeGradients()
        let root = RandomGenerator(seed: settings.seed).split("squad")
        var order = EpochOrder(count: features.count, generator: root.split("order"))
        let encoderWorkspace = ElectraEncoder.Workspace(config: model.config, batch: B, length: length, training: true)
        let jointWorkspace = model.kind == .joint ? JointHead.Workspace(batch: B, length: length, hidden: H) : nil
        let spanWorkspace = model.kind == .span ? SpanHead.Workspace(batch: B, length: length) : nil
        let dHidden = Tensor(zeros: [B * length, H])
        var losses: [Float] = []
        losses.reserveCapacity(updates)
        for update in 0..<updates {
            gradients.parameters.zero()
            var loss: Float = 0
            for micro in 0..<A {
                let batch = SQuADBatch(features: features, indices: Array(order.next(settings.batchSize)[window.rows]))
                let tokens = tokenBatch(batch)
                let share = Float(batch.batchSize) / Float(settings.sequencesPerUpdate)
                var dropout = root.split("dropout").split(UInt64(update)).split(UInt64(micro)).windowed(window)
                let hidden = model.encoder.forward(tokens, encoderWorkspace, generator: &dropout)
                dHidden.fill(0)
                let microLoss: Float
                if let head = model.joint, let w = jointWorkspace, let g = gradients.joint {
                    microLoss = head.train(hidden, pMask: batch.pMask, starts: batch.startPositions, ends: batch.endPositions,
                                           impossible: model.answerability ? batch.isImpossible : nil, w, dHidden: dHidden,
                                           gradients: g, scale: share).total
                } else {
                    let head = model.span!, w = spanWorkspace!
                    _ = head.forward(hidden, batch: B, length: length, w)
                    microLoss = head.loss(hidden: hidden, starts: batch.startPositions, ends: batch.endPositions, batch: B,
                                          length: length, w, dHidden: dHidden, gradients: gradients.span, scale: share)
                }
                model.encoder.backward(dHidden, tokens, encoderWorkspace, gradients: gradients.encoder)
                loss += share * microLoss
            }
            try reducer.sum(gradients.parameters)
            if communicator.size > 1 {
                var total = [Double(loss)]
                try communicator.allReduceSum(&total)
                loss = Float(total[0])
            }
            let rate = schedule.rate(update)
            guard loss.isFinite else {
                throw SQuADTrainingError.nonFiniteLoss(update: update + 1, updates: updates, learningRate: rate)
            }
            let norm = GlobalNorm.clip(gradients.parameters.tensors, maxNorm: settings.clipNorm)
            guard norm.isFinite else {
                throw SQuADTrainingError.nonFiniteGradient(update: update + 1, updates: updates, learningRate: rate)
            }
            optimizer.update(gradients: gradients.parameters, learningRate: rate)
            if update == 0 || (update + 1) % parallelism.checkEvery == 0 || update + 1 == updates {
                try reducer.checkReplicas(model.parameters, what: "weights", step: update + 1)
            }
            losses.append(loss)
            report(update + 1, updates, loss)
        }
        return losses
    }

    /// Answers for `examples` from their `features` (made with `training: false`). Features from a user
    /// must pass `check(_:source:)` first: ones the model cannot take stop here (a programmer's mistake).
    public func predict(examples: [SQuADExample], features: [SQuADFeature], postProcessor: SQuADPostProcessor,
                        batchSize: Int = 32) -> SQuADPredictions {
        guard !features.isEmpty else {
            return postProcessor.predictions(examples: examples, features: features, outputs: [SQuADSpanLogits]())
        }
        let length = features.map(\.sequenceLength).max()!
        var beams: [SQuADBeamOutput] = []
        var spans: [SQuADSpanLogits] = []
        var start = 0
        while start < features.count {
            let indices = Array(start..<min(features.count, start + batchSize))
            start += indices.count
            let batch = SQuADBatch(features: features, indices: indices)
            let rows = indices.count
            let tokens = tokenBatch(batch)
            do { try model.config.check(tokens, source: "the SQuAD features") } catch {
                preconditionFailure("SQuADFineTuner.predict: \(error) (check features from a user with check(_:source:) first)")
            }
            let workspace = ElectraEncoder.Workspace(config: model.config, batch: rows, length: length, training: false)
            var unused = RandomGenerator(seed: 0)
            let hidden = model.encoder.forward(tokens, workspace, generator: &unused)
            if let head = model.joint {
                let output = head.beamSearch(hidden, pMask: batch.pMask, beamSize: settings.beamSize,
                                             JointHead.Workspace(batch: rows, length: length, hidden: model.config.hiddenSize))
                beams += output.map {
                    SQuADBeamOutput(startTopLogProbs: $0.startLogProbabilities, startTopIndex: $0.startIndices.map(Int32.init),
                                    endTopLogProbs: $0.endLogProbabilities, endTopIndex: $0.endIndices.map(Int32.init),
                                    clsLogit: model.answerability ? $0.classLogit : 0)
                }
            } else {
                let (s, e) = model.span!.forward(hidden, batch: rows, length: length, SpanHead.Workspace(batch: rows, length: length))
                spans += SQuADSpanLogits.rows(startLogits: s.scalars, endLogits: e.scalars, batch: batch)
            }
        }
        return model.kind == .joint ? postProcessor.predictions(examples: examples, features: features, outputs: beams)
                                    : postProcessor.predictions(examples: examples, features: features, outputs: spans)
    }

    private func tokenBatch(_ batch: SQuADBatch) -> TokenBatch {
        TokenBatch(batch: batch.batchSize, length: batch.sequenceLength, ids: batch.inputIds, tokenTypes: batch.tokenTypeIds,
                   attentionMask: batch.attentionMask)
    }
}

/// Feature indices, epoch after epoch, each epoch a fresh shuffle drawn from `generator.split(epoch)`.
struct EpochOrder {
    let count: Int
    let generator: RandomGenerator
    private var epoch = 0
    private var order: [Int] = []
    private var position = 0

    init(count: Int, generator: RandomGenerator) {
        precondition(count > 0, "EpochOrder needs at least one feature")
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
