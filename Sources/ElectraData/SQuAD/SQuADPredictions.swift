// SQuADPredictions: the answers of post-processing and the files the official evaluation scripts
// read: predictions.json, nbest_predictions.json and (SQuAD 2.0) null_odds.json, written as
// Python's `json.dumps(…, indent=4)` writes them, each atomically.

import ElectraTensor
import Foundation

/// Answers for a list of questions, with their n-best lists and (SQuAD 2.0) null odds.
public struct SQuADPredictions: Sendable {
    /// What the n-best scores are.
    public enum ScoreKind: Sendable, Equatable {
        /// Plain head: logits (`start_logit`, `end_logit` in nbest_predictions.json).
        case logits
        /// Joint head: log-probabilities (`start_log_prob`, `end_log_prob`).
        case logProbabilities
    }

    /// One entry of an n-best list.
    public struct Candidate: Sendable, Equatable {
        /// The answer text ("" is "no answer"; "empty" is the reference's filler when nothing else
        /// was found).
        public var text: String
        /// Softmax of `startScore + endScore` over the n-best list.
        public var probability: Double
        /// Start logit or log-probability.
        public var startScore: Double
        /// End logit or log-probability.
        public var endScore: Double

        /// An n-best entry.
        public init(text: String, probability: Double, startScore: Double, endScore: Double) {
            self.text = text
            self.probability = probability
            self.startScore = startScore
            self.endScore = endScore
        }
    }

    /// One question's prediction.
    public struct Question: Sendable, Equatable {
        /// The question id.
        public var id: String
        /// The answer ("" for no answer).
        public var text: String
        /// The n-best list, best first (empty only for a question whose context has no token).
        public var nBest: [Candidate]
        /// SQuAD 2.0: the null score minus the best answer's score (plain head), or the
        /// answerability logit (joint head); the answer is "" when it exceeds the threshold.
        public var nullOdds: Double?

        /// A question's prediction.
        public init(id: String, text: String, nBest: [Candidate], nullOdds: Double?) {
            self.id = id
            self.text = text
            self.nBest = nBest
            self.nullOdds = nullOdds
        }
    }

    /// What the n-best scores are.
    public var scoreKind: ScoreKind
    /// Whether this is SQuAD 2.0 (null odds present).
    public var allowsNoAnswer: Bool
    /// The questions, in data order.
    public var questions: [Question]

    /// Predictions for `questions`.
    public init(scoreKind: ScoreKind, allowsNoAnswer: Bool, questions: [Question]) {
        self.scoreKind = scoreKind
        self.allowsNoAnswer = allowsNoAnswer
        self.questions = questions
    }

    /// Question id → answer text.
    public var answers: [String: String] {
        Dictionary(questions.map { ($0.id, $0.text) }, uniquingKeysWith: { _, last in last })
    }

    /// predictions.json: `{id: text}`.
    public var predictionsJSON: String {
        SQuADJSONWriter.dumps(.object(questions.map { ($0.id, .string($0.text)) }), indent: 4) + "\n"
    }

    /// nbest_predictions.json: `{id: [{text, probability, start_logit, end_logit}]}` (or
    /// `start_log_prob`, `end_log_prob` for the joint head).
    public var nBestJSON: String {
        let (startKey, endKey) = scoreKind == .logits ? ("start_logit", "end_logit") : ("start_log_prob", "end_log_prob")
        let value = SQuADJSON.object(questions.map { question in
            (question.id, .array(question.nBest.map { candidate in
                .object([("text", .string(candidate.text)), ("probability", .float(candidate.probability)),
                         (startKey, .float(candidate.startScore)), (endKey, .float(candidate.endScore))])
            }))
        })
        return SQuADJSONWriter.dumps(value, indent: 4) + "\n"
    }

    /// null_odds.json: `{id: null odds}` (SQuAD 2.0 only), what `evaluate-v2.0.py --na-prob-file` reads.
    public var nullOddsJSON: String? {
        guard allowsNoAnswer else { return nil }
        return SQuADJSONWriter.dumps(.object(questions.map { ($0.id, .float($0.nullOdds ?? 0)) }), indent: 4) + "\n"
    }

    /// Writes predictions.json, nbest_predictions.json and, for SQuAD 2.0, null_odds.json into
    /// `directory` (created when missing), each under a temporary name first, then renamed.
    /// - Returns: the paths written.
    @discardableResult
    public func write(to directory: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SQuADError.notWritable(path: directory, reason: error.localizedDescription)
        }
        var files = [("predictions.json", predictionsJSON), ("nbest_predictions.json", nBestJSON)]
        if let nullOdds = nullOddsJSON { files.append(("null_odds.json", nullOdds)) }
        return try files.map { name, text in
            let path = (directory as NSString).appendingPathComponent(name)
            try writeAtomically(Data(text.utf8), to: path)
            return path
        }
    }
}
