// `electra finetune glue`: a GLUE task from the GLUE distribution's files, with Google's per-task
// presets and the dev metric every epoch.

import ArgumentParser
import Electra
import ElectraData
import ElectraTensor
import Foundation

public struct FinetuneGlueCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "glue",
        abstract: "Fine-tune on a GLUE task; print the dev metric every epoch and keep the best epoch.",
        discussion: """
            --data is the task's folder of the GLUE distribution (train.tsv and dev.tsv; MNLI \
            dev_matched.tsv and dev_mismatched.tsv, both scored every epoch, matched selecting). \
            Google's ELECTRA recipe (configure_finetuning.py): AdamW without bias correction, linear \
            decay times a 10% warmup, batch 32, sequences of 128, weight decay 0.01, clipping at 1.0, 3 \
            epochs (10 for RTE and STS-B), MRPC and STS-B trained on both sentence orders, and per model \
            size (from hidden_size 256/768/1024, or --model-size) learning rate 3e-4/1e-4/5e-5 and \
            layer-wise decay 0.8/0.8/0.9. Options given explicitly override the preset. The output is a \
            Hugging Face ElectraForSequenceClassification directory (id2label, problem_type) with \
            dev_results.json beside it; `electra predict --task glue-TASK` writes leaderboard files from it.
            Example: electra finetune glue --task rte --data glue_data/RTE --model electra-small --output runs/rte
            """
    )

    @Option(help: "cola, sst2, mrpc, stsb, qqp, mnli, qnli, rte or wnli.")
    var task: GLUETask
    @Option(help: "The task's folder of the GLUE distribution (e.g. glue_data/RTE).")
    var data: String
    @OptionGroup var options: ClassificationOptions
    @OptionGroup var precision: PrecisionOption
    @OptionGroup var parallel: DataParallelOptions

    public func validate() throws {
        guard FileManager.default.fileExists(atPath: data) else { throw ValidationError("--data \(data) does not exist") }
    }

    public func run() throws {
        try parallel.validateOptions()
        try parallel.run { parallelism in try precision.run { try execute(parallelism) } }
    }

    private func execute(_ parallelism: DataParallelism) throws {
        let console = parallelism.communicator.isLeader ? Console.line : { (_: String) in }
        let reader = GLUEReader(task: task, directory: data)
        let train = try reader.read(.train)
        let devs = try task.developmentSplits.map { (split: $0, set: try reader.read($0)) }
        for skipped in ([train] + devs.map(\.set)).flatMap(\.skipped).prefix(5) { console("\(skipped)") }
        let model = try ClassificationModel.load(options.model, kind: .sequence, problem: task.isRegression ? .regression : .singleLabel,
                                                 labelNames: task.isRegression ? ["LABEL_0"] : task.labels,
                                                 head: .initializeIfAbsent(seed: options.seed))
        let preset = task.preset
        let (tuner, size, length, featurizer) = try options.setUp(preset, model: model, ranks: parallelism.communicator.size)
        let features = featurizer.features(train, bothOrders: preset.trainsOnBothOrders)
        let devFeatures = devs.map { featurizer.features($0.set) }
        for (dev, f) in zip(devs, devFeatures) { try tuner.check(f, source: dev.set.path, training: false) }
        let metric = task.metrics[0]
        var history: [[GLUEScores]] = []
        let kept = try options.train(tuner, features: features, source: train.path,
                                     what: "\(task.displayName) (\(train.examples.count) examples\(preset.trainsOnBothOrders ? ", both orders" : ""), "
                                         + "\(size.rawValue) recipe, sequences of \(length))",
                                     parallelism: parallelism, precision: precision) {
            let latest = zip(devs, devFeatures).map { dev, f in
                GLUEScores(task: task, split: dev.split, count: f.count,
                           values: GLUEEvaluation.score(task: task, predicted: tuner.labels(f), gold: dev.set.examples.map { $0.label! }))
            }
            let summary = latest.map { scores in
                scores.split.rawValue + " " + task.metrics.map { "\($0.rawValue) " + String(format: "%.4f", scores.values[$0] ?? .nan) }
                    .joined(separator: ", ")
            }.joined(separator: "; ")
            history.append(latest)
            return FineTuningEvaluation(score: latest[0].values[metric] ?? -.infinity, summary: summary)
        }
        guard parallelism.communicator.isLeader, let kept else { return }
        let json = "{\"epoch\":\(kept + 1),\"selected_on\":\"\(metric.rawValue)\",\"dev\":["
            + history[kept].map(\.json).joined(separator: ",") + "]}\n"
        try writeAtomically(Data(json.utf8), to: options.output + "/dev_results.json")
        Console.line("wrote \(options.output)/dev_results.json (epoch \(kept + 1))")
    }
}
