// LabeledTextReader: a user's own classification or regression data in TSV, CSV or JSON lines, with
// the text, optional pair, label and id columns named by header or 0-based index.

import Foundation

/// The layout of a user's data file.
public enum LabeledTextFormat: String, CaseIterable, Codable, Sendable {
    /// Tab-separated, no quote character (as GLUE's files).
    case tsv
    /// Comma-separated with RFC 4180 quotes.
    case csv
    /// One JSON object per line.
    case jsonl

    /// The format a file name implies: `.tsv`/`.tab`, `.csv`, `.jsonl`/`.ndjson`/`.json`; `nil` otherwise.
    public init?(path: String) {
        switch (path as NSString).pathExtension.lowercased() {
        case "tsv", "tab": self = .tsv
        case "csv": self = .csv
        case "jsonl", "ndjson", "json": self = .jsonl
        default: return nil
        }
    }
}

/// A column named by its header or JSON key, or by its 0-based position.
public enum ColumnReference: Equatable, Hashable, Sendable, CustomStringConvertible {
    case name(String)
    case index(Int)

    /// All decimal digits make an index (`0`, `3`); anything else a name.
    public init(_ text: String) {
        if !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber), let index = Int(text) {
            self = .index(index)
        } else {
            self = .name(text)
        }
    }

    public var description: String {
        switch self {
        case .name(let name): return name
        case .index(let index): return String(index)
        }
    }
}

/// Whether labels are classes or real scores.
public enum LabelKind: String, CaseIterable, Codable, Sendable {
    /// Regression when every label parses as a number and not every one is an integer (`0.5`, `3.0`);
    /// classification otherwise (`0`/`1`, `pos`/`neg`).
    case automatic
    case classification
    case regression
}

/// Reads labelled (or unlabelled) texts from a user's TSV, CSV or JSON-lines file.
public struct LabeledTextReader: Sendable {
    public var format: LabeledTextFormat
    public var text: ColumnReference
    public var pair: ColumnReference?
    /// The label column; `nil` reads texts only (for prediction).
    public var label: ColumnReference?
    /// The column of each example's identifier; `nil` numbers the data rows from 0.
    public var id: ColumnReference?
    /// Whether a TSV or CSV file starts with a header; `nil`: it does when any column is given by name.
    public var header: Bool?
    public var labelKind: LabelKind

    public init(format: LabeledTextFormat, text: ColumnReference, pair: ColumnReference? = nil,
                label: ColumnReference? = nil, id: ColumnReference? = nil, header: Bool? = nil,
                labelKind: LabelKind = .automatic) {
        self.format = format
        self.text = text
        self.pair = pair
        self.label = label
        self.id = id
        self.header = header
        self.labelKind = labelKind
    }

    /// Whether the first row of a delimited file is a header.
    public var hasHeader: Bool {
        header ?? [text, pair, label, id].contains { if case .name = $0 { return true } else { return false } }
    }

    /// The examples of `path`. With `training`, labels are read in its vocabulary and kind (a class it
    /// lacks is an error naming it); without, the classes are the labels seen, sorted (numerically when
    /// all are integers), and the kind follows `labelKind`.
    /// - Throws: `ClassificationError` for an unreadable or malformed file, an unknown column, an
    ///   unseen label, labels of the wrong kind, or no usable example. Malformed rows (missing columns,
    ///   a missing label, invalid UTF-8) are left out and listed in `skipped`.
    public func read(path: String, like training: ClassificationDataset? = nil) throws -> ClassificationDataset {
        let rows = try LabeledTextRows.read(path: path, reader: self)
        var examples: [LabeledExample] = []
        var rawLabels: [String] = []
        for row in rows.rows {
            examples.append(LabeledExample(id: row.id, text: row.text, pair: row.pair, label: nil, line: row.line))
            rawLabels.append(row.label ?? "")
        }
        guard !examples.isEmpty else { throw ClassificationError.emptySplit(path: path, skipped: rows.skipped.count) }
        guard label != nil else {
            return ClassificationDataset(path: path, labelNames: training?.labelNames ?? [],
                                         isRegression: training?.isRegression ?? (labelKind == .regression),
                                         examples: examples, skipped: rows.skipped)
        }
        let regression: Bool
        let names: [String]
        if let training {
            regression = training.isRegression
            names = training.labelNames
        } else {
            regression = try Self.isRegression(rawLabels, kind: labelKind, path: path)
            names = regression ? [] : Self.sortedClasses(rawLabels)
        }
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        for i in examples.indices {
            let text = rawLabels[i]
            if regression {
                guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                    throw ClassificationError.wrongLabelKind(path: path, reason: "line \(examples[i].line): label \"\(text)\" is not a number, "
                        + "and this is a regression (numeric labels that are not all integers, or --regression): fix the row, "
                        + "or pass --classification")
                }
                examples[i].label = .score(value)
            } else {
                guard let category = index[text] else {
                    throw ClassificationError.unseenLabel(path: path, line: examples[i].line, label: text, known: names)
                }
                examples[i].label = .category(category)
            }
        }
        return ClassificationDataset(path: path, labelNames: names, isRegression: regression, examples: examples,
                                     skipped: rows.skipped)
    }

    /// Whether `labels` make a regression under `kind` (see `LabelKind.automatic`).
    static func isRegression(_ labels: [String], kind: LabelKind, path: String) throws -> Bool {
        switch kind {
        case .classification: return false
        case .regression: return true
        case .automatic:
            let trimmed = labels.map { $0.trimmingCharacters(in: .whitespaces) }
            let numbers = trimmed.allSatisfy { Double($0).map(\.isFinite) ?? false }
            return numbers && !trimmed.allSatisfy { Int($0) != nil }
        }
    }

    /// The distinct labels, in numeric order when all are integers, otherwise in code-point order.
    static func sortedClasses(_ labels: [String]) -> [String] {
        let distinct = Array(Set(labels))
        let integers = distinct.compactMap { Int($0) }
        if integers.count == distinct.count {
            return distinct.sorted { Int($0)! < Int($1)! }
        }
        return distinct.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }
}
