// `electra export`: a pretraining checkpoint as two Hugging Face model directories.

import ArgumentParser
import Electra
import Foundation

public struct ExportCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a checkpoint's discriminator and generator as Hugging Face model directories.",
        discussion: "Example: electra export runs/demo/checkpoints/ckpt-000300 --output runs/demo/export"
    )

    @Argument(help: "A checkpoint folder (RUN/checkpoints/ckpt-NNNNNN), or a run directory for its latest checkpoint.")
    var checkpoint: String

    @Option(help: "Where to write discriminator/ and generator/.")
    var output: String

    public func run() throws {
        var path = checkpoint
        if !FileManager.default.fileExists(atPath: path + "/state.json"), let latest = CheckpointStore.latest(run: checkpoint) {
            path = latest
        }
        try Pretrainer.export(checkpoint: path, to: output)
        print("exported \(path) to \(output)/discriminator and \(output)/generator (Hugging Face layout)")
    }
}

public struct EvaluateCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate models.",
        subcommands: [EvaluatePretrainCommand.self, EvaluateSquadCommand.self, EvaluateGlueCommand.self, EvaluateNerCommand.self]
    )
}

public struct EvaluatePretrainCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "pretrain",
        abstract: "Pretraining metrics (losses, accuracies, precision, recall) of a checkpoint on held-out shards."
    )

    @Argument(help: "A checkpoint folder, or a run directory for its latest checkpoint.")
    var checkpoint: String

    @Option(help: "Held-out shards (same vocabulary and sequence length).")
    var data: String

    @Option(help: "Batches to evaluate.")
    var batches = 50

    public func run() throws {
        var path = checkpoint
        if !FileManager.default.fileExists(atPath: path + "/state.json"), let latest = CheckpointStore.latest(run: checkpoint) {
            path = latest
        }
        let (model, settings) = try Pretrainer.loadModel(checkpoint: path)
        let metrics = try Pretrainer.evaluate(model: model, objective: settings.objective, data: data,
                                              vocabulary: try .init(contentsOf: ModelDirectory.recordedVocabulary(settings.vocabulary, recordedIn: path)),
                                              batchSize: settings.batchSize,
                                              length: settings.maxSequenceLength, batches: batches, seed: settings.seed)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(metrics), as: UTF8.self))
    }
}
