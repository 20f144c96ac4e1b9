// ClassificationPrediction: `electra predict --task glue-TASK|classify|ner`: a fine-tuned classifier's
// predictions for a file, as a GLUE submission file, JSON lines, or CoNLL.

import ArgumentParser
import Electra
import ElectraData
import ElectraTensor
import Foundation

/// What `predict --task` predicts.
enum PredictionTask: ExpressibleByArgument, Equatable {
    case glue(GLUETask)
    case classify
    case ner

    init?(argument: String) {
        switch argument.lowercased() {
        case "classify": self = .classify
        case "ner": self = .ner
        case let name where name.hasPrefix("glue-"):
            guard let task = GLUETask(name: String(name.dropFirst("glue-".count))) else { return nil }
            self = .glue(task)
        default: return nil
        }
    }

    static var allValueStrings: [String] { GLUETask.allCases.map { "glue-\($0.rawValue)" } + ["classify", "ner"] }
}

/// Runs a fine-tuned classifier over a file.
struct ClassificationPrediction {
    let task: PredictionTask
    let model: String
    let input: String
    let output: String
    let columns: LabeledTextOptions
    /// Tokens per input (`--max-seq-length`; default 128, the fine-tuning commands' default).
    let maxSequenceLength: Int?

    func run() throws {
        let classifier = try ClassificationModel.loadFineTuned(model)
        let expected: ClassificationHeadKind = task == .ner ? .token : .sequence
        guard classifier.kind == expected else {
            throw CommandError("\(model) holds a \(classifier.kind.architecture), but --task \(task == .ner ? "ner" : "glue-…/classify") needs a "
                               + "\(expected.architecture); fine-tune one with `electra finetune \(task == .ner ? "ner" : "glue|classify")`")
        }
        let featurizer = ClassificationFeaturizer(tokenizer: try ModelDirectory.tokenizer(for: model, config: classifier.config),
                                                  maxSequenceLength: try sequenceLength(classifier.config))
        let tuner = ClassificationFineTuner(model: classifier, settings: FineTuningSettings(google: GLUEPreset(epochs: 3, trainsOnBothOrders: false),
                                                                                           size: .base))
        switch task {
        case .glue(let glue):
            guard classifier.outputs == glue.outputCount else {
                throw CommandError("\(model) has \(classifier.outputs) outputs, but \(glue.displayName) has \(glue.outputCount): "
                                   + "is it the model fine-tuned on \(glue.displayName)?")
            }
            let split: GLUESplit = (input as NSString).lastPathComponent.lowercased().contains("mismatched") ? .testMismatched
                : glue == .mnli && ["diagnostic", "ax"].contains(where: (input as NSString).lastPathComponent.lowercased().contains) ? .diagnostic : .test
            let dataset = try GLUEReader.read(file: input, task: glue, split: split)
            let features = featurizer.features(dataset)
            try tuner.check(features, source: input, training: false)
            let written = try GLUESubmission.write(task: glue, split: split, ids: dataset.examples.map(\.id),
                                                   predictions: tuner.labels(features), directory: output)
            Console.line("wrote \(written) (\(dataset.examples.count) predictions, \(split.rawValue) split)")
        case .classify:
            let dataset = try columns.reader(for: input, labelled: false).read(path: input)
            let features = featurizer.features(dataset)
            try tuner.check(features, source: input, training: false)
            var lines = ""
            for (example, logits) in zip(dataset.examples, tuner.logits(features)) {
                let label = classifier.problem == .regression ? "\(logits[0])"
                    : JSONText.quote(classifier.labelNames[logits.indices.max { logits[$0] < logits[$1] }!])
                lines += "{\"id\":\(JSONText.quote(example.id)),\"label\":\(label),\"logits\":["
                    + logits.map { "\($0)" }.joined(separator: ",") + "]}\n"
            }
            try writeAtomically(Data(lines.utf8), to: output)
            Console.line("wrote \(output) (\(dataset.examples.count) predictions)")
        case .ner:
            let document = try CoNLL.read(path: input, minimumColumns: 1)
            let features = try featurizer.features(document.sentences, tagSet: classifier.labelNames, labelled: false, path: input)
            try tuner.check(features, source: input, training: false)
            let tags = tuner.tags(features, wordCounts: document.sentences.map(\.rows.count)).map { $0.map { classifier.labelNames[$0] } }
            let labelled = document.sentences.allSatisfy { $0.rows.allSatisfy { $0.count >= 2 } }
            // With gold tags: token gold predicted (conlleval's input); without: token predicted.
            if labelled {
                try CoNLL.writeEvaluation(tokens: document.sentences.map(\.tokens), gold: document.sentences.map(\.tags), predicted: tags, to: output)
            } else {
                let text = zip(document.sentences, tags).map { sentence, tags in
                    zip(sentence.tokens, tags).map { "\($0) \($1)\n" }.joined() + "\n"
                }.joined()
                try writeAtomically(Data(text.utf8), to: output)
            }
            Console.line("wrote \(output) (\(document.sentences.count) sentences)")
        }
    }

    private func sequenceLength(_ config: ElectraConfig) throws -> Int {
        let length = maxSequenceLength ?? min(128, config.maxPositionEmbeddings)
        guard (3...config.maxPositionEmbeddings).contains(length) else {
            throw CommandError("--max-seq-length \(length) must be between 3 and the \(config.maxPositionEmbeddings) positions of \(model)")
        }
        return length
    }
}
