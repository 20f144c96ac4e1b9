// LabeledTextReaderTests: a user's TSV, CSV and JSON-lines files with columns by name and by index,
// label kinds (classes sorted, regression inferred or forced), dev labels read in the training
// vocabulary, and the errors and skipped rows bad files give.

import _TestSupport
@testable import ElectraData
import Foundation
import Testing

@Suite("Labeled text reader") struct LabeledTextReaderTests {
    let folder = TestDirectory("labeled-text")

    @Test("CSV with a header: quoted texts, pair and label by name; classes sorted")
    func csvByName() throws {
        let path = folder.write("train.csv", "id,premise,hypothesis,label\n7,\"A, b\",\"say \"\"x\"\"\",neg\n8,c,d,pos\n9,e,f,neg\n")
        let reader = LabeledTextReader(format: .csv, text: ColumnReference("premise"), pair: ColumnReference("hypothesis"),
                                       label: ColumnReference("label"), id: ColumnReference("id"))
        let data = try reader.read(path: path)
        #expect(data.labelNames == ["neg", "pos"] && !data.isRegression)
        #expect(data.examples.map(\.id) == ["7", "8", "9"])
        #expect(data.examples[0].text == "A, b" && data.examples[0].pair == "say \"x\"")
        #expect(data.examples.map(\.label) == [.category(0), .category(1), .category(0)])
        #expect(data.examples.map(\.line) == [2, 3, 4])
    }

    @Test("TSV without a header, columns by index; integer classes sorted numerically")
    func tsvByIndex() throws {
        let path = folder.write("train.tsv", "10\tten\n2\ttwo\n\n1\tone\n")
        let data = try LabeledTextReader(format: .tsv, text: .index(1), label: .index(0)).read(path: path)
        #expect(data.labelNames == ["1", "2", "10"])
        #expect(data.examples.map(\.id) == ["0", "1", "2"] && data.examples.map(\.text) == ["ten", "two", "one"])
    }

    @Test("Regression when every label is a number and not all are integers; forced either way")
    func labelKinds() throws {
        let reals = folder.write("reals.tsv", "t\ty\na\t0.5\nb\t3\nc\t-1e-2\n")
        let auto = try LabeledTextReader(format: .tsv, text: .name("t"), label: .name("y")).read(path: reals)
        #expect(auto.isRegression && auto.labelNames.isEmpty && auto.examples.map(\.label) == [.score(0.5), .score(3), .score(-0.01)])
        let forced = try LabeledTextReader(format: .tsv, text: .name("t"), label: .name("y"), labelKind: .classification).read(path: reals)
        #expect(!forced.isRegression && forced.labelNames == ["-1e-2", "0.5", "3"])
        let integers = folder.write("ints.tsv", "t\ty\na\t1\nb\t0\n")
        #expect(try !LabeledTextReader(format: .tsv, text: .name("t"), label: .name("y")).read(path: integers).isRegression)
        let regression = try LabeledTextReader(format: .tsv, text: .name("t"), label: .name("y"), labelKind: .regression).read(path: integers)
        #expect(regression.isRegression && regression.examples.map(\.label) == [.score(1), .score(0)])
        let words = folder.write("words.tsv", "t\ty\na\thigh\n")
        #expect(throws: ClassificationError.self) {
            try LabeledTextReader(format: .tsv, text: .name("t"), label: .name("y"), labelKind: .regression).read(path: words)
        }
    }

    @Test("JSON lines: string, number and Boolean labels; malformed lines skipped with their line")
    func jsonLines() throws {
        let path = folder.write("train.jsonl", """
            {"text": "good", "label": 1}
            {"text": "bad", "label": 0, "extra": [1]}

            not json
            {"text": "odd", "label": null}
            {"text": "ok", "label": true}
            ["an", "array"]
            """)
        let data = try LabeledTextReader(format: .jsonl, text: .name("text"), label: .name("label")).read(path: path)
        #expect(data.examples.map(\.text) == ["good", "bad", "ok"])
        #expect(data.labelNames == ["0", "1", "true"])
        #expect(data.skipped.map(\.line) == [4, 5, 7])
        #expect(data.skipped.map(\.reason) == ["not valid JSON", "no string or number under \"label\"", "not a JSON object"])
        #expect(throws: ClassificationError.columnNeedsHeader(path: path, column: "0")) {
            try LabeledTextReader(format: .jsonl, text: .index(0)).read(path: path)
        }
    }

    @Test("Dev data in the training vocabulary: a label training lacks is an error naming it")
    func devLabels() throws {
        let reader = LabeledTextReader(format: .tsv, text: .name("s"), label: .name("y"))
        let train = try reader.read(path: folder.write("train.tsv", "s\ty\na\tpos\nb\tneg\n"))
        let dev = try reader.read(path: folder.write("dev.tsv", "s\ty\nc\tneg\n"), like: train)
        #expect(dev.labelNames == train.labelNames && dev.examples[0].label == .category(0))
        let unseen = folder.write("dev2.tsv", "s\ty\nc\tneg\nd\tmixed\n")
        #expect(throws: ClassificationError.unseenLabel(path: unseen, line: 3, label: "mixed", known: ["neg", "pos"])) {
            try reader.read(path: unseen, like: train)
        }
        // Unlabelled reading (prediction) keeps the training classes for the output.
        let texts = try LabeledTextReader(format: .tsv, text: .name("s")).read(path: unseen, like: train)
        #expect(texts.examples.allSatisfy { $0.label == nil } && texts.labelNames == ["neg", "pos"])
    }

    @Test("Unknown columns, names without a header, short rows and empty files")
    func badFiles() throws {
        let path = folder.write("data.tsv", "s\ty\na\tpos\nshort\nb\tneg\n")
        #expect(throws: ClassificationError.unknownColumn(path: path, column: "label", available: ["s", "y"])) {
            try LabeledTextReader(format: .tsv, text: .name("s"), label: .name("label")).read(path: path)
        }
        #expect(throws: ClassificationError.columnNeedsHeader(path: path, column: "s")) {
            try LabeledTextReader(format: .tsv, text: .name("s"), header: false).read(path: path)
        }
        let data = try LabeledTextReader(format: .tsv, text: .name("s"), label: .name("y")).read(path: path)
        #expect(data.examples.count == 2 && data.skipped.map(\.line) == [3])
        #expect(data.skipped[0].reason == "1 column (tab-separated), column 1 needed")
        let empty = folder.write("empty.csv", "s,y\n")
        #expect(throws: ClassificationError.emptySplit(path: empty, skipped: 0)) {
            try LabeledTextReader(format: .csv, text: .name("s"), label: .name("y")).read(path: empty)
        }
        #expect(LabeledTextFormat(path: "x.CSV") == .csv && LabeledTextFormat(path: "a.ndjson") == .jsonl && LabeledTextFormat(path: "a.txt") == nil)
        #expect(ColumnReference("3") == .index(3) && ColumnReference("3a") == .name("3a") && ColumnReference("") == .name(""))
    }
}
