// ClassificationTarget: the input is up to three files separated by NUL bytes: a delimited text file,
// a CoNLL file and a GLUE prediction file. The first is read in every GLUE task's layout of every split
// and as the user's TSV, CSV and JSON lines (columns by index and by name, every label kind); the
// second as CoNLL and scored in every entity mode; the third scored against the first read as each
// task's dev file, as `electra evaluate glue` and `electra evaluate ner` do.

import ElectraData

enum ClassificationTarget {
    static func run(_ input: [UInt8]) {
        let parts = fileParts(input, count: 3)
        let table = Scratch.write(parts[0], to: "classification/data.tsv")
        let conll = Scratch.write(parts.count > 1 ? parts[1] : [], to: "classification/tags.txt")
        let predictions = Scratch.write(parts.count > 2 ? parts[2] : [], to: "classification/predictions.tsv")
        for task in GLUETask.allCases {
            for split in GLUESplit.allCases where !task.fileNames(split).isEmpty {
                guard let data = try? GLUEReader.read(file: table, task: task, split: split) else { continue }
                if !split.isUnlabelled {
                    _ = try? GLUEEvaluation.evaluate(task: task, split: split, predictionsPath: predictions, gold: data)
                }
            }
        }
        let columns: [(ColumnReference, ColumnReference?, ColumnReference?)] = [
            (.index(0), nil, .index(1)), (.index(1), .index(2), .index(0)), (.name("text"), .name("pair"), .name("label")),
        ]
        for format in LabeledTextFormat.allCases {
            for (text, pair, label) in columns {
                for kind in LabelKind.allCases {
                    let reader = LabeledTextReader(format: format, text: text, pair: pair, label: label, labelKind: kind)
                    if let train = try? reader.read(path: table) { _ = try? reader.read(path: table, like: train) }
                }
            }
        }
        if let document = try? CoNLL.read(path: conll) {
            _ = try? document.tagIndices(document.tagSet)
            let gold = document.sentences.map { $0.column(fromEnd: 1) }, predicted = document.sentences.map { $0.column(fromEnd: 0) }
            let modes: [EntityMatching] = [.conlleval, .seqeval] + TaggingScheme.allCases.map { .strict($0) }
            for mode in modes { _ = try? EntityMetrics.evaluate(gold: gold, predicted: predicted, matching: mode) }
        }
    }

    /// A QQP-like table (a short row, quotes), a CoNLL file with -DOCSTART-, and predictions for it.
    static func seeds() -> [(name: String, bytes: [UInt8])] {
        let table = "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n0\t1\t2\twhat \"is\tit ?\t1\n1\t3\t4\n2\t5\t6\ta\tb\t0\n"
        let csv = "text,pair,label\n\"a, b\",c,0.5\nd,\"e\"\"f\",2\n"
        let jsonl = "{\"text\": \"a\", \"pair\": \"b\", \"label\": 1}\n{\"text\": \"c\", \"label\": \"x\"}\n"
        let conll = "-DOCSTART- -X- O O\n\nEU NNP I-ORG B-ORG\nrejects VBZ O O\nGerman JJ I-MISC S-MISC\n\nPeter NNP B-PER E-PER\n"
        let predictions = "index\tprediction\n0\t1\n2\t0\n"
        return [
            ("glue-qqp", joinedFiles([Array(table.utf8), Array(conll.utf8), Array(predictions.utf8)])),
            ("csv", joinedFiles([Array(csv.utf8), Array(conll.utf8)])),
            ("jsonl", Array(jsonl.utf8)),
        ]
    }
}
