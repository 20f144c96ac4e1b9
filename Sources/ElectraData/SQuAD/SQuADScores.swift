// SQuADScores: the results of the official SQuAD evaluations, and their JSON exactly as the official
// scripts print it (v1.1 on one line, v2.0 with `indent=2`).

/// `evaluate-v1.1.py`'s result, in percent.
public struct SQuADV1Scores: Sendable, Equatable {
    /// `exact_match`.
    public var exactMatch: Double
    /// `f1`.
    public var f1: Double
    /// Questions in the data set (each counts, predicted or not).
    public var total: Int
    /// Questions without a prediction (scored 0; the official script warns about each).
    public var unanswered: [String]

    /// Scores in percent over `total` questions.
    public init(exactMatch: Double, f1: Double, total: Int, unanswered: [String] = []) {
        self.exactMatch = exactMatch
        self.f1 = f1
        self.total = total
        self.unanswered = unanswered
    }

    /// `json.dumps({"exact_match": …, "f1": …})`, what the official script prints.
    public var json: String {
        SQuADJSONWriter.dumps(.object([("exact_match", .float(exactMatch)), ("f1", .float(f1))]))
    }
}

/// `evaluate-v2.0.py`'s result, in percent.
public struct SQuADV2Scores: Sendable, Equatable {
    /// Exact match, F1 and count over a set of questions.
    public struct Subset: Sendable, Equatable {
        /// Exact match, percent.
        public var exact: Double
        /// F1, percent.
        public var f1: Double
        /// Questions in the set.
        public var total: Int

        /// Scores of a set of `total` questions.
        public init(exact: Double, f1: Double, total: Int) {
            self.exact = exact
            self.f1 = f1
            self.total = total
        }
    }

    /// A no-answer probability used as threshold, as the file wrote it.
    public struct Threshold: Sendable, Equatable {
        /// The value.
        public var value: Double
        /// How `json.dumps` prints it (an integer when the file had one).
        var literal: SQuADJSON

        /// A threshold printed as a float.
        public init(value: Double) {
            self.value = value
            literal = .float(value)
        }

        init(value: Double, literal: SQuADJSON) {
            self.value = value
            self.literal = literal
        }
    }

    /// The best scores over all no-answer thresholds (`find_all_best_thresh`).
    public struct Best: Sendable, Equatable {
        /// `best_exact`, percent.
        public var exact: Double
        /// `best_exact_thresh`.
        public var exactThreshold: Threshold
        /// `best_f1`, percent.
        public var f1: Double
        /// `best_f1_thresh`.
        public var f1Threshold: Threshold

        /// The best scores and where they were reached.
        public init(exact: Double, exactThreshold: Threshold, f1: Double, f1Threshold: Threshold) {
            self.exact = exact
            self.exactThreshold = exactThreshold
            self.f1 = f1
            self.f1Threshold = f1Threshold
        }
    }

    /// All questions: `exact`, `f1`, `total`.
    public var overall: Subset
    /// Answerable questions: `HasAns_*` (nil when there are none).
    public var hasAnswer: Subset?
    /// Unanswerable questions: `NoAns_*` (nil when there are none).
    public var noAnswer: Subset?
    /// `best_exact`, `best_exact_thresh`, `best_f1`, `best_f1_thresh` (only with no-answer probabilities).
    public var best: Best?

    /// Scores from their parts.
    public init(overall: Subset, hasAnswer: Subset?, noAnswer: Subset?, best: Best?) {
        self.overall = overall
        self.hasAnswer = hasAnswer
        self.noAnswer = noAnswer
        self.best = best
    }

    /// `json.dumps(out_eval, indent=2)`, what the official script prints.
    public var json: String {
        var pairs: [(key: String, value: SQuADJSON)] = []
        func add(_ subset: Subset, prefix: String) {
            pairs.append((prefix + "exact", .float(subset.exact)))
            pairs.append((prefix + "f1", .float(subset.f1)))
            pairs.append((prefix + "total", .integer(subset.total)))
        }
        add(overall, prefix: "")
        if let hasAnswer { add(hasAnswer, prefix: "HasAns_") }
        if let noAnswer { add(noAnswer, prefix: "NoAns_") }
        if let best {
            pairs += [("best_exact", .float(best.exact)), ("best_exact_thresh", best.exactThreshold.literal),
                      ("best_f1", .float(best.f1)), ("best_f1_thresh", best.f1Threshold.literal)]
        }
        return SQuADJSONWriter.dumps(.object(pairs), indent: 2)
    }
}
