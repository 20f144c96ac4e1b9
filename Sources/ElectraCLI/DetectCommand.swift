// `electra detect`: the discriminator's probability that each token was replaced.

import ArgumentParser
import Electra
import ElectraNN
import ElectraTensor
import Foundation

public struct DetectCommand: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Show, for each token, the discriminator's probability that it was replaced.",
        discussion: "Example: electra detect --model runs/demo/export/discriminator \"the chef cooked the meal\""
    )

    @Option(help: "A discriminator directory (Hugging Face layout: config.json, model.safetensors, vocab.txt).")
    var model: String

    @Flag(help: "Print one JSON object: tokens, ids, logits and probabilities (with [CLS] and [SEP]).")
    var json = false

    @Argument(help: "The text to check.")
    var text: String

    @OptionGroup var precision: PrecisionOption

    public func run() throws {
        try precision.run(execute)
    }

    private func execute() throws {
        let discriminator = try ModelDirectory.loadDiscriminator(model)
        let tokenizer = try ModelDirectory.tokenizer(for: model, config: discriminator.config)
        let encoded = tokenizer.encodePair(text, maxLength: discriminator.config.maxPositionEmbeddings)
        let batch = TokenBatch(batch: 1, length: encoded.ids.count, ids: encoded.ids, tokenTypes: encoded.tokenTypes)
        try discriminator.config.check(batch, source: "the text")
        let workspace = ElectraDiscriminator.Workspace(config: discriminator.config, batch: 1, length: encoded.ids.count, training: false)
        let logits = discriminator.logits(batch, workspace).scalars
        let probabilities = logits.map { 1 / (1 + exp(-$0)) }
        let tokens = encoded.ids.map { tokenizer.vocabulary.token($0) }
        if json {
            print("{\"tokens\":[\(tokens.map(JSONText.quote).joined(separator: ","))],"
                  + "\"ids\":[\(encoded.ids.map(String.init).joined(separator: ","))],"
                  + "\"logits\":[\(logits.map { String($0) }.joined(separator: ","))],"
                  + "\"probabilities\":[\(probabilities.map { String($0) }.joined(separator: ","))]}")
            return
        }
        let width = max(5, tokens.map(\.count).max() ?? 5)
        print("token".padding(toLength: width, withPad: " ", startingAt: 0) + "  replaced?")
        for (token, probability) in zip(tokens, probabilities) {
            let bar = String(repeating: "█", count: Int((probability * 20).rounded()))
            print(token.padding(toLength: width, withPad: " ", startingAt: 0)
                  + String(format: "  %.3f ", probability) + bar + (probability > 0.5 ? "  ← replaced" : ""))
        }
    }
}
