// GLUESubmission: the prediction files the GLUE leaderboard takes (CoLA.tsv … AX.tsv: `index` and
// `prediction` columns, labels as the site wants them), written and read back.

import ElectraTensor
import Foundation

/// The GLUE leaderboard's submission files (gluebenchmark.com; the file names and label forms of
/// jiant's `glue_submission_formatter.py` and Keras-NLP's GLUE example).
public enum GLUESubmission {
    /// The file name the leaderboard expects for `task`'s `split`: CoLA.tsv, SST-2.tsv, MRPC.tsv,
    /// STS-B.tsv, QQP.tsv, MNLI-m.tsv, MNLI-mm.tsv, QNLI.tsv, RTE.tsv, WNLI.tsv, and AX.tsv for the
    /// diagnostic set.
    public static func fileName(task: GLUETask, split: GLUESplit) -> String {
        switch (task, split) {
        case (.mnli, .diagnostic): return "AX.tsv"
        case (.mnli, .testMismatched), (.mnli, .devMismatched): return "MNLI-mm.tsv"
        case (.mnli, _): return "MNLI-m.tsv"
        default: return task.displayName + ".tsv"
        }
    }

    /// A prediction as the leaderboard wants it: the class name for MNLI, AX, QNLI and RTE
    /// (`entailment`, `not_entailment`, `neutral`, `contradiction`), `0`/`1` for CoLA, SST-2, MRPC,
    /// QQP and WNLI (their label names), and the score as a float for STS-B.
    public static func predictionText(_ label: ClassificationLabel, task: GLUETask) -> String {
        switch label {
        case .category(let index):
            precondition(task.labels.indices.contains(index), "class \(index) is not one of \(task.displayName)'s")
            return task.labels[index]
        case .score(let value):
            precondition(task.isRegression, "\(task.displayName) predictions are classes")
            return SQuADJSONWriter.floatText(value)
        }
    }

    /// The submission text: a header `index\tprediction`, then one row per example in the order given.
    public static func text(task: GLUETask, ids: [String], predictions: [ClassificationLabel]) -> String {
        precondition(ids.count == predictions.count, "one prediction per example")
        var out = "index\tprediction\n"
        for (id, prediction) in zip(ids, predictions) {
            out += id + "\t" + predictionText(prediction, task: task) + "\n"
        }
        return out
    }

    /// Writes the submission file of `task`'s `split` into `directory` (created if missing), through a
    /// temporary name; returns its path.
    @discardableResult
    public static func write(task: GLUETask, split: GLUESplit, ids: [String], predictions: [ClassificationLabel],
                             directory: String) throws -> String {
        let path = (directory as NSString).appendingPathComponent(fileName(task: task, split: split))
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try writeAtomically(Data(text(task: task, ids: ids, predictions: predictions).utf8), to: path)
        } catch let error as FileWriteError {
            throw ClassificationError.notWritable(path: error.path, reason: error.reason)
        } catch {
            throw ClassificationError.notWritable(path: directory, reason: error.localizedDescription)
        }
        return path
    }

    /// The predictions of a file in the submission layout (`index\tprediction`, header first), keyed by
    /// index, with each row's line. Rows without two columns are malformed rows, skipped.
    /// - Throws: `ClassificationError` for an unreadable file, a missing header, a repeated index or
    ///   no prediction at all.
    public static func read(path: String) throws -> (predictions: [String: (text: String, line: Int)], skipped: [SkippedRow]) {
        let records = try DelimitedText.read(path: path, dialect: .glueTSV).filter { !$0.fields.isEmpty }
        guard let header = records.first, header.fields.count >= 2,
              header.fields[0].lowercased() == "index" || header.fields[0].lowercased() == "id" else {
            throw ClassificationError.malformedFile(path: path, line: records.first?.line ?? 1,
                                                    reason: "expected the header \"index<TAB>prediction\" of a GLUE submission file")
        }
        var predictions: [String: (text: String, line: Int)] = [:]
        var skipped: [SkippedRow] = []
        for record in records.dropFirst() {
            guard record.fields.count >= 2, !record.invalidUTF8 else {
                skipped.append(SkippedRow(path: path, line: record.line, reason: "expected index<TAB>prediction"))
                continue
            }
            let index = record.fields[0]
            if let earlier = predictions[index] {
                throw ClassificationError.malformedFile(path: path, line: record.line,
                                                        reason: "index \(index) was already predicted on line \(earlier.line)")
            }
            predictions[index] = (record.fields[1], record.line)
        }
        guard !predictions.isEmpty else { throw ClassificationError.emptySplit(path: path, skipped: skipped.count) }
        return (predictions, skipped)
    }
}
