// `electra evaluate glue` and `electra evaluate ner`: they run on the fixtures, print conlleval's
// layout or JSON, and end every user mistake in one message naming the file or flag.

@testable import ElectraCLI
import ElectraData
import Foundation
import Testing
import _TestSupport

@Suite("evaluate glue and ner commands") struct EvaluateClassificationCommandTests {
    static let glue = Fixtures.directory.appendingPathComponent("glue").path
    static let conll = Fixtures.directory.appendingPathComponent("ner/conll2003-sample.txt").path

    /// A submission-layout file predicting `labels` for ids 0, 1, ….
    static func predictions(_ labels: [String]) throws -> String {
        let path = scratchPath("predictions") + ".tsv"
        let text = "index\tprediction\n" + labels.enumerated().map { "\($0.offset)\t\($0.element)\n" }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("glue: runs with --data or --gold, MNLI mismatched included")
    func glueRuns() throws {
        let cola = try Self.predictions(["0", "1", "0", "1", "0", "1"])
        #expect(commandOutcome(["evaluate", "glue", "--task", "cola", "--predictions", cola, "--data", Self.glue]) == "")
        #expect(commandOutcome(["evaluate", "glue", "--task", "CoLA", "--predictions", cola, "--gold", Self.glue + "/CoLA/dev.tsv", "--json"]) == "")
        let mm = try Self.predictions(["entailment", "neutral", "contradiction", "entailment", "neutral"])
        #expect(commandOutcome(["evaluate", "glue", "--task", "mnli", "--split", "dev_mismatched", "--predictions", mm, "--data", Self.glue]) == "")
        let text = EvaluateGlueCommand.text(GLUEScores(task: .mrpc, split: .dev, count: 4, values: [.f1: 2.0 / 3, .accuracy: 0.5]))
        #expect(text == "MRPC dev (4 examples): f1 0.666667, accuracy 0.500000")
    }

    @Test("glue: mistakes end in one message naming the flag or file")
    func glueMistakes() throws {
        let short = try Self.predictions(["0"])
        let missing = commandOutcome(["evaluate", "glue", "--task", "cola", "--predictions", short, "--data", Self.glue])
        #expect(missing.contains(short) && missing.contains("no prediction for 5 of the 6 examples"))
        #expect(commandOutcome(["evaluate", "glue", "--task", "cola", "--predictions", short]).contains("--gold FILE or --data DIR"))
        #expect(commandOutcome(["evaluate", "glue", "--task", "rte", "--split", "dev_mismatched", "--predictions", short, "--data", Self.glue])
                .contains("only MNLI has a dev_mismatched split"))
        #expect(commandOutcome(["evaluate", "glue", "--task", "glue", "--predictions", short, "--data", Self.glue]).contains("--task"))
        let noFolder = commandOutcome(["evaluate", "glue", "--task", "qqp", "--predictions", short, "--data", "/nonexistent"])
        #expect(noFolder.contains("/nonexistent has no dev.tsv for QQP"))
        #expect(commandOutcome(["evaluate", "glue", "--task", "qqp", "--predictions", "/nonexistent.tsv", "--data", Self.glue])
                .contains("cannot read /nonexistent.tsv (--predictions)"))
    }

    @Test("ner: conlleval's report layout; JSON; strict mode needs a scheme")
    func nerRuns() throws {
        let path = scratchPath("ner") + ".txt"
        try CoNLL.writeEvaluation(tokens: [["EU", "rejects", "German"], ["Peter", "Blackburn"]],
                                  gold: [["I-ORG", "O", "I-MISC"], ["I-PER", "I-PER"]],
                                  predicted: [["I-ORG", "O", "I-PER"], ["I-PER", "I-PER"]], to: path)
        #expect(commandOutcome(["evaluate", "ner", "--predictions", path]) == "")
        #expect(commandOutcome(["evaluate", "ner", "--predictions", path, "--mode", "strict", "--scheme", "iob1", "--json"]) == "")
        let document = try CoNLL.read(path: path)
        let report = try EntityMetrics.evaluate(gold: document.sentences.map { $0.column(fromEnd: 1) },
                                                predicted: document.sentences.map { $0.column(fromEnd: 0) }, matching: .conlleval)
        #expect(EvaluateNerCommand.conllevalText(report) == """
            processed 5 tokens with 3 phrases; found: 3 phrases; correct: 2.
            accuracy:  80.00%; precision:  66.67%; recall:  66.67%; FB1:  66.67
                         MISC: precision:   0.00%; recall:   0.00%; FB1:   0.00  0
                          ORG: precision: 100.00%; recall: 100.00%; FB1: 100.00  1
                          PER: precision:  50.00%; recall: 100.00%; FB1:  66.67  2

            """)
        let json = EvaluateNerCommand.json(report, mode: .conlleval, scheme: nil)
        #expect(json.hasPrefix("{\"mode\": \"conlleval\", \"tokens\": 5, \"accuracy\": 0.8, \"precision\": 0.6666666666666666"))
        #expect(commandOutcome(["evaluate", "ner", "--predictions", path, "--mode", "strict"]).contains("--scheme"))
        #expect(commandOutcome(["evaluate", "ner", "--predictions", path, "--scheme", "iob2"]).contains("--mode strict only"))
        // The CoNLL-2003 file's last two columns are chunk and NER tags: strict IOB2 rejects nothing there,
        // but IOBES tags under strict IOB2 are an error naming the file.
        let iobes = scratchPath("iobes") + ".txt"
        try Data("a S-PER S-PER\n".utf8).write(to: URL(fileURLWithPath: iobes))
        let message = commandOutcome(["evaluate", "ner", "--predictions", iobes, "--mode", "strict", "--scheme", "iob2"])
        #expect(message.contains(iobes) && message.contains("S-PER") && message.contains("--scheme"))
        #expect(commandOutcome(["evaluate", "ner", "--predictions", Self.conll]) == "")
    }
}
