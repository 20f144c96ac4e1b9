// SQuADFineTuner: fine-tuning on SQuAD features and predicting answers, for both heads.

import ElectraData
import ElectraNN
import ElectraOptim
import ElectraTensor
import Foundation

/// Fine-tuning hyper-parameters. Defaults are NVIDIA's for SQuAD (run_squad.sh).
public struct SQuADTrainingSettings: Codable, Sendable {
    public var epochs: Double = 2
    public var batchSize = 16
    public var learningRate: Float = 4e-4
    public var warmupProportion: Float = 0.05
    public var weightDecay: Float = 0.01
    public var layerDecay: Float = 0.8
    public var clipNorm: Float = 1
    public var seed: UInt64 = 1
    public var beamSize = 5

    public init() {}
}

/// Trains a question-answering model and runs it.
public final class SQuADFineTuner {
    public let model: QuestionAnsweringModel
    public let settings: SQuADTrainingSettings

    public init(model: QuestionAnsweringModel, settings: SQuADTrainingSettings) {
        self.model = model
        self.settings = settings
    }

    /// Trains on `features` (made with `training: true`). Calls `report(step, steps, loss)` per update.
    /// Returns the loss of every update.
    @discardableResult
    public func train(_ features: [SQuADFeature], report: (Int, Int, Float) -> Void = { _, _, _ in }) -> [Float] {
        guard !features.isEmpty else { return [] }
        let B = settings.batchSize
        let length = features.map(\.sequenceLength).max()!
        let perEpoch = (features.count + B - 1) / B
        let steps = max(1, Int((Double(perEpoch) * settings.epochs).rounded(.up)))
        let schedule = LearningRateSchedule(peak: settings.learningRate, warmupSteps: Int(Float(steps) * settings.warmupProportion),
                                            totalSteps: steps, power: 1)
        var optimizerSettings = OptimizerSettings.adamW
        optimizerSettings.weightDecay = settings.weightDecay
        let optimizer = Optimizer(settings: optimizerSettings, parameters: model.parameters)
        optimizer.rateScale = model.layerRateScales(decay: settings.layerDecay)
        let gradients = model.makeGradients()
        let root = RandomGenerator(seed: settings.seed).split("squad")
        var losses: [Float] = []
        var order: [Int] = []
        var step = 0
        var workspaces: [Int: (ElectraEncoder.Workspace, JointHead.Workspace?, SpanHead.Workspace?, Tensor)] = [:]
        while step < steps {
            if order.isEmpty {
                order = Array(features.indices)
                var shuffle = root.split("order").split(UInt64(step / perEpoch))
                shuffle.shuffle(&order)
            }
            let indices = Array(order.prefix(B))
            order.removeFirst(min(B, order.count))
            let batch = SQuADBatch(features: features, indices: indices)
            let rows = indices.count
            if workspaces[rows] == nil {
                workspaces[rows] = (ElectraEncoder.Workspace(config: model.config, batch: rows, length: length, training: true),
                                    model.kind == .joint ? JointHead.Workspace(batch: rows, length: length, hidden: model.config.hiddenSize) : nil,
                                    model.kind == .span ? SpanHead.Workspace(batch: rows, length: length) : nil,
                                    Tensor(zeros: [rows * length, model.config.hiddenSize]))
            }
            let (encoderWorkspace, jointWorkspace, spanWorkspace, dHidden) = workspaces[rows]!
            let tokens = TokenBatch(batch: rows, length: length, ids: batch.inputIds, tokenTypes: batch.tokenTypeIds,
                                    attentionMask: batch.attentionMask)
            var dropout = root.split("dropout").split(UInt64(step))
            let hidden = model.encoder.forward(tokens, encoderWorkspace, generator: &dropout)
            gradients.parameters.zero()
            dHidden.fill(0)
            var loss: Float
            if let head = model.joint, let w = jointWorkspace, let g = gradients.joint {
                loss = head.train(hidden, pMask: batch.pMask, starts: batch.startPositions, ends: batch.endPositions,
                                  impossible: model.answerability ? batch.isImpossible : nil, w, dHidden: dHidden, gradients: g).total
            } else {
                let head = model.span!, w = spanWorkspace!
                _ = head.forward(hidden, batch: rows, length: length, w)
                loss = head.loss(hidden: hidden, starts: batch.startPositions, ends: batch.endPositions, batch: rows, length: length,
                                 w, dHidden: dHidden, gradients: gradients.span)
            }
            model.encoder.backward(dHidden, tokens, encoderWorkspace, gradients: gradients.encoder)
            GlobalNorm.clip(gradients.parameters.tensors, maxNorm: settings.clipNorm)
            optimizer.update(gradients: gradients.parameters, learningRate: schedule.rate(step))
            step += 1
            losses.append(loss)
            report(step, steps, loss)
        }
        return losses
    }

    /// Answers for `examples` from their `features` (made with `training: false`).
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
            let tokens = TokenBatch(batch: rows, length: length, ids: batch.inputIds, tokenTypes: batch.tokenTypeIds,
                                    attentionMask: batch.attentionMask)
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
}
