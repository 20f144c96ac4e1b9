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
        subcommands: [FinetuneSquadCommand.self]
    )
}

extension QuestionAnsweringHeadKind: ExpressibleByArgument {}
extension SQuADVersion: ExpressibleByArgument {}

public struct FinetuneSquadCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "squad",
        abstract: "Fine-tune on SQuAD v1.1 or v2.0; with --dev, write predictions and print the official metrics.",
        discussion: """
            Defaults are NVIDIA's (ELECTRA for TensorFlow2, run_squad.sh): the joint head with beam size 5, \
            AdamW (bias correction, weight decay 0.01 without LayerNorm and biases), learning rate 4e-4 \
            with 5% warmup then linear decay, layer-wise decay 0.8, clipping at 1.0, batch 16 × (8 GPUs), \
            2 epochs for v1.1 and 3 for v2.0, sequences of 384 with stride 128 and questions up to 64 \
            tokens, n-best 20, answers up to 30 tokens, null threshold -5.6 for v2.0 with the joint head.
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
    @Option(help: "Training epochs (default: 2 for v1.1, 3 for v2.0).")
    var epochs: Double?
    @Option(help: "Sequences per update.")
    var batchSize = 16
    @Option(help: "Peak learning rate.")
    var learningRate: Float = 4e-4
    @Option(help: "Share of the updates spent warming up.")
    var warmupProportion: Float = 0.05
    @Option(help: "Layer-wise learning-rate decay.")
    var layerDecay: Float = 0.8
    @Option(help: "Seed for head initialisation, order and dropout.")
    var seed: UInt64 = 1
    @Option(help: "Beam size of the joint head.")
    var beamSize = 5
    @OptionGroup var squad: SQuADOptions

    public func validate() throws {
        for (flag, path) in [("--model", model), ("--train", train)] + (dev.map { [("--dev", $0)] } ?? [])
        where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("\(flag) \(path) does not exist")
        }
        guard batchSize >= 1, beamSize >= 1 else { throw ValidationError("--batch-size and --beam-size must be at least 1") }
    }

    public func run() throws {
        let trainSet = try SQuADDataset(contentsOf: train)
        let squadVersion = version ?? trainSet.version
        for problem in trainSet.answerProblems.prefix(5) { Console.line("skipped: \(problem)") }
        if trainSet.answerProblems.count > 5 { Console.line("skipped \(trainSet.answerProblems.count) questions in all whose answers do not match their contexts") }
        let qa = try QuestionAnsweringModel.load(model, kind: head, answerability: squadVersion == .v2_0, seed: seed)
        try squad.check(against: qa.config, model: model)
        let tokenizer = try ModelDirectory.tokenizer(for: model, config: qa.config)
        let featurizer = squad.featurizer(tokenizer)
        let training = featurizer.featurize(trainSet.examples.filter { !$0.hasAnswerProblem }, training: true)
        var settings = SQuADTrainingSettings()
        settings.epochs = epochs ?? (squadVersion == .v2_0 ? 3 : 2)
        settings.batchSize = batchSize
        settings.learningRate = learningRate
        settings.warmupProportion = warmupProportion
        settings.layerDecay = layerDecay
        settings.seed = seed
        settings.beamSize = beamSize
        Console.line("fine-tuning on \(trainSet.examples.count) questions (\(training.features.count) windows), SQuAD \(squadVersion.rawValue), "
                     + "\(head.rawValue) head, \(settings.epochs) epochs of batch \(batchSize)")
        let tuner = SQuADFineTuner(model: qa, settings: settings)
        tuner.train(training.features) { step, steps, loss in
            if step % 10 == 0 || step == steps || step == 1 { Console.line(String(format: "step %d/%d  loss %.4f", step, steps, loss)) }
        }
        let vocabulary = FileManager.default.fileExists(atPath: model + "/vocab.txt") ? model + "/vocab.txt" : Vocabulary.bundledPath()
        try qa.save(to: output, vocabulary: vocabulary)
        Console.line("saved the fine-tuned model to \(output)")
        guard let dev else { return }
        let devSet = try SQuADDataset(contentsOf: dev)
        let devFeatures = featurizer.featurize(devSet.examples, training: false)
        let processor = squad.postProcessor(version: squadVersion, head: head)
        let predictions = tuner.predict(examples: devSet.examples, features: devFeatures.features, postProcessor: processor)
        let written = try predictions.write(to: output)
        Console.line("wrote \(written.joined(separator: ", "))")
        let scores = try SQuADEvaluation.run(dataFile: dev, predictionsFile: output + "/predictions.json",
                                             noAnswerProbabilitiesFile: squadVersion == .v2_0 ? output + "/null_odds.json" : nil)
        Console.line(scores.json)
    }
}
