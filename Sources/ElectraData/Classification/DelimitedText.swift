// DelimitedText: rows of tab- or comma-separated files, as Python's `csv` module reads them: GLUE's
// TSV files with no quote character at all, and RFC 4180 CSV with quoted fields.

import Foundation

/// One row of a delimited file.
public struct DelimitedRecord: Equatable, Sendable {
    /// The 1-based line the row starts on.
    public let line: Int
    /// The fields, in order; an empty line has none.
    public let fields: [String]
    /// Whether some field was not valid UTF-8 (its bad bytes became U+FFFD).
    public let invalidUTF8: Bool

    public init(line: Int, fields: [String], invalidUTF8: Bool = false) {
        self.line = line
        self.fields = fields
        self.invalidUTF8 = invalidUTF8
    }
}

/// How fields are separated and quoted.
public struct DelimitedDialect: Equatable, Sendable {
    /// The field separator (a tab or a comma).
    public let delimiter: UInt8
    /// Whether `"` opens a quoted field (RFC 4180: delimiters and line breaks inside, `""` for a quote).
    /// GLUE's files are read with no quote character (`csv.reader(f, delimiter="\t", quotechar=None)` in
    /// Google's and Hugging Face's readers): SST-2, QQP and MNLI texts hold unbalanced `"`.
    public let quoted: Bool

    public init(delimiter: UInt8, quoted: Bool) {
        self.delimiter = delimiter
        self.quoted = quoted
    }

    /// GLUE's layout: tab-separated, no quote character.
    public static let glueTSV = DelimitedDialect(delimiter: UInt8(ascii: "\t"), quoted: false)
    /// Comma-separated with RFC 4180 quotes.
    public static let csv = DelimitedDialect(delimiter: UInt8(ascii: ","), quoted: true)
    /// Whole lines, each one field (for CoNLL and JSON-lines files).
    public static let lines = DelimitedDialect(delimiter: UInt8(ascii: "\n"), quoted: false)
}

/// Reading delimited text. Lines end at `\n`, `\r\n` or a lone `\r` (Python's universal newlines); a
/// UTF-8 byte-order mark at the start is dropped (Python's `utf-8-sig`).
public enum DelimitedText {
    /// The rows of the file at `path`.
    /// - Throws: `ClassificationError.unreadable`, or `.malformedFile` for a quote left open at the end.
    public static func read(path: String, dialect: DelimitedDialect) throws -> [DelimitedRecord] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ClassificationError.unreadable(path: path, reason: error.localizedDescription)
        }
        return try parse(data, dialect: dialect, path: path)
    }

    /// The rows of `data` (`path` names it in errors).
    public static func parse(_ data: Data, dialect: DelimitedDialect, path: String) throws -> [DelimitedRecord] {
        var records: [DelimitedRecord] = []
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var bytes = raw.bindMemory(to: UInt8.self)[...]
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            if dialect.quoted {
                var parser = Parser(dialect: dialect)
                try parser.run(bytes, path: path) { records.append($0) }
            } else {
                splitUnquoted(bytes, delimiter: dialect.delimiter) { records.append($0) }
            }
        }
        return records
    }

    /// Rows without quoting: each field is decoded straight from its bytes (the fast path for GLUE's files).
    private static func splitUnquoted(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, delimiter: UInt8,
                                      emit: (DelimitedRecord) -> Void) {
        let newline = UInt8(ascii: "\n"), carriage = UInt8(ascii: "\r")
        var line = 1
        var index = bytes.startIndex
        while index < bytes.endIndex {
            var fields: [String] = []
            var invalid = false
            var fieldStart = index
            func endField(_ end: Int) {
                let piece = UnsafeBufferPointer(rebasing: bytes[fieldStart..<end])
                if let text = String(validating: piece, as: UTF8.self) {
                    fields.append(text)
                } else {
                    fields.append(String(decoding: piece, as: UTF8.self))
                    invalid = true
                }
            }
            while index < bytes.endIndex && bytes[index] != newline && bytes[index] != carriage {
                if bytes[index] == delimiter {
                    endField(index)
                    fieldStart = index + 1
                }
                index += 1
            }
            // An empty line has no field; otherwise the last field runs to the line's end.
            if index > fieldStart || !fields.isEmpty { endField(index) }
            if index < bytes.endIndex {
                if bytes[index] == carriage && index + 1 < bytes.endIndex && bytes[index + 1] == newline { index += 1 }
                index += 1
            }
            emit(DelimitedRecord(line: line, fields: fields, invalidUTF8: invalid))
            line += 1
        }
    }

    /// A byte-at-a-time state machine over the file (quoted fields).
    private struct Parser {
        let dialect: DelimitedDialect
        var line = 1
        var recordLine = 1
        var fields: [String] = []
        var field: [UInt8] = []
        var invalid = false
        /// Inside a quoted field; `quoteStart` is the line it opened on.
        var inQuotes = false
        var quoteStart = 0
        /// The previous byte closed a quoted field, or was the first `"` of a `""` pair.
        var afterQuote = false
        /// Any byte (or a delimiter) has been seen on this row.
        var rowStarted = false

        init(dialect: DelimitedDialect) { self.dialect = dialect }

        mutating func endField() {
            if let text = String(validating: field, as: UTF8.self) {
                fields.append(text)
            } else {
                fields.append(String(decoding: field, as: UTF8.self))
                invalid = true
            }
            field.removeAll(keepingCapacity: true)
        }

        mutating func endRecord(_ emit: (DelimitedRecord) -> Void) {
            if rowStarted { endField() }
            emit(DelimitedRecord(line: recordLine, fields: fields, invalidUTF8: invalid))
            fields.removeAll(keepingCapacity: true)
            invalid = false
            rowStarted = false
            afterQuote = false
        }

        mutating func run(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, path: String,
                          emit: (DelimitedRecord) -> Void) throws {
            let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriage = UInt8(ascii: "\r")
            var index = bytes.startIndex
            while index < bytes.endIndex {
                let byte = bytes[index]
                index += 1
                if inQuotes {
                    if byte == quote {
                        inQuotes = false
                        afterQuote = true
                        continue
                    }
                    if byte == carriage {
                        // A line break inside quotes is kept as `\n` (universal newlines).
                        if index < bytes.endIndex && bytes[index] == newline { index += 1 }
                        field.append(newline)
                        line += 1
                        continue
                    }
                    if byte == newline { line += 1 }
                    field.append(byte)
                    continue
                }
                if byte == newline || byte == carriage {
                    if byte == carriage && index < bytes.endIndex && bytes[index] == newline { index += 1 }
                    endRecord(emit)
                    line += 1
                    recordLine = line
                    continue
                }
                if dialect.quoted && byte == quote {
                    if afterQuote {
                        // `""` inside a quoted field: one literal quote, and the field goes on quoted.
                        field.append(quote)
                        inQuotes = true
                        afterQuote = false
                        continue
                    }
                    if field.isEmpty {
                        rowStarted = true
                        inQuotes = true
                        quoteStart = line
                        continue
                    }
                }
                afterQuote = false
                rowStarted = true
                if byte == dialect.delimiter {
                    endField()
                } else {
                    field.append(byte)
                }
            }
            if inQuotes {
                throw ClassificationError.malformedFile(path: path, line: quoteStart,
                                                        reason: "a quoted field opened here is never closed")
            }
            if rowStarted { endRecord(emit) }
        }
    }
}
