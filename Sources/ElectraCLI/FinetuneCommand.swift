// `electra finetune squad`: SQuAD v1.1/v2.0 fine-tuning, with predictions and scores on a dev set.

import ArgumentParser
import Electra
import ElectraData
import ElectraTokenizer
import Foundation

public struct FinetuneCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Fine-tune a pretrained discriminator on a task.",
        subcommands: [FinetuneSquadCommand.self, FinetuneGlueCommand.self, FinetuneClassifyCommand.self, FinetuneNerCommand.self]
    )
}

extension QuestionAnsweringHeadKind: ExpressibleByArgument {}
extension SQuADVersion: ExpressibleByArgument {}
extension SQuADRecipe: ExpressibleByArgument {}
extension SQuADRecipe.ModelSize: ExpressibleByArgument {}

public struct FinetuneSquadCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "squad",
        abstract: "Fine-tune on SQuAD v1.1 or v2.0; with --dev, write predictions and print the official metrics.",
        discussion: """
            --recipe nvidia (the default) is NVIDIA's ELECTRA for TensorFlow2 (run_squad.sh): AdamW with \
            bias correction, learning rate 4e-4 with 5% warmup then linear decay, 16 sequences × 8 \
            accumulated (NVIDIA's 8 GPUs) = 128 per update, 2 epochs for v1.1 and 3 for v2.0, layer-wise \
            decay 0.8, the joint head with beam size 5, sequences of 384. --recipe google is Google's \
            release (configure_finetuning.py): AdamW without bias correction, linear decay times a 10% \
            warmup, batch 32, 2 epochs, beam size 20, sequences of 512, and per model size (inferred from \
            hidden_size 256/768/1024, or --model-size) learning rate 3e-4/1e-4/5e-5 and layer-wise decay \
            0.8/0.8/0.9. Both: weight decay 0.01 without LayerNorm and biases, clipping at 1.0, stride 128, \
            questions up to 64 tokens, n-best 20, answers up to 30 tokens, null threshold -5.6 for v2.0 \
            with the joint head. Options given explicitly override the recipe's values; the resolved \
            settings are printed first. Training stops with an error if the loss becomes NaN or infinite.
            """
    )

    @Option(help: "A pretrained discriminator (or ElectraModel) directory in Hugging Face layout.")
    var model: String
    @Option(help: "SQuAD training JSON.")
    var train: String
    @Option(help: "SQuAD dev JSON: predict and score after training.")
    var dev: String?
    @Option(help: "1.1 or 2.0 (default: from the training file).")
    var version: SQuADVersion?
    @Option(help: "Where to write the fine-tuned model and the predictions.")
    var output: String
    @Option(help: "joint (NVIDIA) or span (Hugging Face qa_outputs).")
    var head: QuestionAnsweringHeadKind = .joint
    @Option(help: "Hyper-parameters to start from: nvidia or google.")
    var recipe: SQuADRecipe = .nvidia
    @Option(help: "Google recipe: small, base or large (default: from the model's hidden_size).")
    var modelSize: SQuADRecipe.ModelSize?
    @Option(help: "Training epochs (default: the recipe's).")
    var epochs: Double?
    @Option(help: "Sequences per forward and backward pass (default: the recipe's, 16 or 32; under mpirun: on each rank).")
    var batchSize: Int?
    @Option(help: "Micro-batches averaged into each update (default: the recipe's, 8 or 1).")
    var accumulation: Int?
    @Option(help: "Peak learning rate (default: the recipe's).")
    var learningRate: Float?
    @Option(help: "Share of the updates spent warming up (default: the recipe's).")
    var warmupProportion: Float?
    @Option(help: "Layer-wise learning-rate decay (default: the recipe's).")
    var layerDecay: Float?
    @Option(help: "Seed for head initialisation, order and dropout.")
    var seed: UInt64 = 1
    @Option(help: "Beam size of the joint head (default: the recipe's).")
    var beamSize: Int?
    @OptionGroup var squad: SQuADOptions

    public func validate() throws {
        for (flag, path) in [("--model", model), ("--train", train)] + (dev.map { [("--dev", $0)] } ?? [])
        where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(flag) \(path) does not exist")
        }
        for (flag, value) in [("--batch-size", batchSize), ("--accumulation", accumulation), ("--beam-size", beamSize)] {
            if let value, value < 1 { throw ValidationError("\(flag) must be at least 1") }
        }
        if let epochs, !(epochs > 0 && epochs.isFinite) { throw ValidationError("--epochs must be positive") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) { throw ValidationError("--learning-rate must be positive") }
        if let warmupProportion, !(0...1).contains(warmupProportion) { throw ValidationError("--warmup-proportion must be in 0...1") }
        if let layerDecay, !(layerDecay > 0 && layerDecay <= 1) { throw ValidationError("--layer-decay must be in (0, 1]") }
        try squad.validate(sequenceLength: squad.maxSeqLength ?? recipe.maxSequenceLength)
    }

    /// The recipe's settings for `version` and the model's size, with the options given on top.
    func resolvedSettings(version: SQuADVersion, config: ElectraConfig) throws -> (SQuADTrainingSettings, size: SQuADRecipe.ModelSize?) {
        var size = modelSize
        if recipe == .google && size == nil {
            guard let inferred = SQuADRecipe.ModelSize(hiddenSize: config.hiddenSize) else {
                throw CommandError("--recipe google sets the learning rate and layer decay by model size, and hidden_size "
                    + "\(config.hiddenSize) of \(model) is none of Google's (256 small, 768 base, 1024 large): pass --model-size")
            }
            size = inferred
        }
        var settings = recipe.settings(version: version, size: size ?? .base)
        if let epochs { settings.epochs = epochs }
        if let batchSize { settings.batchSize = batchSize }
        if let accumulation { settings.accumulation = accumulation }
        if let learningRate { settings.learningRate = learningRate }
        if let warmupProportion { settings.warmupProportion = warmupProportion }
        if let layerDecay { settings.layerDecay = layerDecay }
        if let beamSize { settings.beamSize = beamSize }
        settings.seed = seed
        return (settings, recipe == .google ? size : nil)
    }

    @OptionGroup var precision: PrecisionOption
    @OptionGroup var parallel: DataParallelOptions

    public func run() throws {
        try parallel.validateOptions()
        try parallel.run { parallelism in try precision.run { try execute(parallelism) } }
    }

    private func execute(_ parallelism: DataParallelism) throws {
        let ranks = parallelism.communicator.size, leader = parallelism.communicator.isLeader
        let console = leader ? Console.line : { (_: String) in }
        let trainSet = try SQuADDataset(contentsOf: train)
        let squadVersion = version ?? trainSet.version
        for problem in trainSet.answerProblems.prefix(5) { console("skipped: \(problem)") }
        if trainSet.answerProblems.count > 5 { console("skipped \(trainSet.answerProblems.count) questions in all whose answers do not match their contexts") }
        let qa = try QuestionAnsweringModel.load(model, kind: head, answerability: squadVersion == .v2_0,
                                                 head: .initializeIfAbsent(seed: seed))
        var (settings, size) = try resolvedSettings(version: squadVersion, config: qa.config)
        settings.batchSize *= ranks   // --batch-size is each rank's share of the micro-batch
        let sequenceLength = squad.maxSeqLength ?? recipe.maxSequenceLength
        try squad.check(against: qa.config, model: model, sequenceLength: sequenceLength)
        let tokenizer = try ModelDirectory.tokenizer(for: model, config: qa.config)
        let featurizer = squad.featurizer(tokenizer, sequenceLength: sequenceLength)
        let training = featurizer.featurize(trainSet.examples.filter { !$0.hasAnswerProblem }, training: true)
        if ranks > 1 {
            console("data parallel over \(ranks) ranks (\(parallelism.communicator.name)): \(settings.batchSize / ranks) sequences of each "
                    + "micro-batch per rank, gradients summed in \(parallelism.precision.rawValue)")
        }
        console("fine-tuning on \(trainSet.examples.count) questions, SQuAD \(squadVersion.rawValue), \(head.rawValue) head, "
                     + "recipe \(recipe.rawValue)\(size.map { " (\($0.rawValue))" } ?? ""), sequences of \(sequenceLength): "
                     + settings.summary(features: training.features.count) + "; matrix products in \(precision.description)")
        let tuner = SQuADFineTuner(model: qa, settings: settings)
        try tuner.train(training.features, source: train, parallelism: parallelism) { step, steps, loss in
            if step % 10 == 0 || step == steps || step == 1 { console(String(format: "step %d/%d  loss %.4f", step, steps, loss)) }
        }
        guard leader else { return }   // rank 0 alone saves, predicts and scores
        try qa.save(to: output, tokenizerFrom: model)
        Console.line("saved the fine-tuned model to \(output)")
        guard let dev else { return }
        let devSet = try SQuADDataset(contentsOf: dev)
        let devFeatures = featurizer.featurize(devSet.examples, training: false)
        try tuner.check(devFeatures.features, source: dev)
        let processor = squad.postProcessor(version: squadVersion, head: head)
        let predictions = tuner.predict(examples: devSet.examples, features: devFeatures.features, postProcessor: processor)
        let written = try predictions.write(to: output)
        Console.line("wrote \(written.joined(separator: ", "))")
        let scores = try SQuADEvaluation.run(dataFile: dev, predictionsFile: output + "/predictions.json",
                                             noAnswerProbabilitiesFile: squadVersion == .v2_0 ? output + "/null_odds.json" : nil)
        Console.line(scores.json)
    }
}
