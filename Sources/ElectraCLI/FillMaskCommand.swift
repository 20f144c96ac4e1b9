// `electra fill-mask`: the generator's top predictions for each [MASK].

import ArgumentParser
import Electra
import ElectraNN
import ElectraTensor
import Foundation

public struct FillMaskCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "fill-mask",
        abstract: "Show a generator's most likely tokens for each [MASK] in a text.",
        discussion: "Example: electra fill-mask --model runs/demo/export/generator \"the capital of france is [MASK].\""
    )

    @Option(help: "A generator directory (Hugging Face layout: config.json, model.safetensors, vocab.txt).")
    var model: String

    @Option(help: "Predictions to show per [MASK].")
    var topK = 5

    @Flag(help: "Print one JSON object with the predictions.")
    var json = false

    @Argument(help: "Text with one or more [MASK] tokens.")
    var text: String

    public func validate() throws {
        guard topK >= 1 else { throw ValidationError("--top-k must be at least 1") }
        guard text.contains("[MASK]") else { throw ValidationError("the text has no [MASK]; write [MASK] where a word should be predicted") }
    }

    @OptionGroup var precision: PrecisionOption

    public func run() throws {
        try precision.run(execute)
    }

    private func execute() throws {
        let generator = try ModelDirectory.loadGenerator(model)
        let tokenizer = try ModelDirectory.tokenizer(for: model, config: generator.config)
        let encoded = tokenizer.encodePair(text, maxLength: generator.config.maxPositionEmbeddings)
        let rows = encoded.ids.indices.filter { encoded.ids[$0] == tokenizer.vocabulary.maskId }.map(Int32.init)
        guard !rows.isEmpty else { throw CommandError("no [MASK] is left after tokenization (was the text truncated?)") }
        let batch = TokenBatch(batch: 1, length: encoded.ids.count, ids: encoded.ids, tokenTypes: encoded.tokenTypes)
        try generator.config.check(batch, source: "the text")
        let workspace = ElectraGenerator.Workspace(config: generator.config, batch: 1, length: encoded.ids.count,
                                                   rows: rows.count, training: false)
        let logits = generator.logits(batch, rows: rows, workspace)
        var results: [[(token: String, probability: Float)]] = []
        for r in 0..<rows.count {
            let row = Array(logits.rows(r..<(r + 1)).scalars)
            let top = row.max()!
            let exps = row.map { exp($0 - top) }
            let total = exps.reduce(0, +)
            let best = row.indices.sorted { row[$0] > row[$1] }.prefix(topK)
            results.append(best.map { (tokenizer.vocabulary.token(Int32($0)), exps[$0] / total) })
        }
        if json {
            let masks = results.enumerated().map { index, predictions in
                "{\"position\":\(rows[index]),\"predictions\":[" + predictions.map {
                    "{\"token\":\(JSONText.quote($0.token)),\"probability\":\($0.probability)}"
                }.joined(separator: ",") + "]}"
            }
            print("{\"masks\":[\(masks.joined(separator: ","))]}")
            return
        }
        for (index, predictions) in results.enumerated() {
            print("[MASK] at token \(rows[index]):")
            for (token, probability) in predictions {
                print("  " + token.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%.4f", probability))
            }
        }
    }
}
