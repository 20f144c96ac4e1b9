// SQuADEvaluationInputs: the two files the official scripts read besides the data, kept in file
// order with Python `dict` semantics (the v2.0 best-threshold search depends on that order): the
// predictions (question id → answer text) and the no-answer probabilities (question id → number).

import Foundation

/// Predicted answers by question id (predictions.json), in file order.
public struct SQuADPredictedAnswers: Sendable {
    /// Question ids in file order, each once (a repeated id keeps its first position and its last text).
    public private(set) var ids: [String]
    /// Question id → answer text.
    public private(set) var answers: [String: String]

    /// Answers from `(id, text)` pairs, with `dict` semantics for repeated ids.
    public init(_ pairs: [(id: String, text: String)]) {
        ids = []
        answers = [:]
        for (id, text) in pairs {
            if answers.updateValue(text, forKey: id) == nil { ids.append(id) }
        }
    }

    /// The answers of post-processing, as predictions.json holds them.
    public init(_ predictions: SQuADPredictions) {
        self.init(predictions.questions.map { ($0.id, $0.text) })
    }

    /// Reads predictions.json at `path`.
    public init(contentsOf path: String) throws {
        try self.init(data: try SQuADEvaluationFiles.read(path), source: path)
    }

    /// Reads `{id: text}` JSON; `source` names it in errors.
    public init(data: Data, source: String = "predictions") throws {
        let reader = SQuADJSONReader(file: source)
        let pairs = try reader.object(try SQuADJSONParser.parse(data, file: source), at: SQuADJSONPath())
        self.init(try pairs.map { id, value in
            (id, try reader.string(value, at: SQuADJSONPath().member("\"\(id)\"")))
        })
    }

    /// The answer for `id`, if predicted.
    public subscript(id: String) -> String? { answers[id] }
}

/// No-answer probabilities (or any score where larger means "no answer") by question id
/// (null_odds.json), in file order.
public struct SQuADNoAnswerProbabilities: Sendable {
    /// Question ids in file order, each once.
    public private(set) var ids: [String]
    /// Question id → value.
    public private(set) var values: [String: Double]
    /// Ids whose value was written as an integer (Python then prints a threshold taken from it as
    /// an integer).
    private(set) var integerIds: Set<String>

    /// Values from `(id, value)` pairs, with `dict` semantics for repeated ids.
    public init(_ pairs: [(id: String, value: Double)]) {
        self.init(entries: pairs.map { ($0.id, $0.value, false) })
    }

    /// The null odds of SQuAD 2.0 post-processing, as null_odds.json holds them (nil for SQuAD 1.1).
    public init?(_ predictions: SQuADPredictions) {
        guard predictions.allowsNoAnswer else { return nil }
        self.init(predictions.questions.map { ($0.id, $0.nullOdds ?? 0) })
    }

    /// Reads null_odds.json (or any `{id: number}` file) at `path`.
    public init(contentsOf path: String) throws {
        try self.init(data: try SQuADEvaluationFiles.read(path), source: path)
    }

    /// Reads `{id: number}` JSON; `source` names it in errors.
    public init(data: Data, source: String = "no-answer probabilities") throws {
        let reader = SQuADJSONReader(file: source)
        let pairs = try reader.object(try SQuADJSONParser.parse(data, file: source), at: SQuADJSONPath())
        self.init(entries: try pairs.map { id, value in
            switch value {
            case .integer(let number): return (id, Double(number), true)
            case .float(let number): return (id, number, false)
            case .bool(let flag): return (id, flag ? 1 : 0, true)
            default: throw reader.mismatch(value, at: SQuADJSONPath().member("\"\(id)\""), expected: "a number")
            }
        })
    }

    private init(entries: [(id: String, value: Double, isInteger: Bool)]) {
        ids = []
        values = [:]
        integerIds = []
        for (id, value, isInteger) in entries {
            if values.updateValue(value, forKey: id) == nil { ids.append(id) }
            if isInteger { integerIds.insert(id) } else { integerIds.remove(id) }
        }
    }

    /// The value for `id`, if given.
    public subscript(id: String) -> Double? { values[id] }

    /// The value of `id` as `json.dumps` would print it.
    func literal(_ id: String) -> SQuADJSON {
        let value = values[id] ?? 0
        if integerIds.contains(id), let integer = Int(exactly: value) { return .integer(integer) }
        return .float(value)
    }
}

enum SQuADEvaluationFiles {
    /// The bytes of `path`, or `SQuADError.unreadable`.
    static func read(_ path: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SQuADError.unreadable(path: path, reason: error.localizedDescription)
        }
    }
}
