// FineTuningSettings: the hyper-parameters every fine-tuning task shares (SQuAD, GLUE, classification,
// NER), the update count and learning-rate schedule they imply, and why a run stopped.

import ElectraOptim
import Foundation

/// What `FineTuner` needs to know to train any task: batching, the update rule, the schedule,
/// layer-wise decay, clipping and the seed.
public struct FineTuningSettings: Codable, Equatable, Sendable {
    /// Passes over the training items (fractions allowed).
    public var epochs: Double
    /// Sequences per forward and backward pass, all data-parallel ranks together.
    public var batchSize: Int
    /// Micro-batches of `batchSize` whose gradients are averaged into one update.
    public var accumulation: Int
    /// Peak learning rate.
    public var learningRate: Float
    /// Share of the updates spent warming up: `Int(updates × warmupProportion)` warmup updates.
    public var warmupProportion: Float
    /// The update rule (AdamW with or without bias correction) and its weight decay.
    public var optimizer: OptimizerSettings
    /// How warmup and the linear decay combine (NVIDIA: warmup then decay; Google: decay × warmup).
    public var schedule: LearningRateSchedule.Kind
    /// Layer-wise learning-rate decay (`LayerDecay.rateScales`).
    public var layerDecay: Float
    /// Global-norm gradient clipping.
    public var clipNorm: Float
    /// Seed of the item order and dropout.
    public var seed: UInt64

    public init(epochs: Double, batchSize: Int, accumulation: Int, learningRate: Float, warmupProportion: Float,
                optimizer: OptimizerSettings, schedule: LearningRateSchedule.Kind, weightDecay: Float, layerDecay: Float,
                clipNorm: Float = 1, seed: UInt64 = 1) {
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
    }

    /// Decoupled weight decay (not on LayerNorm parameters or biases).
    public var weightDecay: Float {
        get { optimizer.weightDecay }
        set { optimizer.weightDecay = newValue }
    }

    /// Sequences whose mean loss one update follows: `batchSize × accumulation`.
    public var sequencesPerUpdate: Int { batchSize * accumulation }

    /// Updates for `items` training sequences: `⌈items × epochs / (batchSize × accumulation)⌉`; 0 without items.
    public func updates(items: Int) -> Int {
        guard items > 0 else { return 0 }
        return max(1, Int((Double(items) * epochs / Double(sequencesPerUpdate)).rounded(.up)))
    }

    /// The learning-rate schedule over `updates(items:)`: `Int(updates × warmupProportion)` warmup
    /// updates (NVIDIA run_tf_squad.py:457), then linear decay to 0 in `schedule`'s arrangement.
    public func learningRates(items: Int) -> LearningRateSchedule {
        let total = updates(items: items)
        return LearningRateSchedule(peak: learningRate, warmupSteps: Int(Float(total) * warmupProportion), totalSteps: total,
                                    power: 1, kind: schedule)
    }

    /// One line for the user: the update rule, the effective batch and rate, and the update count
    /// for `items` sequences (`unit` names them: "windows", "sentences").
    public func summary(items: Int, unit: String) -> String {
        let rule = optimizer.biasCorrection ? "AdamW with bias correction" : "AdamW without bias correction"
        let arrangement = schedule == .warmupThenDecay ? "warmup then linear decay" : "linear decay times warmup"
        let count = updates(items: items)
        return "\(rule), learning rate \(String(format: "%g", learningRate)) (\(arrangement), "
            + "\(String(format: "%g", warmupProportion * 100))% warmup), "
            + "\(batchSize) × \(accumulation) = \(sequencesPerUpdate) sequences per update, "
            + "\(String(format: "%g", epochs)) epochs of \(items) \(unit) = \(count) update\(count == 1 ? "" : "s"), "
            + "layer decay \(String(format: "%g", layerDecay)), weight decay \(String(format: "%g", weightDecay)), "
            + "clip \(String(format: "%g", clipNorm))"
    }
}

/// Why fine-tuning stopped.
public enum FineTuningError: Error, CustomStringConvertible, Equatable {
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

/// Layer-wise learning-rate decay over an encoder named `electra.*` with a task head.
public enum LayerDecay {
    /// Multipliers by parameter name (NVIDIA's `_get_layer_decay`, Google's `_get_layer_lrs`): the
    /// head 1, encoder layer i `decay^(L + 1 − i)`, the embeddings and their projection `decay^(L + 2)`.
    public static func rateScales(_ names: [String], layers L: Int, decay: Float) -> [String: Float] {
        var scales: [String: Float] = [:]
        for name in names {
            var depth = L + 2
            if name.hasPrefix("electra.embeddings") { depth = 0 }
            else if name.hasPrefix("electra.encoder.layer."),
                    let index = Int(name.dropFirst("electra.encoder.layer.".count).prefix { $0.isNumber }) { depth = index + 1 }
            scales[name] = Float(pow(Double(decay), Double(L + 2 - depth)))
        }
        return scales
    }
}
