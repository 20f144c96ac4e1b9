// ClassificationError: why a classification, GLUE or CoNLL file could not be used, with the fix.

/// A problem with a text-classification or tagging file; each message names the file, says where the
/// problem is, and what to do about it.
public enum ClassificationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file could not be opened or read.
    case unreadable(path: String, reason: String)
    /// A GLUE task directory lacks the file of a split; `expected` lists the names looked for.
    case missingSplit(directory: String, task: String, expected: [String])
    /// The split holds no usable example (all rows malformed, or none at all).
    case emptySplit(path: String, skipped: Int)
    /// A column named on the command line is not in the file's header.
    case unknownColumn(path: String, column: String, available: [String])
    /// A column is needed by name but the file has no header (or is JSON lines and the column is an index).
    case columnNeedsHeader(path: String, column: String)
    /// A label that the training split does not have (or that the task does not define).
    case unseenLabel(path: String, line: Int, label: String, known: [String])
    /// The file's structure is broken beyond one row (an unterminated quote, not JSON lines, no header).
    case malformedFile(path: String, line: Int, reason: String)
    /// Predictions and gold examples do not line up.
    case mismatchedPredictions(path: String, reason: String)
    /// A regression label or prediction that is not a number, or a classification label that is.
    case wrongLabelKind(path: String, reason: String)
    /// An output file could not be written.
    case notWritable(path: String, reason: String)

    /// The message for the user: what went wrong, where, and what to do.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason); check the path and its permissions"
        case .missingSplit(let directory, let task, let expected):
            return "\(directory) has no \(expected.joined(separator: " or ")) for \(task): pass the task's folder of the "
                + "GLUE distribution (as download_glue_data.py unpacks it), or the folder above it"
        case .emptySplit(let path, let skipped):
            let rows = skipped == 0 ? "no example" : "no usable example (\(skipped) malformed row\(skipped == 1 ? "" : "s") skipped)"
            return "\(path) holds \(rows): pass a file with at least one example in the expected columns"
        case .unknownColumn(let path, let column, let available):
            return "\(path) has no column \"\(column)\"; its header names \(available.map { "\"\($0)\"" }.joined(separator: ", ")): "
                + "pass one of those, or a 0-based column index"
        case .columnNeedsHeader(let path, let column):
            return "\(path): column \"\(column)\" needs a header naming it (JSON lines need key names): pass a 0-based index "
                + "for a file without a header, or the key of each JSON object"
        case .unseenLabel(let path, let line, let label, let known):
            let shown = known.prefix(20).map { "\"\($0)\"" }.joined(separator: ", ")
            return "\(path):\(line): label \"\(label)\" is not among the training labels (\(shown)\(known.count > 20 ? ", …" : "")): "
                + "fix the row, or train on data that has this label"
        case .malformedFile(let path, let line, let reason):
            return "\(path):\(line): \(reason); fix the file, or pass the right --format"
        case .mismatchedPredictions(let path, let reason):
            return "\(path): \(reason); predict on the same file as the gold labels"
        case .wrongLabelKind(let path, let reason):
            return "\(path): \(reason)"
        case .notWritable(let path, let reason):
            return "cannot write \(path): \(reason); check that the folder exists and is writable"
        }
    }
}

/// A row that was left out of a data set, with where it is and why.
public struct SkippedRow: Equatable, Sendable, CustomStringConvertible {
    public let path: String
    /// The 1-based line the row starts on.
    public let line: Int
    public let reason: String

    public init(path: String, line: Int, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    /// `path:line: skipped: reason`, the form compilers use so editors can jump to it.
    public var description: String { "\(path):\(line): skipped: \(reason)" }
}
