// GLUEReaderTests: every split of every task in Tests/Fixtures/glue read as Python's csv module (no
// quote character, utf-8-sig) and Google's column positions read it (expected.json), plus the folder
// lookup, the submission layout and the errors for missing splits, unknown labels and empty files.

@testable import ElectraData
import Foundation
import Testing
import _TestSupport

@Suite("GLUE reader") struct GLUEReaderTests {
    static let root = FixtureJSON.path("glue")

    /// The task folder names in the fixture (the GLUE distribution's) for each task.
    static func splits(_ task: GLUETask) -> [GLUESplit] {
        task == .mnli ? [.train, .dev, .devMismatched, .test, .testMismatched, .diagnostic] : [.train, .dev, .test]
    }

    /// expected.json's key of a split: the file name without `.tsv`.
    static func key(_ task: GLUETask, _ split: GLUESplit) -> String {
        split == .diagnostic ? "diagnostic" : String(task.fileNames(split)[0].dropLast(4))
    }

    @Test("Every split matches the reference reader: ids, texts, labels, lines and skipped rows", arguments: GLUETask.allCases)
    func matchesReference(task: GLUETask) throws {
        let expected = try #require(FixtureJSON.load("glue/expected.json") as? [String: Any])
        let byTask = try #require(expected[task.displayName] as? [String: Any])
        let reader = GLUEReader(task: task, directory: Self.root)
        for split in Self.splits(task) {
            let reference = try #require(byTask[Self.key(task, split)] as? [String: Any], "\(task) \(split)")
            let rows = try #require(reference["examples"] as? [[Any]])
            let data = try reader.read(split)
            #expect(data.examples.count == rows.count, "\(task) \(split)")
            for (example, row) in zip(data.examples, rows) {
                #expect(example.id == row[0] as? String, "\(task) \(split) line \(example.line)")
                #expect(example.text == row[1] as? String, "\(task) \(split) line \(example.line)")
                #expect(example.pair == row[2] as? String, "\(task) \(split) line \(example.line)")
                #expect(example.line == (row[4] as? NSNumber)?.intValue)
                switch example.label {
                case nil: #expect(row[3] is NSNull)
                case .score(let value)?: #expect(value == FixtureJSON.double(row[3]))
                case .category(let index)?: #expect(task.labels[index] == row[3] as? String)
                }
            }
            let skipped = (reference["skipped_lines"] as? [NSNumber])?.map(\.intValue) ?? []
            #expect(data.skipped.map(\.line) == skipped, "\(task) \(split)")
            #expect(data.skipped.allSatisfy { $0.path == data.path })
        }
    }

    @Test("Layouts: BOM dropped, unbalanced quotes kept, CRLF lines, the malformed QQP row reported")
    func specialRows() throws {
        let mrpc = try GLUEReader(task: .mrpc, directory: Self.root).read(.train)
        #expect(mrpc.examples.count == 7 && mrpc.skipped.isEmpty)   // the header behind the BOM is no example
        let sst = try GLUEReader(task: .sst2, directory: Self.root).read(.train)
        #expect(sst.examples[0].text == "the film 's \" charm is lost ")
        #expect(sst.examples[2].text == "praised its \"bold\" score \"")
        let qqp = try GLUEReader(task: .qqp, directory: Self.root).read(.train)
        #expect(qqp.skipped.count == 1 && qqp.skipped[0].line == 5)
        #expect(qqp.skipped[0].description.hasPrefix(qqp.path + ":5: skipped: 3 columns"))
        #expect(qqp.examples.contains { $0.text == "what is \"love" && $0.pair == "is \"it\" real ?" })
        let rte = try GLUEReader(task: .rte, directory: Self.root).read(.dev)
        #expect(rte.examples.allSatisfy { !$0.text.contains("\r") && $0.label != nil })
        let sts = try GLUEReader(task: .stsb, directory: Self.root).read(.train)
        #expect(sts.isRegression && sts.skipped.map(\.reason) == ["score \"n/a\" is not a number"])
    }

    @Test("The reader finds the task's folder below the GLUE root, and takes the folder itself")
    func folderLookup() throws {
        let fromRoot = GLUEReader(task: .cola, directory: Self.root)
        let fromFolder = GLUEReader(task: .cola, directory: Self.root + "/CoLA")
        #expect(fromRoot.directory == fromFolder.directory)
        #expect(try fromRoot.path(for: .train) == fromFolder.path(for: .train))
        // MNLI's diagnostic set sits beside the tasks, as download_glue_data.py leaves it.
        #expect(try GLUEReader(task: .mnli, directory: Self.root).path(for: .diagnostic).hasSuffix("glue/diagnostic/diagnostic.tsv"))
    }

    @Test("Missing splits, unknown labels and empty files are errors naming the file")
    func errors() throws {
        #expect(throws: ClassificationError.missingSplit(directory: Self.root + "/CoLA", task: "CoLA",
                                                        expected: ["a dev_mismatched split (only MNLI has one)"])) {
            try GLUEReader(task: .cola, directory: Self.root).read(.devMismatched)
        }
        let folder = TestDirectory("glue-errors")
        let bad = folder.write("dev.tsv", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tmaybe\n")
        #expect(throws: ClassificationError.unseenLabel(path: bad, line: 2, label: "maybe", known: ["entailment", "not_entailment"])) {
            try GLUEReader.read(file: bad, task: .rte, split: .dev)
        }
        let empty = folder.write("train.tsv", "sentence\tlabel\n\n")
        #expect(throws: ClassificationError.emptySplit(path: empty, skipped: 0)) {
            try GLUEReader(task: .sst2, directory: folder.path).read(.train)
        }
        let message = ClassificationError.emptySplit(path: empty, skipped: 0).description
        #expect(message.contains(empty) && message.contains("at least one example"))
    }

    @Test("Task descriptions: labels, metrics and Google's presets")
    func taskDescriptions() {
        #expect(GLUETask.mnli.labels == ["contradiction", "entailment", "neutral"])
        #expect(GLUETask.stsb.isRegression && GLUETask.stsb.outputCount == 1 && GLUETask.qnli.outputCount == 2)
        #expect(GLUETask.cola.metrics == [.matthewsCorrelation] && GLUETask.mrpc.metrics == [.f1, .accuracy])
        #expect(GLUETask.allCases.filter { $0.preset.epochs == 10 } == [.stsb, .rte])
        #expect(GLUETask.mrpc.preset.trainsOnBothOrders && !GLUETask.qqp.preset.trainsOnBothOrders)
        #expect(GLUETask.sst2.preset.learningRate.small == 3e-4 && GLUETask.sst2.preset.layerDecay.large == 0.9)
        #expect(GLUETask(name: "SST-2") == .sst2 && GLUETask(name: "sts-b") == .stsb && GLUETask(name: "glue") == nil)
        #expect(GLUETask.mnli.developmentSplits == [.dev, .devMismatched] && GLUETask.rte.testSplits == [.test])
    }
}
