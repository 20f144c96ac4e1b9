// `electra evaluate ner`: entity-level precision, recall and F1 of a CoNLL file of `token gold
// predicted` lines, printed as conlleval prints them (or as JSON).

import ArgumentParser
import ElectraData
import ElectraTensor
import Foundation

public struct EvaluateNerCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "ner",
        abstract: "Entity-level precision, recall and F1 of tagged text, as conlleval or seqeval count them.",
        discussion: """
            Reads a CoNLL file: one token a line, whitespace-separated columns with the gold tag second to \
            last and the predicted tag last (what conlleval reads), blank lines between sentences, \
            -DOCSTART- lines skipped. --mode conlleval (the default) follows conlleval.pl: an entity starts \
            at B-X, at I-X after O or another type (IOB1 and IOB2 both work); --mode seqeval adds the E- \
            and S- rules of IOBES (seqeval's default); --mode strict counts only entities well formed in \
            --scheme (seqeval's mode="strict"), so in IOB2 an I-X after O is no entity. Token accuracy \
            leaves out -DOCSTART- lines (conlleval counts them as tokens).
            """
    )

    @Option(help: "The CoNLL file of token, gold tag and predicted tag columns.")
    var predictions: String

    @Option(help: "Entity boundaries: conlleval, seqeval, or strict (with --scheme).")
    var mode: EntityMatchingMode = .conlleval

    @Option(help: "The tagging scheme for --mode strict: iob1, iob2, iobes.")
    var scheme: TaggingScheme?

    @Flag(help: "Print the metrics as one JSON object.")
    var json = false

    public func validate() throws {
        if !FileManager.default.isReadableFile(atPath: predictions) {
            throw ValidationError("cannot read \(predictions) (--predictions): check the path")
        }
        if mode == .strict && scheme == nil {
            throw ValidationError("--mode strict needs --scheme iob1, iob2 or iobes")
        }
        if mode != .strict && scheme != nil {
            throw ValidationError("--scheme applies to --mode strict only: drop it, or pass --mode strict")
        }
    }

    public func run() throws {
        let document: CoNLLDocument
        do {
            document = try CoNLL.read(path: predictions, minimumColumns: 2)
        } catch let error as ClassificationError {
            throw error.commandError
        }
        reportSkipped(document.skipped)
        let gold = document.sentences.map { $0.column(fromEnd: 1) }
        let predicted = document.sentences.map { $0.column(fromEnd: 0) }
        let report: EntityReport
        do {
            report = try EntityMetrics.evaluate(gold: gold, predicted: predicted, matching: mode.matching(scheme: scheme ?? .iob2))
        } catch {
            throw CommandError("\(predictions): \(error)")
        }
        Console.write(json ? Self.json(report, mode: mode, scheme: scheme) + "\n" : Self.conllevalText(report))
    }

    /// conlleval.pl's report: totals, then one line per type with its predicted count.
    static func conllevalText(_ report: EntityReport) -> String {
        let o = report.overall
        var out = "processed \(report.tokens) tokens with \(o.gold) phrases; found: \(o.predicted) phrases; correct: \(o.correct).\n"
        if report.tokens > 0 {
            out += String(format: "accuracy: %6.2f%%; precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f\n",
                          100 * report.tokenAccuracy, 100 * o.precision, 100 * o.recall, 100 * o.f1)
        }
        for type in report.byType.keys.sorted() {
            let c = report.byType[type]!
            out += String(repeating: " ", count: max(0, 17 - type.count)) + type
                + String(format: ": precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f  %d\n",
                         100 * c.precision, 100 * c.recall, 100 * c.f1, c.predicted)
        }
        return out
    }

    /// `{"mode", "tokens", "accuracy", "precision", "recall", "f1", "gold", "predicted", "correct", "types": {…}}`.
    static func json(_ report: EntityReport, mode: EntityMatchingMode, scheme: TaggingScheme?) -> String {
        func counts(_ c: EntityCounts) -> String {
            "\"precision\": \(number(c.precision)), \"recall\": \(number(c.recall)), \"f1\": \(number(c.f1)), "
                + "\"gold\": \(c.gold), \"predicted\": \(c.predicted), \"correct\": \(c.correct)"
        }
        let types = report.byType.keys.sorted().map { "\(JSONText.quote($0)): {\(counts(report.byType[$0]!))}" }
        let schemeText = scheme.map { ", \"scheme\": \(JSONText.quote($0.rawValue))" } ?? ""
        return "{\"mode\": \(JSONText.quote(mode.rawValue))\(schemeText), \"tokens\": \(report.tokens), "
            + "\"accuracy\": \(number(report.tokenAccuracy)), \(counts(report.overall)), \"types\": {\(types.joined(separator: ", "))}}"
    }

    /// The shortest digits that read back to `value` (all values here are finite).
    private static func number(_ value: Double) -> String { value.description }
}
