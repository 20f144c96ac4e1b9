// SQuADEvaluation: files in, official scores out — what `electra evaluate squad` runs: reads the
// data, the predictions and the optional no-answer probabilities, picks v1.1 or v2.0 scoring, and
// gives the JSON the official script would print with its warnings.

/// Scores prediction files against a SQuAD data file.
public enum SQuADEvaluation {
    /// The outcome: the scores, the JSON to print, and the warnings the official script would give.
    public struct Report: Sendable {
        /// The scoring used.
        public var version: SQuADVersion
        /// v1.1 scores (when `version` is `.v1_1`).
        public var v1: SQuADV1Scores?
        /// v2.0 scores (when `version` is `.v2_0`).
        public var v2: SQuADV2Scores?
        /// The metrics as the official script prints them (without the final newline).
        public var json: String
        /// Lines the official script writes to standard error (v1.1: one per unanswered question).
        public var warnings: [String]
    }

    /// Scores `predictionsFile` against `dataFile`.
    /// - Parameters:
    ///   - dataFile: SQuAD dev JSON.
    ///   - predictionsFile: `{id: answer}` JSON (predictions.json).
    ///   - noAnswerProbabilitiesFile: `{id: number}` JSON (null_odds.json), v2.0 only.
    ///   - threshold: `--na-prob-thresh`, v2.0 only (1.0).
    ///   - version: the scoring; nil detects it from the data (`SQuADDataset.version`).
    ///   - summation: v2.0: the Python whose `sum()` to match (3.11 by default).
    /// - Throws: `SQuADError`, naming the file and the fix.
    public static func run(dataFile: String, predictionsFile: String, noAnswerProbabilitiesFile: String? = nil,
                           threshold: Double = 1.0, version: SQuADVersion? = nil,
                           summation: SQuADPythonSummation = .python311) throws -> Report {
        let dataset = try SQuADDataset(contentsOf: dataFile)
        let predictions = try SQuADPredictedAnswers(contentsOf: predictionsFile)
        let scoring = version ?? dataset.version
        switch scoring {
        case .v1_1:
            let scores = try SQuADMetrics.evaluateV1(dataset: dataset, predictions: predictions)
            return Report(version: .v1_1, v1: scores, v2: nil, json: scores.json,
                          warnings: scores.unanswered.map { "Unanswered question \($0) will receive score 0." })
        case .v2_0:
            let probabilities = try noAnswerProbabilitiesFile.map { try SQuADNoAnswerProbabilities(contentsOf: $0) }
            let scores = try SQuADMetrics.evaluateV2(
                dataset: dataset, predictions: predictions, noAnswerProbabilities: probabilities, threshold: threshold,
                predictionsSource: predictionsFile, probabilitiesSource: noAnswerProbabilitiesFile ?? predictionsFile,
                summation: summation)
            return Report(version: .v2_0, v1: nil, v2: scores, json: scores.json, warnings: [])
        }
    }
}
