// ClassificationOptions: the model, output and hyper-parameter options shared by `finetune glue`,
// `finetune classify` and `finetune ner`, and the training run they share (print, train with a dev
// score every epoch, keep the best epoch, save).

import ArgumentParser
import Electra
import ElectraData
import Foundation

struct ClassificationOptions: ParsableArguments {
    @Option(help: "A pretrained discriminator (or ElectraModel, or classifier) directory in Hugging Face layout.")
    var model: String
    @Option(help: "Where to write the fine-tuned model (a Hugging Face directory) and the dev results.")
    var output: String
    @Option(help: "small, base or large: picks Google's learning rate and layer decay (default: from the model's hidden_size; else base).")
    var modelSize: SQuADRecipe.ModelSize?
    @Option(help: "Training epochs (default: the preset's).")
    var epochs: Double?
    @Option(help: "Sequences per update (default 32; under mpirun: on each rank).")
    var batchSize: Int?
    @Option(help: "Micro-batches averaged into each update (default 1).")
    var accumulation: Int?
    @Option(help: "Peak learning rate (default: Google's for the model size: 3e-4 small, 1e-4 base, 5e-5 large).")
    var learningRate: Float?
    @Option(help: "Share of the updates spent warming up (default 0.1).")
    var warmupProportion: Float?
    @Option(help: "Decoupled weight decay (default 0.01).")
    var weightDecay: Float?
    @Option(help: "Layer-wise learning-rate decay (default 0.8; 0.9 for large).")
    var layerDecay: Float?
    @Option(help: "Longest input in tokens (default 128).")
    var maxSeqLength: Int?
    @Option(help: "Seed for head initialisation, order and dropout.")
    var seed: UInt64 = 1
    @Flag(help: "Keep the last epoch's weights instead of the best dev epoch's.")
    var keepLast = false

    func validate() throws {
        for (flag, path) in [("--model", model)] where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(flag) \(path) does not exist")
        }
        for (flag, value) in [("--batch-size", batchSize), ("--accumulation", accumulation)] {
            if let value, value < 1 { throw ValidationError("\(flag) must be at least 1") }
        }
        if let maxSeqLength, maxSeqLength < 3 { throw ValidationError("--max-seq-length must be at least 3 ([CLS] x [SEP])") }
        if let epochs, !(epochs > 0 && epochs.isFinite) { throw ValidationError("--epochs must be positive") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) { throw ValidationError("--learning-rate must be positive") }
        if let warmupProportion, !(0...1).contains(warmupProportion) { throw ValidationError("--warmup-proportion must be in 0...1") }
        if let weightDecay, !(weightDecay >= 0 && weightDecay.isFinite) { throw ValidationError("--weight-decay must be 0 or more") }
        if let layerDecay, !(layerDecay > 0 && layerDecay <= 1) { throw ValidationError("--layer-decay must be in (0, 1]") }
    }

    /// Google's settings for `preset` and the model's size, with the options given on top.
    func settings(_ preset: GLUEPreset, config: ElectraConfig) -> (FineTuningSettings, SQuADRecipe.ModelSize) {
        let size = modelSize ?? SQuADRecipe.ModelSize(hiddenSize: config.hiddenSize) ?? .base
        var settings = FineTuningSettings(google: preset, size: size, seed: seed)
        if let epochs { settings.epochs = epochs }
        if let batchSize { settings.batchSize = batchSize }
        if let accumulation { settings.accumulation = accumulation }
        if let learningRate { settings.learningRate = learningRate }
        if let warmupProportion { settings.warmupProportion = warmupProportion }
        if let weightDecay { settings.weightDecay = weightDecay }
        if let layerDecay { settings.layerDecay = layerDecay }
        return (settings, size)
    }

    /// What every classification command resolves before training `model` under `preset`: the tuner
    /// (its batch spans all `ranks`: `--batch-size` is each rank's share), the model size, the sequence
    /// length and the featurizer for that length.
    func setUp(_ preset: GLUEPreset, model: ClassificationModel, ranks: Int) throws
        -> (tuner: ClassificationFineTuner, size: SQuADRecipe.ModelSize, length: Int, featurizer: ClassificationFeaturizer) {
        var (settings, size) = settings(preset, config: model.config)
        settings.batchSize *= ranks
        let length = try sequenceLength(preset, config: model.config)
        let featurizer = ClassificationFeaturizer(tokenizer: try ModelDirectory.tokenizer(for: self.model, config: model.config),
                                                  maxSequenceLength: length)
        return (ClassificationFineTuner(model: model, settings: settings), size, length, featurizer)
    }

    /// The sequence length: `--max-seq-length` or the preset's, refused past the model's positions.
    func sequenceLength(_ preset: GLUEPreset, config: ElectraConfig) throws -> Int {
        let length = maxSeqLength ?? preset.maxSequenceLength
        guard length <= config.maxPositionEmbeddings else {
            throw CommandError("--max-seq-length \(length) exceeds the \(config.maxPositionEmbeddings) positions of \(model); "
                + "pass --max-seq-length \(config.maxPositionEmbeddings) or less")
        }
        return length
    }

    /// Trains `tuner` on `features` with `score` run after every epoch, prints each epoch's dev line,
    /// keeps the best epoch (unless `--keep-last`) and saves the model to `--output` (rank 0).
    /// Returns the index of the epoch whose weights were kept (`nil` without training data).
    @discardableResult
    func train(_ tuner: ClassificationFineTuner, features: [ClassificationFeature], source: String, what: String,
               parallelism: DataParallelism, precision: PrecisionOption,
               score: @escaping () throws -> FineTuningEvaluation) throws -> Int? {
        let ranks = parallelism.communicator.size, leader = parallelism.communicator.isLeader
        let console = leader ? Console.line : { (_: String) in }
        if ranks > 1 {
            console("data parallel over \(ranks) ranks (\(parallelism.communicator.name)): \(tuner.settings.batchSize / ranks) sequences "
                    + "of each micro-batch per rank")
        }
        console("fine-tuning \(what): " + tuner.settings.summary(items: features.count, unit: "sequences")
                + "; matrix products in \(precision.description)")
        let result = try tuner.train(features, source: source, parallelism: parallelism, evaluate: { epoch in
            let evaluation = try score()
            console("epoch \(epoch): \(evaluation.summary)")
            return evaluation
        }, keepBest: !keepLast, report: { step, steps, loss in
            if step % 50 == 0 || step == steps || step == 1 { console(String(format: "step %d/%d  loss %.4f", step, steps, loss)) }
        })
        guard let best = result.best else { return nil }
        if !keepLast && best + 1 < result.evaluations.count {
            console("kept epoch \(best + 1), the best on the dev set: \(result.evaluations[best].summary)")
        }
        let kept = keepLast ? result.evaluations.count - 1 : best
        guard leader else { return kept }
        try tuner.model.save(to: output, tokenizerFrom: model)
        Console.line("saved the fine-tuned model to \(output)")
        return kept
    }
}

/// `--train` and `--dev` of `finetune classify` and `finetune ner`.
struct TrainingFiles: ParsableArguments {
    @Option(help: "Training file.")
    var train: String
    @Option(help: "Dev file, scored every epoch.")
    var dev: String

    func validate() throws {
        for (flag, path) in [("--train", train), ("--dev", dev)] where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(flag) \(path) does not exist")
        }
    }
}
