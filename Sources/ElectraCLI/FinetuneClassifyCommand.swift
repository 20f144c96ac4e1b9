// `electra finetune classify`: sentence or sentence-pair classification (or regression) on a user's
// own TSV, CSV or JSON-lines files, with the dev metric every epoch.

import ArgumentParser
import Electra
import ElectraData
import Foundation

public struct FinetuneClassifyCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Fine-tune a sentence (pair) classifier, or a regression, on your own TSV, CSV or JSON-lines files.",
        discussion: """
            Classes are the distinct labels of --train (numeric order when all are integers); labels that \
            are real numbers make a regression (--classification or --regression decide otherwise). The dev \
            metric is accuracy (Pearson and Spearman correlation for regression), printed every epoch; the \
            best epoch is kept. Hyper-parameters are Google's GLUE recipe (3 epochs, batch 32, sequences of \
            128, learning rate and layer decay by model size), each overridable.
            Example: electra finetune classify --train reviews/train.csv --dev reviews/dev.csv --text-column review \
            --label-column stars --model electra-small --output runs/reviews
            """
    )

    @OptionGroup var columns: LabeledTextOptions
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
        let trainSet = try columns.reader(for: train).read(path: train)
        let devSet = try columns.reader(for: dev).read(path: dev, like: trainSet)
        for skipped in (trainSet.skipped + devSet.skipped).prefix(5) { console("\(skipped)") }
        guard trainSet.isRegression || trainSet.labelNames.count >= 2 else {
            throw CommandError("\(train) has only one class (\(trainSet.labelNames.first ?? "")): a classifier needs at least two")
        }
        let model = try ClassificationModel.load(options.model, kind: .sequence, problem: trainSet.isRegression ? .regression : .singleLabel,
                                                 labelNames: trainSet.isRegression ? ["LABEL_0"] : trainSet.labelNames,
                                                 head: .initializeIfAbsent(seed: options.seed))
        let preset = GLUEPreset(epochs: 3, trainsOnBothOrders: false)
        let (tuner, size, length, featurizer) = try options.setUp(preset, model: model, ranks: parallelism.communicator.size)
        let features = featurizer.features(trainSet), devFeatures = featurizer.features(devSet)
        try tuner.check(devFeatures, source: dev, training: false)
        let gold = devSet.examples.map { $0.label! }
        let what = trainSet.isRegression ? "a regression" : "\(trainSet.labelNames.count) classes (\(trainSet.labelNames.prefix(8).joined(separator: ", ")))"
        try options.train(tuner, features: features, source: train,
                          what: "\(what) on \(trainSet.examples.count) examples, \(size.rawValue) recipe, sequences of \(length)",
                          parallelism: parallelism, precision: precision) {
            let predicted = tuner.labels(devFeatures)
            if trainSet.isRegression {
                let p = predicted.map { $0.score! }, g = gold.map { $0.score! }
                let pearson = ClassificationMetrics.pearson(p, g), spearman = ClassificationMetrics.spearman(p, g)
                return FineTuningEvaluation(score: pearson.isFinite ? pearson : -.infinity,
                                            summary: String(format: "dev pearson %.4f, spearman %.4f", pearson, spearman))
            }
            let accuracy = ClassificationMetrics.accuracy(predicted: predicted.map { $0.category! }, gold: gold.map { $0.category! })
            return FineTuningEvaluation(score: accuracy, summary: String(format: "dev accuracy %.4f", accuracy))
        }
    }
}
