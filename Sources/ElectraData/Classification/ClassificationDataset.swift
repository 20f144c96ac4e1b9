// ClassificationDataset: the examples of one split of a sentence(-pair) classification or regression
// task, with their labels resolved, and the rows that were left out.

/// The label of one example: a class (an index into the data set's `labelNames`) or a real score.
public enum ClassificationLabel: Equatable, Hashable, Sendable {
    case category(Int)
    case score(Double)

    /// The class index, or `nil` for a score.
    public var category: Int? { if case .category(let index) = self { return index } else { return nil } }

    /// The score, or `nil` for a class.
    public var score: Double? { if case .score(let value) = self { return value } else { return nil } }
}

/// One text or text pair with its label.
public struct LabeledExample: Equatable, Sendable {
    /// The example's identifier: a test file's `index`/`id` column, otherwise its 0-based row number
    /// among the file's data rows (Google's `eid`).
    public var id: String
    /// The first (or only) text.
    public var text: String
    /// The second text of a pair task.
    public var pair: String?
    /// The label, or `nil` in an unlabelled (test) split.
    public var label: ClassificationLabel?
    /// The 1-based line of the file the example's row starts on.
    public var line: Int

    public init(id: String, text: String, pair: String? = nil, label: ClassificationLabel? = nil, line: Int) {
        self.id = id
        self.text = text
        self.pair = pair
        self.label = label
        self.line = line
    }
}

/// The examples of one file, with the label vocabulary they are expressed in.
public struct ClassificationDataset: Equatable, Sendable {
    /// The file read.
    public var path: String
    /// The class names, index `i` being `ClassificationLabel.category(i)`; empty for regression.
    public var labelNames: [String]
    /// Whether labels are real scores.
    public var isRegression: Bool
    public var examples: [LabeledExample]
    /// Malformed rows left out, each with its line and reason.
    public var skipped: [SkippedRow]

    public init(path: String, labelNames: [String], isRegression: Bool, examples: [LabeledExample],
                skipped: [SkippedRow] = []) {
        self.path = path
        self.labelNames = labelNames
        self.isRegression = isRegression
        self.examples = examples
        self.skipped = skipped
    }

    /// Whether every example has a label.
    public var isLabelled: Bool { !examples.isEmpty && examples.allSatisfy { $0.label != nil } }

    /// The label as the files write it: the class name, or the score in Python's `repr` form for scores.
    public func labelText(_ label: ClassificationLabel) -> String {
        switch label {
        case .category(let index): return labelNames[index]
        case .score(let value): return SQuADJSONWriter.floatText(value)
        }
    }

    /// The class index of the label written `text`, or `nil` if the data set has no such class.
    public func category(named text: String) -> Int? { labelNames.firstIndex(of: text) }
}
