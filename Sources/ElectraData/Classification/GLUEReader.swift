// GLUEReader: the splits of a GLUE task read from the GLUE distribution's files as they are, in the
// column layouts Google's ELECTRA and Hugging Face's GLUE processors read.

import Foundation

/// Where a split's texts, label and identifier sit in its rows (0-based columns).
public struct GLUELayout: Equatable, Sendable {
    /// Whether the first row is a header (CoLA's train and dev files have none).
    public var header: Bool
    public var text: Int
    public var pair: Int?
    /// The label's column; `nil` in unlabelled splits; `-1` for the last column (MNLI).
    public var label: Int?
    /// The column of the example's identifier (test files' `index`/`id`), or `nil` for the row number.
    public var id: Int?

    /// The columns a row must have.
    public var requiredColumns: Int { max(text, pair ?? 0, label ?? 0, id ?? 0) + 1 }
}

extension GLUETask {
    /// The column layout of `split`'s file (classification_tasks.py `_create_examples`; HF `glue.py`).
    public func layout(_ split: GLUESplit) -> GLUELayout {
        if split.isUnlabelled {
            switch self {
            case .cola, .sst2: return GLUELayout(header: true, text: 1, pair: nil, label: nil, id: 0)
            case .mrpc: return GLUELayout(header: true, text: 3, pair: 4, label: nil, id: 0)
            case .stsb: return GLUELayout(header: true, text: 7, pair: 8, label: nil, id: 0)
            case .mnli where split == .diagnostic: return GLUELayout(header: true, text: 1, pair: 2, label: nil, id: 0)
            case .mnli: return GLUELayout(header: true, text: 8, pair: 9, label: nil, id: 0)
            case .qqp, .qnli, .rte, .wnli: return GLUELayout(header: true, text: 1, pair: 2, label: nil, id: 0)
            }
        }
        switch self {
        case .cola: return GLUELayout(header: false, text: 3, pair: nil, label: 1, id: nil)
        case .sst2: return GLUELayout(header: true, text: 0, pair: nil, label: 1, id: nil)
        case .mrpc: return GLUELayout(header: true, text: 3, pair: 4, label: 0, id: nil)
        case .stsb: return GLUELayout(header: true, text: 7, pair: 8, label: 9, id: nil)
        case .qqp: return GLUELayout(header: true, text: 3, pair: 4, label: 5, id: nil)
        case .mnli: return GLUELayout(header: true, text: 8, pair: 9, label: -1, id: nil)
        case .qnli, .rte, .wnli: return GLUELayout(header: true, text: 1, pair: 2, label: 3, id: nil)
        }
    }

    /// The file names `split` may have in the task's folder; empty when the task has no such split
    /// (only MNLI has mismatched and diagnostic sets).
    public func fileNames(_ split: GLUESplit) -> [String] {
        switch (split, self) {
        case (.train, _): return ["train.tsv"]
        case (.dev, .mnli): return ["dev_matched.tsv"]
        case (.dev, _): return ["dev.tsv"]
        case (.test, .mnli): return ["test_matched.tsv"]
        case (.test, _): return ["test.tsv"]
        case (.devMismatched, .mnli): return ["dev_mismatched.tsv"]
        case (.testMismatched, .mnli): return ["test_mismatched.tsv"]
        // download_glue_data.py puts AX beside the tasks (diagnostic/diagnostic.tsv); some copies keep it in MNLI/.
        case (.diagnostic, .mnli): return ["diagnostic.tsv", "../diagnostic/diagnostic.tsv", "AX.tsv", "../AX/AX.tsv"]
        default: return []
        }
    }
}

/// Reads the splits of one GLUE task from its folder of the GLUE distribution.
public struct GLUEReader: Sendable {
    public let task: GLUETask
    /// The task's folder (`glue_data/MNLI`).
    public let directory: String

    /// A reader of `task` in `directory`: the task's folder, or the GLUE root that holds it
    /// (`glue_data`, with `MNLI/` inside).
    public init(task: GLUETask, directory: String) {
        self.task = task
        let nested = (directory as NSString).appendingPathComponent(task.displayName)
        let ownFiles = GLUESplit.allCases.flatMap { task.fileNames($0) }.filter { !$0.hasPrefix("..") }
        let hasOwn = ownFiles.contains { FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent($0)) }
        var isFolder: ObjCBool = false
        if !hasOwn, FileManager.default.fileExists(atPath: nested, isDirectory: &isFolder), isFolder.boolValue {
            self.directory = nested
        } else {
            self.directory = directory
        }
    }

    /// The path of `split`'s file.
    /// - Throws: `ClassificationError.missingSplit` when the folder has none of its names.
    public func path(for split: GLUESplit) throws -> String {
        let names = task.fileNames(split)
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: path) { return (path as NSString).standardizingPath }
        }
        let expected = names.isEmpty ? ["a \(split.rawValue) split (only MNLI has one)"] : names
        throw ClassificationError.missingSplit(directory: directory, task: task.displayName, expected: expected)
    }

    /// The examples of `split`.
    public func read(_ split: GLUESplit) throws -> ClassificationDataset {
        try Self.read(file: try path(for: split), task: task, split: split)
    }

    /// The examples of `file`, read in the layout of `task`'s `split` (a dev file given on its own).
    /// - Throws: `ClassificationError` for an unreadable file, an unknown label or no usable example.
    ///   Malformed rows (too few columns, invalid UTF-8, an STS-B score that is not a number) are left
    ///   out and listed in `skipped`.
    public static func read(file: String, task: GLUETask, split: GLUESplit) throws -> ClassificationDataset {
        let layout = task.layout(split)
        let records = try DelimitedText.read(path: file, dialect: .glueTSV)
        var examples: [LabeledExample] = []
        var skipped: [SkippedRow] = []
        for (ordinal, record) in records.enumerated() {
            if layout.header && ordinal == 0 { continue }
            if record.fields.isEmpty { continue }
            let row = record.fields
            func skip(_ reason: String) { skipped.append(SkippedRow(path: file, line: record.line, reason: reason)) }
            if record.invalidUTF8 { skip("not valid UTF-8"); continue }
            guard row.count >= layout.requiredColumns else {
                skip("\(row.count) column\(row.count == 1 ? "" : "s"), \(task.displayName) \(split.rawValue) rows have "
                     + "at least \(layout.requiredColumns) (tab-separated)")
                continue
            }
            var label: ClassificationLabel?
            if let column = layout.label {
                let text = column < 0 ? row[row.count + column] : row[column]
                if task.isRegression {
                    guard let score = Double(text), score.isFinite else { skip("score \"\(text)\" is not a number"); continue }
                    label = .score(score)
                } else {
                    guard let index = task.labels.firstIndex(of: text) else {
                        throw ClassificationError.unseenLabel(path: file, line: record.line, label: text, known: task.labels)
                    }
                    label = .category(index)
                }
            }
            let id = layout.id.map { row[$0] } ?? String(ordinal - (layout.header ? 1 : 0))
            examples.append(LabeledExample(id: id, text: row[layout.text], pair: layout.pair.map { row[$0] },
                                           label: label, line: record.line))
        }
        guard !examples.isEmpty else { throw ClassificationError.emptySplit(path: file, skipped: skipped.count) }
        return ClassificationDataset(path: file, labelNames: task.labels, isRegression: task.isRegression,
                                     examples: examples, skipped: skipped)
    }
}
