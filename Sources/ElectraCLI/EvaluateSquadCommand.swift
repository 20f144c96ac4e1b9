// `electra evaluate squad`: the official SQuAD v1.1 / v2.0 metrics of a predictions file, printed as
// the official evaluation scripts print them.

import ArgumentParser
import ElectraData
import Foundation

public struct EvaluateSquadCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "squad",
        abstract: "Exact match and F1 of SQuAD predictions, as the official evaluation scripts compute them.",
        discussion: """
            Prints the metrics as JSON, exactly as evaluate-v1.1.py ({"exact_match", "f1"}) or \
            evaluate-v2.0.py (exact, f1, total, HasAns_*, NoAns_*, and best_* with --na-probs) print them. \
            The version comes from the data's "version" field, or from questions with "is_impossible"; \
            --version overrides it.
            """
    )

    @Option(help: "The SQuAD data file (dev-v1.1.json, dev-v2.0.json).")
    var data: String

    @Option(help: "The predictions: a JSON object from question id to answer text (predictions.json).")
    var predictions: String

    @Option(name: .customLong("na-probs"),
            help: "SQuAD 2.0: a JSON object from question id to no-answer probability or score (null_odds.json).")
    var naProbs: String?

    @Option(name: .customLong("na-prob-thresh"), help: "SQuAD 2.0: answer \"\" where the no-answer probability exceeds this.")
    var naProbThresh: Double = 1.0

    @Option(name: .customLong("version"), help: "Score as SQuAD 1.1 or 2.0 (default: from the data).")
    var squadVersion: String?

    @Option(help: ArgumentHelp("SQuAD 2.0: match the official script as run by this Python version (3.0 to 3.13).",
                               discussion: "Python 3.12 changed how sum() adds floats, which can move the last digits of f1."))
    var python: String = "3.11"

    public func validate() throws {
        for (flag, path) in [("--data", data), ("--predictions", predictions), ("--na-probs", naProbs)] {
            if let path, !FileManager.default.isReadableFile(atPath: path) {
                throw ValidationError("cannot read \(path) (\(flag)): check the path")
            }
        }
        if let squadVersion, Self.version(squadVersion) == nil {
            throw ValidationError("--version must be 1.1 or 2.0, not \(squadVersion)")
        }
        if Self.summation(python) == nil {
            throw ValidationError("--python takes the version of the Python that ran the official script, 3.0 to 3.13 "
                                  + "(later ones are not matched yet), not \(python)")
        }
        if naProbs != nil, let squadVersion, Self.version(squadVersion) == .v1_1 {
            throw ValidationError("--na-probs applies to SQuAD 2.0 only: drop it, or pass --version 2.0")
        }
    }

    public func run() throws {
        let report: SQuADEvaluation.Report
        do {
            report = try SQuADEvaluation.run(dataFile: data, predictionsFile: predictions, noAnswerProbabilitiesFile: naProbs,
                                             threshold: naProbThresh, version: squadVersion.flatMap(Self.version),
                                             summation: Self.summation(python) ?? .python311)
        } catch let error as SQuADError {
            throw CommandError(error.description)
        }
        if report.version == .v1_1 && naProbs != nil {
            FileHandle.standardError.write(Data("note: --na-probs is ignored for SQuAD 1.1 data\n".utf8))
        }
        for warning in report.warnings { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
        Console.line(report.json)
    }

    /// The `sum()` of Python `text` ("3.11", "3.12.1"): plain up to 3.11, compensated in 3.12 and 3.13.
    static func summation(_ text: String) -> SQuADPythonSummation? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ".")
        guard parts.count >= 2, parts[0] == "3", let minor = Int(parts[1]), minor >= 0 else { return nil }
        switch minor {
        case ...11: return .python311
        case 12, 13: return .python312
        default: return nil
        }
    }

    /// "1.1", "v1.1", "1" → v1.1; "2.0", "v2.0", "2" → v2.0.
    static func version(_ text: String) -> SQuADVersion? {
        switch text.lowercased().trimmingCharacters(in: .whitespaces) {
        case "1.1", "v1.1", "1": return .v1_1
        case "2.0", "v2.0", "2": return .v2_0
        default: return nil
        }
    }
}
