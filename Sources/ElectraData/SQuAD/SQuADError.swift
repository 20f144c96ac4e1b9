// SQuADError: why a SQuAD data, prediction or probability file could not be used, with the fix.

/// A problem with a SQuAD file; each message names the file, says where the problem is, and what
/// to do about it.
public enum SQuADError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// The file is not valid JSON (as Python's `json` module reads it); `line` and `column` count from 1.
    case malformedJSON(path: String, line: Int, column: Int, reason: String)
    /// The JSON is valid but a value is missing or of the wrong kind, at `location`
    /// (`data[3].paragraphs[0].qas[2].id`).
    case unexpectedValue(path: String, location: String, expected: String, found: String)
    /// A SQuAD v2.0 evaluation needs a prediction for every question (the official script stops
    /// otherwise); `ids` are the first few of `count` missing.
    case missingPredictions(path: String, count: Int, ids: [String])
    /// The no-answer probability file lacks a question that has a prediction.
    case missingNoAnswerProbability(path: String, id: String)
    /// The data set holds no question at all.
    case noQuestions(path: String)
    /// SQuAD 1.1 scoring met a question without gold answers (an unanswerable SQuAD 2.0 question).
    case noGoldAnswer(path: String, id: String)
    /// An output file could not be written.
    case notWritable(path: String, reason: String)

    /// The message for the user: what went wrong, where, and what to do.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason); check the path and its permissions"
        case .malformedJSON(let path, let line, let column, let reason):
            return "\(path):\(line):\(column): not valid JSON: \(reason); fix the file, or regenerate it"
        case .unexpectedValue(let path, let location, let expected, let found):
            return "\(path): \(location) should be \(expected) but is \(found); check that this is the right "
                + "kind of file (SQuAD data: {\"data\": [{\"paragraphs\": [{\"context\", \"qas\"}]}]}; "
                + "predictions: {question id: answer text}; no-answer probabilities: {question id: number})"
        case .missingPredictions(let path, let count, let ids):
            let shown = ids.map { "\"\($0)\"" }.joined(separator: ", ")
            return "\(path) has no prediction for \(count) question\(count == 1 ? "" : "s") of the data set "
                + "(\(shown)\(count > ids.count ? ", …" : "")): SQuAD 2.0 scores need an answer for every "
                + "question (\"\" for no answer); predict on the same data file"
        case .missingNoAnswerProbability(let path, let id):
            return "\(path) has no no-answer probability for question \"\(id)\": pass the null_odds.json "
                + "written with these predictions, or leave out --na-probs"
        case .noQuestions(let path):
            return "\(path) holds no question: pass a SQuAD data file with at least one question"
        case .noGoldAnswer(let path, let id):
            return "\(path): question \"\(id)\" has no gold answer, which SQuAD 1.1 scoring needs; this looks like "
                + "SQuAD 2.0 data: score it as 2.0 (--version 2.0)"
        case .notWritable(let path, let reason):
            return "cannot write \(path): \(reason); check that the folder exists and is writable"
        }
    }
}
