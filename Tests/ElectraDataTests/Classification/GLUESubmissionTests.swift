// GLUESubmissionTests: the leaderboard's file names and label forms, the written file, reading it
// back, and scoring a prediction file against a dev file (matching by index, missing and extra rows).

import _TestSupport
@testable import ElectraData
import Foundation
import Testing

@Suite("GLUE submission files") struct GLUESubmissionTests {
    @Test("File names: CoLA.tsv … STS-B.tsv, MNLI-m/MNLI-mm, AX for the diagnostic")
    func fileNames() {
        let names = GLUETask.allCases.flatMap { task in task.testSplits.map { GLUESubmission.fileName(task: task, split: $0) } }
        #expect(names == ["CoLA.tsv", "SST-2.tsv", "MRPC.tsv", "STS-B.tsv", "QQP.tsv", "MNLI-m.tsv", "MNLI-mm.tsv", "AX.tsv",
                          "QNLI.tsv", "RTE.tsv", "WNLI.tsv"])
    }

    @Test("Labels as the leaderboard wants them: names for MNLI/QNLI/RTE, 0/1 for the binary tasks, floats for STS-B")
    func labels() {
        #expect(GLUESubmission.predictionText(.category(2), task: .mnli) == "neutral")
        #expect(GLUESubmission.predictionText(.category(1), task: .qnli) == "not_entailment")
        #expect(GLUESubmission.predictionText(.category(1), task: .cola) == "1")
        #expect(GLUESubmission.predictionText(.score(3), task: .stsb) == "3.0")
        #expect(GLUESubmission.predictionText(.score(0.125), task: .stsb) == "0.125")
        #expect(GLUESubmission.text(task: .rte, ids: ["0", "1"], predictions: [.category(0), .category(1)])
                == "index\tprediction\n0\tentailment\n1\tnot_entailment\n")
    }

    @Test("Write, read back and score against the dev file; missing, extra and unknown predictions are errors")
    func roundTripAndScore() throws {
        let folder = TestDirectory("glue-submission")
        let dev = try GLUEReader(task: .mrpc, directory: FixtureJSON.path("glue")).read(.dev)
        let gold = dev.examples.map { $0.label! }
        let flipped = gold.enumerated().map { $0.offset == 0 ? ClassificationLabel.category(1 - $0.element.category!) : $0.element }
        let path = try GLUESubmission.write(task: .mrpc, split: .dev, ids: dev.examples.map(\.id), predictions: flipped,
                                            directory: folder.file("out"))
        #expect(path.hasSuffix("out/MRPC.tsv") && !FileManager.default.fileExists(atPath: path + ".tmp"))
        let read = try GLUESubmission.read(path: path)
        #expect(read.predictions.count == dev.examples.count && read.skipped.isEmpty)
        let result = try GLUEEvaluation.evaluate(task: .mrpc, split: .dev, predictionsPath: path, gold: dev)
        let expected = GLUEEvaluation.score(task: .mrpc, predicted: flipped, gold: gold)
        #expect(result.scores.values == expected && result.scores.count == gold.count)
        #expect(result.scores.values[.accuracy] == Double(gold.count - 1) / Double(gold.count))

        let missing = folder.write("missing.tsv", "index\tprediction\n0\t1\n")
        #expect(throws: ClassificationError.self) { try GLUEEvaluation.evaluate(task: .mrpc, split: .dev, predictionsPath: missing, gold: dev) }
        let extra = folder.write("extra.tsv", (try String(contentsOfFile: path, encoding: .utf8)) + "99\t1\n")
        let error = #expect(throws: ClassificationError.self) { try GLUEEvaluation.evaluate(task: .mrpc, split: .dev, predictionsPath: extra, gold: dev) }
        #expect(error?.description.contains("predicts index 99") == true)
        let word = folder.write("word.tsv", "index\tprediction\n" + dev.examples.map { "\($0.id)\tyes\n" }.joined())
        #expect(throws: ClassificationError.wrongLabelKind(path: word, reason: "line 2: prediction \"yes\" is not a MRPC label (0, 1)")) {
            try GLUEEvaluation.evaluate(task: .mrpc, split: .dev, predictionsPath: word, gold: dev)
        }
        let twice = folder.write("twice.tsv", "index\tprediction\n0\t1\n0\t0\n")
        #expect(throws: ClassificationError.malformedFile(path: twice, line: 3, reason: "index 0 was already predicted on line 2")) {
            try GLUESubmission.read(path: twice)
        }
        let headerless = folder.write("headerless.tsv", "0\t1\n")
        #expect(throws: ClassificationError.self) { try GLUESubmission.read(path: headerless) }
    }
}
