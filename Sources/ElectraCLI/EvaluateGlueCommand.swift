// `electra evaluate glue`: a GLUE task's metrics (MCC, accuracy, F1, Pearson/Spearman) of a prediction
// file in the leaderboard's layout against the task's dev file.

import ArgumentParser
import ElectraData
import Foundation

public struct EvaluateGlueCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "glue",
        abstract: "GLUE metrics of predictions against a task's dev set.",
        discussion: """
            The predictions file has the GLUE submission layout: a header "index<TAB>prediction", then one \
            row per dev example, the index being the example's 0-based row in the dev file (its header \
            left out) and the prediction a label as the dev file writes it (0/1, entailment, …) or an \
            STS-B score. Metrics as GLUE defines them: CoLA Matthews correlation; MRPC and QQP F1 of class \
            1 and accuracy; STS-B Pearson and Spearman; the others accuracy (MNLI matched with --split dev, \
            mismatched with --split dev_mismatched). Pearson and Spearman are NaN (null in --json) when a \
            side is constant, as SciPy gives.
            """
    )

    @Option(help: "The GLUE task (SST-2 and STS-B may also be written sst-2, sts-b).")
    var task: GLUETask

    @Option(help: "The predictions (index<TAB>prediction, with that header).")
    var predictions: String

    @Option(help: "The gold file in the task's dev layout (dev.tsv, dev_matched.tsv, …).")
    var gold: String?

    @Option(help: "The task's folder of the GLUE distribution (or the folder above it); its dev file is the gold.")
    var data: String?

    @Option(help: "The dev split when reading --data: dev, or dev_mismatched (MNLI).")
    var split: GLUESplit = .dev

    @Flag(help: "Print the metrics as one JSON object.")
    var json = false

    public func validate() throws {
        if (gold == nil) == (data == nil) {
            throw ValidationError("pass the gold labels with --gold FILE or --data DIR (one of them)")
        }
        if split != .dev && split != .devMismatched {
            throw ValidationError("--split must be dev or dev_mismatched (test files carry no labels), not \(split.rawValue)")
        }
        if split == .devMismatched && task != .mnli {
            throw ValidationError("only MNLI has a dev_mismatched split: drop --split, or pass --task mnli")
        }
        for (flag, path) in [("--predictions", predictions), ("--gold", gold)] {
            if let path, !FileManager.default.isReadableFile(atPath: path) {
                throw ValidationError("cannot read \(path) (\(flag)): check the path")
            }
        }
    }

    public func run() throws {
        do {
            let goldData: ClassificationDataset
            if let gold {
                goldData = try GLUEReader.read(file: gold, task: task, split: split)
            } else {
                goldData = try GLUEReader(task: task, directory: data!).read(split)
            }
            let result = try GLUEEvaluation.evaluate(task: task, split: split, predictionsPath: predictions, gold: goldData)
            reportSkipped(goldData.skipped + result.skipped)
            Console.line(json ? result.scores.json : Self.text(result.scores))
        } catch let error as ClassificationError {
            throw error.commandError
        }
    }

    /// `MRPC dev (408 examples): f1 0.891234, accuracy 0.843137`.
    static func text(_ scores: GLUEScores) -> String {
        let values = scores.task.metrics.map { metric -> String in
            let value = scores.values[metric] ?? .nan
            return "\(metric.rawValue) \(value.isNaN ? "nan" : String(format: "%.6f", value))"
        }
        return "\(scores.task.displayName) \(scores.split.rawValue) (\(scores.count) examples): " + values.joined(separator: ", ")
    }
}
