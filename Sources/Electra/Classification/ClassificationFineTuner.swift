// ClassificationFineTuner: trains a sequence or token classifier with the shared FineTuner loop and
// computes its logits.

import ElectraNN
import ElectraTensor
import Foundation

/// Trains a `ClassificationModel` on features and runs it.
public final class ClassificationFineTuner {
    public let model: ClassificationModel
    public let settings: FineTuningSettings

    public init(model: ClassificationModel, settings: FineTuningSettings) {
        self.model = model
        self.settings = settings
    }

    /// Throws `InputError` unless every feature fits the model (ids, token types, length) and, for
    /// training, carries a target of the model's problem with labels in range. `source` names the data.
    public func check(_ features: [ClassificationFeature], source: String, training: Bool) throws {
        var start = 0
        while start < features.count {
            let indices = Array(start..<min(features.count, start + 256))
            let length = indices.map { features[$0].sequenceLength }.max()!
            let batch = ClassificationBatch(features: features, indices: indices, length: length, padId: padId)
            try model.config.check(batch.tokens, source: source)
            start += indices.count
        }
        guard training else { return }
        let L = model.outputs
        for feature in features {
            let fail = { (reason: String) in InputError.outOfRange(source: source, reason: reason) }
            switch (model.kind, model.problem, feature.target) {
            case (.token, _, _):
                if let label = feature.tokenLabels.first(where: { $0 != CrossEntropy.ignoreIndex && !(0..<Int32(L)).contains($0) }) {
                    throw fail("tag \(label) is not one of the model's \(L) labels")
                }
            case (.sequence, .singleLabel, .category(let c)?) where (0..<L).contains(c): continue
            case (.sequence, .multiLabel, .labels(let l)?) where l.count == L: continue
            case (.sequence, .regression, .value(let v)?) where v.isFinite: continue
            case (.sequence, let problem, let target):
                throw fail("example \(feature.example + 1) has target \(target.map { "\($0)" } ?? "none"), "
                           + "which a \(problem.rawValue) model with \(L) outputs cannot learn")
            }
        }
    }

    /// Trains on `features` (after `check(_:source:training: true)`), evaluating with `evaluate`
    /// after each epoch and (with `keepBest`) keeping the best epoch's parameters (`FineTuner.train`).
    public func train(_ features: [ClassificationFeature], source: String = "the training data",
                      parallelism: DataParallelism = DataParallelism(),
                      evaluate: ((Int) throws -> FineTuningEvaluation)? = nil, keepBest: Bool = true,
                      report: (Int, Int, Float) -> Void = { _, _, _ in }) throws -> FineTuningResult {
        guard !features.isEmpty else { return FineTuningResult(losses: [], evaluations: [], best: nil) }
        try check(features, source: source, training: true)
        let length = features.map(\.sequenceLength).max()!
        let gradients = model.makeGradients()
        let (model, H, L, padId) = (self.model, model.config.hiddenSize, model.outputs, self.padId)
        let dropout = model.config.classifierDropoutProb
        let loop = FineTuner(settings: settings, stream: "classification")
        return try loop.train(items: features.count, parameters: model.parameters, gradients: gradients.parameters,
                              rateScales: model.layerRateScales(decay: settings.layerDecay), parallelism: parallelism,
                              prepare: { B in
            let encoderWorkspace = ElectraEncoder.Workspace(config: model.config, batch: B, length: length, training: true)
            let sequenceWorkspace = model.kind == .sequence
                ? SequenceClassificationHead.Workspace(batch: B, length: length, hidden: H, labels: L, dropout: dropout) : nil
            let tokenWorkspace = model.kind == .token
                ? TokenClassificationHead.Workspace(positions: B * length, hidden: H, labels: L, dropout: dropout) : nil
            let dHidden = Tensor(zeros: [B * length, H])
            return { indices, share, generator in
                let batch = ClassificationBatch(features: features, indices: indices, length: length, padId: padId)
                let hidden = model.encoder.forward(batch.tokens, encoderWorkspace, generator: &generator)
                dHidden.fill(0)
                let loss: Float
                if let head = model.sequenceHead, let w = sequenceWorkspace {
                    head.forward(hidden, w, generator: &generator)
                    let targets = batch.sequenceTargets(model.problem, outputs: L)!
                    loss = head.loss(targets, hidden: hidden, w, dHidden: dHidden, gradients: gradients.sequenceHead, scale: share)
                } else {
                    let head = model.tokenHead!, w = tokenWorkspace!
                    head.forward(hidden, w, generator: &generator)
                    loss = head.loss(batch.tokenLabels, w, dHidden: dHidden, gradients: gradients.tokenHead, scale: share)
                }
                model.encoder.backward(dHidden, batch.tokens, encoderWorkspace, gradients: gradients.encoder)
                return loss
            }
        }, evaluate: evaluate, keepBest: keepBest, report: report)
    }

    /// The logits of every feature, without dropout: `[outputs]` per feature for a sequence head,
    /// `[tokens × outputs]` (row-major, the feature's own tokens) for a token head. Features from a
    /// user must pass `check` first.
    public func logits(_ features: [ClassificationFeature], batchSize: Int = 32) -> [[Float]] {
        guard !features.isEmpty else { return [] }
        let length = features.map(\.sequenceLength).max()!
        let H = model.config.hiddenSize, L = model.outputs
        var result: [[Float]] = []
        result.reserveCapacity(features.count)
        var start = 0
        while start < features.count {
            let indices = Array(start..<min(features.count, start + batchSize))
            start += indices.count
            let B = indices.count
            let batch = ClassificationBatch(features: features, indices: indices, length: length, padId: padId)
            do { try model.config.check(batch.tokens, source: "the classification features") } catch {
                preconditionFailure("ClassificationFineTuner.logits: \(error) (check features from a user with check first)")
            }
            let workspace = ElectraEncoder.Workspace(config: model.config, batch: B, length: length, training: false)
            var unused = RandomGenerator(seed: 0)
            let hidden = model.encoder.forward(batch.tokens, workspace, generator: &unused)
            if let head = model.sequenceHead {
                let logits = head.forward(hidden, .init(batch: B, length: length, hidden: H, labels: L, dropout: 0), generator: &unused).scalars
                for row in 0..<B { result.append(Array(logits[(row * L)..<((row + 1) * L)])) }
            } else {
                let logits = model.tokenHead!.forward(hidden, .init(positions: B * length, hidden: H, labels: L, dropout: 0),
                                                      generator: &unused).scalars
                for (row, index) in indices.enumerated() {
                    let base = row * length * L
                    result.append(Array(logits[base..<(base + features[index].sequenceLength * L)]))
                }
            }
        }
        return result
    }

    private var padId: Int32 { Int32(model.config.padTokenId ?? 0) }
}
