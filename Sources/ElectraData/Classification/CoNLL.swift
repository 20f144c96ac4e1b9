// CoNLL: token-per-line tagging files (CoNLL-2000/2003 style): columns split by whitespace, the tag in
// the last column, blank lines between sentences, `-DOCSTART-` lines skipped; and the writer of
// `token gold predicted` files that conlleval reads.

import ElectraTensor
import Foundation

/// One sentence of a CoNLL file.
public struct CoNLLSentence: Equatable, Sendable {
    /// Each token's columns: the word first, the tag last (CoNLL-2003: word, POS, chunk, NER tag).
    public var rows: [[String]]
    /// The 1-based line of each token.
    public var lines: [Int]

    public init(rows: [[String]], lines: [Int]) {
        precondition(rows.count == lines.count, "one line number per row")
        self.rows = rows
        self.lines = lines
    }

    /// The 1-based line of the sentence's first token.
    public var line: Int { lines[0] }

    /// The words (first column).
    public var tokens: [String] { rows.map { $0[0] } }
    /// The tags (last column).
    public var tags: [String] { rows.map { $0[$0.count - 1] } }

    /// Column `offset` counted from the end (`0` the last, `1` the one before), as conlleval reads
    /// gold (second to last) and predicted (last) tags.
    public func column(fromEnd offset: Int) -> [String] { rows.map { $0[$0.count - 1 - offset] } }
}

/// A CoNLL file's sentences.
public struct CoNLLDocument: Equatable, Sendable {
    public var path: String
    public var sentences: [CoNLLSentence]
    /// Rows left out (a token line with fewer columns than the file's others, invalid UTF-8).
    public var skipped: [SkippedRow]

    /// The tags seen in the file, sorted.
    public var tagSet: [String] { Array(Set(sentences.flatMap(\.tags))).sorted() }

    /// Each sentence's tags (last column) as indices into `labels` (the training file's `tagSet`).
    /// - Throws: `ClassificationError.unseenLabel` naming the first tag `labels` lacks and its line.
    public func tagIndices(_ labels: [String]) throws -> [[Int]] {
        let index = Dictionary(labels.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return try sentences.map { sentence in
            try zip(sentence.tags, sentence.lines).map { tag, line in
                guard let id = index[tag] else { throw ClassificationError.unseenLabel(path: path, line: line, label: tag, known: labels) }
                return id
            }
        }
    }
}

/// Reading and writing CoNLL files.
public enum CoNLL {
    /// The sentences of `path`. A line whose first field is `-DOCSTART-` ends the sentence before it and
    /// is dropped (as Hugging Face's CoNLL-2003 loader does; conlleval reads it as an `O` token, which
    /// changes no entity); a token row needs at least `minimumColumns` fields.
    /// - Throws: `ClassificationError.unreadable`, or `.emptySplit` when the file holds no token.
    public static func read(path: String, minimumColumns: Int = 2) throws -> CoNLLDocument {
        try document(DelimitedText.read(path: path, dialect: .lines), path: path, minimumColumns: minimumColumns)
    }

    /// The sentences of `data` (`path` names it in errors).
    public static func parse(_ data: Data, path: String, minimumColumns: Int = 2) throws -> CoNLLDocument {
        try document(DelimitedText.parse(data, dialect: .lines, path: path), path: path, minimumColumns: minimumColumns)
    }

    private static func document(_ records: [DelimitedRecord], path: String, minimumColumns: Int) throws -> CoNLLDocument {
        var sentences: [CoNLLSentence] = []
        var skipped: [SkippedRow] = []
        var current: [[String]] = []
        var lines: [Int] = []
        func flush() {
            if !current.isEmpty { sentences.append(CoNLLSentence(rows: current, lines: lines)) }
            current = []
            lines = []
        }
        for record in records {
            let text = record.fields.first ?? ""
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if fields.isEmpty { flush(); continue }
            if fields[0] == "-DOCSTART-" { flush(); continue }
            if record.invalidUTF8 {
                skipped.append(SkippedRow(path: path, line: record.line, reason: "not valid UTF-8"))
                continue
            }
            guard fields.count >= minimumColumns else {
                skipped.append(SkippedRow(path: path, line: record.line,
                                          reason: "\(fields.count) column\(fields.count == 1 ? "" : "s"), at least \(minimumColumns) needed"))
                continue
            }
            current.append(fields)
            lines.append(record.line)
        }
        flush()
        guard !sentences.isEmpty else { throw ClassificationError.emptySplit(path: path, skipped: skipped.count) }
        return CoNLLDocument(path: path, sentences: sentences, skipped: skipped)
    }

    /// The text of a `token gold predicted` file: one token a line, fields split by a space, a blank line
    /// after each sentence: what conlleval (`conlleval < file`) and `electra evaluate ner` read.
    /// Each sentence's `tokens`, `gold` and `predicted` have one entry per token.
    public static func evaluationText(tokens: [[String]], gold: [[String]], predicted: [[String]]) -> String {
        precondition(tokens.count == gold.count && gold.count == predicted.count, "one gold and one predicted sequence per sentence")
        var out = ""
        for s in tokens.indices {
            precondition(tokens[s].count == gold[s].count && gold[s].count == predicted[s].count, "one tag per token")
            for t in tokens[s].indices {
                // A token with whitespace inside would split into more columns: conlleval has no escape, so join it.
                let token = tokens[s][t].split(whereSeparator: \.isWhitespace).joined(separator: "_")
                out += (token.isEmpty ? "_" : token) + " " + gold[s][t] + " " + predicted[s][t] + "\n"
            }
            out += "\n"
        }
        return out
    }

    /// Writes `evaluationText(tokens:gold:predicted:)` to `path` atomically.
    public static func writeEvaluation(tokens: [[String]], gold: [[String]], predicted: [[String]], to path: String) throws {
        do {
            try writeAtomically(Data(evaluationText(tokens: tokens, gold: gold, predicted: predicted).utf8), to: path)
        } catch let error as FileWriteError {
            throw ClassificationError.notWritable(path: error.path, reason: error.reason)
        }
    }
}
