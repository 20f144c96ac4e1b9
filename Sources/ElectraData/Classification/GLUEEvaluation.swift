// GLUEEvaluation: a GLUE task's metrics of predictions against gold labels, from labels in memory or
// from a prediction file in the leaderboard's layout and the task's dev file.

import ElectraTensor
import Foundation

/// The scores of one split.
public struct GLUEScores: Equatable, Sendable {
    public var task: GLUETask
    public var split: GLUESplit
    /// Examples scored.
    public var count: Int
    /// Each of the task's metrics (`task.metrics`).
    public var values: [GLUEMetric: Double]

    public init(task: GLUETask, split: GLUESplit, count: Int, values: [GLUEMetric: Double]) {
        self.task = task
        self.split = split
        self.count = count
        self.values = values
    }

    /// `{"task": "mrpc", "split": "dev", "examples": 408, "f1": …, "accuracy": …}`, metrics in the task's
    /// order, NaN written as `null` (Pearson of a constant side).
    public var json: String {
        var parts = ["\"task\": \(JSONText.quote(task.rawValue))", "\"split\": \(JSONText.quote(split.rawValue))",
                     "\"examples\": \(count)"]
        for metric in task.metrics {
            let value = values[metric] ?? .nan
            parts.append("\(JSONText.quote(metric.rawValue)): \(value.isFinite ? SQuADJSONWriter.floatText(value) : "null")")
        }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}

public enum GLUEEvaluation {
    /// The task's metrics of `predicted` against `gold` (classes for classification tasks, scores for
    /// STS-B). F1 is that of class index 1 (label `1` for MRPC and QQP).
    public static func score(task: GLUETask, predicted: [ClassificationLabel], gold: [ClassificationLabel]) -> [GLUEMetric: Double] {
        precondition(predicted.count == gold.count, "one prediction per gold label")
        var values: [GLUEMetric: Double] = [:]
        if task.isRegression {
            let p = predicted.map { $0.score! }, g = gold.map { $0.score! }
            values[.pearson] = ClassificationMetrics.pearson(p, g)
            values[.spearman] = ClassificationMetrics.spearman(p, g)
            return values
        }
        let p = predicted.map { $0.category! }, g = gold.map { $0.category! }
        for metric in task.metrics {
            switch metric {
            case .accuracy: values[.accuracy] = ClassificationMetrics.accuracy(predicted: p, gold: g)
            case .f1: values[.f1] = ClassificationMetrics.f1(predicted: p, gold: g, positive: 1)
            case .matthewsCorrelation: values[.matthewsCorrelation] = ClassificationMetrics.matthewsCorrelation(predicted: p, gold: g)
            case .pearson, .spearman: break
            }
        }
        return values
    }

    /// Scores the prediction file at `predictionsPath` (`index\tprediction`, as `GLUESubmission` writes)
    /// against `gold`, matching rows by example id. Every gold example needs a prediction; predictions of
    /// ids the gold lacks are an error too.
    /// - Returns: the scores and the prediction file's malformed rows, skipped.
    public static func evaluate(task: GLUETask, split: GLUESplit, predictionsPath: String,
                                gold: ClassificationDataset) throws -> (scores: GLUEScores, skipped: [SkippedRow]) {
        let read = try GLUESubmission.read(path: predictionsPath)
        var predicted: [ClassificationLabel] = []
        var goldLabels: [ClassificationLabel] = []
        var missing: [String] = []
        for example in gold.examples {
            guard let label = example.label else {
                throw ClassificationError.mismatchedPredictions(path: gold.path, reason: "line \(example.line) has no label to score against "
                    + "(a test file?); pass the dev file")
            }
            guard let entry = read.predictions[example.id] else { missing.append(example.id); continue }
            predicted.append(try parse(entry.text, task: task, path: predictionsPath, line: entry.line))
            goldLabels.append(label)
        }
        if !missing.isEmpty {
            let shown = missing.prefix(5).joined(separator: ", ")
            throw ClassificationError.mismatchedPredictions(path: predictionsPath,
                reason: "no prediction for \(missing.count) of the \(gold.examples.count) examples of \(gold.path) (index \(shown)\(missing.count > 5 ? ", …" : ""))")
        }
        let ids = Set(gold.examples.map(\.id))
        if let extra = read.predictions.filter({ !ids.contains($0.key) }).min(by: { $0.value.line < $1.value.line }) {
            throw ClassificationError.mismatchedPredictions(path: predictionsPath,
                reason: "line \(extra.value.line) predicts index \(extra.key), which \(gold.path) does not have")
        }
        let values = score(task: task, predicted: predicted, gold: goldLabels)
        return (GLUEScores(task: task, split: split, count: goldLabels.count, values: values), read.skipped)
    }

    /// A prediction written as the leaderboard wants it (a label name, or a number for STS-B).
    static func parse(_ text: String, task: GLUETask, path: String, line: Int) throws -> ClassificationLabel {
        if task.isRegression {
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                throw ClassificationError.wrongLabelKind(path: path, reason: "line \(line): STS-B prediction \"\(text)\" is not a number")
            }
            return .score(value)
        }
        guard let index = task.labels.firstIndex(of: text.trimmingCharacters(in: .whitespaces)) else {
            throw ClassificationError.wrongLabelKind(path: path, reason: "line \(line): prediction \"\(text)\" is not a \(task.displayName) "
                + "label (\(task.labels.joined(separator: ", ")))")
        }
        return .category(index)
    }
}
