// LabeledTextRows: the text, pair, label and id cells of each row of a user's TSV, CSV or JSON-lines
// file, with columns resolved from the header (or JSON keys) and malformed rows set aside.

import Foundation

/// The cells `LabeledTextReader` asked for, row by row.
struct LabeledTextRows {
    struct Row {
        var id: String
        var text: String
        var pair: String?
        var label: String?
        var line: Int
    }

    var rows: [Row] = []
    var skipped: [SkippedRow] = []

    static func read(path: String, reader: LabeledTextReader) throws -> LabeledTextRows {
        switch reader.format {
        case .tsv: return try delimited(path: path, dialect: .glueTSV, reader: reader)
        case .csv: return try delimited(path: path, dialect: .csv, reader: reader)
        case .jsonl: return try jsonLines(path: path, reader: reader)
        }
    }

    private static func delimited(path: String, dialect: DelimitedDialect, reader: LabeledTextReader) throws -> LabeledTextRows {
        var records = try DelimitedText.read(path: path, dialect: dialect)[...]
        var header: [String] = []
        if reader.hasHeader {
            while let first = records.first, first.fields.isEmpty { records = records.dropFirst() }
            guard let first = records.popFirst() else { throw ClassificationError.emptySplit(path: path, skipped: 0) }
            header = first.fields
        }
        func resolve(_ reference: ColumnReference?) throws -> Int? {
            switch reference {
            case nil: return nil
            case .index(let index)?: return index
            case .name(let name)?:
                guard reader.hasHeader else { throw ClassificationError.columnNeedsHeader(path: path, column: name) }
                guard let index = header.firstIndex(of: name) else {
                    throw ClassificationError.unknownColumn(path: path, column: name, available: header)
                }
                return index
            }
        }
        let text = try resolve(reader.text)!
        let pair = try resolve(reader.pair), label = try resolve(reader.label), id = try resolve(reader.id)
        let needed = [text, pair ?? 0, label ?? 0, id ?? 0].max()! + 1
        var result = LabeledTextRows()
        var ordinal = 0
        for record in records where !record.fields.isEmpty {
            defer { ordinal += 1 }
            let cells = record.fields
            if record.invalidUTF8 {
                result.skipped.append(SkippedRow(path: path, line: record.line, reason: "not valid UTF-8"))
                continue
            }
            guard cells.count >= needed else {
                let separator = dialect.delimiter == UInt8(ascii: "\t") ? "tab" : "comma"
                result.skipped.append(SkippedRow(path: path, line: record.line,
                    reason: "\(cells.count) column\(cells.count == 1 ? "" : "s") (\(separator)-separated), column \(needed - 1) needed"))
                continue
            }
            result.rows.append(Row(id: id.map { cells[$0] } ?? String(ordinal), text: cells[text],
                                   pair: pair.map { cells[$0] }, label: label.map { cells[$0] }, line: record.line))
        }
        return result
    }

    private static func jsonLines(path: String, reader: LabeledTextReader) throws -> LabeledTextRows {
        for case .index(let index)? in [reader.text, reader.pair, reader.label, reader.id] {
            throw ClassificationError.columnNeedsHeader(path: path, column: String(index))
        }
        let records = try DelimitedText.read(path: path, dialect: .lines)
        var result = LabeledTextRows()
        var ordinal = 0
        for record in records {
            guard let line = record.fields.first, !line.allSatisfy(\.isWhitespace) else { continue }
            defer { ordinal += 1 }
            func skip(_ reason: String) { result.skipped.append(SkippedRow(path: path, line: record.line, reason: reason)) }
            if record.invalidUTF8 { skip("not valid UTF-8"); continue }
            let object: SQuADJSON
            do {
                object = try SQuADJSONParser.parse(Data(line.utf8), file: path)
            } catch {
                skip("not valid JSON")
                continue
            }
            guard case .object = object else { skip("not a JSON object"); continue }
            func cell(_ reference: ColumnReference?) -> (present: Bool, value: String?) {
                guard case .name(let key)? = reference else { return (true, nil) }
                guard let value = object.value(forKey: key), let text = scalarText(value) else { return (false, nil) }
                return (true, text)
            }
            let text = cell(reader.text), pair = cell(reader.pair), label = cell(reader.label), id = cell(reader.id)
            let missing = [(reader.text, text), (reader.pair, pair), (reader.label, label), (reader.id, id)]
                .filter { !$0.1.present }.compactMap { $0.0?.description }
            guard missing.isEmpty else {
                skip("no string or number under \(missing.map { "\"\($0)\"" }.joined(separator: ", "))")
                continue
            }
            result.rows.append(Row(id: id.value ?? String(ordinal), text: text.value ?? "", pair: pair.value,
                                   label: label.value, line: record.line))
        }
        return result
    }

    /// A JSON string as is, a number as Python's `str` writes it (`1`, `0.5`), a Boolean as
    /// `true`/`false`; `nil` for null, arrays and objects.
    private static func scalarText(_ value: SQuADJSON) -> String? {
        switch value {
        case .string(let text): return text
        case .integer(let number): return String(number)
        case .float(let number): return SQuADJSONWriter.floatText(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null, .array, .object: return nil
        }
    }
}
