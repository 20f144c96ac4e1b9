// SQuADFineTuner: fine-tuning on SQuAD features (through the shared FineTuner loop) and predicting
// answers, for both heads.

import ElectraData
import ElectraNN
import ElectraOptim
import ElectraTensor
import Foundation

/// SQuAD fine-tuning hyper-parameters: the shared `FineTuningSettings` (read and written through
/// this type's members, `settings.epochs`) and the joint head's beam. `init()` gives NVIDIA's for
/// SQuAD v1.1 (`SQuADRecipe.nvidia`), whose sources `SQuADRecipe` cites.
@dynamicMemberLookup
public struct SQuADTrainingSettings: Codable, Equatable, Sendable {
    /// Batching, update rule, schedule, layer decay, clipping, seed.
    public var training: FineTuningSettings
    /// Beam size of the joint head at prediction.
    public var beamSize: Int

    public init(epochs: Double, batchSize: Int, accumulation: Int, learningRate: Float, warmupProportion: Float,
                optimizer: OptimizerSettings, schedule: LearningRateSchedule.Kind, weightDecay: Float, layerDecay: Float,
                clipNorm: Float = 1, seed: UInt64 = 1, beamSize: Int) {
        training = FineTuningSettings(epochs: epochs, batchSize: batchSize, accumulation: accumulation, learningRate: learningRate,
                                      warmupProportion: warmupProportion, optimizer: optimizer, schedule: schedule,
                                      weightDecay: weightDecay, layerDecay: layerDecay, clipNorm: clipNorm, seed: seed)
        self.beamSize = beamSize
    }

    /// NVIDIA's recipe for SQuAD v1.1.
    public init() { self = SQuADRecipe.nvidia.settings(version: .v1_1) }

    /// The shared settings' members (`epochs`, `batchSize`, `learningRate`, `weightDecay`, …).
    public subscript<T>(dynamicMember path: WritableKeyPath<FineTuningSettings, T>) -> T {
        get { training[keyPath: path] }
        set { training[keyPath: path] = newValue }
    }

    /// The shared settings' read-only members (`sequencesPerUpdate`).
    public subscript<T>(dynamicMember path: KeyPath<FineTuningSettings, T>) -> T { training[keyPath: path] }

    /// Updates for `features` windows (`FineTuningSettings.updates(items:)`).
    public func updates(features: Int) -> Int { training.updates(items: features) }

    /// The learning-rate schedule over `updates(features:)` (`FineTuningSettings.learningRates(items:)`).
    public func learningRates(features: Int) -> LearningRateSchedule { training.learningRates(items: features) }

    /// One line for the user: the update rule, the effective batch and rate, the update count and the beam.
    public func summary(features: Int) -> String {
        training.summary(items: features, unit: "windows") + ", beam \(beamSize)"
    }
}

/// Why SQuAD fine-tuning stopped: the shared loop's error.
public typealias SQuADTrainingError = FineTuningError

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
            try model.config.check(Self.tokenBatch(batch), source: source)
            start += batch.batchSize
        }
    }

    /// Trains on `features` (made with `training: true`), after `check(features, source:)`.
    ///
    /// The loop is `FineTuner.train` (accumulated micro-batches, epochs as consecutive shuffles that
    /// micro-batches run across, data parallelism), streams `squad`. (NVIDIA instead drops each
    /// epoch's last partial batch on every GPU, run_tf_squad.py:223, and schedules over
    /// `int(features × epochs / 128) + 1` updates, :446; the difference is below one update per epoch.)
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
        let model = self.model, H = model.config.hiddenSize
        let length = features.map(\.sequenceLength).max()!
        let gradients = model.makeGradients()
        let loop = FineTuner(settings: settings.training, stream: "squad")
        return try loop.train(items: features.count, parameters: model.parameters, gradients: gradients.parameters,
                              rateScales: model.layerRateScales(decay: settings.layerDecay), parallelism: parallelism,
                              prepare: { B in
            let encoderWorkspace = ElectraEncoder.Workspace(config: model.config, batch: B, length: length, training: true)
            let jointWorkspace = model.kind == .joint ? JointHead.Workspace(batch: B, length: length, hidden: H) : nil
            let spanWorkspace = model.kind == .span ? SpanHead.Workspace(batch: B, length: length) : nil
            let dHidden = Tensor(zeros: [B * length, H])
            return { indices, share, dropout in
                let batch = SQuADBatch(features: features, indices: indices)
                let tokens = Self.tokenBatch(batch)
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
                return microLoss
            }
        }, report: report).losses
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
            let tokens = Self.tokenBatch(batch)
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

    private static func tokenBatch(_ batch: SQuADBatch) -> TokenBatch {
        TokenBatch(batch: batch.batchSize, length: batch.sequenceLength, ids: batch.inputIds, tokenTypes: batch.tokenTypeIds,
                   attentionMask: batch.attentionMask)
    }
}
