// `electra finetune glue|classify|ner` and `electra predict --task …`: every GLUE task end to end on the
// official-layout fixtures (train, dev every epoch, save, leaderboard files), a user's CSV, CoNLL;
// and the messages for a user's mistakes.

@testable import ElectraCLI
import Electra
import Foundation
import Testing
import _TestSupport

@Suite("Classification commands", .serialized) struct ClassificationCommandTests {
    static let glue = Fixtures.directory.appendingPathComponent("glue").path
    static let conll = Fixtures.directory.appendingPathComponent("ner/conll2003-sample.txt").path
    static let model = Fixtures.directory.appendingPathComponent("model/discriminator").path
    static let quick = ["--epochs", "2", "--batch-size", "2", "--max-seq-length", "32", "--learning-rate", "1e-3"]

    static let folders: [String: String] = ["cola": "CoLA", "sst2": "SST-2", "mrpc": "MRPC", "stsb": "STS-B", "qqp": "QQP",
                                            "mnli": "MNLI", "qnli": "QNLI", "rte": "RTE", "wnli": "WNLI"]

    /// Data rows of a TSV with a header.
    func rows(_ path: String) throws -> [String] {
        Array(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst().map(String.init))
    }

    @Test(arguments: ["cola", "sst2", "mrpc", "stsb", "qqp", "mnli", "qnli", "rte", "wnli"])
    func glueTaskEndToEnd(task: String) throws {
        let output = scratchPath("glue-\(task)")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let data = Self.glue + "/" + Self.folders[task]!
        #expect(commandOutcome(["finetune", "glue", "--task", task, "--data", data, "--model", Self.model, "--output", output] + Self.quick) == "")
        let results = try String(contentsOfFile: output + "/dev_results.json", encoding: .utf8)
        #expect(results.contains("\"split\": \"dev\"") && (task != "mnli" || results.contains("dev_mismatched")), "\(results)")
        let model = try ClassificationModel.loadFineTuned(output)
        #expect(model.kind == .sequence && model.problem == (task == "stsb" ? .regression : .singleLabel))
        // Leaderboard files: one prediction per test row, GLUE's names.
        let tests = task == "mnli" ? [("test_matched.tsv", "MNLI-m.tsv"), ("test_mismatched.tsv", "MNLI-mm.tsv"),
                                      ("../diagnostic/diagnostic.tsv", "AX.tsv")]
                                   : [("test.tsv", Self.folders[task]! + ".tsv")]
        let submission = scratchPath("submission-\(task)")
        defer { try? FileManager.default.removeItem(atPath: submission) }
        for (input, name) in tests {
            #expect(commandOutcome(["predict", "--task", "glue-\(task)", "--model", output, "--input", data + "/" + input,
                                    "--output", submission]) == "")
            let written = try rows(submission + "/" + name)
            #expect(written.count == (try rows(data + "/" + input)).count, "\(name)")
        }
        print("finetune glue \(task): \(results.trimmingCharacters(in: .newlines))")
    }

    @Test func classifyTrainsOnACSVAndPredictsJSONLines() throws {
        let directory = temporaryDirectory("classify")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func write(_ name: String, _ count: Int, offset: Int, labelled: Bool = true) throws -> String {
            let path = directory + "/" + name
            var text = labelled ? "review,stars\n" : "review\n"
            for k in 0..<count {
                let label = (k + offset) % 2
                let words = label == 1 ? ["great", "lovely", "fun"] : ["awful", "dull", "poor"]
                text += "\"the film, honestly, was \(words[k % 3]) and \(words[(k + 1) % 3])\"" + (labelled ? ",\(label == 1 ? "good" : "bad")" : "") + "\n"
            }
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let train = try write("train.csv", 48, offset: 0), dev = try write("dev.csv", 12, offset: 1), new = try write("new.csv", 6, offset: 0, labelled: false)
        let output = directory + "/model"
        #expect(commandOutcome(["finetune", "classify", "--train", train, "--dev", dev, "--text-column", "review", "--label-column", "stars",
                                "--model", Self.model, "--output", output, "--epochs", "25", "--batch-size", "8", "--max-seq-length", "24",
                                "--learning-rate", "2e-3"]) == "")
        let model = try ClassificationModel.loadFineTuned(output)
        #expect(model.labelNames == ["bad", "good"])
        let predictions = directory + "/new.jsonl"
        #expect(commandOutcome(["predict", "--task", "classify", "--model", output, "--input", new, "--text-column", "review",
                                "--output", predictions]) == "")
        let lines = try String(contentsOfFile: predictions, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 6)
        let labels = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }.map { $0["label"] as! String }
        print("classify: predictions \(labels) for alternating good/bad reviews")
        #expect(labels == ["bad", "good", "bad", "good", "bad", "good"])
    }

    @Test func nerTrainsOnCoNLLAndPredictsTags() throws {
        let output = scratchPath("ner")
        defer { try? FileManager.default.removeItem(atPath: output) }
        #expect(commandOutcome(["finetune", "ner", "--train", Self.conll, "--dev", Self.conll, "--model", Self.model, "--output", output,
                                "--epochs", "3", "--batch-size", "4", "--max-seq-length", "24"]) == "")
        let devPredictions = try String(contentsOfFile: output + "/dev_predictions.txt", encoding: .utf8)
        #expect(devPredictions.split(separator: "\n").first?.split(separator: " ").count == 3)
        let predicted = output + "/predicted.txt"
        #expect(commandOutcome(["predict", "--task", "ner", "--model", output, "--input", Self.conll, "--output", predicted,
                                "--max-seq-length", "24"]) == "", "SQuAD's window rules do not apply to --task")
        let tokens = try String(contentsOfFile: Self.conll, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("-DOCSTART-") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
        let written = try String(contentsOfFile: predicted, encoding: .utf8).split(separator: "\n")
        #expect(written.count == tokens, "one line per token")
        let model = try ClassificationModel.loadFineTuned(output)
        #expect(model.kind == .token && written.allSatisfy { model.labelNames.contains(String($0.split(separator: " ").last!)) })
    }

    @Test func mistakesEndInOneMessage() throws {
        let output = scratchPath("mistakes")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let rte = Self.glue + "/RTE"
        #expect(commandOutcome(["finetune", "glue", "--task", "squad", "--data", rte, "--model", Self.model, "--output", output])
            .contains("--task"))
        #expect(commandOutcome(["finetune", "glue", "--task", "rte", "--data", output + "-none", "--model", Self.model, "--output", output])
            .contains("does not exist"))
        let sst = commandOutcome(["finetune", "glue", "--task", "rte", "--data", Self.glue + "/SST-2", "--model", Self.model, "--output", output])
        #expect(sst.contains("SST-2") || sst.contains("RTE"), "\(sst)")
        #expect(commandOutcome(["finetune", "glue", "--task", "rte", "--data", rte, "--model", Self.model, "--output", output,
                                "--max-seq-length", "1000"]).contains("positions"))
        #expect(commandOutcome(["predict", "--task", "glue-rte", "--model", Self.model, "--output", output]).contains("--input"))
        #expect(commandOutcome(["predict", "--task", "glue-rte", "--model", Self.model, "--input", rte + "/test.tsv", "--output", output])
            .contains("not a classification model"))
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
