// A small SQuAD fine-tuning run: the loss falls and exact match on the training questions rises far
// above chance, for both heads; the fine-tuned directory reloads and answers the same.

import Electra
import ElectraData
import ElectraTokenizer
import Foundation
import Testing
import _TestSupport

private let contexts = [
    "Elizabeth Bennet lived at Longbourn with her four sisters. Her father was Mr. Bennet.",
    "Mr. Darcy owned Pemberley, a large estate in Derbyshire. His friend was Charles Bingley.",
    "Jane Austen wrote the novel in 1813. It was published by Thomas Egerton in London.",
    "The ball took place at Netherfield in November. Bingley danced with Jane twice.",
]
private let questions: [(Int, String, String)] = [
    (0, "Where did Elizabeth live?", "Longbourn"), (0, "How many sisters did Elizabeth have?", "four"),
    (0, "Who was her father?", "Mr. Bennet"), (1, "What did Mr. Darcy own?", "Pemberley"),
    (1, "Where was the estate?", "Derbyshire"), (1, "Who was his friend?", "Charles Bingley"),
    (2, "When was the novel written?", "1813"), (2, "Who published it?", "Thomas Egerton"),
    (2, "Where was it published?", "London"), (3, "Where was the ball?", "Netherfield"),
    (3, "When was the ball?", "November"), (3, "How often did Bingley dance with Jane?", "twice"),
]

/// A SQuAD 1.1 file of the questions above.
func tinySQuAD() throws -> String {
    var paragraphs: [[String: Any]] = []
    for (c, context) in contexts.enumerated() {
        let qas: [[String: Any]] = questions.enumerated().filter { $0.element.0 == c }.map { index, item in
            let start = context.unicodeScalars.count - context.components(separatedBy: item.2)[1...].joined(separator: item.2).unicodeScalars.count - item.2.unicodeScalars.count
            return ["id": "q\(index)", "question": item.1, "answers": [["text": item.2, "answer_start": start]]]
        }
        paragraphs.append(["context": context, "qas": qas])
    }
    let json: [String: Any] = ["version": "1.1", "data": [["title": "Pride", "paragraphs": paragraphs]]]
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("electra-squad-\(UUID().uuidString).json").path
    try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite("SQuAD fine-tuning", .serialized) struct SQuADFineTuningTests {
    @Test(arguments: [QuestionAnsweringHeadKind.joint, .span])
    func aSmallRunLearnsItsQuestions(head: QuestionAnsweringHeadKind) throws {
        let path = try tinySQuAD()
        let dataset = try SQuADDataset(contentsOf: path)
        #expect(dataset.answerProblems.isEmpty)
        let directory = Fixtures.directory.appendingPathComponent("model/discriminator").path
        let model = try QuestionAnsweringModel.load(directory, kind: head, answerability: false, seed: 3)
        let featurizer = SQuADFeaturizer(tokenizer: try ModelDirectory.tokenizer(for: directory, config: model.config),
                                         maxSequenceLength: 48, documentStride: 16, maxQueryLength: 16)
        let training = featurizer.featurize(dataset.examples, training: true)
        var settings = SQuADTrainingSettings()
        (settings.epochs, settings.batchSize, settings.learningRate, settings.warmupProportion, settings.layerDecay) = (60, 4, 1e-2, 0.1, 1)
        let tuner = SQuADFineTuner(model: model, settings: settings)
        let losses = tuner.train(training.features)
        let processor = SQuADPostProcessor(version: .v1_1)
        let evaluation = featurizer.featurize(dataset.examples, training: false)
        let predictions = tuner.predict(examples: dataset.examples, features: evaluation.features, postProcessor: processor)
        let output = path + "-predictions"
        _ = try predictions.write(to: output)
        let report = try SQuADEvaluation.run(dataFile: path, predictionsFile: output + "/predictions.json")
        let exact = report.v1!.exactMatch
        let first = losses.prefix(5).reduce(0, +) / 5, last = losses.suffix(5).reduce(0, +) / 5
        print("SQuAD fine-tuning (\(head.rawValue) head): loss \(first) → \(last), exact match on its own questions \(exact)")
        #expect(last < 0.5 * first)
        #expect(exact >= 50, "exact match \(exact): far above chance (a random span is almost never exact)")
        // The saved model reloads with its head and gives the same answers.
        try model.save(to: output + "/model", vocabulary: Vocabulary.bundledPath())
        let reloaded = try QuestionAnsweringModel.loadFineTuned(output + "/model")
        #expect(reloaded.kind == head && reloaded.parameters.flat.scalars == model.parameters.flat.scalars)
    }
}
