// `electra finetune ner`: token classification (named entities, any tag set) on CoNLL files, with the
// dev entity F1 every epoch.

import ArgumentParser
import Electra
import ElectraData
import Foundation

public struct FinetuneNerCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "ner",
        abstract: "Fine-tune a token classifier (named entities) on CoNLL files; print the dev entity F1 every epoch.",
        discussion: """
            CoNLL files: one token a line, its tag in the last column, a blank line between sentences \
            (-DOCSTART- lines skipped). The tags are those of --train. Each word's tag is learnt and \
            predicted on its first sub-token (the others, [CLS] and [SEP] are labelled -100); a sentence \
            longer than --max-seq-length is split at word boundaries into pieces that each fit. The dev \
            score is conlleval's entity F1; the kept epoch's dev predictions are written to \
            OUTPUT/dev_predictions.txt (token gold predicted, what conlleval reads).
            Example: electra finetune ner --train conll2003/train.txt --dev conll2003/valid.txt --model electra-small --output runs/ner
            """
    )

    @OptionGroup var files: TrainingFiles
    @OptionGroup var options: ClassificationOptions
    @OptionGroup var precision: PrecisionOption
    @OptionGroup var parallel: DataParallelOptions

    public func run() throws {
        try parallel.validateOptions()
        try parallel.run { parallelism in try precision.run { try execute(parallelism) } }
    }

    private var train: String { files.train }
    private var dev: String { files.dev }

    private func execute(_ parallelism: DataParallelism) throws {
        let console = parallelism.communicator.isLeader ? Console.line : { (_: String) in }
        let trainSet = try CoNLL.read(path: train), devSet = try CoNLL.read(path: dev)
        for skipped in (trainSet.skipped + devSet.skipped).prefix(5) { console("\(skipped)") }
        let tagSet = trainSet.tagSet
        let model = try ClassificationModel.load(options.model, kind: .token, problem: .singleLabel, labelNames: tagSet,
                                                 head: .initializeIfAbsent(seed: options.seed))
        let preset = GLUEPreset(epochs: 3, trainsOnBothOrders: false)
        let (tuner, size, length, featurizer) = try options.setUp(preset, model: model, ranks: parallelism.communicator.size)
        let features = try featurizer.features(trainSet.sentences, tagSet: tagSet, labelled: true, path: train)
        let devFeatures = try featurizer.features(devSet.sentences, tagSet: tagSet, labelled: true, path: dev)
        try tuner.check(devFeatures, source: dev, training: false)
        let gold = devSet.sentences.map(\.tags)
        func predicted() -> [[String]] {
            tuner.tags(devFeatures, wordCounts: devSet.sentences.map(\.rows.count)).map { $0.map { tagSet[$0] } }
        }
        let pieces = features.count - trainSet.sentences.count
        try options.train(tuner, features: features, source: train,
                          what: "\(tagSet.count) tags on \(trainSet.sentences.count) sentences"
                              + (pieces > 0 ? " (\(pieces) split at the length limit)" : "") + ", \(size.rawValue) recipe, sequences of \(length)",
                          parallelism: parallelism, precision: precision) {
            let report = try EntityMetrics.evaluate(gold: gold, predicted: predicted(), matching: .conlleval)
            return FineTuningEvaluation(score: report.overall.f1, summary: String(
                format: "dev entity F1 %.4f (precision %.4f, recall %.4f), token accuracy %.4f",
                report.overall.f1, report.overall.precision, report.overall.recall, report.tokenAccuracy))
        }
        guard parallelism.communicator.isLeader else { return }
        let path = options.output + "/dev_predictions.txt"
        try CoNLL.writeEvaluation(tokens: devSet.sentences.map(\.tokens), gold: gold, predicted: predicted(), to: path)
        Console.line("wrote \(path)")
    }
}
