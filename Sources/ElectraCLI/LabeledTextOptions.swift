// LabeledTextOptions: which columns of a user's TSV, CSV or JSON-lines file hold the text, the pair,
// the label and the id; shared by `finetune classify` and `predict --task classify`.

import ArgumentParser
import ElectraData

struct LabeledTextOptions: ParsableArguments {
    @Option(help: "The text's column: a header name (or JSON key), or a 0-based index.")
    var textColumn: String = "text"
    @Option(help: "The second text's column, for sentence pairs.")
    var pairColumn: String?
    @Option(help: "The label's column (classes, or real numbers for regression).")
    var labelColumn: String = "label"
    @Option(help: "The id's column (default: the row number).")
    var idColumn: String?
    @Option(help: "tsv, csv or jsonl (default: from the file's extension).")
    var format: LabeledTextFormat?
    @Flag(help: "Read the labels as classes even when they are numbers.")
    var classification = false
    @Flag(help: "Read the labels as real numbers (regression) even when they are all integers.")
    var regression = false

    func validate() throws {
        if classification && regression { throw ValidationError("give --classification or --regression, not both") }
    }

    /// The reader for `path` (with the label column unless `labelled` is false).
    func reader(for path: String, labelled: Bool = true) throws -> LabeledTextReader {
        guard let format = format ?? LabeledTextFormat(path: path) else {
            throw CommandError("cannot tell the format of \(path) from its extension: pass --format tsv, csv or jsonl")
        }
        return LabeledTextReader(format: format, text: ColumnReference(textColumn), pair: pairColumn.map(ColumnReference.init),
                                 label: labelled ? ColumnReference(labelColumn) : nil, id: idColumn.map(ColumnReference.init),
                                 labelKind: classification ? .classification : regression ? .regression : .automatic)
    }
}
