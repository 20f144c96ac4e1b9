// SQuADTarget: the input is up to three files separated by NUL bytes: a SQuAD data file, a
// predictions file and a no-answer probability file (the third may be absent). Each is read alone;
// the data is featurized for training and for prediction with a small vocabulary, and answers are
// post-processed from made-up logits; then the predictions are scored against the data as
// `electra evaluate squad` does, as v1.1 and as v2.0.

import ElectraData
import ElectraTokenizer

enum SQuADTarget {
    /// A featurizer with short windows, so that small contexts already span several.
    private static let featurizer: SQuADFeaturizer? = {
        let words = "the a of is in by who what when it was wrote written novel jane austen 1813 . , ? ' \" -"
        let letters = "abcdefghijklmnopqrstuvwxyz0123456789".map(String.init)
        let tokens = Vocabulary.specialTokens + words.split(separator: " ").map(String.init) + letters + letters.map { "##" + $0 }
        guard let vocabulary = try? Vocabulary(tokens: tokens) else { return nil }
        return SQuADFeaturizer(tokenizer: BertTokenizer(vocabulary: vocabulary), maxSequenceLength: 24, documentStride: 5,
                               maxQueryLength: 8)
    }()

    static func run(_ input: [UInt8]) {
        let parts = fileParts(input, count: 3)
        let data = Scratch.write(parts[0], to: "squad/data.json")
        let predictions = Scratch.write(parts.count > 1 ? parts[1] : [], to: "squad/predictions.json")
        let probabilities = parts.count > 2 ? Scratch.write(parts[2], to: "squad/na_probs.json") : nil
        if let dataset = try? SQuADDataset(contentsOf: data), let featurizer {
            _ = featurizer.featurize(dataset.examples, training: true)
            let features = featurizer.featurize(dataset.examples, training: false).features
            // Answers from made-up logits that favour a different span in each window: post-processing
            // maps the chosen tokens back to text through the tokenizer's offsets.
            let outputs = features.enumerated().map { f, feature in
                let logits = (0..<feature.sequenceLength).map { Float(($0 * 7 + f * 3) % 11) }
                return SQuADSpanLogits(startLogits: logits, endLogits: logits.reversed())
            }
            for version in SQuADVersion.allCases {
                _ = SQuADPostProcessor(version: version).predictions(examples: dataset.examples, features: features, outputs: outputs)
            }
        }
        _ = try? SQuADPredictedAnswers(contentsOf: predictions)
        if let probabilities { _ = try? SQuADNoAnswerProbabilities(contentsOf: probabilities) }
        for version in SQuADVersion.allCases {
            _ = try? SQuADEvaluation.run(dataFile: data, predictionsFile: predictions, noAnswerProbabilitiesFile: probabilities,
                                         version: version)
        }
    }

    /// A v1.1 set with its predictions, and a v2.0 set with predictions and no-answer probabilities.
    static func seeds() -> [(name: String, bytes: [UInt8])] {
        let v1 = #"""
        {"version": "1.1", "data": [{"title": "Novel", "paragraphs": [{"context": "Pride and Prejudice is a novel written by Jane Austen in 1813.",
         "qas": [{"id": "q1", "question": "Who wrote it?", "answers": [{"text": "Jane Austen", "answer_start": 42}, {"text": "Austen", "answer_start": 47}]},
                 {"id": "q2", "question": "When?", "answers": [{"text": "1813", "answer_start": 57}]}]}]}]}
        """#
        let v2 = #"""
        {"version": "v2.0", "data": [{"title": "Café", "paragraphs": [{"context": "Le café est né à Paris. ☕ It opened in 1686.",
         "qas": [{"id": "a", "question": "Where?", "answers": [{"text": "Paris", "answer_start": 17}], "is_impossible": false},
                 {"id": "b", "question": "Who owned it?", "answers": [], "plausible_answers": [{"text": "Le café", "answer_start": 0}], "is_impossible": true},
                 {"id": "c", "question": "When did it open?", "answers": [{"text": "1686", "answer_start": 39}]}]}]}]}
        """#
        let v1Predictions = #"{"q1": "Jane Austen", "q2": "in 1813"}"#
        let v2Predictions = #"{"a": "Paris", "b": "", "c": "1686", "extra": "x"}"#
        let v2Probabilities = #"{"a": 0.1, "b": 0.9, "c": 1, "extra": -2.5e-3}"#
        return [("v1.1", joinedFiles([Array(v1.utf8), Array(v1Predictions.utf8)])),
                ("v2.0", joinedFiles([Array(v2.utf8), Array(v2Predictions.utf8), Array(v2Probabilities.utf8)]))]
    }
}
